"""The questions themselves: how many a deal takes, help that matches the defaults, typed
answers (decimal commas, currency signs, one-line lists), each priority's clock, and what the
session says and keeps at the end.

Deals are driven key by key through prompt_toolkit's pipe input, as in test_wizard.py; a
Terminal that counts its prompts says how many answers the deal took.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap

from slawriter.errors import EXIT_OK, RefusedError
from slawriter.files import roundtrip
from slawriter.files.output import read_record, record_path
from slawriter.library import Library
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider
from slawriter.pipeline.render import render_files
from slawriter.wizard.answers import Answers
from slawriter.wizard.engine import Sources, Wizard
from slawriter.wizard.handlers import handler_for, parse_answer
from slawriter.wizard.prompts import Terminal
from slawriter.wizard.questions import Question, load_questions
from tests.conftest import EXAMPLES
from tests.test_wizard import (
    CTRL_C,
    ENTER,
    IDENTITY,
    TODAY,
    _code,
    _data,
    _session,
    keys,
    workdir,
)

pytestmark = pytest.mark.timeout(60)
__all__ = ["workdir"]  # the fixture, shared with test_wizard.py

QUESTIONS = Library.locate(None).profiles_dir / "questions"
UP, SPACE = "\x1b[A", " "


class Counting(Terminal):
    """A terminal that remembers every prompt it put on screen."""

    def __init__(self, console: Any) -> None:
        super().__init__(console)
        self.asked: list[str] = []

    def text(self, message: str, *args: Any, **kwargs: Any) -> str:
        self.asked.append(message)
        return super().text(message, *args, **kwargs)

    def select(self, message: str, *args: Any, **kwargs: Any) -> Any:
        self.asked.append(message)
        return super().select(message, *args, **kwargs)

    def checkbox(self, message: str, *args: Any, **kwargs: Any) -> list[Any]:
        self.asked.append(message)
        return super().checkbox(message, *args, **kwargs)

    def confirm(self, message: str, default: bool) -> bool:
        self.asked.append(message)
        return super().confirm(message, default)


# Typical deals: what a salesperson types; everything else is Enter (the defaults).
SMALL_BUSINESS = (
    "Corner Shop Ltd"
    + ENTER
    + ENTER
    + "1 High Street, Bristol BS1 1AA"
    + ENTER
    + "Sam Lee"
    + ENTER
    + ENTER  # entity type: None
    + ENTER
    + ENTER  # title, IT contact
    + ENTER  # keep the agreement's defaults
    + ENTER  # no service credits
    + "Email"
    + ENTER
    + "Microsoft 365 mailboxes"
    + ENTER
    + ENTER
    + "y"
    + ENTER
    + "99.5"  # below Microsoft 365's own 99.9% (uptime-vs-upstream)
    + ENTER
    + ENTER
    + ENTER  # down_when: one system, nothing to define
    + "y"
    + ENTER  # another service
    + "IT support"
    + ENTER
    + "Broadband router"  # one device: no bundle to define 'down' for (uptime-on-bundle)
    + ENTER
    + "1 High Street, Bristol"
    + ENTER
    + "y"
    + ENTER
    + ENTER
    + ENTER  # 99.5% over business hours, the default
    + ENTER  # down_when
    + "n"
    + ENTER  # no more services
)
STANDARD = (
    "Acme Precision Engineering Ltd"
    + ENTER
    + "01234567"
    + ENTER
    + "Unit 4, Avonside Industrial Estate, Bristol BS2 0TY"
    + ENTER
    + "Jo Bloggs"
    + ENTER
    + ENTER  # entity type: None
    + "Finance Director"
    + ENTER
    + "Sam Patel"
    + ENTER
    + "sam@acme.example"
    + ENTER
    + ENTER  # keep the agreement's defaults
    + "y"
    + ENTER  # service credits
    + "Email and calendar"
    + ENTER
    + "Microsoft 365 mailboxes; Shared calendars"
    + ENTER
    + ENTER
    + "85 named users"
    + ENTER
    + "y"
    + ENTER
    + "99.5"  # below Microsoft 365's own 99.9% (uptime-vs-upstream)
    + ENTER
    + ENTER
    + ENTER  # down_when: one system, nothing to define
    + "£450"
    + ENTER
    + "y"
    + ENTER
    + "File services"
    + ENTER
    + "File server FS01"
    + ENTER
    + "Avonside, Bristol"
    + ENTER
    + ENTER
    + "y"
    + ENTER
    + "99.5"
    + ENTER
    + ENTER  # over business hours, the default: nobody works on it out of hours
    + ENTER  # down_when
    + "600"
    + ENTER
    + "y"
    + ENTER
    + "Remote access"
    + ENTER
    + "VPN gateway"
    + ENTER
    + ENTER
    + ENTER
    + "y"
    + ENTER
    + ENTER
    + ENTER
    + ENTER  # down_when
    + "300"
    + ENTER
    + "n"
    + ENTER
)


def _deal(workdir: Path, profile: str, typed: str) -> tuple[Counting, str]:
    from rich.console import Console

    # The monitoring system has no default (the profiles' text names none): given here.
    session, stream = _session(
        "--profile", profile, "--out", "deal.yaml", "--data", "monitoring.system=Datto RMM"
    )
    counting = Counting(Console(file=stream, width=100, highlight=False))
    session.prompter = counting
    with keys(typed + ENTER * 40):  # then Enter: every section's defaults, finish, done
        assert _code(session) == EXIT_OK, stream.getvalue()[-3000:]
    return counting, stream.getvalue()


@pytest.mark.parametrize(
    ("profile", "typed", "most"), [("smb", SMALL_BUSINESS, 40), ("standard", STANDARD, 70)]
)
def test_a_typical_deal_takes_few_prompts(
    workdir: Path, profile: str, typed: str, most: int
) -> None:
    counting, shown = _deal(workdir, profile, typed)
    assert len(counting.asked) <= most, counting.asked
    assert "Your agreement is ready." in shown
    data = roundtrip.plain(roundtrip.load(workdir / "deal.yaml"))
    # What was typed in one line each: the address lines, a service's systems and sites.
    assert len(data["customer"]["address"]) >= 2
    services = {s["name"]: s for s in data["services"]}
    assert len(services) >= 2
    if profile == "standard":
        assert services["Email and calendar"]["monthly_fee"] == 450
        assert "£450.00" in (workdir / "out" / "deal.md").read_text("utf-8")
    else:
        assert services["IT support"]["sites"] == ["1 High Street, Bristol"]
        assert services["IT support"]["uptime"]["basis"] == "business-hours"
        # Small things the issue quotes: each heading once (not again as the table's title),
        # what was not checked said once (at the finish), no empty 'credits:' line.
        assert shown.count("The agreement") == 1
        assert shown.count("not marked redundant") == 1
        assert "credits" not in (workdir / "deal.yaml").read_text("utf-8")


# --- help that matches the default ------------------------------------------------------------

_CLAIM = re.compile(r"\b(typical|typically|usual|usually|common|commonly|most)\b", re.I)
_FIGURE = {
    "duration": re.compile(
        r"\b\d+(?:\.\d+)?\s*(?:business days?|business hours?|[smh]\b|minutes?|hours?)"
    ),
    "period": re.compile(r"\b\d+\s*(?:days?|months?|years?)\b"),
    "percent": re.compile(r"\b\d+(?:\.\d+)?%"),
}


def help_contradictions(help_text: str, question: Question, default: Any) -> list[str]:
    """What a question's help says that its default (or its choices) contradicts."""
    problems = []
    shown = handler_for(question).typed(question, default) if default is not None else ""
    if default not in (None, [], {}) and re.search(r"\bleave (it )?empty\b", help_text, re.I):
        problems.append(f"says 'leave empty' but Enter takes the default {shown!r}")
    figure = _FIGURE.get(question.type)
    if figure and default is not None:
        wanted = re.sub(r"\s+", "", str(shown).lower().rstrip("%"))
        for sentence in re.split(r"(?<=[.;])\s+", help_text):
            if not _CLAIM.search(sentence):
                continue
            for found in figure.findall(sentence):
                said = re.sub(r"\s+", "", found.lower().rstrip("%"))
                said = re.sub(r"hours?$", "h", said)
                said = re.sub(r"minutes?$", "m", said)
                if said != wanted:
                    problems.append(f"calls {found!r} typical, but {shown!r} is offered")
    if question.type in ("choice", "calendar"):
        for match in re.finditer(r"\bNone\b[^.]*", help_text):
            for value in ("24x7", *(str(c.value) for c in question.choices)):
                if value in match.group(0):
                    problems.append(f"says None means {value!r}, which is a choice of its own")
    return problems


