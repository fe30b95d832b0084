"""The guided questionnaire (``slawriter new``): questions are data in the library.

questions.py reads the question files; fields.py turns typed answers into checked values;
engine.py asks them and saves after every answer (computed.py: computed defaults);
prompts.py is the terminal (the only questionary importer); review.py draws the summary;
provider.py finds and completes the provider file.
"""
