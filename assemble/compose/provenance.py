"""Where a passage of the assembled text comes from: a data value, or a line of a clause.

A passage of an article as composed is traced by the spans composing recorded (the data
value's path and line, or the clause line: see tracing.py). A text that is not the article's
own Markdown is traced back the way a drafter would do it by hand: a passage lying inside a
data value comes from that value (the data file and the value's line); otherwise its literal
neighbourhood is looked up in the clause text outside the Jinja tags, and the line where it
stands is the one that produced it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..contract.load import LoadedContract
from ..core.sources import Loc
from ..library.clauses import Library
from .document import Article
from .templating import escape_markdown

Part = Literal["heading", "body"]

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Left contexts tried, longest first, then the passage's first character alone after them.
_LEFT = (48, 32, 20, 12, 6)
_RIGHT = (40, 24, 12)
MASK = "\0"


@dataclass(frozen=True)
class Origin:
    path: Path
    line: int | None
    from_data: bool


@dataclass(frozen=True)
class _Normalised:
    """A text with runs of white space made one space, and where each character came from."""

    text: str
    index: tuple[int, ...]  # position in the original text of each character of `text`

    @classmethod
    def of(cls, original: str) -> _Normalised:
        chars: list[str] = []
        index: list[int] = []
        for position, char in enumerate(original):
            if char.isspace():
                if chars and chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            index.append(position)
        return cls("".join(chars), tuple(index))

    def at(self, original_position: int) -> int:
        """The normalised position of an original one (the nearest character at or after it)."""
        return bisect.bisect_left(self.index, original_position)


class Provenance:
    """Locates passages of one contract's assembled articles."""

    def __init__(self, library: Library, contract: LoadedContract) -> None:
        self.library = library
        self.contract = contract
        self._values = [
            (loc, value) for loc, value in _strings(contract.raw, ()) if len(value.strip()) > 2
        ]
        self._sources: dict[tuple[str, str | None, Part], tuple[Path, int, str]] = {}

    def locate(self, article: Article, part: Part, text: str, start: int, end: int) -> Origin:
        """The data value or the clause line that produced text[start:end]."""
        own = article.heading if part == "heading" else article.body
        spanned = article.origin_at(start, part == "heading") if text == own else None
        if spanned is not None:
            return Origin(spanned.path, spanned.line, spanned.from_data)
        found = self._data(text, start, end)
        if found is not None:
            return found
        path, first_line, source = self._source(article, part)
        line = _find_line(source, text, start, end)
        return Origin(path, first_line + line - 1 if line else first_line, False)

    def source_line(self, article: Article, part: Part) -> tuple[Path, int]:
        """The clause file and the first line of an article's heading or body."""
        path, first_line, _ = self._source(article, part)
        return path, first_line

    def _data(self, text: str, start: int, end: int) -> Origin | None:
        for loc, value in self._values:
            for written in dict.fromkeys((escape_markdown(value), value)):
                position = text.find(written)
                while position >= 0:
                    if position <= start and end <= position + len(written):
                        lines = self.contract.lines
                        return Origin(lines.path, lines.line_of(loc), True)
                    position = text.find(written, position + 1)
        return None

    def _source(self, article: Article, part: Part) -> tuple[Path, int, str]:
        key = (article.clause_id, article.variant, part)
        if key not in self._sources:
            clause = self.library.clause(article.clause_id)
            if part == "heading":
                line = clause.header_lines.line_of(("intitule",))
                self._sources[key] = (clause.path, line, clause.intitule)
            else:
                body = clause.body_for(article.variant)
                self._sources[key] = (clause.path, clause.body_line, body)
        return self._sources[key]


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def masked(source: str) -> str:
    """The clause text with its Jinja tags blanked out, newlines kept for the line count."""
    return _TAG.sub(lambda m: re.sub(r"[^\n]", MASK, m.group()), source)


def _find_line(source: str, text: str, start: int, end: int) -> int | None:
    """The 1-based line of `source` where text[start:end] was written, found by its context."""
    plain = _Normalised.of(masked(source))
    rendered = _Normalised.of(text)
    first, last = rendered.at(start), max(rendered.at(end), rendered.at(start) + 1)
    candidates: list[tuple[int, int]] = [(first - left, last) for left in (*_LEFT, 0)]
    candidates += [(first - left, first + 1) for left in _LEFT]
    candidates += [(first - left, first) for left in _LEFT]
    candidates += [(first, first + right) for right in _RIGHT]
    candidates += [(last, last + right) for right in _RIGHT]
    fallback = None
    for window_start, window_end in candidates:
        window_start = max(window_start, 0)
        window = rendered.text[window_start:window_end]
        if len(window.strip()) < 3:
            continue
        found = plain.text.find(window)
        if found < 0:
            continue
        anchor = found + max(0, min(first, len(rendered.text)) - window_start)
        anchor = min(anchor, len(plain.index) - 1)
        line = source.count("\n", 0, plain.index[anchor]) + 1
        if plain.text.find(window, found + 1) < 0:
            return line
        fallback = fallback or line
    return fallback
