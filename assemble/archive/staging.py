"""Writing into the archive: staging folders in `archive/.en-cours/`, read-only files, locks.

A version is written in a staging folder, then renamed into place.
Each staging folder is named `<id>-<version>-<pid>-<random>` and stays locked (flock) by the
process writing it for as long as it exists. A folder nobody holds a lock on, whose process is
gone (or which is older than an hour, against pid reuse), is what a killed archive left: the
next archive removes it, and `verify` reports it without touching it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.scope import Scope

STAGING = ".en-cours"
STALE_AFTER = 3600.0  # seconds; only for folders whose process id may have been reused
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*?-v\d+-(?:(?P<pid>\d+)-)?[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Stale:
    path: Path
    reason: str


def check_archive_targets(archive: Path, *targets: Path) -> None:
    """Refuse (exit 2) to write through a symlink that leads out of `archive/`: the archive
    itself, its staging folder or a contract's folder linked elsewhere."""
    scope = Scope.folder(archive.parent, archive.name)
    for target in (*targets, archive / STAGING / "x"):
        scope.place(target)


def failed_at(exc: OSError, archive: Path, instead: Path) -> Path:
    """Where a refused write is reported: the file the system named, but `instead` (what is
    being archived) when that file was inside the staging area, a name nobody knows."""
    failed = Path(exc.filename) if exc.filename else instead
    return instead if failed.is_relative_to(archive / STAGING) else failed


@contextlib.contextmanager
def staging_folder(archive: Path, contract_id: str, version: str) -> Iterator[Path]:
    """A fresh staging folder, locked while the caller fills and renames it; removed on failure."""
    root = archive / STAGING
    check_archive_targets(archive)
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{contract_id}-{version}-{os.getpid()}-", dir=root))
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield path
    finally:
        # After a successful rename `path` no longer exists; after a failure it must not remain.
        shutil.rmtree(path, ignore_errors=True)
        os.close(handle)


def stale_staging(archive: Path) -> list[Stale]:
    """What killed archives left in the staging area; folders of running archives are skipped."""
    root = archive / STAGING
    if not root.is_dir() or root.is_symlink():
        return []
    stale = []
    for path in sorted(root.iterdir()):
        reason = _stale_reason(path)
        if reason is not None:
            stale.append(Stale(path, reason))
    return stale


def remove_stale(archive: Path) -> list[Path]:
    """Remove the staging folders of killed archives; return what was removed."""
    removed = []
    for stale in stale_staging(archive):
        if stale.path.is_dir() and not stale.path.is_symlink():
            if not _NAME.match(stale.path.name):
                continue  # not one of ours: verify reports it, nobody removes it blindly
            with _held(stale.path) as held:
                if not held:
                    continue  # an archive took it meanwhile
                shutil.rmtree(stale.path, ignore_errors=True)
            removed.append(stale.path)
    return removed


def _stale_reason(path: Path) -> str | None:
    if path.is_symlink() or not path.is_dir():
        return "élément inattendu dans le dossier d'archivage en cours"
    match = _NAME.match(path.name)
    if match is None:
        return "dossier inattendu dans le dossier d'archivage en cours"
    with _held(path) as held:
        if not held:
            return None  # a running archive holds it
    pid = match.group("pid")
    age = time.time() - path.lstat().st_mtime
    if pid is not None and not _alive(int(pid)):
        return f"archivage interrompu (processus {pid} terminé)"
    if age > STALE_AFTER:
        return f"archivage interrompu il y a plus de {int(STALE_AFTER // 60)} minutes"
    return None


@contextlib.contextmanager
def _held(path: Path) -> Iterator[bool]:
    """Try to take the folder's lock without waiting: True when nobody else holds it."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(handle)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


@contextlib.contextmanager
def locked_folder(path: Path) -> Iterator[None]:
    """Hold a folder's lock (waiting for it): one archiving of a contract at a time."""
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def write_archived_file(path: Path, data: bytes) -> None:
    """Write a file for good: flushed to disk, then read-only for everyone."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o444)


def make_folder(path: Path) -> None:
    """Create an archive folder, readable by the team whatever the umask."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o755)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames into it) to disk."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
