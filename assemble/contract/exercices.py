"""The contract's exercices as periods: a contract that starts mid-year has partial first and
last exercices, whose amounts are the full-year amounts prorated by months or by days."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..text.french import CENT, duree_mois

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Periode:
    """The part of one civil year (exercice) that the contract covers."""

    annee: int
    debut: dt.date
    fin: dt.date
    mois: int  # whole calendar months covered (prorata by months)
    jours: int  # days covered
    jours_annee: int  # 365 or 366
    fraction: Decimal  # share of the year the amounts of this exercice bear
    prorata: str  # "mois" or "jours"

    @property
    def partiel(self) -> bool:
        return self.fraction != 1

    @property
    def duree(self) -> str:
        """« six mois », « 184 jours sur 365 »: the share of the year, as the annex states it."""
        if self.prorata == "mois":
            return duree_mois(self.mois)
        return f"{self.jours} jours sur {self.jours_annee}"

    def prorate(self, amount: Decimal) -> Decimal:
        """The amount of this exercice, from the full-year amount, rounded to the cent."""
        return (amount * self.fraction).quantize(CENT, rounding=ROUND_HALF_UP)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def end_of(start: dt.date, years: int) -> dt.date:
    """The last day of a contract of `years` years that takes effect on `start`."""
    return add_years(start, years) - ONE_DAY


def periods(start: dt.date, end: dt.date, prorata: str) -> tuple[Periode, ...]:
    """One period per exercice from `start` to `end`, with the share of each year covered."""
    result = []
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        days_in_year = 366 if calendar.isleap(year) else 365
        days = (last - first).days + 1
        months = _whole_months(first, last)
        by_months = prorata == "mois"
        fraction = Decimal(months) / 12 if by_months else Decimal(days) / days_in_year
        result.append(Periode(year, first, last, months, days, days_in_year, fraction, prorata))
    return tuple(result)


def _whole_months(first: dt.date, last: dt.date) -> int:
    """Calendar months entirely inside [first, last]."""
    count = 0
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        month_start = dt.date(year, month, 1)
        month_end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if first <= month_start and month_end <= last:
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


def month_aligned(start: dt.date, end: dt.date) -> bool:
    """Prorating by months needs a contract that starts on the first day of a month."""
    return start.day == 1 and (end + ONE_DAY).day == 1
