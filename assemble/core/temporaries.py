"""Temporary files and folders, named after the process that writes them.

A killed build (kill -9, a full disk at the wrong moment) leaves its temporaries behind; the
next run that writes into the same folder removes those whose process is gone, and leaves alone
those of a build still running (the pid in the name, checked on this machine). The same goes
for the private folders a build works in, in the system's temporary folder (typst's sources,
the templates of a recorded version, the bench's copies): `private_folder` removes those of
killed processes before making its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMP = re.compile(r"\.(?P<name>.+)\.cpom-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]+\.tmp")
# Temporaries of earlier versions of the tool (tempfile.mkstemp), cleaned once surely abandoned.
_LEGACY_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}")
_LEGACY_AGE = 3600.0


def temp_name(path: Path) -> Path:
    token = secrets.token_hex(4)
    return path.with_name(f".{path.name}.cpom-{_HOST}-{os.getpid()}-{token}.tmp")


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


_FOLDER = re.compile(r"cpom-(?P<purpose>[a-z]+)-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-.+")


@contextlib.contextmanager
def private_folder(purpose: str) -> Iterator[Path]:
    """A fresh folder in the system's temporary folder, removed on the way out; the folders a
    killed process of this tool left there are removed first."""
    base = Path(tempfile.gettempdir())
    clean_stale_folders(base)
    path = Path(tempfile.mkdtemp(prefix=f"cpom-{purpose}-{_HOST}-{os.getpid()}-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def clean_stale_folders(base: Path) -> list[Path]:
    """Remove the private folders that dead processes of this tool left in `base`."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        match = _FOLDER.fullmatch(entry.name)
        if match is None or match["host"] != _HOST or _alive(int(match["pid"])):
            continue
        with suppress(OSError):
            status = entry.stat(follow_symlinks=False)
            # Only real folders of this user: never through a link, never someone else's.
            if stat.S_ISDIR(status.st_mode) and status.st_uid == os.geteuid():
                shutil.rmtree(entry.path)
                removed.append(Path(entry.path))
    return removed
