"""The guided questionnaire (``slawriter new``): questions are data in the library.

questions.py reads the question files; answers.py reads answers and evaluates questions
(conditions, defaults) against a data mapping; handlers.py holds one handler per question
type (how it is asked, read, defaulted and shown); fields.py checks answers with the model's
own field types; engine.py asks and saves after every answer (computed.py: computed defaults);
staging.py checks ``--data`` answers before any is written; renewal.py moves a renewal's date
and reference on; prompts.py is the terminal (the only questionary importer); review.py draws
the summary; provider.py finds and completes the provider file. The session that strings
these, the checks and the documents together is pipeline/session.py, above this package.
"""
