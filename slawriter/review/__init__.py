"""The legal reviewers' tools: clause library lint, the clause book, redlines and the
plain-words diff.
"""
