"""The wizard driven key by key through prompt_toolkit's pipe input.

Every prompt test closes the pipe after its keys: a missing keystroke raises EOFError at once
instead of hanging (and each test has a short timeout as well).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from slawriter.cli import build_parser
from slawriter.commands.new import exit_code, request
from slawriter.errors import EXIT_FOUND, EXIT_INTERRUPTED, EXIT_OK, InputError
from slawriter.files import roundtrip
from slawriter.files.load import load_agreement
from slawriter.library import Library
from slawriter.model.agreement import Agreement
from slawriter.pipeline.session import Session
from slawriter.wizard.engine import Sources, Wizard
from slawriter.wizard.fields import check_keys
from slawriter.wizard.prompts import Terminal
from slawriter.wizard.questions import load_questions
from slawriter.wizard.review import section_table
from tests.conftest import EXAMPLES

ENTER, DOWN, SPACE, CLEAR, CTRL_C = "\r", "\x1b[B", " ", "\x15", "\x03"

pytestmark = pytest.mark.timeout(20)

# Every wizard here runs on this day: defaults such as the first of next month, the
# reference's year and a renewal's start date come from it, never from the real date.
TODAY = date(2026, 11, 16)


@contextmanager
def keys(text: str) -> Iterator[None]:
    """Feed ``text`` to every prompt in the block; running out of keys raises EOFError."""
    with create_pipe_input() as pipe:
        pipe.send_text(text)
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            yield


def terminal() -> tuple[Terminal, io.StringIO]:
    stream = io.StringIO()
    return Terminal(Console(file=stream, width=120, highlight=False)), stream


def question_set(tmp_path: Path, text: str) -> Any:
    folder = tmp_path / "questions"
    folder.mkdir(exist_ok=True)
    (folder / "test.yaml").write_text(textwrap.dedent(text), "utf-8")
    questions = load_questions(folder, "test")
    check_keys(questions, Agreement)
    return questions


SMALL = """
sections:
  - {id: customer, title: The customer}
  - {id: agreement, title: The agreement}
questions:
  - {key: customer.name, section: customer, prompt: "Customer's legal name", label: Legal name}
  - key: customer.signatory.title
    section: customer
    prompt: Their job title
    default: Director
  - key: agreement.reference
    section: agreement
    prompt: Agreement reference
    label: Reference
    default_from: compute:reference
    depends_on: [customer.name]
  - key: responsibilities.patching
    type: choice
    section: agreement
    prompt: Who patches?
    choices: [provider, customer]
  - key: out_of_hours.available
    type: confirm
    section: agreement
    prompt: Out-of-hours support?
    default: false
  - key: out_of_hours.rate
    type: number
    section: agreement
    prompt: Rate per hour
    required: false
    condition: out_of_hours.available
  - key: priorities.P1.response
    type: duration
    section: agreement
    prompt: P1 response
    default: 30m
"""


def make_wizard(tmp_path: Path, text: str = SMALL) -> tuple[Wizard, Terminal, list[int]]:
    saves: list[int] = []
    prompter, _ = terminal()
    data = roundtrip.load(tmp_path / "missing.yaml")
    provider = {
        "name": "Northwind IT Services Ltd",
        "contact": {"phone": "+44 117 496 0000", "email": "a@b"},
    }
    wizard = Wizard(
        question_set(tmp_path, text),
        data,
        Sources(provider=provider, today=TODAY),
        Agreement,
        lambda: saves.append(1),
        prompter,
    )
    return wizard, prompter, saves


def test_text_select_and_confirm_flow_saves_after_every_answer(tmp_path: Path) -> None:
    wizard, _, saves = make_wizard(tmp_path)
    with keys(
        "Acme Ltd" + ENTER  # name
        + ENTER  # title: the default
        + ENTER  # reference: the computed default
        + DOWN + ENTER  # patching: customer
        + "y" + ENTER  # out-of-hours: yes (y waits for Enter)
        + "95" + ENTER  # rate, asked because out-of-hours is on
        + ENTER  # P1 response default
    ):  # fmt: skip
        wizard.run()
    data = roundtrip.plain(wizard.data)
    assert data["customer"] == {"name": "Acme Ltd", "signatory": {"title": "Director"}}
    # Northwind IT, the year of the first of the month after TODAY, Acme Ltd.
    assert data["agreement"]["reference"] == "NI-SLA-2026-AL"
    assert data["responsibilities"] == {"patching": "customer"}
    assert data["out_of_hours"] == {"available": True, "rate": 95}
    assert data["priorities"]["P1"]["response"] == "30m"
    assert len(saves) == 7  # one atomic save per answer


def test_question_that_does_not_apply_is_not_asked(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path)
    with keys("Acme Ltd" + ENTER * 3 + ENTER + "n" + ENTER + ENTER):
        wizard.run()
    data = roundtrip.plain(wizard.data)
    assert data["out_of_hours"] == {"available": False}
    assert "rate" not in data["out_of_hours"]


def test_enter_after_n_answers_the_yes_no_question_not_the_next_one(tmp_path: Path) -> None:
    # y or n waits for Enter: the Enter typed after "n" must not take the next question's
    # default (the next question here is P1's response, default 30m).
    wizard, _, _ = make_wizard(tmp_path)
    with keys("Acme Ltd" + ENTER * 4 + "n" + ENTER + "4h" + ENTER):
        wizard.run()
    data = roundtrip.plain(wizard.data)
    assert data["out_of_hours"] == {"available": False}
    assert data["priorities"]["P1"]["response"] == "4h"


def test_bad_answer_is_refused_and_asked_again(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path)
    with keys(
        "Acme Ltd" + ENTER + ENTER + ENTER + ENTER + "n" + ENTER
        + CLEAR + "2 days" + ENTER  # refused: ambiguous
        + CLEAR + "half an hour" + ENTER  # refused: not a duration
        + CLEAR + "2 business days" + ENTER
    ):  # fmt: skip
        wizard.run()
    assert roundtrip.plain(wizard.data)["priorities"]["P1"]["response"] == "2 business days"


def test_the_prompt_check_is_the_validate_rule(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path)
    question = wizard.questions.find("priorities.P1.response")
    validate = wizard.validator(question, "priorities.P1.response", allow_empty=False)
    message = validate("2 days")
    assert message is not None and "ambiguous" in message and "1 business day" in message
    assert validate("4h") is None
    percent = wizard.validator(
        question.model_copy(update={"type": "percent"}), "services[].uptime.target", False
    )
    assert percent("101") == "101 is not between 0 and 100"


GROUP = """
sections: [{id: services, title: Services}]
questions:
  - key: services
    type: group
    section: services
    prompt: Services covered
    item_name: service
    min_items: 1
    questions:
      - {key: name, prompt: Service name}
      - {key: id, type: id, from: name}
      - {key: systems, type: list, prompt: Systems, item_name: system}
      - {key: uptime, type: include, prompt: Uptime target?, default: true}
      - {key: uptime.target, type: percent, prompt: Target, condition: item.uptime, default: 99.5}
