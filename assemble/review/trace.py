"""What produced the text a change touches: a value of contract.yaml, or a line of a clause.

`Tracer.trace` is the one place that asks: the article comes from the bookmark around the
paragraph, a data value from its printed forms (values.py), a clause line from the composer's
provenance (compose/provenance.py). When the per-span provenance of the Document lands, only
`_clause_origin` and `_data_origin` change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compose.document import Article, Document
from ..compose.provenance import Part, Provenance
from ..contract.load import LoadedContract
from ..library.clauses import Library
from .changes import Change
from .returned import Paragraph
from .values import Value, plain, read_back, scalars, siblings

_WINDOWS = (40, 24, 12, 0)


@dataclass(frozen=True)
class Trace:
    """Where a change belongs and what it calls for."""

    change: Change
    article: Article | None  # None: the change could not be placed in an article
    path: Path | None = None
    line: int | None = None
    value: Value | None = None  # the data value the change lies in
    new_value: Any = None  # that value once changed (None: it no longer reads as one)
    printed: str = ""  # the value as printed once changed

    @property
    def placed(self) -> bool:
        return self.article is not None

    @property
    def data(self) -> bool:
        return self.value is not None


class Tracer:
    """Traces the changes of one returned file against the version it was sent as."""

    def __init__(
        self,
        contract: LoadedContract,
        document: Document,
        library: Library,
        sent: list[Paragraph],
    ) -> None:
        self.contract = contract
        self.articles = document.article_by_key()
        self.provenance = Provenance(library, contract)
        self.values = [v for v in scalars(contract.raw) if v.forms()]
        self.rows: dict[tuple[str | None, int | None, int | None], str] = {}
        for paragraph in sent:
            place = paragraph.place
            if place.table is not None:
                key = (place.article, place.table, place.row)
                self.rows[key] = self.rows.get(key, "") + " " + plain(paragraph.text)

    def trace(self, change: Change) -> Trace:
        article = self._article(change)
        if article is None:
            return Trace(change, None)
        found = None if change.whole else self._data_origin(change)
        if found is None and not change.whole:
            found = self._data_origin(change.narrowed())
        if found is not None:
            value, printed, new_value = found
            line = self.contract.lines.line_of(value.loc)
            path = self.contract.lines.path
            return Trace(change, article, path, line, value, new_value, printed)
        clause_path, clause_line = self._clause_origin(article, change)
        if clause_path == self.contract.lines.path and clause_line is not None:
            # The spans name a data value: the words that differ lie in its printed form.
            spanned = self._spanned_value(change.narrowed(), clause_line)
            if spanned is not None:
                value, printed, new_value = spanned
                return Trace(change, article, clause_path, clause_line, value, new_value, printed)
        return Trace(change, article, clause_path, clause_line)

    def _spanned_value(self, change: Change, line: int) -> tuple[Value, str, Any] | None:
        """The value at the data line the provenance gives, printed in any of its forms
        (« six » for a notice of 6 months): its new printed form and new value."""
        text = plain(change.text)
        for value in scalars(self.contract.raw):
            if self.contract.lines.line_of(value.loc) != line:
                continue
            for form in value.forms(words=True):
                at = _occurrence(text, form, change.start, change.end)
                if at is None:
                    continue
                printed = form[: change.start - at] + change.new + form[change.end - at :]
                new_value = read_back(value, printed, form)
                if new_value is not None:
                    return value, printed, new_value
        return None

    def _article(self, change: Change) -> Article | None:
        for name in reversed(change.place.marks):
            if name in self.articles and not self.articles[name].abrogated:
                return self.articles[name]
        return None

    def _data_origin(self, change: Change) -> tuple[Value, str, Any] | None:
        """The value whose printed form holds the change, the one best described by its row
        or paragraph when several print alike; its new printed form and new value."""
        text = plain(change.text)
        place = change.place
        context = self.rows.get((place.article, place.table, place.row), text)
        best: tuple[int, int, Value, str, int] | None = None
        for value in self.values:
            for form in value.forms():
                at = _occurrence(text, form, change.start, change.end)
                if at is None:
                    continue
                score = sum(1 for s in siblings(self.contract.raw, value.loc) if s in context)
                rank = (len(form), score)
                if best is None or rank > (best[0], best[1]):
                    best = (len(form), score, value, form, at)
                break
        if best is None:
            return None
        _, _, value, form, at = best
        printed = form[: change.start - at] + change.new + form[change.end - at :]
        original = change.text[at : at + len(form)]
        printed_typo = original[: change.start - at] + change.new + original[change.end - at :]
        return value, printed_typo, read_back(value, printed, form)

    def _clause_origin(self, article: Article, change: Change) -> tuple[Path | None, int | None]:
        """The clause file and line that wrote the passage, found by its neighbourhood."""
        part: Part = "heading" if change.place.heading and not change.place.table else "body"
        if article.abrogated:
            return None, None
        markdown = article.heading if part == "heading" else article.body
        where = in_markdown(markdown, change.text, change.start, change.end)
        if where is None:
            return self.provenance.source_line(article, part)
        origin = self.provenance.locate(article, part, markdown, *where)
        return origin.path, origin.line


def _occurrence(text: str, form: str, start: int, end: int) -> int | None:
    """Where `form` stands in `text` around text[start:end], as a whole word."""
    position = text.find(form)
    while position >= 0:
        stop = position + len(form)
        inside = position <= start and end <= stop and (start < stop or start == end)
        if inside and _bounded(text, position, stop):
            return position
        position = text.find(form, position + 1)
    return None


def _bounded(text: str, start: int, stop: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[stop] if stop < len(text) else " "
    decimals = after == "," and text[stop + 1 : stop + 2].isdigit()
    return not (before.isalnum() or after.isalnum() or decimals)


def in_markdown(markdown: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the Markdown that printed text[start:end], found by the words around it."""
    source = plain(markdown)
    printed = plain(text)
    for width in _WINDOWS:
        left = printed[max(0, start - width) : start]
        window = left + printed[start:end]
        if len(window.strip()) < 4:
            continue
        found = source.find(window)
        if found >= 0 and source.find(window, found + 1) < 0:
            begin = found + len(left)
            return begin, begin + (end - start)
    return None
