"""Read the built .docx and .pdf back and check what a drafter would check."""

from __future__ import annotations

import re
from collections.abc import Callable

import docx
import pytest
from pypdf import PdfReader

from assemble.pipeline import build_contract
from assemble.project import Outputs, Project
from assemble.text.french import NBSP, NNBSP

from conftest import SAMPLE, drop_lines, edit, styled
from pdf_text import pdf_pages
from pdf_text import pdf_text as read_pdf_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def word(sample_outputs: Outputs) -> docx.document.Document:
    return docx.Document(str(sample_outputs.docx))


@pytest.fixture(scope="module")
def word_text(word: docx.document.Document) -> str:
    return "\n".join(p.text for p in word.paragraphs)


@pytest.fixture(scope="module")
def pdf_text(sample_outputs: Outputs) -> str:
    return read_pdf_text(sample_outputs.pdf)


def _first_number(text: str) -> int:
    found = re.search(r"\d+", text)
    assert found is not None, text
    return int(found.group())


def test_articles_are_headings_numbered_in_order(word: docx.document.Document) -> None:
    headings = [p.text for p in styled(word, "Heading 2")]
    numbered = [h for h in headings if h.startswith("Article")]
    assert numbered[0] == f"Article{NBSP}1 – Objet et fondement du contrat"
    assert numbered[-1] == f"Article{NBSP}25 – Règlement des litiges"
    assert [_first_number(h) for h in numbered] == list(range(1, 26))
    titres = [p.text for p in styled(word, "Heading 1")]
    assert f"Titre{NBSP}III – Moyens financiers" in titres
    assert titres[-1].startswith(f"Annexe{NBSP}6 – ")


def test_cover_comes_first_and_signatures_before_annexes(word: docx.document.Document) -> None:
    texts = [p.text for p in word.paragraphs]
    assert texts[1] == "Contrat pluriannuel d’objectifs et de moyens"
    cover_end = texts.index("Entre les soussignés")
    assert "Association Horizons" in texts[:cover_end]
    signatures = texts.index("Signatures des parties")
    assert signatures < next(i for i, t in enumerate(texts) if t.startswith(f"Annexe{NBSP}1"))
    assert signatures > next(i for i, t in enumerate(texts) if t.startswith(f"Article{NBSP}23"))


def test_one_signature_block_per_party(word: docx.document.Document) -> None:
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    blocks = [c for c in cells if c.startswith("Pour ")]
    assert [b.split("\n")[0] for b in blocks] == [
        "Pour l’Association Horizons",
        "Pour l’Agence régionale de santé Occitanie",
        "Pour le Département de l’Hérault",
    ]
    assert "M. Bernard Castel\nPrésident" in blocks[0]


def test_header_carries_reference_and_footer_page_x_of_y(word: docx.document.Document) -> None:
    section = word.sections[0]
    assert section.different_first_page_header_footer
    header = "".join(t.text or "" for t in section.header._element.iter(f"{W}t"))
    assert header == "CPOM-OCC-2027-014"  # the cached value of the DOCPROPERTY field
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "sur" in footer


def test_cross_references_are_internal_links(word: docx.document.Document) -> None:
    anchors = {h.get(f"{W}anchor") for h in word.element.body.iter(f"{W}hyperlink")}
    assert {"revision", "annexe-etablissements", "rapports-evaluation"} <= anchors
    bookmarks = {b.get(f"{W}name") for b in word.element.body.iter(f"{W}bookmarkStart")}
    assert anchors - {None} <= bookmarks


def test_variant_text_and_french_figures(word_text: str) -> None:
    assert f"au plus égal à 1,5{NBSP}%" in word_text  # frais de siège, evolution_encadree
    assert "plan pluriannuel d’investissement soumis à l’approbation" in word_text  # ppi
    total = f"1{NNBSP}802{NNBSP}500,00{NBSP}€"
    assert f"{total} (un million huit cent deux mille cinq cents euros)" in word_text
    # Day, month and year on one line (rendering profile 3).
    start, end = f"1er{NBSP}janvier{NBSP}2027", f"31{NBSP}décembre{NBSP}2031"
    assert f"prend effet le {start} et s’achève le {end}" in word_text
    assert "préavis de six mois" in word_text