"""


def test_repeating_group_adds_items_until_the_user_stops(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path, GROUP)
    with keys(
        "Email" + ENTER + "Microsoft 365" + ENTER + ENTER + "y" + ENTER + "99.9" + ENTER
        + "y" + ENTER  # add another service
        + "Files" + ENTER + "FS01" + ENTER + "Print server" + ENTER + ENTER + "n" + ENTER
        + "n" + ENTER  # no more services
    ):  # fmt: skip
        wizard.run()
    services = roundtrip.plain(wizard.data)["services"]
    assert services == [
        {"name": "Email", "id": "email", "systems": ["Microsoft 365"], "uptime": {"target": 99.9}},
        {"name": "Files", "id": "files", "systems": ["FS01", "Print server"], "uptime": None},
    ]


def test_review_edit_asks_dependent_answer_again(tmp_path: Path) -> None:
    wizard, prompter, _ = make_wizard(tmp_path)
    with keys("Acme Ltd" + ENTER * 4 + "n" + ENTER * 2):
        wizard.run()
    assert roundtrip.plain(wizard.data)["agreement"]["reference"] == "NI-SLA-2026-AL"
    with keys(
        DOWN + ENTER  # Change something in: The customer
        + ENTER  # Which answer? Legal name
        + "Zenith Widgets Ltd" + ENTER  # new name
        + ENTER  # the reference, asked again with the new default
        + ENTER  # Everything is right
    ):  # fmt: skip
        wizard.review(section_table)
    data = roundtrip.plain(wizard.data)
    assert data["customer"]["name"] == "Zenith Widgets Ltd"
    assert data["agreement"]["reference"] == "NI-SLA-2026-ZWL"
    shown = prompter.console.file.getvalue()  # type: ignore[attr-defined]
    assert "Asked again because it depends on 'Legal name'" in shown
    assert "Zenith Widgets Ltd" in shown  # the changed section is shown again


def test_questions_whose_choices_come_from_services_depend_on_them(tmp_path: Path) -> None:
    from ruamel.yaml.comments import CommentedMap

    questions = load_questions(Library.locate(None).profiles_dir / "questions", "standard")
    wizard = Wizard(questions, CommentedMap(), Sources(today=TODAY), Agreement, lambda: None, None)
    dependents = [q.key for q in wizard.dependents("services")]
    # Neither declares depends_on: the loader infers it (flags over services, a group
    # whose item picks services), so adding a service in the review asks them again.
    assert "internal.redundancy" in dependents and "internal.assets" in dependents


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("calendars.customer-hours.timezone", "London", "Europe/London"),
        ("calendars.customer-hours.timezone", "new york", "America/New_York"),
        ("calendars.customer-hours.timezone", "Europe/Paris", "Europe/Paris"),
        ("calendars.customer-hours.holidays", "England", "GB-ENG"),
        ("calendars.customer-hours.holidays", "gb-sct", "GB-SCT"),
    ],
)
def test_time_zone_and_holiday_prompts_take_what_their_help_suggests(
    key: str, typed: str, stored: str
) -> None:
    from ruamel.yaml.comments import CommentedMap

    questions = load_questions(Library.locate(None).profiles_dir / "questions", "standard")
    wizard = Wizard(questions, CommentedMap(), Sources(today=TODAY), Agreement, lambda: None, None)
    question = questions.find(key)
    assert question is not None
    assert wizard.validator(question, key, False)(typed) is None
    with keys(typed + ENTER):
        wizard.prompter, _ = terminal()
        wizard.ask(question)
    assert roundtrip.get(wizard.data, tuple(key.split("."))) == stored


def test_resume_finishes_an_interrupted_escalation_level(tmp_path: Path) -> None:
    from ruamel.yaml.comments import CommentedMap

    questions = load_questions(Library.locate(None).profiles_dir / "questions", "standard")
    group = questions.find("escalation")
    assert group is not None
    # The clause promises a reply within each level's time: it is never left out.
    assert next(q for q in group.questions if q.key == "reply_within").required
    small = question_set(
        tmp_path,
        """
        sections: [{id: governance, title: Escalation}]
        questions:
          - key: escalation
            type: group
            section: governance
            prompt: Add an escalation path?
            item_name: escalation level
            questions:
              - {key: role, prompt: Role}
              - {key: contact, prompt: Phone or email, required: false}
              - {key: reply_within, type: duration, prompt: Replies within}
        """,
    )
    data = CommentedMap({"escalation": [{"role": "Team Leader"}]})  # stopped at the contact
    prompter, _ = terminal()
    wizard = Wizard(small, data, Sources(today=TODAY), Agreement, lambda: None, prompter)
    wizard.mark_progress()
    with keys("1h" + ENTER + "n" + ENTER):
        wizard.run()
    assert roundtrip.plain(wizard.data)["escalation"] == [
        {"role": "Team Leader", "reply_within": "1h"}
    ]


def test_review_edit_asks_newly_applicable_question(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path)
    with keys("Acme Ltd" + ENTER * 4 + "n" + ENTER * 2):
        wizard.run()
    with keys(
        DOWN + DOWN + ENTER  # Change something in: The agreement
        + DOWN + DOWN + ENTER  # Out-of-hours support?
        + "y" + ENTER + "120" + ENTER  # now the rate applies and is asked
        + ENTER
    ):  # fmt: skip
        wizard.review(section_table)
    assert roundtrip.plain(wizard.data)["out_of_hours"] == {"available": True, "rate": 120}


# --- the command: interrupt, resume, defaults --------------------------------------------------


def _data(*answers: str) -> list[str]:
    """``--data`` options for each answer."""
    return [part for answer in answers for part in ("--data", answer)]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SLAWRITER_PROVIDER", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    provider = (EXAMPLES / "provider.yaml").read_text("utf-8").replace("logo:", "# logo:")
    (tmp_path / "provider.yaml").write_text(provider, "utf-8")
    return tmp_path


def _session(*argv: str) -> tuple[Session, io.StringIO]:
    """A session of ``slawriter new ARGV`` (read by the real parser); --defaults asks nothing."""
    args = build_parser().parse_args(["new", *argv])
    prompter, stream = terminal()
    interactive = not args.defaults
    session = Session(request(args), prompter if interactive else None, TODAY, prompter.console)
    return session, stream


def _code(session: Session) -> int:
    """The exit code ``slawriter new`` gives for the session's outcome."""
    return exit_code(session.run())


