"""WordprocessingML for tracked changes: the one module that touches a redline's raw XML.

pandoc writes the words of a redline as tracked runs (`w:ins`, `w:del`) but cannot mark a
paragraph mark or a table row as inserted or deleted. The redline leaves a marker (a bookmark
named by `marker_name`) in each such paragraph or row of the pandoc AST; `apply_markers` turns
the markers into `w:pPr/w:rPr/w:ins|w:del` and `w:trPr/w:ins|w:del` and removes them. The
reader half (`accept_all`, `reject_all`, `paragraph_texts`) applies Word's semantics to a
document.xml, for tests and benchmarks.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_PART = "word/document.xml"

Kind = Literal["ins", "del"]
Target = Literal["p", "tr"]
INSERTED: Kind = "ins"
DELETED: Kind = "del"
_MARKER_PREFIX = "cpomrev"
Element: TypeAlias = etree._Element  # lxml is untyped here: Any to mypy


def w(tag: str) -> str:
    """The qualified name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


@dataclass(frozen=True)
class Stamp:
    """Who made a revision and when, as Word records it on every mark."""

    author: str
    date: str  # ISO 8601 in UTC, second precision: Word's w:date

    @classmethod
    def of(cls, author: str, when: dt.datetime) -> Stamp:
        return cls(author, when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


# --- the parts of a .docx ---------------------------------------------------------------------


def read_part(docx: bytes, name: str = DOCUMENT_PART) -> Element:
    """One XML part of a .docx, parsed."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        return etree.fromstring(source.read(name))


def replace_part(docx: bytes, root: Element, name: str = DOCUMENT_PART) -> bytes:
    """The .docx with one XML part replaced; entries keep their order, dates and modes."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            target.writestr(info, content)
    return out.getvalue()


# --- writing: markers, paragraph marks, rows, ids ---------------------------------------------


def marker_name(target: Target, kind: Kind, number: int) -> str:
    """The bookmark name that marks a paragraph (p) or a table row (tr) inserted or deleted."""
    return f"{_MARKER_PREFIX}_{target}_{kind}_{number}"


def parse_marker(name: str) -> tuple[Target, Kind] | None:
    """What a marker bookmark stands for; None for any other name."""
    parts = name.split("_")
    if len(parts) != 4 or parts[0] != _MARKER_PREFIX:
        return None
    target, kind = parts[1], parts[2]
    if target not in ("p", "tr") or kind not in (INSERTED, DELETED):
        return None
    return (target, kind)  # type: ignore[return-value]


def apply_markers(root: Element, stamp: Stamp) -> int:
    """Turn every marker bookmark into the paragraph-mark or row revision it stands for and
    remove it; return how many marks were made."""
    ends = {e.get(w("id")): e for e in root.iter(w("bookmarkEnd"))}
    marked = 0
    for start in list(root.iter(w("bookmarkStart"))):
        parsed = parse_marker(start.get(w("name"), ""))
        if parsed is None:
            continue
        target, kind = parsed
        holder = _ancestor(start, w(target))
        if holder is not None:
            (mark_paragraph if target == "p" else mark_row)(holder, kind, stamp)
            marked += 1
        end = ends.get(start.get(w("id")))
        for bookmark in (start, end):
            if bookmark is not None and bookmark.getparent() is not None:
                _remove(bookmark)
    return marked


def mark_paragraph(paragraph: Element, kind: Kind, stamp: Stamp) -> None:
    """Mark a paragraph's mark inserted or deleted (w:pPr/w:rPr/w:ins|w:del)."""
    properties = _child(paragraph, "pPr", first=True)
    run_properties = properties.find(w("rPr"))
    if run_properties is None:
        run_properties = etree.Element(w("rPr"))
        # CT_PPr: rPr comes after every paragraph property but sectPr and pPrChange.
        later = [c for c in properties if c.tag in (w("sectPr"), w("pPrChange"))]
        if later:
            later[0].addprevious(run_properties)
        else:
            properties.append(run_properties)
    if run_properties.find(w(kind)) is None:
        # CT_ParaRPr: ins, del, moveFrom, moveTo come first, in that order.
        index = 1 if kind == DELETED and run_properties.find(w(INSERTED)) is not None else 0
        run_properties.insert(index, revision(kind, stamp))


def mark_row(row: Element, kind: Kind, stamp: Stamp) -> None:
    """Mark a table row inserted or deleted (w:trPr/w:ins|w:del)."""
    properties = _child(row, "trPr", first=True, after=("tblPrEx",))
    if properties.find(w(kind)) is None:
        # CT_TrPr: the revision marks follow every row property but trPrChange.
        change = properties.find(w("trPrChange"))
        if change is not None:
            change.addprevious(revision(kind, stamp))
        else:
            properties.append(revision(kind, stamp))


def revision(kind: Kind, stamp: Stamp) -> Element:
    mark = etree.Element(w(kind))
    mark.set(w("id"), "0")  # renumber_revisions gives each its own
    mark.set(w("author"), stamp.author)
    mark.set(w("date"), stamp.date)
    return mark


def renumber_revisions(root: Element) -> None:
    """Give every revision mark its own id, above the ids of bookmarks and comments: pandoc
    reuses them, and Word may refuse a file whose revisions share an id."""
    revisions = list(_revision_marks(root))
    marks = set(map(id, revisions))
    used = [
        int(e.get(w("id"), "0"))
        for e in root.iter()
        if e.get(w("id"), "").isdigit() and id(e) not in marks
    ]
    for number, mark in enumerate(revisions, start=max(used, default=0) + 1):
        mark.set(w("id"), str(number))


def _revision_marks(root: Element) -> Iterator[Element]:
    yield from root.iter(w(INSERTED), w(DELETED))


def _ancestor(element: Element, tag: str) -> Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _child(parent: Element, name: str, *, first: bool, after: tuple[str, ...] = ()) -> Element:
    found = parent.find(w(name))
    if found is None:
        found = etree.Element(w(name))
        index = sum(1 for c in parent if c.tag in {w(a) for a in after})
        parent.insert(index if first else len(parent), found)
    return found


def _remove(element: Element) -> None:
    """Remove an element, keeping the text that follows it (lxml keeps it in .tail)."""
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def _unwrap(element: Element) -> None:
    """Replace an element by its children."""
    parent = element.getparent()
    assert parent is not None
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


# --- reading: Word's "accept all" and "reject all" ---------------------------------------------


def accept_all(root: Element) -> Element:
    """document.xml as Word's « Tout accepter » leaves it (a copy)."""
    return _resolve(root, keep=INSERTED, drop=DELETED)


def reject_all(root: Element) -> Element:
    """document.xml as Word's « Tout refuser » leaves it (a copy)."""
    return _resolve(root, keep=DELETED, drop=INSERTED)


def _resolve(root: Element, keep: Kind, drop: Kind) -> Element:
    result = copy.deepcopy(root)
    for row in [r for r in result.iter(w("tr")) if r.find(f"{w('trPr')}/{w(drop)}") is not None]:
        _remove(row)
    for table in [t for t in result.iter(w("tbl")) if t.find(w("tr")) is None]:
        _remove(table)
    joined = [
        p for p in result.iter(w("p")) if p.find(f"{w('pPr')}/{w('rPr')}/{w(drop)}") is not None
    ]
    for element in list(result.iter(w(keep), w(drop))):
        if element.getparent() is None or _is_mark(element):
            continue
        if element.tag == w(drop):
            _remove(element)
        else:
            _unwrap(element)
    for paragraph in joined:
        _join_with_next(paragraph)
    for mark in [m for m in _revision_marks(result) if _is_mark(m)]:
        _remove(mark)
    return result


def _is_mark(element: Element) -> bool:
    """A paragraph-mark or row revision, as opposed to a revision holding runs."""
    parent = element.getparent()
    return parent is not None and parent.tag in (w("rPr"), w("trPr"))


def _join_with_next(paragraph: Element) -> None:
    """A removed paragraph mark: the paragraph's content moves to the start of the next one.
    Before a table, an emptied paragraph goes; the last paragraph of a table cell or of the
    document stays, since Word never removes that mark."""
    content = [c for c in paragraph if c.tag != w("pPr")]
    following = paragraph.getnext()
    while following is not None and following.tag not in (w("p"), w("tbl")):
        following = following.getnext()  # bookmarks between paragraphs, the section's end
    if following is None:
        return
    if following.tag == w("p"):
        start = 1 if following.find(w("pPr")) is not None else 0
        for offset, child in enumerate(content):
            following.insert(start + offset, child)
        _remove(paragraph)
    elif not _text(content):
        _remove(paragraph)


def paragraph_texts(root: Element) -> list[str]:
    """The text of every paragraph of the body, tables included, in reading order."""
    body = root.find(w("body"))
    return [_text([p]) for p in (body if body is not None else root).iter(w("p"))]


_CHARACTERS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}


def _text(elements: list[Element]) -> str:
    parts: list[str] = []
    for element in elements:
        for node in element.iter(w("t"), w("delText"), *_CHARACTERS):
            if node.tag in _CHARACTERS:
                parts.append(_CHARACTERS[node.tag])
            else:
                parts.append(node.text or "")
    return "".join(parts)


def marked_words(root: Element) -> tuple[int, int]:
    """How many words the revisions insert and delete (words as a reader counts them)."""
    counts = {INSERTED: 0, DELETED: 0}
    for revision in _revision_marks(root):
        if not _is_mark(revision):
            counts[etree.QName(revision).localname] += len(_text([revision]).split())
    return counts[INSERTED], counts[DELETED]


def paragraph_mismatch(got: list[str], expected: list[str]) -> tuple[int, int]:
    """Paragraphs too many and missing in `got`, empty ones included (a paragraph whose text
    differs counts in both)."""
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    extra = missing = 0
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            missing += a2 - a1
            extra += b2 - b1
    return extra, missing
