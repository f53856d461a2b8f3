"""A real office suite opens the .docx: LibreOffice converts it to PDF and the text is there."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from assemble.lifecycle.avenant import avenant_folder
from assemble.project import Outputs, Project

from conftest import SAMPLE
from pdf_text import pdf_pages

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice absent (apt-get install libreoffice-writer) : test d'ouverture sauté",
)


Convert = Callable[[Path], list[str]]


@pytest.fixture(scope="module")
def converted(
    sample_outputs: Outputs,
    all_outputs: dict[str, Outputs],
    sample_avenant: Project,
    tmp_path_factory: pytest.TempPathFactory,
    office_profile: Path,
) -> dict[str, Path]:
    """Every .docx these tests open, converted to PDF by one LibreOffice run (each start costs
    seconds); files of the same content are converted once. Keyed by the content's hash."""
    assert SOFFICE is not None
    folder = tmp_path_factory.mktemp("libreoffice")
    sources = [sample_outputs.docx, *(outputs.docx for outputs in all_outputs.values())]
    sources.append(avenant_folder(sample_avenant, SAMPLE, 1) / f"{SAMPLE}-avenant-1.docx")
    inputs: dict[str, Path] = {}
    for source in sources:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest not in inputs:
            inputs[digest] = folder / f"{digest}.docx"
            shutil.copyfile(source, inputs[digest])
    command = [SOFFICE, f"-env:UserInstallation={office_profile.as_uri()}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(folder), *map(str, inputs.values())]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return {digest: path.with_suffix(".pdf") for digest, path in inputs.items()}


@pytest.fixture
def convert(converted: dict[str, Path]) -> Convert:
    """The pages' text of the PDF LibreOffice made of a .docx (see `converted`)."""

    def read(docx: Path) -> list[str]:
        return pdf_pages(converted[hashlib.sha256(docx.read_bytes()).hexdigest()])

    return read


def _text(pages: list[str]) -> str:
    return "\n".join(pages).replace("\u00a0", " ")


def test_libreoffice_opens_the_docx(sample_outputs: Outputs, convert: Convert) -> None:
    pages = convert(sample_outputs.docx)
    text = _text(pages)
    assert len(pages) >= 10
    assert "Contrat pluriannuel d’objectifs et de moyens".upper() in text.upper()
    assert "Article 25 – Règlement des litiges" in text
    assert "SIGNATURES DES PARTIES" in text.upper()  # small capitals in the template
    assert f"Page 2 sur {len(pages)}" in text
    assert "CPOM-OCC-2027-014" in text  # the header's field


@pytest.mark.parametrize("contract_id", ["groupe-ker-avel", "gcsms-estuaire"])
def test_libreoffice_opens_the_other_samples(
    contract_id: str, all_outputs: dict[str, Outputs], convert: Convert
) -> None:
    text = _text(convert(all_outputs[contract_id].docx))
    assert "Règlement des litiges" in text
    assert "TABLEAU DE BORD DES INDICATEURS" in text.upper()  # headings in small capitals
    assert "Signature et cachet" in text


def test_libreoffice_opens_the_avenant(sample_avenant: Project, convert: Convert) -> None:
    docx = avenant_folder(sample_avenant, SAMPLE, 1) / f"{SAMPLE}-avenant-1.docx"
    text = _text(convert(docx))
    assert "AVENANT N° 1" in text.upper()
    assert "Les autres stipulations du contrat demeurent inchangées" in text
    assert "Signature et cachet" in text


def _article_pages(texts: list[str]) -> dict[str, int]:
    """The page on which each article heading (« Article 12 – … ») starts."""
    pages: dict[str, int] = {}
    for number, page in enumerate(texts, start=1):
        for line in page.replace("\u00a0", " ").splitlines():
            match = re.match(r"^Article (\d+) – ", line.strip())
            if match:
                pages.setdefault(match.group(1), number)
    return pages


@pytest.mark.parametrize(
    "contract_id", ["association-horizons", "groupe-ker-avel", "gcsms-estuaire"]
)
def test_word_and_pdf_paginate_alike(
    contract_id: str, all_outputs: dict[str, Outputs], convert: Convert
) -> None:
    """Same typeface and measures: LibreOffice's pages of the .docx match typst's PDF."""
    word = convert(all_outputs[contract_id].docx)
    pdf = pdf_pages(all_outputs[contract_id].pdf)
    assert abs(len(word) - len(pdf)) <= 1, (len(word), len(pdf))
    in_word, in_pdf = _article_pages(word), _article_pages(pdf)
    assert len(in_pdf) >= 15 and set(in_word) == set(in_pdf)
    same = [article for article in in_pdf if in_word[article] == in_pdf[article]]
    assert len(same) >= 0.9 * len(in_pdf), sorted(set(in_pdf) - set(same), key=int)