def test_the_help_check_finds_the_contradictions_the_issue_quotes() -> None:
    duration = Question(key="priorities.P2.response", type="duration", prompt="P2")
    assert help_contradictions("Typical: 1 business hour.", duration, "4h")
    assert not help_contradictions("Typical: 4 hours.", duration, "4h")
    period = Question(key="agreement.term.renewal", type="period", prompt="Renewal")
    assert help_contradictions("Leave empty for no automatic renewal.", period, "12 months")
    calendar = Question(key="internal.assets", type="calendar", prompt="Cover")
    assert help_contradictions("Choose None for 24x7 cover.", calendar, None)


def _every_question(profile: str) -> list[tuple[Answers, Question, Any]]:
    library = Library.locate(None)
    provider = roundtrip.plain(roundtrip.load(EXAMPLES / "provider.yaml"))
    if profile == "provider":
        questions, model, defaults = load_questions(QUESTIONS, "provider"), Provider, {}
    else:
        questions, model = load_questions(QUESTIONS, profile), Agreement
        defaults = library.profile(profile).defaults
    sources = Sources(profile_defaults=defaults, provider=provider, today=TODAY)
    wizard = Wizard(questions, CommentedMap(), sources, model, lambda: None, None)
    found = []
    for question in questions.questions:
        found.append((wizard, question, wizard.default_for(question)))
        for sub in question.questions:
            found.append((wizard, sub, sub.default))
    return found


