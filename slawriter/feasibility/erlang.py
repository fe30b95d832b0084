"""Erlang C: how many tickets (or calls) are answered within a time, for a number of people.

For an arrival rate lambda, a mean handling time AHT and N people (offered load
A = lambda x AHT in erlangs, N > A):

- probability of waiting P_w = N B / (N - A (1 - B)), with B the Erlang B blocking
  probability, computed by the recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)),
  which never overflows (the textbook formula with A^N / N! does for a few hundred agents);
- service level SL(t) = 1 - P_w exp(-(N - A) t / AHT);
- average speed of answer ASA = P_w AHT / (N - A).

Erlang C assumes nobody gives up waiting, so it errs on the safe side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slawriter.text.words import plural

MAX_AGENTS = 100_000  # agents_needed gives up beyond this (a load no team could carry)


class OverloadedError(ValueError):
    """The offered load needs more agents than there are: the queue grows without bound."""


def erlang_b(agents: int, load: float) -> float:
    """Probability that all ``agents`` are busy in a loss system with ``load`` erlangs."""
    if agents < 0 or load < 0:
        raise ValueError("agents and load must not be negative")
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def probability_wait(agents: int, load: float) -> float:
    """Erlang C: the probability that an arrival has to wait (needs agents > load)."""
    if agents <= load:
        raise OverloadedError(
            f"{plural(agents, 'agent')} cannot carry a load of "
            f"{load:.2f} erlangs: more work arrives than they can handle, so the queue grows "
            "without limit (need more agents than the load)"
        )
    if load == 0:
        return 0.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1 - blocking))


def service_level(agents: int, load: float, handling_s: float, within_s: float) -> float:
    """Share of arrivals answered within ``within_s`` seconds."""
    wait = probability_wait(agents, load)
    if handling_s <= 0:
        return 1.0
    return 1 - wait * math.exp(-(agents - load) * within_s / handling_s)


def average_speed_of_answer(agents: int, load: float, handling_s: float) -> float:
    """Mean wait before an answer, in seconds, over all arrivals."""
    return probability_wait(agents, load) * handling_s / (agents - load)


def agents_needed(load: float, handling_s: float, within_s: float, target: float) -> int:
    """Fewest agents for a service level of at least ``target`` (a fraction 0..1)."""
    if not 0 <= target < 1:
        if target == 1:
            raise ValueError("a service level of 100% can never be guaranteed by a queue")
        raise ValueError(f"target {target} is not a fraction between 0 and 1")
    agents = max(1, math.floor(load) + 1)
    # Erlang B for ``agents`` is the recursion's ``agents``-th step: carry it from one candidate
    # to the next instead of starting over (restarting made a search O(agents^2), which a
    # portfolio of hundreds of agreements turned into minutes). Same steps, same bits.
    blocking = erlang_b(agents, load)
    while _level(agents, load, blocking, handling_s, within_s) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise OverloadedError(f"more than {MAX_AGENTS} agents would be needed")
        blocking = load * blocking / (agents + load * blocking)
    return agents


def _level(agents: int, load: float, blocking: float, handling_s: float, within_s: float) -> float:
    """service_level() given Erlang B for these agents (agents > load)."""
    wait = 0.0 if load == 0 else agents * blocking / (agents - load * (1 - blocking))
    if handling_s <= 0:
        return 1.0
    return 1 - wait * math.exp(-(agents - load) * within_s / handling_s)


@dataclass(frozen=True)
class QueueFigures:
    """Everything the staffing calculator reports."""

    arrivals_per_s: float
    handling_s: float
    agents: int | None
    within_s: float
    load: float
    probability_wait: float | None
    service_level: float | None
    average_speed_of_answer_s: float | None
    target: float | None
    agents_needed: int | None


def figures(
    arrivals_per_s: float,
    handling_s: float,
    within_s: float,
    agents: int | None = None,
    target: float | None = None,
) -> QueueFigures:
    """The calculator's result; raises OverloadedError when ``agents`` <= the load."""
    load = arrivals_per_s * handling_s
    wait = level = asa = None
    if agents is not None:
        wait = probability_wait(agents, load)
        level = service_level(agents, load, handling_s, within_s)
        asa = average_speed_of_answer(agents, load, handling_s)
    needed = agents_needed(load, handling_s, within_s, target) if target is not None else None
    return QueueFigures(
        arrivals_per_s, handling_s, agents, within_s, load, wait, level, asa, target, needed
    )
