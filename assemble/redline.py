"""Redlines: two versions of a contract compared article by article, then word by word.

Both versions are composed from their locks, written as Markdown and parsed by pandoc into the
same AST the clean build renders. Sections (one per heading: titres, articles, annexes) are
matched by their identifier, so a renumbered article is one changed word, not a rewrite;
inside a matched section, blocks are aligned and changed paragraphs, list items and table
cells are compared word by word. Differences become pandoc spans of class insertion and
deletion, which the docx writer turns into Word tracked changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import Project, assemble, compose_version, epoch_of
from .document import Document
from .errors import UsageError
from .files import write_files
from .lock import DRAFT
from .markdown import to_markdown
from .pandoc import markdown_to_ast
from .render_docx import render_docx, renumber_revisions, with_comment
from .render_pdf import render_pdf, visible_changes

Block = dict[str, Any]
Inline = dict[str, Any]
ALIASES = {"draft": DRAFT, "projet": DRAFT}


@dataclass(frozen=True)
class Summary:
    changed: int
    added: int
    removed: int
    annexes_changed: int

    def text(self, before: str, after: str) -> str:
        def count(n: int, noun: str, participle: str) -> str:
            plural = "s" if n > 1 else ""
            return f"{n} {noun}{plural} {participle}{plural}"

        return (
            f"Comparaison de la version {before} et de la version {after} : "
            f"{count(self.changed, 'article', 'modifié')}, "
            f"{count(self.added, 'article', 'ajouté')}, "
            f"{count(self.removed, 'article', 'supprimé')}, "
            f"{count(self.annexes_changed, 'annexe', 'modifiée')}."
        )


@dataclass(frozen=True)
class Redline:
    document: Document  # the TO version: cover, parties and signatures come from it
    ast: dict[str, Any]  # its AST with insertion and deletion spans
    summary: Summary
    before: str
    after: str
    author: str
    date: dt.datetime


def version_document(project: Project, contract_id: str, version: str) -> Document:
    """A version as recorded, or the working draft."""
    version = ALIASES.get(version, version)
    if version == DRAFT:
        return assemble(project, contract_id)[1]
    return compose_version(project, contract_id, version)[1]


def default_author() -> str:
    """The reviewer's name from git, as Word would show it."""
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        name = ""
    return name or "cpom"


def make_redline(
    project: Project,
    contract_id: str,
    before: str,
    after: str,
    author: str | None = None,
    date: dt.datetime | None = None,
) -> Redline:
    """Compare two versions of a contract and mark every difference as a tracked change."""
    if ALIASES.get(before, before) == ALIASES.get(after, after):
        raise UsageError.one(
            "usage.redline",
            f"les versions comparées sont identiques ({before})",
            project.contracts / contract_id,
            hint="FROM et TO désignent deux versions différentes (v1, v2… ou projet)",
        )
    old = version_document(project, contract_id, before)
    new = version_document(project, contract_id, after)
    when = date or dt.datetime.combine(new.timestamp, dt.time(), tzinfo=dt.UTC)
    mark = _Marker(author or default_author(), when)
    old_ast = markdown_to_ast(to_markdown(old), epoch_of(old.timestamp))
    new_ast = markdown_to_ast(to_markdown(new), epoch_of(new.timestamp))
    blocks, summary = _merge(_sections(old_ast["blocks"]), _sections(new_ast["blocks"]), mark)
    merged = {**new_ast, "blocks": blocks}
    return Redline(
        new,
        merged,
        summary,
        ALIASES.get(before, before),
        ALIASES.get(after, after),
        mark.author,
        when,
    )


# --- sections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    key: str
    kind: str  # article, annexe, titre, other
    blocks: list[Block]


def _sections(blocks: list[Block]) -> list[_Section]:
    """Cut the body into keyed sections: titres, articles, annexes, the signature marker.

    Headings inside an annex (a fiche objectif, a funder's table) stay in their annex.
    """
    sections: list[_Section] = []
    for block in blocks:
        in_annex = bool(sections) and sections[-1].kind == "annexe"
        key, kind = _section_start(block, in_annex)
        if key is not None or not sections:
            sections.append(_Section(key or "début", kind, [block]))
        else:
            sections[-1].blocks.append(block)
    return sections


def _section_start(block: Block, in_annex: bool) -> tuple[str | None, str]:
    if block["t"] == "Header":
        level, (identifier, classes, _), _ = block["c"]
        if "annexe" in classes:
            return identifier, "annexe"
        if level == 1:
            return identifier, "titre"
        if level == 2 and not in_annex:
            return identifier, "article"
    if block["t"] == "Div" and block["c"][0][0] == "signatures":
        return "signatures", "other"
    return None, "other"


