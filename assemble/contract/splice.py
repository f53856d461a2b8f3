"""The schedule of a contract after an avenant: signed figures kept, the year of effect prorated.

For each line (establishment × funder × envelope): the exercices before the year in which the
change takes effect keep their signed amounts; that year is the full-year amount before the
change for the share of the year before its date, plus the full-year amount after for the
share from that date (by months or by days, as `contrat.prorata` says); later exercices follow
the new projection. A new or changed amount is a full-year amount for the exercice in which
the avenant takes effect, projected from there at the contract's rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from ..text.french import CENT, duree_mois
from .exercices import ONE_DAY, Periode, periods
from .facts import derive
from .financing import FundingRow, funding_row, project
from .model import ContractData
from .schedule import Changement, Echeancier, Key, Ligne, row_key


@dataclass(frozen=True)
class Effet:
    """When an avenant's changes take effect: its date, and per establishment the opening of
    a new one or the closure of a withdrawn one."""

    numero: int
    date_effet: dt.date
    ouvertures: Mapping[str, dt.date]
    fermetures: Mapping[str, dt.date]

    def bascule(self, finess: str, added: bool, closed: bool) -> dt.date:
        """The first day on which a line's new amount applies."""
        if added and finess in self.ouvertures:
            return self.ouvertures[finess]
        if closed and finess in self.fermetures:
            return self.fermetures[finess] + ONE_DAY
        return self.date_effet


@dataclass(frozen=True)
class Partage:
    """How the exercice in which a line changes is shared between before and after."""

    annee: int
    date: dt.date  # first day of the new amount
    avant: Periode | None  # the part of the exercice before `date` (None: none)
    apres: Periode | None  # the part from `date` (None: none, the change is at year end)
    annuel_avant: Decimal = Decimal(0)  # full-year amount of the exercice before the change
    annuel_apres: Decimal = Decimal(0)  # and after it

    @property
    def partiel(self) -> bool:
        """The exercice is shared; a change on its first day shares nothing."""
        return self.avant is not None and self.apres is not None

    @property
    def part_avant(self) -> str:
        """« huit mois sur douze », « 243 jours sur 365 »: the share before the change."""
        return _part(self.avant)

    @property
    def part_apres(self) -> str:
        return _part(self.apres)


def _part(periode: Periode | None) -> str:
    if periode is None:
        return ""
    if periode.prorata == "mois":
        return f"{duree_mois(periode.mois)} sur douze"
    return periode.duree


def share(periode: Periode, day: dt.date, prorata: str) -> Partage:
    before = periods(periode.debut, day - ONE_DAY, prorata)[0] if day > periode.debut else None
    after = periods(day, periode.fin, prorata)[0] if day <= periode.fin else None
    return Partage(periode.annee, day, before, after)


def splice(
    signed: Echeancier, old: ContractData, new: ContractData, effet: Effet
) -> tuple[Echeancier, dict[Key, Partage]]:
    """The consolidated schedule after the avenant `effet`, and how each changed line's year
    of change is shared."""
    facts = derive(new)
    periodes = facts.periodes
    years = facts.exercices
    rate = new.options.taux_actualisation
    before = {row_key(r): r for r in derive(old).financements}
    old_etabs = {e.finess: e for e in old.etablissements}
    first = _index(periodes, effet.date_effet)
    grown = _prorogued_part(derive(old).date_fin, facts.date_fin, new.contrat.prorata)
    lines: list[Ligne] = []
    shares: dict[Key, Partage] = {}
    after_keys = set()
    for row in facts.financements:
        if not row.annuels:
            continue
        key = row_key(row)
        after_keys.add(key)
        previous = before.get(key)
        changed = previous is None or previous.financement != row.financement
        if changed:
            row = _from_year(row, periodes, first, rate)
        else:
            row = _continued(row, signed, periodes, rate)
        added = key[0] not in old_etabs
        day = effet.bascule(key[0], added, False)
        line, part = _line(signed, row.montants, row.annuels, key, periodes, day, new, grown)
        lines.append(line)
        if part is not None:
            shares[key] = part
    for old_line in signed.lignes:
        if old_line.key in after_keys:
            continue
        closed = old_line.key[0] not in {e.finess for e in new.etablissements}
        day = effet.bascule(old_line.key[0], False, closed)
        zero = tuple(Decimal(0) for _ in years)
        line, part = _line(signed, zero, zero, old_line.key, periodes, day, new, grown)
        ghost = old_line.ferme or old_etabs.get(old_line.key[0])
        lines.append(Ligne(*line.key, line.montants, line.annuels, ghost if closed else None))
        if part is not None:
            shares[old_line.key] = part
    changes = tuple(
        Changement(effet.numero, *key, part.date, part.annuel_avant, part.annuel_apres)
        for key, part in shares.items()
        if part.partiel
    )
    return Echeancier(years, tuple(lines), effet.numero, signed.changements + changes), shares


