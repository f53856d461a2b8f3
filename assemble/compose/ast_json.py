"""pandoc JSON to the typed nodes of `ast` and back, losslessly for what pandoc writes."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

from .ast import (
    Attr,
    Block,
    BlockQuote,
    BulletList,
    Cell,
    Code,
    Div,
    Header,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    OtherBlock,
    OtherInline,
    Para,
    Plain,
    Quoted,
    RawInline,
    Ref,
    Row,
    SoftBreak,
    Space,
    Span,
    Str,
    Styled,
    Table,
    TableBody,
)

Json: TypeAlias = Any  # a pandoc JSON value (dicts, lists, strings, numbers)


# --- from pandoc JSON -------------------------------------------------------------------------

_STYLES = frozenset(
    {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
)


def attr_of(value: Json) -> Attr:
    identifier, classes, pairs = value
    return (identifier, tuple(classes), tuple((k, v) for k, v in pairs))


def inlines_of(values: Json) -> tuple[Inline, ...]:
    return tuple(inline_of(v) for v in values)


def blocks_of(values: Json) -> tuple[Block, ...]:
    return tuple(block_of(v) for v in values)


def inline_of(value: Json) -> Inline:  # noqa: PLR0911 - one case per node kind
    kind, content = value["t"], value.get("c")
    if kind == "Str":
        return Str(content)
    if kind == "Space":
        return Space()
    if kind == "SoftBreak":
        return SoftBreak()
    if kind == "LineBreak":
        return LineBreak()
    if kind in _STYLES:
        return Styled(kind, inlines_of(content))
    if kind == "Quoted":
        return Quoted(content[0]["t"], inlines_of(content[1]))
    if kind == "Code":
        return Code(attr_of(content[0]), content[1])
    if kind == "Link":
        return Link(attr_of(content[0]), inlines_of(content[1]), content[2][0], content[2][1])
    if kind == "Span":
        return Span(attr_of(content[0]), inlines_of(content[1]))
    if kind == "Note":
        return Note(blocks_of(content))
    if kind == "RawInline":
        return RawInline(content[0], content[1])
    if kind == "Ref":  # not pandoc's: a link tagged by body.read_document
        link = inline_of(content[1])
        assert isinstance(link, Link)
        return Ref(tuple(content[0]), link)
    return OtherInline(_text(value))


def block_of(value: Json) -> Block:  # noqa: PLR0911 - one case per node kind
    kind, content = value["t"], value.get("c")
    if kind == "Para":
        return Para(inlines_of(content))
    if kind == "Plain":
        return Plain(inlines_of(content))
    if kind == "Header":
        return Header(content[0], attr_of(content[1]), inlines_of(content[2]))
    if kind == "BulletList":
        return BulletList(tuple(blocks_of(item) for item in content))
    if kind == "OrderedList":
        return OrderedList(_text(content[0]), tuple(blocks_of(item) for item in content[1]))
    if kind == "BlockQuote":
        return BlockQuote(blocks_of(content))
    if kind == "Div":
        return Div(attr_of(content[0]), blocks_of(content[1]))
    if kind == "Table":
        return _table_of(content)
    return OtherBlock(_text(value))


def _table_of(content: Json) -> Table:
    attr, caption, colspecs, head, bodies, foot = content
    return Table(
        attr_of(attr),
        _text(caption),
        _text(colspecs),
        (attr_of(head[0]), _rows_of(head[1])),
        tuple(TableBody(attr_of(b[0]), b[1], _rows_of(b[2]), _rows_of(b[3])) for b in bodies),
        (attr_of(foot[0]), _rows_of(foot[1])),
    )


def _rows_of(rows: Json) -> tuple[Row, ...]:
    return tuple(
        Row(
            attr_of(attr),
            tuple(Cell(attr_of(c[0]), c[1]["t"], c[2], c[3], blocks_of(c[4])) for c in cells),
        )
        for attr, cells in rows
    )


def _text(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- to pandoc JSON ---------------------------------------------------------------------------


def attr_json(attr: Attr) -> Json:
    return [attr[0], list(attr[1]), [list(pair) for pair in attr[2]]]


def inline_json(node: Inline) -> Json:  # noqa: PLR0911 - one case per node kind
    if isinstance(node, Str):
        return {"t": "Str", "c": node.text}
    if isinstance(node, Space | SoftBreak | LineBreak):
        return {"t": type(node).__name__}
    if isinstance(node, Styled):
        return {"t": node.style, "c": inlines_json(node.content)}
    if isinstance(node, Quoted):
        return {"t": "Quoted", "c": [{"t": node.quote}, inlines_json(node.content)]}
    if isinstance(node, Code):
        return {"t": "Code", "c": [attr_json(node.attr), node.text]}
    if isinstance(node, Link):
        target = [node.url, node.title]
        return {"t": "Link", "c": [attr_json(node.attr), inlines_json(node.content), target]}
    if isinstance(node, Span):
        return {"t": "Span", "c": [attr_json(node.attr), inlines_json(node.content)]}
    if isinstance(node, Note):
        return {"t": "Note", "c": blocks_json(node.blocks)}
    if isinstance(node, RawInline):
        return {"t": "RawInline", "c": [node.format, node.text]}
    if isinstance(node, Ref):
        return inline_json(node.link)
    return json.loads(node.json)


def block_json(node: Block) -> Json:  # noqa: PLR0911 - one case per node kind
    if isinstance(node, Para | Plain):
        return {"t": type(node).__name__, "c": inlines_json(node.content)}
    if isinstance(node, Header):
        return {"t": "Header", "c": [node.level, attr_json(node.attr), inlines_json(node.content)]}
    if isinstance(node, BulletList):
        return {"t": "BulletList", "c": [blocks_json(item) for item in node.items]}
    if isinstance(node, OrderedList):
        items = [blocks_json(item) for item in node.items]
        return {"t": "OrderedList", "c": [json.loads(node.attributes), items]}
    if isinstance(node, BlockQuote):
        return {"t": "BlockQuote", "c": blocks_json(node.blocks)}
    if isinstance(node, Div):
        return {"t": "Div", "c": [attr_json(node.attr), blocks_json(node.blocks)]}
    if isinstance(node, Table):
        return _table_json(node)
    return json.loads(node.json)


def inlines_json(nodes: tuple[Inline, ...]) -> Json:
    return [inline_json(n) for n in nodes]


def blocks_json(nodes: tuple[Block, ...]) -> Json:
    return [block_json(n) for n in nodes]


def _table_json(table: Table) -> Json:
    bodies = [
        [attr_json(b.attr), b.head_columns, _rows_json(b.head), _rows_json(b.rows)]
        for b in table.bodies
    ]
    return {
        "t": "Table",
        "c": [
            attr_json(table.attr),
            json.loads(table.caption),
            json.loads(table.colspecs),
            [attr_json(table.head[0]), _rows_json(table.head[1])],
            bodies,
            [attr_json(table.foot[0]), _rows_json(table.foot[1])],
        ],
    }


def _rows_json(rows: tuple[Row, ...]) -> Json:
    return [
        [
            attr_json(row.attr),
            [
                [attr_json(c.attr), {"t": c.alignment}, c.rowspan, c.colspan, blocks_json(c.blocks)]
                for c in row.cells
            ],
        ]
        for row in rows
    ]
