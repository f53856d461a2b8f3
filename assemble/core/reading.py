"""Reading input files: regular files only, bounded, UTF-8, every failure located.

A path that is not a regular file (a folder, a named pipe, a device such as /dev/zero) is
refused before it is read: a pipe would block the command forever, a device never ends. A text
is UTF-8, without the byte order mark some Windows editors add, and without control characters
(NUL, escape…) that a copy and paste can carry invisibly into a contract.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .errors import CpomError
from .limits import DATA_FILE_BYTES, Limit


def read_bytes(path: Path, limit: Limit = DATA_FILE_BYTES) -> bytes:
    """The bytes of an input file, refused if it is larger than `limit` or cannot be read."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below.
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK
        with os.fdopen(os.open(path, flags), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise not_a_file(path, status.st_mode)
            if status.st_size > limit.value:
                raise _too_large(path, status.st_size, limit)
            data = handle.read(limit.value + 1)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if len(data) > limit.value:  # a file that grew, or a special file without a size
        raise _too_large(path, len(data), limit)
    return data


def read_text(path: Path, limit: Limit = DATA_FILE_BYTES) -> str:
    """The text of an input file; bytes that are not UTF-8 are an error at their line."""
    return decode(read_bytes(path, limit), path)


BOM = "\ufeff"
# C0 controls but tab, line feed and carriage return, and DEL: never part of a contract's text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text without its byte order mark; a control character is an error at its line."""
    text = _utf8(data, path).removeprefix(BOM)
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise CpomError.one(
            "input.control-character",
            f"caractère de contrôle U+{ord(found.group()):04X} (colonne {column}) interdit dans "
            "un fichier texte",
            path,
            line,
            "supprimez ce caractère invisible (souvent issu d'un copier-coller)",
        )
    return text


def _utf8(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CpomError.one(
            "input.encoding",
            f"octet 0x{data[exc.start]:02X} (colonne {column}) : le fichier n'est pas en UTF-8",
            path,
            line,
            "enregistrez le fichier en UTF-8 (dans l'éditeur : Enregistrer sous… > Encodage "
            "UTF-8) ; un fichier venu de Word ou d'un ancien éditeur est souvent en Latin-1",
        ) from None


def not_a_file(path: Path, mode: int) -> CpomError:
    """A located error for a path that is there but is not a regular file."""
    if stat.S_ISDIR(mode):
        return CpomError.one(
            "input.unreadable",
            "un dossier occupe la place de ce fichier",
            path,
            hint="remplacez ce dossier par le fichier attendu (restaurez-le depuis git)",
        )
    return CpomError.one(
        "input.unreadable",
        "ce n'est pas un fichier ordinaire (tube nommé, périphérique ou socket) : il ne peut "
        "pas être lu comme un fichier",
        path,
        hint="remplacez-le par le fichier attendu (restaurez-le depuis git)",
    )


def unreadable(path: Path, exc: OSError) -> CpomError:
    """A located error for a file the system refuses to read."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return CpomError.one(
            "input.unreadable",
            "lecture refusée : vous n'avez pas le droit de lire ce fichier",
            path,
            hint="rendez le fichier lisible (chmod a+r), ou demandez-le à son propriétaire",
        )
    if exc.errno == errno.EISDIR:
        return CpomError.one(
            "input.unreadable",
            "un dossier occupe la place de ce fichier",
            path,
            hint="remplacez ce dossier par le fichier attendu (restaurez-le depuis git)",
        )
    if exc.errno == errno.ENOENT:
        return CpomError.one(
            "input.unreadable",
            "fichier introuvable",
            path,
            hint="restaurez-le depuis git, ou vérifiez le nom du dossier",
        )
    return CpomError.one(
        "input.unreadable",
        f"lecture impossible : {exc.strerror or exc}",
        path,
        hint="vérifiez le fichier (droits, disque), ou restaurez-le depuis git",
    )


def _too_large(path: Path, size: int, limit: Limit) -> CpomError:
    return CpomError.one(
        "input.too-large",
        f"fichier de {_size(size)}, au-delà de la limite de {_size(limit.value)} ({limit.why})",
        path,
        hint="vérifiez que c'est le bon fichier",
    )


def _size(count: int) -> str:
    return f"{count // 2**20} Mo" if count >= 10 * 2**20 else f"{count // 1024} Ko"