def _index(periodes: tuple[Periode, ...], day: dt.date) -> int:
    for i, p in enumerate(periodes):
        if day <= p.fin:
            return i
    return len(periodes) - 1


def _from_year(
    row: FundingRow, periodes: tuple[Periode, ...], first: int, rate: Decimal
) -> FundingRow:
    """A new or changed amount: the full-year amount of the exercice of effect, projected."""
    if first == 0:
        return row
    tail = funding_row(
        row.etablissement,
        row.designation,
        row.regime,
        row.autorite,
        row.financement,
        periodes[first:],
        rate,
    )
    pad = tuple(Decimal(0) for _ in periodes[:first])
    return replace(
        row,
        annuels=pad + tail.annuels,
        montants=pad + tail.montants,
        convergence=tail.convergence,
    )


def _prorogued_part(signed_end: dt.date, end: dt.date, prorata: str) -> Periode | None:
    """The part of the signed last exercice that a prorogation adds (a contract that ended
    mid-year and is prorogued beyond it); None when the prorogation starts a new exercice."""
    if end <= signed_end or signed_end.month == 12 and signed_end.day == 31:
        return None
    return periods(signed_end + ONE_DAY, min(end, dt.date(signed_end.year, 12, 31)), prorata)[0]


def _continued(
    row: FundingRow, signed: Echeancier, periodes: tuple[Periode, ...], rate: Decimal
) -> FundingRow:
    """An unchanged line over the exercices a prorogation adds: it continues from its last
    signed full-year amount, updated at the contract's rate (forfaits at constant value), when
    the signed amounts are no longer its data's projection (an earlier avenant)."""
    line = signed.ligne(row_key(row))
    years = [p.annee for p in periodes]
    if line is None or not signed.exercices or signed.exercices[-1] not in years:
        return row
    last = years.index(signed.exercices[-1])
    if last == len(years) - 1 or row.annuels[last] == line.annuels[-1]:
        return row
    count = len(years) - last
    if row.nature in ("forfait_soins", "forfait_dependance"):
        tail = tuple(line.annuels[-1] for _ in range(count - 1))
    else:
        tail = project(line.annuels[-1], rate, count)[1:]
    return replace(
        row,
        annuels=row.annuels[: last + 1] + tail,
        montants=row.montants[: last + 1]
        + tuple(p.prorate(a) for p, a in zip(periodes[last + 1 :], tail, strict=True)),
    )


def _line(
    signed: Echeancier,
    montants: tuple[Decimal, ...],
    annuels: tuple[Decimal, ...],
    key: Key,
    periodes: tuple[Periode, ...],
    day: dt.date,
    new: ContractData,
    grown: Periode | None = None,
) -> tuple[Ligne, Partage | None]:
    # By year: a prorogation adds exercices the signed schedule does not have (their amounts
    # are the new ones), or lengthens its last one (`grown`: the part it adds).
    old_amounts = tuple(_of(signed, key, p.annee, False) for p in periodes)
    old_annual = tuple(_of(signed, key, p.annee, True) for p in periodes)
    pivot = _index(periodes, day)
    amounts, annual = [], []
    part = None
    for i, p in enumerate(periodes):
        if p.annee not in signed.exercices:
            amounts.append(montants[i])
            annual.append(annuels[i])
        elif i < pivot or (i == pivot and old_annual[i] == annuels[i]):
            extra = grown.prorate(annuels[i]) if grown and grown.annee == p.annee else 0
            amounts.append(old_amounts[i] + extra)
            annual.append(old_annual[i])
        elif i == pivot:
            part = replace(
                share(p, day, new.contrat.prorata),
                annuel_avant=old_annual[i],
                annuel_apres=annuels[i],
            )
            amount = Decimal(0)
            if part.avant is not None:
                amount += old_annual[i] * part.avant.fraction
            if part.apres is not None:
                amount += annuels[i] * part.apres.fraction
            amounts.append(_cents(amount))
            # The full-year amount of the exercice is the one in force from the change: the
            # exercice's amount says how it is shared (a blend would read as « en année
            # pleine » in the text, and as the amount before a later change that year).
            annual.append(annuels[i] if part.apres is not None else old_annual[i])
        else:
            amounts.append(montants[i])
            annual.append(annuels[i])
    return Ligne(*key, tuple(amounts), tuple(annual)), part


def _of(schedule: Echeancier, key: Key, year: int, annual: bool) -> Decimal:
    """A signed line's amount (or full-year amount) of one exercice; 0 where it has none."""
    line = schedule.ligne(key)
    if line is None or year not in schedule.exercices:
        return Decimal(0)
    return (line.annuels if annual else line.montants)[schedule.exercices.index(year)]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
