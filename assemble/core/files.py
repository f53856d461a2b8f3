"""Writing files safely: only where a command may write, never half-written, readable by the team.

Every write goes through `write_files(files, scope)`: each target is checked against the
command's scope (see scope.py) before anything is written. Files are written to a temporary name
beside their target (see temporaries.py), flushed to disk, then renamed into place. New files
take the permissions of the umask, like any file a drafter creates.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path

from .errors import CpomError
from .scope import Scope, normal
from .temporaries import clean_stale_temporaries, temp_name


def check_targets(targets: Iterable[Path], scope: Scope) -> None:
    """Refuse early, before any work, targets outside the scope or behind a file."""
    for target in targets:
        scope.place(target)
        for parent in normal(target).parents:
            if os.path.lexists(parent):
                if not parent.is_dir():
                    raise write_error(OSError(errno.ENOTDIR, "not a directory"), target)
                break


def write_files(files: Mapping[Path, bytes], scope: Scope) -> None:
    """Write each file to a temporary name beside it, then rename each into place.

    Nothing is replaced until every file is written in full: a failure (a full disk, a refused
    folder) leaves the previous files as they were and no temporary behind.
    """
    pending: dict[Path, bytes] = {}
    for path, data in files.items():
        if scope.place(path).kind == "append" and os.path.lexists(path):
            if _same_content(path, data):
                continue  # already there: content-addressed entries are written once
            raise CpomError.one(
                "io.write",
                "ce fichier de l'historique existe déjà avec un autre contenu ; l'historique "
                "n'est jamais réécrit",
                path,
                hint="restaurez history/ depuis git",
            )
        pending[path] = data
    staged: list[tuple[Path, Path]] = []
    current = next(iter(pending), Path("."))
    try:
        for folder in dict.fromkeys(p.parent for p in pending):
            current = folder
            _make_folder(folder)
            clean_stale_temporaries(folder)
        for path, data in pending.items():
            current = path
            temp = temp_name(path)
            staged.append((temp, path))
            _write_new(temp, data)
        for temp, path in staged:
            current = path
            os.replace(temp, path)
        for folder in dict.fromkeys(p.parent for p in pending):
            _sync_folder(folder)
    except OSError as exc:
        raise write_error(exc, current) from None
    finally:
        for temp, _ in staged:
            with suppress(OSError):
                os.unlink(temp)


def write_error(exc: OSError, path: Path) -> CpomError:
    """A located error for a write the system refused: rights, disk space, a file in the way."""
    where = path
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return CpomError.one(
            "io.disk-full",
            "disque plein (ou quota atteint) : écriture interrompue",
            where,
            hint="libérez de la place (make clean supprime build/), puis relancez ; aucun "
            "fichier n'a été remplacé",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "système de fichiers en lecture seule" if exc.errno == errno.EROFS else ""
        return CpomError.one(
            "io.permission",
            "écriture refusée" + (f" ({reason})" if reason else ""),
            where,
            hint="rendez le dossier accessible en écriture (chmod u+w) ou demandez-le à son "
            "propriétaire, puis relancez",
        )
    blocker = _file_in_the_way(where)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and blocker is not None:
        return CpomError.one(
            "io.not-a-directory",
            f"{blocker} est un fichier, là où un dossier est attendu",
            blocker,
            hint="déplacez ou supprimez ce fichier : la commande y crée un dossier",
        )
    if exc.errno == errno.EISDIR:
        return CpomError.one(
            "io.not-a-directory",
            "un dossier occupe la place de ce fichier",
            where,
            hint="déplacez ou supprimez ce dossier, puis relancez",
        )
    return CpomError.one(
        "io.write",
        f"écriture impossible : {exc.strerror or exc}",
        where,
        hint="vérifiez le dossier indiqué (droits, place, nom), puis relancez",
    )


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _write_new(temp: Path, data: bytes) -> None:
    # O_EXCL and O_NOFOLLOW: never through a planted file or link; 0o666 lets the umask decide.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temp, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest ancestor of `path` (or `path` itself) that exists and is not a folder."""
    for candidate in [path, *path.parents]:
        if os.path.lexists(candidate):
            return None if candidate.is_dir() else candidate
    return None
