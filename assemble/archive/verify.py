"""Checking the archive years later: nothing missing, added, renamed, linked or altered.

Read-only: nothing here writes (staging folders' locks are only probed). Every file and folder
under `archive/` must be expected; symbolic links are reported, never followed. Each version's
manifest is read as a typed model (a malformed one is a located finding), its files re-hashed,
its manifest checked against the previous version's (chain) and against the index (which covers
the latest one too), its PDF/A markers, lock and electronic signatures re-checked; then the
archive is compared with git when the repository is a checkout (archive_git.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem
from ..core.limits import INDEX_BYTES
from ..library.history import sha256
from ..lifecycle.manifest import MANIFEST, Manifest
from ..project import Project
from .fs import kind_of, listed, read_archived, stray
from .git import compare_with_git
from .index import INDEX, Index, read_index
from .staging import STAGING, stale_staging
from .verify_version import verify_version

CONTRACT_FOLDER = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VERSION_FOLDER = re.compile(r"^v[1-9][0-9]*$")


@dataclass(frozen=True)
class VersionReport:
    contract: str
    version: str
    manifest: Manifest | None
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not any(p.severity == "erreur" for p in self.problems)


@dataclass(frozen=True)
class Report:
    versions: tuple[VersionReport, ...]
    problems: tuple[Problem, ...]  # every finding, the versions' included

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "erreur"]


def verify_archive(project: Project) -> Report:
    """Check the whole archive; nothing is written."""
    root = project.archive
    versions: list[VersionReport] = []
    problems: list[Problem] = []
    kind = kind_of(root)
    if kind == "dir":
        for path in listed(root, problems):
            sub = kind_of(path)
            if path.name == STAGING and sub == "dir":
                continue
            if CONTRACT_FOLDER.match(path.name) and sub == "dir":
                found, found_problems = verify_contract(project, path.name, git=False)
                versions += found
                problems += found_problems
            else:
                problems.append(stray(path, sub))
        problems += [Problem("archive.staging", s.reason, s.path) for s in stale_staging(root)]
    elif kind is not None:
        problems.append(stray(root, kind))
    problems += compare_with_git(root)
    return Report(tuple(versions), tuple(problems))


def verify_contract(
    project: Project, contract_id: str, *, git: bool = True
) -> tuple[list[VersionReport], list[Problem]]:
    """Check one contract's archive: its index, then each version in order."""
    folder = project.archive / contract_id
    problems: list[Problem] = []
    reports: list[VersionReport] = []
    kind = kind_of(folder)
    if kind not in (None, "dir"):
        problems.append(stray(folder, kind))
    elif kind == "dir":
        reports, problems = _verify_versions(folder, contract_id)
    if git:
        mine = folder.resolve()
        problems += [
            p for p in compare_with_git(project.archive) if p.path and p.path.is_relative_to(mine)
        ]
    return reports, problems


def _verify_versions(folder: Path, contract_id: str) -> tuple[list[VersionReport], list[Problem]]:
    problems: list[Problem] = []
    numbered: dict[int, Path] = {}
    index_path = folder / INDEX
    for path in listed(folder, problems):
        kind = kind_of(path)
        if path.name == INDEX:
            continue  # whatever it is, _index() reports on it
        if VERSION_FOLDER.match(path.name) and kind == "dir":
            numbered[int(path.name[1:])] = path
        else:
            problems.append(stray(path, kind))
    index = _index(index_path, bool(numbered), problems)
    reports: list[VersionReport] = []
    previous: bytes | None = None
    indexed = index.count if index else 0
    top = max([*numbered, indexed], default=0)
    expected = 1
    # Versions present, in order; each gap (however large) is one finding, not one per number.
    for number in [*sorted(numbered), top + 1]:
        if number > expected:
            reports += _missing(folder, contract_id, expected, min(number, top + 1) - 1, indexed)
            previous = None
        if number > top:
            break
        expected = number + 1
        name = f"v{number}"
        version_folder = numbered[number]
        manifest, data, found = verify_version(version_folder, contract_id, previous)
        if index is not None:
            found += _against_index(index_path, index, number, manifest, data, version_folder)
        reports.append(VersionReport(contract_id, name, manifest, tuple(found)))
        previous = data
    problems += [p for report in reports for p in report.problems]
    return reports, problems


def _missing(
    folder: Path, contract_id: str, first: int, last: int, indexed: int
) -> list[VersionReport]:
    """Versions first to last absent: named by the index up to `indexed`, not beyond."""
    reports = []
    for start, end, named in (
        (first, min(last, indexed), True),
        (max(first, indexed + 1), last, False),
    ):
        if start > end:
            continue
        one = start == end
        names = f"v{start}" if one else f"v{start} à v{end}"
        s = "" if one else "s"
        what = f"version{s} {names}"
        if named:
            lines = f"ligne {start}" if one else f"lignes {start} à {end}"
            message = f"{what} inscrite{s} à l'index ({lines}) mais absente{s} de l'archive"
        else:
            message = f"{what} absente{s} alors que des versions suivantes existent"
        found = (Problem("archive.missing", message, folder / f"v{start}"),)
        reports.append(VersionReport(contract_id, names, None, found))
    return reports


def _index(path: Path, has_versions: bool, problems: list[Problem]) -> Index | None:
    kind = kind_of(path)
    if kind is None:
        if has_versions:
            problems.append(
                Problem(
                    "archive.index-missing",
                    "index des versions absent : rien ne couvre le manifeste de la dernière "
                    "version",
                    path,
                    hint="s'il a existé, restaurez-le depuis git ; pour une archive antérieure à "
                    f"l'index, make index C={path.parent.name} l'ajoute (sans toucher aux "
                    "versions)",
                )
            )
        return None
    if kind != "file":
        problems.append(stray(path, kind))
        return None
    data = read_archived(path, problems, INDEX_BYTES)
    if data is None:
        return None
    index = read_index(path, data)
    problems += index.problems
    return index


def _against_index(
    index_path: Path,
    index: Index,
    number: int,
    manifest: Manifest | None,
    data: bytes | None,
    folder: Path,
) -> list[Problem]:
    if number > index.count:
        return [
            Problem(
                "archive.unindexed",
                "version non inscrite à l'index",
                folder,
                hint="si elle vient d'un archivage interrompu, make index "
                f"C={folder.parent.name} l'inscrit après l'avoir vérifiée ; sinon retirez-la",
            )
        ]
    line = index.lines.get(number)
    if line is None or data is None:
        return []  # the malformed line or the missing manifest is already reported
    if sha256(data) != line.entry.manifeste_sha256:
        return [
            Problem(
                "archive.altered",
                f"manifeste différent de celui que l'index inscrit (ligne {number}) : l'un ou "
                "l'autre a été modifié depuis l'archivage",
                folder / MANIFEST,
            )
        ]
    entry = line.entry
    if manifest is not None and (
        (entry.version, entry.nature, entry.avenant, entry.date_signature)
        != (manifest.version, manifest.nature, manifest.avenant, manifest.date_signature)
    ):
        return [
            Problem(
                "archive.index",
                "la ligne ne reprend plus la version, la nature ou la date du manifeste archivé",
                index_path,
                number,
            )
        ]
    return []
