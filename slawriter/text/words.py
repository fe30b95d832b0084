"""Words that agree with a number: '1 ticket', '2 tickets', '1 person', '3 people'.

Every message and document counts things through :func:`plural`, so none says "1 tickets".
"""

from __future__ import annotations

from decimal import Decimal

from .numbers import count_text

__all__ = ["plural"]


def plural(
    count: Decimal | float | int, word: str, many: str | None = None, *, with_count: bool = True
) -> str:
    """``count`` and ``word`` in agreement: '1 ticket', '1,200 tickets', '0 agents';
    ``many`` when adding "s" is wrong ('person', 'people'); ``with_count=False`` for the word
    alone ('insertion', 'insertions')."""
    chosen = word if count == 1 else (many if many is not None else f"{word}s")
    return f"{count_text(count)} {chosen}" if with_count else chosen
