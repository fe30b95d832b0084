"""The named steps from agreement files to documents on disk.

load -> validate -> check -> assemble -> render -> write. The command line calls these
functions; they call the loader, the checker, the drafting package and the renderers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.drafting.assemble import assemble_document
from slawriter.errors import InputError, Problem, RefusedError, SlawriterError
from slawriter.feasibility.findings import Finding
from slawriter.files.load import Loaded, ProviderFileGiven, load_agreement
from slawriter.files.output import (
    check_overwrite,
    display_path,
    dump_record,
    read_record,
    record_path,
    sha256,
    write_set,
)
from slawriter.library import Library
from slawriter.render import registry
from slawriter.text.words import plural


def parse_formats(text: str) -> list[str]:
    return registry.parse_formats(text, "--format")


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


def _render_job(
    job: tuple[Loaded, Path, tuple[str, ...], bool, bool, bool],
) -> dict[str, bytes]:
    loaded, root, formats, allow_draft, appendix, pdf_a = job
    return render_outputs(loaded, _library(root), formats, allow_draft, appendix, pdf_a)


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
    pdf_a: bool = False,
) -> dict[str, bytes]:
    """Every requested format in memory, keyed by file extension."""
    document = assemble_document(loaded, library, allow_draft)
    if provenance_appendix:
        from slawriter.drafting.provenance import with_appendix

        document = with_appendix(document)
    outputs = registry.render_all(document, formats, template=library.word_template, pdf_a=pdf_a)
    if "pdf" in formats:
        # What the font check reads: the document's text (Markdown escapes only in ASCII).
        outputs[_TEXT] = outputs.get("md") or registry.render(document, "md")
    return outputs


_TEXT = " text"  # not an extension: never written


@dataclass(frozen=True)
class Written:
    agreement: Path
    files: tuple[Path, ...]
    accepted_risks: tuple[Any, ...] = ()  # as the internal record keeps them


@dataclass
class Outcome:
    written: list[Written]
    skipped: list[tuple[Path, str]]  # files passed over (provider files in a glob), and why
    # Feasibility findings per agreement (errors among them were accepted as risks).
    findings: list[tuple[Path, list[Finding]]] = field(default_factory=list)
    # Characters of a PDF that no installed font has (they print as empty boxes), per PDF.
    missing_glyphs: list[tuple[Path, str]] = field(default_factory=list)


def check_feasibility(
    loaded_all: Sequence[Loaded],
    library: Library,
    accept_risks: Mapping[str, str],
    workers: Workers | None = None,
    accepted_findings: Mapping[tuple[str, str], str] | None = None,
) -> list[tuple[Path, list[Finding]]]:
    """Every agreement's findings; refuses (exit 3) while an error stands that is not accepted.

    ``accepted_findings``: (rule id, message) of findings accepted before (the record's), by
    their own words: a changed promise changes the message, and the finding stands again."""
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
        if finding.severity == "error"
        and finding.id not in accept_risks
        and (finding.id, finding.message) not in (accepted_findings or {})
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
            f"nothing was written: {plural(count, 'promise')} the provider "
            f"cannot keep ({plural(count, 'error finding', with_count=False)}):\n"
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
            "reason": reasons.get((finding.id, finding.message)) or accept_risks[finding.id],
            "message": finding.message,
            "paths": list(finding.paths),
        }
        for finding in findings
        if finding.severity == "error"
        and (finding.id in accept_risks or (finding.id, finding.message) in reasons)
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
    pdf_a: bool = False,
) -> Outcome:
    """Validate and check every agreement first, then render all, then write: nothing
    half-written. ``accept_risks`` maps rule ids to the reason their errors are accepted;
    ``finding_reasons`` (optional) gives one finding's own reason, by (rule id, message)."""
    registry.check_available(formats)  # e.g. no LibreOffice for PDF: fail before any work
    _check_stems(paths, out_dir)
    risks = dict(accept_risks or {})
    # PDF conversion runs one LibreOffice at a time, so a batch with PDF stays in-process.
    with Workers(library, len(paths), parallel=registry.in_parallel(formats)) as workers:
        loaded_all, skipped = _load_all(paths, library, workers)
        # Risks accepted before (in the questionnaire, or with --accept-risk) are in each
        # agreement's record: honoured while the finding reads the same.
        reasons = _recorded_reasons(out_dir, loaded_all)
        reasons.update(finding_reasons or {})
        checked = check_feasibility(loaded_all, library, risks, workers, reasons)
        jobs = [
            (loaded, library.root, tuple(formats), allow_draft, provenance_appendix, pdf_a)
            for loaded in loaded_all
        ]
        rendered = workers.map(_render_job, jobs)
    plans: list[tuple[Loaded, dict[Path, bytes], Path, dict[str, Any]]] = []
    missing_glyphs = []
    for loaded, outputs in zip(loaded_all, rendered, strict=True):
        text = outputs.pop(_TEXT, None)
        if text is not None:
            from slawriter.render.fonts import uncovered

            missing = uncovered(text.decode("utf-8"))
            if missing:
                missing_glyphs.append((out_dir / f"{output_stem(loaded)}.pdf", missing))
        files = {out_dir / f"{output_stem(loaded)}.{ext}": data for ext, data in outputs.items()}
        rec_path = record_path(out_dir, output_stem(loaded))
        record = read_record(rec_path)
        check_overwrite(files, record, force, source=loaded.path)
        plans.append((loaded, files, rec_path, record))
    written = []
    # One set for the whole batch, each record after its documents: every agreement's files
    # land together or none does (see write_set for what an interrupted write leaves).
    batch: dict[str, bytes] = {}
    for loaded, files, rec_path, record in plans:
        findings = next(f for p, f in checked if p == loaded.path)
        taken = accepted_risks(findings, risks, reasons)
        batch.update({file_path.name: data for file_path, data in files.items()})
        batch[rec_path.name] = dump_record(_record(loaded, library, record, files, taken))
        written.append(Written(loaded.path, tuple(files), tuple(taken)))
    write_set(out_dir, batch)
    return Outcome(written, skipped, checked, missing_glyphs)


def render_document(
    path: Path,
    fmt: str,
    *,
    library: Library,
    allow_draft: bool = False,
    accept_risks: Mapping[str, str] | None = None,
    provenance_appendix: bool = False,
) -> tuple[bytes, list[Finding], list[Any]]:
    """One agreement as one document in memory, for standard output: the bytes, the
    feasibility findings and the risks accepted. Checked as render_files checks; no record is
    kept, since nothing is written to a folder."""
    registry.check_available([fmt])
    risks = dict(accept_risks or {})
    with Workers(library, 1, parallel=False) as workers:
        loaded_all, _ = _load_all([path], library, workers)
        checked = check_feasibility(loaded_all, library, risks, workers)
    loaded = loaded_all[0]
    outputs = render_outputs(loaded, library, [fmt], allow_draft, provenance_appendix)
    findings = checked[0][1]
    return outputs[fmt], findings, accepted_risks(findings, risks)


def _recorded_reasons(out_dir: Path, loaded_all: Sequence[Loaded]) -> dict[tuple[str, str], str]:
    """(rule id, message) -> reason, of the risks the agreements' records say were accepted."""
    reasons: dict[tuple[str, str], str] = {}
    for loaded in loaded_all:
        try:
            record = read_record(record_path(out_dir, output_stem(loaded)))
        except SlawriterError:
            continue
        if record.get("agreement_path") not in (None, str(loaded.path.resolve())):
            continue  # another customer's file of the same name
        for risk in record.get("accepted_risks") or []:
            if isinstance(risk, dict) and {"rule", "message", "reason"} <= set(risk):
                reasons[(str(risk["rule"]), str(risk["message"]))] = str(risk["reason"])
    return reasons


def output_stem(loaded: Loaded) -> str:
    """The name of an agreement's documents: its file's, or for standard input ('-') its
    reference made fit for a file name (a file named '-.docx' is hard to open)."""
    if str(loaded.path) != "-":
        return loaded.path.stem
    slug = re.sub(r"[^a-z0-9]+", "-", loaded.agreement.agreement.reference.lower()).strip("-")
    return slug or "stdin-agreement"


def _check_stems(paths: Sequence[Path], out_dir: Path) -> None:
    """Two agreements of the same name would write over each other's documents."""
    stems: dict[str, Path] = {}
    for path in paths:
        if path.stem in stems:
            raise InputError(
                f"{display_path(path)} and {display_path(stems[path.stem])} would "
                f"both write {path.stem}.* into {display_path(out_dir)}"
            )
        stems[path.stem] = path


def _load_all(
    paths: Sequence[Path], library: Library, workers: Workers
) -> tuple[list[Loaded], list[tuple[Path, str]]]:
    """Every agreement loaded, provider files passed over; every problem raised together."""
    problems: list[Problem] = []
    loaded_all: list[Loaded] = []
    skipped: list[tuple[Path, str]] = []
    results = workers.map(_load_job, [(path, library.root) for path in paths])
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, ProviderFileGiven):
            # A glob such as examples/*.yaml picks up the provider file too: pass over it.
            skipped.append((path, "a provider file, not an agreement"))
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
        raise InputError(f"{display_path(skipped[0][0])}: {skipped[0][1]}")
    if problems:
        count = len(problems)
        raise InputError(f"nothing was written: {plural(count, 'problem')}", problems)
    return loaded_all, skipped


def _record(
    loaded: Loaded,
    library: Library,
    record: dict[str, Any],
    files: dict[Path, bytes],
    risks: list[Any],
) -> dict[str, Any]:
    """The internal record beside the documents: what was written from what."""
    known = dict(record.get("files", {}))
    known.update({p.name: sha256(d) for p, d in files.items()})
    return {
        "about": "Internal record written by slawriter: do not send to the customer.",
        "slawriter_version": __version__,
        "agreement": display_path(loaded.path),
        "agreement_path": str(loaded.path.resolve()),
        "agreement_sha256": loaded.source_hash,
        "library": {"path": str(library.root), "commit": library.commit},
        "files": known,
        "accepted_risks": risks,
    }
