"""Where paragraph-mark revisions go, so that Word and LibreOffice resolve them alike.

A paragraph inserted or deleted whole has its mark revised (`redline_blocks.removed`): when
the revision is resolved, the emptied paragraph merges into the next one and disappears. Two
places have no next paragraph to merge with: the end of a container (a table cell, the
document) and the paragraph just before a table. Where a run of paragraphs ends so, the
revision moves from the last mark to the mark just before the run: the surviving text then
merges into the last paragraph instead. When the run mixes inserted and deleted paragraphs,
the last of the other kind is emptied into the last paragraph, which keeps an untouched mark,
and its own mark is inserted and deleted (it exists in neither version).

LibreOffice also joins an insertion that ends a paragraph with an insertion that starts the
next one, paragraph break included: rejecting both would merge the two paragraphs. Such a
paragraph is made to end otherwise (`redline_words.end_apart`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..render import pandoc_nodes as pn
from ..render.ooxml import DELETED, INSERTED, Kind, parse_marker
from ..render.pandoc_nodes import Node
from .redline_words import Marks, end_apart, starts_inserted


def settle(blocks: list[Node], marks: Marks) -> list[Node]:
    """The blocks of a container (the body, a table cell) with their paragraph-mark revisions
    placed where both office suites resolve them exactly."""
    paragraphs = [p for p in _walk(blocks) if p is not None]
    runs = _runs(blocks)
    changed: dict[int, Node] = {}
    for position, run in enumerate(runs):
        at_end = position == len(runs) - 1 and _ends_with_paragraph(blocks)
        changed.update(_run_end([paragraphs[i] for i in run], run, marks, at_end))
    for run in runs:
        for index, following in zip(run, run[1:], strict=False):
            paragraph = changed.get(index, paragraphs[index])
            after = changed.get(following, paragraphs[following])
            content = pn.inlines(paragraph)
            if marker(paragraph) is None and starts_inserted(unmarked(after)):
                changed[index] = pn.with_inlines(paragraph, end_apart(content, marks))
    if not changed:
        return blocks
    return _replace_paragraphs(blocks, changed, iter(range(len(paragraphs))))


def _run_end(run: list[Node], numbers: list[int], marks: Marks, at_end: bool) -> dict[int, Node]:
    """The paragraphs to change so that the end of a run of paragraphs resolves exactly."""
    kind = marker(run[-1])
    if kind is None:
        return {}
    trailing = 0
    while trailing < len(run) and marker(run[-1 - trailing]) is not None:
        trailing += 1
    last = len(run) - 1
    others = [i for i in range(len(run) - trailing, last) if marker(run[i]) != kind]
    if others:
        other = others[-1]
        both = [marks.marker("p", INSERTED), marks.marker("p", DELETED)]
        content = unmarked(run[other]) + unmarked(run[last])
        return {
            numbers[other]: pn.with_inlines(run[other], both),
            numbers[last]: pn.with_inlines(run[last], content),
        }
    if trailing < len(run):
        before = run[last - trailing]
        marked = [marks.marker("p", kind), *pn.inlines(before)]
        return {
            numbers[last - trailing]: pn.with_inlines(before, marked),
            numbers[last]: pn.with_inlines(run[last], unmarked(run[last])),
        }
    if at_end:  # the container's only paragraphs: Word keeps its last mark anyway
        return {numbers[last]: pn.with_inlines(run[last], unmarked(run[last]))}
    return {}  # before a table with nothing before them: Word removes them, LibreOffice cannot


# --- paragraphs in reading order --------------------------------------------------------------


def _walk(blocks: list[Node]) -> Iterator[Node | None]:
    """The paragraphs of a container in reading order, None for each table between them
    (a table is a container of its own)."""
    for block in blocks:
        kind = pn.kind(block)
        if pn.is_paragraph(block):
            yield block
        elif kind in pn.LISTS:
            for item in pn.list_items(block):
                yield from _walk(item)
        elif kind in ("BlockQuote", "Div"):
            yield from _walk(pn.child_blocks(block))
        elif kind == "Table":
            yield None


def _runs(blocks: list[Node]) -> list[list[int]]:
    """The numbers of the paragraphs, in runs that tables separate."""
    runs: list[list[int]] = [[]]
    number = 0
    for paragraph in _walk(blocks):
        if paragraph is None:
            runs.append([])
        else:
            runs[-1].append(number)
            number += 1
    return [run for run in runs if run]


def _ends_with_paragraph(blocks: list[Node]) -> bool:
    found = list(_walk(blocks))
    return bool(found) and found[-1] is not None


def _replace_paragraphs(
    blocks: list[Node], changed: dict[int, Node], numbers: Iterator[int]
) -> list[Node]:
    """The blocks with the paragraphs numbered (in reading order) in `changed` replaced."""
    result: list[Node] = []
    for block in blocks:
        kind = pn.kind(block)
        if pn.is_paragraph(block):
            result.append(changed.get(next(numbers), block))
        elif kind in pn.LISTS:
            items = [_replace_paragraphs(i, changed, numbers) for i in pn.list_items(block)]
            result.append(pn.with_list_items(block, items))
        elif kind in ("BlockQuote", "Div"):
            inner = _replace_paragraphs(pn.child_blocks(block), changed, numbers)
            result.append(pn.with_child_blocks(block, inner))
        else:
            result.append(block)
    return result


# --- markers ----------------------------------------------------------------------------------


def marker(paragraph: Node) -> Kind | None:
    """The revision of a paragraph's mark, from its marker (the first, if it has two)."""
    content = pn.inlines(paragraph)
    return _marker_kind(content[0]) if content else None


def unmarked(paragraph: Node) -> list[Node]:
    """A paragraph's inlines without its markers."""
    return [i for i in pn.inlines(paragraph) if _marker_kind(i) is None]


def is_marker(inline: Node) -> bool:
    """Whether an inline is a paragraph or row marker."""
    return _marker_kind(inline) is not None


def _marker_kind(inline: Node) -> Kind | None:
    if pn.kind(inline) != "Span":
        return None
    parsed = parse_marker(pn.attr(inline)[0])
    return parsed[1] if parsed else None
