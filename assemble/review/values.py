"""Data values as the contract prints them, and printed values read back.

A change is a data change when it lies inside the printed form of one value of contract.yaml
(an amount « 1 232 000,00 », a number of places, a date « 1er janvier 2027 », a name). The
printed forms come from the same French formatting the clauses use; reading a changed form back
gives the value to write in the YAML (an amount as a decimal, a date as a date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..core.sources import Loc
from ..text.french import date_fr, montant, nombre, nombre_lettres

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2019": "'", "\u2011": "-"})
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_DATE = re.compile(r"^(\d{1,2})(?:er)? (\w+) (\d{4})$")
# Small whole numbers are printed in words in running text (« préavis de six mois »,
# « cinq ans »): read back through the same spelling.
WORDS_UP_TO = 100
_WORDS: dict[str, int] = {}


def _in_words(text: str) -> int | None:
    if not _WORDS:
        _WORDS.update({nombre_lettres(n): n for n in range(WORDS_UP_TO + 1)})
    return _WORDS.get(text)


def plain(text: str) -> str:
    """The text with typographic spaces and apostrophes as typed: one character for one, so
    that positions in both are the same."""
    return text.translate(_SPACES)


@dataclass(frozen=True)
class Value:
    """A scalar of contract.yaml: where it is and what it holds."""

    loc: Loc
    value: str | int | float | Decimal | dt.date

    @property
    def field(self) -> str:
        """`etablissements[0].financements[0].dotation`, as the documentation names fields."""
        text = ""
        for part in self.loc:
            text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
        return text

    def forms(self, words: bool = False) -> list[str]:
        """How the value may be printed, longest first, in `plain` typography; `words`: a
        small whole number in words too (« six »), when the provenance already says that the
        passage printed this value (in words it would match too many others)."""
        value = self.value
        found: list[str] = []
        if isinstance(value, dt.date):
            found = [date_fr(value), f"{value.day} {_MONTHS[value.month - 1]} {value.year}"]
        elif isinstance(value, bool):
            found = []
        elif isinstance(value, float | Decimal):
            found = [montant(value), montant(value, symbole=False), nombre(value)]
        elif isinstance(value, int):
            spelled = [nombre_lettres(value)] if words and 0 <= value <= WORDS_UP_TO else []
            found = [nombre(value), str(value), *spelled]
        elif isinstance(value, str) and len(value.strip()) > 1:
            found = [" ".join(value.split())]
        return sorted(dict.fromkeys(plain(f) for f in found if f), key=len, reverse=True)


def scalars(raw: Any, loc: Loc = ()) -> Iterator[Value]:
    """Every scalar of the contract data, with its place."""
    if isinstance(raw, dict):
        for key, item in raw.items():
            yield from scalars(item, (*loc, key))
    elif isinstance(raw, list):
        for index, item in enumerate(raw):
            yield from scalars(item, (*loc, index))
    elif isinstance(raw, str | int | float | Decimal | dt.date) and not isinstance(raw, bool):
        yield Value(loc, raw)


def read_back(old: Value, printed: str, form: str) -> Any:
    """The value whose printed form is `printed`, of the same kind as `old`; None if it does
    not read as one (an amount that is no longer a number)."""
    text = plain(printed).strip()
    value = old.value
    if isinstance(value, dt.date):
        return _date(text)
    if isinstance(value, bool):
        return None
    if isinstance(value, float | Decimal | int):
        number = text.removesuffix("€").replace(" ", "").replace(",", ".")
        try:
            parsed = Decimal(number)
        except InvalidOperation:
            return _in_words(text) if isinstance(value, int) else None
        if isinstance(value, int) and parsed == parsed.to_integral_value():
            return int(parsed)
        return parsed
    # A string: its own characters where the form kept them, the new ones elsewhere.
    if "'" in value and "\u2019" not in value:
        return plain(printed) if form == plain(" ".join(value.split())) else printed
    return printed


def _date(text: str) -> dt.date | None:
    found = _DATE.match(text)
    if found is None or found.group(2) not in _MONTHS:
        return None
    try:
        return dt.date(int(found.group(3)), _MONTHS.index(found.group(2)) + 1, int(found.group(1)))
    except ValueError:
        return None


def siblings(raw: Any, loc: Loc) -> list[str]:
    """The other texts that describe the same item as the value at `loc` (its establishment's
    name, its funder's key…): what tells two equal numbers apart in a table row."""
    found: list[str] = []
    for depth in range(len(loc) - 1, 0, -1):
        holder = raw
        for part in loc[:depth]:
            holder = holder[part]
        if isinstance(holder, dict):
            found += [plain(v) for v in holder.values() if isinstance(v, str) and len(v) > 2]
    return found
