"""Looking at the archive's files without trusting them: no symbolic link is ever followed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Problem


def kind_of(path: Path) -> str | None:
    """What is at a path, without following a symbolic link: file, dir, symlink, other or None."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def stray(path: Path, kind: str | None) -> Problem:
    if kind == "symlink":
        target = os.readlink(path)
        return Problem(
            "archive.symlink", f"lien symbolique (vers « {target} ») à la place d'un original", path
        )
    what = "dossier inattendu" if kind == "dir" else "fichier inattendu"
    return Problem("archive.unexpected", f"{what} dans l'archive", path)


def read_archived(path: Path, problems: list[Problem]) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem("archive.unreadable", f"fichier archivé illisible ({exc.strerror})", path)
        )
        return None


def listed(folder: Path, problems: list[Problem]) -> list[Path]:
    """A folder's entries, sorted; an unreadable folder is a finding, not a crash."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        problems.append(
            Problem("archive.unreadable", f"dossier archivé illisible ({exc.strerror})", folder)
        )
        return []
