"""The questionnaire in the browser (``slawriter serve``): the same questions, answers,
checks and documents as ``slawriter new``, one page per section.

folder.py guards the one folder of agreement files the server may touch; pages.py turns the
wizard's questions into form fields and posted fields back into answers (through the
question handlers, so every message is the terminal's and ``validate``'s); app.py holds the
routes and the security checks (token, CSRF, origin); server.py starts uvicorn. The
session (pipeline/session.py) opens, saves and finishes an agreement for each request: the
file on disk is the only state, so the terminal can carry on where the browser stopped.
"""
