"""The named steps from an agreement file to documents on disk.

load -> validate -> assemble -> render -> write. Reading this file top to bottom tells the
architecture: the command line calls these functions; they call the library, the assembler
and the renderers, which know only the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.errors import InputError, Problem, RefusedError, SlawriterError
from slawriter.feasibility.findings import Finding
from slawriter.files import (
    YamlDoc,
    check_overwrite,
    deep_merge,
    display_path,
    dump_record,
    locate,
    read_record,
    read_yaml,
    record_path,
    sha256,
    validate_model,
    write_atomic,
)
from slawriter.library import Library, Profile
from slawriter.model.agreement import ALWAYS_CALENDAR, FORMAT_VERSION, Agreement, Internal
from slawriter.model.paths import Loc
from slawriter.model.provider import Provider, ProviderInternal
from slawriter.model.references import check_references

FORMATS = ("docx", "md", "pdf")

# --- load and validate --------------------------------------------------------------------------


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


def load_provider(path: Path) -> Provider:
    doc = read_yaml(path)
    _check_version(doc, "a slawriter provider file")
    return validate_model(Provider, doc.data, [doc], "the provider file")


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


def load_agreement(path: Path, library: Library) -> Loaded:
    doc = read_yaml(path)
    name = display_path(path)
    if _looks_like_provider(doc.data):
        raise ProviderFileGiven(
            f"{name} is a provider file, not an agreement: pass the "
            "agreement files that refer to it"
        )
    _check_version(doc, "a slawriter agreement file")
    raw: dict[str, Any] = doc.data
    problems: list[Problem] = []

    profile: Profile | None = None
    profile_name = raw.get("profile")
    if not isinstance(profile_name, str):
        problems.append(locate(("profile",), "required: the profile (standard or smb)", raw, [doc]))
    else:
        try:
            profile = library.profile(profile_name)
        except InputError as error:
            problems.append(locate(("profile",), error.message, raw, [doc]))

    provider: Provider | None = None
    provider_path = path
    provider_ref = raw.get("provider")
    if not isinstance(provider_ref, str):
        problems.append(
            locate(
                ("provider",),
                "required: the path of the provider file, relative to this file",
                raw,
                [doc],
            )
        )
    else:
        provider_path = (path.parent / provider_ref).resolve()
        wrong = None
        if provider_path == path.resolve():
            wrong = "names this agreement file itself: name the provider's own file"
        elif provider_path.is_dir():
            wrong = f"'{provider_ref}' is a folder: name the provider file in it"
        elif not provider_path.is_file():
            wrong = (
                f"provider file '{provider_ref}' not found "
                f"(looked for {display_path(provider_path)})"
            )
        if wrong:
            problems.append(locate(("provider",), wrong, raw, [doc]))
        else:
            try:
                provider = load_provider(provider_path)
            except InputError as error:
                problems.extend(
                    error.problems or [Problem(display_path(provider_path), error.message)]
                )

    docs = [doc] + ([profile.doc] if profile and profile.doc else [])
    merged = deep_merge(profile.defaults, raw) if profile else raw
    if profile and isinstance(raw.get("priorities"), dict):
        # The agreement's priority ids are the whole set: a profile's P4 must not appear in
        # an agreement that defines three priorities. Each one still takes missing fields
        # from the profile's priority of the same id.
        merged["priorities"] = {key: merged["priorities"][key] for key in raw["priorities"]}
    agreement: Agreement | None = None
    try:
        agreement = validate_model(Agreement, merged, docs, "the agreement")
    except InputError as error:
        # "profile" and "provider" problems were reported above, in more words.
        problems.extend(p for p in error.problems if p.path not in ("profile", "provider"))
    if agreement and provider:
        for loc, message in check_references(agreement, provider):
            problems.append(locate(loc, message, merged, docs))
    if agreement:
        for loc, message in _check_variants(agreement, library):
            problems.append(locate(loc, message, merged, docs))
    if problems:
        count = len(problems)
        raise InputError(f"{name}: {count} problem{'s' if count != 1 else ''}", problems)
    assert agreement and provider and profile
    return Loaded(
        path, agreement, provider, provider_path, profile, merged, sha256(path.read_bytes())
    )


# --- assemble ------------------------------------------------------------------------------------


# Agreement fields clause templates do not see: internal, or replaced by a richer name.
HIDDEN_FIELDS = frozenset(
    {"internal", "slawriter", "incomplete", "provider", "calendars", "variants"}
)


def clause_names() -> tuple[dict[str, Any], frozenset[str]]:
    """The names clause templates see, as types (for the linter), and the filter names.

    Built the same way as clause_context, from the models and the helpers, so the linter's
    idea of a known name cannot drift from what rendering provides.
    """
    from slawriter.helpers import CalendarView, Helpers, Month, ProfileView, build_calendar
    from slawriter.model.common import CalendarSpec
    from slawriter.model.hours import parse_weekly_hours

    spec = CalendarSpec(timezone="UTC", hours=parse_weekly_hours("24x7"))
    view = CalendarView(ALWAYS_CALENDAR, build_calendar(ALWAYS_CALENDAR, spec), spec)
    helpers = Helpers({ALWAYS_CALENDAR: view}, ALWAYS_CALENDAR, "en_GB", "GBP", Month(2027, 1))
    names: dict[str, Any] = {
        key: field.annotation
        for key, field in Agreement.model_fields.items()
        if key not in HIDDEN_FIELDS
    }
    names.update(provider=Provider, calendars=dict[str, CalendarView], profile=ProfileView)
    names.update(helpers.globals())
    return names, frozenset(helpers.filters())


def clause_context(loaded: Loaded) -> tuple[dict[str, Any], dict[str, Any]]:
    """The names clause templates see, and their filters. Nothing internal is included."""
    from slawriter.helpers import (
        CalendarView,
        Helpers,
        ProfileView,
        build_calendar,
        first_full_month,
    )
    from slawriter.model.common import CalendarSpec
    from slawriter.model.hours import parse_weekly_hours

    agreement = loaded.agreement.model_copy(update={"internal": Internal()})
    provider = loaded.provider.model_copy(update={"internal": ProviderInternal()})
    specs: dict[str, CalendarSpec] = {**provider.calendars, **agreement.calendars}
    # The built-in 24x7 calendar runs in the default calendar's zone; when 24x7 is itself the
    # default, in the zone of the first calendar the provider or the agreement names.
    default_spec = specs.get(agreement.default_calendar) or next(iter(specs.values()), None)
    zone = default_spec.timezone if default_spec else "UTC"
    views: dict[str, CalendarView] = {
        name: CalendarView(name, build_calendar(name, spec), spec) for name, spec in specs.items()
    }
    if ALWAYS_CALENDAR not in views:
        always = CalendarSpec(timezone=zone, hours=parse_weekly_hours("24x7"))
        views[ALWAYS_CALENDAR] = CalendarView(
            ALWAYS_CALENDAR, build_calendar(ALWAYS_CALENDAR, always), always
        )
    helpers = Helpers(
        views,
        agreement.default_calendar,
        provider.locale.language,
        provider.locale.currency,
        first_full_month(agreement.agreement.effective_date),
    )
    names: dict[str, Any] = {
        key: getattr(agreement, key)
        for key in type(agreement).model_fields
        if key not in HIDDEN_FIELDS
    }
    profile = loaded.profile
    names.update(
        provider=provider,
        calendars=views,
        profile=ProfileView(profile.id, profile.name, profile.title, profile.subtitle),
    )
    names.update(helpers.globals())
    return names, helpers.filters()


def assemble_document(loaded: Loaded, library: Library, allow_draft: bool = False) -> Any:
    from slawriter.assemble import choose_clauses, markdown_blocks, render_clauses
    from slawriter.document import Cover, Document, Section, party
    from slawriter.helpers import format_date
    from slawriter.provenance import provenance_properties

    agreement, provider, profile = loaded.agreement, loaded.provider, loaded.profile
    clauses = choose_clauses(profile, library, agreement.variants, allow_draft)
    names, filters = clause_context(loaded)
    rendered = render_clauses(library, clauses, names, filters)
    sections = []
    for number, item in enumerate(rendered, start=1):
        meta = item.clause.meta
        blocks = markdown_blocks(item.markdown, str(number), item.clause)
        sections.append(
            Section(str(number), meta.title, meta.id, meta.variant, meta.version, blocks)
        )
    logo = None
    if provider.logo:
        logo_path = loaded.provider_path.parent / provider.logo
        try:
            logo = logo_path.read_bytes()
        except OSError:
            raise InputError(
                f"{display_path(loaded.provider_path)}: logo "
                f"'{provider.logo}' not found at {display_path(logo_path)}"
            ) from None
    customer = agreement.customer
    info = agreement.agreement
    cover = Cover(
        title=profile.title,
        subtitle=profile.subtitle,
        provider=party("Provider", provider),
        customer=party("Customer", customer),
        reference=info.reference,
        effective_date=format_date(info.effective_date, provider.locale.language),
        version=info.version,
        logo=logo,
        draft=any(c.meta.status == "draft" for c in clauses),
    )
    properties = provenance_properties(
        __version__, profile.id, loaded.source_hash, library.commit, tuple(sections)
    )
    return Document(
        cover=cover,
        sections=tuple(sections),
        page_size=provider.page_size,
        header_text=f"{customer.name} | {profile.title} | {info.reference}",
        footer_text=f"{provider.name} | Version {info.version}",
        title=_property(f"{profile.title}: {customer.name}"),
        subject=_property(f"{profile.title} between {provider.name} and {customer.name}"),
        author=_property(provider.name),
        keywords=_property(info.reference),
        stamp_date=info.effective_date.isoformat(),
        custom_properties=tuple(properties),
    )


def _property(text: str) -> str:
    """Word's document properties hold at most 255 characters."""
    return text if len(text) <= 255 else text[:254] + "…"


