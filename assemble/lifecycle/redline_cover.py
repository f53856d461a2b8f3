"""The cover page in a redline: its changes tracked like the body's.

The cover is a Word template filled with a version's values (reference, title, parties, legal
basis). A redline is built in the TO version's templates with its values; where the FROM
version's cover, filled in the same template, reads otherwise (« Articles L. 313-11 et
suivants » become « Conclu en application de l'article L. 313-12-2 »), the paragraph is marked
as Word marks an edit: the FROM text deleted, the TO text inserted, a paragraph of one side
only inserted or deleted whole. Accepting every change gives the TO cover, rejecting every
change the FROM one.
"""

from __future__ import annotations

import copy
from difflib import SequenceMatcher
from pathlib import Path

from lxml.etree import _Element as Element

from ..compose.document import Document
from ..core.cache import Cache
from ..render import ooxml
from ..render.docx import render_template
from ..render.ooxml import DELETED, INSERTED, Kind, Stamp, w
from ..render.parts import template_context

COVER = "couverture.docx"


def track_cover(
    root: Element,
    before: Document,
    after: Document,
    templates: Path,
    stamp: Stamp,
    cache: Cache | None = None,
) -> int:
    """Mark the cover at the head of `root` (a redline's document part, the TO cover in it)
    against the FROM version's cover; returns how many paragraphs were marked."""
    template = templates / COVER
    old = _paragraphs(render_template(template, template_context(before), cache).element)
    new_cover = render_template(template, template_context(after), cache).element
    body = root.find(w("body"))
    assert body is not None
    count = sum(1 for child in new_cover.find(w("body")) if child.tag != w("sectPr"))
    head = [child for child in list(body)[:count] if child.tag == w("p")]
    texts_old, texts_new = [_text(p) for p in old], [_text(p) for p in head]
    marked = 0
    matcher = SequenceMatcher(a=texts_old, b=texts_new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(a2 - a1, b2 - b1) if tag == "replace" else 0
        for k in range(pairs):
            _replace(head[b1 + k], old[a1 + k], stamp)
        for paragraph in head[b1 + pairs : b2]:
            _inserted(paragraph, stamp)
        anchor = head[b2 - 1] if b2 > b1 else (head[b1 - 1] if b1 else None)
        for paragraph in reversed(old[a1 + pairs : a2]):
            _deleted_after(anchor, body, paragraph, stamp)
        marked += max(a2 - a1, b2 - b1)
    return marked


def _paragraphs(element: Element) -> list[Element]:
    body = element.find(w("body"))
    assert body is not None
    return [child for child in body if child.tag == w("p")]


def _text(paragraph: Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t")))


def _runs(paragraph: Element) -> list[Element]:
    return [child for child in paragraph if child.tag == w("r")]


def _wrap(paragraph: Element, runs: list[Element], kind: Kind, stamp: Stamp) -> Element:
    """The runs moved into one revision element, where the first of them stood."""
    mark = ooxml.revision(kind, stamp)
    if runs:
        runs[0].addprevious(mark)
    else:
        paragraph.append(mark)
    for run in runs:
        mark.append(run)
    return mark


def _as_deleted(runs: list[Element]) -> list[Element]:
    """Copies of runs whose text is deleted text (w:delText)."""
    copies = [copy.deepcopy(run) for run in runs]
    for run in copies:
        for text in run.iter(w("t")):
            text.tag = w("delText")
    return copies


def _replace(paragraph: Element, before: Element, stamp: Stamp) -> None:
    inserted = _wrap(paragraph, _runs(paragraph), INSERTED, stamp)
    deleted = ooxml.revision(DELETED, stamp)
    for run in _as_deleted(_runs(before)):
        deleted.append(run)
    inserted.addprevious(deleted)


def _inserted(paragraph: Element, stamp: Stamp) -> None:
    _wrap(paragraph, _runs(paragraph), INSERTED, stamp)
    ooxml.mark_paragraph(paragraph, INSERTED, stamp)


def _deleted_after(anchor: Element | None, body: Element, before: Element, stamp: Stamp) -> None:
    """The FROM paragraph, deleted whole, after `anchor` (at the head of the body if none)."""
    paragraph = copy.deepcopy(before)
    runs = _runs(paragraph)
    deleted = _as_deleted(runs)
    for run in runs:
        paragraph.remove(run)
    _wrap(paragraph, [], DELETED, stamp).extend(deleted)
    ooxml.mark_paragraph(paragraph, DELETED, stamp)
    if anchor is None:
        body.insert(0, paragraph)
    else:
        anchor.addnext(paragraph)
