"""Reading a Word file the other party sends back: its paragraphs, tracked changes and comments.

Only the XML inside the zip is read (lxml), never Word. Every paragraph of the body is placed:
the article it stands in (the bookmark named by the article's key that pandoc wraps around each
article, which Word and LibreOffice keep) and, in a table, its row and column. A tracked change
is read as Word shows it in the margin: runs inserted (`w:ins`, `w:moveTo`) and deleted
(`w:del`, `w:moveFrom`, `w:delText`), paragraph marks inserted or deleted
(`w:pPr/w:rPr/w:ins|w:del`) and table rows (`w:trPr/w:ins|w:del`). The three readings of a
paragraph are kept: as received by the other party (every change refused), as returned (every
change accepted), and the changes between them.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import CpomError
from ..render.ooxml import DOCUMENT_PART, Element, accept_all, reject_all, w

COMMENTS_PART = "word/comments.xml"
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_INSERTED = {w("ins"), w("moveTo")}
_DELETED = {w("del"), w("moveFrom")}
_MOVES = {w("moveTo"), w("moveFrom")}
_CHARACTERS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}


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


@dataclass(frozen=True)
class Revision:
    """One tracked change, as Word lists it: what it removes and what it puts instead."""

    kind: str  # « modification », « déplacement », « paragraphe supprimé », « ligne insérée »…
    old: str
    new: str
    author: str
    date: str
    paragraph: int  # index among the paragraphs as received (every change refused)
    start: int  # where the change begins in that paragraph's text as received
    place: Place


@dataclass(frozen=True)
class Comment:
    author: str
    date: str
    text: str
    anchor: str  # the commented passage
    paragraph: int  # index among the paragraphs as received, where the anchor starts
    place: Place


@dataclass(frozen=True)
class Returned:
    """A returned .docx, read."""

    path: Path
    received: tuple[Paragraph, ...]  # every change refused: the text the other party received
    returned: tuple[Paragraph, ...]  # every change accepted: the text it proposes
    revisions: tuple[Revision, ...]
    comments: tuple[Comment, ...]
    properties: dict[str, str]  # the custom document properties


def read_returned(data: bytes, path: Path) -> Returned:
    """Read a returned Word file; a file that is not a readable .docx is a located error."""
    if not data.startswith(b"PK"):
        raise CpomError.one(
            "review.not-docx", "ce fichier n'est pas un document Word (.docx)", path, None
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if DOCUMENT_PART not in names:
                raise CpomError.one(
                    "review.not-docx",
                    f"archive sans {DOCUMENT_PART} : ce n'est pas un document Word",
                    path,
                    None,
                )
            parts = {
                name: archive.read(name)
                for name in (DOCUMENT_PART, COMMENTS_PART, CUSTOM_PART)
                if name in names
            }
        root = etree.fromstring(parts[DOCUMENT_PART])
        notes = etree.fromstring(parts[COMMENTS_PART]) if COMMENTS_PART in parts else None
        custom = etree.fromstring(parts[CUSTOM_PART]) if CUSTOM_PART in parts else None
    except (zipfile.BadZipFile, etree.XMLSyntaxError, EOFError, ValueError) as exc:
        raise CpomError.one(
            "review.corrupt", f"document Word endommagé, illisible : {exc}", path, None
        ) from None
    plain = _moves_as_revisions(root)
    received = paragraphs(reject_all(plain))
    return Returned(
        path=path,
        received=tuple(received),
        returned=tuple(paragraphs(accept_all(plain))),
        revisions=tuple(_revisions(root)),
        comments=tuple(_comments(root, notes)),
        properties=_properties(custom),
    )


def paragraphs(root: Element) -> list[Paragraph]:
    """Every paragraph of the body in reading order, with its place."""
    return [Paragraph(_text(p), place) for p, place in _placed(root)]


def _placed(root: Element) -> list[tuple[Element, Place]]:
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


def _moves_as_revisions(root: Element) -> Element:
    """A copy where moved text is deleted at its origin and inserted at its destination, as
    accepting or refusing a move does."""
    result = copy.deepcopy(root)
    for element in list(result.iter(*_MOVES)):
        element.tag = w("ins") if element.tag == w("moveTo") else w("del")
    for element in list(result.iter(w("moveFromRangeStart"), w("moveFromRangeEnd"))):
        element.getparent().remove(element)
    for element in list(result.iter(w("moveToRangeStart"), w("moveToRangeEnd"))):
        element.getparent().remove(element)
    return result


def _text(paragraph: Element, keep: set[str] | None = None) -> str:
    """A paragraph's text; `keep`: the revision tags whose text counts (all by default)."""
    parts: list[str] = []
    for node in paragraph.iter(w("t"), w("delText"), *_CHARACTERS):
        if keep is not None and _revision_of(node, paragraph) not in keep:
            continue
        parts.append(_character(node))
    return "".join(parts)


