"""Every tampering with the archive is found, located, with a code and a fix; none crashes.

One repository with two archived versions (the contract v1, its avenant n° 1 as v2) is built
once per session; each test tampers with its own copy.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assemble.archive.index import INDEX
from assemble.archive.indexing import index_versions
from assemble.archive.listing import list_archive
from assemble.archive.verify import Report, verify_archive
from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.library.history import sha256
from assemble.lifecycle.avenant import precedents
from assemble.lifecycle.manifest import MANIFEST
from assemble.project import Project

from conftest import SAMPLE, copy_repository, located_errors

Found = set[tuple[str, str]]  # (code, path relative to the repository)


@pytest.fixture
def project(two_versions: Project, tmp_path: Path) -> Project:
    return copy_repository(two_versions, tmp_path / "depot")


def _folder(project: Project, version: str = "v2") -> Path:
    return project.archive / SAMPLE / version


def _writable(path: Path) -> Path:
    path.chmod(0o644)
    return path


def _found(project: Project, report: Report) -> Found:
    return {
        (p.code, str(p.path.relative_to(project.root)) if p.path else "") for p in report.errors
    }


def _cli(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, verb: str
) -> tuple[int, str]:
    monkeypatch.chdir(project.root)
    code = main(["--racine", str(project.root), verb])
    return code, capsys.readouterr().err


def _assert_cli_reports(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    code: str,
) -> None:
    """`cpom verify` exits 1 naming the file, the code and a fix; `cpom list` survives too."""
    for verb in ("verify", "list"):
        status, err = _cli(project, capsys, monkeypatch, verb)
        assert status == 1, (verb, err)
        line = next(line for line in err.splitlines() if line.startswith(f"{path}"))
        assert f"[{code}]" in err and line
        assert "\n    → " in err
        assert "erreur interne" not in err


def test_the_untouched_archive_verifies_clean(two_versions: Project) -> None:
    report = verify_archive(two_versions)
    assert [v.version for v in report.versions] == ["v1", "v2"]
    assert report.problems == ()


def _flip_positions(size: int) -> list[int]:
    """Every byte of the head of the manifest (keys, version, nature, dates, their whitespace),
    and bytes spread over the rest, the final newline included."""
    head = list(range(min(size, 320)))
    spread = list(range(320, size, max(1, (size - 320) // 80)))
    return sorted({*head, *spread, size - 1})


def test_any_flipped_byte_of_the_latest_manifest_is_found(project: Project) -> None:
    path = _writable(_folder(project) / MANIFEST)
    original = path.read_bytes()
    text = original.decode("utf-8")
    date_at = text.index('"date_signature": "') + len('"date_signature": "')
    positions = _flip_positions(len(original))
    assert set(range(date_at, date_at + 10)) <= set(positions)
    assert any(original[p : p + 1] in (b" ", b"\n") for p in positions)
    missed = []
    for position in positions:
        data = bytearray(original)
        data[position] ^= 1 << (position % 7)
        path.write_bytes(bytes(data))
        report = verify_archive(project)
        if not any(p.path == path for p in report.errors):
            missed.append(position)
    path.write_bytes(original)
    assert missed == []
    assert verify_archive(project).problems == ()


def test_a_forged_signature_date_shows_in_list_as_not_intact(project: Project) -> None:
    path = _writable(_folder(project) / MANIFEST)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"2027-06-01"', '"2027-06-02"'), encoding="utf-8"
    )
    entries, report = list_archive(project)
    latest = entries[-1]
    assert (latest.version, latest.intact, latest.in_force) == ("v2", False, True)
    assert ("archive.altered", f"archive/{SAMPLE}/v2/{MANIFEST}") in _found(project, report)


def test_any_flipped_byte_of_the_index_is_found(project: Project) -> None:
    path = _writable(project.archive / SAMPLE / INDEX)
    original = path.read_bytes()
    last_line = original.rindex(b"\n", 0, len(original) - 1) + 1
    positions = sorted({*range(0, last_line, 7), *range(last_line, len(original), 2)})
    missed = []
    for position in positions:
        data = bytearray(original)
        data[position] ^= 1 << (position % 7)
        path.write_bytes(bytes(data))
        if not verify_archive(project).errors:
            missed.append(position)
    assert missed == []


def test_deleting_the_latest_version_is_found(project: Project) -> None:
    shutil.rmtree(_folder(project))
    assert located_errors(project) == {
        ("archive.missing", f"archive/{SAMPLE}/v2"),
    }


def test_renaming_v2_to_v3_is_found(project: Project) -> None:
    _folder(project).rename(_folder(project, "v3"))
    assert located_errors(project) == {
        ("archive.missing", f"archive/{SAMPLE}/v2"),
        ("archive.renamed", f"archive/{SAMPLE}/v3/{MANIFEST}"),
        ("archive.chain", f"archive/{SAMPLE}/v3/{MANIFEST}"),
        ("archive.unindexed", f"archive/{SAMPLE}/v3"),
    }


@pytest.mark.parametrize(
    ("where", "kind", "code"),
    [
        (".", "file", "archive.unexpected"),
        (".", "dir", "archive.unexpected"),
        (SAMPLE, "file", "archive.unexpected"),
        (SAMPLE, "dir", "archive.unexpected"),
        (f"{SAMPLE}/v2", "file", "archive.added"),
        (f"{SAMPLE}/v2", "dir", "archive.added"),
    ],
)
def test_an_extra_file_or_folder_anywhere_is_found(
    project: Project, where: str, kind: str, code: str
) -> None:
    extra = project.archive / where / "Notes"
    if kind == "dir":
        extra.mkdir()
    else:
        extra.write_text("ajout", encoding="utf-8")
    assert located_errors(project) == {
        (code, str(extra.relative_to(project.root)).replace("/./", "/"))
    }


def test_a_file_replaced_by_a_symlink_is_found_and_never_followed(project: Project) -> None:
    signed = _folder(project) / "signe.pdf"
    copy = project.root / "copie.pdf"
    shutil.copyfile(signed, copy)
    signed.unlink()
    signed.symlink_to(copy)  # same bytes: only lstat tells
    report = verify_archive(project)
    assert located_errors(project) == {("archive.symlink", f"archive/{SAMPLE}/v2/signe.pdf")}
    assert "copie.pdf" in report.errors[0].message


def test_a_version_folder_replaced_by_a_symlink_is_found(project: Project) -> None:
    moved = project.root / "ailleurs"
    _folder(project).rename(moved)
    _folder(project).symlink_to(moved, target_is_directory=True)
    assert located_errors(project) == {
        ("archive.symlink", f"archive/{SAMPLE}/v2"),
        ("archive.missing", f"archive/{SAMPLE}/v2"),
    }


def test_a_file_edited_together_with_its_hash_in_the_latest_manifest_is_found(
    project: Project,
) -> None:
    data = _writable(_folder(project) / "contract.yaml")
    data.write_text(data.read_text(encoding="utf-8") + "# ajout\n", encoding="utf-8")
    manifest = _writable(_folder(project) / MANIFEST)
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["fichiers"]["contract.yaml"] = sha256(data.read_bytes())
    manifest.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert located_errors(project) == {
        ("archive.altered", f"archive/{SAMPLE}/v2/{MANIFEST}"),
    }


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("[1, 2, 3]", "un objet JSON est attendu, trouvé une liste"),
        ('"fichiers": null', "fichiers : un objet est attendu, trouvé null"),
        ('"precedent": {}', "precedent.version : champ obligatoire absent"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_a_located_finding(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    version: str,
    shape: str,
    message: str,
) -> None:
    path = _writable(_folder(project, version) / MANIFEST)
    if shape.startswith("["):
        path.write_text(shape, encoding="utf-8")
    else:
        key, value = shape.split(": ")
        content = json.loads(path.read_text(encoding="utf-8"))
        content[json.loads(key)] = json.loads(value)
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    report = verify_archive(project)
    problem = next(p for p in report.errors if p.code == "archive.manifest")
    assert problem.path == path and message in problem.message and problem.hint
    entries, _ = list_archive(project)
    assert [e.intact for e in entries] == ([False, False] if version == "v1" else [True, False])
    relative = f"archive/{SAMPLE}/{version}/{MANIFEST}"
    _assert_cli_reports(project, capsys, monkeypatch, relative, "archive.manifest")


def test_a_malformed_index_line_is_a_located_finding(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _writable(project.archive / SAMPLE / INDEX)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b'{"version": "v1", oups}\n' + lines[1])
    report = verify_archive(project)
    assert [(p.code, p.line) for p in report.errors if p.path == path] == [
        ("archive.index", 1),
        ("archive.index", 2),  # the next line no longer chains onto it
    ]
    assert "JSON illisible" in report.errors[0].message
    _assert_cli_reports(
        project, capsys, monkeypatch, f"archive/{SAMPLE}/{INDEX}:1", "archive.index"
    )


def test_an_index_line_rewritten_with_spaces_is_found(project: Project) -> None:
    path = _writable(project.archive / SAMPLE / INDEX)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[1].replace(b'"nature":', b'"nature": '))
    assert ("archive.index", f"archive/{SAMPLE}/{INDEX}") in located_errors(project)


def test_a_deleted_index_is_found_and_make_index_adds_it_back_touching_nothing_else(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project.archive / SAMPLE / INDEX
    original = path.read_bytes()
    versions = {p: p.read_bytes() for p in project.archive.rglob("v*/*")}
    path.unlink()
    assert located_errors(project) == {("archive.index-missing", f"archive/{SAMPLE}/{INDEX}")}
    status, err = _cli(project, capsys, monkeypatch, "verify")
    assert status == 1 and f"make index C={SAMPLE}" in err
    monkeypatch.chdir(project.root)
    assert main(["--racine", str(project.root), "index", SAMPLE]) == 0
    assert path.read_bytes() == original
    assert {p: p.read_bytes() for p in project.archive.rglob("v*/*")} == versions
    assert verify_archive(project).problems == ()


def test_a_version_the_index_lacks_after_an_interrupted_archive_is_indexed_again(
    project: Project,
) -> None:
    path = _writable(project.archive / SAMPLE / INDEX)
    original = path.read_bytes()
    path.write_bytes(original.splitlines(keepends=True)[0])  # killed between the two renames
    assert located_errors(project) == {("archive.unindexed", f"archive/{SAMPLE}/v2")}
    assert index_versions(project, SAMPLE) == ["v2"]
    assert path.read_bytes() == original
    assert index_versions(project, SAMPLE) == []


def test_make_index_refuses_a_version_that_does_not_verify(project: Project) -> None:
    (project.archive / SAMPLE / INDEX).unlink()
    data = _writable(_folder(project) / "contract.yaml")
    data.write_text("modifié", encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        index_versions(project, SAMPLE)
    assert [p.code for p in caught.value.problems] == ["archive.altered"]
    assert not (project.archive / SAMPLE / INDEX).exists()


def test_a_manifest_naming_files_outside_its_folder_is_refused_unread(project: Project) -> None:
    path = _writable(_folder(project) / MANIFEST)
    content = json.loads(path.read_text(encoding="utf-8"))
    content["fichiers"]["../../../../etc/passwd"] = "0" * 64
    path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    problem = next(p for p in verify_archive(project).errors if p.code == "archive.manifest")
    assert "nom de fichier mal formé" in problem.message and "etc/passwd" in problem.message


def test_a_staging_folder_left_by_a_killed_archive_is_a_warning(project: Project) -> None:
    left = project.archive / ".en-cours" / f"{SAMPLE}-v3-999999999-abcd1234"
    left.mkdir(parents=True)
    report = verify_archive(project)
    assert report.errors == []
    assert [(p.code, p.path) for p in report.problems] == [("archive.staging", left)]
    assert left.exists()  # verify never writes


def test_archive_without_a_git_repository_cannot_see_a_whole_archive_deleted(
    project: Project,
) -> None:
    """The documented limit: without git (or a copy elsewhere) nothing witnesses it."""
    shutil.rmtree(project.archive)
    report = verify_archive(project)
    assert (report.versions, report.problems) == ((), ())
    assert not os.path.exists(project.root / ".git")


def test_an_avenant_drafted_over_a_malformed_manifest_is_a_located_error(project: Project) -> None:
    path = _writable(_folder(project, "v1") / MANIFEST)
    path.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        precedents(project, SAMPLE)
    assert [(p.code, p.path, p.line) for p in caught.value.problems] == [
        ("archive.manifest", path, 1)
    ]


def test_a_manifest_grown_past_any_size_the_tool_writes_is_refused_unread(
    project: Project,
) -> None:
    path = _writable(_folder(project) / MANIFEST)
    with open(path, "r+b") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk, would cost the memory
    report = verify_archive(project)
    problem = next(p for p in report.errors if p.path == path)
    assert problem.code == "archive.too-large"
    assert "fichier de 64 Mo, au-delà de 8 Mo" in problem.message and problem.hint


def test_a_manifest_with_a_5000_digit_number_is_a_located_finding(project: Project) -> None:
    path = _writable(_folder(project) / MANIFEST)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"format": 2', '"format": 2' + "0" * 5000, 1), encoding="utf-8")
    assert '"format": 2' + "0" * 5000 in path.read_text(encoding="utf-8")
    problem = next(p for p in verify_archive(project).errors if p.path == path)
    assert problem.code == "archive.manifest" and "nombre démesuré" in problem.message


def test_a_version_folder_numbered_a_million_is_one_finding_per_gap(project: Project) -> None:
    far = project.archive / SAMPLE / "v1000000"
    far.mkdir()
    report = verify_archive(project)
    assert located_errors(project) == {
        ("archive.missing", f"archive/{SAMPLE}/v3"),
        ("archive.missing", f"archive/{SAMPLE}/v1000000/{MANIFEST}"),
        ("archive.unindexed", f"archive/{SAMPLE}/v1000000"),
    }
    gap = next(v for v in report.versions if v.version.startswith("v3"))
    assert gap.version == "v3 à v999999"
    assert "versions v3 à v999999 absentes alors que des versions suivantes existent" in (
        gap.problems[0].message
    )


def test_versions_the_index_names_are_told_apart_from_those_it_does_not(
    project: Project,
) -> None:
    shutil.rmtree(_folder(project, "v1"))
    shutil.rmtree(_folder(project, "v2"))
    (project.archive / SAMPLE / "v4").mkdir()
    messages = [p.message for v in verify_archive(project).versions for p in v.problems]
    assert messages[:2] == [
        "versions v1 à v2 inscrites à l'index (lignes 1 à 2) mais absentes de l'archive",
        "version v3 absente alors que des versions suivantes existent",
    ]


def test_an_index_of_ten_thousand_bad_lines_is_summed_up(project: Project) -> None:
    path = _writable(project.archive / SAMPLE / INDEX)
    path.write_bytes(b"oups\n" * 10_000)
    found = [p for p in verify_archive(project).errors if p.path == path]
    assert [p.line for p in found[:20]] == list(range(1, 21))
    assert len(found) == 21
    assert "et 9980 autres lignes fautives (10000 sur 10000)" in found[-1].message


def test_a_named_pipe_in_place_of_an_archived_file_is_found_without_waiting(
    project: Project,
) -> None:
    signed = _folder(project) / "signe.pdf"
    signed.unlink()
    os.mkfifo(signed)
    assert located_errors(project) == {("archive.unexpected", f"archive/{SAMPLE}/v2/signe.pdf")}
