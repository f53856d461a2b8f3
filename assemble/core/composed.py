"""Texts made of data values and words, that remember where each value stands in them.

A derived fact printed whole (« 60 places en internat, 12 places en semi-internat ») is
made from values of the data; a `Composed` text keeps, for each value, its place in the text
and the field it was read from (the model object and the field's name), so that the
provenance of a contract's text (compose/tracing.py) reaches the value itself. It is a `str`
in every other respect: what clauses and writers do with it is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

# A value's place: start, end, the model object it was read from and the field's name.
Part = tuple[int, int, object, str]


class Composed(str):
    parts: tuple[Part, ...] = ()


def composed(pieces: Iterable[str | tuple[object, str]]) -> Composed:
    """Words and (model, field) values, joined; each value printed as str() prints it."""
    text: list[str] = []
    parts: list[Part] = []
    size = 0
    for piece in pieces:
        if isinstance(piece, tuple):
            model, name = piece
            written = str(getattr(model, name))
            parts.append((size, size + len(written), model, name))
        else:
            written = piece
            parts.extend((size + s, size + e, m, n) for s, e, m, n in getattr(piece, "parts", ()))
        text.append(written)
        size += len(written)
    made = Composed("".join(text))
    made.parts = tuple(parts)
    return made


def joined(separator: str, items: Iterable[str]) -> Composed:
    """`separator.join(items)`, keeping the values' places."""
    pieces: list[str] = []
    for index, item in enumerate(items):
        if index:
            pieces.append(separator)
        pieces.append(item)
    return composed(pieces)