# --- render and write ----------------------------------------------------------------------------


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(
            f"--format: unknown format '{', '.join(unknown) or text}' "
            f"(expected a comma-separated list of {', '.join(FORMATS)})"
        )
    return list(dict.fromkeys(formats))


# Below this many agreements a process pool costs more than it saves.
PARALLEL_FROM = 6

# One Library per library folder in each process: clause templates compile once per process.
# The parent registers its own Library here, so forked workers inherit its compiled templates.
_LIBRARIES: dict[Path, Library] = {}


def _library(root: Path) -> Library:
    library = _LIBRARIES.get(root)
    if library is None:
        library = _LIBRARIES[root] = Library(root)
    return library


def _load_job(job: tuple[Path, Path]) -> Loaded | SlawriterError:
    path, root = job
    try:
        return load_agreement(path, _library(root))
    except SlawriterError as error:  # returned, not raised: every file's problems are wanted
        return error


def _check_job(job: tuple[Loaded, Path]) -> list[Finding]:
    from slawriter.feasibility import check_agreement

    loaded, root = job
    return check_agreement(loaded, _library(root))


def _render_job(job: tuple[Loaded, Path, tuple[str, ...], bool, bool]) -> dict[str, bytes]:
    loaded, root, formats, allow_draft, appendix = job
    return render_outputs(loaded, _library(root), formats, allow_draft, appendix)


