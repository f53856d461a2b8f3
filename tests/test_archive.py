"""The archive of signed versions: contents, append-only, atomic, read-only, staging cleaned."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assemble.archive.index import INDEX
from assemble.archive.listing import list_archive
from assemble.archive.staging import STAGING, remove_stale, staging_folder
from assemble.archive.store import _write_atomically, archive_version
from assemble.archive.verify import verify_archive
from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.library.clauses import load_library
from assemble.library.history import sha256
from assemble.lifecycle.manifest import MANIFEST, ManifestV1, ManifestV2, parse_manifest
from assemble.lifecycle.versions import collect_status
from assemble.pipeline import build_contract, rebuild_version
from assemble.project import Project

from conftest import ROOT, SAMPLE, copy_repository, edit, uncached

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


def _manifest(folder: Path) -> ManifestV2:
    manifest = parse_manifest((folder / MANIFEST).read_bytes(), folder / MANIFEST)
    assert isinstance(manifest, ManifestV2), manifest
    return manifest


@pytest.fixture(scope="module")
def unsigned(built_sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample built once, not archived yet; copy it before archiving into it."""
    project = copy_repository(built_sample, tmp_path_factory.mktemp("projet") / "depot")
    signed = project.root / "CPOM signé.pdf"
    signed.write_bytes((project.build / SAMPLE / f"{SAMPLE}.pdf").read_bytes())
    return project


@pytest.fixture(scope="module")
def archived(archived_once: Project) -> Project:
    """The sample archived once as v1 (the built PDF as signed file); read-only."""
    assert archived_once.archive.joinpath(SAMPLE, "v1").is_dir()
    return archived_once


@pytest.fixture
def fresh(unsigned: Project, tmp_path: Path) -> Project:
    return copy_repository(unsigned, tmp_path / "depot")


@pytest.fixture
def project(archived: Project, tmp_path: Path) -> Project:
    return copy_repository(archived, tmp_path / "depot")


def test_archive_holds_the_signed_version_and_its_manifest(archived: Project) -> None:
    folder = archived.archive / SAMPLE / "v1"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*ARCHIVED, MANIFEST])
    manifest = _manifest(folder)
    assert manifest.date_signature == DATE
    assert (manifest.nature, manifest.avenant, manifest.label) == ("contrat", None, "contrat")
    signed = manifest.fichier_signe
    assert (signed.nom_recu, signed.nom, signed.nature) == ("CPOM signé.pdf", "signe.pdf", "pdf")
    assert signed.verification.statut == "conforme" and signed.verification.motif is None
    assert signed.signatures == ()
    assert [s.partie for s in manifest.signataires] == [
        "l'Association Horizons",
        "l'Agence régionale de santé Occitanie",
        "le Département de l'Hérault",
    ]
    denonciation = next(c for c in manifest.clauses if c.clause == "denonciation")
    assert denonciation.version == 3  # moved by the partial upgrade of the avenant in progress
    assert manifest.outil and manifest.precedent is None
    for name, digest in manifest.fichiers.items():
        assert sha256((folder / name).read_bytes()) == digest
    assert manifest.fichiers[f"{SAMPLE}.pdf"] == manifest.fichiers["signe.pdf"]
    assert b"<pdfaid:part>2</pdfaid:part>" in (folder / f"{SAMPLE}.pdf").read_bytes()
    index = (archived.archive / SAMPLE / INDEX).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["version"] for line in index] == ["v1"]
    assert json.loads(index[0])["manifeste_sha256"] == sha256((folder / MANIFEST).read_bytes())


def test_archived_files_are_read_only_for_everyone_whatever_the_umask(fresh: Project) -> None:
    old = os.umask(0o077)
    try:
        archive_version(fresh, SAMPLE, fresh.root / "CPOM signé.pdf", DATE)
    finally:
        os.umask(old)
    folder = fresh.archive / SAMPLE / "v1"
    for path in [*folder.iterdir(), fresh.archive / SAMPLE / INDEX]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path
    for path in (folder, folder.parent, fresh.archive):
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, path


def test_verify_is_clean_and_list_shows_the_version_in_force(archived: Project) -> None:
    report = verify_archive(archived)
    assert (len(report.versions), list(report.problems)) == (1, [])
    entries, _ = list_archive(archived)
    [entry] = entries
    assert (entry.version, entry.label, entry.signature_date) == ("v1", "contrat", DATE)
    assert entry.in_force and entry.intact and entry.check == "conforme"
    statuses = collect_status(archived, load_library(archived.clauses))
    assert ("v1", "signe") in {(s.version, s.statut) for s in statuses}


