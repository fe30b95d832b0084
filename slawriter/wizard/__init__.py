"""The guided questionnaire (``slawriter new``): questions are data in the library.

questions.py reads the question files, fields.py turns typed answers into checked values,
engine.py asks them and saves after every answer, prompts.py is the terminal (the only
questionary importer), review.py the summary, provider.py the provider file.
"""
