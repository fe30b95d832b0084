"""The upstream platforms the feasibility checker knows (clauses/upstream-platforms.yaml):
each supplier's published monthly uptime commitment, with its source, or None when no figure
could be sourced, so the checker says a figure is unknown rather than guess one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.model.common import Limit, Line, Strict

__all__ = ["PLATFORMS_FILE", "Platform", "Platforms", "load_platforms", "platforms_path"]

PLATFORMS_FILE = "upstream-platforms.yaml"


class PlatformEntry(Strict):
    name: Line
    match: Line
    target: Decimal | None = Field(ge=0, le=100)
    covers: Line
    source: Annotated[str, Field(pattern=r"^https://\S+$", max_length=300)]
    checked: date


class PlatformsFile(Strict):
    platforms: Annotated[list[PlatformEntry], Limit(500, "platforms")] = Field(min_length=1)


@dataclass(frozen=True)
class Platform:
    name: str
    pattern: re.Pattern[str]
    target: Decimal | None
    covers: str
    source: str


@dataclass(frozen=True)
class Platforms:
    platforms: tuple[Platform, ...]

    def named_in(self, text: str) -> list[Platform]:
        """The platforms ``text`` (a service's systems, a dependency's name) names."""
        return [p for p in self.platforms if p.pattern.search(text)]


def platforms_path(clauses_dir: Path) -> Path:
    return clauses_dir / PLATFORMS_FILE


def load_platforms(clauses_dir: Path) -> Platforms:
    path = platforms_path(clauses_dir)
    doc = read_yaml(path)
    data = validate_model(PlatformsFile, doc.data, [doc], "the upstream platform list")
    found: list[Platform] = []
    for index, entry in enumerate(data.platforms):
        try:
            pattern = re.compile(entry.match, re.IGNORECASE)
        except re.error as error:
            line, column = doc.position(("platforms", index, "match")) or (0, 0)
            raise InputError(
                f"{display_path(path)}: platform '{entry.name}' has a match that is not a "
                f"regular expression: {error}",
                [Problem(display_path(path), str(error), line or None, column or None)],
            ) from None
        found.append(Platform(entry.name, pattern, entry.target, entry.covers, entry.source))
    return Platforms(tuple(found))
