"""Interval arithmetic on half-open spans ``[start, end)``: merging, subtracting, overlapping.

Spans are pairs of anything ordered (UTC microseconds, aware datetimes). Empty spans
(``end <= start``) are dropped; spans that touch or overlap merge into one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

__all__ = ["merge", "overlap", "subtract"]


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...
    def __le__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)


def merge(spans: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """The union of the spans, sorted and disjoint (touching spans become one)."""
    merged: list[tuple[T, T]] = []
    for begin, finish in sorted(spans):
        if finish <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def subtract(spans: Iterable[tuple[T, T]], holes: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """The parts of ``spans`` outside every hole, span by span in the order given."""
    cut = merge(holes)
    out: list[tuple[T, T]] = []
    for begin, finish in spans:
        cursor = begin
        for hole_start, hole_end in cut:
            if hole_end <= cursor:
                continue
            if not hole_start < finish:
                break
            if cursor < hole_start:
                out.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if not cursor < finish:
                break
        if cursor < finish:
            out.append((cursor, finish))
    return out


def overlap(first: Iterable[tuple[T, T]], second: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """The spans common to both (each merged first), sorted."""
    left, right = merge(first), merge(second)
    out: list[tuple[T, T]] = []
    j = 0
    for begin, finish in left:
        while j < len(right) and right[j][1] <= begin:
            j += 1
        k = j
        while k < len(right) and right[k][0] < finish:
            out.append((max(begin, right[k][0]), min(finish, right[k][1])))
            k += 1
    return out