@pytest.mark.parametrize("profile", ["standard", "smb", "provider"])
def test_every_questions_help_agrees_with_its_default(profile: str) -> None:
    problems = []
    for wizard, question, default in _every_question(profile):
        shown = wizard.help_text(question, default)
        assert "{default}" not in shown
        problems += [f"{question.key}: {p}" for p in help_contradictions(shown, question, default)]
    assert problems == []


def test_help_names_the_default_offered() -> None:
    found = {q.key: (w, q, d) for w, q, d in _every_question("smb")}
    wizard, question, default = found["agreement.term.notice"]
    assert "30 days is offered" in wizard.help_text(question, default)
    wizard, question, default = found["priorities.P1.response"]
    assert "1h is offered" in wizard.help_text(question, default)


# --- typed answers -------------------------------------------------------------------------------


def _question(kind: str, **extra: Any) -> Question:
    return Question(key="x", type=kind, prompt="x", **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("percent", "99,9", "'99,9' is not a percentage such as 99.9"),
        ("number", "1,5", "'1,5' is not a number such as 1250.5"),
        ("money", "12,5", "'12,5' is not an amount such as 450 or 1250.50"),
    ],
)
def test_a_decimal_comma_is_refused_with_the_calculators_message(
    kind: str, typed: str, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_answer(_question(kind), typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("£450", 450), ("450 GBP", 450), ("GBP 1,200.50", 1200.5), ("1,250", 1250), ("99.5", 99.5)],
)
def test_money_is_read_with_its_sign_or_code(typed: str, value: float) -> None:
    assert parse_answer(_question("money"), typed) == value


def test_money_in_another_currency_is_refused_at_the_prompt() -> None:
    from slawriter.wizard.fields import amount

    assert amount("£450", "GBP") == 450
    with pytest.raises(
        ValueError, match="'\\$450' is in USD, but this agreement's fees are in GBP"
    ):
        amount("$450", "GBP")
    assert amount("$450", "AUD") == 450  # the Australian dollar's sign


def test_lists_and_per_priority_answers_are_typed_on_one_line() -> None:
    address = _question("list", separator=",")
    assert parse_answer(address, "1 High St,  Bristol BS1 1AA ,") == [
        "1 High St",
        "Bristol BS1 1AA",
    ]
    tickets = _question("mapping")
    assert parse_answer(tickets, "p1 0.5, P2 4; P3 8") == {"P1": 0.5, "P2": 4, "P3": 8}
    targets = _question("mapping", value_type="targets")
    assert parse_answer(targets, "P1 resolution 1 business day; P2 response 4h") == {
        "P1": {"resolution": "1 business day"},
        "P2": {"response": "4h"},
    }
    with pytest.raises(ValueError, match="'response' or 'resolution'"):
        parse_answer(targets, "P1 fix 4h")
    assert handler_for(targets).typed(targets, {"P1": {"resolution": "8h"}}) == "P1 resolution 8h"


# --- each priority's clock ----------------------------------------------------------------------


def _smb_wizard(data: dict[str, Any]) -> Wizard:
    library = Library.locate(None)
    sources = Sources(profile_defaults=library.profile("smb").defaults, today=TODAY)
    return Wizard(
        load_questions(QUESTIONS, "smb"), CommentedMap(data), sources, Agreement, lambda: None
    )


