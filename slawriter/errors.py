"""The user-facing error types and the exit codes. Only cli.py turns errors into messages and
exit codes; commands map their outcomes to these codes by name.
"""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes, the same for every command (cli.py's --help lists them).
EXIT_OK = 0  # done
EXIT_FOUND = 1  # done, and it found something: problems, changes, rejected rows
EXIT_BAD_INPUT = 2  # bad input or usage
EXIT_REFUSED = 3  # refused in order to protect something (an edited output without --force)
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in slawriter, reported without a traceback
EXIT_INTERRUPTED = 130  # interrupted (Ctrl-C), with everything saved


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str | None = None  # field path, e.g. "priorities.P1.response"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class SlawriterError(Exception):
    """A problem the user can fix. Exit code 2 unless a subclass says otherwise."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __reduce__(self) -> tuple[type[SlawriterError], tuple[str, list[Problem]]]:
        # Keep the problems when the error crosses a process boundary (parallel rendering).
        return (type(self), (self.message, self.problems))

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class InputError(SlawriterError):
    """Bad input: a file that does not parse or validate, or a bad command line (exit 2)."""


class TemplateError(SlawriterError):
    """A clause or template that cannot be rendered (exit 2): names the clause file and line."""


class RefusedError(SlawriterError):
    """Refused in order to protect something, e.g. an edited output without --force (exit 3)."""

    exit_code = EXIT_REFUSED


class ToolMissingError(SlawriterError):
    """An external program (LibreOffice) is needed and not installed (exit 2)."""


class WriteError(SlawriterError):
    """The output folder cannot take the files: a full disk, a read-only folder, no permission
    (exit 2, not 3: nothing is refused to protect the user; the place to write needs fixing)."""
