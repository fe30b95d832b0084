"""Finding the provider file, and asking for the provider's details when there is none.

The provider file is looked for in this order: ``--provider FILE``; ``$SLAWRITER_PROVIDER``;
``./provider.yaml``; ``~/.config/slawriter/provider.yaml`` (``$XDG_CONFIG_HOME`` is respected).
When none exists, the wizard asks for the provider's details once and saves them where the
option or variable points, else in the user's configuration folder, so every later agreement
finds them.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path

if TYPE_CHECKING:
    from slawriter.wizard.handlers import Prompter

# The models, the question engine and the holiday check are imported when used: finding the
# provider file happens before the wizard's first question, which should appear at once.

PROVIDER_ENV = "SLAWRITER_PROVIDER"


def user_provider_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "slawriter" / "provider.yaml"


def find_provider(option: Path | None) -> Path:
    """Where the provider file is, or where a new one should be saved."""
    if option is not None:
        return option
    from_env = os.environ.get(PROVIDER_ENV)
    if from_env:
        return Path(from_env).expanduser()
    local = Path("provider.yaml")
    if local.is_file():
        return local
    return user_provider_path()


def provider_problems(path: Path, data: Any) -> list[Problem]:
    from slawriter.files import roundtrip
    from slawriter.files.yaml import YamlDoc, validate_model
    from slawriter.model.provider import Provider

    try:
        validate_model(Provider, roundtrip.plain(data), [YamlDoc(path, data)], "the provider file")
    except InputError as error:
        return error.problems or [Problem(display_path(path), error.message)]
    return []


def check_provider_files(path: Path, provider: dict[str, Any]) -> None:
    """What the provider file names must exist (its logo): found now, not after the questions."""
    logo = provider.get("logo")
    if logo and not (path.parent / str(logo)).is_file():
        raise InputError(
            f"{display_path(path)}: logo '{logo}' not found at "
            f"{display_path(path.parent / str(logo))}: add the file, or remove the logo line"
        )


def ensure_provider(
    path: Path, questions_dir: Path, prompter: Prompter | None, today: date
) -> dict[str, Any]:
    """The provider file's data; asks for whatever it lacks (a new file: everything)."""
    from ruamel.yaml.comments import CommentedMap

    from slawriter.files import roundtrip
    from slawriter.model.provider import Provider
    from slawriter.wizard.engine import Sources, Wizard
    from slawriter.wizard.fields import check_keys
    from slawriter.wizard.questions import load_questions

    data = roundtrip.load(path)
    if data and not provider_problems(path, data):
        plain: dict[str, Any] = roundtrip.plain(data)
        return plain
    new = not data
    if prompter is None:
        hint = (
            f"no provider file found (looked for --provider, ${PROVIDER_ENV}, ./provider.yaml "
            f"and {display_path(user_provider_path())}). Run 'slawriter new' in a terminal "
            "once to create it, or copy the example provider.yaml from the folder "
            "'slawriter schema --examples' prints, and edit it"
            if new
            else f"{display_path(path)} is not a valid provider file: "
            f"run 'slawriter validate {display_path(path)}'"
        )
        raise InputError(hint, [] if new else provider_problems(path, data))
    if new:
        data = CommentedMap()
        data.yaml_set_start_comment(
            "Your company's details, shared by all your agreements (written by slawriter new).\n"
            "Edit freely: 'slawriter schema --docs' prints the field reference."
        )
        prompter.note(
            f"\nFirst, a few details about your own company. They are saved in "
            f"{display_path(path)} and used for every agreement.",
            "bold",
        )
    else:
        prompter.note(f"\n{display_path(path)} needs a few more details.", "bold")
    data["slawriter"] = 1
    questions = load_questions(questions_dir, "provider")
    check_keys(questions, Provider)
    wizard = Wizard(
        questions,
        data,
        Sources(today=today),
        Provider,
        lambda: roundtrip.save(path, data),
        prompter,
    )
    from slawriter.wizard.review import section_table

    wizard.section_view = section_table
    wizard.run()
    roundtrip.save(path, data)
    problems = provider_problems(path, data)
    if problems:
        raise InputError(f"{display_path(path)} is still not a valid provider file", problems)
    prompter.note(f"Saved your company's details in {display_path(path)}.", "green")
    result: dict[str, Any] = roundtrip.plain(data)
    return result


# The provider's answers that say who is at work when: asked again from a staffing finding.
TEAM_KEYS = (
    "internal.staffing",
    "internal.on_call",
    "internal.on_call.hours",
    "internal.on_call.attend_within",
)


def change_team(path: Path, questions_dir: Path, prompter: Prompter, today: date) -> None:
    """Ask the team's hours again (people on shift, the on-call rota) and save the provider
    file, so a finding about cover can be fixed where the cover is, for every agreement."""
    from slawriter.files import roundtrip
    from slawriter.model.provider import Provider
    from slawriter.wizard.answers import to_loc
    from slawriter.wizard.engine import Sources, Wizard
    from slawriter.wizard.fields import check_keys
    from slawriter.wizard.questions import load_questions

    data = roundtrip.load(path)
    questions = load_questions(questions_dir, "provider")
    check_keys(questions, Provider)
    save = lambda: roundtrip.save(path, data)  # noqa: E731
    wizard = Wizard(questions, data, Sources(today=today), Provider, save, prompter)
    prompter.note(
        f"\nYour team's hours, saved in {display_path(path)} for every agreement:", "bold"
    )
    for key in TEAM_KEYS:
        question = questions.find(key)
        if question is None:
            continue
        if wizard.applies(question):
            if question.type == "group":
                prompter.help(question.help)
                wizard.edit_group(question)
            else:
                wizard.ask(question)
        elif wizard.answered(question):
            wizard.remove(to_loc(key))  # no on-call rota: its hours go too
    roundtrip.save(path, data)
    problems = provider_problems(path, data)
    if problems:
        raise InputError(f"{display_path(path)} is not a valid provider file now", problems)
    prompter.note(f"Saved your team's hours in {display_path(path)}.", "green")