def test_interrupt_keeps_answers_and_resume_completes(workdir: Path) -> None:
    session, stream = _session("--profile", "smb", "--out", "shop.yaml")
    with keys("Corner Shop Ltd" + ENTER + ENTER + "1 High St" + ENTER + ENTER + CTRL_C):
        assert _code(session) == EXIT_INTERRUPTED
    assert "Carry on with: slawriter new --resume shop.yaml" in stream.getvalue()
    saved = roundtrip.plain(roundtrip.load(workdir / "shop.yaml"))
    assert saved["incomplete"] is True
    assert saved["customer"] == {"name": "Corner Shop Ltd", "address": ["1 High St"]}

    # The profile's stand-in monitoring text names no system (monitoring-unnamed): answer it.
    session, stream = _session("--resume", "shop.yaml", *_data("monitoring.system=Datto RMM"))
    # The name and address are not asked again: the first prompt is the signatory.
    with keys("Sam Lee" + ENTER * 200):
        assert _code(session) == EXIT_OK
    shown = stream.getvalue()
    assert "Your agreement is ready." in shown
    assert (workdir / "out" / "shop.docx").is_file() and (workdir / "out" / "shop.md").is_file()
    final = roundtrip.plain(roundtrip.load(workdir / "shop.yaml"))
    assert "incomplete" not in final
    assert final["customer"]["name"] == "Corner Shop Ltd"
    assert final["customer"]["signatory"] == {"name": "Sam Lee", "title": "Director"}
    markdown = (workdir / "out" / "shop.md").read_text("utf-8")
    assert "Corner Shop Ltd" in markdown and "Sam Lee" in markdown


class Choosing(Terminal):
    """A terminal that records the labels of every choice offered."""

    def __init__(self) -> None:
        super().__init__(Console(file=io.StringIO(), width=120))
        self.offered: list[list[str]] = []

    def select(self, message: str, choices: Any, *args: Any, **kwargs: Any) -> Any:
        self.offered.append([label for _, label in choices])
        return super().select(message, choices, *args, **kwargs)


def test_a_calendar_question_takes_typed_weekly_hours(tmp_path: Path) -> None:
    questions = question_set(
        tmp_path,
        """
        sections: [{id: c, title: Constraints}]
        questions:
          - key: priorities.P1.calendar
            type: calendar
            section: c
            prompt: When is the site open?
            required: false
        """,
    )
    provider = {
        "calendars": {
            "business": {"hours": "mon-fri 09:00-17:30", "timezone": "Europe/London",
                         "holidays": "GB-ENG"}
        }
    }  # fmt: skip
    prompter = Choosing()
    data = roundtrip.load(tmp_path / "missing.yaml")
    wizard = Wizard(questions, data, Sources(provider=provider, today=TODAY), Agreement,
                    lambda: None, prompter)  # fmt: skip
    with keys(DOWN + ENTER + "mon-fri 08:00-18:00" + ENTER):  # from "At any time", one down
        wizard.run()
    # No "None" beside a 24x7 that means the same: "At any time", and typed hours.
    assert prompter.offered[0] == [
        "business: Monday to Friday, 09:00 to 17:30 (Europe/London, GB-ENG)",
        "At any time (no limit)",
        "Other hours (I will type them, e.g. mon-fri 08:00-18:00)",
    ]
    saved = roundtrip.plain(wizard.data)
    assert saved["priorities"]["P1"]["calendar"] == "mon-fri-08-00-18-00"
    assert saved["calendars"]["mon-fri-08-00-18-00"] == {
        "hours": "mon-fri 08:00-18:00",
        "timezone": "Europe/London",
        "holidays": "GB-ENG",
    }


class StopAt(Terminal):
    """A terminal whose user presses Ctrl-C at one yes/no question; records the questions."""

    def __init__(self, console: Console, stop_at: str | None) -> None:
        super().__init__(console)
        self.stop_at = stop_at
        self.confirms: list[str] = []

    def confirm(self, message: str, default: bool) -> bool:
        self.confirms.append(message)
        if message == self.stop_at:
            raise KeyboardInterrupt
        return super().confirm(message, default)


