"""A partial upgrade: one clause of a draft moved to its latest version, the others kept.

A signed contract's draft stays on the clause versions it was signed with; an avenant in
progress may still need one article in its current wording (`cpom upgrade <id> --clause X`):
the avenant then quotes that article as replaced in full, and the consolidated version marks
it « (modifié par l'avenant n° k) ».
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import CpomError, Problem, UsageError
from ..library.clauses import Library
from ..project import DRAFT, Project
from .lock import source_lines, version_lock


@dataclass(frozen=True)
class ClauseUpgrade:
    """The clause a partial upgrade moves, from which version to which."""

    clause: str
    label: str  # « Article 9 », or the heading of an unnumbered block
    before: int
    after: int


def planned_upgrade(
    project: Project, contract_id: str, clause: str, library: Library
) -> ClauseUpgrade:
    """What `cpom upgrade <id> --clause <clause>` would do; refuses a clause the library does
    not have, one the draft does not use, and one already at its latest version."""
    latest = {c.id: c.version for c in library.clauses}
    if clause not in latest:
        raise UsageError.one(
            "usage.clause",
            f"clause « {clause} » inconnue de la bibliothèque",
            library.root,
            hint="donnez l'identifiant (champ id) d'une clause de la bibliothèque ; "
            "`make status` liste celles de chaque contrat",
        )
    lock = version_lock(project, contract_id, DRAFT)
    path = project.lock_path(contract_id)
    used = next((a for a in lock.articles if a.clause == clause), None)
    if used is None:
        raise CpomError(
            [
                Problem(
                    "lock.clause-unused",
                    f"le projet de « {contract_id} » n'utilise pas la clause « {clause} »",
                    path,
                )
            ]
        )
    line = next((n for n, text in source_lines(path) if f'"clause": "{clause}"' in text), None)
    if used.version >= latest[clause]:
        raise CpomError(
            [
                Problem(
                    "lock.clause-current",
                    f"{used.article} (clause « {clause} ») est déjà à la dernière version de la "
                    f"clause, la version {used.version}",
                    path,
                    line,
                )
            ]
        )
    return ClauseUpgrade(clause, used.article, used.version, latest[clause])
