"""Looking at the archive's files without trusting them: no symbolic link is ever followed."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..core.errors import Problem
from ..core.limits import Limit


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


def read_archived(path: Path, problems: list[Problem], limit: Limit) -> bytes | None:
    """An archived file's bytes, never through a link, never beyond `limit`."""
    try:
        with _open(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit.value:
                problems.append(_too_large(path, size, limit))
                return None
            data = handle.read(limit.value + 1)
    except OSError as exc:
        problems.append(_unreadable(path, exc))
        return None
    if len(data) > limit.value:
        problems.append(_too_large(path, len(data), limit))
        return None
    return data


def hash_archived(path: Path, problems: list[Problem]) -> str | None:
    """The SHA-256 of an archived file, read by blocks: a huge file costs time, not memory."""
    digest = hashlib.sha256()
    try:
        with _open(path) as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        problems.append(_unreadable(path, exc))
        return None
    return digest.hexdigest()


def _open(path: Path) -> BinaryIO:
    """Open a regular file without following a link and without waiting on a pipe."""
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    handle = os.fdopen(os.open(path, flags), "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "pas un fichier ordinaire", str(path))
    return handle


def _unreadable(path: Path, exc: OSError) -> Problem:
    reasons = {
        errno.EACCES: "lecture refusée",
        errno.EPERM: "lecture refusée",
        errno.ELOOP: "lien symbolique",
        errno.EISDIR: "c'est un dossier",
        errno.EINVAL: "ce n'est pas un fichier ordinaire",
        errno.ENOENT: "fichier disparu pendant la vérification",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or "erreur de lecture")
    return Problem("archive.unreadable", f"fichier archivé illisible ({reason})", path)


def _too_large(path: Path, size: int, limit: Limit) -> Problem:
    return Problem(
        "archive.too-large",
        f"fichier de {size // 2**20} Mo, au-delà de {limit.value // 2**20} Mo : {limit.why}",
        path,
    )


def listed(folder: Path, problems: list[Problem]) -> list[Path]:
    """A folder's entries, sorted; an unreadable folder is a finding, not a crash."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        reason = "lecture refusée" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror
        problems.append(
            Problem("archive.unreadable", f"dossier archivé illisible ({reason})", folder)
        )
        return []