def test_ctrl_c_at_a_keep_question_asks_it_again_on_resume(workdir: Path) -> None:
    keep = "Keep these answers for scheduled maintenance?"
    # The monitoring system has no default (monitoring-unnamed): given up front.
    monitoring = "monitoring.system=Datto RMM"
    session, stream = _session("--profile", "smb", "--out", "shop.yaml", "--data", monitoring)
    session.prompter = StopAt(Console(file=stream, width=120), keep)
    with keys("Corner Shop Ltd" + ENTER + ENTER + "1 High St" + ENTER + "Sam Lee" + ENTER * 200):
        assert _code(session) == EXIT_INTERRUPTED
    assert session.prompter.confirms[-1] == keep
    saved = roundtrip.plain(roundtrip.load(workdir / "shop.yaml"))
    assert "maintenance" not in saved  # its defaults wait for the answer

    session, stream = _session("--resume", "shop.yaml")
    resumed = StopAt(Console(file=stream, width=120), None)
    session.prompter = resumed
    with keys(ENTER * 200):
        assert _code(session) == EXIT_OK, stream.getvalue()[-2000:]
    assert resumed.confirms[0] == keep  # the interrupted question, before any later one
    assert "maintenance" in roundtrip.plain(roundtrip.load(workdir / "shop.yaml"))


IDENTITY = [
    "customer.name=Acme & Sons Ltd",
    "customer.address=[1 High St, Bristol BS1 1AA]",
    "customer.signatory.name=Sam Lee",
    "monitoring.system=PRTG Network Monitor",  # no default: the profiles' text names nothing
]


@pytest.mark.parametrize(
    ("profile", "extra"),
    [
        ("standard", []),
        ("smb", []),
        (
            "standard",
            ["credits=yes", "services[0].uptime.target=99.5", "services[0].monthly_fee=£500"],
        ),
    ],
)
def test_every_default_and_the_customer_identity_make_a_valid_agreement(
    workdir: Path, profile: str, extra: list[str]
) -> None:
    session, _ = _session(
        "--profile", str(profile), "--out", "a.yaml", "--defaults", *_data(*IDENTITY, *extra)
    )
    assert _code(session) == EXIT_OK
    loaded = load_agreement(workdir / "a.yaml", Library.locate(None))
    assert loaded.agreement.customer.name == "Acme & Sons Ltd"
    assert loaded.agreement.incomplete is False
    assert (workdir / "out" / "a.docx").is_file()
    # Credits need a monthly fee: asked with each service once credits are offered.
    assert (loaded.agreement.credits is not None) == bool(extra)
    if extra:
        assert loaded.agreement.services[0].monthly_fee == 500


def test_defaults_with_a_feasibility_warning_writes_the_documents_and_exits_1(
    workdir: Path,
) -> None:
    data = [*IDENTITY, "maintenance.emergency_counts_toward_uptime=no"]
    session, stream = _session(
        "--profile", "standard", "--out", "a.yaml", "--defaults", *_data(*data)
    )  # fmt: skip
    assert _code(session) == EXIT_FOUND
    shown = stream.getvalue()
    assert "warning: uptime-vs-maintenance: emergency maintenance has no monthly cap" in shown
    assert "Your agreement is ready." in shown
    assert (workdir / "out" / "a.docx").is_file() and (workdir / "out" / "a.md").is_file()


def test_defaults_lists_the_answers_still_needed(workdir: Path) -> None:
    session, _ = _session("--profile", "smb", "--out", "a.yaml", "--defaults")
    with pytest.raises(InputError) as caught:
        session.run()
    text = str(caught.value)
    assert "answers still needed" in text and "slawriter new --resume a.yaml" in text
    paths = {p.path for p in caught.value.problems}
    assert {"customer.name", "customer.address", "customer.signatory.name"} <= paths
    assert roundtrip.plain(roundtrip.load(workdir / "a.yaml"))["incomplete"] is True


def test_bad_data_is_refused_with_the_validate_message(workdir: Path) -> None:
    data = [*IDENTITY, "priorities.P1.response=1 day", "customer.nmae=x"]
    session, _ = _session("--profile", "smb", "--out", "a.yaml", "--defaults", *_data(*data))
    with pytest.raises(InputError) as caught:
        session.run()
    messages = {p.path: p.message for p in caught.value.problems}
    assert "ambiguous" in messages["priorities.P1.response"]
    assert "not a field" in messages["customer.nmae"]


def test_comments_written_by_hand_survive_the_wizard(workdir: Path) -> None:
    session, _ = _session("--profile", "smb", "--out", "a.yaml", "--defaults")
    with pytest.raises(InputError):
        session.run()
    path = workdir / "a.yaml"
    text = path.read_text("utf-8")
    # The monitoring system has no default, so the first run stops before writing it.
    assert "\nmonitoring:" not in text and text.count("\nexclusions:") == 1
    text = text.replace("\nexclusions:", "\n# Agreed with Dr Lindqvist on the phone\nexclusions:")
    path.write_text(text, "utf-8")
    session, _ = _session("--resume", str(path), "--defaults", *_data(*IDENTITY))
    assert _code(session) == EXIT_OK
    assert "# Agreed with Dr Lindqvist on the phone" in path.read_text("utf-8")


def test_comments_added_by_hand_while_the_wizard_runs_survive_its_next_save(
    workdir: Path,
) -> None:
    session, _ = _session(
        "--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*IDENTITY)
    )
    assert _code(session) == EXIT_OK
    path = workdir / "f.yaml"
    session, _ = _session("--resume", str(path))
    session.path, session.data = path, roundtrip.load(path)
    session._written = path.read_bytes()
    # An editor adds a comment while the wizard sits at the review...
    text = path.read_text("utf-8").replace("customer:\n", "customer:  # checked with legal\n", 1)
    path.write_text(text, "utf-8")
    # ...then the wizard saves a changed answer.
    assert session.data is not None
    session.data["customer"]["name"] = "Zenith Widgets Ltd"
    session.save()
    saved = path.read_text("utf-8")
    assert "# checked with legal" in saved and "Zenith Widgets Ltd" in saved
    session.data["customer"]["signatory"]["name"] = "Jo Bloggs"
    session.save()  # and at every later save
    assert "# checked with legal" in path.read_text("utf-8")


