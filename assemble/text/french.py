"""French legal formatting: dates, amounts in figures and in words, percentages, roman numerals."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

LOCALE = "fr_FR"
NBSP = "\u00a0"
NNBSP = "\u202f"
CENT = Decimal("0.01")


def date_fr(value: dt.date) -> str:
    """« 1er janvier 2027 »: the day 1 takes the ordinal, as French legal usage wants."""
    if isinstance(value, dt.datetime):
        value = value.date()
    text = format_date(value, "d MMMM y", locale=LOCALE)
    if value.day == 1:
        text = "1er" + text[1:]
    return text.replace(" ", NBSP, 1)


def montant(value: Decimal | int | float, symbole: bool = True) -> str:
    """« 1 234 567,89 € » with narrow no-break spaces between groups; without the symbol
    (« 1 234 567,89 ») for the columns of a table whose heading says « en euros »."""
    text = _currency(str(_money(value)))
    return text if symbole else text.removesuffix("€").rstrip("\u00a0 ")


@functools.lru_cache(maxsize=4096)
def _currency(amount: str) -> str:
    """Babel's formatting of an amount in cents (by its text: -0.00 is not 0.00), kept: a
    contract prints the same amounts again and again, and each composition prints them anew."""
    return str(format_currency(Decimal(amount), "EUR", locale=LOCALE))


def montant_lettres(value: Decimal | int | float) -> str:
    """The amount in words: « un million deux cent mille euros et cinquante centimes »."""
    amount = _money(value)
    if amount < 0:
        return "moins " + montant_lettres(-amount)
    euros = int(amount)
    cents = int((amount - euros) * 100)
    text = f"{nombre_lettres(euros)} {_euro_word(euros)}"
    if cents:
        text += f" et {nombre_lettres(cents)} centime{'s' if cents > 1 else ''}"
    return text


def nombre(value: Decimal | int | float) -> str:
    """A number with French separators: « 12 345 », « 1,5 »."""
    return str(format_decimal(value, locale=LOCALE))


def nombre_lettres(value: int) -> str:
    """An integer in words, with the 1990 rectification left aside (legal usage)."""
    return str(num2words(int(value), lang="fr"))


def pourcentage(value: Decimal | int | float, decimales: int | None = None) -> str:
    """A rate given in percent (1.5 for 1,5 %): « 1,5 % » with a no-break space; with
    `decimales`, that many always (« 24,10 % »), for shares printed in a column."""
    if decimales is None:
        return f"{nombre(value)}{NBSP}%"
    shown = format_decimal(value, format="#,##0." + "0" * decimales, locale=LOCALE)
    return f"{shown}{NBSP}%"


def duree_mois(months: int) -> str:
    """« six mois », « un mois »: notice periods are written in words."""
    return f"{nombre_lettres(months)} mois"


def duree_annees(years: int) -> str:
    """« cinq ans », « un an »."""
    return f"{nombre_lettres(years)} an{'s' if years > 1 else ''}"


def romain(value: int) -> str:
    """Roman numerals for titre numbers."""
    if not 0 < value < 4000:
        raise ValueError(f"no roman numeral for {value}")
    parts = []
    for arabic, letters in _ROMAN:
        count, value = divmod(value, arabic)
        parts.append(letters * count)
    return "".join(parts)


def _money(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _euro_word(euros: int) -> str:
    # "un million d'euros", "deux milliards d'euros", but "un million deux cents euros".
    if euros and euros % 1_000_000 == 0:
        return "d'euros"
    return "euros" if euros > 1 else "euro"


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
