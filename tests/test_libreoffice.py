"""A real office suite opens the .docx: LibreOffice converts it to PDF and the text is there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from assemble.build import Outputs

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice absent (apt-get install libreoffice-writer) : test d'ouverture sauté",
)


def test_libreoffice_opens_the_docx(sample_outputs: Outputs, tmp_path: Path) -> None:
    assert SOFFICE is not None
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(sample_outputs.docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / f"{sample_outputs.docx.stem}.pdf"
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    assert len(reader.pages) >= 10
    assert "Contrat pluriannuel d’objectifs et de moyens".upper() in text.upper()
    assert "Article 21 – Règlement des litiges" in text
    assert "SIGNATURES DES PARTIES" in text.upper()  # small capitals in the template
    assert f"Page 2 sur {len(reader.pages)}" in text
    assert "CPOM-OCC-2027-014" in text  # the header's field
