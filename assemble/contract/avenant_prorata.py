"""What a consolidated version states about the exercices its avenants prorated.

The avenant that changed an amount during an exercice stated how that exercice is shared; the
consolidated contract's annex states it again, from the changes its schedule records, so that
an amount that is neither the old nor the new full-year amount reads as what it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..text.french import duree_mois
from .exercices import ONE_DAY, Periode, periods
from .financing import FundingRow
from .model_parties import Autorite
from .schedule import Echeancier, row_key


@dataclass(frozen=True)
class ProrataAvenant:
    """One line of one exercice shared at an avenant's date."""

    avenant: int
    date: dt.date  # first day of the new amount
    annee: int
    designation: str  # « SAMSAH « Les Passerelles » »
    autorite: Autorite
    enveloppe: str  # « crédits d'assurance maladie… »
    avant: Decimal  # full-year amounts before and after the change
    apres: Decimal
    part_avant: str  # « huit mois sur douze », « 243 jours sur 365 »; "" when none
    part_apres: str
    montant: Decimal  # the amount of the exercice

    @property
    def creation(self) -> bool:
        return self.avant == 0

    @property
    def suppression(self) -> bool:
        return self.apres == 0


def prorata_facts(
    schedule: Echeancier | None, rows: tuple[FundingRow, ...], periodes: tuple[Periode, ...]
) -> tuple[ProrataAvenant, ...]:
    if schedule is None or schedule.avenant is None:
        return ()
    by_key = {row_key(r): r for r in rows}
    by_year = {p.annee: p for p in periodes}
    result = []
    for change in schedule.changements:
        row = by_key.get(change.key)
        periode = by_year.get(change.date.year)
        if row is None or periode is None:
            continue
        result.append(
            ProrataAvenant(
                change.avenant,
                change.date,
                periode.annee,
                row.designation,
                row.autorite,
                row.enveloppe_libelle,
                change.avant,
                change.apres,
                _part(periode.debut, change.date - ONE_DAY, periode),
                _part(change.date, periode.fin, periode),
                schedule.montant(change.key, periode.annee),
            )
        )
    return tuple(sorted(result, key=lambda p: (p.annee, p.avenant, p.date)))


def _part(first: dt.date, last: dt.date, periode: Periode) -> str:
    if last < first:
        return ""
    part = periods(first, last, periode.prorata)[0]
    return f"{duree_mois(part.mois)} sur douze" if part.prorata == "mois" else part.duree
