"""The history of the library: every published clause version, and templates by content hash.

Kept in the repository (`history/`), so that a fresh clone can rebuild any recorded contract
version with the texts it used. A clause version, once published, never changes: a clause
whose text differs from its published version without a new version number is an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CpomError, Problem
from ..core.files import write_files
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_bytes
from ..core.scope import Scope
from .clauses import Clause, clause_text, load_clause

CLAUSES = "clauses"
BLOBS = "blobs"
CONTRACTS = "contracts"  # history/contracts/<id>/clauses/: a contract's own stipulations


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class History:
    """The `history/` folder of a repository."""

    root: Path

    @property
    def scope(self) -> Scope:
        """The history only grows: new entries, never a rewritten one."""
        return Scope.append_only(self.root.parent, self.root.name)

    def clause_path(self, clause_id: str, version: int, contract: str | None = None) -> Path:
        """Where a clause version is published; a contract's own stipulation under its
        contract (`contract`), apart from the library's clause of the same id."""
        folder = self.root if contract is None else self.root / CONTRACTS / contract
        return folder / CLAUSES / clause_id / f"v{version}.md"

    def versions(self, clause_id: str, contract: str | None = None) -> list[int]:
        folder = self.clause_path(clause_id, 1, contract).parent
        if not folder.is_dir():
            return []
        # One listing, not Path.glob: composing asks this of every clause before each build.
        names = (n.removesuffix(".md") for n in os.listdir(folder) if n.endswith(".md"))
        return sorted(int(n[1:]) for n in names if n.startswith("v") and n[1:].isdigit())

    def clause(self, clause_id: str, version: int, contract: str | None = None) -> Clause:
        """A published clause version, parsed from the history (errors point at that file)."""
        path = self.clause_path(clause_id, version, contract)
        if not path.is_file():
            what = "de la clause" if contract is None else f"de la stipulation de {contract}"
            raise _missing(path, f"version {version} {what} « {clause_id} »")
        clause = load_clause(path)
        return clause if contract is None else dataclasses.replace(clause, contract=contract)

    def drift(self, clauses: tuple[Clause, ...]) -> list[Problem]:
        """Clauses whose text changed without a new version, or whose version went backwards."""
        problems = []
        for clause in clauses:
            published = self.versions(clause.id, clause.contract)
            path = self.clause_path(clause.id, clause.version, clause.contract)
            if path.is_file() and sha256(read_bytes(path, TOOL_FILE_BYTES)) != clause.hash:
                problems.append(
                    Problem(
                        "clause.drift",
                        f"le texte de « {clause.id} » a changé mais sa version "
                        f"({clause.version}) est déjà publiée avec un autre texte",
                        clause.path,
                        clause.header_lines.line_of(("version",)),
                        f"passez à « version: {max(published) + 1} » et ajoutez un "
                        "« motif: » d'une ligne",
                    )
                )
            elif published and clause.version < max(published):
                problems.append(
                    Problem(
                        "clause.version-backwards",
                        f"la version {clause.version} de « {clause.id} » est antérieure à la "
                        f"version publiée {max(published)}",
                        clause.path,
                        clause.header_lines.line_of(("version",)),
                        f"une version ne recule jamais : passez à « version: "
                        f"{max(published) + 1} »",
                    )
                )
        return problems

    def publish(self, clauses: tuple[Clause, ...]) -> list[Clause]:
        """Store the clause versions not yet published; refuse on drift."""
        problems = self.drift(clauses)
        if problems:
            raise CpomError(problems)
        new = {
            self.clause_path(c.id, c.version, c.contract): clause_text(c.path).encode("utf-8")
            for c in clauses
            if not self.clause_path(c.id, c.version, c.contract).is_file()
        }
        write_files(new, self.scope)
        return [c for c in clauses if self.clause_path(c.id, c.version, c.contract) in new]

    def blob_path(self, digest: str, suffix: str) -> Path:
        return self.root / BLOBS / f"{digest}{suffix}"

    def store_data(self, data: bytes, suffix: str) -> str:
        """Keep bytes read earlier (data, titres, a template) by content hash; return the hash."""
        digest = sha256(data)
        target = self.blob_path(digest, suffix)
        if not target.is_file():
            write_files({target: data}, self.scope)
        return digest

    def blob(self, digest: str, suffix: str) -> Path:
        path = self.blob_path(digest, suffix)
        if not path.is_file():
            raise _missing(path, f"fichier {digest[:12]}…{suffix}")
        return path


def _missing(path: Path, what: str) -> CpomError:
    return CpomError.one(
        "history.missing",
        f"{what} absent de l'historique",
        path,
        hint="l'historique est versionné avec le dépôt : restaurez history/ depuis git",
    )
