"""Orchestration: the named steps from agreement files to documents on disk, and the
drafting session that strings the questionnaire, the checks and the documents together.
"""
