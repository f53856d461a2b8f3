"""The one article diff: what changed between two Documents, article by article.

Every consumer reads it: the avenant (`changes.compare`), the redline (its summary and
comments), `cpom upgrade` (`versions.compare_articles`). It works on typed Documents
(`body.read_document`), never on rendered text:

- articles are matched by key (clause id, and instance for a repeated clause), or, for a new
  clause that took a removed article's place (same number, between the same articles: see
  compose/numbering.py), by that place: the article is then changed, heading and all;
- an article is unchanged when its heading and its typed blocks are equal; a cross-reference
  (`ast.Ref`) equals any other to the same articles, and labels and headers are left out, so
  renumbering alone is no change;
- inside a changed article, paragraphs, list items and table rows are aligned by equality
  then by similarity (`align.align`): a replaced establishment is one unit deleted and one
  inserted, an unchanged one stays unchanged whatever moved around it; words, amounts and
  signs are separate tokens (`align.tokens`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..compose import ast
from ..compose.document import Article, Document
from ..render.body import read_document
from .align import SIMILAR, SIMILAR_ROW, Op, align, bag_similarity, fold, is_word, tokens, word_bag

Kind = Literal["unchanged", "changed", "added", "removed"]
Part = Literal["preambule", "articles", "annexes"]  # unnumbered blocks, numbered articles, annexes


@dataclass(frozen=True)
class Unit:
    """A paragraph, a list item or a table row: what blocks are aligned by."""

    node: ast.Block | tuple[ast.Block, ...] | ast.Row
    shape: str  # units of different shapes are never one unit changed
    text: str
    label: str = ""  # a row's first cell: rows with the same label are the same row

    @functools.cached_property
    def bag(self) -> Counter[str]:
        return word_bag(tokens(self.text))


@dataclass(frozen=True)
class UnitChange:
    op: Op  # change, delete or insert
    before: str | None  # the unit's text
    after: str | None
    deleted: tuple[str, ...]  # the words (and amounts) deleted, inserted
    inserted: tuple[str, ...]


@dataclass(frozen=True)
class ArticleDiff:
    kind: Kind
    part: Part
    before: Article | None
    after: Article | None
    previous: Article | None  # for an added article: the article it follows, as it was before
    units: tuple[UnitChange, ...]  # what differs, in order; empty unless changed

    @property
    def article(self) -> Article:
        article = self.after or self.before
        assert article is not None
        return article

    @property
    def key(self) -> str:
        return self.article.key

    @property
    def version_changed(self) -> bool:
        return (
            self.before is None or self.after is None or self.before.version != self.after.version
        )

    @property
    def words(self) -> tuple[int, int]:
        """Words deleted and inserted."""
        return (sum(len(u.deleted) for u in self.units), sum(len(u.inserted) for u in self.units))


def diff_documents(
    before: Document, after: Document, *, units: bool = True
) -> tuple[ArticleDiff, ...]:
    """Every article of both Documents, in the order of the new one, each removed article
    where it stood; unchanged articles included (kind « unchanged »). Without `units`, a
    changed article's units are not aligned (its kind is all a redline asks)."""
    before, after = read_document(before), read_document(after)
    old, new = _articles(before), _articles(after)
    old_keys = {a.key: i for i, (a, _) in enumerate(old)}
    new_keys = {a.key for a, _ in new}
    result: list[ArticleDiff] = []
    last: dict[Part, Article] = {}  # the latest article present on both sides, by part
    position = 0
    for article, part in new:
        index = old_keys.get(article.key)
        if index is None:
            result.append(ArticleDiff("added", part, None, article, last.get(part), ()))
            continue
        for earlier, earlier_part in old[position:index]:  # removed articles before this one
            if earlier.key not in new_keys:
                result.append(ArticleDiff("removed", earlier_part, earlier, None, None, ()))
        position = max(position, index + 1)
        result.append(diff_articles(old[index][0], article, part, units=units))
        last[part] = old[index][0]
    for earlier, earlier_part in old[position:]:
        if earlier.key not in new_keys:
            result.append(ArticleDiff("removed", earlier_part, earlier, None, None, ()))
    return _successions(result, units)


