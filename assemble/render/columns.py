"""Table columns wide enough for their widest unbreakable text, in Word and PDF alike.

pandoc takes relative column widths from the Markdown (the dashes under a pipe table's header).
A narrow column then forces a name such as « Département d'Ille-et-Vilaine » to break at its
hyphens. This rule widens such a column to its widest unbreakable run of text (a word, a name
joined by hyphens, an amount joined by no-break spaces) and takes the width from the columns
that have room to spare. Widths are measured with the advance widths of the contract's font
(Liberation Serif, metric-compatible with Times New Roman), at the size of table text.
"""

from __future__ import annotations

import unicodedata
from typing import Any

TEXT_WIDTH = 453.54  # points: A4 less two margins of 2.5 cm (reference.docx, contrat.typ)
CELL_PADDING = 2 * 4.25  # points: Word's cell margins, left and right (85 twips each)
TABLE_TEXT_SIZE = 9.0  # points: « Table Text » and the typst tables
SAFETY = 1.03  # rounding of glyph positions, and a hair's breadth of room

# Advance widths of the font's characters U+0020 to U+007E, in thousandths of an em.
_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
    722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
    722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
    500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
    444, 480, 200, 480, 541,
)  # fmt: skip
_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722,
    722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
    722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500,
    556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500,
    444, 394, 220, 394, 520,
)  # fmt: skip
_OTHERS = {"«": 500, "»": 500, "€": 500, "’": 333, "–": 500, "\u202f": 200, "\u00a0": 250}
_OTHERS_BOLD = {**_OTHERS, "œ": 722}
_BREAKS = ("Space", "SoftBreak", "LineBreak")


def text_width(text: str, bold: bool = False) -> float:
    """Width in points of `text` set in table text."""
    table, others = (_BOLD, _OTHERS_BOLD) if bold else (_REGULAR, _OTHERS)
    total = 0
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]  # « é » is as wide as « e »
        if char in others:
            total += others[char]
        elif " " <= base <= "~":
            total += table[ord(base) - 32]
        else:
            total += 722 if base.isupper() else 556
    return total * TABLE_TEXT_SIZE / 1000 * SAFETY


def fit_columns(table: dict[str, Any]) -> dict[str, Any]:
    """The table with every column at least as wide as its widest unbreakable text, when the
    other columns can give up the width; tables whose widths pandoc chooses are left alone."""
    attr, caption, specs, head, bodies, foot = table["c"]
    widths = [spec[1].get("c") for spec in specs]
    if not widths or any(not isinstance(w, float | int) for w in widths):
        return table
    needs = [0.0] * len(widths)
    rows = [(row, True) for row in head[1]]
    rows += [(row, False) for body in bodies for row in body[2] + body[3]]
    rows += [(row, False) for row in foot[1]]
    for row, bold in rows:
        column = 0
        for cell in row[1]:
            span = cell[3]
            if span == 1 and column < len(needs):
                need = (_widest(cell[4], bold) + CELL_PADDING) / TEXT_WIDTH
                needs[column] = max(needs[column], need)
            column += span
    fitted = _redistribute([float(w) for w in widths], needs)
    columns = [[s[0], {"t": "ColWidth", "c": w}] for s, w in zip(specs, fitted, strict=True)]
    return {"t": "Table", "c": [attr, caption, columns, head, bodies, foot]}


def _redistribute(widths: list[float], needs: list[float]) -> list[float]:
    deficits = [max(0.0, n - w) for w, n in zip(widths, needs, strict=True)]
    slacks = [max(0.0, w - n) for w, n in zip(widths, needs, strict=True)]
    deficit, slack = sum(deficits), sum(slacks)
    if deficit == 0 or slack == 0:
        return widths
    given = min(deficit, slack)
    return [
        round(w + d * given / deficit - s * given / slack, 4)
        for w, d, s in zip(widths, deficits, slacks, strict=True)
    ]


def _widest(blocks: list[dict[str, Any]], bold: bool) -> float:
    widest = 0.0
    for block in blocks:
        if block["t"] in ("Plain", "Para"):
            for run, run_bold in _runs(block["c"], bold):
                widest = max(widest, text_width(run, run_bold))
    return widest


def _runs(inlines: list[dict[str, Any]], bold: bool) -> list[tuple[str, bool]]:
    """The runs of text a line cannot break, with whether they are bold."""
    runs: list[tuple[str, bool]] = []
    current, current_bold = "", bold

    def flush() -> None:
        nonlocal current
        if current:
            runs.append((current, current_bold))
        current = ""

    def walk(nodes: list[dict[str, Any]], strong: bool) -> None:
        nonlocal current, current_bold
        for node in nodes:
            kind = node["t"]
            if kind in _BREAKS:
                flush()
            elif kind == "Str":
                current += node["c"]
                current_bold = current_bold or strong
            elif kind == "Strong":
                walk(node["c"], True)
            elif kind in ("Emph", "Underline", "SmallCaps", "Strikeout"):
                walk(node["c"], strong)
            elif kind in ("Span", "Link"):
                walk(node["c"][1], strong)

    walk(inlines, bold)
    flush()
    return runs