def _merge(old: list[_Section], new: list[_Section], mark: _Marker) -> tuple[list[Block], Summary]:
    matcher = difflib.SequenceMatcher(
        a=[s.key for s in old], b=[s.key for s in new], autojunk=False
    )
    blocks: list[Block] = []
    changed = added = removed = annexes = 0
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for before, after in zip(old[a1:a2], new[b1:b2], strict=True):
                merged = _diff_blocks(before.blocks, after.blocks, mark)
                # A renumbered heading alone is not a changed article.
                if merged[1:] != after.blocks[1:]:
                    changed += before.kind == "article"
                    annexes += before.kind == "annexe"
                blocks += merged
            continue
        for section in old[a1:a2]:
            blocks += mark.wrap_blocks(section.blocks, "deletion")
            removed += section.kind == "article"
            annexes += section.kind == "annexe"
        for section in new[b1:b2]:
            blocks += mark.wrap_blocks(section.blocks, "insertion")
            added += section.kind == "article"
            annexes += section.kind == "annexe"
    return blocks, Summary(changed, added, removed, annexes)


# --- blocks ---------------------------------------------------------------------------------


def _key(node: Any) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False)


def _align(
    old: list[Any],
    new: list[Any],
    pair: Callable[[Any, Any], list[Any]] | None,
    wrap: Callable[[list[Any], str], list[Any]],
) -> list[Any]:
    """Align two sequences (blocks, list items, table rows, words): unchanged ones are kept,
    the overlap of a changed run is compared pairwise by `pair` (if any), the rest is marked
    deleted or inserted by `wrap`."""
    matcher = difflib.SequenceMatcher(
        a=[_key(x) for x in old], b=[_key(x) for x in new], autojunk=False
    )
    result: list[Any] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            result += new[b1:b2]
            continue
        paired = min(a2 - a1, b2 - b1) if tag == "replace" and pair else 0
        for before, after in zip(old[a1 : a1 + paired], new[b1 : b1 + paired], strict=True):
            result += pair(before, after) if pair else []
        result += wrap(old[a1 + paired : a2], "deletion")
        result += wrap(new[b1 + paired : b2], "insertion")
    return result


def _diff_blocks(old: list[Block], new: list[Block], mark: _Marker) -> list[Block]:
    return _align(old, new, lambda o, n: _diff_block(o, n, mark), mark.wrap_blocks)


def _diff_block(old: Block, new: Block, mark: _Marker) -> list[Block]:
    """One block against its counterpart: word by word when both have the same shape."""
    if old["t"] != new["t"]:
        return mark.wrap_blocks([old], "deletion") + mark.wrap_blocks([new], "insertion")
    kind = old["t"]
    if kind in ("Para", "Plain"):
        return [{"t": kind, "c": _diff_inlines(old["c"], new["c"], mark)}]
    if kind == "Header" and old["c"][0] == new["c"][0]:
        level, attr, _ = new["c"]
        return [{"t": "Header", "c": [level, attr, _diff_inlines(old["c"][2], new["c"][2], mark)]}]
    if kind == "BulletList":
        return [{"t": kind, "c": _diff_items(old["c"], new["c"], mark)}]
    if kind == "OrderedList":
        return [{"t": kind, "c": [new["c"][0], _diff_items(old["c"][1], new["c"][1], mark)]}]
    if kind == "BlockQuote" or kind == "Div":
        inner_old, inner_new = (
            (old["c"], new["c"]) if kind == "BlockQuote" else (old["c"][1], new["c"][1])
        )
        merged = _diff_blocks(inner_old, inner_new, mark)
        return [{"t": kind, "c": merged if kind == "BlockQuote" else [new["c"][0], merged]}]
    if kind == "Table" and _table_shape(old) == _table_shape(new):
        return [_diff_table(old, new, mark)]
    return mark.wrap_blocks([old], "deletion") + mark.wrap_blocks([new], "insertion")


def _diff_items(old: list[list[Block]], new: list[list[Block]], mark: _Marker) -> list[Any]:
    return _align(
        old,
        new,
        lambda o, n: [_diff_blocks(o, n, mark)],
        lambda items, kind: [mark.wrap_blocks(item, kind) for item in items],
    )


# --- tables ---------------------------------------------------------------------------------
# pandoc 3: Table attr caption colspecs (TableHead attr rows) [TableBody …] (TableFoot attr rows);
# a row is [attr, cells]; a cell is [attr, alignment, rowspan, colspan, blocks].


def _table_shape(table: Block) -> int:
    return len(table["c"][2])