def _successions(diffs: list[ArticleDiff], units: bool) -> tuple[ArticleDiff, ...]:
    """An added article printed under the number of an article removed at the same place
    (in the same run of additions and removals, between the same kept articles) is that
    article rewritten: one change, not two."""
    successor: dict[int, ArticleDiff] = {}  # id of the added diff → the removed one
    taken: set[int] = set()
    run: list[ArticleDiff] = []
    for diff in [*diffs, None]:
        if diff is not None and diff.kind in ("added", "removed"):
            run.append(diff)
            continue
        for added in (d for d in run if d.kind == "added" and d.article.label):
            gone = next(
                (
                    d
                    for d in run
                    if d.kind == "removed"
                    and id(d) not in taken
                    and d.part == added.part
                    and d.article.label == added.article.label
                ),
                None,
            )
            if gone is not None:
                successor[id(added)] = gone
                taken.add(id(gone))
        run = []
    result = []
    for diff in diffs:
        if id(diff) in taken:
            continue
        gone = successor.get(id(diff))
        if gone is not None and gone.before is not None and diff.after is not None:
            diff = diff_articles(gone.before, diff.after, diff.part, units=units)
        result.append(diff)
    return tuple(result)


def changed(diffs: Sequence[ArticleDiff]) -> tuple[ArticleDiff, ...]:
    """The articles changed, added or removed."""
    return tuple(d for d in diffs if d.kind != "unchanged")


def diff_articles(
    before: Article, after: Article, part: Part, *, units: bool = True
) -> ArticleDiff:
    """One article in two versions: unchanged, or changed with its units aligned (unless
    not `units`)."""
    if before.heading == after.heading and before.blocks == after.blocks:
        return ArticleDiff("unchanged", part, before, after, None, ())
    if not units:
        return ArticleDiff("changed", part, before, after, None, ())
    heading = (
        _units((ast.Plain((ast.Str(before.heading),)),)),
        _units((ast.Plain((ast.Str(after.heading),)),)),
    )
    aligned = _diff_units(heading[0], heading[1])
    aligned += _diff_units(_units(before.blocks), _units(after.blocks))
    return ArticleDiff("changed", part, before, after, None, tuple(aligned))


def _articles(doc: Document) -> list[tuple[Article, Part]]:
    found: list[tuple[Article, Part]] = []
    for titre in doc.titres:
        for article in titre.articles:
            part: Part = "annexes" if titre.kind == "annexes" else "articles"
            if part == "articles" and article.number is None:
                part = "preambule"
            found.append((article, part))
    return found


# --- units ------------------------------------------------------------------------------------


def _units(blocks: tuple[ast.Block, ...]) -> list[Unit]:
    """Blocks cut into paragraphs, list items and table rows."""
    units: list[Unit] = []
    for block in blocks:
        if isinstance(block, ast.BulletList | ast.OrderedList):
            shape = type(block).__name__
            units += [Unit(item, shape, ast.plain_text(item)) for item in block.items]
        elif isinstance(block, ast.BlockQuote | ast.Div):
            units += _units(block.blocks)
        elif isinstance(block, ast.Table):
            for row in block.rows():
                cells = [ast.plain_text(c.blocks) for c in row.cells]
                units.append(Unit(row, f"Row {len(cells)}", " | ".join(cells), cells[0]))
        else:
            units.append(Unit(block, type(block).__name__, ast.plain_text((block,))))
    return units


def _similarity(old: Unit, new: Unit) -> float:
    if old.shape != new.shape:
        return 0.0
    if old.label and old.label == new.label:
        return 1.0
    score = bag_similarity(old.bag, new.bag)
    # A row of a few values may share half of them with another establishment's.
    return score if not old.shape.startswith("Row") or score >= SIMILAR_ROW else 0.0


def _diff_units(old: list[Unit], new: list[Unit]) -> list[UnitChange]:
    result: list[UnitChange] = []
    for step in align(old, new, lambda u: u.node, _similarity, SIMILAR):
        if step.op == "equal":
            continue
        before = old[step.old].text if step.old is not None else None
        after = new[step.new].text if step.new is not None else None
        result.append(UnitChange(step.op, before, after, *_words(before or "", after or "")))
    return result


def _words(before: str, after: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of `before` that `after` lacks, and those it adds (in order)."""
    old, new = tokens(before), tokens(after)
    deleted: list[str] = []
    inserted: list[str] = []
    for step in align(old, new, fold):
        if step.op == "delete" and step.old is not None and is_word(old[step.old]):
            deleted.append(old[step.old])
        if step.op == "insert" and step.new is not None and is_word(new[step.new]):
            inserted.append(new[step.new])
    return tuple(deleted), tuple(inserted)
