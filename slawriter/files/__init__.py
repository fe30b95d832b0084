"""Reading and writing the user's files: YAML with line numbers, round-trip edits, atomic
writes and the record, and loading agreements.
"""
