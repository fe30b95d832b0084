"""What changed between two drafts of an agreement, in words a sales manager reads.

Two agreement files, or one agreement rendered with two library versions, are compared on
three levels: the commitments in the agreement itself ("P1 response: 30 minutes -> 15
minutes"), the clause versions the documents use ("clause data-protection 1.0.0 -> 1.1.0")
and, as a last resort, which clauses' text differs. The redline (.docx with tracked changes)
is made from the same two documents by slawriter.render.word.render_redline_docx.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from slawriter.errors import InputError, RefusedError
from slawriter.library import Library
from slawriter.model.agreement import Agreement, Priority, Service
from slawriter.model.durations import Duration, Period
from slawriter.model.hours import WeeklyHours
from slawriter.model.provider import Provider
from slawriter.render.document import Block, Document, ListBlock, Paragraph, Section, Table
from slawriter.text.numbers import decimal_text
from slawriter.text.words import plural

PERCENT_FIELDS = frozenset({"target", "cap", "credit", "below"})
# Fields that never reach the customer's document or are reported by a friendlier rule.
SKIPPED = frozenset({"internal", "slawriter", "incomplete", "provider", "variants"})
LABELS = {
    "response": "response",
    "resolution": "resolution",
    "update": "update interval",
    "monthly_fee": "monthly fee",
    "breach_notice": "breach notice",
    "claim_window": "claim window",
    "monthly_cap": "monthly cap",
    "credits": "service credits",
    "data_protection": "data protection",
    "out_of_hours": "out-of-hours support",
}


@dataclass(frozen=True)
class Drafted:
    """One side of a comparison: the agreement, its provider, the document and library."""

    agreement: Agreement
    provider: Provider
    document: Document
    library: Library


def show(value: Any, field: str = "") -> str:
    """A value as a sales manager reads it."""
    if value is None:
        return "none"
    if isinstance(value, Duration | Period):
        return value.words()
    if isinstance(value, WeeklyHours):
        return value.describe()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal | float | int) and field in PERCENT_FIELDS:
        return f"{decimal_text(value)} %"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(show(v, field) for v in value) or "none"
    if isinstance(value, BaseModel):
        return ", ".join(
            f"{_label(k)} {show(getattr(value, k), k)}"
            for k in type(value).model_fields
            if getattr(value, k) not in (None, [], {})
        )
    return str(value)


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def _item_name(item: Any) -> str:
    if isinstance(item, Service):
        return item.name
    return str(getattr(item, "id", None) or getattr(item, "role", None) or "")


def _walk(old: Any, new: Any, label: list[str], field: str) -> Iterator[str]:
    """Every leaf that differs, as 'label: old -> new' (or added / removed)."""
    if old == new:
        return
    if old is None or new is None or type(old) is not type(new):
        yield _replaced(old, new, label, field)
    elif isinstance(old, BaseModel):
        yield from _walk_model(old, new, label)
    elif isinstance(old, dict):
        yield from _walk_keyed(old, new, label, field, show_added=True)
    elif isinstance(old, list) and all(_item_name(i) for i in [*old, *new]):
        # Items with an id (or a name, or a role) are matched by it, not by position.
        before = {_item_name(i): i for i in old}
        after = {_item_name(i): i for i in new}
        yield from _walk_keyed(before, after, label, field, show_added=False)
    elif isinstance(old, list) and not any(isinstance(i, BaseModel) for i in [*old, *new]):
        yield from _walk_values(old, new, label, field)
    else:  # a value, or a list of parts without ids: shown whole, before and after
        yield f"{', '.join(label)}: {show(old, field)} -> {show(new, field)}"


def _replaced(old: Any, new: Any, label: list[str], field: str) -> str:
    """A value that appeared, disappeared or changed its kind."""
    where = ", ".join(label)
    if isinstance(old, BaseModel) and new is None:
        return f"{where}: removed"
    if isinstance(new, BaseModel) and old is None:
        return f"{where}: added ({show(new, field)})"
    return f"{where}: {show(old, field)} -> {show(new, field)}"


def _walk_model(old: BaseModel, new: BaseModel, label: list[str]) -> Iterator[str]:
    for key in type(old).model_fields:
        if key not in SKIPPED:
            yield from _walk(getattr(old, key), getattr(new, key), [*label, _label(key)], key)


def _walk_keyed(
    old: dict[Any, Any], new: dict[Any, Any], label: list[str], field: str, *, show_added: bool
) -> Iterator[str]:
    """Entries matched by key: removed, added (with the value when ``show_added``), changed."""
    for key in list(old) + [k for k in new if k not in old]:
        here = [*label, str(key)]
        if key not in new:
            yield f"{', '.join(here)}: removed"
        elif key not in old:
            added = f" ({show(new[key], field)})" if show_added else ""
            yield f"{', '.join(here)}: added{added}"
        else:
            yield from _walk(old[key], new[key], here, field)


def _walk_values(old: list[Any], new: list[Any], label: list[str], field: str) -> Iterator[str]:
    """A list of plain values: what left, what came, or only the order changed."""
    where = ", ".join(label)
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    for item in removed:
        yield f"{where}: removed '{show(item, field)}'"
    for item in added:
        yield f"{where}: added '{show(item, field)}'"
    if not removed and not added:
        yield f"{where}: order changed"


def commitment_changes(old: Agreement, new: Agreement) -> list[str]:
    """The agreement's commitments that differ, the most important first."""
    lines = _priority_changes(old, new) + _service_changes(old, new)
    if old.combined_uptime and new.combined_uptime:
        lines += _walk(old.combined_uptime, new.combined_uptime, ["Uptime, combined"], "")
    else:
        lines += _walk(old.combined_uptime, new.combined_uptime, ["Combined uptime"], "")
    # Service credits: the tiers one line each, then the rest of the credits as usual.
    if old.credits and new.credits and old.credits.tiers != new.credits.tiers:
        lines += _tier_changes(old.credits.tiers, new.credits.tiers)
    handled = {"priorities", "services", "combined_uptime"}
    for key in type(old).model_fields:
        if key in SKIPPED or key in handled:
            continue
        before_value, after_value = getattr(old, key), getattr(new, key)
        if key == "credits" and before_value and after_value:
            before_value = before_value.model_copy(update={"tiers": after_value.tiers})
        lines += _walk(before_value, after_value, [_label(key).capitalize()], key)
    return lines


