"""slawriter staffing: the Erlang C calculator behind the staffing-vs-response rule."""

from __future__ import annotations

import argparse
import json

NAME = "staffing"
HELP = "how many tickets or calls are answered in time, and the staff needed (Erlang C)"
DESCRIPTION = (
    "Erlang C for a queue of calls or tickets: the probability of waiting, the average speed "
    "of answer and the share answered within a time, for a number of agents; with --target, "
    "the agents needed. Durations as in agreement files: 15s, 30m, 4h, 1h 30m."
)
EXAMPLES = """examples:
  slawriter staffing --calls 360 --per 30m --handle 4m --agents 55 --answer-within 15s --target 80%
  slawriter staffing --calls 120 --per 1h --handle 25m --answer-within 30m --target 95% --json"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--calls", type=float, required=True, metavar="N", help="arrivals per period"
    )
    parser.add_argument("--per", default="1h", metavar="DURATION", help="the period (default 1h)")
    parser.add_argument(
        "--handle", required=True, metavar="DURATION", help="mean handling time, e.g. 4m"
    )
    parser.add_argument("--agents", type=int, metavar="N", help="agents on shift")
    parser.add_argument(
        "--answer-within", required=True, metavar="DURATION", help="answer time, e.g. 15s"
    )
    parser.add_argument(
        "--target",
        metavar="PERCENT",
        help="service level wanted, e.g. 80%%: prints the agents needed",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _seconds(option: str, text: str) -> float:
    from slawriter.errors import InputError
    from slawriter.model.durations import DurationError, parse_duration

    try:
        duration = parse_duration(text)
    except DurationError as error:
        raise InputError(f"{option}: {error}") from None
    if duration.business_days:
        raise InputError(f"{option}: give clock time (e.g. 4h), not business days")
    return float(duration.seconds)


def _fraction(text: str) -> float:
    from slawriter.errors import InputError

    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise InputError(f"--target: '{text}' is not a percentage such as 80%") from None
    if not 0 < value < 100:
        raise InputError(f"--target: {text} must be above 0% and below 100%")
    return value / 100


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK, InputError
    from slawriter.feasibility import erlang
    from slawriter.text.numbers import ratio_percent
    from slawriter.text.words import plural

    per = _seconds("--per", args.per)
    handling = _seconds("--handle", args.handle)
    within = _seconds("--answer-within", args.answer_within)
    if per <= 0 or handling <= 0:
        raise InputError("--per and --handle must be longer than zero")
    if args.calls < 0:
        raise InputError("--calls must not be negative")
    if args.agents is None and args.target is None:
        raise InputError("give --agents (to see the service level) or --target (agents needed)")
    if args.agents is not None and args.agents < 1:
        raise InputError("--agents must be at least 1")
    target = _fraction(args.target) if args.target is not None else None
    try:
        result = erlang.figures(args.calls / per, handling, within, args.agents, target)
    except erlang.OverloadedError as error:
        load = args.calls / per * handling
        hint = ""
        if target is not None:
            needed = erlang.agents_needed(load, handling, within, target)
            hint = f"; {plural(needed, 'agent')} are needed for {ratio_percent(target, None)}"
        raise InputError(f"--agents: {error}{hint}") from None
    if args.json:
        print(
            json.dumps(
                {
                    "arrivals_per_hour": result.arrivals_per_s * 3600,
                    "handling_time_s": handling,
                    "load_erlangs": result.load,
                    "agents": result.agents,
                    "answer_within_s": within,
                    "probability_wait": result.probability_wait,
                    "service_level": result.service_level,
                    "average_speed_of_answer_s": result.average_speed_of_answer_s,
                    "target": target,
                    "agents_needed": result.agents_needed,
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(
        f"Load: {result.load:.2f} erlangs ({plural(args.calls, 'arrival')} per {args.per}, "
        f"{args.handle} handling each)"
    )
    if result.agents is not None:
        assert result.probability_wait is not None and result.service_level is not None
        assert result.average_speed_of_answer_s is not None
        print(f"With {plural(result.agents, 'agent')}:")
        print(f"  probability of waiting   {ratio_percent(result.probability_wait, 2)}")
        print(f"  average speed of answer  {result.average_speed_of_answer_s:.1f} s")
        print(f"  answered within {args.answer_within:<8} {ratio_percent(result.service_level, 2)}")
    if result.agents_needed is not None and target is not None:
        print(
            f"Agents needed for {ratio_percent(target, None)} answered within "
            f"{args.answer_within}: {result.agents_needed}"
        )
    return EXIT_OK
