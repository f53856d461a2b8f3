"""The identifiers pandoc's Markdown reader gives headings written without one.

pandoc derives them over the whole document (`auto_identifiers`): a heading's text made an
identifier (`textToIdentifier`), then made unique against every heading identifier met before
it (`uniqueIdent`: « -1 », « -2 »…). Reading a document piece by piece (pieces.py) reads with
`-auto_identifiers` and gives the identifiers here, in document order, as pandoc would have.

This mirrors pandoc 3's Text.Pandoc.Shared (stringify, textToIdentifier, uniqueIdent) for
the Markdown reader's extensions (neither gfm_auto_identifiers nor ascii_identifiers) and
Data.Char's classes (isSpace, isAlpha, isAlphaNum). Where Python's Unicode and Haskell's
could disagree (combining marks, format characters, unassigned code points, characters
outside the Basic Multilingual Plane, the Greek final sigma), it declines: the caller then
reads the whole document with pandoc. tests/test_pieces.py compares it with pandoc.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Haskell's Data.Char.isSpace: these below U+0378, and the Zs category above.
_LATIN_SPACES = frozenset(" \t\n\v\f\r\xa0")
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo"})
_ALPHANUMERIC = _LETTERS | {"Nd", "Nl", "No"}
# Where Python's and GHC's tables or case mappings may differ: pandoc decides.
_DECLINED = frozenset({"Mn", "Mc", "Me", "Cf", "Co", "Cn", "Cs"})
_QUOTES = {"SingleQuote": ("\u2018", "\u2019"), "DoubleQuote": ("\u201c", "\u201d")}
_STYLED = frozenset(
    {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
)


class Declined(Exception):
    """A heading this module cannot give pandoc's identifier for, with certainty."""


def assign_identifiers(blocks: list[Any]) -> None:
    """Give, in place and in document order, every heading without an identifier the one
    pandoc's reader would have; Declined when one is somewhere pandoc's order is not
    certain (a table) or its text is beyond this module (see the module's doc)."""
    used: set[str] = set()
    for block in blocks:
        _visit(block, used, in_table=False)


def _visit(node: Any, used: set[str], in_table: bool) -> None:
    if isinstance(node, list):
        for item in node:
            _visit(item, used, in_table)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("t")
    if kind == "Header":
        _, attr, inlines = node["c"]
        if in_table:
            raise Declined("un intitulé dans un tableau")
        if not attr[0]:
            attr[0] = unique_identifier(inlines, used)
        used.add(attr[0])
        return  # a heading holds inlines only
    _visit(node.get("c"), used, in_table or kind == "Table")


def unique_identifier(inlines: list[Any], used: set[str]) -> str:
    """pandoc's `uniqueIdent`: the heading's identifier, suffixed to differ from `used`."""
    base = identifier(stringify(inlines)) or "section"
    if base not in used:
        return base
    for number in range(1, 60001):
        candidate = f"{base}-{number}"
        if candidate not in used:
            return candidate
    return base  # pandoc, too, allows repeats past 60 000


def identifier(text: str) -> str:
    """pandoc's `textToIdentifier` for the Markdown reader (see the module's doc)."""
    for char in text:
        if ord(char) > 0xFFFF or unicodedata.category(char) in _DECLINED or char in "Σς":
            raise Declined(f"caractère {char!r}")
    kept = "".join(c for c in text.lower() if _is_space(c) or _is_alnum(c) or c in "_-.")
    words = "".join(" " if _is_space(c) else c for c in kept).split(" ")
    joined = "-".join(word for word in words if word)
    start = 0
    while start < len(joined) and unicodedata.category(joined[start]) not in _LETTERS:
        start += 1
    return joined[start:]


def stringify(inlines: list[Any]) -> str:
    """pandoc's `stringify` of a heading's inlines (notes and citations' own text left out,
    quotes as English curly quotes)."""
    return "".join(_text(inline) for inline in inlines)


def _text(inline: dict[str, Any]) -> str:
    kind = inline.get("t")
    value: Any = inline.get("c")
    if kind == "Str":
        return str(value)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return str(value[1])
    if kind == "RawInline":
        return " " if value[0] == "html" and value[1].startswith("<br") else ""
    if kind == "Quoted":
        opening, closing = _QUOTES[value[0]["t"]]
        return opening + stringify(value[1]) + closing
    if kind == "Note":
        return ""
    if kind in _STYLED:
        return stringify(value)
    if kind in ("Span", "Cite"):
        return stringify(value[1])
    if kind in ("Link", "Image"):
        return stringify(value[1])
    raise Declined(f"élément {kind!r}")


def _is_space(char: str) -> bool:
    if ord(char) < 0x378:
        return char in _LATIN_SPACES
    return unicodedata.category(char) == "Zs"


def _is_alnum(char: str) -> bool:
    return unicodedata.category(char) in _ALPHANUMERIC
