"""Reading input files: bounded in size, decoded as UTF-8, every failure located."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import CpomError
from .limits import DATA_FILE_BYTES, Limit


def read_bytes(path: Path, limit: Limit = DATA_FILE_BYTES) -> bytes:
    """The bytes of an input file, refused if it is larger than `limit` or cannot be read."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_CLOEXEC), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit.value:
                raise _too_large(path, size, limit)
            data = handle.read(limit.value + 1)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if len(data) > limit.value:  # a file that grew, or a special file without a size
        raise _too_large(path, len(data), limit)
    return data


def read_text(path: Path, limit: Limit = DATA_FILE_BYTES) -> str:
    """The text of an input file; bytes that are not UTF-8 are an error at their line."""
    return decode(read_bytes(path, limit), path)


def decode(data: bytes, path: Path) -> str:
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
        f"fichier de {size // 1024} Ko, au-delà de la limite de {limit.value // 1024} Ko "
        f"({limit.why})",
        path,
        hint="vérifiez que c'est le bon fichier ; découpez un texte trop long",
    )
