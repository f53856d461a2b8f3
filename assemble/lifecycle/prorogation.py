"""The avenant that prorogues a signed contract (article L. 313-11 of the CASF).

The drafter sets `contrat.prorogation.jusqu_au` in contract.yaml with the pending avenant; the
data checks (contract/prorogation.py) bound the new term. Here, against the version in force:
the contract is prorogued once, by an avenant signed before its term, and its article on the
durée is a version that states the prorogation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..compose.document import Document
from ..contract.facts import derive
from ..contract.load import LoadedContract
from ..contract.model import AvenantFile
from ..core.errors import CpomError, Problem
from ..text.french import date_fr
from .avenant_checks import file_line

# The first version of each clause that states a prorogued contract right: the durée, and
# the year of the mid-term evaluation (older versions take the middle of the exercices, which
# a prorogation would move after it took place).
PROROGATION_VERSIONS = {"duree": 3, "rapports-evaluation": 3}


@dataclass(frozen=True)
class ProrogationChange:
    """What the pending avenant prorogues: the initial term and the new one."""

    fin_initiale: dt.date
    debut: dt.date
    jusqu_au: dt.date
    exercices: tuple[int, ...]  # exercices the prorogation adds to the contract


def prorogation_of(before: LoadedContract, after: LoadedContract) -> ProrogationChange | None:
    """The prorogation the pending avenant makes, if any."""
    if before.data.contrat.prorogation is not None:
        return None
    facts = derive(after.data).prorogation
    if facts is None:
        return None
    signed_years = set(derive(before.data).exercices)
    added = tuple(y for y in derive(after.data).exercices if y not in signed_years)
    return ProrogationChange(facts.fin_initiale, facts.debut, facts.fin, added)


def check_prorogation(
    avenant: AvenantFile,
    path: Path,
    before: LoadedContract,
    after: LoadedContract,
    after_doc: Document,
    signed_on: dt.date | None,
) -> None:
    """A second prorogation, one signed after the term, or one the durée article cannot state
    is refused, where the drafter fixes it."""
    old = before.data.contrat.prorogation
    new = after.data.contrat.prorogation
    if old is not None and new != old:
        line = after.lines.line_of(("contrat", "prorogation") if new else ("contrat",))
        raise CpomError.one(
            "avenant.prorogation-repeat",
            f"le contrat a déjà été prorogé jusqu'au {date_fr(old.jusqu_au)} : une seconde "
            "prorogation est exclue (article L. 313-11 : dans la limite d'une sixième année)",
            after.path,
            line,
        )
    change = prorogation_of(before, after)
    if change is None:
        return
    signature = avenant.date_signature or signed_on
    if signature is not None and signature > change.fin_initiale:
        raise CpomError.one(
            "avenant.prorogation-late",
            f"l'avenant de prorogation est signé le {date_fr(signature)}, après l'échéance du "
            f"contrat le {date_fr(change.fin_initiale)} : un contrat échu ne se proroge pas",
            path,
            file_line(path, "date_signature") if avenant.date_signature else None,
        )
    outdated = [
        a
        for a in after_doc.articles()
        if a.version < PROROGATION_VERSIONS.get(a.clause_id, a.version)
    ]
    if outdated:
        names = " ".join(a.clause_id for a in outdated)
        listed = " ; ".join(
            f"{a.label.lower()} (clause « {a.clause_id} », version {a.version})" for a in outdated
        )
        problem = Problem(
            "avenant.prorogation-clause",
            f"le contrat est prorogé jusqu'au {date_fr(change.jusqu_au)}, mais ces articles "
            f"ne savent pas l'énoncer : {listed}",
            after.path,
            after.lines.line_of(("contrat", "prorogation")),
            "passez ces clauses à leur dernière version : "
            f'`make upgrade C={after.id} CLAUSE="{names}"`',
        )
        raise CpomError([problem])
