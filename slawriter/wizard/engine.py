"""The questionnaire: asks a question set's questions and writes each answer into the file.

The wizard works on a round-trip YAML mapping (the agreement or provider file) and calls
``save`` after every answer, so an interrupt never loses more than the question on screen.
Without a prompter it runs non-interactively: every default is taken and the answers no
default can give are collected in ``missing``. Reading answers (values, conditions,
defaults) is ``Answers``'s; how each question type is asked and shown is its handler's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from slawriter.files.roundtrip import delete, get, plain, put
from slawriter.model.paths import Loc
from slawriter.text.words import plural
from slawriter.wizard import fields
from slawriter.wizard.answers import MISSING, Answers, Item, Sources, to_loc
from slawriter.wizard.computed import COMPUTE
from slawriter.wizard.handlers import Asked, Prompter, Validator, check_answer, handler_for
from slawriter.wizard.handlers import validator as make_validator
from slawriter.wizard.questions import Question, QuestionSet, Section

__all__ = ["Item", "Prompter", "Sources", "Wizard", "to_loc"]


class Wizard(Answers):
    def __init__(
        self,
        questions: QuestionSet,
        data: Any,
        sources: Sources,
        model: type[BaseModel],
        save: Callable[[], None],
        prompter: Prompter | None = None,
    ) -> None:
        super().__init__(questions, data, sources, model)
        self._save = save
        self.prompter = prompter
        self.missing: list[tuple[str, str]] = []  # (field path, question) still needed
        self._shown_sections: set[str] = set()
        self._frontier: int | None = None
        self._finished = False
        self.must_ask: set[str] = set()  # asked even when a default exists (renewals)
        self._offered: set[str] = set()  # sections whose defaults were offered at once
        # Shows one section's answers (the review's table): set by whoever draws the screen.
        self.section_view: Callable[[Wizard, str], Any] | None = None

    # --- showing answers -----------------------------------------------------------------------

    def answer_text(self, question: Question, item: Item | None = None) -> str:
        value = plain(self.stored(question, item))
        if value is MISSING and handler_for(question).left_out_means_no:
            value = None  # left out means no ('credits' absent: no service credits)
        if value is MISSING:
            return "(not answered)" if question.required else "none"
        return handler_for(question).show(self, question, item, value)

    def help_text(self, question: Question, default: Any) -> str:
        """The help with ``{default}`` replaced by the default offered (so the help can never
        name another figure than the prompt offers)."""
        if "{default}" not in question.help:
            return question.help
        shown = handler_for(question).typed(question, plain(default)) if default is not None else ""
        return question.help.replace("{default}", shown or "nothing")

    def validator(self, question: Question, key: str, allow_empty: bool) -> Validator:
        """The check of text typed at ``question`` (its answer stored at model field ``key``)."""
        return make_validator(question, self.model, key, allow_empty)

    # --- writing answers -----------------------------------------------------------------------

    def store(self, question: Question, value: Any, item: Item | None = None) -> None:
        loc = self.loc(question, item)
        # A "no" to an optional block is left out when that means no as well (no 'credits:'
        # line); it is written as null where the profile would otherwise fill the block in.
        unset = item is None and get(self.sources.profile_defaults, to_loc(question.key)) is None
        if value is None and (not handler_for(question).null_is_an_answer or unset):
            # "None" is written only where leaving the field out would mean something else
            # (no automatic renewal is 'renewal: null'; without it the default applies).
            key = self.model_key(question, item)
            if fields.model_default(self.model, key) is None:
                if delete(self.data, loc):
                    self._save()
                return
        put(self.data, loc, value)
        self._save()

    def remove(self, loc: Loc) -> None:
        if delete(self.data, loc):
            self._save()

    # --- running -------------------------------------------------------------------------------

    def mark_progress(self, finished: bool = False) -> None:
        """Remember how far the file got (call before adding answers from the command line).

        ``finished``: the file is a finished agreement; only what it lacks and needs is asked.
        """
        answered = [i for i, q in enumerate(self.questions.questions) if self.answered(q)]
        last = len(self.questions.questions) if finished else max(answered, default=-1)
        self._frontier = last
        # In a finished file (or a renewal's source) a missing optional block was left out
        # on purpose: it counts as "no", never as a question still to ask.
        self._finished = finished

    def run(self) -> None:
        """Ask every question that applies and is not answered yet, in order."""
        if self._frontier is None:
            self.mark_progress()
        frontier = self._frontier if self._frontier is not None else -1
        kept: set[str] = set()
        for index, question in enumerate(self.questions.questions):
            section = question.section or ""
            if section not in self._offered:
                self._offered.add(section)
                kept |= self._offer_section_defaults(section, frontier)
            if question.key in kept or not self.applies(question):
                continue
            if question.type == "group":
                self._run_group(question, past_frontier=index >= frontier)
            elif self.answered(question):
                if question.key in self.must_ask or not self._stored_is_valid(question):
                    self.ask(question)  # a stored answer that no longer validates
            elif self._unanswered_needs_asking(question, past_frontier=index > frontier):
                self.ask(question)

    def _offer_section_defaults(self, section_id: str, frontier: int) -> set[str]:
        """A fresh section whose every question has a default: show the defaults as a table
        and offer to keep them all with one answer. Returns the keys kept."""
        section = self.questions.section_by_id.get(section_id)
        if self.prompter is None or section is None or not section.keep_defaults:
            return set()
        if self.section_view is None:
            return set()
        indexed = [
            (i, q) for i, q in enumerate(self.questions.questions) if q.section == section_id
        ]
        if any(i <= frontier or self.answered(q) or q.key in self.must_ask for i, q in indexed):
            return set()
        questions = [q for _, q in indexed]
        if len(questions) < 2 or not all(self._has_default(q) for q in questions):
            return set()
        # The defaults are taken to show them, but not saved until the keep-question is
        # answered: a Ctrl-C there must leave the section unanswered, so --resume asks again.
        prompter, self.prompter = self.prompter, None
        save, self._save = self._save, lambda: None
        try:
            for question in questions:
                if self.applies(question):
                    self.ask(question)  # nothing to ask: the default is taken
        finally:
            self.prompter = prompter
            self._save = save
        if self.missing:
            self.missing.clear()  # a default that did not fit: asked below
            self._save()
            return set()
        if not any(self.applies(q) for q in questions):
            self._save()
            return {q.key for q in questions}  # nothing in it applies (no credits: no tiers)
        self._section(questions[0])
        view = self.section_view(self, section_id)
        if getattr(view, "title", None) is not None:
            view.title = None  # the heading just printed names the section already
        prompter.rich(view)
        try:
            keep = prompter.confirm(f"Keep these answers for {section.title.lower()}?", True)
            chosen = [] if keep else self._to_change(questions)
        except BaseException:  # Ctrl-C (or the end of input): forget the unsaved defaults
            for question in questions:
                delete(self.data, to_loc(question.key))
            raise
        self._save()
        if keep:
            return {q.key for q in questions}
        for question in chosen:
            if not self.applies(question):
                continue
            if question.type == "group":
                self.prompter.help(question.help, question.internal)
                self.edit_group(question)
            else:
                self.ask(question)
        for question in questions:
            if not self.applies(question) and self.answered(question):
                self.remove(to_loc(question.key))  # a "no" above made it not apply
        return {q.key for q in questions}

    def _to_change(self, questions: list[Question]) -> list[Question]:
        """The questions to ask when a section's defaults are not kept: in a section of
        per-priority answers, only those of the priorities chosen."""
        assert self.prompter is not None
        by_priority: dict[str, list[Question]] = {}
        for question in questions:
            match = re.fullmatch(r"priorities\.([^.]+)\..+", question.key)
            if match is None:
                return questions
            by_priority.setdefault(match.group(1), []).append(question)
        choices = [(pid, label) for pid, label in self.priority_choices() if pid in by_priority]
        picked = self.prompter.checkbox(
            "Which priorities do you want to change?", choices, [], at_least_one=True
        )
        return [q for pid in picked for q in by_priority[pid]]

    def _has_default(self, question: Question) -> bool:
        if question.type == "group":
            return question.min_items == 0 or bool(self._group_defaults(question))
        handler = handler_for(question)
        if handler.generated or not question.required or handler.left_out_means_no:
            return True
        if question.type in ("confirm", "flags"):
            return True
        return self.default_for(question) is not None

    def _run_group(self, question: Question, past_frontier: bool) -> None:
        answered = self.answered(question)
        if not answered and self._finished and question.min_items == 0:
            return  # an optional list left out of a finished file: none
        if not answered or past_frontier:
            self.ask_group(question)
        else:
            self._complete_items(question)

    def _unanswered_needs_asking(self, question: Question, past_frontier: bool) -> bool:
        # Before the last answered question, an optional answer was left out on purpose
        # and a value the profile or the model supplies needs no answer in the file.
        return (
            past_frontier
            or question.key in self.must_ask
            or (question.required and not self._supplied_elsewhere(question))
        )

    def _supplied_elsewhere(self, question: Question) -> bool:
        if question.no_default:
            return False  # the profile's value is a stand-in: only an answer will do
        if handler_for(question).left_out_means_no:
            return True
        if self._finished and fields.allows_none(self.model, question.key):
            return True  # left out of a finished file: the file format's default applies
        if get(self.sources.profile_defaults, to_loc(question.key)) is not None:
            return True
        return fields.model_default(self.model, question.key) is not None

    def _stored_is_valid(self, question: Question, item: Item | None = None) -> bool:
        value = plain(get(self.data, self.loc(question, item)))
        if value is None:
            return True
        key = self.model_key(question, item)
        return check_answer(question, value, self.model, key) is None

    def _section(self, question: Question) -> None:
        if self.prompter is None or question.section is None:
            return
        if question.section in self._shown_sections:
            return
        self._shown_sections.add(question.section)
        used = {q.section for q in self.questions.questions}
        sections = [s for s in self.questions.sections if s.id in used]
        section = self.questions.section_by_id[question.section]
        self.prompter.heading(section, sections.index(section) + 1, len(sections))

    def ask(self, question: Question, item: Item | None = None, fresh: bool = False) -> None:
        """Ask one question (its stored answer, else its default, is offered) and save.

        ``fresh``: offer the default even when an answer is stored (a dependent answer that
        was the old default gets the new one).
        """
        if question.type == "group":
            self.ask_group(question)
            return
        handler = handler_for(question)
        if handler.generated:
            if not self.answered(question, item):
                self.store(question, handler.make(self, question, item), item)
            return
        stored = self.stored(question, item)
        if stored is not MISSING and not fresh and self._stored_is_valid(question, item):
            default = plain(stored)
        else:
            default = self.default_for(question, item)
        key = self.model_key(question, item)
        if self.prompter is None:
            self._take_default(question, item, default, key)
            return
        if item is None:
            self._section(question)
        section = self.questions.section_by_id.get(question.section or "")
        self.prompter.help(
            self.help_text(question, default),
            question.internal and not (section and section.internal),
        )
        value = handler.prompt(Asked(self, self.prompter, question, item, default, key))
        self.store(question, value, item)

    def _take_default(self, question: Question, item: Item | None, default: Any, key: str) -> None:
        handler = handler_for(question)
        default = handler.unattended(self, default)
        if handler.null_is_an_answer:
            self.store(question, default, item)
            return
        if default is None:
            if question.required and not fields.allows_none(self.model, key):
                self.missing.append((self._display_path(question, item), question.prompt))
            elif fields.allows_none(self.model, key):
                self.store(question, None, item)
            return
        problem = check_answer(question, plain(default), self.model, key)
        if problem:
            self.missing.append(
                (self._display_path(question, item), f"{question.prompt} ({problem})")
            )
            return
        self.store(question, default, item)

    def _display_path(self, question: Question, item: Item | None) -> str:
        from slawriter.model.paths import format_path

        return format_path(self.loc(question, item), plain(self.data))

    # --- repeating groups ------------------------------------------------------------------------

    def _group_defaults(self, question: Question) -> list[dict[str, Any]]:
        if question.default_items_from:
            name = question.default_items_from.partition(":")[2]
            computed = COMPUTE[name](self, None) if name in COMPUTE else None
            if computed:
                return list(computed)
        if question.default_items:
            return list(question.default_items)
        profile = get(self.sources.profile_defaults, to_loc(question.key))
        return list(profile) if isinstance(profile, list) else []

    def _items(self, question: Question) -> list[Any]:
        items = get(self.data, to_loc(question.key))
        return list(items) if isinstance(items, list) else []

    def _item(self, question: Question, index: int, defaults: list[dict[str, Any]]) -> Item:
        return Item(
            question,
            (*to_loc(question.key), index),
            defaults[index] if index < len(defaults) else {},
        )

    def _fill_item(self, item: Item, only_missing: bool) -> None:
        for sub in item.group.questions:
            item = self._still_default(item)
            generated = handler_for(sub).generated
            if not self.applies(sub, item):
                if self.answered(sub, item) and not generated:
                    self.remove(self.loc(sub, item))
                continue
            if not only_missing or self._missing_from_item(sub, item):
                self.ask(sub, item)

    def _missing_from_item(self, sub: Question, item: Item) -> bool:
        """A sub-question of an item being completed still to ask."""
        handler = handler_for(sub)
        if self.answered(sub, item):
            return not self._stored_is_valid(sub, item)
        if not sub.required and not handler.generated:
            return False  # an optional answer left out on purpose
        # Left out of a finished file: "no".
        return not (self._finished and handler.left_out_means_no)

    def _still_default(self, item: Item) -> Item:
        """The item without its defaults once an answer differs from the default item's."""
        for sub in item.group.questions:
            expected = get(item.defaults, to_loc(sub.key))
            if (
                expected is not None
                and self.answered(sub, item)
                and plain(get(self.data, self.loc(sub, item))) != expected
            ):
                # The user describes something else than the default item: its other
                # defaults (the systems of "IT support", say) no longer fit.
                return Item(item.group, item.loc, {})
        return item

    def _fill_defaults(self, item: Item) -> None:
        """Every answer of one item from its defaults, nothing asked."""
        prompter, self.prompter = self.prompter, None
        try:
            self._fill_item(item, only_missing=False)
        finally:
            self.prompter = prompter

    def describe_item(self, group: Question, index: int) -> str:
        """``Email and calendar (uptime target: 99.9; ...)`` for lists and the review."""
        item = Item(group, (*to_loc(group.key), index), {})
        parts = []
        label_key = group.item_label or "name"
        for sub in group.questions:
            handler = handler_for(sub)
            if handler.generated or sub.key == label_key or not self.answered(sub, item):
                continue
            if not self.applies(sub, item):
                continue
            value = plain(get(self.data, self.loc(sub, item)))
            if value is None or value == [] or not handler.summarised:
                continue
            parts.append(f"{sub.title.rstrip('?')}: {self.answer_text(sub, item)}")
        return "; ".join(parts)

    def item_line(self, group: Question, index: int) -> str:
        """One item on one line: the group's ``item_format``, else its label and details."""
        if group.item_format:
            item = plain(get(self.data, (*to_loc(group.key), index)))
            shown = {
                key: ", ".join(str(v) for v in value) if isinstance(value, list) else value
                for key, value in (item.items() if isinstance(item, dict) else [])
            }
            try:
                return group.item_format.format_map(shown)
            except (KeyError, ValueError, IndexError):
                pass
        detail = self.describe_item(group, index)
        label = self.item_label(group, index)
        return f"{label} ({detail})" if detail else label

    def _complete_items(self, question: Question) -> None:
        defaults = self._group_defaults(question)
        for index in range(len(self._items(question))):
            self._fill_item(self._item(question, index, defaults), only_missing=True)

    def ask_group(self, question: Question) -> None:
        defaults = self._group_defaults(question)
        if self.prompter is None:
            self._group_unattended(question, defaults)
            return
        self._section(question)
        self.prompter.help(question.help, question.internal)
        self._complete_items(question)
        count = len(self._items(question))
        if count:
            listing = ", ".join(self.item_label(question, i) for i in range(count))
            self.prompter.note(f"  So far: {listing}", "dim")
            if not self.prompter.confirm(f"Add another {question.item_name}?", False):
                return
        elif question.offer_defaults and defaults:
            if self._offer_default_items(question, defaults):
                return
            defaults = []
        elif question.min_items == 0 and not self.prompter.confirm(
            f"{question.prompt}", bool(defaults)
        ):
            put(self.data, to_loc(question.key), [])
            self._save()
            return
        if not self.answered(question):
            put(self.data, to_loc(question.key), [])
        self._add_items(question, defaults)

    def _group_unattended(self, question: Question, defaults: list[dict[str, Any]]) -> None:
        if not self.answered(question):
            put(self.data, to_loc(question.key), [])
            for index in range(len(defaults)):
                self._fill_item(self._item(question, index, defaults), only_missing=False)
            self._save()
        self._complete_items(question)

    def _offer_default_items(self, question: Question, defaults: list[dict[str, Any]]) -> bool:
        """Show the default items and offer them all at once; True when they are taken."""
        assert self.prompter is not None
        put(self.data, to_loc(question.key), [])
        for index in range(len(defaults)):
            self._fill_defaults(self._item(question, index, defaults))
        count = len(defaults)
        for index in range(count):
            self.prompter.note(f"  {index + 1}. {self.item_line(question, index)}")
        these = (
            f"these {count} {_many(question.item_name)}"
            if count != 1
            else f"this {question.item_name}"
        )
        if self.prompter.confirm(f"Use {these}?", True):
            self._save()
            return True
        put(self.data, to_loc(question.key), [])
        return False

    def _add_items(self, question: Question, defaults: list[dict[str, Any]]) -> None:
        assert self.prompter is not None
        while True:
            index = len(self._items(question))
            self.prompter.note(f"  {question.item_name.capitalize()} {index + 1}", "bold")
            self._fill_item(self._item(question, index, defaults), only_missing=False)
            more = index + 1 < len(defaults)
            if not self.prompter.confirm(f"Add another {question.item_name}?", more):
                break

    def edit_group(self, question: Question) -> None:
        assert self.prompter is not None
        defaults = self._group_defaults(question)
        while True:
            count = len(self._items(question))
            choices: list[tuple[Any, str]] = [
                (("change", i), f"Change {self.item_label(question, i)}") for i in range(count)
            ]
            choices.append((("add", count), f"Add {_a(question.item_name)}"))
            choices += [
                (("remove", i), f"Remove {self.item_label(question, i)}")
                for i in range(count)
                if count > question.min_items
            ]
            choices.append((("done", 0), "Done"))
            action, index = self.prompter.select(f"{question.prompt}", choices, ("done", 0))
            if action == "done":
                return
            if action == "remove":
                self.remove((*to_loc(question.key), index))
                continue
            self._fill_item(self._item(question, index, defaults), only_missing=False)

    # --- one page at a time (the browser) -----------------------------------------------------

    def add_item(self, question: Question) -> int:
        """Append an item to a repeating group, filled from its defaults; its index."""
        if not self.answered(question):
            put(self.data, to_loc(question.key), [])
        index = len(self._items(question))
        item = self._item(question, index, self._group_defaults(question))
        prompter, self.prompter = self.prompter, None  # only defaults: nothing is asked
        try:
            self._fill_item(item, only_missing=False)
        finally:
            self.prompter = prompter
        for sub in question.questions:
            if handler_for(sub).generated and not self.answered(
                Question(key=sub.from_key or sub.key, prompt="-"), item
            ):
                # An id is made from the name, once the name is given (not from nothing).
                delete(self.data, self.loc(sub, item))
        if not self._items(question)[index:]:
            put(self.data, (*to_loc(question.key), index), {})  # no default at all: empty
        self._save()
        return index

    def complete_item(self, question: Question, index: int) -> None:
        """One item after its answers changed: ids made, answers that no longer apply
        removed, missing answers taken from their defaults (nothing is asked)."""
        item = self._item(question, index, self._group_defaults(question))
        prompter, self.prompter = self.prompter, None
        try:
            self._fill_item(item, only_missing=True)
        finally:
            self.prompter = prompter
        self.missing.clear()  # what no default gives stays unanswered on the page

    # --- review and edit -----------------------------------------------------------------------

    def dependents(self, key: str) -> list[Question]:
        """Questions that depend on ``key``, directly or through others, in asking order."""
        found: set[str] = set()
        changed = {key}
        grew = True
        while grew:
            grew = False
            for question in self.questions.questions:
                if question.key not in found and changed & set(question.depends_on):
                    found.add(question.key)
                    changed.add(question.key)
                    grew = True
        return [q for q in self.questions.questions if q.key in found]

    def edit(self, question: Question) -> None:
        """Ask ``question`` again, then every answer that depends on it, then what is new."""
        assert self.prompter is not None
        dependents = self.dependents(question.key)
        old_defaults = {d.key: self.default_for(d) for d in dependents}
        before = {q.key for q in self.questions.questions if self.applies(q)}
        if question.type == "group":
            self.edit_group(question)
        else:
            self.ask(question)
        depending = {d.key for d in dependents}
        asked: set[str] = set()
        # In asking order, so the questions that now apply (the out-of-hours cover after
        # "yes" to out-of-hours support) are answered before a dependent is offered the
        # default they make (P1's clock: 24x7 when that cover includes P1).
        for other in self.questions.questions:
            if other.key == question.key or not self.applies(other):
                continue
            if other.key in depending:
                stored = self.value(other.key)
                self.prompter.note(
                    f"  Asked again because it depends on '{question.title}':", "yellow"
                )
                # An answer that was the old default is offered the new default.
                self.ask(other, fresh=stored is not None and stored == old_defaults[other.key])
                asked.add(other.key)
            elif other.key not in before:
                self.ask(other)
                asked.add(other.key)
        self._settle(before, asked)

    def dependent_defaults(self) -> dict[str, Any]:
        """What each question with ``depends_on`` would be offered now (and the answers it
        depends on): taken before answers change, for ``follow_defaults``."""
        out: dict[str, Any] = {}
        for question in self.questions.questions:
            if question.depends_on and question.type != "group":
                out[question.key] = self.default_for(question)
                for key in question.depends_on:
                    out.setdefault(f"answer:{key}", self.value(key))
        return out

    def follow_defaults(self, before: dict[str, Any]) -> dict[str, str]:
        """After answers changed: a dependent whose offered default changed takes the new
        one when its answer was the old default (or it had none), and is kept otherwise.
        Returns each such dependent's key with the answer it depends on that changed."""
        again: dict[str, str] = {}
        for question in self.questions.questions:
            if question.key not in before or not self.applies(question):
                continue
            old, new = before[question.key], self.default_for(question)
            if old == new:
                continue
            cause = next(
                (
                    key
                    for key in question.depends_on
                    if before.get(f"answer:{key}") != self.value(key)
                ),
                question.depends_on[0],
            )
            again[question.key] = cause
            if new is not None and (
                not self.answered(question) or plain(self.stored(question)) == old
            ):
                self.store(question, new)
        return again

    def _settle(self, before: set[str], asked: set[str] | None = None) -> None:
        """After an edit: answers that no longer apply go; new or needed questions are asked."""
        for other in self.questions.questions:
            applies = self.applies(other)
            if not applies and self.answered(other):
                self.remove(to_loc(other.key))
            elif (
                applies
                and other.key not in (asked or set())
                and (
                    other.key not in before
                    or (
                        other.required
                        and not self.answered(other)
                        and not handler_for(other).left_out_means_no
                    )
                )
            ):
                self.ask(other)  # newly applicable, or needed

    def sections_with_answers(self) -> Iterator[tuple[Section, list[Question]]]:
        for section in self.questions.sections:
            shown = [
                q
                for q in self.questions.questions
                if q.section == section.id and self.applies(q) and not handler_for(q).generated
            ]
            if shown:
                yield section, shown

    def review(self, show: Callable[[Wizard, str], Any] | None = None) -> None:
        """Every section on one line each (what it holds); a section's answers are listed
        when it is chosen, and after a change only that section is shown again."""
        assert self.prompter is not None
        if show is not None:
            self.section_view = show
        self._shown_sections.update(s.id for s in self.questions.sections)  # no headings now
        while True:
            width = max(self.prompter.width - 8, 40)
            choices: list[tuple[Any, str]] = [
                ("finish", "Everything is right: create the documents")
            ]
            choices += [
                (section.id, _short(f"{section.title}: {self.section_gist(questions)}", width))
                for section, questions in self.sections_with_answers()
            ]
            picked = self.prompter.select(
                "Review: choose a section to see or change its answers", choices, "finish"
            )
            if picked == "finish":
                return
            if self.edit_section(picked) and self.section_view is not None:
                self.prompter.rich(self.section_view(self, picked))

    def section_gist(self, questions: list[Question]) -> str:
        """A section in a few words: ``3 services (Email, Guest Wi-Fi, Bookings)``."""
        parts = []
        for question in questions:
            if question.type == "group":
                count = len(self._items(question))
                names = ", ".join(self.item_label(question, i) for i in range(count))
                noun = question.item_name
                if count != 1:
                    head, of, tail = noun.partition(" of ")
                    noun = f"{head}s{of}{tail}"
                parts.append(f"{count or 'no'} {noun}" + (f" ({names})" if names else ""))
            else:
                parts.append(f"{question.title} {self.answer_text(question)}")
        count = len(questions)
        return f"{plural(count, 'answer')}: " + "; ".join(parts)

    def edit_section(self, section_id: str) -> bool:
        """Choose one answer of a section and change it; True when one was changed."""
        assert self.prompter is not None
        by_id = {section.id: shown for section, shown in self.sections_with_answers()}
        questions = by_id.get(section_id, [])
        width = max(self.prompter.width - 8, 40)
        choices: list[tuple[Any, str]] = [
            (q.key, _short(f"{q.title}: {self.answer_text(q)}", width)) for q in questions
        ]
        choices.append(("back", "Back to the sections"))
        picked = self.prompter.select("Which answer?", choices, choices[0][0])
        if picked == "back":
            return False
        question = self.questions.find(picked)
        assert question is not None
        self.edit(question)
        return True

    # --- finding the question behind a field path ----------------------------------------------

    def locate(self, path: str) -> tuple[Question, Item | None, Question | None] | None:
        """The question (and group item and sub-question) that sets a field path:
        ``constraints[nbd].onsite_response`` -> the constraints group, item nbd, its onsite
        response question."""
        question = self.question_for_path(path)
        if question is None:
            return None
        if question.type != "group":
            return question, None, None
        rest = path[len(question.key) :]
        match = re.match(r"\[([^\]]+)\]\.?(.*)", rest)
        if not match:
            return question, None, None
        wanted, sub_path = match.groups()
        items = self._items(question)
        index = next(
            (
                i
                for i, item in enumerate(items)
                if str(i) == wanted or (isinstance(item, dict) and str(item.get("id")) == wanted)
            ),
            None,
        )
        if index is None:
            return question, None, None
        item = Item(question, (*to_loc(question.key), index), {})
        sub = next(
            (
                q
                for q in sorted(question.questions, key=lambda q: -len(q.key))
                if sub_path == q.key or sub_path.startswith((f"{q.key}.", f"{q.key}["))
            ),
            None,
        )
        return question, item, sub

    def change(self, path: str) -> None:
        """Ask again the answer a field path names (one item's answer inside a group)."""
        found = self.locate(path)
        if found is None:
            return
        question, item, sub = found
        if item is not None and sub is not None and not handler_for(sub).generated:
            self.ask(sub, item)
            self._fill_item(item, only_missing=True)
        else:
            self.edit(question)

    def title_of(self, path: str) -> str | None:
        """``Onsite response (of Server warranty)`` for a field path, None if no question."""
        found = self.locate(path)
        if found is None:
            return None
        question, item, sub = found
        if item is not None and sub is not None:
            index = item.loc[-1]
            assert isinstance(index, int)
            return f"{sub.title} ({self.item_label(question, index)})"
        return question.title


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _a(noun: str) -> str:
    """'a service', 'an item of hardware', 'an escalation level'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _many(noun: str) -> str:
    """'services', 'items of hardware', 'escalation levels': the head noun takes the 's'."""
    head, of, rest = noun.partition(" of ")
    return f"{head}s{of}{rest}" if of else f"{noun}s"
