"""The merged AST of a redline: two versions compared section by section, then block by block.

Sections (titres, articles, annexes) are matched by their identifier, so a renumbered article
is one changed number, not a rewrite; which articles changed is the article diff's verdict
(`article_diff`), not this module's. Inside a matched section, blocks, list items and table
rows are aligned by equality, then by similarity (`align.align`): a replaced establishment is
one deletion and one insertion, a slightly changed one a change of a few words
(`redline_words`). A paragraph or table row wholly inserted or deleted gets a marker as well,
which `ooxml.apply_markers` turns into a paragraph-mark or row revision after pandoc.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..render import pandoc_nodes as pn
from ..render.ooxml import DELETED, INSERTED, Kind
from ..render.pandoc_nodes import Node
from ..render.typography import KEEP_TOGETHER, KEEP_WITH_NEXT
from .align import SIMILAR, SIMILAR_ROW, align, bag_similarity, word_bag
from .redline_settle import settle
from .redline_words import Marks, diff_inlines, inline_key, inline_tokens

_LAYOUT = {KEEP_TOGETHER, KEEP_WITH_NEXT}  # Divs that only lay out the one block they hold


# --- sections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str  # the heading's identifier: an article's key, titre-…, or « signatures »
    kind: str  # article, annexe, titre, other
    blocks: list[Node]


@dataclass(frozen=True)
class SectionChange:
    key: str
    kind: str
    change: str  # changed, added, removed
    start: int  # where the section starts in the merged body (its heading, for a comment)


def sections(blocks: list[Node]) -> list[Section]:
    """Cut the body into keyed sections: titres, articles, annexes, the signature marker.

    Headings inside an annex (a fiche objectif, a funder's table) stay in their annex.
    """
    found: list[Section] = []
    for block in blocks:
        in_annex = bool(found) and found[-1].kind == "annexe"
        key, kind = _section_start(block, in_annex)
        if key is not None or not found:
            found.append(Section(key or "début", kind, [block]))
        else:
            found[-1].blocks.append(block)
    return found


def _section_start(block: Node, in_annex: bool) -> tuple[str | None, str]:
    if pn.kind(block) == "Header":
        identifier, classes, _ = pn.attr(block)
        if "annexe" in classes:
            return identifier, "annexe"
        if pn.header_level(block) == 1:
            return identifier, "titre"
        if pn.header_level(block) == 2 and not in_annex:
            return identifier, "article"
    if pn.kind(block) == "Div" and pn.attr(block)[0] == "signatures":
        return "signatures", "other"
    return None, "other"


def merge_body(
    old: list[Node], new: list[Node], marks: Marks, verdicts: Mapping[str, tuple[str, str]]
) -> tuple[list[Node], list[SectionChange]]:
    """The body of a redline, and where each article or annex that changed starts in it.

    `verdicts` says, by article key, what the article diff found: (« article » or
    « annexe », « changed », « added » or « removed »); sections are merged here, not judged."""
    before, after = sections(old), sections(new)
    blocks: list[Node] = []
    changes: list[SectionChange] = []

    def note(key: str) -> None:
        if key in verdicts:
            kind, change = verdicts[key]
            changes.append(SectionChange(key, kind, change, len(blocks)))

    for step in align(before, after, key=lambda s: s.key):
        if step.old is not None and step.new is not None:
            note(after[step.new].key)
            same = before[step.old].blocks == after[step.new].blocks
            # An unchanged section is kept as it is: what diff_blocks would give, unaligned.
            blocks += (
                after[step.new].blocks
                if same
                else diff_blocks(before[step.old].blocks, after[step.new].blocks, marks)
            )
        elif step.old is not None:
            note(before[step.old].key)
            blocks += _all_removed(before[step.old].blocks, DELETED, marks)
        elif step.new is not None:
            note(after[step.new].key)
            blocks += _all_removed(after[step.new].blocks, INSERTED, marks)
    return settle(blocks, marks), changes


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A block (or a list item, or a row) with what aligning it needs, computed once."""

    value: Any
    key: str
    shape: str
    words: list[str]
    label: str = ""  # a row's first cell: rows with the same label are the same row

    @functools.cached_property
    def bag(self) -> Counter[str]:
        return word_bag(self.words)


def _similarity(old: _Item, new: _Item) -> float:
    if old.shape != new.shape:
        return 0.0
    if old.label and old.label == new.label:
        return 1.0
    return bag_similarity(old.bag, new.bag)


def diff_blocks(
    old: list[Node], new: list[Node], marks: Marks, threshold: float = SIMILAR
) -> list[Node]:
    """Two runs of blocks merged: equal blocks kept, similar ones compared, others marked."""
    before, after = [_block_item(b) for b in old], [_block_item(b) for b in new]
    result: list[Node] = []
    for step in align(before, after, lambda i: i.key, _similarity, threshold):
        if step.old is not None and step.new is not None:
            result += _diff_block(old[step.old], new[step.new], marks)
        elif step.old is not None:
            result += removed(old[step.old], DELETED, marks)
        elif step.new is not None:
            result += removed(new[step.new], INSERTED, marks)
    return result


def _diff_block(old: Node, new: Node, marks: Marks) -> list[Node]:
    """One block against its counterpart: part by part when both have the same shape."""
    if old == new:
        return [new]
    if _is_layout(old) != _is_layout(new):
        # A table grown long enough to break across pages, a label that no longer opens a
        # list: the layout is the new version's, the content is compared.
        if _is_layout(old):
            return _diff_block(pn.child_blocks(old)[0], new, marks)
        return [pn.with_child_blocks(new, _diff_block(old, pn.child_blocks(new)[0], marks))]
    kind = pn.kind(new)
    if _shape(old) != _shape(new):
        return removed(old, DELETED, marks) + removed(new, INSERTED, marks)
    if pn.is_paragraph(new):
        return [pn.with_inlines(new, diff_inlines(pn.inlines(old), pn.inlines(new), marks))]
    if kind in pn.LISTS:
        items = _diff_items(pn.list_items(old), pn.list_items(new), marks)
        return [pn.with_list_items(new, items)]
    if kind in ("BlockQuote", "Div"):
        inner = diff_blocks(pn.child_blocks(old), pn.child_blocks(new), marks)
        return [pn.with_child_blocks(new, inner)]
    if kind == "Table":
        groups_old, groups_new = pn.table_row_groups(old), pn.table_row_groups(new)
        groups = [_diff_rows(a, b, marks) for a, b in zip(groups_old, groups_new, strict=True)]
        return [pn.with_table_row_groups(new, groups)]
    return removed(old, DELETED, marks) + removed(new, INSERTED, marks)


def _diff_items(old: list[list[Node]], new: list[list[Node]], marks: Marks) -> list[list[Node]]:
    """List items aligned: a replaced item is deleted and inserted, a changed one compared."""
    before, after = [_item_of(i) for i in old], [_item_of(i) for i in new]
    result: list[list[Node]] = []
    for step in align(before, after, lambda i: i.key, _similarity, SIMILAR):
        if step.old is not None and step.new is not None:
            result.append(diff_blocks(old[step.old], new[step.new], marks))
        elif step.old is not None:
            result.append(_all_removed(old[step.old], DELETED, marks))
        elif step.new is not None:
            result.append(_all_removed(new[step.new], INSERTED, marks))
    return result


def _diff_rows(old: list[Any], new: list[Any], marks: Marks) -> list[Any]:
    """Rows aligned; a changed row keeps its cells and marks the changed values only."""
    before, after = [_row_item(r) for r in old], [_row_item(r) for r in new]
    result: list[Any] = []
    for step in align(before, after, lambda i: i.key, _similarity, SIMILAR_ROW):
        if step.old is not None and step.new is not None:
            result.append(_diff_row(old[step.old], new[step.new], marks))
        elif step.old is not None:
            result.append(_removed_row(old[step.old], DELETED, marks))
        elif step.new is not None:
            result.append(_removed_row(new[step.new], INSERTED, marks))
    return result


def _diff_row(old: Any, new: Any, marks: Marks) -> Any:
    if old == new:
        return new
    cells = []
    for cell_old, cell_new in zip(pn.row_cells(old), pn.row_cells(new), strict=True):
        # Within a cell, two paragraphs face each other whatever their words: a cell keeps
        # its paragraph, and « Oui » → « Non » is a changed word.
        blocks = diff_blocks(pn.cell_blocks(cell_old), pn.cell_blocks(cell_new), marks, 0.0)
        cells.append(pn.with_cell_blocks(cell_new, settle(blocks, marks)))
    return pn.with_row_cells(new, cells)


# --- keys, shapes and words -------------------------------------------------------------------


def blocks_key(blocks: list[Node]) -> str:
    """What two runs of blocks must share to be equal (spaces folded, layout aside)."""
    return json.dumps([_canonical(b) for b in blocks], ensure_ascii=False)


def _canonical(block: Node) -> Any:
    if _is_layout(block):
        return _canonical(pn.child_blocks(block)[0])
    kind = pn.kind(block)
    if pn.is_paragraph(block):
        return [kind, _shape(block), inline_key(pn.inlines(block))]
    if kind in pn.LISTS:
        items = [[_canonical(b) for b in item] for item in pn.list_items(block)]
        return [kind, _shape(block), items]
    if kind in ("BlockQuote", "Div"):
        return [kind, _shape(block), [_canonical(b) for b in pn.child_blocks(block)]]
    if kind == "Table":
        groups = [[_row_canonical(r) for r in g] for g in pn.table_row_groups(block)]
        return [kind, _shape(block), groups]
    return block


def _row_canonical(row: Any) -> Any:
    return [[_canonical(b) for b in pn.cell_blocks(c)] for c in pn.row_cells(row)]


def _shape(block: Node) -> str:
    """What two blocks must share to be compared part by part."""
    if _is_layout(block):
        return _shape(pn.child_blocks(block)[0])
    kind = pn.kind(block)
    if kind == "Header":
        return f"Header {pn.header_level(block)}"
    if kind == "Div":
        return f"Div {json.dumps(pn.attr(block))}"
    if kind == "Table":
        return f"Table {pn.table_columns(block)} {len(pn.table_row_groups(block))}"
    if kind == "OrderedList":
        return f"OrderedList {json.dumps(pn.list_attributes(block))}"
    return kind


def _is_layout(block: Node) -> bool:
    return (
        pn.kind(block) == "Div"
        and bool(set(pn.classes(block)) & _LAYOUT)
        and len(pn.child_blocks(block)) == 1
    )


def _words(block: Node) -> list[str]:
    if pn.is_paragraph(block):
        return inline_tokens(pn.inlines(block))
    kind = pn.kind(block)
    if kind in pn.LISTS:
        return [w for item in pn.list_items(block) for b in item for w in _words(b)]
    if kind in ("BlockQuote", "Div"):
        return [w for b in pn.child_blocks(block) for w in _words(b)]
    if kind == "Table":
        rows = [r for g in pn.table_row_groups(block) for r in g]
        return [w for r in rows for w in _row_words(r)]
    return []


def _row_words(row: Any) -> list[str]:
    return [w for c in pn.row_cells(row) for b in pn.cell_blocks(c) for w in _words(b)]


def _block_item(block: Node) -> _Item:
    """A block; a table is labelled by its heading row, so that a table whose every amount
    changed (a financial annex) stays one table."""
    inner = pn.child_blocks(block)[0] if _is_layout(block) else block
    label = ""
    if pn.kind(inner) == "Table" and pn.table_row_groups(inner)[0]:
        head = [_row_canonical(r) for r in pn.table_row_groups(inner)[0]]
        label = json.dumps(head, ensure_ascii=False)
    return _Item(block, blocks_key([block]), _shape(block), _words(block), label)


def _item_of(blocks: list[Node]) -> _Item:
    shape = " ".join(_shape(b) for b in blocks)
    return _Item(blocks, blocks_key(blocks), shape, [w for b in blocks for w in _words(b)])


def _row_item(row: Any) -> _Item:
    """A row: a changed amount keeps it one row, since its label (first cell: a FINESS, a
    département, « Total ») stays."""
    canonical = _row_canonical(row)
    key = json.dumps(canonical, ensure_ascii=False)
    label = json.dumps(canonical[0], ensure_ascii=False) if canonical and canonical[0] else ""
    return _Item(row, key, str(len(pn.row_cells(row))), _row_words(row), label)


# --- whole blocks inserted or deleted ---------------------------------------------------------


def removed(block: Node, kind: Kind, marks: Marks) -> list[Node]:
    """A block wholly deleted or inserted: its words, its paragraph marks and its rows."""
    node = pn.kind(block)
    if pn.is_paragraph(block):
        content = pn.inlines(block)
        marked = [marks.marker("p", kind), *marks.change(content, kind)]
        if node == "Header" and kind == DELETED:
            block = pn.with_attr(block, ("", *pn.attr(block)[1:]))  # links go to the new one
        return [pn.with_inlines(block, marked)]
    if node in pn.LISTS:
        items = [_all_removed(item, kind, marks) for item in pn.list_items(block)]
        return [pn.with_list_items(block, items)]
    if node in ("BlockQuote", "Div"):
        return [pn.with_child_blocks(block, _all_removed(pn.child_blocks(block), kind, marks))]
    if node == "Table":
        groups = [[_removed_row(r, kind, marks) for r in g] for g in pn.table_row_groups(block)]
        return [pn.with_table_row_groups(block, groups)]
    return [block]


def _all_removed(blocks: list[Node], kind: Kind, marks: Marks) -> list[Node]:
    return [b for block in blocks for b in removed(block, kind, marks)]


def _removed_row(row: Any, kind: Kind, marks: Marks) -> Any:
    """A row inserted or deleted: the words of its cells, and a row marker in its first cell
    (the row revision covers the paragraph marks of its cells)."""
    cells = []
    for index, cell in enumerate(pn.row_cells(row)):
        blocks = [_words_removed(b, kind, marks) for b in pn.cell_blocks(cell)]
        if index == 0:
            blocks = _with_first_inline(blocks, marks.marker("tr", kind))
        cells.append(pn.with_cell_blocks(cell, blocks))
    return pn.with_row_cells(row, cells)


def _words_removed(block: Node, kind: Kind, marks: Marks) -> Node:
    if pn.is_paragraph(block):
        content = pn.inlines(block)
        return pn.with_inlines(block, marks.change(content, kind))
    if pn.kind(block) in pn.LISTS:
        items = [[_words_removed(b, kind, marks) for b in i] for i in pn.list_items(block)]
        return pn.with_list_items(block, items)
    if pn.kind(block) in ("BlockQuote", "Div"):
        inner = [_words_removed(b, kind, marks) for b in pn.child_blocks(block)]
        return pn.with_child_blocks(block, inner)
    return block


def _with_first_inline(blocks: list[Node], inline: Node) -> list[Node]:
    for index, block in enumerate(blocks):
        if pn.is_paragraph(block):
            first = pn.with_inlines(block, [inline, *pn.inlines(block)])
            return [*blocks[:index], first, *blocks[index + 1 :]]
    return [pn.plain([inline]), *blocks]  # an empty cell: pandoc writes it one paragraph
