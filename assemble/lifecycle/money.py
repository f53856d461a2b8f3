"""What an avenant changes in the money, exercice by exercice, per funder and envelope.

"Before" is what was signed for each exercice (the schedule of the version in force), "after"
the consolidated schedule; exercices before the year of effect are not restated and are only
named. Each changed line says whether it is a creation, a removal or a modification, with its
full-year amounts and, for the exercice in which it changes, the prorata.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..contract.facts import derive
from ..contract.financing import FundingRow
from ..contract.load import LoadedContract
from ..contract.model_financing import Financement
from ..contract.model_parties import Autorite
from ..contract.schedule import Echeancier, Key, row_key
from ..contract.splice import Partage
from .echeancier import Consolidation
from .prorogation import ProrogationChange, prorogation_of


@dataclass(frozen=True)
class Exercice:
    """One exercice, before and after the avenant."""

    annee: int
    avant: Decimal
    apres: Decimal
    prorata: bool  # some amount of this exercice is prorated at a change
    # An exercice the avenant adds by proroguing the contract (« before »: none), and, when
    # the prorogation covers part of it only, that part (« six mois », « 182 jours sur 366 »).
    nouveau: bool = False
    duree: str = ""

    @property
    def modifie(self) -> bool:
        return self.avant != self.apres


@dataclass(frozen=True)
class LineChange:
    """One establishment's funding by one funder on one envelope, as the avenant changes it."""

    designation: str  # « SAMSAH « Les Passerelles » »
    finess: str
    nature: str  # creation, suppression, modification
    date: dt.date  # first day of the new amount
    partage: Partage | None  # the exercice of change, when it is shared before/after
    exercices: tuple[Exercice, ...]  # from the year of effect
    annuel_avant: Decimal  # full-year amounts of the exercice of change, before
    annuel_apres: Decimal  # and after
    fixe: bool = False  # a prorogation line whose amount the avenant fixes (not updated)

    @property
    def ajoutes(self) -> tuple[Exercice, ...]:
        """The exercices a prorogation adds, for this line."""
        return tuple(e for e in self.exercices if e.nouveau)

    @property
    def montant_partiel(self) -> Decimal | None:
        """The amount of the exercice of change, when it is prorated."""
        if self.partage is None:
            return None
        return next(e.apres for e in self.exercices if e.annee == self.partage.annee)


@dataclass(frozen=True)
class GroupChange:
    """What one funder pays on one envelope, before and after, for each exercice."""

    autorite: Autorite
    enveloppe: str  # « crédits de l'assurance maladie… »
    lignes: tuple[LineChange, ...]  # the changed lines
    exercices: tuple[Exercice, ...]  # the group's totals, from the year of effect


@dataclass(frozen=True)
class MoneyChanges:
    annee_effet: int
    prorata: str  # mois or jours: how an exercice of change is shared
    exercices_signes: tuple[int, ...]  # before the year of effect: not restated
    groupes: tuple[GroupChange, ...]
    totaux: tuple[Exercice, ...]  # all funders, from the year of effect
    prorogation: ProrogationChange | None = None
    taux: Decimal = Decimal(0)  # the contract's rate, which updates a prorogued exercice

    @property
    def exercices_ajoutes(self) -> tuple[int, ...]:
        return self.prorogation.exercices if self.prorogation is not None else ()

    @property
    def seulement_prorogation(self) -> bool:
        """Every changed line changes only by the exercices the prorogation adds."""
        return all(line.nature == "prorogation" for g in self.groupes for line in g.lignes)

    @property
    def fixes(self) -> bool:
        return any(line.fixe for g in self.groupes for line in g.lignes)

    @property
    def partages(self) -> tuple[LineChange, ...]:
        return tuple(line for g in self.groupes for line in g.lignes if line.partage)


