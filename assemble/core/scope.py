"""Where a command may write: its places, each under a trusted anchor, symlinks resolved.

A scope names the places a command owns — a folder (`build/<id>/`), a single file
(`contracts/<id>/cpom.lock.json`) or an append-only folder (`history/`) — each under a trusted
anchor (the repository root given by --racine). A target is allowed when it lies in one of the
places once symlinks are resolved, and when no symlink between the anchor and the place leads
elsewhere: `build/` linked to `archive/`, or a contract folder linked to another, is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from .errors import UsageError

Kind = Literal["folder", "file", "append"]


@dataclass(frozen=True)
class Area:
    """One place a command may write: `relative` under the trusted folder `anchor`."""

    anchor: Path
    relative: PurePath
    kind: Kind

    @property
    def lexical(self) -> Path:
        return normal(self.anchor / self.relative)

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

    def place(self, target: Path) -> Area:
        """The area that allows writing `target`; refuse (exit 2) if none does."""
        lexical = normal(target)
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


def normal(path: Path) -> Path:
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
    path = normal(anchor)
    for part in normal(target).relative_to(path).parts:
        path = path / part
        if path.is_symlink():
            yield path
