"""The review screen: one section's answers in a rich table (the menu lists the sections)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from slawriter.files.roundtrip import get, plain
from slawriter.wizard.engine import Wizard, to_loc
from slawriter.wizard.questions import Question, Section


def section_table(wizard: Wizard, section_id: str) -> Table:
    """The answers of one section (taken defaults included), one row each."""
    for section, questions in wizard.sections_with_answers():
        if section.id == section_id:
            return _table(wizard, section, questions)
    section = wizard.questions.section_by_id[section_id]
    return _table(wizard, section, [])


def summary(wizard: Wizard) -> Group:
    """Every section's table (for a wide terminal or a printout)."""
    tables = [_table(wizard, s, q) for s, q in wizard.sections_with_answers()]
    return Group(Text("\nReview your answers", style="bold underline"), *tables)


def _table(wizard: Wizard, section: Section, questions: list[Question]) -> Table:
    title = section.title + (
        "  (internal: never shown to the customer)" if section.internal else ""
    )
    table = Table(
        title=Text(title, style="bold yellow" if section.internal else "bold cyan"),
        title_justify="left",
        box=box.SIMPLE,
        show_header=False,
        expand=True,
        pad_edge=False,
        padding=(0, 1),
    )
    table.add_column("Question", style="dim", ratio=2, overflow="fold")
    table.add_column("Answer", ratio=5, overflow="fold")
    for question in questions:
        if question.type == "group":
            count = len(plain(get(wizard.data, to_loc(question.key))) or [])
            if not count:
                table.add_row(question.title, Text("none", style="italic"))
            for index in range(count):
                label = wizard.item_label(question, index)
                detail = wizard.describe_item(question, index)
                if question.item_format:
                    label, detail = wizard.item_line(question, index), ""
                table.add_row(
                    f"{question.item_name.capitalize()} {index + 1}",
                    Text(label, style="bold") + Text(f": {detail}" if detail else ""),
                )
            continue
        answer = wizard.answer_text(question)
        items = plain(get(wizard.data, to_loc(question.key)))
        if question.type == "list" and isinstance(items, list) and len(items) > 1:
            answer = "\n".join(f"• {item}" for item in items)
        style = "red" if answer == "(not answered)" else "dim" if answer == "none" else ""
        table.add_row(question.title, Text(answer, style=style))
    return table
