"""Head-office fees (frais de siège) as the clauses state them: shares and authorisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..text.french import CENT
from .exercices import end_of
from .model import ContractData, Etablissement


@dataclass(frozen=True)
class FeeShare:
    """One establishment's share of the head-office fees."""

    etablissement: Etablissement
    montant: Decimal
    part: Decimal  # percent of the total, rounded to two decimals
    # The same, rounded so that the printed shares add up to 100,00 % (largest remainder).
    repartie: Decimal = Decimal(0)


@dataclass(frozen=True)
class SiegeFacts:
    """The head-office fees authorisation as the clauses state it."""

    fin: dt.date | None  # last day of the authorisation, when the arrêté's dates are given


def siege_facts(data: ContractData) -> SiegeFacts:
    fees = data.options.frais_de_siege
    if fees.date_debut is None or fees.duree_annees is None:
        return SiegeFacts(None)
    return SiegeFacts(end_of(fees.date_debut, fees.duree_annees))


def fee_shares(data: ContractData) -> tuple[FeeShare, ...]:
    shares = [
        (e, e.quote_part_frais_de_siege)
        for e in data.etablissements
        if e.quote_part_frais_de_siege is not None
    ]
    total = sum((amount for _, amount in shares if amount is not None), Decimal(0))
    if not total:
        return ()
    kept = [(e, amount) for e, amount in shares if amount is not None]
    exact = [amount * 100 / total for _, amount in kept]
    return tuple(
        FeeShare(e, amount, value.quantize(CENT, rounding=ROUND_HALF_UP), printed)
        for (e, amount), value, printed in zip(kept, exact, _largest_remainder(exact), strict=True)
    )


def _largest_remainder(values: list[Decimal]) -> list[Decimal]:
    """Each value cut to the cent, then the missing cents of the total (100,00) given to the
    largest remainders: the printed shares add up to 100,00 %."""
    floors = [v.quantize(CENT, rounding=ROUND_DOWN) for v in values]
    missing = int((Decimal(100) - sum(floors)) / CENT)
    order = sorted(range(len(values)), key=lambda i: (values[i] - floors[i], -i), reverse=True)
    for i in order[:missing]:
        floors[i] += CENT
    return floors
