"""The command line: the one place a SlawriterError becomes a message and an exit code.

Exit codes (every command; named in slawriter.errors): 0 done; 1 done, and it found problems;
2 bad input or usage; 3 refused in order to protect something (e.g. an edited output without
--force); 70 a bug in slawriter; 130 interrupted, with everything saved.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import itertools
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from contextlib import redirect_stdout, suppress
from types import ModuleType
from typing import NoReturn

from slawriter import __version__
from slawriter.errors import (
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    SlawriterError,
)

# The exit codes live with the errors (commands use them too); re-exported for callers of cli.
__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FOUND",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REFUSED",
    "build_parser",
    "main",
]

# The commands, in the order --help lists them: modules in slawriter/commands/.
COMMANDS = [
    "new",
    "serve",
    "render",
    "validate",
    "schema",
    "docs",
    "library",
    "clauses",
    "provenance",
    "diff",
    "clock",
    "deadline",
    "report",
    "check",
    "staffing",
    "downtime",
    "export-policy",
    "completion",
    "daemon",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"slawriter.commands.{name.replace('-', '_')}")


def _common_options() -> _Parser:
    """-q and -v, on every command and sub-command (a parent parser). SUPPRESS: a nested
    parser's default must not undo the flag given to the command above it."""
    common = _Parser(add_help=False)
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only problems and the data asked for (JSON, a document on standard "
        "output); the exit code tells the rest",
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="also say on standard error which library was used and how long it took, and "
        "print the traceback of an internal error",
    )
    return common


def _add_common_to_actions(
    parser: argparse.ArgumentParser, common: argparse.ArgumentParser
) -> None:
    """-q and -v for the actions of a command with actions (clauses lint, library init)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if not any(o in sub._option_string_actions for o in ("-q", "--quiet")):
                    for option in common._actions:
                        sub._add_action(option)
                _add_common_to_actions(sub, common)


def build_parser(names: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The command line's parser, with the subcommands ``names`` (all of them by default)."""
    parser = _Parser(
        prog="slawriter",
        description="Draft measurable IT service level agreements from one agreement file.",
        epilog="examples:\n"
        "  slawriter render examples/acme-standard.yaml --out out/\n"
        "  slawriter validate examples/acme-standard.yaml\n"
        "  slawriter schema > agreement.schema.json\n\n"
        "exit codes: 0 done, 1 found problems, 2 bad input, 3 refused to protect "
        "something, 130 interrupted",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"slawriter {__version__}")
    common = _common_options()
    # -q and -v before the command too ('slawriter -q validate x'), as scripts write them.
    parser._add_container_actions(common)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in names:
        module = _command(name)
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.DESCRIPTION,
            epilog=module.EXAMPLES,
            formatter_class=_formatter,
            parents=[common],
        )
        module.add_arguments(sub)
        _add_common_to_actions(sub, common)
        sub.set_defaults(
            handler=module.run,
            summary_only=getattr(module, "SUMMARY", False),
            json_errors=getattr(module, "JSON_ERRORS", False),
        )
    # The completion command describes the parser it belongs to.
    parser.set_defaults(root_parser=parser)
    return parser


_in_command = False  # whether Ctrl-C should stop the command (KeyboardInterrupt) or the exit


def _interrupted_at_exit(signum: int, frame: object) -> None:
    """Ctrl-C after the command is done (while Python shuts down: threads joined, buffers
    flushed) exits like any other interruption, with the message and 130, not by signal."""
    try:
        with suppress(BaseException):  # a flush already under way cannot be entered again
            sys.stdout.flush()
        os.write(2, b"slawriter: interrupted\n")
    finally:
        os._exit(EXIT_INTERRUPTED)


def _on_interrupt(signum: int, frame: object) -> None:
    if _in_command:
        raise KeyboardInterrupt
    _interrupted_at_exit(signum, frame)


def main(argv: Sequence[str] | None = None) -> int:
    global _in_command
    # Only for a real command line (argv None): a caller in the same process, e.g. a test,
    # keeps its own Ctrl-C handling. The handler is installed before anything runs and stays
    # until the process has exited, so no Ctrl-C ever meets Python's default handler after
    # the command (a traceback, or death by signal with no message).
    if argv is None:
        signal.signal(signal.SIGINT, _on_interrupt)
        _collect_less()
    _in_command = True
    try:
        code = _main(argv)
    except KeyboardInterrupt:  # while the commands load, or while an error is being reported
        _in_command = False
        sys.stderr.write("slawriter: interrupted\n")
        code = EXIT_INTERRUPTED
    finally:
        _in_command = False
    if argv is None:
        _exit(code)
    return code


def _collect_less() -> None:
    """Fewer garbage collections for a command line process (not for a caller's process)."""
    from slawriter.process import YOUNG_THRESHOLD

    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def _exit(code: int) -> NoReturn:
    """End the process here rather than in Python's own shutdown: once that shutdown has
    disabled signal handling, Ctrl-C would kill the process by signal, with no message.
    What the shutdown does that matters is done first: the exit hooks and the flushes."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a closed pipe: nothing more can be said on it
            stream.flush()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(code)


_LOUDNESS = ("-q", "--quiet", "-v", "--verbose")


def _commands_for(argv: Sequence[str]) -> Sequence[str]:
    """The subcommands the parser needs for ``argv``: only the one named first, when it is
    one (a subcommand parses the rest on its own), else all of them, for --help, --version and
    the message that lists the choices. Building all 14 costs ~17 ms of CPU, a fifth of
    `--help` and ~7 % of `validate`."""
    # completion describes the whole command line, so it needs every subcommand
    argv = list(itertools.dropwhile(lambda word: word in _LOUDNESS, argv))
    if argv and argv[0] in COMMANDS and argv[0] != "completion":
        return [argv[0]]
    return COMMANDS


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser(_commands_for(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    verbose = getattr(args, "verbose", False)
    started = time.perf_counter()
    try:
        result: int = _run(args)
        if verbose:
            _report_run(args, time.perf_counter() - started)
        return result
    except SlawriterError as error:
        if getattr(args, "json", False) and getattr(args, "json_errors", False):
            # --json promises JSON on standard output whatever happens.
            from slawriter.commands import error_json

            print(json.dumps(error_json(error), indent=2, ensure_ascii=False))
        sys.stderr.write(f"slawriter: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("slawriter: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: say so in a sentence (the traceback with -v)
        if verbose:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"slawriter: internal error ({type(error).__name__}: {error}). This is a bug in "
            "slawriter, not in your files; please report it with the command you ran.\n"
        )
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    """The command; with -q, a command whose standard output only reports what it did
    (SUMMARY in its module) keeps it to itself, unless it prints JSON or a document there."""
    quiet = getattr(args, "quiet", False)
    data_on_stdout = getattr(args, "json", False) or str(getattr(args, "out", "")) == "-"
    if not (quiet and args.summary_only and not data_on_stdout):
        result: int = args.handler(args)
        return result
    with open(os.devnull, "w", encoding="utf-8") as sink, redirect_stdout(sink):
        result = args.handler(args)
    return result


def _report_run(args: argparse.Namespace, seconds: float) -> None:
    from slawriter.library import Library

    try:
        root = str(Library.locate(getattr(args, "library", None)).root)
    except SlawriterError as error:
        root = f"none ({error})"
    sys.stderr.write(
        f"slawriter {__version__}: {args.command} took {seconds:.2f} s (library: {root})\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
