"""Compiled clause templates are kept between runs and never outlive a change to the clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from slawriter.drafting.assemble import make_environment
from slawriter.library.cache import cache_root


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "slawriter"


def test_a_compiled_template_is_kept_in_the_user_cache(cache: Path) -> None:
    make_environment({"c.md": "Hello {{ name }}"}, []).get_template("c.md")
    assert cache_root() == cache
    assert len(list(cache.glob("templates-*/*.jinja"))) == 1
    # A second process (a fresh environment) reads it back and renders the same text.
    again = make_environment({"c.md": "Hello {{ name }}"}, []).get_template("c.md")
    assert again.render(name="Acme") == "Hello Acme"


def test_an_edited_clause_is_compiled_afresh(cache: Path) -> None:
    make_environment({"c.md": "Hello {{ name }}"}, []).get_template("c.md")
    edited = make_environment({"c.md": "Goodbye {{ name }}"}, []).get_template("c.md")
    assert edited.render(name="Acme") == "Goodbye Acme"


def test_an_unwritable_cache_folder_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    template = make_environment({"c.md": "Hi {{ name }}"}, []).get_template("c.md")
    assert template.render(name="Acme") == "Hi Acme"
