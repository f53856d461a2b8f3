"""French typography as pandoc AST filters: no-break spaces, « guillemets », where lines break."""

from __future__ import annotations

import re
from typing import Any

from ..text.french import NBSP, NNBSP
from .columns import fit_columns

# Thin no-break space before ; ! ? and a word no-break space before : and inside « ».
_THIN_BEFORE = ";!?"
_WORD_BEFORE = ":»"
_GLUED = re.compile(r"(?<=[\w)»])([;!?])(?=$)")


def french_typography(ast: dict[str, Any]) -> dict[str, Any]:
    """Return the AST with French spacing applied to every run of inline elements."""
    ast["blocks"] = _walk(ast["blocks"])
    return ast


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        items = [_walk(item) for item in node]
        if items and all(isinstance(i, dict) and "t" in i for i in items):
            return _inlines(items)
        return items
    if isinstance(node, dict):
        if node.get("t") in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math"):
            return node
        return {key: _walk(value) for key, value in node.items()}
    return node


def _str(text: str) -> dict[str, Any]:
    return {"t": "Str", "c": text}


def _inlines(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = []
    for item in items:
        if item["t"] == "Quoted" and item["c"][0]["t"] == "DoubleQuote":
            expanded += [_str("«" + NBSP), *item["c"][1], _str(NBSP + "»")]
        elif item["t"] == "Str":
            expanded.append(_str(_GLUED.sub(NNBSP + r"\1", item["c"])))
        else:
            expanded.append(item)
    result: list[dict[str, Any]] = []
    for index, item in enumerate(expanded):
        if item["t"] in ("Space", "SoftBreak"):
            after = expanded[index + 1] if index + 1 < len(expanded) else None
            before = result[-1] if result else None
            next_text = after["c"] if after and after["t"] == "Str" else ""
            prev_text = before["c"] if before and before["t"] == "Str" else ""
            if next_text[:1] and next_text[0] in _THIN_BEFORE:
                result.append(_str(NNBSP))
                continue
            if (next_text[:1] and next_text[0] in _WORD_BEFORE) or prev_text.endswith("«"):
                result.append(_str(NBSP))
                continue
        result.append(item)
    return result


# --- where lines may break (rendering profile 2) ---------------------------------------------

LINE_BREAKS = 2  # the rendering profile (document.RENDU) from which line_breaks applies
UNBREAKABLE = "insecable"  # Span class: never broken across lines, not even at its hyphens
KEEP_WITH_NEXT = "intertitre"  # Div class: a label paragraph kept with the list or table it opens
KEEP_WITH_NEXT_STYLE = "Intertitre"  # its Word paragraph style (reference.docx)
KEEP_TOGETHER = "groupe"  # Div class: a short table never split across two pages
SHORT_TABLE_ROWS = 8  # header row included

# « l'article », « annexes », « n° », « R. »… followed by a number: the number stays with it.
_CITING = re.compile(
    r"(?:^|[\s'’(«])(?:articles?|annexes?|titres?|chapitres?|alinéas?|fiches?|avenants?|n°"
    r"|[LRDA]\.|L\.O\.)$",
    re.IGNORECASE,
)
_CITED = re.compile(r"^(?:\d|[IVX]+\b|[LRDA]\.$|L\.O\.$)")
# « 150 000 euros » typed with ordinary spaces: the groups of digits and the unit stay together.
_GROUP_BEFORE = re.compile(r"(?:^|[^\d,])[−-]?\d{1,3}$")
_GROUP_AFTER = re.compile(r"^\d{3}(?!\d)")
_UNIT = re.compile(r"^(?:%|€|euros?\b)")
# Never broken at their hyphens: numbers (« 314-43-1 », « 2015-1776 ») and names (« Saint-Nazaire »,
# « d'Ille-et-Vilaine ») everywhere; in table cells every hyphenated word.
_NUMBERS_AND_NAMES = re.compile(r"\d+(?:-\d+)+|(?<![\w-])[A-ZÀ-ÖØ-Þ]\w*(?:-\w+)+")
_COMPOUNDS = re.compile(r"\w+(?:-\w+)+")
_LISTS_AND_TABLES = ("BulletList", "OrderedList", "Table", "Figure")
# « 12 novembre 2021 » typed with ordinary spaces: the day, the month and the year stay on one
# line, as the `date` filter writes them (rendering profile 3).
DATES = 3
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DAY = re.compile(r"(?:^|[\s'’(«])(?:1er|[12]?\d|3[01])$")
_MONTH_AFTER = re.compile(rf"^(?:{_MONTHS})(?![\w-])")
_MONTH_BEFORE = re.compile(rf"(?:^|[\s'’(«])(?:{_MONTHS})$")
_YEAR_AFTER = re.compile(r"^\d{4}(?!\d)")


def profile_breaks(ast: dict[str, Any], rendu: int) -> dict[str, Any]:
    """The AST with the line-break marks of a rendering profile (`line_breaks`), once for
    every writer that renders it (`broken=True` in docx.py and pdf.py)."""
    if rendu < LINE_BREAKS:
        return ast
    return line_breaks(ast, dates=rendu >= DATES)


def line_breaks(ast: dict[str, Any], dates: bool = False) -> dict[str, Any]:
    """Keep together what a line must not split: legal citations with their numbers, numbers
    with their digit groups and « % » or « euros », hyphenated numbers and names, every word of
    a table cell (in columns made wide enough for it), and a label with what it introduces.

    Format-neutral: no-break spaces are text; the rest is marked with a Span or Div class that
    each writer renders its own way. Word keeps its ordinary hyphens: its non-breaking hyphen
    reads back as U+2011 (pandoc) and escapes Word's search for « - »; typst boxes the span,
    which leaves the PDF's text as written.

    With `dates` (rendering profile 3), a date typed in a clause (« 12 novembre 2021 ») is
    kept on one line too.
    """
    blocks = _breaks(ast["blocks"], in_table=False, dates=dates)
    return {**ast, "blocks": _label_blocks(blocks)}


def _breaks(node: Any, in_table: bool, dates: bool = False) -> Any:
    if isinstance(node, list):
        items = [_breaks(item, in_table, dates) for item in node]
        if items and all(isinstance(i, dict) and "t" in i for i in items):
            if _is_inline(items[0]):
                return _unbreakable(_no_break_spaces(items, dates), in_table)
            return _label_blocks(items)
        return items
    if isinstance(node, dict):
        kind = node.get("t")
        if kind in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math") or _is_unbreakable(node):
            return node
        if kind == "Div" and {KEEP_TOGETHER, KEEP_WITH_NEXT} & set(node["c"][0][1]):
            attributes, blocks = node["c"]  # already marked: its blocks, not marked twice
            return {"t": "Div", "c": [attributes, [_breaks(b, in_table, dates) for b in blocks]]}
        if kind == "BlockQuote":  # a quoted article keeps Word's « Block Text » style
            return {"t": kind, "c": [_breaks(b, in_table, dates) for b in node["c"]]}
        inner = in_table or kind == "Table"
        result = {key: _breaks(value, inner, dates) for key, value in node.items()}
        return fit_columns(result) if kind == "Table" else result
    return node


_INLINE = {
    "Str",
    "Space",
    "SoftBreak",
    "LineBreak",
    "Emph",
    "Strong",
    "Underline",
    "Strikeout",
    "Superscript",
    "Subscript",
    "SmallCaps",
    "Quoted",
    "Cite",
    "Code",
    "Math",
    "RawInline",
    "Link",
    "Image",
    "Note",
    "Span",
}


def _is_inline(node: dict[str, Any]) -> bool:
    return node["t"] in _INLINE


def _is_unbreakable(node: dict[str, Any]) -> bool:
    return node.get("t") == "Span" and UNBREAKABLE in node["c"][0][1]


def _text(node: dict[str, Any] | None) -> str:
    return node["c"] if node is not None and node["t"] == "Str" else ""


def _first_text(node: dict[str, Any] | None) -> str:
    """The text a node starts with, looking into links and emphasis (« [article 6](#…) »)."""
    while node is not None and node["t"] in ("Link", "Emph", "Strong", "Span"):
        content = node["c"][1] if node["t"] in ("Link", "Span") else node["c"]
        node = content[0] if content else None
    return _text(node)


def _no_break_spaces(items: list[dict[str, Any]], dates: bool = False) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if item["t"] in ("Space", "SoftBreak") and result and index + 1 < len(items):
            before, after = _text(result[-1]), _first_text(items[index + 1])
            cited = bool(_CITING.search(before) and _CITED.match(after))
            dated = dates and bool(
                (_DAY.search(before) and _MONTH_AFTER.match(after))
                or (_MONTH_BEFORE.search(before) and _YEAR_AFTER.match(after))
            )
            if cited or dated or (_UNIT.match(after) and before[-1:].isdigit()):
                result.append(_str(NBSP))
                continue
            if _GROUP_BEFORE.search(before) and _GROUP_AFTER.match(after):
                result.append(_str(NNBSP))
                continue
        result.append(item)
    return result


def _unbreakable(items: list[dict[str, Any]], in_table: bool) -> list[dict[str, Any]]:
    pattern = _COMPOUNDS if in_table else _NUMBERS_AND_NAMES
    result: list[dict[str, Any]] = []
    for item in items:
        if item["t"] != "Str" or not pattern.search(item["c"]):
            result.append(item)
            continue
        text, start = item["c"], 0
        for match in pattern.finditer(text):
            if match.start() > start:
                result.append(_str(text[start : match.start()]))
            result.append(unbreakable([_str(match.group())]))
            start = match.end()
        if start < len(text):
            result.append(_str(text[start:]))
    return result


def unbreakable(inlines: list[dict[str, Any]]) -> dict[str, Any]:
    """A Span that no line breaks (see UNBREAKABLE)."""
    return {"t": "Span", "c": [["", [UNBREAKABLE], []], inlines]}


def _label_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """« **4. Actions.** » followed by a list or a table: never left alone at a page foot;
    a short table on one page."""
    result: list[dict[str, Any]] = []
    for index, block in enumerate(blocks):
        if block["t"] == "Table" and table_rows(block) <= SHORT_TABLE_ROWS:
            block = {"t": "Div", "c": [["", [KEEP_TOGETHER], []], [block]]}
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if _is_label(block) and after is not None and after["t"] in _LISTS_AND_TABLES:
            attributes = [["custom-style", KEEP_WITH_NEXT_STYLE]]
            block = {"t": "Div", "c": [["", [KEEP_WITH_NEXT], attributes], [block]]}
        result.append(block)
    return result


def table_rows(table: dict[str, Any]) -> int:
    """Rows of a pandoc Table: head, bodies (intermediate head and body rows) and foot."""
    _, _, _, head, bodies, foot = table["c"]
    body_rows = sum(len(body[2]) + len(body[3]) for body in bodies)
    return len(head[1]) + body_rows + len(foot[1])


def _is_label(block: dict[str, Any]) -> bool:
    """A paragraph that is only bold or italic text, or that ends with a colon."""
    if block["t"] != "Para" or not block["c"]:
        return False
    content = block["c"]
    if len(content) == 1 and content[0]["t"] in ("Strong", "Emph"):
        return True
    return _text(content[-1]).endswith(":")
