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
from .wordml import (
    DELETED,
    INSERTED,
    MOVES,
    TEXT_NODES,
    Paragraph,
    Place,
    character,
    first_of_row,
    in_received,
    mark_of,
    paragraphs,
    placed,
    revision_of,
    row_cells,
    row_mark,
    text_of,
)

__all__ = ["Comment", "Paragraph", "Place", "Returned", "Revision", "paragraphs", "read_returned"]

COMMENTS_PART = "word/comments.xml"
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


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


def _moves_as_revisions(root: Element) -> Element:
    """A copy where moved text is deleted at its origin and inserted at its destination, as
    accepting or refusing a move does."""
    result = copy.deepcopy(root)
    for element in list(result.iter(*MOVES)):
        element.tag = w("ins") if element.tag == w("moveTo") else w("del")
    for element in list(result.iter(w("moveFromRangeStart"), w("moveFromRangeEnd"))):
        element.getparent().remove(element)
    for element in list(result.iter(w("moveToRangeStart"), w("moveToRangeEnd"))):
        element.getparent().remove(element)
    return result


def _revisions(root: Element) -> list[Revision]:
    """Each tracked change, placed in the paragraph as received that it affects."""
    found: list[Revision] = []
    index = 0  # paragraphs as received: those whose mark was not inserted
    joined: list[Element] = []  # paragraphs whose mark was inserted: refused, they join the next
    for paragraph, place in placed(root):
        mark = mark_of(paragraph)
        row = row_mark(paragraph)
        if row is not None:
            if first_of_row(paragraph):
                kind = "ligne insérée" if row.tag == w("ins") else "ligne supprimée"
                text = " | ".join(text_of(c) for c in row_cells(paragraph))
                old, new = ("", text) if row.tag == w("ins") else (text, "")
                found.append(_revision(kind, old, new, row, index, 0, place))
            index += 0 if row.tag == w("ins") else 1
            continue
        if mark is not None and mark.tag == w("ins"):
            joined.append(paragraph)
            continue
        if mark is not None and mark.tag == w("del") and not text_of(paragraph, {""}).strip():
            text = text_of(paragraph)
            found.append(_revision("paragraphe supprimé", text, "", mark, index, 0, place))
        else:
            found += _run_changes([*joined, paragraph], index, place)
            if mark is not None:  # its mark alone: joined with the next paragraph
                at = len("".join(text_of(p, {""} | DELETED) for p in [*joined, paragraph]))
                found.append(_revision("paragraphes fusionnés", "¶", "", mark, index, at, place))
        joined = []
        index += 1
    return found


@dataclass
class _Pending:
    """A change being read: the runs deleted and inserted next to each other."""

    start: int
    mark: Element
    old: str = ""
    new: str = ""
    moved: bool = False
    breaks: bool = False  # it inserts a paragraph mark


def _run_changes(group: list[Element], index: int, place: Place) -> list[Revision]:
    """Runs inserted and deleted in a paragraph as received — the paragraphs of `group` but the
    last were inserted by pressing Enter in it —, a deletion followed by an insertion being
    one change (a replacement), as a reader sees it."""
    found: list[Revision] = []
    position = 0  # in the paragraph as received
    pending: _Pending | None = None
    for paragraph in group:
        for node in paragraph.iter(*TEXT_NODES):
            text = character(node)
            tag = revision_of(node, paragraph)
            if not tag:
                if pending is not None:
                    found.append(_flush(pending, index, place))
                    pending = None
                position += len(text)
                continue
            holder = _holder(node, paragraph)
            pending = pending or _Pending(position, holder)
            pending.moved = pending.moved or holder.tag in MOVES
            if tag in DELETED:
                pending.old += text
                position += len(text)
            else:
                pending.new += text
        mark = mark_of(paragraph)
        if paragraph is not group[-1] and mark is not None:  # an inserted paragraph mark
            pending = pending or _Pending(position, mark)
            pending.new += "\n"
            pending.breaks = True
    if pending is not None:
        found.append(_flush(pending, index, place))
    return found


def _flush(pending: _Pending, index: int, place: Place) -> Revision:
    new = pending.new
    kind = "déplacement" if pending.moved else "modification"
    if pending.breaks and not pending.old:
        kind, new = "paragraphe inséré", new.strip("\n")
    return _revision(kind, pending.old, new, pending.mark, index, pending.start, place)


def _holder(node: Element, paragraph: Element) -> Element:
    parent = node.getparent()
    while parent is not None and parent.tag not in INSERTED | DELETED:
        parent = parent.getparent()
    return paragraph if parent is None else parent


def _revision(
    kind: str, old: str, new: str, mark: Element, index: int, start: int, place: Place
) -> Revision:
    author = mark.get(w("author"), "") or "auteur inconnu"
    return Revision(kind, old, new, author, mark.get(w("date"), ""), index, start, place)


def _comments(root: Element, notes: Element | None) -> list[Comment]:
    """Each comment with its author, date, text and the passage it is anchored to."""
    if notes is None:
        return []
    bodies = {
        n.get(w("id"), ""): (
            n.get(w("author"), "") or "auteur inconnu",
            n.get(w("date"), ""),
            "\n".join(text_of(p) for p in n.iter(w("p"))).strip(),
        )
        for n in notes.iter(w("comment"))
    }
    anchors: dict[str, list[str]] = {}
    starts: dict[str, tuple[int, Place]] = {}
    open_ids: set[str] = set()
    index = 0
    for paragraph, place in placed(root):
        received = in_received(paragraph)
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
