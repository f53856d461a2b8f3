"""The typed body of a Document: frozen dataclasses for the part of pandoc's AST clauses use.

Article bodies are read by pandoc once per document (`reader.read_document`) and kept as
these nodes; writers turn them back into pandoc JSON (`to_json`), losslessly: what pandoc
reads, `to_json(of_json(x)) == x`. A cross-reference is a `Ref` node, equal to any other
`Ref` to the same articles whatever number it shows, so that a diff never sees renumbering.

Why not panflute: its elements are mutable (a frozen Document could be changed through any
of them), untyped for mypy, and it costs an import of several hundred milliseconds in every
process; the subset the clauses use fits in the few classes below. Nodes outside it (images,
maths, citations) are kept whole as `OtherInline` / `OtherBlock`, so nothing is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeAlias

Json: TypeAlias = Any  # a pandoc JSON value (dicts, lists, strings, numbers)
Attr: TypeAlias = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]
NO_ATTR: Attr = ("", (), ())


# --- inlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    text: str


@dataclass(frozen=True)
class Space:
    pass


@dataclass(frozen=True)
class SoftBreak:
    pass


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Styled:
    """Emph, Strong, Underline, Strikeout, Superscript, Subscript or SmallCaps."""

    style: str
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Quoted:
    quote: str  # SingleQuote, DoubleQuote
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    attr: Attr
    text: str


@dataclass(frozen=True)
class Link:
    attr: Attr
    content: tuple[Inline, ...]
    url: str
    title: str


@dataclass(frozen=True)
class Span:
    attr: Attr
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Note:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class RawInline:
    format: str
    text: str


@dataclass(frozen=True)
class Ref:
    """A cross-reference made by `ref(…)`: the keys of the articles it points to (several for
    « annexes 4 à 6 »). Its link, which shows the numbers of this composition, takes no part
    in equality: « article 12 » renumbered « article 13 » is the same reference."""

    targets: tuple[str, ...]
    link: Link = field(compare=False)

    @property
    def label(self) -> tuple[Inline, ...]:
        return self.link.content


@dataclass(frozen=True)
class OtherInline:
    """An inline outside the subset, kept as pandoc wrote it (JSON text)."""

    json: str


Inline: TypeAlias = (
    Str
    | Space
    | SoftBreak
    | LineBreak
    | Styled
    | Quoted
    | Code
    | Link
    | Span
    | Note
    | RawInline
    | Ref
    | OtherInline
)


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Plain:
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Header:
    level: int
    attr: Attr
    content: tuple[Inline, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class OrderedList:
    attributes: str  # start, style and delimiter, as pandoc's JSON text
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class BlockQuote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Div:
    attr: Attr
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Cell:
    attr: Attr
    alignment: str
    rowspan: int
    colspan: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Row:
    attr: Attr
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class TableBody:
    attr: Attr
    head_columns: int
    head: tuple[Row, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    attr: Attr
    caption: str  # JSON text: clauses give tables no caption
    colspecs: str  # JSON text: alignments and widths, which no stage reads
    head: tuple[Attr, tuple[Row, ...]]
    bodies: tuple[TableBody, ...]
    foot: tuple[Attr, tuple[Row, ...]]

    def rows(self) -> tuple[Row, ...]:
        """Every row, heading rows first."""
        body = tuple(r for b in self.bodies for r in (*b.head, *b.rows))
        return (*self.head[1], *body, *self.foot[1])


@dataclass(frozen=True)
class OtherBlock:
    """A block outside the subset (code, raw, line block, rule…), kept as pandoc wrote it."""

    json: str


Block: TypeAlias = (
    Para | Plain | Header | BulletList | OrderedList | BlockQuote | Div | Table | OtherBlock
)
Node: TypeAlias = Inline | Block


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


# --- reading text -----------------------------------------------------------------------------


def plain_text(nodes: tuple[Node, ...]) -> str:
    """The words of some nodes, as a reader sees them: spaces for breaks, cells and items
    apart (for the word-by-word diff)."""
    return "".join(_plain(n) for n in nodes)


def _plain(node: Node) -> str:  # noqa: PLR0911 - one case per node kind
    if isinstance(node, Str):
        return node.text
    if isinstance(node, Space | SoftBreak | LineBreak):
        return " "
    if isinstance(node, Ref):
        return plain_text(node.label)
    if isinstance(node, Styled | Quoted | Link | Span | Para | Plain | Header):
        text = plain_text(node.content)
        return f"« {text} »" if isinstance(node, Quoted) else text
    if isinstance(node, Code | RawInline):
        return node.text
    if isinstance(node, Note | BlockQuote | Div):
        return " ".join(_plain(b) for b in node.blocks)
    if isinstance(node, BulletList | OrderedList):
        return " ".join(plain_text(item) for item in node.items)
    if isinstance(node, Table):
        return " ".join(_plain(b) for row in node.rows() for c in row.cells for b in c.blocks)
    return ""