class Workers:
    """Runs a step over many agreements: in this process for a few, on a process pool (one
    worker per core) for a batch. Each agreement's result depends on that agreement alone, so
    the outputs are the same bytes, in the same order, either way."""

    def __init__(self, library: Library, count: int, parallel: bool = True) -> None:
        import os

        _LIBRARIES[library.root] = library
        self.workers = min(os.cpu_count() or 1, 8, count)
        self.parallel = parallel and self.workers > 1 and count >= PARALLEL_FROM
        self._pool: Any = None

    def map(self, function: Any, jobs: Sequence[Any]) -> list[Any]:
        if not self.parallel:
            return [function(job) for job in jobs]
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        chunk = max(1, len(jobs) // (4 * self.workers))
        return list(self._pool.map(function, jobs, chunksize=chunk))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def render_outputs(
    loaded: Loaded,
    library: Library,
    formats: Sequence[str],
    allow_draft: bool = False,
    provenance_appendix: bool = False,
) -> dict[str, bytes]:
    """Every requested format in memory, keyed by file extension."""
    document = assemble_document(loaded, library, allow_draft)
    if provenance_appendix:
        from slawriter.provenance import with_appendix

        document = with_appendix(document)
    outputs: dict[str, bytes] = {}
    if "md" in formats:
        from slawriter.render.markdown import render_markdown

        outputs["md"] = render_markdown(document).encode("utf-8")
    if "docx" in formats or "pdf" in formats:
        from slawriter.render.word import render_docx

        outputs["docx"] = render_docx(document, library.word_template)
    if "pdf" in formats:
        import tempfile

        from slawriter.render.pdf import convert_to_pdf

        with tempfile.TemporaryDirectory(prefix="slawriter-pdf-") as folder:
            source = Path(folder) / f"{loaded.path.stem}.docx"
            source.write_bytes(outputs["docx"])
            outputs["pdf"] = convert_to_pdf(source, Path(folder)).read_bytes()
        if "docx" not in formats:
            del outputs["docx"]
    return outputs


@dataclass(frozen=True)
class Written:
    agreement: Path
    files: tuple[Path, ...]


@dataclass
class Outcome:
    written: list[Written]
    skipped: list[str]  # notes about files passed over (provider files in a glob)
    # Feasibility findings per agreement (errors among them were accepted as risks).
    findings: list[tuple[Path, list[Finding]]] = field(default_factory=list)


# --- check ---------------------------------------------------------------------------------------


def check_feasibility(
    loaded_all: Sequence[Loaded],
    library: Library,
    accept_risks: Mapping[str, str],
    workers: Workers | None = None,
) -> list[tuple[Path, list[Finding]]]:
    """Every agreement's findings; refuses (exit 3) while an error stands that is not accepted."""
    from slawriter.feasibility.rules import RULES

    unknown = sorted(set(accept_risks) - set(RULES))
    if unknown:
        raise InputError(f"--accept-risk: unknown rule '{unknown[0]}' (rules: {', '.join(RULES)})")
    runner = workers or Workers(library, len(loaded_all), parallel=False)
    found = runner.map(_check_job, [(loaded, library.root) for loaded in loaded_all])
    results = [(loaded.path, findings) for loaded, findings in zip(loaded_all, found, strict=True)]
    standing = [
        (path, finding)
        for path, findings in results
        for finding in findings
        if finding.severity == "error" and finding.id not in accept_risks
    ]
    if standing:
        lines = []
        for path, finding in standing:
            lines.append(f"  {display_path(path)}: {finding.id}: {finding.message}")
            if finding.paths:
                lines.append(f"    fields: {', '.join(finding.paths)}")
            if finding.suggestion:
                lines.append(f"    fix: {finding.suggestion}")
        count = len(standing)
        example = standing[0][1].id
        raise RefusedError(
            f"nothing was written: {count} promise{'s' if count != 1 else ''} the provider "
            f"cannot keep (error finding{'s' if count != 1 else ''}):\n"
            + "\n".join(lines)
            + f'\nChange the agreement, or accept the risk with --accept-risk {example}="why '
            'it is acceptable" (recorded in the internal record, never in the document)'
        )
    return results


def accepted_risks(
    findings: Sequence[Finding],
    accept_risks: Mapping[str, str],
    finding_reasons: Mapping[tuple[str, str], str] | None = None,
) -> list[Any]:
    """What the internal record keeps about each error finding accepted as a risk.

    ``finding_reasons`` maps (rule id, message) to the reason one finding was accepted for
    (the wizard asks per finding); other findings get their rule's reason.
    """
    reasons = finding_reasons or {}
    return [
        {
            "rule": finding.id,
            "reason": reasons.get((finding.id, finding.message), accept_risks[finding.id]),
            "message": finding.message,
            "paths": list(finding.paths),
        }
        for finding in findings
        if finding.severity == "error" and finding.id in accept_risks
    ]


def render_files(
    paths: Sequence[Path],
    out_dir: Path,
    formats: Sequence[str],
    *,
    library: Library,
    force: bool = False,
    allow_draft: bool = False,
    accept_risks: Mapping[str, str] | None = None,
    provenance_appendix: bool = False,
    finding_reasons: Mapping[tuple[str, str], str] | None = None,
) -> Outcome:
    """Validate and check every agreement first, then render all, then write: nothing
    half-written. ``accept_risks`` maps rule ids to the reason their errors are accepted;
    ``finding_reasons`` (optional) gives one finding's own reason, by (rule id, message)."""
    if "pdf" in formats:
        from slawriter.render.pdf import find_soffice

        find_soffice()  # fail before any work when LibreOffice is missing
    stems: dict[str, Path] = {}
    for path in paths:
        if path.stem in stems:
            raise InputError(
                f"{display_path(path)} and {display_path(stems[path.stem])} would "
                f"both write {path.stem}.* into {display_path(out_dir)}"
            )
        stems[path.stem] = path
    # PDF conversion runs one LibreOffice at a time, so a batch with PDF stays in-process.
    with Workers(library, len(paths), parallel="pdf" not in formats) as workers:
        problems: list[Problem] = []
        loaded_all: list[Loaded] = []
        skipped: list[str] = []
        for path, result in zip(
            paths, workers.map(_load_job, [(path, library.root) for path in paths]), strict=True
        ):
            if isinstance(result, ProviderFileGiven):
                # A glob such as examples/*.yaml picks up the provider file too: pass over it.
                skipped.append(f"{display_path(path)}: a provider file, not an agreement")
            elif isinstance(result, SlawriterError):
                problems.extend(result.problems or [Problem(display_path(path), result.message)])
            else:
                if result.agreement.incomplete:
                    problems.append(
                        Problem(
                            display_path(path),
                            "the agreement is marked incomplete (the questionnaire has not "
                            "finished): carry on with "
                            f"'slawriter new --resume {display_path(path)}'",
                        )
                    )
                loaded_all.append(result)
        if not loaded_all and skipped and not problems:
            raise InputError(skipped[0])
        if problems:
            count = len(problems)
            raise InputError(
                f"nothing was written: {count} problem{'s' if count != 1 else ''}", problems
            )
        risks = dict(accept_risks or {})
        checked = check_feasibility(loaded_all, library, risks, workers)
        jobs = [
            (loaded, library.root, tuple(formats), allow_draft, provenance_appendix)
            for loaded in loaded_all
        ]
        rendered = workers.map(_render_job, jobs)
    plans: list[tuple[Loaded, dict[Path, bytes], Path, dict[str, Any]]] = []
    for loaded, outputs in zip(loaded_all, rendered, strict=True):
        files = {out_dir / f"{loaded.path.stem}.{ext}": data for ext, data in outputs.items()}
        rec_path = record_path(out_dir, loaded.path.stem)
        record = read_record(rec_path)
        check_overwrite(files, record, force, source=loaded.path)
        plans.append((loaded, files, rec_path, record))
    written = []
    for loaded, files, rec_path, record in plans:
        for file_path, data in files.items():
            write_atomic(file_path, data)
        known = dict(record.get("files", {}))
        known.update({p.name: sha256(d) for p, d in files.items()})
        new_record = {
            "about": "Internal record written by slawriter: do not send to the customer.",
            "slawriter_version": __version__,
            "agreement": display_path(loaded.path),
            "agreement_path": str(loaded.path.resolve()),
            "agreement_sha256": loaded.source_hash,
            "library": {"path": str(library.root), "commit": library.commit},
            "files": known,
            "accepted_risks": accepted_risks(
                next(f for p, f in checked if p == loaded.path), risks, finding_reasons
            ),
        }
        write_atomic(rec_path, dump_record(new_record))
        written.append(Written(loaded.path, tuple(files)))
    return Outcome(written, skipped, checked)


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
        raise InputError(f"{count} problem{'s' if count != 1 else ''} found", problems)
    return loaded, providers
