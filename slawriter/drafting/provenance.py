"""Which wording went to which customer: the provenance a generated agreement carries.

Every .docx slawriter writes has Word custom properties (File > Properties > Custom):
``slawriter_version``, ``profile``, ``agreement_sha256``, ``library_commit`` and one
``clause.<id>`` = ``"<variant> <version>"`` per clause, short values and no local paths. This
module reads them back from a file (also after someone edited it in Word, which keeps custom
properties) and builds the optional appendix that lists the same inside the document.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree as ET

from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.render.document import Document, Paragraph, Run, Section, Table

RELATIONSHIP_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_PROPERTIES_TYPE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CLAUSE_PREFIX = "clause."
APPENDIX_TITLE = "Document Provenance"


@dataclass(frozen=True)
class ClauseUse:
    clause_id: str
    variant: str
    version: str


@dataclass(frozen=True)
class Provenance:
    slawriter_version: str
    profile: str
    agreement_sha256: str
    library_commit: str | None
    clauses: tuple[ClauseUse, ...]

    @classmethod
    def from_properties(cls, properties: list[tuple[str, str]], source: str) -> Provenance:
        values = dict(properties)
        missing = [
            key for key in ("slawriter_version", "profile", "agreement_sha256") if key not in values
        ]
        if missing:
            raise InputError(
                f"{source} carries no slawriter provenance (no custom properties "
                f"{', '.join(missing)}): it was not written by slawriter, or its properties "
                "were removed"
            )
        clauses = []
        for name, value in properties:
            if name.startswith(CLAUSE_PREFIX):
                variant, _, version = value.partition(" ")
                clauses.append(ClauseUse(name.removeprefix(CLAUSE_PREFIX), variant, version))
        commit = values.get("library_commit")
        return cls(
            values["slawriter_version"],
            values["profile"],
            values["agreement_sha256"],
            None if commit in (None, "", "none") else commit,
            tuple(clauses),
        )

    def as_json(self) -> str:
        data = {
            "slawriter_version": self.slawriter_version,
            "profile": self.profile,
            "agreement_sha256": self.agreement_sha256,
            "library_commit": self.library_commit,
            "clauses": [
                {"id": c.clause_id, "variant": c.variant, "version": c.version}
                for c in self.clauses
            ],
        }
        return json.dumps(data, indent=2)

    def as_text(self) -> str:
        width = max([len(c.clause_id) for c in self.clauses] + [10])
        variant_width = max([len(c.variant) for c in self.clauses] + [7])
        commit = self.library_commit or "none (the library is not a Git checkout)"
        lines = [
            f"slawriter version  {self.slawriter_version}",
            f"profile            {self.profile}",
            f"agreement sha256   {self.agreement_sha256}",
            f"library commit     {commit}",
            f"clauses ({len(self.clauses)}):",
        ]
        lines += [
            f"  {c.clause_id:<{width}}  {c.variant:<{variant_width}}  {c.version}"
            for c in self.clauses
        ]
        return "\n".join(lines)


def read_custom_properties(path: Path) -> list[tuple[str, str]]:
    """The Word custom properties of a .docx, in file order (string values as text)."""
    name = display_path(path)
    try:
        with zipfile.ZipFile(path) as package:
            rels = ET.fromstring(package.read("_rels/.rels"))
            target = None
            for rel in rels.iter(f"{{{RELATIONSHIP_NS}}}Relationship"):
                if rel.get("Type") == CUSTOM_PROPERTIES_TYPE:
                    target = (rel.get("Target") or "").lstrip("/")
            if target is None:
                return []
            root = ET.fromstring(package.read(target))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError):
        raise InputError(f"{name} is not a Word document (.docx)") from None
    properties = []
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        value = "".join(child.text or "" for child in prop)
        properties.append((prop.get("name") or "", value))
    return properties


def read_provenance(path: Path) -> Provenance:
    return Provenance.from_properties(read_custom_properties(path), display_path(path))


def provenance_properties(
    slawriter_version: str,
    profile: str,
    agreement_sha256: str,
    library_commit: str | None,
    sections: tuple[Section, ...],
) -> list[tuple[str, str]]:
    """The custom properties of a generated agreement (the inverse of from_properties)."""
    return [
        ("slawriter_version", slawriter_version),
        ("profile", profile),
        ("agreement_sha256", agreement_sha256),
        ("library_commit", library_commit or "none"),
    ] + [(f"{CLAUSE_PREFIX}{s.clause_id}", f"{s.variant} {s.version}") for s in sections]


def with_appendix(document: Document) -> Document:
    """The document with a last, numbered section listing its provenance."""
    provenance = Provenance.from_properties(list(document.custom_properties), "the document")
    number = str(len(document.sections) + 1)
    header = (
        (Run("Clause", bold=True),),
        (Run("Variant", bold=True),),
        (Run("Version", bold=True),),
    )
    rows = tuple(
        ((Run(f"{c.clause_id}"),), (Run(c.variant),), (Run(c.version),)) for c in provenance.clauses
    )
    facts = (
        ("Drafted by", f"slawriter {provenance.slawriter_version}"),
        ("Profile", provenance.profile),
        ("Agreement file (SHA-256)", provenance.agreement_sha256),
        ("Clause library commit", provenance.library_commit or "none"),
    )
    blocks = (
        Paragraph(
            (
                Run(
                    "This document was drafted from the sources below. The same facts are "
                    "recorded in its document properties."
                ),
            ),
            f"{number}.1",
        ),
        Table(
            ((Run("Source", bold=True),), (Run("Identity", bold=True),)),
            tuple(((Run(label),), (Run(value),)) for label, value in facts),
        ),
        Paragraph((Run("It contains these clause versions, in this order:"),), f"{number}.2"),
        Table(header, rows),
    )
    appendix = Section(number, APPENDIX_TITLE, "provenance", "appendix", "", blocks)
    return replace(document, sections=(*document.sections, appendix))