def _character(node: Element) -> str:
    """A text node's text; a page or column break is layout, not text (LibreOffice writes the
    page break before a paragraph as a break at the end of the one before)."""
    if node.tag == w("br") and node.get(w("type")) in ("page", "column"):
        return ""
    return _CHARACTERS.get(node.tag, node.text or "")


def _revision_of(node: Element, paragraph: Element) -> str:
    """The revision a run's text belongs to: a tag of _INSERTED or _DELETED, or ""."""
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in _INSERTED or parent.tag in _DELETED:
            return str(parent.tag)
        parent = parent.getparent()
    return ""


def _revisions(root: Element) -> list[Revision]:
    """Each tracked change, placed in the paragraph as received that it affects."""
    found: list[Revision] = []
    index = 0  # paragraphs as received: those whose mark was not inserted
    for paragraph, place in _placed(root):
        mark = _mark(paragraph)
        row_mark = _row_mark(paragraph)
        if row_mark is not None:
            if _first_of_row(paragraph):
                kind = "ligne insérée" if row_mark.tag == w("ins") else "ligne supprimée"
                text = " | ".join(_text(c) for c in _row_cells(paragraph))
                old, new = ("", text) if row_mark.tag == w("ins") else (text, "")
                found.append(_revision(kind, old, new, row_mark, index, 0, place))
            index += 0 if row_mark.tag == w("ins") else 1
            continue
        if mark is not None and mark.tag == w("ins"):
            found.append(
                _revision("paragraphe inséré", "", _text(paragraph), mark, index, 0, place)
            )
            continue  # refused, its text joins the next paragraph: nothing as received
        if mark is not None and mark.tag == w("del") and not _text(paragraph, {""}).strip():
            text = _text(paragraph)
            found.append(_revision("paragraphe supprimé", text, "", mark, index, 0, place))
        else:
            found += _run_changes(paragraph, index, place)
            if mark is not None:  # its mark alone: joined with the next paragraph
                at = len(_text(paragraph, {""} | _DELETED))
                found.append(_revision("paragraphes fusionnés", "¶", "", mark, index, at, place))
        index += 1
    return found


def _run_changes(paragraph: Element, index: int, place: Place) -> list[Revision]:
    """Runs inserted and deleted in a paragraph, a deletion followed by an insertion being one
    change (a replacement), as a reader sees it."""
    found: list[Revision] = []
    position = 0  # in the paragraph as received
    pending: dict[str, object] | None = None
    for node in paragraph.iter(w("t"), w("delText"), *_CHARACTERS):
        text = _character(node)
        tag = _revision_of(node, paragraph)
        if not tag:
            if pending is not None:
                found.append(_flush(pending, index, place))
                pending = None
            position += len(text)
            continue
        holder = _holder(node, paragraph)
        if pending is None:
            pending = {"old": "", "new": "", "start": position, "mark": holder, "moved": False}
        pending["moved"] = bool(pending["moved"]) or holder.tag in _MOVES
        if tag in _DELETED:
            pending["old"] = str(pending["old"]) + text
            position += len(text)
        else:
            pending["new"] = str(pending["new"]) + text
    if pending is not None:
        found.append(_flush(pending, index, place))
    return found


