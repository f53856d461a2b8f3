"""Names are names: a contract id, a version or an avenant number never becomes a path.

Every name that reaches a path — from the command line or from a file the tool reads — passes
here first. A name that could climb out of its folder (`..`, `/`, an absolute path) is refused
before any file is opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import CpomError, UsageError

CONTRACT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
CLAUSE_ID = CONTRACT_ID
VERSION = re.compile(r"v[1-9][0-9]{0,3}")
DRAFT = "projet"
DIGEST = re.compile(r"[0-9a-f]{64}")


def contract_id(name: str) -> str:
    """A contract id as given on the command line; exit 2 if it is not a plain name."""
    if CONTRACT_ID.fullmatch(name):
        return name
    raise UsageError.one(
        "usage.name",
        f"« {name} » n'est pas un identifiant de contrat",
        hint="un identifiant est le nom d'un dossier de contracts/ : minuscules, chiffres et "
        "tirets, sans « / » ni « .. » (par exemple C=association-horizons)",
    )


def version_name(name: str, *, draft: bool = True) -> str:
    """A version as given on the command line: v1, v2… or, where it makes sense, projet."""
    if VERSION.fullmatch(name) or (draft and name == DRAFT):
        return name
    allowed = "projet, v1, v2…" if draft else "v1, v2…"
    raise UsageError.one(
        "usage.name",
        f"« {name} » n'est pas un nom de version",
        hint=f"une version s'écrit {allowed} (VERSION=v1, FROM=v1 TO=projet)",
    )


def version_number(name: str) -> int:
    return int(name[1:])


def is_version(name: str) -> bool:
    return VERSION.fullmatch(name) is not None


def clause_id(name: str) -> str:
    """A clause id as given on the command line (cpom history, status --clause)."""
    if CLAUSE_ID.fullmatch(name):
        return name
    raise UsageError.one(
        "usage.name",
        f"« {name} » n'est pas un identifiant de clause",
        hint="l'identifiant d'une clause est son champ id : minuscules, chiffres et tirets",
    )


def checked_in_file(value: object, pattern: re.Pattern[str], what: str, path: Path) -> str:
    """A name read from a file written by the tool (a lock); refused if it is not a name."""
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    raise CpomError.one(
        "lock.invalid",
        f"{what} invalide : « {value} »",
        path,
        hint="ce fichier est écrit par l'outil ; restaurez-le depuis git",
    )


def check_arguments(args: object) -> None:
    """Check every name given on the command line before any command runs (exit 2)."""
    for attribute in ("contrat",):
        value = getattr(args, attribute, None)
        if isinstance(value, str):
            contract_id(value)
    for value in getattr(args, "contrats", None) or []:
        contract_id(value)
    version = getattr(args, "version", None)
    if isinstance(version, str):
        version_name(version)
    for attribute in ("before", "after"):
        value = getattr(args, attribute, None)
        if isinstance(value, str) and value not in _ALIASES:
            version_name(value)
    clause = getattr(args, "clause", None)
    if isinstance(clause, str):
        clause_id(clause)


_ALIASES = frozenset({"draft"})  # redline accepts the English name of the draft too


def within(path: Path, folder: Path) -> Path:
    """`path`, refused (exit 2) if symlinks lead it out of `folder`."""
    real = Path(os.path.realpath(path))
    if real.is_relative_to(os.path.realpath(folder)):
        return path
    raise UsageError.one(
        "usage.path",
        f"lien symbolique vers {real}, hors de {folder.name}/",
        path,
        hint=f"remplacez ce lien par le fichier ou le dossier lui-même, dans {folder.name}/",
    )