def test_out_of_hours_for_p1_puts_p1_on_its_clock_and_the_review_says_so() -> None:
    wizard = _smb_wizard(
        {"out_of_hours": {"available": True, "calendar": "24x7", "priorities": ["P1"]}}
    )
    p1, p2 = (wizard.questions.find(f"priorities.{p}.calendar") for p in ("P1", "P2"))
    assert p1 is not None and p2 is not None
    assert wizard.default_for(p1) == "24x7"
    assert wizard.default_for(p2) == "business"
    wizard.run()  # nothing to ask: every default taken
    response = wizard.questions.find("priorities.P1.response")
    assert response is not None
    assert wizard.answer_text(response) == "1h (24x7)"
    assert wizard.answer_text(wizard.questions.find("priorities.P2.response")) == "4h (business)"  # type: ignore[arg-type]
    # Changing the out-of-hours answer asks the clock again.
    assert p1 in wizard.dependents("out_of_hours.priorities")


# --- the end of the session ---------------------------------------------------------------------


def test_an_accepted_risk_is_honoured_by_a_later_render_until_the_promise_changes(
    workdir: Path,
) -> None:
    # A P1 response slower than its resolution: an error of the priority-order rule.
    data = [*IDENTITY, "priorities.P1.response=8h", "priorities.P1.resolution=4h"]
    session, _ = _session("--profile", "smb", "--out", "f.yaml", "--defaults", *_data(*data))
    with pytest.raises(RefusedError):
        session.run()
    session, stream = _session("--resume", "f.yaml")
    # The optional internal answers --defaults left out (restore time, notes); the review:
    # create; each error: accept it (the last choice) with a reason.
    accept = UP + ENTER + "The customer asked for it" + ENTER
    with keys(ENTER * 3 + accept * 2):
        assert _code(session) == EXIT_OK, stream.getvalue()[-3000:]
    record = read_record(record_path(workdir / "out", "f"))
    reasons = {r["reason"] for r in record["accepted_risks"]}
    assert reasons == {"The customer asked for it"}
    library = Library.locate(None)
    render_files([workdir / "f.yaml"], workdir / "out", ["md"], library=library, force=True)
    again = read_record(record_path(workdir / "out", "f"))
    assert again["accepted_risks"] == record["accepted_risks"]
    path = workdir / "f.yaml"
    path.write_text(path.read_text("utf-8").replace("response: 8h", "response: 6h"), "utf-8")
    with pytest.raises(RefusedError, match="priority-order"):
        render_files([path], workdir / "out", ["md"], library=library, force=True)


def test_the_finish_line_says_what_was_not_checked_in_plain_words(workdir: Path) -> None:
    provider = workdir / "provider.yaml"
    text = provider.read_text("utf-8")
    provider.write_text(text[: text.index("# Internal:")], "utf-8")  # no team facts
    session, stream = _session(
        "--profile", "smb", "--out", "f.yaml", "--defaults", *_data(*IDENTITY)
    )
    session.prompter = None
    assert _code(session) == EXIT_OK
    shown = stream.getvalue()
    assert "Not checked: whether your team can answer the expected tickets in time" in shown
    assert "internal.staffing" not in shown.split("Your agreement is ready.")[1]
    assert "your team's shifts" in shown


def test_the_agreement_file_names_its_schema_for_editors(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(workdir / "cache"))
    session, _ = _session("--profile", "smb", "--out", "f.yaml", "--defaults", *_data(*IDENTITY))
    assert _code(session) == EXIT_OK
    first = (workdir / "f.yaml").read_text("utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=file://")
    schema = Path(first.split("$schema=file://", 1)[1])
    assert '"customer"' in schema.read_text("utf-8")


def test_interrupt_names_the_program_it_was_run_by(workdir: Path) -> None:
    from slawriter.cli import build_parser
    from slawriter.commands.new import request
    from slawriter.pipeline.session import Session

    args = build_parser().parse_args(["new", "--profile", "smb", "--out", "shop.yaml"])
    plain_request = request(args)
    session, stream = _session("--profile", "smb", "--out", "shop.yaml")
    session.request = plain_request.__class__(
        **{**plain_request.__dict__, "program": ".venv/bin/slawriter"}
    )
    with keys("Corner Shop Ltd" + ENTER + CTRL_C):
        session.run()
    assert "Carry on with: .venv/bin/slawriter new --resume shop.yaml" in stream.getvalue()
    assert isinstance(Session, type)


