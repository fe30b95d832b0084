"""Loading an agreement file: its provider file and profile, profile defaults merged under it,
validated against the models and the library, every problem reported together.

Everything that needs an agreement calls this loader (the pipeline, the wizard, the checker,
the reviewers' tools); nothing here renders or writes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.errors import InputError, Problem, SlawriterError
from slawriter.files.images import logo_problem
from slawriter.files.output import (
    display_path,
    sha256,
)
from slawriter.files.reading import MAX_YAML_BYTES, read_regular
from slawriter.files.yaml import YamlDoc, deep_merge, locate, read_yaml, validate_model
from slawriter.library import Library, Profile
from slawriter.library.jurisdictions import Jurisdiction, Jurisdictions
from slawriter.model.agreement import FORMAT_VERSION, Agreement
from slawriter.model.paths import Loc
from slawriter.model.provider import Provider
from slawriter.model.references import check_references
from slawriter.text.words import plural


@dataclass
class Loaded:
    """A validated agreement with everything it refers to."""

    path: Path
    agreement: Agreement
    provider: Provider
    provider_path: Path
    profile: Profile
    data: dict[str, Any]  # the merged data the agreement was validated from
    source_hash: str
    # The governing law's facts and every place the library knows (parties' registrations).
    jurisdiction: Jurisdiction | None = None
    jurisdictions: Jurisdictions | None = None
    # What was let pass because the caller does not need it (load_agreement's logo=False).
    warnings: list[str] = field(default_factory=list)


def _check_version(doc: YamlDoc, what: str) -> None:
    name = display_path(doc.path)
    if not isinstance(doc.data, dict):
        raise InputError(
            f"{name} is not {what}",
            [Problem(name, "expected a mapping of fields (key: value lines)", 1, 1)],
        )
    version = doc.data.get("slawriter")
    position = doc.position(("slawriter",)) or (1, 1)
    if version is None:
        raise InputError(
            f"{name} is not {what}",
            [
                Problem(
                    name,
                    f"the first line should be 'slawriter: {FORMAT_VERSION}' "
                    "(the file format version)",
                    1,
                    1,
                    "slawriter",
                )
            ],
        )
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise InputError(
            f"{name} was written for a newer slawriter",
            [
                Problem(
                    name,
                    f"format version {version}; this slawriter {__version__} reads "
                    f"version {FORMAT_VERSION}: upgrade slawriter",
                    *position,
                    "slawriter",
                )
            ],
        )


def load_provider(path: Path, warnings: list[str] | None = None) -> Provider:
    """The provider file. With ``warnings``, a logo that cannot be used is not an error: it
    is told there and left out (for documents it only decorates, such as a report)."""
    doc = read_yaml(path, keep_bad_dates=True)
    _check_version(doc, "a slawriter provider file")
    provider = validate_model(Provider, doc.data, [doc], "the provider file")
    try:
        _check_logo(doc, provider)
    except InputError as error:
        if warnings is None:
            raise
        warnings.extend(
            f"{problem.file}: {problem.message}: left out (the logo only decorates "
            "the document; add the file, or remove the logo line)"
            for problem in error.problems
        )
        provider = provider.model_copy(update={"logo": None})
    return provider


class ProviderFileGiven(InputError):
    """A provider file was passed where an agreement file was expected."""


def _looks_like_provider(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "profile" not in data
        and "agreement" not in data
        and "signatory" in data
        and "name" in data
    )


def _check_variants(agreement: Agreement, library: Library) -> list[tuple[Loc, str]]:
    """Negotiated variants must name a clause and a variant the library has."""
    problems: list[tuple[Loc, str]] = []
    variants_of: dict[str, list[str]] = {}
    for clause_id, variant in library.clauses:
        variants_of.setdefault(clause_id, []).append(variant)
    for clause_id, variant in agreement.variants.items():
        loc = ("variants", clause_id)
        if clause_id not in variants_of:
            problems.append((loc, f"the library has no clause '{clause_id}'"))
        elif variant not in variants_of[clause_id]:
            have = ", ".join(sorted(variants_of[clause_id]))
            problems.append(
                (loc, f"clause '{clause_id}' has no variant '{variant}' (available: {have})")
            )
    return problems


def _provider_path(path: Path, ref: str) -> tuple[Path, str | None]:
    """Where the agreement's ``provider:`` line points, and what is wrong with it, if anything."""
    if "\0" in ref:
        return path, "the path contains a NUL character: write the provider file's name"
    joined = path.parent / ref
    try:
        found = joined.resolve()
        itself = found == path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11, 3.12)
        return joined, f"'{ref}' is a symbolic link that leads round in a loop"
    if itself:
        return found, "names this agreement file itself: name the provider's own file"
    if found.is_dir():
        return found, f"'{ref}' is a folder: name the provider file in it"
    if found.exists() and not found.is_file():
        return found, f"'{ref}' is not a regular file (a pipe or a device): name a file on disk"
    if not found.is_file():
        return found, f"provider file '{ref}' not found (looked for {display_path(found)})"
    return found, None