def money_changes(found: Consolidation, after: LoadedContract) -> MoneyChanges:
    """The avenant's changes in the money, from the schedules before and after."""
    before, spliced = found.avant, found.apres
    year = found.effet.date_effet.year
    prorogation = prorogation_of(found.signed, after)
    added = _added(after, prorogation)
    signed_rows = {row_key(r): r.financement for r in derive(found.signed.data).financements}
    years = tuple(y for y in spliced.exercices if y >= year)
    rows = {
        row_key(r): r
        for r in (
            *derive(found.signed.data).financements,
            *derive(after.data, spliced).financements,
        )
    }
    groups: dict[tuple[str, str], list[Key]] = {}
    for key in dict.fromkeys([*(line.key for line in spliced.lignes), *_keys(before)]):
        if key in rows:
            groups.setdefault((key[1], key[2]), []).append(key)
    result = []
    for keys in groups.values():
        lines = tuple(
            _line(rows[k], before, spliced, years, found, added, signed_rows)
            for k in keys
            if _differs(k, before, spliced, years)
        )
        if lines:
            row = rows[keys[0]]
            result.append(
                GroupChange(
                    row.autorite, row.enveloppe_libelle, lines, _sum(keys, found, years, added)
                )
            )
    all_keys = [line.key for line in spliced.lignes]
    return MoneyChanges(
        annee_effet=year,
        prorata=after.data.contrat.prorata,
        exercices_signes=tuple(y for y in spliced.exercices if y < year),
        groupes=tuple(result),
        totaux=_sum(all_keys, found, years, added) if result else (),
        prorogation=prorogation,
        taux=after.data.options.taux_actualisation,
    )


def _added(after: LoadedContract, prorogation: ProrogationChange | None) -> dict[int, str]:
    """The exercices a prorogation adds, each with the part of it covered when partial."""
    if prorogation is None:
        return {}
    return {
        p.annee: p.duree if p.partiel else ""
        for p in derive(after.data).periodes
        if p.annee in prorogation.exercices
    }


def _keys(schedule: Echeancier) -> list[Key]:
    return [line.key for line in schedule.lignes]


def _differs(key: Key, before: Echeancier, after: Echeancier, years: tuple[int, ...]) -> bool:
    return any(before.montant(key, y) != after.montant(key, y) for y in years)


def _line(
    row: FundingRow,
    before: Echeancier,
    after: Echeancier,
    years: tuple[int, ...],
    found: Consolidation,
    added: dict[int, str],
    signed_rows: dict[Key, Financement],
) -> LineChange:
    key = row_key(row)
    change = found.partages.get(key)
    partage = change if change is not None and change.partiel else None
    only_added = all(
        before.montant(key, y) == after.montant(key, y) for y in years if y not in added
    )
    if before.ligne(key) is None:
        nature = "creation"
    elif added and only_added:
        nature = "prorogation"
    elif after.montant(key, after.exercices[-1]) == 0:
        nature = "suppression"
    else:
        nature = "modification"
    day = change.date if change is not None else found.effet.date_effet
    exercices = tuple(
        Exercice(
            y,
            before.montant(key, y),
            after.montant(key, y),
            partage is not None and partage.annee == y,
            y in added,
            added.get(y, ""),
        )
        for y in years
    )
    if partage is not None:
        annual = (partage.annuel_avant, partage.annuel_apres)
    else:
        annual = (before.annuel(key, day.year), after.annuel(key, day.year))
    fixe = nature == "prorogation" and signed_rows.get(key) != row.financement
    return LineChange(row.designation, key[0], nature, day, partage, exercices, *annual, fixe)


def _sum(
    keys: list[Key], found: Consolidation, years: tuple[int, ...], added: dict[int, str]
) -> tuple[Exercice, ...]:
    shared = {p.annee for k, p in found.partages.items() if k in keys and p.partiel}
    return tuple(
        Exercice(
            y,
            sum((found.avant.montant(k, y) for k in keys), Decimal(0)),
            sum((found.apres.montant(k, y) for k in keys), Decimal(0)),
            y in shared,
            y in added,
            added.get(y, ""),
        )
        for y in years
    )