def _diff_table(old: Block, new: Block, mark: _Marker) -> Block:
    table = copy.deepcopy(new)
    head_old, head_new = old["c"][3][1], table["c"][3][1]
    table["c"][3][1] = _diff_rows(head_old, head_new, mark)
    bodies_old, bodies_new = old["c"][4], table["c"][4]
    if len(bodies_old) == len(bodies_new):
        for body_old, body_new in zip(bodies_old, bodies_new, strict=True):
            body_new[3] = _diff_rows(body_old[3], body_new[3], mark)
    return table


def _diff_rows(old: list[Any], new: list[Any], mark: _Marker) -> list[Any]:
    """Rows aligned; a changed row keeps its cells and marks the changed values only."""

    def pair(row_old: Any, row_new: Any) -> list[Any]:
        cells = []
        for cell_old, cell_new in zip(row_old[1], row_new[1], strict=True):
            cell = list(cell_new)
            cell[4] = _diff_blocks(cell_old[4], cell_new[4], mark)
            cells.append(cell)
        return [[row_new[0], cells]]

    return _align(old, new, pair, lambda rows, kind: [mark.wrap_row(r, kind) for r in rows])


# --- inlines --------------------------------------------------------------------------------


def _tokens(inlines: list[Inline]) -> list[Inline]:
    return [{"t": "Space"} if i["t"] == "SoftBreak" else i for i in inlines]


def _diff_inlines(old: list[Inline], new: list[Inline], mark: _Marker) -> list[Inline]:
    """Word by word: each changed run of words becomes one deletion and one insertion."""
    return _align(
        _tokens(old),
        _tokens(new),
        None,
        lambda tokens, kind: [mark.span(tokens, kind)] if tokens else [],
    )


class _Marker:
    """Makes insertion and deletion spans with the reviewer's name and date."""

    def __init__(self, author: str, when: dt.datetime) -> None:
        self.author = author
        self.date = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def span(self, inlines: list[Inline], kind: str) -> Inline:
        attributes = [["author", self.author], ["date", self.date]]
        return {"t": "Span", "c": [["", [kind], attributes], inlines]}

    def wrap_blocks(self, blocks: list[Block], kind: str) -> list[Block]:
        return [self._wrap_block(copy.deepcopy(b), kind) for b in blocks]

    def wrap_row(self, row: Any, kind: str) -> Any:
        row = copy.deepcopy(row)
        for cell in row[1]:
            cell[4] = [self._wrap_block(b, kind) for b in cell[4]]
        return row

    def _wrap_block(self, block: Block, kind: str) -> Block:
        t = block["t"]
        if t in ("Para", "Plain"):
            block["c"] = [self.span(block["c"], kind)] if block["c"] else []
        elif t == "Header":
            block["c"][2] = [self.span(block["c"][2], kind)]
        elif t in ("BulletList",):
            block["c"] = [[self._wrap_block(b, kind) for b in item] for item in block["c"]]
        elif t == "OrderedList":
            block["c"][1] = [[self._wrap_block(b, kind) for b in item] for item in block["c"][1]]
        elif t == "BlockQuote":
            block["c"] = [self._wrap_block(b, kind) for b in block["c"]]
        elif t == "Div":
            block["c"][1] = [self._wrap_block(b, kind) for b in block["c"][1]]
        elif t == "Table":
            block["c"][3][1] = [self.wrap_row(r, kind) for r in block["c"][3][1]]
            for body in block["c"][4]:
                body[3] = [self.wrap_row(r, kind) for r in body[3]]
        return block


def build_redline(
    project: Project,
    contract_id: str,
    before: str,
    after: str,
    author: str | None = None,
    date: dt.datetime | None = None,
    pdf: bool = False,
) -> tuple[list[Path], Summary]:
    """Write build/<id>/redline-<from>-<to>.docx (and .pdf): tracked changes from one to the
    other."""
    redline = make_redline(project, contract_id, before, after, author, date)
    epoch = epoch_of(redline.document.timestamp)
    summary = redline.summary.text(redline.before, redline.after)
    stamp = redline.date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    commented = with_comment(redline.ast, summary, redline.author, stamp)
    docx = renumber_revisions(render_docx(redline.document, commented, project.templates, epoch))
    stem = project.build / contract_id / f"redline-{redline.before}-{redline.after}"
    files = {stem.with_suffix(".docx"): docx}
    if pdf:
        shown = visible_changes(redline.ast, summary)
        files[stem.with_suffix(".pdf")] = render_pdf(
            redline.document, shown, project.templates, epoch
        )
    write_files(files, project.build_scope(contract_id))
    return list(files), redline.summary
