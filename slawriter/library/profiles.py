"""Profiles: which clauses an agreement gets, in which order, with which defaults."""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from slawriter.files.yaml import YamlDoc, read_yaml, validate_model
from slawriter.model.common import Line, Slug, Strict


class ClauseChoice(Strict):
    clause: Slug
    variant: Slug


class Profile(Strict):
    id: Slug
    name: Line
    description: Line
    title: Line = Field(description="Document title on the cover")
    subtitle: Line
    clauses: list[ClauseChoice] = Field(min_length=1)
    requires: list[Slug] = Field(
        default_factory=list, description="Sections this profile must contain (for lint)"
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict, description="Agreement values used where the agreement is silent"
    )
    suggestions: dict[str, Any] = Field(
        default_factory=dict,
        description="Values the questionnaire may offer (e.g. office priority examples); "
        "never used in a document unless the agreement file states them",
    )
    doc: YamlDoc | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _short_clauses(cls, data: Any) -> Any:
        # "- definitions" is short for "- {clause: definitions, variant: standard}".
        if isinstance(data, dict) and isinstance(data.get("clauses"), list):
            data = dict(data)
            data["clauses"] = [
                {"clause": c, "variant": "standard"} if isinstance(c, str) else c
                for c in data["clauses"]
            ]
        return data


def load_profile(path: Path) -> Profile:
    doc = read_yaml(path)
    profile = validate_model(Profile, doc.data, [doc], "a profile")
    return profile.model_copy(update={"doc": doc})
