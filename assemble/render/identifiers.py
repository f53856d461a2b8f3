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


def _visit(block: dict[str, Any], used: set[str], in_table: bool) -> None:
    """A block and the blocks it holds (headings are blocks, never inside inlines but in
    notes, which the reader by piece never reads)."""
    kind = block["t"]
    value: Any = block.get("c")
    if kind == "Header":
        attr = value[1]
        if in_table:
            raise Declined("un intitulé dans un tableau")
        if not attr[0]:
            attr[0] = unique_identifier(value[2], used)
        used.add(attr[0])
    elif kind in _HOLDERS:
        for inner in _HOLDERS[kind](value):
            _visit(inner, used, in_table or kind == "Table")


def _table_blocks(value: Any) -> list[Any]:
    _, caption, _, head, bodies, foot = value
    rows = head[1] + [r for body in bodies for r in body[2] + body[3]] + foot[1]
    return [*caption[1], *(b for row in rows for cell in row[1] for b in cell[4])]


# Where blocks hold blocks, in pandoc's JSON: each gives its inner blocks in document order.
_HOLDERS: dict[str, Any] = {
    "Div": lambda c: c[1],
    "BlockQuote": lambda c: c,
    "BulletList": lambda c: [b for item in c for b in item],
    "OrderedList": lambda c: [b for item in c[1] for b in item],
    "DefinitionList": lambda c: [b for _, defs in c for d in defs for b in d],
    "Figure": lambda c: c[1][1] + c[2],
    "Table": _table_blocks,
}


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
