"""The typed body of a Document: frozen dataclasses for the part of pandoc's AST clauses use.

Article bodies are read by pandoc once per document (`body.read_document`) and kept as
these nodes; writers turn them back into pandoc JSON (`ast_json`), losslessly: for what pandoc
reads, `blocks_json(blocks_of(x)) == x`. A cross-reference is a `Ref` node, equal to any other
`Ref` to the same articles whatever number it shows, so that a diff never sees renumbering.

Why not panflute: its elements are mutable (a frozen Document could be changed through any
of them), untyped for mypy, and it costs an import of several hundred milliseconds in every
process; the subset the clauses use fits in the few classes below. Nodes outside it (images,
maths, citations) are kept whole as `OtherInline` / `OtherBlock`, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

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