def _check_file_name(path: Path) -> None:
    """A name that is not UTF-8 cannot go into the record, the provenance or a message file:
    refused before anything is written."""
    name = display_path(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(name).decode("utf-8", "backslashreplace")  # e.g. acme-\xff.yaml
        message = (
            "the file name is not valid UTF-8 text: rename the file "
            "(letters, digits, '-' and '_' are safest)"
        )
        raise InputError(f"{shown}: {message}", [Problem(shown, message)]) from None


def _check_logo(doc: YamlDoc, provider: Provider) -> None:
    """The logo must be a whole PNG or JPEG file: found now, with its line, not mid-render."""
    if not provider.logo:
        return
    logo_path = doc.path.parent / provider.logo
    problem = logo_problem(logo_path)
    if problem:
        name = display_path(doc.path)
        line, column = doc.position(("logo",)) or (None, None)
        raise InputError(
            f"{name}: the logo cannot be used",
            [Problem(name, f"logo '{provider.logo}' {problem}", line, column, "logo")],
        )


def load_agreement(path: Path, library: Library, *, logo: bool = True) -> Loaded:
    """The agreement at ``path`` with its provider and profile, validated; every problem in
    it (and in its provider file) raised together as one InputError. ``logo=False``: a
    provider's logo that cannot be used goes to ``Loaded.warnings`` (a report's figures do
    not need it)."""
    _check_file_name(path)
    doc = read_yaml(path, keep_bad_dates=True)
    name = display_path(path)
    if _looks_like_provider(doc.data):
        raise ProviderFileGiven(
            f"{name} is a provider file, not an agreement: pass the "
            "agreement files that refer to it"
        )
    _check_version(doc, "a slawriter agreement file")
    raw: dict[str, Any] = doc.data
    problems: list[Problem] = []
    profile = _profile(raw, doc, library, problems)
    warnings: list[str] = []
    provider_path, provider = _provider(path, raw, doc, problems, None if logo else warnings)
    docs = [doc] + ([profile.doc] if profile and profile.doc else [])
    merged = _with_defaults(raw, profile)
    agreement: Agreement | None = None
    try:
        agreement = validate_model(Agreement, merged, docs, "the agreement")
    except InputError as error:
        # "profile" and "provider" problems were reported above, in more words.
        problems.extend(p for p in error.problems if p.path not in ("profile", "provider"))
    if agreement:
        found = _check_variants(agreement, library)
        if provider:
            found = check_references(agreement, provider) + found
            found += _check_jurisdiction(agreement, provider, library.jurisdictions)
        problems += [locate(loc, message, merged, docs) for loc, message in found]
    if problems:
        count = len(problems)
        raise InputError(f"{name}: {plural(count, 'problem')}", problems)
    assert agreement and provider and profile
    return Loaded(
        path,
        agreement,
        provider,
        provider_path,
        profile,
        merged,
        sha256(read_regular(path, MAX_YAML_BYTES)),
        library.jurisdictions.get(agreement.agreement.jurisdiction),
        library.jurisdictions,
        warnings,
    )


def _check_jurisdiction(
    agreement: Agreement, provider: Provider, places: Jurisdictions
) -> list[tuple[Loc, str]]:
    """The governing law, the regimes and each party's registration must be in the library's
    jurisdiction data, and a registration that prints a number must have one."""
    problems: list[tuple[Loc, str]] = []
    chosen = agreement.agreement.jurisdiction
    place = places.get(chosen)
    if place is None:
        problems.append(
            (
                ("agreement", "jurisdiction"),
                f"'{chosen}' is not a jurisdiction the library knows (known: {places.known()})",
            )
        )
    for index, regime in enumerate(agreement.data_protection.regimes or ()):
        if regime not in places.regimes:
            problems.append(
                (
                    ("data_protection", "regimes", index),
                    f"'{regime}' is not a data-protection regime the library knows "
                    f"(known: {', '.join(sorted(places.regimes)) or 'none'})",
                )
            )
    for role, party in (("customer", agreement.customer), ("provider", provider)):
        where: Loc = (role,) if role == "customer" else ("provider",)
        registered = party.registered_in or chosen
        home = places.get(registered)
        if party.registered_in and home is None:
            problems.append(
                (
                    (*where, "registered_in") if role == "customer" else where,
                    f"{_named(role, 'registered_in')}'{registered}' is not a jurisdiction "
                    f"the library knows (known: {places.known()})",
                )
            )
            continue
        if party.entity is None or home is None:
            continue
        phrase = home.entities.get(party.entity)
        if phrase is None:
            problems.append(
                (
                    (*where, "entity") if role == "customer" else where,
                    f"{_named(role, 'entity')}a {party.entity} is not a form of entity "
                    f"registered in {home.name} (there: {', '.join(home.entities)})",
                )
            )
        elif "{partners}" in phrase and not getattr(party, "partners", None):
            problems.append(
                (
                    (*where, "partners") if role == "customer" else where,
                    f"{role}.partners: required, because a partnership in {home.name} has no "
                    "legal personality of its own: its partners contract 'trading in "
                    "partnership as' the firm's name",
                )
            )
        elif "{number}" in phrase and not party.company_number:
            problems.append(
                (
                    (*where, "company_number") if role == "customer" else where,
                    f"{_named(role, 'company_number')}required, because the {role} is "
                    f"described as '{phrase.replace('{number}', '...')}'",
                )
            )
    return problems


def _named(role: str, name: str) -> str:
    """The field a problem is about, in its message only where its path does not name it
    already (the customer's own fields are located; the provider file as a whole is)."""
    return "" if role == "customer" else f"{role}.{name}: "


def _profile(
    raw: dict[str, Any], doc: YamlDoc, library: Library, problems: list[Problem]
) -> Profile | None:
    """The profile the agreement names, or None with the problem added."""
    profile_name = raw.get("profile")
    if not isinstance(profile_name, str):
        problems.append(locate(("profile",), "required: the profile (standard or smb)", raw, [doc]))
        return None
    try:
        return library.profile(profile_name)
    except InputError as error:
        problems.append(locate(("profile",), error.message, raw, [doc]))
        return None


def _provider(
    path: Path,
    raw: dict[str, Any],
    doc: YamlDoc,
    problems: list[Problem],
    warnings: list[str] | None = None,
) -> tuple[Path, Provider | None]:
    """(the provider file's path, the provider), or None with the problems added."""
    provider_ref = raw.get("provider")
    if not isinstance(provider_ref, str):
        message = "required: the path of the provider file, relative to this file"
        problems.append(locate(("provider",), message, raw, [doc]))
        return path, None
    provider_path, wrong = _provider_path(path, provider_ref)
    if wrong:
        problems.append(locate(("provider",), wrong, raw, [doc]))
        return provider_path, None
    try:
        return provider_path, load_provider(provider_path, warnings)
    except InputError as error:
        problems.extend(error.problems or [Problem(display_path(provider_path), error.message)])
        return provider_path, None


def _with_defaults(raw: dict[str, Any], profile: Profile | None) -> dict[str, Any]:
    """The agreement's data over its profile's defaults."""
    if profile is None:
        return raw
    merged: dict[str, Any] = deep_merge(profile.defaults, raw)
    if isinstance(raw.get("priorities"), dict):
        # The agreement's priority ids are the whole set: a profile's P4 must not appear in
        # an agreement that defines three priorities. Each one still takes missing fields
        # from the profile's priority of the same id.
        merged["priorities"] = {key: merged["priorities"][key] for key in raw["priorities"]}
    return merged


def validate_files(paths: Sequence[Path], library: Library) -> tuple[list[Loaded], list[Path]]:
    """Every agreement (and provider file) given, checked; all problems raised together."""
    problems: list[Problem] = []
    loaded = []
    providers = []
    for path in paths:
        try:
            loaded.append(load_agreement(path, library))
        except ProviderFileGiven:
            try:
                load_provider(path)  # a provider file is checked on its own terms
                providers.append(path)
            except SlawriterError as error:
                problems.extend(error.problems or [Problem(display_path(path), error.message)])
        except SlawriterError as error:
            problems.extend(error.problems or [Problem(display_path(path), error.message)])
    if problems:
        count = len(problems)
        raise InputError(f"{plural(count, 'problem')} found", problems)
    return loaded, providers
