"""Your company's details (the provider file) in the browser: the questions ``slawriter new``
asks a new user first, and the team's hours a staffing finding offers to change, through the
same question file (profiles/questions/provider.yaml), handlers and checks as the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from slawriter.files import roundtrip
from slawriter.model.provider import Provider
from slawriter.pipeline.warm import Warm
from slawriter.wizard.engine import Sources, Wizard
from slawriter.wizard.provider import provider_problems

NEW_FILE_COMMENT = (
    "Your company's details, shared by all your agreements (written by slawriter serve).\n"
    "Edit freely: 'slawriter schema --docs' prints the field reference."
)


class ProviderFile:
    """The provider file opened for one request, with its wizard; a page's answers are
    saved together (as the agreement's session does)."""

    def __init__(self, path: Path, questions_dir: Path, today: date, warm: Warm) -> None:
        self.path = path
        self.new = not path.is_file()
        data = CommentedMap() if self.new else warm.document(path)[0]
        if not data:
            data = CommentedMap()
            data.yaml_set_start_comment(NEW_FILE_COMMENT)
        if "slawriter" not in data:
            data.insert(0, "slawriter", 1)
        self.data = data
        self._holding = False
        self._held = False
        questions = warm.questions(questions_dir, "provider", Provider)
        self.wizard = Wizard(questions, data, Sources(today=today), Provider, self.save)
        self.wizard.mark_progress()

    def save(self) -> None:
        if self._holding:
            self._held = True
            return
        roundtrip.save(self.path, self.data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        self._holding, self._held = True, False
        try:
            yield
        finally:
            self._holding = False
        if self._held:
            self.save()

    def problems(self) -> list[str]:
        """What still keeps it from being a valid provider file, as validate says it."""
        return [str(p) for p in provider_problems(self.path, self.data)]