def _priority_changes(old: Agreement, new: Agreement) -> list[str]:
    """'P1 response: 30 minutes -> 15 minutes'; a priority added with its targets."""
    lines: list[str] = []
    for pid in list(old.priorities) + [p for p in new.priorities if p not in old.priorities]:
        before, after = old.priorities.get(pid), new.priorities.get(pid)
        if before is None and after is not None:
            lines.append(f"{pid} ({after.name}) added: {_priority_targets(after)}")
        elif after is None and before is not None:
            lines.append(f"{pid} ({before.name}) removed")
        else:
            lines += [
                line.replace(f"{pid}, ", f"{pid} ") for line in _walk(before, after, [pid], "")
            ]
    return lines


def _service_changes(old: Agreement, new: Agreement) -> list[str]:
    """'Uptime, Email and calendar: 99.9 % -> 99.95 %' first, then the service's other fields."""
    lines: list[str] = []
    before_all = {s.id: s for s in old.services}
    after_all = {s.id: s for s in new.services}
    for sid in list(before_all) + [s for s in after_all if s not in before_all]:
        before, after = before_all.get(sid), after_all.get(sid)
        if before is None or after is None:
            name = (after or before).name  # type: ignore[union-attr]
            lines.append(f"Service {name} {'added' if before is None else 'removed'}")
            continue
        old_uptime, new_uptime = before.uptime, after.uptime
        if old_uptime and new_uptime and old_uptime.target != new_uptime.target:
            lines.append(
                f"Uptime, {after.name}: {show(old_uptime.target, 'target')} -> "
                f"{show(new_uptime.target, 'target')}"
            )
            old_uptime = old_uptime.model_copy(update={"target": new_uptime.target})
        lines += _walk(old_uptime, new_uptime, [f"Uptime, {after.name}"], "uptime")
        rest_before = before.model_copy(update={"uptime": None})
        rest_after = after.model_copy(update={"uptime": None})
        lines += _walk(rest_before, rest_after, [f"Service {after.name}"], "")
    return lines


def _priority_targets(priority: Priority) -> str:
    return (
        f"response {priority.response.words()}, resolution {priority.resolution.words()}, "
        f"updates every {priority.update.words()}"
    )


def _tier_changes(old: Sequence[Any], new: Sequence[Any]) -> list[str]:
    """'Service credit below 99.9 %: 5 % -> 10 %', one line per tier that changed."""
    before = {t.below: t.credit for t in old}
    after = {t.below: t.credit for t in new}
    lines = []
    for below in sorted(set(before) | set(after), reverse=True):
        label = f"Service credit below {show(below, 'below')}"
        if below not in after:
            lines.append(f"{label}: removed (was {show(before[below], 'credit')})")
        elif below not in before:
            lines.append(f"{label}: added ({show(after[below], 'credit')})")
        elif before[below] != after[below]:
            lines.append(
                f"{label}: {show(before[below], 'credit')} -> {show(after[below], 'credit')}"
            )
    return lines


