"""The origins of a rendered clause carried through composing: from the template's output, as
tracing.py gives it character by character, to the spans of the article's Markdown.

Composing tidies the rendered text (blank lines, trailing spaces) and turns the placeholders
of cross-references into links; each step here does the same to the text and to the origin of
each character, so that the spans fall on the Markdown the Document keeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

from ..contract.load import LoadedContract
from ..core.safe_yaml import dotted_path
from ..library.clauses import Clause
from .document import Origin, Reference, Span
from .tracing import CharOrigin

Text = tuple[str, list[CharOrigin]]

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str, origins: list[CharOrigin]) -> Text:
    """composer._tidy, character by character: lines without trailing spaces, at most one
    blank line in a row, no blank at either end, one final newline."""
    kept: list[str] = []
    kept_origins: list[CharOrigin] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.rstrip()
        if kept:
            kept.append("\n")
            kept_origins.append(origins[position - 1])
        kept.append(stripped)
        kept_origins.extend(origins[position : position + len(stripped)])
        position += len(line) + 1
    joined = "".join(kept)
    collapsed: list[str] = []
    collapsed_origins: list[CharOrigin] = []
    last = 0
    for match in _BLANK_LINES.finditer(joined):
        collapsed.append(joined[last : match.start()] + "\n\n")
        collapsed_origins.extend(kept_origins[last : match.start() + 2])
        last = match.end()
    collapsed.append(joined[last:])
    collapsed_origins.extend(kept_origins[last:])
    return stripped_text("".join(collapsed), collapsed_origins, final="\n")


def stripped_text(text: str, origins: list[CharOrigin], final: str = "") -> Text:
    """`text.strip() + final`, with its origins (the final characters take the last one's)."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    kept = origins[start:end]
    last = kept[-1] if kept else None
    return text[start:end] + final, kept + [last] * len(final)


def linked(text: str, origins: list[CharOrigin], references: Sequence[Reference]) -> Text:
    """The Markdown with each cross-reference's placeholder as its link (composer._markdown),
    the link taking the origin of the placeholder (the clause line of its ref(…))."""
    parts: list[str] = []
    part_origins: list[CharOrigin] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[last : match.start()])
        part_origins.extend(origins[last : match.start()])
        link = references[int(match.group(1))].markdown()
        parts.append(link)
        part_origins.extend([origins[match.start()]] * len(link))
        last = match.end()
    parts.append(text[last:])
    part_origins.extend(origins[last:])
    return "".join(parts), part_origins


Maker = Callable[[CharOrigin], Origin]


def origin_maker(
    clause: Clause, variant: str | None, first_line: int, contract: LoadedContract
) -> Maker:
    """Turns the origins of one template's characters into Origins (one object per origin)."""
    made: dict[CharOrigin, Origin] = {}
    data_file: Path = contract.lines.path

    def make(origin: CharOrigin) -> Origin:
        found = made.get(origin)
        if found is None:
            found = _origin(origin)
            made[origin] = found
        return found

    def _origin(origin: CharOrigin) -> Origin:
        if origin is not None and origin[0] == "donnee":
            loc = origin[1]
            line = contract.lines.line_of(loc)
            return Origin(
                "donnee", data_file, line, clause.id, clause.version, variant, dotted_path(loc)
            )
        line = first_line + origin[1] - 1 if origin is not None else first_line
        return Origin("clause", clause.path, line, clause.id, clause.version, variant)

    return make


def spans_of(origins: list[CharOrigin], make: Maker) -> tuple[Span, ...]:
    """Runs of characters of one origin."""
    spans: list[Span] = []
    start = 0
    for origin, run in groupby(origins):
        size = len(list(run))
        spans.append(Span(start, start + size, make(origin)))
        start += size
    return tuple(spans)
