"""The prorogation of a signed contract (article L. 313-11 of the CASF): « sur une durée
maximale de cinq ans, prorogeable dans la limite d'une sixième année ».

The drafter states it in `contrat.prorogation.jusqu_au` with the avenant that prorogues the
contract: the data then describe the contract after that avenant, as for every other change.
The limits checked here hold for any version; that only a signed contract is prorogued (once,
by an avenant signed before its term) is checked on drafts and by the avenant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.errors import Problem
from ..core.sources import LineMap
from ..text.french import date_fr
from .exercices import ONE_DAY, add_years, end_of
from .model import ContractData

WHERE = ("contrat", "prorogation", "jusqu_au")


@dataclass(frozen=True)
class ProrogationFacts:
    """The period by which an avenant prorogued the contract beyond its initial term."""

    debut: dt.date
    fin: dt.date
    fin_initiale: dt.date


def limit_of(initial_end: dt.date) -> dt.date:
    """The latest end of a prorogation: one year after the initial term."""
    return add_years(initial_end + ONE_DAY, 1) - ONE_DAY


def prorogation_problems(
    data: ContractData, lines: LineMap, *, draft: bool, signed: bool
) -> list[Problem]:
    contrat = data.contrat
    if contrat.prorogation is None:
        return []
    until = contrat.prorogation.jusqu_au
    initial = end_of(contrat.date_effet, contrat.duree_annees)
    line = lines.line_of(WHERE)
    problems: list[Problem] = []

    def bad(code: str, message: str, hint: str | None = None) -> None:
        problems.append(
            Problem(code, f"contrat.prorogation.jusqu_au: {message}", lines.path, line, hint)
        )

    if until <= initial:
        bad(
            "data.prorogation",
            f"la prorogation jusqu'au {date_fr(until)} ne reporte pas l'échéance du contrat, "
            f"fixée au {date_fr(initial)} par sa durée",
            f"une date postérieure au {date_fr(initial)}, au plus tard le "
            f"{date_fr(limit_of(initial))}",
        )
    elif until > limit_of(initial):
        bad(
            "data.prorogation",
            f"la prorogation jusqu'au {date_fr(until)} excède une année : l'article L. 313-11 "
            "ne permet de proroger le contrat que dans la limite d'une sixième année",
            f"au plus tard le {date_fr(limit_of(initial))} ; au-delà, un nouveau contrat",
        )
    elif contrat.prorata == "mois" and (until + ONE_DAY).day != 1:
        bad(
            "data.prorogation",
            "le contrat répartit les exercices au prorata des mois : la prorogation s'achève le "
            "dernier jour d'un mois",
            "choisissez le dernier jour d'un mois, ou « prorata: jours »",
        )
    if draft and not signed:
        bad(
            "data.prorogation-unsigned",
            "un contrat qui n'est pas encore signé ne se proroge pas",
        )
    return problems
