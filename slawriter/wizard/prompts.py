"""The terminal side of the wizard: questionary prompts and rich output.

This is the only module of slawriter that imports questionary (and, through it,
prompt_toolkit). Every prompt uses ``unsafe_ask`` so Ctrl-C reaches the wizard, which saves
and says how to carry on.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import questionary
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.styles import Style
from questionary import Choice
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:
    from slawriter.wizard.questions import Section

Validator = Callable[[str], str | None]

STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansigreen bold"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansigreen"),
        ("instruction", "fg:ansibrightblack italic"),
        ("default", "fg:ansibrightblack"),
        ("validation-toolbar", "fg:ansiwhite bg:ansired"),
    ]
)


def _default_keys(default: str) -> KeyBindings:
    keys = KeyBindings()
    empty = Condition(lambda: not get_app().current_buffer.text)

    @keys.add("enter", filter=empty)
    def _accept_default(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        buffer.text = default
        buffer.cursor_position = len(default)
        buffer.validate_and_handle()

    @keys.add("tab", filter=empty)
    def _edit_default(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text(default)

    return keys


def _wrap_validation_message(question: Any) -> None:
    """Let the message under a refused answer wrap onto several lines.

    prompt_toolkit's validation toolbar is one line high, which cuts off our messages (they
    say what was wrong and what to write instead); give it up to four wrapped lines.
    """
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout import Dimension, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    for container in question.application.layout.walk():
        if not isinstance(container, Window):
            continue
        control = container.content
        text = getattr(control, "text", None)
        name = getattr(text, "__qualname__", "")
        if isinstance(control, FormattedTextControl) and name.startswith("ValidationToolbar"):
            container.height = Dimension(min=1, max=4)
            container.wrap_lines = to_filter(True)


class Terminal:
    """Asks questions in a terminal. ``console`` prints headings, help and tables."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, emoji=False)

    @property
    def width(self) -> int:
        return self.console.width

    # --- output ------------------------------------------------------------------------------

    def heading(self, section: Section, number: int, total: int) -> None:
        self.console.print()
        label = f"{section.title}  [dim]({number} of {total})[/dim]"
        if section.internal:
            label += "  [bold yellow]INTERNAL: never shown to the customer[/bold yellow]"
        self.console.rule(label, align="left", style="cyan")
        if section.intro:
            self.console.print(escape(section.intro.strip()), style="dim")

    def note(self, text: str, style: str = "") -> None:
        self.console.print(text, style=style or None, markup=False, highlight=False)

    def rich(self, renderable: Any) -> None:
        self.console.print(renderable)

    def help(self, text: str, internal: bool = False) -> None:
        if internal:
            self.console.print(
                Padding(
                    Text("Internal: for your team only, never in the document.", "yellow"),
                    (0, 0, 0, 2),
                )
            )
        if text:
            self.console.print(Padding(Text(text.strip(), style="dim"), (0, 0, 0, 2)))

    def finding(self, severity: str, message: str, suggestion: str) -> None:
        style = {"error": "bold red", "warning": "yellow"}.get(severity, "cyan")
        self.console.print()
        self.console.print(
            Padding(Text(f"{severity.upper()}: ", style=style) + Text(message), (0, 0, 0, 2))
        )
        if suggestion:
            self.console.print(
                Padding(Text(f"Suggestion: {suggestion}", style="dim"), (0, 0, 0, 4))
            )

    # --- prompts -----------------------------------------------------------------------------

    def text(
        self,
        message: str,
        default: str,
        validate: Validator,
        completions: Sequence[str] | None = None,
        meta: dict[str, str] | None = None,
        instruction: str | None = None,
    ) -> str:
        def check(text: str) -> bool | str:
            problem = validate(text)
            if problem is None:
                return True
            width = get_app().output.get_size().columns - 1
            return textwrap.fill(problem, max(width, 20))

        extra: dict[str, Any] = {"validate_while_typing": False}
        if default:
            # The default is shown greyed out: Enter takes it, typing replaces it, Tab puts it
            # in the line to change it. (Prefilled text would make typing append to it.)
            extra["key_bindings"] = _default_keys(default)
            extra["placeholder"] = FormattedText(
                [
                    ("class:default", default),
                    ("class:instruction", "   Enter to accept, Tab to edit"),
                ]
            )
        if completions:
            question = questionary.autocomplete(
                message,
                choices=list(completions),
                meta_information=meta or {},
                validate=check,
                match_middle=True,
                style=STYLE,
                qmark="?",
                **extra,
            )
        else:
            question = questionary.text(
                message, validate=check, style=STYLE, instruction=instruction, **extra
            )
        _wrap_validation_message(question)
        answer: str = question.unsafe_ask()
        return answer

    def select(
        self,
        message: str,
        choices: Sequence[tuple[Any, str]],
        default: Any = None,
        instruction: str | None = None,
    ) -> Any:
        items = [Choice(title=label, value=value) for value, label in choices]
        values = [value for value, _ in choices]
        question = questionary.select(
            message,
            choices=items,
            default=default if default in values else None,
            style=STYLE,
            instruction=instruction or "(arrow keys, Enter to choose)",
        )
        return question.unsafe_ask()

    def checkbox(
        self,
        message: str,
        choices: Sequence[tuple[Any, str]],
        checked: Sequence[Any],
        instruction: str | None = None,
        at_least_one: bool = False,
    ) -> list[Any]:
        items = [
            Choice(title=label, value=value, checked=value in checked) for value, label in choices
        ]

        def check(selected: list[Any]) -> bool | str:
            return True if selected or not at_least_one else "Choose at least one"

        question = questionary.checkbox(
            message,
            choices=items,
            validate=check,
            style=STYLE,
            instruction=instruction or "(Space to tick or untick, Enter when done)",
        )
        answer: list[Any] = question.unsafe_ask()
        return answer

    def confirm(self, message: str, default: bool) -> bool:
        # auto_enter=False: y or n waits for Enter, as every other prompt does. Otherwise the
        # Enter a person types after "n" answers the next question with its default.
        question = questionary.confirm(message, default=default, style=STYLE, auto_enter=False)
        answer: bool = question.unsafe_ask()
        return answer
