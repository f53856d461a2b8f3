"""The drafters' repository: where each kind of file lives, and where each command may write.

Layout only: paths, the names of versions, the scopes of writes. Reading a lock or composing a
contract belongs to the stages that use this layout.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .contract.files import CONTRACT_FILE
from .core import names
from .core.cache import Cache
from .core.errors import UsageError
from .core.reading import not_a_file, unreadable
from .core.scope import Scope

if TYPE_CHECKING:  # the history loads the clause model: imported when first used
    from .library.history import History

DRAFT = "projet"  # the working draft, as a version name
LOCK_FILE = "cpom.lock.json"
VERSIONS = "versions"  # contracts/<id>/versions/: the locks of recorded versions
STIPULATIONS = "clauses"  # contracts/<id>/clauses/: the stipulations proper to a contract


@dataclass(frozen=True)
class Project:
    """Where a drafters' repository keeps each kind of file."""

    root: Path
    output: Path | None = None  # where builds go; build/ under the root by default
    # Results kept between runs (core/cache.py): none, unless CPOM_CACHE names a folder; the
    # command line uses the user's cache folder (Cache.of_user).
    cache: Cache = field(default_factory=lambda: Cache.named())

    @property
    def clauses(self) -> Path:
        return self.root / "clauses"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def contracts(self) -> Path:
        return self.root / "contracts"

    @property
    def build(self) -> Path:
        return self.output or self.root / "build"

    @property
    def history(self) -> History:
        from .library.history import History

        return History(self.root / "history")

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def build_scope(self, contract_id: str) -> Scope:
        """Where a build of one contract may write: its build folder only."""
        contract_id = names.contract_id(contract_id)
        if self.output is not None:
            return Scope.folder(self.output, contract_id)
        return Scope.folder(self.root, "build", contract_id)

    def build_file_scope(self, name: str) -> Scope:
        """One file directly under build/ (status.html)."""
        if self.output is not None:
            return Scope.file(self.output, name)
        return Scope.file(self.root, "build", name)

    def draft_scope(self, contract_id: str) -> Scope:
        """A draft's build: its build folder and its own lock (history writes on its own)."""
        lock = Scope.file(self.root, "contracts", names.contract_id(contract_id), LOCK_FILE)
        return self.build_scope(contract_id) + lock

    def versions_scope(self, contract_id: str) -> Scope:
        """The locks of a contract's recorded versions."""
        return Scope.folder(self.root, "contracts", names.contract_id(contract_id), VERSIONS)

    def archived_versions(self, contract_id: str) -> list[str]:
        """Signed versions kept in the archive, oldest first."""
        folder = self.archive / names.contract_id(contract_id)
        if not folder.is_dir():
            return []
        found = [p.name for p in folder.iterdir() if p.is_dir() and _is_version(p.name)]
        return sorted(found, key=_version_number)

    def contract_ids(self) -> list[str]:
        return sorted(
            p.parent.name for p in self.contracts.glob(f"*/{CONTRACT_FILE}") if p.is_file()
        )

    def contract_folder(self, contract_id: str) -> Path:
        folder = names.within(self.contracts / names.contract_id(contract_id), self.contracts)
        data = folder / CONTRACT_FILE
        if os.path.lexists(data):
            names.within(data, folder)  # the data is read from its folder, not through a link
            try:
                mode = data.stat().st_mode
            except OSError as exc:  # a link to nothing
                raise unreadable(data, exc) from None
            if not stat.S_ISREG(mode):
                raise not_a_file(data, mode)
        else:
            known = ", ".join(self.contract_ids()) or "aucun"
            raise UsageError.one(
                "usage.contract",
                f"contrat « {contract_id} » introuvable",
                self.contracts,
                hint=f"contrats connus : {known}",
            )
        return folder

    def stipulations(self, contract_id: str) -> Path:
        """contracts/<id>/clauses/: the stipulations proper to one contract."""
        return self.contracts / names.contract_id(contract_id) / STIPULATIONS

    def stipulations_scope(self, contract_id: str) -> Scope:
        """Where a stipulation may be written: the contract's own clauses folder."""
        return Scope.folder(self.root, "contracts", names.contract_id(contract_id), STIPULATIONS)

    def lock_path(self, contract_id: str) -> Path:
        return self.contracts / names.contract_id(contract_id) / LOCK_FILE

    def version_lock_path(self, contract_id: str, version: str) -> Path:
        version = names.version_name(version, draft=False)
        return self.contracts / names.contract_id(contract_id) / VERSIONS / f"{version}.lock.json"

    def recorded_versions(self, contract_id: str) -> list[str]:
        """Recorded versions of a contract, archived (signed) or not, oldest first: v1, v2…"""
        folder = self.contracts / names.contract_id(contract_id) / VERSIONS
        found = {p.name.removesuffix(".lock.json") for p in folder.glob("v*.lock.json")}
        found |= set(self.archived_versions(contract_id))
        return sorted((n for n in found if _is_version(n)), key=_version_number)


def _is_version(name: str) -> bool:
    return names.is_version(name)


def _version_number(name: str) -> int:
    return names.version_number(name)


@dataclass(frozen=True)
class Outputs:
    markdown: Path
    docx: Path
    pdf: Path

    @classmethod
    def of(cls, folder: Path, stem: str) -> Outputs:
        return cls(folder / f"{stem}.md", folder / f"{stem}.docx", folder / f"{stem}.pdf")

    def paths(self) -> tuple[Path, Path, Path]:
        return (self.markdown, self.docx, self.pdf)