def test_french_spacing(word_text: str) -> None:
    assert f"«{NBSP}l’organisme gestionnaire{NBSP}»" in word_text
    assert f"Il a pour objet{NBSP}:" in word_text
    assert f"SIREN 782345672{NNBSP};" in word_text
    assert " :" not in word_text and " ;" not in word_text


def test_annex_totals_match_the_data(word: docx.document.Document) -> None:
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "FINESS")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == 8  # seven establishments and services, and the total
    places = [sum(int(n) for n in re.findall(r"(\d+) places", r[3])) for r in rows[:-1]]
    assert sum(places) == 299 and rows[-1][3] == "299 places"
    # Annex 6: one table per funder and envelope, each year's column adds up to its total.
    money = [
        t
        for t in word.tables
        if [c.text for c in t.rows[0].cells][:3] == ["Établissement ou service", "Nature", "2027"]
    ]
    assert len(money) == 3
    for found in money:
        cells = [[c.text for c in row.cells] for row in found.rows[1:]]
        for column in range(2, len(cells[0])):
            column_sum = sum(_euros(r[column]) for r in cells[:-1])
            assert round(column_sum, 2) == _euros(cells[-1][column])


def _euros(text: str) -> float:
    return float(text.replace(NNBSP, "").replace(NBSP, "").replace("€", "").replace(",", "."))


def test_pdf_reads_as_the_contract(sample_outputs: Outputs, pdf_text: str) -> None:
    pages = len(pdf_pages(sample_outputs.pdf))
    assert pages >= 10
    assert "Règlement des litiges" in pdf_text
    assert "Signatures des parties" in pdf_text
    assert f"Page 2 sur {pages}" in pdf_text.replace(NBSP, " ")
    assert "Pour l’Agence régionale de santé Occitanie" in pdf_text


def test_pdf_is_pdfa_2b_with_metadata(sample_outputs: Outputs) -> None:
    data = sample_outputs.pdf.read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in data
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in data
    meta = PdfReader(sample_outputs.pdf).metadata
    assert meta is not None and meta.title and "Hérault" in meta.title
    assert b"<dc:language><rdf:Bag><rdf:li>fr-FR" in data


@pytest.mark.parametrize(
    "contract_id", ["association-horizons", "groupe-ker-avel", "gcsms-estuaire"]
)
def test_every_sample_is_a_complete_contract(
    contract_id: str, all_outputs: dict[str, Outputs]
) -> None:
    outputs = all_outputs[contract_id]
    text = read_pdf_text(outputs.pdf)
    for expected in (
        "Entre les soussignés",
        "Titre I – Diagnostic partagé",
        "Titre V – Durée, révision et résiliation",
        "Signatures des parties",
        "Annexe 1 – Établissements et services",
        "Fiches objectifs",
        "Tableau de bord des indicateurs",
    ):
        assert expected in text.replace(NBSP, " "), expected
    assert b"<pdfaid:part>2</pdfaid:part>" in outputs.pdf.read_bytes()
    word = docx.Document(str(outputs.docx))
    signature_cells = [
        c.text for t in word.tables for r in t.rows for c in r.cells if c.text.startswith("Pour ")
    ]
    assert len(signature_cells) >= 3


def test_a_title_longer_than_word_properties_allow_is_shortened_there_only(
    scratch_project: Callable[..., Project],
) -> None:
    """Word's document properties hold 255 characters; the cover page keeps the whole title."""
    project = scratch_project()
    long_title = "Établissements et services " + "du groupement solidaire " * 12 + "2027-2031"
    assert len(long_title) > 300
    data = project.contracts / SAMPLE / "contract.yaml"
    drop_lines(data, "  intitule: Établissements et services pour personnes")
    edit(data, "contrat:\n", f"contrat:\n  intitule: {long_title}\n")
    outputs = build_contract(project, SAMPLE)
    word = docx.Document(str(outputs.docx))
    title = word.core_properties.title
    assert len(title) == 255 and title.endswith("…") and long_title.startswith(title[:-1])
    body = "\n".join(p.text for p in word.paragraphs)
    body += "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    assert long_title in body.replace(NBSP, " ")
