"""The archive against git: what was committed stays, unchanged, in the working tree and history.

When the repository is a git checkout, git is the witness the archive itself cannot be: a version
deleted together with its index line, or a manifest rewritten together with the index, still
differs from what was committed. Checked here, read-only (no optional git locks):
- committed archive files deleted or rewritten in the working tree (the index may only grow);
- archive files not committed yet (a warning: commit them);
- any commit that ever modified or deleted an archive file, and any committed index that is not
  a prefix of the next one.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from pathlib import Path

from ..core.errors import Problem
from .index import INDEX
from .staging import STAGING


def compare_with_git(archive: Path) -> list[Problem]:
    """Findings from git; none when the project is not a git checkout or git is missing."""
    top = _toplevel(archive.parent)
    if top is None:
        return []
    try:
        rel = archive.resolve().relative_to(top).as_posix()
    except ValueError:
        return []
    problems: list[Problem] = []
    uncommitted: list[str] = []
    if _git(top, "rev-parse", "--verify", "--quiet", "HEAD") is not None:
        problems += _working_tree(top, rel, uncommitted)
        problems += _history(top, rel)
    listed = _git(top, "ls-files", "--others", "-z", "--", rel) or ""
    uncommitted += [p for p in listed.split("\0") if p and not _staging(p, rel)]
    return problems + _uncommitted(top, uncommitted)


def _working_tree(top: Path, rel: str, uncommitted: list[str]) -> list[Problem]:
    output = _git(top, "diff", "--no-renames", "--name-status", "-z", "HEAD", "--", rel) or ""
    fields = output.split("\0")
    problems = []
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if status == "A" or (status in ("M", "T") and _grown_index(top, path)):
            uncommitted.append(path)
        elif status == "D":
            problems.append(
                Problem(
                    "archive.git-deleted",
                    "fichier archivé validé dans git, supprimé de la copie de travail",
                    top / path,
                    hint=f"restaurez-le : git checkout HEAD -- {path}",
                )
            )
        elif status:
            problems.append(
                Problem(
                    "archive.git-rewritten",
                    "fichier archivé différent de sa version validée dans git",
                    top / path,
                    hint=f"restaurez-le : git checkout HEAD -- {path}",
                )
            )
    return problems


def _grown_index(top: Path, path: str) -> bool:
    """An index appended to since the last commit (new versions not committed yet)."""
    if not path.endswith(f"/{INDEX}"):
        return False
    committed = _git_bytes(top, "show", f"HEAD:{path}")
    try:
        current = (top / path).read_bytes()
    except OSError:
        return False
    return committed is not None and current.startswith(committed)


def _history(top: Path, rel: str) -> list[Problem]:
    log = (
        _git(
            top,
            "log",
            "--no-renames",
            "--diff-filter=DMT",
            "--name-status",
            "--format=%x01%h %s",
            "--",
            rel,
        )
        or ""
    )
    problems = []
    commit = ""
    for line in log.splitlines():
        if line.startswith("\x01"):
            sha, _, subject = line[1:].partition(" ")
            commit = f"{sha} « {subject} »"
            continue
        status, _, path = line.partition("\t")
        if not path or (status == "M" and path.endswith(f"/{INDEX}")):
            continue  # an index grows by commits; its prefix rule is checked below
        verb = "supprimé" if status == "D" else "modifié"
        problems.append(
            Problem(
                "archive.git-history",
                f"l'historique git a {verb} ce fichier archivé (commit {commit})",
                top / path,
            )
        )
    return problems + _index_history(top, rel)


def _index_history(top: Path, rel: str) -> list[Problem]:
    """Each committed state of every index must be a prefix of the next one."""
    names = _git(top, "log", "--no-renames", "--name-only", "--format=", "--", rel) or ""
    problems = []
    for path in sorted({n for n in names.splitlines() if n.endswith(f"/{INDEX}")}):
        commits = _git(top, "log", "--reverse", "--no-renames", "--format=%h", "--", path) or ""
        before: bytes | None = None
        for commit in commits.split():
            content = _git_bytes(top, "show", f"{commit}:{path}")
            if content is None:
                before = None  # deleted in that commit: reported as a deletion
                continue
            if before is not None and not content.startswith(before):
                problems.append(
                    Problem(
                        "archive.git-history",
                        f"le commit {commit} a réécrit des lignes de l'index (il ne peut que "
                        "s'allonger)",
                        top / path,
                    )
                )
            before = content
    return problems


def _uncommitted(top: Path, paths: list[str]) -> list[Problem]:
    folders: dict[str, int] = defaultdict(int)
    for path in paths:
        folders[path if path.endswith(f"/{INDEX}") else path.rsplit("/", 1)[0]] += 1
    return [
        Problem(
            "archive.uncommitted",
            "index des versions pas encore validé dans git"
            if folder.endswith(f"/{INDEX}")
            else f"{count} fichier{_s(count)} archivé{_s(count)} pas encore validé{_s(count)} "
            "dans git",
            top / folder,
        )
        for folder, count in sorted(folders.items())
    ]


def _s(count: int) -> str:
    return "s" if count > 1 else ""


def _staging(path: str, rel: str) -> bool:
    return path.startswith(f"{rel}/{STAGING}/")


def _toplevel(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    top = _git(folder, "rev-parse", "--show-toplevel")
    return Path(top.strip()).resolve() if top else None


def _git(cwd: Path, *args: str) -> str | None:
    data = _git_bytes(cwd, *args)
    return None if data is None else data.decode("utf-8", errors="replace")


def _git_bytes(cwd: Path, *args: str) -> bytes | None:
    """Run a read-only git command; None when it fails or git is not installed."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