def clause_changes(old: Drafted, new: Drafted) -> list[str]:
    """Clause versions and variants that differ, clauses added or removed, and wording changed
    in a library without a new version number."""
    before = {s.clause_id: s for s in old.document.sections}
    after = {s.clause_id: s for s in new.document.sections}
    lines = []
    for cid in list(before) + [c for c in after if c not in before]:
        b, a = before.get(cid), after.get(cid)
        if b is None and a is not None:
            lines.append(f"clause {cid} added ({a.variant} {a.version})")
        elif a is None and b is not None:
            lines.append(f"clause {cid} removed (was {b.variant} {b.version})")
        elif a is not None and b is not None:
            if a.variant != b.variant:
                lines.append(f"clause {cid}: {b.variant} {b.version} -> {a.variant} {a.version}")
            elif a.version != b.version:
                lines.append(f"clause {cid} {b.version} -> {a.version}")
            else:
                old_clause = old.library.clauses.get((cid, b.variant))
                new_clause = new.library.clauses.get((cid, a.variant))
                if old_clause and new_clause and old_clause.body != new_clause.body:
                    lines.append(
                        f"clause {cid} {a.version}: wording changed but the version number "
                        "was not raised"
                    )
    return lines


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return "".join(r.text for r in block.runs)
    if isinstance(block, ListBlock):
        return "\n".join(
            "".join(r.text for r in i.runs) + (_block_text(i.children) if i.children else "")
            for i in block.items
        )
    if isinstance(block, Table):
        return "\n".join(
            "|".join("".join(r.text for r in cell) for cell in row)
            for row in (block.header, *block.rows)
        )
    return ""


def section_text(section: Section) -> str:
    return section.title + "\n" + "\n".join(_block_text(b) for b in section.blocks)


def text_changes(old: Document, new: Document) -> list[str]:
    before = {s.clause_id: section_text(s) for s in old.sections}
    changed = [
        f"{s.number} {s.title}"
        for s in new.sections
        if s.clause_id in before and before[s.clause_id] != section_text(s)
    ]
    if not changed:
        return []
    count = len(changed)
    return [f"Text changed in {plural(count, 'clause')}: {'; '.join(changed)}"]


def summarise(old: Drafted, new: Drafted) -> list[str]:
    """Every change, in the order a reader wants them: commitments, clauses, text."""
    lines = commitment_changes(old.agreement, new.agreement)
    lines += _walk(old.provider, new.provider, ["Provider"], "")
    lines += clause_changes(old, new)
    lines += text_changes(old.document, new.document)
    if not lines and (
        old.document.sections != new.document.sections or old.document.cover != new.document.cover
    ):
        lines.append("The documents differ in layout or front matter; see the redline")
    return lines


def draft(path: Path, library: Library, allow_draft: bool = False) -> Drafted:
    """Load and assemble one side of the comparison (nothing is written)."""
    from slawriter.drafting.assemble import assemble_document
    from slawriter.files.load import load_agreement

    loaded = load_agreement(path, library)
    document = assemble_document(loaded, library, allow_draft)
    return Drafted(loaded.agreement, loaded.provider, document, library)


@dataclass(frozen=True)
class Redline:
    """Where and how to write the Word redline."""

    path: Path
    author: str = "slawriter"
    when: datetime | None = None  # None: now, UTC
    force: bool = False


@dataclass(frozen=True)
class Compared:
    """The outcome of ``compare_files``: the changes, and the redline's counts if written."""

    lines: list[str]
    insertions: int = 0
    deletions: int = 0


def parse_change_date(text: str | None) -> datetime | None:
    """--date as a datetime (UTC when it has no offset); None when not given."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--date: '{text}' is not a date such as 2026-11-25T10:00") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def compare_files(
    old_path: Path,
    new_path: Path,
    old_library: Library,
    new_library: Library,
    *,
    allow_draft: bool = False,
    redline: Redline | None = None,
) -> Compared:
    """Every change between the two drafts; with ``redline``, also write the .docx redline
    (refused before any work when it exists and ``force`` is not set)."""
    from slawriter.files.output import display_path, write_atomic

    if redline is not None:
        if redline.path.suffix.lower() != ".docx":
            raise InputError(f"--out {display_path(redline.path)}: the redline is a .docx file")
        if redline.path.exists() and not redline.force:
            raise RefusedError(
                f"Refusing to overwrite {display_path(redline.path)}: pass --force to replace it."
            )
    old = draft(old_path, old_library, allow_draft)
    new = draft(new_path, new_library, allow_draft)
    lines = summarise(old, new)
    if redline is None:
        return Compared(lines)
    from slawriter.render.word import render_redline_docx

    when = redline.when or datetime.now(UTC).replace(microsecond=0)
    data, insertions, deletions = render_redline_docx(
        old.document, new.document, new_library.word_template, redline.author, when
    )
    write_atomic(redline.path, data)
    return Compared(lines, insertions, deletions)