def test_renewal_from_an_earlier_agreement_asks_new_reference_and_date(workdir: Path) -> None:
    source = workdir / "acme-2027.yaml"
    source.write_text((EXAMPLES / "corner-shop-smb.yaml").read_text("utf-8"), "utf-8")
    session, stream = _session("--from", str(source), "--out", "acme-2028.yaml")
    # New date and reference, then the review's "create the documents": the optional
    # questions the source file left unanswered stay unanswered.
    with keys("2028-02-15" + ENTER + "NW-SB-2028-031" + ENTER + ENTER):
        assert _code(session) == EXIT_OK, stream.getvalue()
    renewed = roundtrip.plain(roundtrip.load(workdir / "acme-2028.yaml"))
    assert renewed["agreement"]["reference"] == "NW-SB-2028-031"
    assert str(renewed["agreement"]["effective_date"]) == "2028-02-15"
    assert renewed["customer"]["name"] == "Harbourside Dental Practice"
    assert "Your agreement is ready." in stream.getvalue()


def test_renewal_keeps_absent_answers_and_moves_date_and_reference_on(workdir: Path) -> None:
    source = workdir / "acme.yaml"
    source.write_text((EXAMPLES / "acme-standard.yaml").read_text("utf-8"), "utf-8")
    session, stream = _session("--from", str(source), "--out", "acme-2029.yaml", "--defaults")
    assert _code(session) == EXIT_OK, stream.getvalue()
    old = roundtrip.plain(roundtrip.load(source))
    renewed = roundtrip.plain(roundtrip.load(workdir / "acme-2029.yaml"))
    # The desktop service promised no uptime: the renewal promises none either.
    desktop = {s["id"]: s for s in renewed["services"]}["desktop"]
    assert "uptime" not in desktop
    # Its monthly fee is used nowhere (credits are earned on uptime) and no longer asked:
    # the renewal drops it; everything else is copied.
    for service in old["services"]:
        if not service.get("uptime"):
            service.pop("monthly_fee", None)
    assert renewed["services"] == old["services"]
    for key in set(old) - {"agreement", "provider", "incomplete"}:
        assert renewed.get(key) == old.get(key), key
    # 2027-01-01 plus the 24-month initial term, not yet past on TODAY (2026-11-16).
    assert str(renewed["agreement"]["effective_date"]) == "2029-01-01"
    assert renewed["agreement"]["reference"] == "NW-SLA-2029-014"
    assert old["agreement"]["reference"] == "NW-SLA-2027-014"


def test_renewal_reference_follows_the_old_scheme() -> None:
    from slawriter.wizard.renewal import renewal_date, renewal_reference

    assert renewal_reference("NW-SLA-2027-014", date(2029, 1, 1)) == "NW-SLA-2029-014"
    assert renewal_reference("ACME-SLA", date(2029, 1, 1)) == "ACME-SLA-R1"
    assert renewal_reference("ACME-SLA-R1", date(2029, 1, 1)) == "ACME-SLA-R2"
    assert renewal_reference("NW-2029-1", date(2029, 1, 1)) == "NW-2029-1-R1"
    agreement = {"effective_date": "2027-01-31", "term": {"initial": "24 months"}}
    assert renewal_date(agreement, date(2028, 1, 1)) == date(2029, 1, 31)
    agreement["term"]["renewal"] = "12 months"
    assert renewal_date(agreement, date(2029, 6, 1)) == date(2030, 1, 31)


def test_renewal_never_keeps_the_old_reference(workdir: Path) -> None:
    source = workdir / "shop-2027.yaml"
    source.write_text((EXAMPLES / "corner-shop-smb.yaml").read_text("utf-8"), "utf-8")
    old = roundtrip.plain(roundtrip.load(source))["agreement"]["reference"]
    session, stream = _session("--from", str(source), "--out", "shop-2028.yaml")
    with keys(ENTER + CLEAR + old + ENTER + CLEAR + "NEW-REF-1" + ENTER + ENTER):
        assert _code(session) == EXIT_OK, stream.getvalue()
    assert "The renewal needs its own reference" in stream.getvalue()
    renewed = roundtrip.plain(roundtrip.load(workdir / "shop-2028.yaml"))
    assert renewed["agreement"]["reference"] == "NEW-REF-1"


def test_an_existing_file_is_not_overwritten(workdir: Path) -> None:
    from slawriter.errors import RefusedError

    (workdir / "a.yaml").write_text("slawriter: 1\n", "utf-8")
    session, _ = _session("--profile", "smb", "--out", "a.yaml", "--defaults")
    with pytest.raises(RefusedError, match=r"--resume a\.yaml"):
        session.run()


def test_no_provider_file_asks_for_the_providers_details_first(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "provider.yaml").unlink()
    session, stream = _session("--profile", "smb", "--out", "shop.yaml")
    with keys(
        "Northwind IT Ltd" + ENTER + ENTER + "1 Harbour St" + ENTER + ENTER
        + "Priya Raman" + ENTER + ENTER + "+44 117 496 0000" + ENTER + "help@example.com" + ENTER
        + ENTER * 6  # language, currency, paper, hours, zone, holidays
        + CTRL_C
    ):  # fmt: skip
        assert _code(session) == EXIT_INTERRUPTED
    saved = workdir / "home" / ".config" / "slawriter" / "provider.yaml"
    provider = roundtrip.plain(roundtrip.load(saved))
    assert provider["name"] == "Northwind IT Ltd"
    assert provider["calendars"]["business"] == {
        "hours": "mon-fri 09:00-17:30",
        "timezone": "Europe/London",
        "holidays": "GB-ENG",
    }
    shown = stream.getvalue()
    assert "Saved your company's details" in shown
    assert "Carry on with: slawriter new" in shown


def test_the_provider_line_is_relative_only_inside_or_beside_the_folder(workdir: Path) -> None:
    from ruamel.yaml.comments import CommentedMap

    def reference(agreement: str, provider: Path) -> str:
        session, _ = _session()
        session.data, session.path, session.provider_path = (
            CommentedMap(),
            Path(agreement),
            provider,
        )
        session._set_provider_reference()
        return str(session.data["provider"])

    config = workdir / "home" / ".config" / "slawriter" / "provider.yaml"
    assert reference("a.yaml", Path("provider.yaml")) == "provider.yaml"
    assert reference("deals/a.yaml", Path("provider.yaml")) == "../provider.yaml"
    # Not '../../home/.config/slawriter/provider.yaml', climbing out of the folder.
    assert reference("deals/2027/a.yaml", config) == str(config.resolve())


