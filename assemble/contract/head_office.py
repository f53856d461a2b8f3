"""Head-office fees (frais de siège) as the clauses state them: shares and authorisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..text.french import CENT
from .exercices import end_of
from .model import ContractData, Etablissement


@dataclass(frozen=True)
class FeeShare:
    """One establishment's share of the head-office fees."""

    etablissement: Etablissement
    montant: Decimal
    part: Decimal  # percent of the total, rounded to two decimals


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
    return tuple(
        FeeShare(e, amount, (amount * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP))
        for e, amount in shares
        if amount is not None and total
    )
