"""The body of a Word file as the review reads it: its paragraphs in reading order, each placed
in its article (the bookmarks around it) and table cell, their text, and the revision marks a
run, a paragraph mark or a table row carries. Only lxml, never Word."""

from __future__ import annotations

from dataclasses import dataclass

from ..render.ooxml import Element, w

INSERTED = {w("ins"), w("moveTo")}
DELETED = {w("del"), w("moveFrom")}
MOVES = {w("moveTo"), w("moveFrom")}
_CHARACTERS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}
TEXT_NODES = (w("t"), w("delText"), *_CHARACTERS)  # the nodes that hold a paragraph's text


@dataclass(frozen=True)
class Place:
    """Where a paragraph stands: the article (its key, from the bookmark around it) and, in a
    table, the table's rank in the article and the cell's row and column (from 1)."""

    article: str | None  # the innermost bookmark's name
    heading: bool = False  # a heading paragraph
    marks: tuple[str, ...] = ()  # the bookmarks around it, outermost first
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def describe(self) -> str:
        if self.table is None:
            return "titre" if self.heading else ""
        return f"tableau {self.table}, ligne {self.row}, colonne {self.column}"


@dataclass(frozen=True)
class Paragraph:
    text: str
    place: Place


def paragraphs(root: Element) -> list[Paragraph]:
    """Every paragraph of the body in reading order, with its place."""
    return [Paragraph(text_of(p), place) for p, place in placed(root)]


def placed(root: Element) -> list[tuple[Element, Place]]:
    body = root.find(w("body"))
    body = root if body is None else body
    found: list[tuple[Element, Place]] = []
    open_marks: dict[str, str] = {}  # bookmark id → name, in the order they opened
    tables: dict[str | None, int] = {}
    for element in body:
        if element.tag == w("bookmarkStart"):
            open_marks[element.get(w("id"), "")] = element.get(w("name"), "")
        elif element.tag == w("bookmarkEnd") and open_marks:
            # Between paragraphs, the bookmarks pandoc puts around each article and title nest,
            # but their ends carry the id of the bookmark opened before: close the last opened.
            open_marks.popitem()
        elif element.tag == w("p"):
            for start in element.iter(w("bookmarkStart")):  # a heading may carry its own
                open_marks.setdefault(start.get(w("id"), ""), start.get(w("name"), ""))
            article = _innermost(open_marks)
            marks = _names(open_marks)
            found.append((element, Place(article, _is_heading(element), marks)))
            for end in element.iter(w("bookmarkEnd")):
                open_marks.pop(end.get(w("id"), ""), None)
        elif element.tag == w("tbl"):
            article = _innermost(open_marks)
            tables[article] = tables.get(article, 0) + 1
            found += _table(element, _names(open_marks), tables[article])
    return found


def _names(open_marks: dict[str, str]) -> tuple[str, ...]:
    return tuple(n for n in open_marks.values() if n and not n.startswith("_"))


def _innermost(open_marks: dict[str, str]) -> str | None:
    names = _names(open_marks)
    return names[-1] if names else None


def _table(table: Element, marks: tuple[str, ...], rank: int) -> list[tuple[Element, Place]]:
    article = marks[-1] if marks else None
    found: list[tuple[Element, Place]] = []
    rows = [r for r in table if r.tag == w("tr")]
    for row_number, row in enumerate(rows, start=1):
        cells = [c for c in row if c.tag == w("tc")]
        for column, cell in enumerate(cells, start=1):
            place = Place(article, False, marks, rank, row_number, column)
            found += [(p, place) for p in cell.iter(w("p"))]
    return found


def _is_heading(paragraph: Element) -> bool:
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    value = "" if style is None else style.get(w("val"), "")
    return value.lower().startswith(("heading", "titre"))


def text_of(paragraph: Element, keep: set[str] | None = None) -> str:
    """A paragraph's text; `keep`: the revision tags whose text counts (all by default)."""
    parts: list[str] = []
    for node in paragraph.iter(*TEXT_NODES):
        if keep is not None and revision_of(node, paragraph) not in keep:
            continue
        parts.append(character(node))
    return "".join(parts)


def character(node: Element) -> str:
    """A text node's text; a page or column break is layout, not text (LibreOffice writes the
    page break before a paragraph as a break at the end of the one before)."""
    if node.tag == w("br") and node.get(w("type")) in ("page", "column"):
        return ""
    return _CHARACTERS.get(node.tag, node.text or "")


def revision_of(node: Element, paragraph: Element) -> str:
    """The revision a run's text belongs to: a tag of INSERTED or DELETED, or ""."""
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in INSERTED or parent.tag in DELETED:
            return str(parent.tag)
        parent = parent.getparent()
    return ""


def mark_of(paragraph: Element) -> Element | None:
    return _revision_in(paragraph.find(f"{w('pPr')}/{w('rPr')}"))


def _revision_in(properties: Element | None) -> Element | None:
    """The insertion or deletion mark among a paragraph's or a row's properties."""
    if properties is None:
        return None
    for tag in ("ins", "del"):
        found = properties.find(w(tag))
        if found is not None:
            return found
    return None


def _row_of(paragraph: Element) -> Element | None:
    parent = paragraph.getparent()
    while parent is not None and parent.tag != w("tr"):
        parent = parent.getparent()
    return parent


def row_mark(paragraph: Element) -> Element | None:
    row = _row_of(paragraph)
    return None if row is None else _revision_in(row.find(w("trPr")))


def in_received(paragraph: Element) -> bool:
    """Whether a paragraph stands in the text as received: neither its row nor its mark was
    inserted (the numbering `Revision.paragraph` and `Comment.paragraph` count in)."""
    row = row_mark(paragraph)
    mark = mark_of(paragraph) if row is None else row
    return mark is None or str(mark.tag) != w("ins")


def first_of_row(paragraph: Element) -> bool:
    row = _row_of(paragraph)
    return row is not None and next(row.iter(w("p"))) is paragraph


def row_cells(paragraph: Element) -> list[Element]:
    row = _row_of(paragraph)
    return [] if row is None else [c for c in row if c.tag == w("tc")]
