"""The Word writer builds runs and paragraph styles itself (python-docx's setters were a third
of the body's time): the XML must be exactly what python-docx's own calls make."""

from __future__ import annotations

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from lxml import etree

from slawriter.render.document import Run
from slawriter.render.word import _add_runs, _styled

TEXTS = [
    "plain",
    "",
    " leading space",
    "trailing space ",
    "a\ttab",
    "\tstarts with a tab",
    "two\nlines",
    "crlf\r\nline",
    "\n",
    "no\u00a0break\u00a0space\u00a0",
    "< & > \" '",
    "ends with a tab\t",
]


def _python_docx_run(paragraph: object, run: Run) -> None:
    word_run = paragraph.add_run(run.text)  # type: ignore[attr-defined]
    if run.bold:
        word_run.bold = True
    if run.italic:
        word_run.italic = True
    if run.marked:
        word_run.font.highlight_color = WD_COLOR_INDEX.YELLOW


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("italic", [False, True])
@pytest.mark.parametrize("marked", [False, True])
def test_runs_are_python_docx_runs(text: str, bold: bool, italic: bool, marked: bool) -> None:
    word = docx.Document()
    runs = [Run(text, bold, italic, marked), Run("after")]
    ours, theirs = word.add_paragraph(), word.add_paragraph()
    _add_runs(ours, runs)
    for run in runs:
        _python_docx_run(theirs, run)
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)


@pytest.mark.parametrize("text", ["", "Contents"])
def test_styles_are_python_docx_styles(text: str) -> None:
    word = docx.Document()
    style = word.styles["Heading 1"]
    ours, theirs = word.add_paragraph(text), word.add_paragraph(text)
    _styled(ours, style)
    theirs._p.get_or_add_pPr().style = style.style_id
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
    # A paragraph with properties already: the style goes first among them.
    ours.paragraph_format.keep_with_next = True
    theirs.paragraph_format.keep_with_next = True
    _styled(ours, word.styles["Title"])
    theirs._p.get_or_add_pPr().style = word.styles["Title"].style_id
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
