"""A real office suite opens the .docx: LibreOffice converts it to PDF and the text is there."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from assemble.lifecycle.avenant import avenant_folder
from assemble.pipeline import build_avenant
from assemble.project import Outputs

from conftest import ROOT, SAMPLE, copy_project

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice absent (apt-get install libreoffice-writer) : test d'ouverture sauté",
)


def _convert(docx: Path, tmp_path: Path) -> PdfReader:
    assert SOFFICE is not None
    profile = tmp_path / "profile"
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    return PdfReader(tmp_path / f"{docx.stem}.pdf")


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def test_libreoffice_opens_the_docx(sample_outputs: Outputs, tmp_path: Path) -> None:
    reader = _convert(sample_outputs.docx, tmp_path)
    text = _text(reader)
    assert len(reader.pages) >= 10
    assert "Contrat pluriannuel d’objectifs et de moyens".upper() in text.upper()
    assert "Article 23 – Règlement des litiges" in text
    assert "SIGNATURES DES PARTIES" in text.upper()  # small capitals in the template
    assert f"Page 2 sur {len(reader.pages)}" in text
    assert "CPOM-OCC-2027-014" in text  # the header's field


@pytest.mark.parametrize("contract_id", ["groupe-ker-avel", "gcsms-estuaire"])
def test_libreoffice_opens_the_other_samples(
    contract_id: str, all_outputs: dict[str, Outputs], tmp_path: Path
) -> None:
    text = _text(_convert(all_outputs[contract_id].docx, tmp_path))
    assert "Règlement des litiges" in text
    assert "TABLEAU DE BORD DES INDICATEURS" in text.upper()  # headings in small capitals
    assert "Signature et cachet" in text


def test_libreoffice_opens_the_avenant(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "depot", [SAMPLE])
    shutil.copytree(ROOT / "archive" / SAMPLE, project.archive / SAMPLE)
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    docx = avenant_folder(project, SAMPLE, 1) / f"{SAMPLE}-avenant-1.docx"
    text = _text(_convert(docx, tmp_path))
    assert "AVENANT N° 1" in text.upper()
    assert "Les autres stipulations du contrat demeurent inchangées" in text
    assert "Signature et cachet" in text


def _article_pages(reader: PdfReader) -> dict[str, int]:
    """The page on which each article heading (« Article 12 – … ») starts."""
    pages: dict[str, int] = {}
    for number, page in enumerate(reader.pages, start=1):
        for line in page.extract_text().replace("\u00a0", " ").splitlines():
            match = re.match(r"^Article (\d+) – ", line.strip())
            if match:
                pages.setdefault(match.group(1), number)
    return pages


@pytest.mark.parametrize(
    "contract_id", ["association-horizons", "groupe-ker-avel", "gcsms-estuaire"]
)
def test_word_and_pdf_paginate_alike(
    contract_id: str, all_outputs: dict[str, Outputs], tmp_path: Path
) -> None:
    """Same typeface and measures: LibreOffice's pages of the .docx match typst's PDF."""
    word = _convert(all_outputs[contract_id].docx, tmp_path)
    pdf = PdfReader(all_outputs[contract_id].pdf)
    assert abs(len(word.pages) - len(pdf.pages)) <= 1, (len(word.pages), len(pdf.pages))
    in_word, in_pdf = _article_pages(word), _article_pages(pdf)
    assert len(in_pdf) >= 15 and set(in_word) == set(in_pdf)
    same = [article for article in in_pdf if in_word[article] == in_pdf[article]]
    assert len(same) >= 0.9 * len(in_pdf), sorted(set(in_pdf) - set(same), key=int)
