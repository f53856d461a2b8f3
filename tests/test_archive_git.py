"""git as the archive's witness: what the archive alone cannot show, its git history does.

Each test works in its own temporary git repository (never the outer repository's history):
v1 committed first with a one-line index, then v2 with the index grown, as drafters do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assemble.archive.index import INDEX
from assemble.archive.indexing import index_versions
from assemble.archive.verify import verify_archive
from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.library.history import sha256
from assemble.lifecycle.manifest import MANIFEST
from assemble.project import Project

from conftest import SAMPLE, copy_repository, located_errors

IDENTITY = {
    "GIT_AUTHOR_NAME": "Rédactrice",
    "GIT_AUTHOR_EMAIL": "redaction@example.org",
    "GIT_COMMITTER_NAME": "Rédactrice",
    "GIT_COMMITTER_EMAIL": "redaction@example.org",
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def committed(two_versions: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The two-version repository under git: v1 and its index line, then v2 and the next."""
    project = copy_repository(two_versions, tmp_path_factory.mktemp("git") / "depot")
    index = project.archive / SAMPLE / INDEX
    full = index.read_bytes()
    v2 = project.archive / SAMPLE / "v2"
    parked = project.root.parent / "v2"
    v2.rename(parked)
    index.chmod(0o644)
    index.write_bytes(full.splitlines(keepends=True)[0])
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "CPOM signé : v1")
    parked.rename(v2)
    index.write_bytes(full)
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "Avenant n° 1 signé : v2")
    return project


@pytest.fixture
def project(committed: Project, tmp_path: Path) -> Project:
    return copy_repository(committed, tmp_path / "depot")


def _writable(path: Path) -> Path:
    path.chmod(0o644)
    return path


def test_a_committed_archive_grown_by_appends_verifies_clean(committed: Project) -> None:
    assert verify_archive(committed).problems == ()


def test_a_version_not_committed_yet_is_only_a_warning(project: Project) -> None:
    git(project.root, "reset", "-q", "HEAD~1")
    report = verify_archive(project)
    assert report.errors == []
    root = project.root.resolve()
    assert all(p.path is not None for p in report.problems)
    found = {(p.code, str(p.path.relative_to(root)), p.message) for p in report.problems if p.path}
    assert found == {
        (
            "archive.uncommitted",
            f"archive/{SAMPLE}/v2",
            "11 fichiers archivés pas encore validés dans git",
        ),
        (
            "archive.uncommitted",
            f"archive/{SAMPLE}/{INDEX}",
            "index des versions pas encore validé dans git",
        ),
    }


def test_the_whole_archive_deleted_is_found(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = git(project.root, "ls-files", "archive").split()
    shutil.rmtree(project.archive)
    assert located_errors(project) == {("archive.git-deleted", path) for path in committed}
    monkeypatch.chdir(project.root)
    assert main(["--racine", str(project.root), "verify"]) == 1
    err = capsys.readouterr().err
    assert f"archive/{SAMPLE}/v2/{MANIFEST}: fichier archivé validé dans git" in err
    assert "[archive.git-deleted]" in err
    assert f"→ restaurez-le : git checkout HEAD -- archive/{SAMPLE}/v2/{MANIFEST}" in err


def _rewrite_latest_consistently(project: Project) -> None:
    """Forge v2's signature date and re-seal it: its manifest hash rewritten into the index."""
    manifest = _writable(project.archive / SAMPLE / "v2" / MANIFEST)
    before = sha256(manifest.read_bytes())
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("2027-06-01", "2027-05-01"), encoding="utf-8"
    )
    index = _writable(project.archive / SAMPLE / INDEX)
    text = index.read_text(encoding="utf-8").replace("2027-06-01", "2027-05-01")
    index.write_text(text.replace(before, sha256(manifest.read_bytes())), encoding="utf-8")


def test_the_latest_version_rewritten_with_its_index_is_found_by_git_alone(
    project: Project, tmp_path: Path
) -> None:
    _rewrite_latest_consistently(project)
    without_git = copy_repository(project, tmp_path / "sans-git")
    shutil.rmtree(without_git.root / ".git")
    assert verify_archive(without_git).problems == ()  # the limit git exists for
    assert located_errors(project) == {
        ("archive.git-rewritten", f"archive/{SAMPLE}/v2/{MANIFEST}"),
        ("archive.git-rewritten", f"archive/{SAMPLE}/{INDEX}"),
    }


def test_history_that_modified_an_archived_file_is_found_even_once_restored(
    project: Project,
) -> None:
    path = _writable(project.archive / SAMPLE / "v1" / "contract.yaml")
    original = path.read_bytes()
    path.write_bytes(original + b"# retouche\n")
    git(project.root, "commit", "-qam", "retouche")
    path.write_bytes(original)
    git(project.root, "commit", "-qam", "retouche annulée")
    report = verify_archive(project)
    assert {p.code for p in report.errors} == {"archive.git-history"}
    assert {p.message.split(" « ")[1] for p in report.errors} == {
        "retouche annulée »)",
        "retouche »)",
    }
    assert all("l'historique git a modifié ce fichier archivé" in p.message for p in report.errors)
    assert all(p.path and p.path.name == "contract.yaml" for p in report.errors)


def test_history_that_deleted_a_version_is_found(project: Project) -> None:
    git(project.root, "rm", "-rq", f"archive/{SAMPLE}/v2")
    git(project.root, "commit", "-qm", "v2 retirée")
    found = located_errors(project)
    assert ("archive.git-history", f"archive/{SAMPLE}/v2/{MANIFEST}") in found
    assert ("archive.missing", f"archive/{SAMPLE}/v2") in found  # the index still names it


def test_history_that_rewrote_index_lines_is_found(project: Project) -> None:
    index = _writable(project.archive / SAMPLE / INDEX)
    original = index.read_bytes()
    index.write_bytes(original.replace(b"2026-12-15", b"2026-12-14"))
    git(project.root, "commit", "-qam", "index corrigé")
    index.write_bytes(original)
    git(project.root, "commit", "-qam", "index rétabli")
    found = located_errors(project)
    assert found == {("archive.git-history", f"archive/{SAMPLE}/{INDEX}")}


def test_make_index_restores_nothing_git_knew_it_must_be_restored(project: Project) -> None:
    index = project.archive / SAMPLE / INDEX
    index.unlink()
    with pytest.raises(CpomError) as caught:
        index_versions(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == ("archive.git-deleted", index.resolve())
    assert "git checkout HEAD --" in (problem.hint or "")
    assert not index.exists()
    git(project.root, "checkout", "HEAD", "--", f"archive/{SAMPLE}/{INDEX}")
    assert verify_archive(project).problems == ()
