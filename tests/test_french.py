"""French legal formatting of dates, amounts, numbers and titres."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assemble.text.french import (
    NBSP,
    NNBSP,
    date_fr,
    duree_mois,
    montant,
    montant_lettres,
    pourcentage,
    romain,
)


def test_first_of_month_takes_the_ordinal() -> None:
    assert date_fr(dt.date(2027, 1, 1)) == f"1er{NBSP}janvier 2027"
    assert date_fr(dt.date(2031, 12, 31)) == f"31{NBSP}décembre 2031"


def test_amount_has_narrow_no_break_spaces_and_comma() -> None:
    assert montant(Decimal("1234567.89")) == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert montant(612500) == f"612{NNBSP}500,00{NBSP}€"
    # In a table whose text says the amounts are in euros: no symbol, nothing else changes.
    assert montant(Decimal("1234567.89"), False) == f"1{NNBSP}234{NNBSP}567,89"
    assert montant(Decimal("-54297.78"), False) == f"-54{NNBSP}297,78"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (
            "1234567.89",
            "un million deux cent trente-quatre mille cinq cent soixante-sept euros "
            "et quatre-vingt-neuf centimes",
        ),
        ("1000000", "un million d'euros"),
        ("2000000", "deux millions d'euros"),
        ("1.50", "un euro et cinquante centimes"),
        ("80", "quatre-vingts euros"),
        ("3001.01", "trois mille un euros et un centime"),
        ("11329430", "onze millions trois cent vingt-neuf mille quatre cent trente euros"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert montant_lettres(Decimal(amount)) == words


def test_percent_and_months() -> None:
    assert pourcentage(Decimal("1.5")) == f"1,5{NBSP}%"
    assert duree_mois(6) == "six mois"
    assert duree_mois(3) == "trois mois"


@pytest.mark.parametrize(("n", "roman"), [(1, "I"), (4, "IV"), (5, "V"), (9, "IX"), (14, "XIV")])
def test_roman(n: int, roman: str) -> None:
    assert romain(n) == roman


def test_percentage_with_fixed_decimals() -> None:
    from assemble.text.french import NBSP, pourcentage

    assert pourcentage(Decimal("24.1"), 2) == f"24,10{NBSP}%"
    assert pourcentage(100, 2) == f"100,00{NBSP}%"
    assert pourcentage(Decimal("1.5")) == f"1,5{NBSP}%"  # unchanged without decimals


@pytest.mark.parametrize(
    "amounts",
    [
        ["68900", "14700", "26500", "65500", "84200", "12000"],  # 100,01 % rounded one by one
        ["1", "1", "1"],  # 33,33 % three times: one gets the missing cent
        ["5"],
    ],
)
def test_printed_head_office_shares_add_up_to_one_hundred(amounts: list[str]) -> None:
    from assemble.contract.head_office import _largest_remainder

    values = [Decimal(a) for a in amounts]
    total = sum(values)
    exact = [v * 100 / total for v in values]
    printed = _largest_remainder(exact)
    assert sum(printed) == Decimal("100.00")
    assert all(abs(p - e) < Decimal("0.01") for p, e in zip(printed, exact, strict=True))
