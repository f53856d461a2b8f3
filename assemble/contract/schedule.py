"""The financial schedule of a contract version: per exercice, what each line is paid.

A line is one establishment's financement from one funder on one envelope of credits. The
schedule is recorded in each lock, so that an avenant states as "before" the figures that were
signed, and a consolidated version prints the figures of its avenants (`splice`), never a
signed exercice restated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .financing import FundingRow
from .model import Etablissement

Key = tuple[str, str, str]  # finess, financeur, enveloppe


@dataclass(frozen=True)
class Ligne:
    """One line of the schedule: amounts of each exercice (prorated when partial) and their
    full-year equivalents."""

    finess: str
    financeur: str
    enveloppe: str
    montants: tuple[Decimal, ...]
    annuels: tuple[Decimal, ...]
    # An establishment closed by an avenant keeps its signed amounts up to its closure: the
    # line carries it, since the data of the version no longer does.
    ferme: Etablissement | None = None

    @property
    def key(self) -> Key:
        return (self.finess, self.financeur, self.enveloppe)


@dataclass(frozen=True)
class Changement:
    """A line whose amount an avenant changed during an exercice: that exercice is prorated
    between the full-year amounts before and after `date` (recorded so that a consolidated
    version states it, as the avenant did)."""

    avenant: int
    finess: str
    financeur: str
    enveloppe: str
    date: dt.date  # first day of the new amount
    avant: Decimal  # full-year amounts before and after
    apres: Decimal

    @property
    def key(self) -> Key:
        return (self.finess, self.financeur, self.enveloppe)

    def to_json(self) -> dict[str, Any]:
        return {
            "avenant": self.avenant,
            "finess": self.finess,
            "financeur": self.financeur,
            "enveloppe": self.enveloppe,
            "date": self.date.isoformat(),
            "avant": f"{self.avant:.2f}",
            "apres": f"{self.apres:.2f}",
        }

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> Changement:
        number = item["avenant"]
        if not isinstance(number, int) or isinstance(number, bool):
            raise TypeError("numéro d'avenant")
        return cls(
            number,
            str(item["finess"]),
            str(item["financeur"]),
            str(item["enveloppe"]),
            dt.date.fromisoformat(str(item["date"])),
            _decimal(item["avant"]),
            _decimal(item["apres"]),
        )


@dataclass(frozen=True)
class Echeancier:
    """The schedule of one version. `avenant`: the avenant whose splice produced it (None for
    a contract's own projection), which the facts of that version then print."""

    exercices: tuple[int, ...]
    lignes: tuple[Ligne, ...]
    avenant: int | None = None
    # The prorated changes of the avenants it integrates (absent from older locks).
    changements: tuple[Changement, ...] = ()

    def ligne(self, key: Key) -> Ligne | None:
        return next((line for line in self.lignes if line.key == key), None)

    def montant(self, key: Key, annee: int) -> Decimal:
        line = self.ligne(key)
        if line is None or annee not in self.exercices:
            return Decimal(0)
        return line.montants[self.exercices.index(annee)]

    def annuel(self, key: Key, annee: int) -> Decimal:
        """The full-year amount of a line for one exercice (0 where it has none)."""
        line = self.ligne(key)
        if line is None or annee not in self.exercices:
            return Decimal(0)
        return line.annuels[self.exercices.index(annee)]

    def to_json(self) -> dict[str, Any]:
        return {
            "exercices": list(self.exercices),
            "avenant": self.avenant,
            "lignes": [
                {
                    "finess": line.finess,
                    "financeur": line.financeur,
                    "enveloppe": line.enveloppe,
                    "montants": [f"{m:.2f}" for m in line.montants],
                    "annuels": [f"{a:.2f}" for a in line.annuels],
                    **(
                        {"etablissement": line.ferme.model_dump(mode="json", exclude_none=True)}
                        if line.ferme is not None
                        else {}
                    ),
                }
                for line in self.lignes
            ],
            **(
                {"changements": [c.to_json() for c in self.changements]} if self.changements else {}
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Echeancier:
        """Raises TypeError, ValueError or KeyError on a malformed record (the lock says where)."""
        years = tuple(int(y) for y in data["exercices"])
        lines = []
        for item in data["lignes"]:
            amounts = tuple(_decimal(m) for m in item["montants"])
            annual = tuple(_decimal(a) for a in item["annuels"])
            if len(amounts) != len(years) or len(annual) != len(years):
                raise ValueError("un montant par exercice")
            closed = item.get("etablissement")
            lines.append(
                Ligne(
                    str(item["finess"]), str(item["financeur"]), str(item["enveloppe"]),
                    amounts, annual,
                    Etablissement.model_validate(closed) if closed is not None else None,
                )
            )  # fmt: skip
        number = data.get("avenant")
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            raise TypeError("numéro d'avenant")
        changes = tuple(Changement.from_json(c) for c in data.get("changements", []))
        return cls(years, tuple(lines), number, changes)


def _decimal(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise TypeError("montant en texte")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError("montant") from None
    if not amount.is_finite() or abs(amount) > Decimal("1e12"):
        raise ValueError("montant")
    return amount


def row_key(row: FundingRow) -> Key:
    return (row.etablissement.finess, row.autorite.cle, row.enveloppe)


def schedule_of(rows: tuple[FundingRow, ...], exercices: tuple[int, ...]) -> Echeancier:
    """The schedule of a contract's own projection: every row with an amount."""
    return Echeancier(
        exercices,
        tuple(
            Ligne(*row_key(r), r.montants, r.annuels)
            for r in rows
            if r.annuels and len(r.annuels) == len(exercices)
        ),
    )


def apply(row: FundingRow, schedule: Echeancier) -> FundingRow:
    """A row as a spliced schedule has it: its amounts are the schedule's."""
    if not row.annuels:
        return row
    line = schedule.ligne(row_key(row))
    if line is None:
        zero = tuple(Decimal(0) for _ in row.annuels)
        return replace(row, annuel=Decimal(0), annuels=zero, montants=zero)
    return replace(row, annuel=line.annuels[0], annuels=line.annuels, montants=line.montants)
