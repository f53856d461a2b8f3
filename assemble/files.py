"""Writing files safely: only where a command may write, never half-written, readable by the team.

Every write goes through `write_files(files, scope)`. The scope names the places the command
owns — a folder (`build/<id>/`), a single file (`contracts/<id>/cpom.lock.json`) or an
append-only folder (`history/`) — each under a trusted anchor (the repository root). Every target
is checked before anything is written: it must lie under one of the places once symlinks are
resolved, and no symlink between the anchor and the place may lead elsewhere. Files are written to
a temporary name beside their target (named after this process, so that a later run can tell a
dead build's leftovers from a running one's), flushed to disk, then renamed into place. New files
take the permissions of the umask, like any file a drafter creates.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from .errors import CpomError, UsageError

Kind = Literal["folder", "file", "append"]
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMP = re.compile(r"\.(?P<name>.+)\.cpom-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]+\.tmp")
# Temporaries of earlier versions of the tool (tempfile.mkstemp), cleaned once surely abandoned.
_LEGACY_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}")
_LEGACY_AGE = 3600.0


@dataclass(frozen=True)
class Area:
    """One place a command may write: `relative` under the trusted folder `anchor`."""

    anchor: Path
    relative: PurePath
    kind: Kind

    @property
    def lexical(self) -> Path:
        return _normal(self.anchor / self.relative)

    def holds(self, target: Path) -> bool:
        if self.kind == "file":
            return target == self.lexical
        return target.is_relative_to(self.lexical) and target != self.lexical


@dataclass(frozen=True)
class Scope:
    """The places one command may write to; anything else is refused before writing."""

    areas: tuple[Area, ...]

    @classmethod
    def folder(cls, anchor: Path, *parts: str) -> Scope:
        return cls((Area(anchor, PurePath(*parts), "folder"),))

    @classmethod
    def file(cls, anchor: Path, *parts: str) -> Scope:
        return cls((Area(anchor, PurePath(*parts), "file"),))

    @classmethod
    def append_only(cls, anchor: Path, *parts: str) -> Scope:
        return cls((Area(anchor, PurePath(*parts), "append"),))

    def __add__(self, other: Scope) -> Scope:
        return Scope(self.areas + other.areas)

    def check(self, targets: Iterable[Path]) -> None:
        """Refuse early, before any work, targets outside the scope or behind a file."""
        for target in targets:
            self.place(target)
            for parent in _normal(target).parents:
                if os.path.lexists(parent):
                    if not parent.is_dir():
                        raise write_error(OSError(errno.ENOTDIR, "not a directory"), target)
                    break

    def place(self, target: Path) -> Area:
        """The area that allows writing `target`; refuse (exit 2) if none does."""
        lexical = _normal(target)
        for area in self.areas:
            if area.holds(lexical):
                _check_real(area, lexical)
                return area
        places = ", ".join(str(a.relative) for a in self.areas)
        raise UsageError.one(
            "usage.path",
            f"écriture refusée hors des dossiers de cette commande ({places})",
            target,
            hint="un identifiant ou un nom de version mène hors de son dossier : donnez un nom "
            "simple (minuscules, chiffres, tirets)",
        )


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
            temp = _temp_name(path)
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


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries that a killed or failed run left in `folder`; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if _abandoned(entry, now):
            with suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


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


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def _check_real(area: Area, target: Path) -> None:
    """Refuse a target that symlinks lead out of its area (or an area reached by a symlink)."""
    expected = Path(os.path.realpath(area.anchor)) / area.relative
    folder = expected.parent if area.kind == "file" else expected
    lexical_folder = area.lexical.parent if area.kind == "file" else area.lexical
    real_target = Path(os.path.realpath(target))
    inside = real_target == expected if area.kind == "file" else real_target.is_relative_to(folder)
    if Path(os.path.realpath(lexical_folder)) == folder and inside:
        return
    link = next(_symlinks(area.anchor, target), target)
    raise UsageError.one(
        "usage.path",
        f"lien symbolique vers {os.path.realpath(link)} : l'écriture sortirait de {area.relative}",
        link,
        hint="remplacez ce lien par un vrai dossier ou fichier ; la commande n'écrit jamais "
        "hors de son dossier",
    )


def _symlinks(anchor: Path, target: Path) -> Iterator[Path]:
    """The symlinks on the way from `anchor` to `target`, nearest first."""
    path = _normal(anchor)
    for part in _normal(target).relative_to(path).parts:
        path = path / part
        if path.is_symlink():
            yield path


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _temp_name(path: Path) -> Path:
    token = secrets.token_hex(4)
    return path.with_name(f".{path.name}.cpom-{_HOST}-{os.getpid()}-{token}.tmp")


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


def _abandoned(entry: os.DirEntry[str], now: float) -> bool:
    if not entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
        return False
    match = _TEMP.fullmatch(entry.name)
    if match:
        return match["host"] == _HOST and not _alive(int(match["pid"]))
    legacy = _LEGACY_TEMP.fullmatch(entry.name)
    if legacy and Path(entry.path).with_name(legacy["name"]).suffix in _LEGACY_SUFFIXES:
        with suppress(OSError):
            return now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE
    return False


_LEGACY_SUFFIXES = frozenset({".md", ".docx", ".pdf", ".json", ".html", ".yaml"})


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OverflowError:
        return False
    return True


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest ancestor of `path` (or `path` itself) that exists and is not a folder."""
    for candidate in [path, *path.parents]:
        if os.path.lexists(candidate):
            return None if candidate.is_dir() else candidate
    return None
