"""Word and PDF look like one document: same typeface, lines that break where they should,
headings never alone at a page foot, and a PDF whose text searches as written."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from assemble.lifecycle.lock import read_lock
from assemble.lifecycle.stages import assemble, epoch_of, render
from assemble.project import Outputs, Project
from assemble.render.markdown import to_markdown
from assemble.render.pandoc import markdown_to_ast
from assemble.render.pdf import render_typst
from assemble.render.template_files import FONT_FILES

from conftest import ROOT, SAMPLE, copy_project, styled
from pdf_text import pdf_pages, pdf_text
from pdf_tools import font_names, soft_hyphen_fonts

SAMPLES = [
    "association-horizons",
    "groupe-ker-avel",
    "gcsms-estuaire",
    "chrs-gironde",
    "association-bocage",
]
WORD_FONT = "Times New Roman"
PDF_FONT = "LiberationSerif"  # its metric-compatible twin, shipped in templates/fonts
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTER = re.compile(r"^Page \d+ sur \d+$")
CITING = re.compile(r"(?:^|\s)(?:[LRD]\.|n°|articles?|annexes?|Article|Annexe)$")


def _flat(text: str) -> str:
    """Text as a reader's search sees it: any run of spaces or line ends is one space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _pages(pdf: Path) -> list[list[str]]:
    """The lines of each page of a PDF, without the running header and footer."""
    pages = []
    for number, page in enumerate(pdf_pages(pdf)):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = lines[1:] if number else lines  # the cover has no running header
        pages.append([line for line in body if not FOOTER.match(line)])
    return pages


def _word_text(document: docx.document.Document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_pdf_uses_only_the_shipped_typeface(all_outputs: dict[str, Outputs]) -> None:
    for contract_id in SAMPLES:
        fonts = font_names(PdfReader(all_outputs[contract_id].pdf))
        assert fonts, contract_id
        assert all(name.startswith(PDF_FONT) for name in fonts), (contract_id, fonts)
        assert {PDF_FONT, f"{PDF_FONT}-Bold", f"{PDF_FONT}-Italic"} <= fonts
    shipped = {Path(name).stem.replace("-Regular", "") for name in FONT_FILES}
    assert shipped == {PDF_FONT, f"{PDF_FONT}-Bold", f"{PDF_FONT}-Italic", f"{PDF_FONT}-BoldItalic"}
    for name in FONT_FILES:
        assert (ROOT / "templates" / name).is_file()
    assert "SIL Open Font License" in (ROOT / "templates/fonts/LICENCE.txt").read_text()


def test_word_names_the_metric_compatible_font(sample_outputs: Outputs) -> None:
    document = docx.Document(str(sample_outputs.docx))
    for style in ("Normal", "Body Text", "Heading 1", "Heading 2", "Heading 3", "Table Text"):
        assert document.styles[style].font.name == WORD_FONT, style
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults is not None and defaults.get(f"{W}ascii") == WORD_FONT
    named = {r.font.name for p in document.paragraphs for r in p.runs if r.font.name is not None}
    assert named <= {WORD_FONT}  # cover and signature runs too


def test_headings_are_kept_with_what_follows(sample_outputs: Outputs) -> None:
    document = docx.Document(str(sample_outputs.docx))
    for style in ("Heading 1", "Heading 2", "Heading 3", "Intertitre"):
        assert document.styles[style].paragraph_format.keep_with_next, style
    labels = [p.text for p in styled(document, "Intertitre")]
    assert "4. Actions." in labels and "8. Indicateurs de suivi." in labels


@pytest.mark.parametrize("contract_id", SAMPLES)
def test_no_page_ends_with_a_heading(contract_id: str, all_outputs: dict[str, Outputs]) -> None:
    document = docx.Document(str(all_outputs[contract_id].docx))
    headings = [
        _flat(p.text)
        for p in styled(document, "Heading 2", "Heading 3", "Intertitre")
        if p.text.strip()
    ]
    assert len(headings) > 20
    pages = _pages(all_outputs[contract_id].pdf)
    for number, lines in enumerate(pages[:-1], start=1):
        last = _flat(lines[-1])
        for heading in headings:
            alone = last == heading or heading.startswith(last)
            wrapped_end = len(last) > 12 and heading.endswith(last)
            assert not (alone or wrapped_end), f"page {number} finit par « {heading} »"


@pytest.mark.parametrize("contract_id", SAMPLES)
def test_pdf_text_searches_as_written(contract_id: str, all_outputs: dict[str, Outputs]) -> None:
    outputs = all_outputs[contract_id]
    pdf = _flat("\n".join("\n".join(lines) for lines in _pages(outputs.pdf)))
    assert soft_hyphen_fonts(PdfReader(outputs.pdf)) == set()  # none left by a line end
    words = set(re.findall(r"[^\W\d_]{4,}", _word_text(docx.Document(str(outputs.docx)))))
    missing = sorted(w for w in words if w not in pdf)
    assert missing == []  # a word cut at a line end would be missing whole
    assert "réserve de compensation" in pdf
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "\u00ad" not in text and "réserve de compensation" in _flat(text)


@pytest.mark.parametrize("contract_id", SAMPLES)
def test_names_in_tables_are_never_split(contract_id: str, all_outputs: dict[str, Outputs]) -> None:
    """Establishments and funders, as the annex table names them, read whole in the PDF."""
    outputs = all_outputs[contract_id]
    document = docx.Document(str(outputs.docx))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "FINESS")
    header = [c.text for c in table.rows[0].cells]
    establishment = header.index("Établissement ou service")
    # The signed sample prints « Financeurs »; clause version 2, « Financeurs et enveloppes ».
    funders = next(i for i, h in enumerate(header) if h.startswith("Financeurs"))
    names = set()
    for row in table.rows[1:-1]:  # the last row is the total
        names.add(_flat(row.cells[establishment].text))
        # « ARS Bretagne – soins ; Département d'Ille-et-Vilaine – dépendance »: the funders
        names |= {_flat(n.split(" – ")[0]) for n in row.cells[funders].text.split(" ; ")}
    assert len(names) >= 3
    word = _flat(_word_text(document))
    pdf = _flat("\n".join("\n".join(lines) for lines in _pages(outputs.pdf)))
    for name in sorted(names):
        assert pdf.count(name) >= word.count(name) > 0, name


