"""Every built file says what it is (custom properties of the .docx, keywords of the PDF), and
`cpom identify` reads it back, or finds the version by its text when the properties are lost."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.lifecycle.lock import read_lock
from assemble.pipeline import rebuild_version
from assemble.project import Outputs, Project
from assemble.render.properties import CUSTOM_PART, docx_properties, keyword_properties
from assemble.review.identity import identify, similarity, words

from conftest import SAMPLE, copy_repository
from pdf_tools import raw_pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _outputs(project: Project) -> Outputs:
    return Outputs.of(project.build / SAMPLE, SAMPLE)


def _without_properties(source: Path, target: Path) -> Path:
    """The file as Word's document inspector leaves it: no custom properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            if name != CUSTOM_PART:
                new.writestr(name, old.read(name))
    target.write_bytes(out.getvalue())
    return target


def test_built_files_carry_contract_version_lock_date_and_rendu(archived_once: Project) -> None:
    lock = read_lock(archived_once.lock_path(SAMPLE))
    outputs = _outputs(archived_once)
    props = docx_properties(outputs.docx.read_bytes())
    assert props["cpom-contrat"] == SAMPLE
    assert props["cpom-version"] == "projet"  # built as the draft, then archived as v1
    assert props["cpom-verrou"] == lock.fingerprint()
    assert props["cpom-date"] == "2026-12-15"  # the signature date of the data, not the clock
    assert props["cpom-rendu"] == str(lock.rendu) == "4"
    assert props["reference"] == "CPOM-OCC-2027-014"  # pandoc's own property stays
    info = PdfReader(outputs.pdf).metadata
    assert info is not None
    keywords = str(info["/Keywords"])
    assert keyword_properties(keywords) == {k: v for k, v in props.items() if k != "reference"}


def test_fingerprint_leaves_out_what_the_files_cannot_know(archived_once: Project) -> None:
    draft = read_lock(archived_once.lock_path(SAMPLE))
    signed = read_lock(archived_once.archive / SAMPLE / "v1" / "cpom.lock.json")
    assert (signed.version, signed.statut) == ("v1", "signe")
    assert signed.fingerprint() == draft.fingerprint()
    assert dataclasses.replace(draft, sorties={}).fingerprint() == draft.fingerprint()
    other_data = dataclasses.replace(draft, donnees="0" * 64)
    assert other_data.fingerprint() != draft.fingerprint()


def test_identify_reads_the_properties(archived_once: Project) -> None:
    for path in (_outputs(archived_once).docx, _outputs(archived_once).pdf):
        found = identify(archived_once, path)
        assert (found.contract_id, found.version, found.built_as) == (SAMPLE, "v1", "projet")
        assert found.how == "propriétés" and found.similarity == 1.0
        assert found.archived and found.current


def test_rebuilt_version_keeps_its_properties(archived_once: Project, tmp_path: Path) -> None:
    project = copy_repository(archived_once, tmp_path / "depot")
    outputs, differ = rebuild_version(project, SAMPLE, "v1")
    assert differ == []
    assert outputs.docx.read_bytes() == _outputs(archived_once).docx.read_bytes()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent : aller-retour sauté")
def test_lost_properties_found_by_text(
    archived_once: Project, tmp_path: Path, office_profile: Path
) -> None:
    """LibreOffice keeps the properties through an ODT round trip; a file stripped of them
    (Word's document inspector) is still found, by its text."""
    assert SOFFICE is not None
    source = tmp_path / "retour.docx"
    shutil.copyfile(_outputs(archived_once).docx, source)
    base = [SOFFICE, f"-env:UserInstallation={office_profile.as_uri()}", "--headless"]
    odt = [*base, "--convert-to", "odt", "--outdir", str(tmp_path / "odt"), str(source)]
    subprocess.run(odt, check=True, capture_output=True, timeout=300)
    back = [*base, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "docx")]
    back.append(str(tmp_path / "odt" / "retour.odt"))
    subprocess.run(back, check=True, capture_output=True, timeout=300)
    returned = tmp_path / "docx" / "retour.docx"
    assert identify(archived_once, returned).how == "propriétés"

    stripped = _without_properties(returned, tmp_path / "sans-proprietes.docx")
    assert docx_properties(stripped.read_bytes()) == {}
    found = identify(archived_once, stripped)
    assert (found.contract_id, found.version, found.how) == (SAMPLE, "v1", "texte")
    assert found.similarity > 0.95
    assert found.lock_hash == read_lock(archived_once.lock_path(SAMPLE)).fingerprint()


def test_edited_file_without_properties_is_still_close(
    archived_once: Project, tmp_path: Path
) -> None:
    document = docx.Document(str(_outputs(archived_once).docx))
    body = [p for p in document.paragraphs if len(p.text) > 200]
    for paragraph in body[:3]:
        paragraph.runs[0].text = "Texte réécrit par l'autorité de tarification. "
    edited = tmp_path / "modifie.docx"
    document.save(str(edited))
    found = identify(archived_once, _without_properties(edited, tmp_path / "sans.docx"))
    assert (found.version, found.how) == ("v1", "texte")
    assert 0.8 < found.similarity < 1.0


def test_file_close_to_no_version_is_refused(archived_once: Project, tmp_path: Path) -> None:
    document = docx.Document()
    for n in range(40):
        document.add_paragraph(f"Compte rendu de la réunion de chantier numéro {n} du bâtiment.")
    path = tmp_path / "autre.docx"
    document.save(str(path))
    with pytest.raises(CpomError) as caught:
        identify(archived_once, path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == ("identify.unknown", path)
    assert "association-horizons" in problem.message  # the closest one, with its share


def test_unreadable_and_missing_files(
    archived_once: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.docx"
    text.write_text("pas un document Word", encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        identify(archived_once, text)
    assert caught.value.problems[0].code == "identify.unreadable"
    root = ["--racine", str(archived_once.root)]
    assert main([*root, "identify", str(tmp_path / "absent.docx")]) == 2
    assert "[usage.file]" in capsys.readouterr().err
    assert main([*root, "identify", str(text)]) == 1
    assert f"{text}: fichier illisible" in capsys.readouterr().err


def test_a_pdf_whose_text_cannot_be_read_is_unreadable_with_the_reason(
    archived_once: Project, tmp_path: Path
) -> None:
    """No properties and no page: the text it would be identified by cannot be read."""
    path = tmp_path / "contrat.pdf"
    path.write_bytes(raw_pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"))
    with pytest.raises(CpomError) as caught:
        identify(archived_once, path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == ("identify.unreadable", path)
    assert problem.message == "fichier illisible : PDF endommagé : il n'a aucune page"


def test_cli_prints_what_the_file_is(
    archived_once: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _outputs(archived_once).pdf
    assert main(["--racine", str(archived_once.root), "identify", str(pdf)]) == 0
    printed = capsys.readouterr().out
    assert "contrat : association-horizons" in printed
    assert "version : v1 (construit comme « projet »)" in printed
    assert "version archivée (signée)" in printed
    assert "identifié par les propriétés du fichier" in printed


def test_similarity_counts_word_triples() -> None:
    text = words("L'organisme gestionnaire transmet chaque année le rapport d'activité.")
    assert similarity(text, text) == 1.0
    assert similarity(text, words("Tout autre chose, vraiment sans rapport.")) == 0.0
    changed = words("L'organisme gestionnaire transmet chaque semestre le rapport d'activité.")
    assert 0.3 < similarity(text, changed) < 1.0