def test_provider_file_is_found_in_the_documented_order(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slawriter.wizard.provider import find_provider

    assert find_provider(Path("mine.yaml")) == Path("mine.yaml")
    monkeypatch.setenv("SLAWRITER_PROVIDER", str(workdir / "env.yaml"))
    assert find_provider(None) == workdir / "env.yaml"
    monkeypatch.delenv("SLAWRITER_PROVIDER")
    assert find_provider(None) == Path("provider.yaml")  # ./provider.yaml exists
    (workdir / "provider.yaml").unlink()
    assert find_provider(None) == workdir / "home" / ".config" / "slawriter" / "provider.yaml"


def test_without_a_terminal_new_explains_instead_of_hanging(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "slawriter", "new", "--profile", "smb"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=workdir,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "--defaults" in result.stderr


def test_question_file_with_a_misspelt_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        question_set(
            tmp_path,
            """
            sections: [{id: s, title: S}]
            questions:
              - {key: customer.nmae, section: s, prompt: Name}
            """,
        )
    assert "customer.nmae" in str(caught.value.problems[0])


def test_builtin_question_files_name_real_fields_and_every_question_has_help() -> None:
    from slawriter.model.provider import Provider

    library = Library.locate(None)
    folder = library.profiles_dir / "questions"
    without_help = []
    for name, model in (("standard", Agreement), ("smb", Agreement), ("provider", Provider)):
        questions = load_questions(folder, name)
        check_keys(questions, model)
        for question in questions.questions:
            for one in [question, *question.questions]:
                if one.type != "id" and not one.help.strip():
                    without_help.append(f"{name}: {one.key}")
    assert without_help == []


def test_an_invalid_agreement_is_not_finished_and_its_question_is_asked_again(
    workdir: Path,
) -> None:
    # Credits need a service with an uptime target and a fee: the whole-agreement check
    # refuses them.
    data = [*IDENTITY, "credits=yes", "services[0].uptime=no"]
    session, _ = _session("--profile", "standard", "--out", "a.yaml", "--defaults", *_data(*data))
    with pytest.raises(InputError) as caught:
        session.run()
    assert any(p.path == "credits" and "monthly_fee" in p.message for p in caught.value.problems)
    assert roundtrip.plain(roundtrip.load(workdir / "a.yaml"))["incomplete"] is True
    assert not (workdir / "out").exists()

    session, stream = _session("--resume", "a.yaml")
    # Two optional internal questions --defaults left empty come first; then the review.
    with keys(ENTER * 2 + ENTER + "n" + ENTER * 5):  # finish; the check fails; credits: no
        assert _code(session) == EXIT_OK, stream.getvalue()
    shown = stream.getvalue()
    assert "The agreement is not valid yet" in shown and "Please change: Service credits" in shown
    final = roundtrip.plain(roundtrip.load(workdir / "a.yaml"))
    assert final.get("credits") is None and "incomplete" not in final
    assert (workdir / "out" / "a.docx").is_file()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("priorities.P9.response=1h", "P9 is not a priority of this profile (P1, P2, P3, P4)"),
        ("priorities.P1.response=banana", "is not a duration"),
        ("customer.favourite_colour=red", "not a field"),
        ("out_of_hours.rate=50", "does not apply: it is asked only when out_of_hours.available"),
    ],
)
def test_data_is_checked_before_anything_is_written(
    workdir: Path, given: str, message: str
) -> None:
    data = [*IDENTITY, given]
    session, _ = _session("--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*data))
    with pytest.raises(InputError) as caught:
        session.run()
    assert any(message in p.message for p in caught.value.problems), caught.value.problems
    assert not (workdir / "f.yaml").exists()


def test_data_answer_applies_when_its_condition_is_given_too(workdir: Path) -> None:
    data = [*IDENTITY, "out_of_hours.available=yes", "out_of_hours.rate=50"]
    session, _ = _session("--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*data))
    assert _code(session) == EXIT_OK
    saved = roundtrip.plain(roundtrip.load(workdir / "f.yaml"))
    assert saved["out_of_hours"]["available"] is True and saved["out_of_hours"]["rate"] == 50


def test_data_refused_on_resume_leaves_the_file_untouched(workdir: Path) -> None:
    session, _ = _session(
        "--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*IDENTITY)
    )
    assert _code(session) == EXIT_OK
    before = (workdir / "f.yaml").read_bytes()
    session, _ = _session("--resume", "f.yaml", "--defaults", *_data("priorities.P9.name=Extra"))
    with pytest.raises(InputError):
        session.run()
    assert (workdir / "f.yaml").read_bytes() == before


def test_a_problem_without_a_question_offers_a_way_out(workdir: Path) -> None:
    session, _ = _session(
        "--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*IDENTITY)
    )
    assert _code(session) == EXIT_OK
    path = workdir / "f.yaml"
    edited = roundtrip.load(path)
    roundtrip.put(edited, ("priorities", "P9"), {"response": "1h"})  # no question sets P9
    roundtrip.save(path, edited)
    session, stream = _session("--resume", "f.yaml")
    # The review: create; the check fails on P9 (no question sets it): remove it.
    with keys(ENTER + ENTER + ENTER * 6):
        assert _code(session) == EXIT_OK, stream.getvalue()
    shown = stream.getvalue()
    assert "The agreement is not valid yet" in shown, shown[-3000:]
    final = roundtrip.plain(roundtrip.load(path))
    assert "P9" not in (final.get("priorities") or {}) and "incomplete" not in final
    assert (workdir / "out" / "f.docx").is_file()


def test_provider_logo_is_checked_before_the_first_question(workdir: Path) -> None:
    (workdir / "provider.yaml").write_text((EXAMPLES / "provider.yaml").read_text("utf-8"))
    session, _ = _session("--profile", "standard", "--out", "f.yaml", *_data(*IDENTITY))
    with keys(""), pytest.raises(InputError, match=r"logo 'northwind-logo\.png' not found"):
        session.run()
    assert not (workdir / "f.yaml").exists()


def test_failed_render_keeps_the_file_incomplete_and_the_accepted_reasons(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slawriter.pipeline.render

    session, _ = _session(
        "--profile", "standard", "--out", "f.yaml", "--defaults", *_data(*IDENTITY)
    )
    assert _code(session) == EXIT_OK
    path = workdir / "f.yaml"
    data = roundtrip.load(path)
    data.insert(2, "incomplete", True)
    roundtrip.save(path, data)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise InputError("provider.yaml: logo 'x.png' not found")

    monkeypatch.setattr(slawriter.pipeline.render, "render_files", broken)
    session, stream = _session("--resume", str(path))
    session.path, session.data = path, roundtrip.load(path)
    accepted = {("priority-order", "P2 before P1"): "Customer asked for it"}
    with pytest.raises(InputError):
        session._finish(Library.locate(None), accepted, [])
    assert roundtrip.plain(roundtrip.load(path))["incomplete"] is True
    assert "slawriter new --resume f.yaml" in stream.getvalue()
    # The next run does not ask for the same acceptance again.
    assert session._pending_risks() == accepted


def test_each_finding_of_one_rule_is_accepted_with_its_own_reason(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slawriter.feasibility
    from slawriter.feasibility.findings import Finding
    from slawriter.pipeline.render import accepted_risks

    findings = [
        Finding("uptime-vs-recovery", "error", "email: 99.9% but 8h to restore"),
        Finding("uptime-vs-recovery", "error", "files: 99.9% but 8h to restore"),
    ]
    monkeypatch.setattr(slawriter.feasibility, "check_agreement", lambda loaded, lib: findings)
    session, _ = _session()
    with keys(ENTER + "Email is hosted" + ENTER + ENTER + "Spare server on site" + ENTER):
        accepted, left = session._feasibility(None, Library.locate(None), None)  # type: ignore[arg-type]
    assert left == []
    assert accepted == {
        ("uptime-vs-recovery", findings[0].message): "Email is hosted",
        ("uptime-vs-recovery", findings[1].message): "Spare server on site",
    }
    by_rule = {rule: reason for (rule, _), reason in accepted.items()}
    recorded = accepted_risks(findings, by_rule, accepted)
    assert [r["reason"] for r in recorded] == ["Email is hosted", "Spare server on site"]


def test_a_staffing_finding_offers_to_change_the_teams_hours(workdir: Path) -> None:
    from slawriter.feasibility.findings import Finding

    provider = roundtrip.load(workdir / "provider.yaml")
    del provider["internal"]["on_call"]
    roundtrip.save(workdir / "provider.yaml", provider)
    finding = Finding(
        "staffing-vs-response",
        "error",
        "P1: nobody is on shift or on call at Saturday 2 January 2027 02:00, when P1's 24x7 "
        "clock runs",
    )
    session, stream = _session()
    session.questions_dir = Library.locate(None).profiles_dir / "questions"
    with keys(
        ENTER  # the first choice: Change your team's hours (provider file)
        + ENTER  # people on shift: Done
        + "y" + ENTER  # someone on call now
        + ENTER  # the rota's hours: 24x7
        + "20m" + ENTER  # starts work within
    ):  # fmt: skip
        changed = session._settle(None, finding, {}, set())  # type: ignore[arg-type]
    assert changed  # the check runs again
    saved = roundtrip.plain(roundtrip.load(workdir / "provider.yaml"))
    assert saved["internal"]["on_call"] == {"hours": "24x7", "attend_within": "20m"}
    assert saved["internal"]["staffing"][0]["agents"] == 4  # kept as it was
    assert "Saved your team's hours in provider.yaml" in stream.getvalue()


def test_review_changes_and_removes_items_of_a_repeating_group(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path, GROUP)
    with keys(
        "Email" + ENTER + "M365" + ENTER + ENTER + "n" + ENTER + "y" + ENTER
        + "Files" + ENTER + "FS01" + ENTER + ENTER + "n" + ENTER + "n" + ENTER
    ):  # fmt: skip
        wizard.run()
    up = "\x1b[A"
    with keys(
        DOWN + ENTER  # Change something in: Services
        + ENTER  # Which answer? Services covered
        + up * 5 + ENTER  # from "Done" up to "Change Email"
        + "Email and calendar" + ENTER + ENTER + ENTER + "n" + ENTER  # name, systems, no uptime
        + up + ENTER  # Remove Files
        + ENTER  # Done
        + ENTER  # Everything is right
    ):  # fmt: skip
        wizard.review(section_table)
    services = roundtrip.plain(wizard.data)["services"]
    assert services == [
        {"name": "Email and calendar", "id": "email", "systems": ["M365"], "uptime": None}
    ]


@pytest.mark.parametrize("name", ["acme-standard.yaml", "special-characters.yaml", "provider.yaml"])
def test_round_trip_rewrites_a_hand_written_file_byte_for_byte(name: str) -> None:
    path = EXAMPLES / name
    assert roundtrip.dumps(roundtrip.load(path)) == path.read_text("utf-8")


def test_every_question_type_of_the_question_files_has_one_handler() -> None:
    import typing

    from slawriter.wizard.handlers import HANDLERS
    from slawriter.wizard.questions import QuestionType

    assert set(HANDLERS) == set(typing.get_args(QuestionType))


@pytest.mark.parametrize(
    ("kind", "typed", "shown"),
    [
        ("percent", "99.9%", "99.9%"),
        ("integer", "1,000", "1000"),
        ("date", "2027-01-01", "2027-01-01"),
        ("period", "1 year", "1 year"),
        ("hours", "mon-fri  09:00-17:00", "mon-fri 09:00-17:00"),
    ],
)
def test_a_typed_answer_is_read_and_shown_by_its_types_handler(
    tmp_path: Path, kind: str, typed: str, shown: str
) -> None:
    from slawriter.wizard.handlers import parse_answer

    wizard, _, _ = make_wizard(tmp_path)
    question = wizard.questions.questions[0].model_copy(update={"type": kind})
    wizard.store(question, parse_answer(question, typed))
    assert wizard.answer_text(question) == shown


def test_data_answers_are_checked_on_a_copy_and_the_wizards_data_is_left_alone(
    tmp_path: Path,
) -> None:
    from slawriter.wizard.staging import stage

    wizard, _, _ = make_wizard(tmp_path)
    before = roundtrip.dumps(wizard.data)
    # The rate's condition (out-of-hours support) is read with its default (no): refused.
    staged, problems = stage(wizard, ["customer.name=Acme Ltd", "out_of_hours.rate=50"])
    assert [p.path for p in problems] == ["out_of_hours.rate"]
    assert "does not apply" in problems[0].message
    assert roundtrip.dumps(wizard.data) == before
    staged, problems = stage(wizard, ["out_of_hours.available=yes", "out_of_hours.rate=50"])
    assert problems == [] and [s.value for s in staged] == [True, 50]
    assert roundtrip.dumps(wizard.data) == before


def test_resuming_a_file_without_its_provider_line_puts_it_back(workdir: Path) -> None:
    session, _ = _session("--profile", "smb", "--out", "f.yaml", "--defaults", *_data(*IDENTITY))
    assert _code(session) == EXIT_OK
    path = workdir / "f.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("provider:")), "utf-8")
    session, _ = _session("--resume", "f.yaml", "--defaults")
    assert _code(session) == EXIT_OK  # was an internal error (an assertion) before
    assert roundtrip.plain(roundtrip.load(path))["provider"] == "provider.yaml"


# --- issue 11 review: the signatory's title fits the entity; what "down" means --------------

ENTITY = """
sections:
  - {id: customer, title: The customer}
questions:
  - {key: customer.name, section: customer, prompt: "Customer's legal name", label: Legal name}
  - key: customer.entity
    type: choice
    section: customer
    prompt: What kind of organisation is the customer?
    required: false
    choices: [company, llp, partnership, sole-trader, corporation, professional-corporation, llc]
  - key: customer.signatory.title
    section: customer
    prompt: Their job title
    default_from: compute:signatory_title
"""


@pytest.mark.parametrize(
    ("name", "downs", "title"),
    [
        # The cursor starts on "None" (the last choice); Down wraps to the first.
        ("Harbourside Dental Practice", 3, "Partner"),  # partnership
        ("Prairie Dental Lab", 7, "Manager"),  # llc
        ("Acme Ltd", 0, "Director"),  # None: the name says it is a company
    ],
)
def test_signatory_title_default_fits_the_entity(
    tmp_path: Path, name: str, downs: int, title: str
) -> None:
    wizard, _, _ = make_wizard(tmp_path, ENTITY)
    with keys(name + ENTER + DOWN * downs + ENTER + ENTER):
        wizard.run()
    assert roundtrip.plain(wizard.data)["customer"]["signatory"] == {"title": title}


def test_no_title_is_guessed_when_nothing_says_what_the_customer_is(tmp_path: Path) -> None:
    wizard, _, _ = make_wizard(tmp_path, ENTITY)
    # "None" for the entity, and a name that says nothing: Enter alone is refused (no
    # default), so the title must be typed.
    with keys("Harbourside Dental" + ENTER + ENTER + ENTER + "Partner" + ENTER):
        wizard.run()
    assert roundtrip.plain(wizard.data)["customer"]["signatory"] == {"title": "Partner"}


def test_down_when_is_asked_with_an_uptime_target_and_printed(workdir: Path) -> None:
    questions = load_questions(Library.locate(None).root / "profiles" / "questions", "standard")
    services = next(q for q in questions.questions if q.key == "services")
    down_when = next(q for q in services.questions if q.key == "down_when")
    assert down_when.condition == "item.uptime" and not down_when.required
    down = "no PC at the office can open the shared folders"
    session, _ = _session(
        "--profile", "smb", "--out", "a.yaml", "--defaults",
        *_data(*IDENTITY, "services[0].uptime=yes", f"services[0].down_when={down}"),
    )  # fmt: skip
    assert _code(session) == EXIT_OK
    loaded = load_agreement(workdir / "a.yaml", Library.locate(None))
    assert loaded.agreement.services[0].down_when == down
    assert down in (workdir / "out" / "a.md").read_text("utf-8")


@pytest.mark.timeout(60)
def test_out_of_hours_yes_again_offers_p1_the_24x7_clock(tmp_path: Path) -> None:
    """Changing out-of-hours support back to yes asks its cover first, then offers P1's
    clock the default that cover makes (it was business while out-of-hours was no)."""
    from ruamel.yaml.comments import CommentedMap

    questions = load_questions(Library.locate(None).profiles_dir / "questions", "smb")
    provider = roundtrip.plain(roundtrip.load(EXAMPLES / "provider.yaml"))
    prompter, _ = terminal()
    data = roundtrip.load(EXAMPLES / "corner-shop-smb.yaml")
    roundtrip.put(data, ("out_of_hours",), CommentedMap({"available": False}))
    for priority in ("P1", "P2", "P3"):
        roundtrip.put(data, ("priorities", priority, "calendar"), "business")
    defaults = Library.locate(None).profile("smb").defaults
    sources = Sources(profile_defaults=defaults, provider=provider, today=TODAY)
    filled = Wizard(questions, data, sources, Agreement, lambda: None, None)
    filled.run()  # what the example leaves out takes its default: only the change is asked
    assert not filled.missing
    wizard = Wizard(questions, data, sources, Agreement, lambda: None, prompter)
    question = questions.find("out_of_hours.available")
    assert question is not None
    # yes; then every question takes what it offers (cover 24x7, P1, no rate, the clocks,
    # and the answers the example file leaves to the profile: the review asks them too).
    with keys("y" + ENTER + ENTER * 80):
        wizard.edit(question)
    saved = roundtrip.plain(wizard.data)
    assert saved["out_of_hours"]["calendar"] == "24x7"
    assert saved["out_of_hours"]["priorities"] == ["P1"]
    assert saved["priorities"]["P1"]["calendar"] == "24x7"
    assert saved["priorities"]["P2"]["calendar"] == "business"