@pytest.mark.parametrize("contract_id", SAMPLES)
def test_citations_stay_on_one_line(contract_id: str, all_outputs: dict[str, Outputs]) -> None:
    lines = [line for page in _pages(all_outputs[contract_id].pdf) for line in page]
    assert any(re.search(r"[LRD]\.\u00a0\d{3}-\d", line) for line in lines)
    for line, following in zip(lines, lines[1:], strict=False):
        if following[:1].isdigit():
            assert not CITING.search(line), f"« {line} » | « {following} »"
            assert not re.search(r"\d-$", line), f"« {line} » | « {following} »"


def test_rendering_profile_1_renders_as_it_did(tmp_path: Path) -> None:
    """Versions built before profile 2 keep their line breaks; profile 2 adds them."""
    project = copy_project(tmp_path, [SAMPLE])
    doc = assemble(project, SAMPLE)[1]
    epoch = epoch_of(doc.timestamp)
    ast = markdown_to_ast(to_markdown(doc), epoch)
    old = render_typst(dataclasses.replace(doc, rendu=1), ast, project.templates, epoch)
    new = render_typst(doc, ast, project.templates, epoch)
    assert "#box[" not in old and "sticky: true)[" not in old
    assert "R.~#box[314-43-1]" in new and "#block(sticky: true)[" in new


def test_old_recorded_templates_work_with_profile_2(tmp_path: Path) -> None:
    """A draft rendered with the templates of the signed v1 (Libertinus, no fonts folder)."""
    project = copy_project(tmp_path / "depot", [SAMPLE])
    lock = read_lock(ROOT / "archive" / SAMPLE / "v1" / "cpom.lock.json")
    assert lock.rendu == 1 and not any(name.startswith("fonts/") for name in lock.modeles)
    templates = tmp_path / "modeles"
    templates.mkdir()
    for name, digest in lock.modeles.items():
        shutil.copyfile(Project(ROOT).history.blob(digest, Path(name).suffix), templates / name)
    rendered = render(assemble(project, SAMPLE)[1], templates)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    fonts = font_names(reader)
    assert fonts and all(name.startswith("LibertinusSerif") for name in fonts)
    assert "Règlement des litiges" in _flat(pdf_text(rendered.pdf))
    text = _word_text(docx.Document(io.BytesIO(rendered.docx)))
    assert "R.\u00a0314-43-1" in text
