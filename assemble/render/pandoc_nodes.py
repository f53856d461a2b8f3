"""Named accessors for the pandoc JSON AST (pandoc 3), instead of positional indexes.

Readers return the parts of a node; `with_…` functions return a new node with one part
replaced, leaving the original untouched. Only the node kinds the redline works on are here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Node = dict[str, Any]  # a block or an inline
Attr = tuple[str, list[str], list[list[str]]]  # identifier, classes, key-value pairs

TEXT_BLOCKS = ("Para", "Plain")
LISTS = ("BulletList", "OrderedList")
# Inlines whose content is a list of inlines, and where that list sits in "c".
_INLINE_CONTENT: dict[str, int | None] = {
    "Emph": None,
    "Strong": None,
    "Underline": None,
    "Strikeout": None,
    "Superscript": None,
    "Subscript": None,
    "SmallCaps": None,
    "Span": 1,
    "Link": 1,
    "Quoted": 1,
}


def kind(node: Node) -> str:
    return str(node["t"])


# --- attributes -------------------------------------------------------------------------------


def attr(node: Node) -> Attr:
    """The attributes of a Header, Div, Span, Link or Table."""
    raw = node["c"][1] if kind(node) == "Header" else node["c"][0]
    return (raw[0], list(raw[1]), [list(pair) for pair in raw[2]])


def with_attr(node: Node, value: Attr) -> Node:
    content = list(node["c"])
    content[1 if kind(node) == "Header" else 0] = [value[0], value[1], value[2]]
    return {**node, "c": content}


def classes(node: Node) -> list[str]:
    return attr(node)[1]


# --- paragraphs and headings ------------------------------------------------------------------


def is_paragraph(node: Node) -> bool:
    """A block Word writes as one paragraph: Para, Plain or Header."""
    return kind(node) in (*TEXT_BLOCKS, "Header")


def inlines(block: Node) -> list[Node]:
    """The inlines of a Para, Plain or Header."""
    return list(block["c"][2] if kind(block) == "Header" else block["c"])


def with_inlines(block: Node, content: list[Node]) -> Node:
    if kind(block) == "Header":
        level, attributes, _ = block["c"]
        return {**block, "c": [level, attributes, content]}
    return {**block, "c": content}


def header_level(block: Node) -> int:
    return int(block["c"][0])


# --- containers of blocks ---------------------------------------------------------------------


def list_items(block: Node) -> list[list[Node]]:
    """The items of a BulletList or OrderedList, each a list of blocks."""
    return list(block["c"] if kind(block) == "BulletList" else block["c"][1])


def with_list_items(block: Node, items: list[list[Node]]) -> Node:
    if kind(block) == "BulletList":
        return {**block, "c": items}
    return {**block, "c": [block["c"][0], items]}


def list_attributes(block: Node) -> Any:
    """An OrderedList's start number, style and delimiter."""
    return block["c"][0]


def child_blocks(block: Node) -> list[Node]:
    """The blocks inside a BlockQuote or a Div."""
    return list(block["c"] if kind(block) == "BlockQuote" else block["c"][1])


def with_child_blocks(block: Node, blocks: list[Node]) -> Node:
    if kind(block) == "BlockQuote":
        return {**block, "c": blocks}
    return {**block, "c": [block["c"][0], blocks]}


def plain(content: list[Node]) -> Node:
    return {"t": "Plain", "c": content}


# --- tables: Table attr caption colspecs head [body] foot ----------------------------------
# head and foot: [attr, rows]; body: [attr, row-head-columns, head rows, rows];
# row: [attr, cells]; cell: [attr, alignment, rowspan, colspan, blocks].


def table_columns(table: Node) -> int:
    return len(table["c"][2])


def without_column_widths(table: Node) -> Node:
    """The table with its column specifications left out: for comparing content only."""
    content = list(table["c"])
    content[2] = len(content[2])
    return {**table, "c": content}


def table_row_groups(table: Node) -> list[list[Any]]:
    """The rows of a table, group by group: head, then each body's head and body rows, then
    foot."""
    _, _, _, head, bodies, foot = table["c"]
    groups = [list(head[1])]
    for body in bodies:
        groups += [list(body[2]), list(body[3])]
    return [*groups, list(foot[1])]


def with_table_row_groups(table: Node, groups: list[list[Any]]) -> Node:
    """The table with its row groups (in `table_row_groups` order) replaced."""
    content = list(table["c"])
    head, bodies, foot = content[3], content[4], content[5]
    content[3] = [head[0], groups[0]]
    content[4] = [
        [body[0], body[1], groups[1 + 2 * i], groups[2 + 2 * i]] for i, body in enumerate(bodies)
    ]
    content[5] = [foot[0], groups[-1]]
    return {**table, "c": content}


def row_cells(row: Any) -> list[Any]:
    return list(row[1])


def with_row_cells(row: Any, cells: list[Any]) -> Any:
    return [row[0], cells]


def cell_blocks(cell: Any) -> list[Node]:
    return list(cell[4])


def with_cell_blocks(cell: Any, blocks: list[Node]) -> Any:
    return [*cell[:4], blocks]


# --- inlines ----------------------------------------------------------------------------------


def text(value: str) -> Node:
    return {"t": "Str", "c": value}


def space() -> Node:
    return {"t": "Space"}


def span(attributes: Attr, content: list[Node]) -> Node:
    return {"t": "Span", "c": [[attributes[0], attributes[1], attributes[2]], content]}


def str_text(node: Node) -> str | None:
    """The text of a Str, a space for Space and SoftBreak; None for any other inline."""
    if kind(node) == "Str":
        return str(node["c"])
    if kind(node) in ("Space", "SoftBreak"):
        return " "
    return None


def is_cross_reference(node: Node) -> bool:
    """A Link to an anchor of the same document (« l'article 12 » → #denonciation)."""
    return kind(node) == "Link" and str(node["c"][2][0]).startswith("#")


def inline_content(node: Node) -> list[Node] | None:
    """The inlines inside an inline container (emphasis, span, link, quote), else None."""
    if kind(node) not in _INLINE_CONTENT:
        return None
    index = _INLINE_CONTENT[kind(node)]
    return list(node["c"] if index is None else node["c"][index])


def with_inline_content(node: Node, content: list[Node]) -> Node:
    index = _INLINE_CONTENT[kind(node)]
    if index is None:
        return {**node, "c": content}
    value = list(node["c"])
    value[index] = content
    return {**node, "c": value}


def replace_spans(node: Any, replace: Callable[[Node], list[Node] | None]) -> Any:
    """A copy of an AST (or any part of it) where each Span for which `replace` returns a list
    of inlines is replaced by them; `replace` returns None to keep a span (and look inside)."""
    if isinstance(node, list):
        result: list[Any] = []
        for item in node:
            found = replace(item) if isinstance(item, dict) and item.get("t") == "Span" else None
            if found is None:
                result.append(replace_spans(item, replace))
            else:
                result += replace_spans(found, replace)
        return result
    if isinstance(node, dict):
        return {key: replace_spans(value, replace) for key, value in node.items()}
    return node
