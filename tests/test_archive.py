"""The archive of signed versions: contents, append-only, atomic, verified, signed file checked."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter

from assemble.archive import MANIFEST, PENDING, _write_atomically, archive_version
from assemble.avenant import build_avenant
from assemble.build import Project, build_contract, rebuild_version
from assemble.cli import main
from assemble.errors import CpomError
from assemble.history import sha256
from assemble.library import load_library
from assemble.verify import list_archive, read_manifest, verify_archive
from assemble.versions import collect_status

from conftest import ROOT, SAMPLE, copy_project, edit

DATE = dt.date(2026, 12, 15)
# What an archived contract version holds besides its manifest.
ARCHIVED = [
    f"{SAMPLE}.md",
    f"{SAMPLE}.docx",
    f"{SAMPLE}.pdf",
    "signe.pdf",
    "contract.yaml",
    "cpom.lock.json",
]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "depot", [SAMPLE])


def _signed(project: Project, tmp_path: Path) -> Path:
    """What an e-signature platform returns: the built PDF itself."""
    outputs = build_contract(project, SAMPLE)
    signed = tmp_path / "CPOM signé.pdf"
    signed.write_bytes(outputs.pdf.read_bytes())
    return signed


def _archived(project: Project, tmp_path: Path) -> Path:
    return archive_version(project, SAMPLE, _signed(project, tmp_path), DATE).folder


def test_archive_holds_the_signed_version_and_its_manifest(
    project: Project, tmp_path: Path
) -> None:
    folder = _archived(project, tmp_path)
    assert folder == project.archive / SAMPLE / "v1"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*ARCHIVED, MANIFEST])
    manifest = read_manifest(folder / MANIFEST)
    assert manifest["date_signature"] == "2026-12-15"
    assert manifest["fichier_signe"] == {
        "nom_recu": "CPOM signé.pdf",
        "verification": {
            "statut": "conforme",
            "detail": manifest["fichier_signe"]["verification"]["detail"],
            "motif": None,
        },
    }
    assert [s["partie"] for s in manifest["signataires"]] == [
        "l’Association Horizons".replace("’", "'"),
        "l'Agence régionale de santé Occitanie",
        "le Département de l'Hérault",
    ]
    assert {"clause": "denonciation", "version": 1}.items() <= next(
        c for c in manifest["clauses"] if c["clause"] == "denonciation"
    ).items()
    assert manifest["outil"] and manifest["precedent"] is None
    for name, digest in manifest["fichiers"].items():
        assert sha256((folder / name).read_bytes()) == digest
    assert manifest["fichiers"][f"{SAMPLE}.pdf"] == manifest["fichiers"]["signe.pdf"]
    assert b"<pdfaid:part>2</pdfaid:part>" in (folder / f"{SAMPLE}.pdf").read_bytes()


def test_verify_is_clean_and_list_shows_the_version_in_force(
    project: Project, tmp_path: Path
) -> None:
    _archived(project, tmp_path)
    assert verify_archive(project) == (1, [])
    [entry] = list_archive(project)
    assert (entry.version, entry.signature_date, entry.in_force) == ("v1", DATE, True)
    statuses = collect_status(project, load_library(project.clauses))
    assert ("v1", "signe") in {(s.version, s.statut) for s in statuses}


@pytest.mark.parametrize(
    "name",
    ARCHIVED,
)
def test_one_changed_byte_is_reported(project: Project, tmp_path: Path, name: str) -> None:
    folder = _archived(project, tmp_path)
    path = folder / name
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    count, problems = verify_archive(project)
    assert (path, "archive.altered") in {(p.path, p.code) for p in problems}


def test_missing_added_and_chain_problems_are_reported(project: Project, tmp_path: Path) -> None:
    first = _archived(project, tmp_path)
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed_avenant = tmp_path / "avenant signé.pdf"
    signed_avenant.write_bytes(draft.rendered.pdf)
    second = archive_version(project, SAMPLE, signed_avenant, DATE).folder
    manifest = read_manifest(second / MANIFEST)
    assert (manifest["nature"], manifest["avenant"]) == ("avenant", 1)
    assert f"{SAMPLE}-avenant-1.pdf" in manifest["fichiers"]
    assert read_manifest(second / MANIFEST)["precedent"] == {
        "version": "v1",
        "manifeste_sha256": sha256((first / MANIFEST).read_bytes()),
    }
    (second / "contract.yaml").unlink()
    (second / "note.txt").write_text("ajout", encoding="utf-8")
    for path in first.iterdir():
        path.chmod(0o644)
    (first / MANIFEST).write_text(
        (first / MANIFEST).read_text(encoding="utf-8").replace("2026-12-15", "2026-12-16"),
        encoding="utf-8",
    )
    _, problems = verify_archive(project)
    assert {(p.code, p.path.name) for p in problems if p.path} == {
        ("archive.missing", "contract.yaml"),
        ("archive.added", "note.txt"),
        ("archive.chain", MANIFEST),
    }


def test_archive_is_append_only(project: Project, tmp_path: Path) -> None:
    signed = _signed(project, tmp_path)
    archive_version(project, SAMPLE, signed, DATE)
    before = {p: p.read_bytes() for p in (project.archive / SAMPLE / "v1").iterdir()}
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, signed, DATE)
    assert caught.value.problems[0].code == "archive.exists"
    assert "aucun changement depuis la version signée v1" in caught.value.problems[0].message
    with pytest.raises(CpomError) as caught:  # a version folder that appeared meanwhile
        _write_atomically(project, project.archive / SAMPLE / "v1", {"x.txt": b"x"})
    assert caught.value.problems[0].code == "archive.exists"
    assert {p: p.read_bytes() for p in (project.archive / SAMPLE / "v1").iterdir()} == before
    assert not list((project.archive / PENDING).iterdir())


def test_signed_pdf_with_other_text_is_refused_naming_the_passage(
    project: Project, tmp_path: Path
) -> None:
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    other = tmp_path / "autre.pdf"
    other.write_bytes(build_contract(project, SAMPLE).pdf.read_bytes())
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 3", "preavis_mois: 6")
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, other, DATE)
    [problem] = caught.value.problems
    assert problem.code == "archive.mismatch" and problem.path == other
    assert "préavis de six mois" in problem.message and "trois" in problem.message
    assert not (project.archive / SAMPLE).exists()

    archived = archive_version(project, SAMPLE, other, DATE, force="coquille corrigée à la main")
    check = read_manifest(archived.folder / MANIFEST)["fichier_signe"]["verification"]
    assert check["statut"] == "force" and check["motif"] == "coquille corrigée à la main"


def test_signature_stamps_added_by_a_platform_are_accepted(
    project: Project, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    signed = _signed(project, tmp_path)
    writer = PdfWriter(clone_from=PdfReader(signed))
    writer.add_blank_page()  # a certificate page with no text of the contract
    writer.write(signed)
    assert archive_version(project, SAMPLE, signed, DATE).check.statut == "conforme"


def test_scanned_signature_cannot_be_checked_and_says_so(project: Project, tmp_path: Path) -> None:
    build_contract(project, SAMPLE)
    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(scan)
    archived = archive_version(project, SAMPLE, scan, DATE)
    assert archived.check.statut == "non-verifiable"
    manifest = read_manifest(archived.folder / MANIFEST)
    assert "numérisé" in manifest["fichier_signe"]["verification"]["detail"]


def test_date_is_required(project: Project, tmp_path: Path) -> None:
    edit(project.contracts / SAMPLE / "contract.yaml", "  date_signature: 2026-12-15\n", "")
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, _signed(project, tmp_path))
    assert "DATE=" in (caught.value.problems[0].hint or "")


def test_archived_version_rebuilds_identically(project: Project, tmp_path: Path) -> None:
    folder = _archived(project, tmp_path)
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    outputs, differ = rebuild_version(project, SAMPLE, "v1")
    assert differ == []
    assert outputs.pdf.read_bytes() == (folder / f"{SAMPLE}.pdf").read_bytes()


KILLER = """
import os, signal, sys
from pathlib import Path
import assemble.archive as archive
from assemble.build import Project

