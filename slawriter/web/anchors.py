"""The HTML id of a question's field: the anchor the review, the findings and the error list
link to. Kept apart from pages.py so the start page draws without loading the questions."""

from __future__ import annotations

import re


def field_id(name: str) -> str:
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