def test_findings_use_the_names_typed_and_point_at_the_answer_behind_them() -> None:
    from slawriter.pipeline.session import _in_their_words

    wizard = _smb_wizard(
        {
            "services": [{"id": "guest-wi-fi", "name": "Guest Wi-Fi", "systems": ["APs"]}],
            "constraints": [
                {"id": "nbd", "kind": "hardware-warranty", "description": "Server warranty"}
            ],
        }
    )
    said = _in_their_words(
        wizard,
        "guest-wi-fi: not checked; set internal.redundancy.guest-wi-fi: true, or change "
        "constraints[nbd].onsite_response",
    )
    assert said == (
        "Guest Wi-Fi: not checked; tick it in the answer 'Redundant services', or change "
        "the answer 'Onsite response (Server warranty)'"
    )
    located = wizard.locate("constraints[nbd].onsite_response")
    assert located is not None
    group, item, sub = located
    assert group.key == "constraints" and item is not None and sub is not None
    assert sub.key == "onsite_response"


def test_the_monthly_fee_is_asked_only_where_credits_use_it() -> None:
    from slawriter.wizard.answers import Item

    questions = load_questions(QUESTIONS, "standard")
    data = CommentedMap(
        {
            "credits": {"tiers": [{"below": 99.5, "credit": 5}], "cap": 25},
            "services": [
                {"name": "Email", "id": "email", "uptime": {"target": 99.9}},
                {"name": "Desktop support", "id": "desktop-support", "uptime": None},
            ],
        }
    )
    wizard = Wizard(questions, data, Sources(today=TODAY), Agreement, lambda: None, None)
    group = questions.find("services")
    assert group is not None
    fee = next(q for q in group.questions if q.key == "monthly_fee")
    # Credits are earned on uptime only: a service without an uptime target has no fee to ask.
    assert wizard.applies(fee, Item(group, ("services", 0), {}))
    assert not wizard.applies(fee, Item(group, ("services", 1), {}))


def test_help_and_choices_match_what_is_offered() -> None:
    from slawriter.wizard.answers import Item

    found = {q.key: (w, q, d) for w, q, d in _every_question("standard")}
    # Credits default to no: the help does not call them usual.
    wizard, credits, _ = found["credits"]
    assert "Usual" not in credits.help
    # The restore time is compared with a promised recovery time, which is asked.
    assert "resolution targets" not in found["internal.backup.restore_time"][1].help
    assert "data_protection.backup.rto" in found
    # Examples: each priority its own hint, none for another trade than the customer's.
    hints = [found[f"priorities.P{n}.examples"][1].help for n in range(1, 5)]
    assert len(set(hints)) == 4 and not any("hotel" in hint for hint in hints)
    # A service named Desktop support is not offered an uptime target; Email is.
    data = CommentedMap({"services": [{"name": "Desktop support"}, {"name": "Email"}]})
    wizard = Wizard(
        load_questions(QUESTIONS, "standard"), data, Sources(today=TODAY), Agreement,
        lambda: None, None,
    )  # fmt: skip
    group = wizard.questions.find("services")
    assert group is not None
    uptime = next(q for q in group.questions if q.key == "uptime")
    assert wizard.default_for(uptime, Item(group, ("services", 0), {})) is False
    assert wizard.default_for(uptime, Item(group, ("services", 1), {})) is True
    # Out-of-hours cover is not offered the customer's business hours.
    provider = roundtrip.plain(roundtrip.load(EXAMPLES / "provider.yaml"))
    wizard = Wizard(
        load_questions(QUESTIONS, "standard"), CommentedMap(), Sources(provider=provider,
        today=TODAY), Agreement, lambda: None, None,
    )  # fmt: skip
    cover = wizard.questions.find("out_of_hours.calendar")
    assert cover is not None
    offered = [value for value, _ in handler_for(cover).choices(wizard, cover)]
    assert "business" not in offered and "24x7" in offered
    # The small-business governance section is about escalation.
    smb = load_questions(QUESTIONS, "smb")
    assert smb.section_by_id["governance"].title == "Escalation"


def test_findings_and_menus_read_as_english() -> None:
    from slawriter.pipeline.session import _in_their_words
    from slawriter.wizard.engine import _a, _many

    assert _a("item of hardware") == "an item of hardware" and _a("service") == "a service"
    assert _many("item of hardware") == "items of hardware"
    questions = load_questions(QUESTIONS, "smb")
    wizard = Wizard(questions, CommentedMap(), Sources(today=TODAY), Agreement, lambda: None, None)
    said = _in_their_words(wizard, "P1 targets are counted on 'business' (Monday to Friday)")
    assert said == "P1 targets are counted on Business Hours (Monday to Friday)"
