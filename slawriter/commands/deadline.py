"""slawriter deadline: when a target falls due on its calendar."""

from __future__ import annotations

import argparse

NAME = "deadline"
HELP = "when a priority's targets (or any amount of business time) fall due"
DESCRIPTION = """When a ticket logged at --from must be answered, resolved and updated.

With --agreement and --priority, prints the priority's response, resolution and update
deadlines on its own calendar. With --amount, the deadline for that much business time
(e.g. 4h, 2 business days). --pause spans stop the clock; times without an offset are local
to the calendar. --json prints "deadline" (the --target one, default resolution) and
"deadlines" for every target, as ISO 8601 with the offset."""
EXAMPLES = """examples:
  slawriter deadline --agreement examples/acme-standard.yaml --priority P2 --from 2026-12-24T16:00
  slawriter deadline --hours "mon-fri 09:00-17:00" --timezone Europe/London --holidays GB-ENG \\
      --from 2026-12-24T16:00 --amount 4h --json"""

TARGETS = ("response", "resolution", "update")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from slawriter.commands.clock import add_calendar_arguments

    parser.add_argument("--from", dest="start", required=True, metavar="TIME", help="logged at")
    parser.add_argument(
        "--amount", metavar="DURATION", help="business time instead of the priority's targets"
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="resolution",
        help='which deadline --json gives as "deadline" (default: resolution)',
    )
    parser.add_argument(
        "--pause", action="append", default=[], metavar="START/END", help="repeatable"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_calendar_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    from datetime import timedelta

    from slawriter.commands.clock import choose_calendar
    from slawriter.errors import EXIT_OK, InputError
    from slawriter.measure.moments import parse_moment, parse_pause
    from slawriter.measure.report import target_seconds
    from slawriter.model.durations import DurationError, parse_duration
    from slawriter.text.times import business_words as words
    from slawriter.text.times import cli_when as when
    from slawriter.text.times import duration_words

    calendar, description = choose_calendar(args)
    start = parse_moment(args.start, "--from")
    pauses = [parse_pause(text) for text in args.pause]
    amounts: dict[str, tuple[str, timedelta]] = {}
    if args.amount:
        try:
            duration = parse_duration(args.amount)
        except DurationError as error:
            raise InputError(f"--amount: {error}") from None
        seconds = target_seconds(duration, calendar)
        amounts["amount"] = (duration.words(), timedelta(seconds=seconds))
    elif args.agreement is not None and args.priority:
        from slawriter.files.load import load_agreement
        from slawriter.library import Library

        loaded = load_agreement(args.agreement, Library.locate(args.library))
        priority = loaded.agreement.priorities[args.priority]
        for target in TARGETS:
            duration = getattr(priority, target)
            amount = timedelta(seconds=target_seconds(duration, calendar))
            # On a clock that never stops, time is plain hours and minutes, not business time.
            said = duration_words(amount) if calendar.is_always else words(amount)
            amounts[target] = (said, amount)
    else:
        raise InputError("give --amount, or --agreement with --priority")
    zone = calendar.timezone
    logged = (start if start.tzinfo else start.replace(tzinfo=zone)).astimezone(zone)
    try:
        due = {
            target: calendar.deadline(start, amount, pauses)
            for target, (_, amount) in amounts.items()
        }
    except ValueError as error:
        raise InputError(str(error)) from None
    if args.json:
        chosen = args.target if args.target in due else next(iter(due))
        body = {
            "from": logged.isoformat(),
            "deadline": due[chosen].isoformat(),
            "target": chosen,
            "deadlines": {t: d.isoformat() for t, d in due.items()},
            "calendar": description,
        }
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return EXIT_OK
    heading = f"Logged {when(logged)}"
    if args.priority:
        heading += f", priority {args.priority}"
    lines = [heading, f"  on {description}"]
    width = max(len(t) for t in due)
    for target, moment in due.items():
        lines.append(f"  {target:<{width}}  {amounts[target][0]:<22} due {when(moment)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK
