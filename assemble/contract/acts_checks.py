"""Checks of the acts the visas cite: the authorities of each arrêté d'autorisation and the
party of each délibération are the contract's, and no act postdates the signature it
authorises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..core.errors import Problem
from ..core.sources import LineMap, Loc
from ..text.french import date_fr
from .acts import party_keys
from .model import ContractData
from .model_acts import Deliberation


def reference_problems(data: ContractData, lines: LineMap) -> list[Problem]:
    """Every key an arrêté d'autorisation or a délibération of contract.yaml names is known."""
    authorities = [a.cle for a in data.autorites]
    problems = []
    for i, etab in enumerate(data.etablissements):
        act = etab.autorisation
        for k, key in enumerate(act.autorites if act else []):
            if key not in authorities:
                loc: Loc = ("etablissements", i, "autorisation", "autorites", k)
                problems.append(
                    Problem(
                        "data.unknown-reference",
                        f"etablissements[{i}].autorisation.autorites[{k}]: « {key} » n'est pas "
                        "une autorité du contrat",
                        lines.path,
                        lines.line_of(loc),
                        f"clés connues : {', '.join(sorted(authorities))}",
                    )
                )
    problems += deliberation_problems(data.deliberations, data, lines, None)
    return problems


def deliberation_problems(
    acts: Sequence[Deliberation],
    data: ContractData,
    lines: LineMap,
    signed: dt.date | None,
    what: str = "le contrat",
) -> list[Problem]:
    """The délibérations of `deliberations:` (of contract.yaml or of an avenant file) name a
    party of the contract and, when the signature date is known, precede it."""
    keys = party_keys(data)
    problems = []
    for i, act in enumerate(acts):
        if act.partie is not None and act.partie not in keys:
            problems.append(
                Problem(
                    "data.unknown-reference",
                    f"deliberations[{i}].partie: « {act.partie} » n'est ni une autorité ni un "
                    "membre du contrat",
                    lines.path,
                    lines.line_of(("deliberations", i, "partie")),
                    "omettez partie: pour l'organisme gestionnaire ; sinon reprenez l'une des "
                    f"clés : {', '.join(keys)}",
                )
            )
        if signed is not None and act.date > signed:
            problems.append(
                Problem(
                    "data.act-after-signature",
                    f"deliberations[{i}].date: délibération du {date_fr(act.date)}, postérieure "
                    f"à la signature ({date_fr(signed)}) de {what} qu'elle vise à autoriser",
                    lines.path,
                    lines.line_of(("deliberations", i, "date")),
                )
            )
    return problems