def _flush(pending: dict[str, object], index: int, place: Place) -> Revision:
    kind = "déplacement" if pending["moved"] else "modification"
    mark = pending["mark"]
    assert isinstance(mark, etree._Element)
    start = pending["start"]
    assert isinstance(start, int)
    return _revision(kind, str(pending["old"]), str(pending["new"]), mark, index, start, place)


def _holder(node: Element, paragraph: Element) -> Element:
    parent = node.getparent()
    while parent is not None and parent.tag not in _INSERTED | _DELETED:
        parent = parent.getparent()
    return paragraph if parent is None else parent


def _revision(
    kind: str, old: str, new: str, mark: Element, index: int, start: int, place: Place
) -> Revision:
    author = mark.get(w("author"), "") or "auteur inconnu"
    return Revision(kind, old, new, author, mark.get(w("date"), ""), index, start, place)


def _mark(paragraph: Element) -> Element | None:
    properties = paragraph.find(f"{w('pPr')}/{w('rPr')}")
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


def _row_mark(paragraph: Element) -> Element | None:
    row = _row_of(paragraph)
    if row is None:
        return None
    properties = row.find(w("trPr"))
    if properties is None:
        return None
    for tag in ("ins", "del"):
        found = properties.find(w(tag))
        if found is not None:
            return found
    return None


def _in_received(paragraph: Element) -> bool:
    """Whether a paragraph stands in the text as received: neither its row nor its mark was
    inserted (the numbering `Revision.paragraph` and `Comment.paragraph` count in)."""
    row = _row_mark(paragraph)
    mark = _mark(paragraph) if row is None else row
    return mark is None or str(mark.tag) != w("ins")


def _first_of_row(paragraph: Element) -> bool:
    row = _row_of(paragraph)
    return row is not None and next(row.iter(w("p"))) is paragraph


def _row_cells(paragraph: Element) -> list[Element]:
    row = _row_of(paragraph)
    return [] if row is None else [c for c in row if c.tag == w("tc")]


def _comments(root: Element, notes: Element | None) -> list[Comment]:
    """Each comment with its author, date, text and the passage it is anchored to."""
    if notes is None:
        return []
    bodies = {
        n.get(w("id"), ""): (
            n.get(w("author"), "") or "auteur inconnu",
            n.get(w("date"), ""),
            "\n".join(_text(p) for p in n.iter(w("p"))).strip(),
        )
        for n in notes.iter(w("comment"))
    }
    anchors: dict[str, list[str]] = {}
    starts: dict[str, tuple[int, Place]] = {}
    open_ids: set[str] = set()
    index = 0
    for paragraph, place in _placed(root):
        received = _in_received(paragraph)
        for node in paragraph.iter(
            w("commentRangeStart"), w("commentRangeEnd"), w("commentReference"), w("t")
        ):
            ident = node.get(w("id"), "")
            if node.tag == w("commentRangeStart"):
                open_ids.add(ident)
                starts.setdefault(ident, (index, place))
            elif node.tag == w("commentRangeEnd"):
                open_ids.discard(ident)
            elif node.tag == w("commentReference"):
                starts.setdefault(ident, (index, place))
            else:
                for ident in open_ids:
                    anchors.setdefault(ident, []).append(node.text or "")
        index += 1 if received else 0
    found = []
    for ident, (author, date, text) in bodies.items():
        paragraph, place = starts.get(ident, (-1, Place(None)))
        anchor = "".join(anchors.get(ident, [])).strip()
        found.append(Comment(author, date, text, anchor, paragraph, place))
    return found


def _properties(custom: Element | None) -> dict[str, str]:
    if custom is None:
        return {}
    found = {}
    for prop in custom.iter(f"{{{_CUSTOM_NS}}}property"):
        values = [c.text or "" for c in prop]
        found[prop.get("name", "")] = values[0] if values else ""
    return found