@pytest.mark.parametrize("name", ARCHIVED)
def test_one_changed_byte_is_reported(project: Project, name: str) -> None:
    path = project.archive / SAMPLE / "v1" / name
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = verify_archive(project).problems
    assert (path, "archive.altered") in {(p.path, p.code) for p in problems}


def test_archive_is_append_only(project: Project) -> None:
    folder = project.archive / SAMPLE / "v1"
    before = {p: p.read_bytes() for p in folder.iterdir()}
    # No avenant in progress: the sample's avenant n° 1 carries a hand-written article, which
    # is a change of its own even when the data equals the signed version's.
    shutil.rmtree(project.contracts / SAMPLE / "avenants")
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, project.root / "CPOM signé.pdf", DATE)
    assert caught.value.problems[0].code == "archive.exists"
    assert "aucun changement depuis la version signée v1" in caught.value.problems[0].message
    manifest = _manifest(folder)
    with pytest.raises(CpomError) as caught:  # a version folder that appeared meanwhile
        _write_atomically(project, folder, {"x.txt": b"x"}, manifest)
    assert caught.value.problems[0].code == "archive.exists"
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    assert not list((project.archive / STAGING).iterdir())


def test_signed_pdf_with_other_text_is_refused_then_forced_with_its_reason(
    fresh: Project, tmp_path: Path
) -> None:
    edit(fresh.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    other = tmp_path / "autre.pdf"
    other.write_bytes(build_contract(fresh, SAMPLE).pdf.read_bytes())
    edit(fresh.contracts / SAMPLE / "contract.yaml", "preavis_mois: 3", "preavis_mois: 6")
    with pytest.raises(CpomError) as caught:
        archive_version(fresh, SAMPLE, other, DATE)
    [problem] = caught.value.problems
    assert problem.code == "archive.mismatch" and problem.path == other
    assert "préavis de six mois" in problem.message and "trois" in problem.message
    assert "FORCE=" in (problem.hint or "")
    assert not (fresh.archive / SAMPLE).exists()

    archived = archive_version(fresh, SAMPLE, other, DATE, force="coquille corrigée à la main")
    check = _manifest(archived.folder).fichier_signe.verification
    assert check.statut == "force" and check.motif == "coquille corrigée à la main"
    assert "préavis de six mois" in check.detail


def test_date_is_required(fresh: Project) -> None:
    edit(fresh.contracts / SAMPLE / "contract.yaml", "  date_signature: 2026-12-15\n", "")
    with pytest.raises(CpomError) as caught:
        archive_version(fresh, SAMPLE, fresh.root / "CPOM signé.pdf")
    assert "DATE=" in (caught.value.problems[0].hint or "")


def test_archived_version_rebuilds_identically(project: Project) -> None:
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    outputs, differ = rebuild_version(uncached(project), SAMPLE, "v1")
    assert differ == []
    folder = project.archive / SAMPLE / "v1"
    assert outputs.pdf.read_bytes() == (folder / f"{SAMPLE}.pdf").read_bytes()


KILLER = """
import os, signal, sys
from pathlib import Path
import assemble.archive.store as archive
from assemble.project import Project

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


def test_killed_archive_leaves_no_version_and_the_next_archive_cleans_up(
    fresh: Project,
) -> None:
    signed = fresh.root / "CPOM signé.pdf"
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(fresh.root), SAMPLE, str(signed)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert fresh.archived_versions(SAMPLE) == []
    [left] = list((fresh.archive / STAGING).iterdir())
    assert len(list((left / "version").iterdir())) == 3
    report = verify_archive(fresh)  # reported, as a warning, and left in place
    assert [(p.code, p.path) for p in report.problems] == [("archive.staging", left)]
    assert f"processus {left.name.split('-v1-')[1].split('-')[0]} terminé" in (
        report.problems[0].message
    )
    assert report.errors == [] and left.exists()

    archived = archive_version(fresh, SAMPLE, signed, DATE)
    assert archived.cleaned == (left,) and not left.exists()
    assert fresh.archived_versions(SAMPLE) == ["v1"]
    assert list((fresh.archive / STAGING).iterdir()) == []
    assert verify_archive(fresh).problems == ()


def test_a_running_archives_staging_folder_is_never_removed(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with staging_folder(archive, SAMPLE, "v2") as running:
        (running / "en-cours.txt").write_text("x", encoding="utf-8")
        dead = archive / STAGING / f"{SAMPLE}-v3-{_dead_pid()}-abcd1234"
        dead.mkdir()
        assert remove_stale(archive) == [dead]
        assert running.exists() and not dead.exists()
    assert not running.exists()


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(proc.stdout)


def test_cli_archive_verify_and_list(
    fresh: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(fresh.root)
    signed = fresh.root / "CPOM signé.pdf"

    def run(*arguments: str) -> int:
        return main(["--racine", str(fresh.root), *arguments])

    assert run("archive", SAMPLE, "--signe", str(signed), "--date", "2026-12-15") == 0
    assert "conforme" in capsys.readouterr().out
    assert run("verify") == 0
    assert "archive intègre : 1 version vérifiée." in capsys.readouterr().out
    assert run("list") == 0
    shown = capsys.readouterr().out
    assert "15\u00a0décembre 2026" in shown and "contrat" in shown and "intègre" in shown
    path = fresh.archive / SAMPLE / "v1" / "contract.yaml"
    path.chmod(0o644)
    path.write_text("modifié", encoding="utf-8")
    assert run("verify") == 1
    err = capsys.readouterr().err
    assert f"archive/{SAMPLE}/v1/contract.yaml: fichier modifié" in err
    assert "[archive.altered]" in err and "→ restaurez l'original" in err
    assert run("list") == 1
    assert "⚠" in capsys.readouterr().out
    # nothing is chained onto a tampered archive
    assert run("archive", SAMPLE, "--signe", str(signed), "--date", "2026-12-15") == 1
    assert "[archive.altered]" in capsys.readouterr().err


def test_committed_archive_is_intact() -> None:
    """The lifecycle sample's signed version, as committed (format 1 manifest), verifies clean."""
    report = verify_archive(Project(ROOT))
    assert report.errors == []
    assert len(report.versions) >= 1
    path = ROOT / "archive" / SAMPLE / "v1" / MANIFEST
    manifest = parse_manifest(path.read_bytes(), path)
    assert isinstance(manifest, ManifestV1)
    assert manifest.fichier_signe.verification.statut == "conforme"
    assert manifest.label == "contrat" and manifest.signed_name == "signe.pdf"
    line = json.loads((ROOT / "archive" / SAMPLE / INDEX).read_text(encoding="utf-8"))
    assert line["manifeste_sha256"] == sha256(path.read_bytes())


def test_a_full_disk_while_archiving_names_the_version_and_leaves_nothing(
    fresh: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assemble.archive.store
    from assemble.archive.staging import write_archived_file as real_write

    written: list[Path] = []

    def fill_the_disk(path: Path, data: bytes) -> None:
        written.append(path)
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(assemble.archive.store, "write_archived_file", fill_the_disk)
    with pytest.raises(CpomError) as caught:
        archive_version(fresh, SAMPLE, fresh.root / "CPOM signé.pdf", DATE)
    [problem] = caught.value.problems
    # The staged file is an inner name; the drafter is told which version could not be written.
    assert (problem.code, problem.path) == ("io.disk-full", fresh.archive / SAMPLE / "v1")
    assert written[2].is_relative_to(fresh.archive / STAGING)
    assert fresh.archived_versions(SAMPLE) == []
    assert list((fresh.archive / STAGING).iterdir()) == []
    assert sorted(p.name for p in (fresh.archive / SAMPLE).iterdir()) == []


def test_an_archive_folder_linked_out_of_the_repository_is_refused_before_writing(
    fresh: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    fresh.archive.symlink_to(outside, target_is_directory=True)
    status = main(
        [
            "--racine",
            str(fresh.root),
            "archive",
            "--signe",
            str(fresh.root / "CPOM signé.pdf"),
            "--date",
            "2026-12-15",
            SAMPLE,
        ]
    )
    err = capsys.readouterr().err
    assert status == 2, err
    assert "[usage.path]" in err and "lien symbolique vers" in err and "→ remplacez ce lien" in err
    assert list(outside.iterdir()) == []