written = []
original = archive.write_archived_file

def write_then_die(path, data):
    original(path, data)
    written.append(path)
    if len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)

archive.write_archived_file = write_then_die
archive.archive_version(Project(Path(sys.argv[1])), sys.argv[2], Path(sys.argv[3]),
                        archive.dt.date(2026, 12, 15))
"""


def test_killed_archive_leaves_no_partial_version(project: Project, tmp_path: Path) -> None:
    signed = _signed(project, tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(project.root), SAMPLE, str(signed)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert project.archived_versions(SAMPLE) == []
    assert not (project.archive / SAMPLE).exists()
    assert verify_archive(project) == (0, [])
    archive_version(project, SAMPLE, signed, DATE)  # a later archive is not hindered
    assert project.archived_versions(SAMPLE) == ["v1"]


def test_cli_archive_verify_and_list(
    project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(project.root)
    signed = _signed(project, tmp_path)
    run = lambda *a: main(["--racine", str(project.root), *a])  # noqa: E731
    assert run("archive", SAMPLE, "--signe", str(signed), "--date", "2026-12-15") == 0
    assert "conforme" in capsys.readouterr().out
    assert run("verify") == 0
    assert run("list") == 0
    assert "15\u00a0décembre 2026" in capsys.readouterr().out
    path = project.archive / SAMPLE / "v1" / "contract.yaml"
    path.chmod(0o644)
    path.write_text("modifié", encoding="utf-8")
    assert run("verify") == 1
    assert f"archive/{SAMPLE}/v1/contract.yaml: fichier modifié" in capsys.readouterr().err
    assert run("archive", SAMPLE, "--signe", str(signed), "--date", "2026-12-15") == 1


def test_committed_archive_is_intact() -> None:
    """The lifecycle sample's signed version, as committed, verifies clean."""
    count, problems = verify_archive(Project(ROOT))
    assert problems == []
    assert count >= 1
    manifest = json.loads((ROOT / "archive" / SAMPLE / "v1" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["fichier_signe"]["verification"]["statut"] == "conforme"
    assert os.path.isfile(ROOT / "archive" / SAMPLE / "v1" / "signe.pdf")
