"""Where each character of a rendered clause comes from: a data value, or a line of the clause.

While a clause renders, values read from the contract's data carry the path of their YAML key
(`etablissements[2].capacites[0].places`): the sandbox wraps each scalar it reads from a model
of the data in a subclass of its type that knows its path (`traced`), filters pass the path on
to what they print, and the printed text is framed by private-use marks. Before each run of
literal text and each `{{ … }}`, the lexer leaves a mark with the clause line it stands on.
`strip_marks` then takes the marks out and gives, for each character left, its origin: the
text itself is exactly what rendering without marks gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from pydantic import BaseModel

from ..core.composed import Composed
from ..core.safe_yaml import Loc
from .filters import Markdown
from .sandbox import BoundedSandbox

# Marks, in Unicode's private use area, next to the ones of cross-references (composer.py).
DATA_OPEN, DATA_SEP, DATA_CLOSE = "\ue002", "\ue003", "\ue004"
LINE, LINE_END = "\ue005", "\ue006"  # literal text from a line: « \ue005 12 \ue006 »
EXPR = "\ue007"  # an expression's output from a line: « \ue007 12 \ue006 »
MARKS = frozenset(DATA_OPEN + DATA_SEP + DATA_CLOSE + LINE + LINE_END + EXPR)

# An origin, per character: ("donnee", loc) for a data value, ("ligne", n) for the n-th line
# of the template (1-based), None where nothing said (text before the first mark).
CharOrigin = tuple[str, Any] | None


class TracedStr(str):
    loc: Loc | None = None


class TracedInt(int):
    loc: Loc | None = None


class TracedDecimal(Decimal):
    loc: Loc | None = None


class TracedFloat(float):
    loc: Loc | None = None


class TracedDate(dt.date):
    loc: Loc | None = None


class TracedMarkdown(Markdown):
    loc: Loc | None = None


_TRACED: tuple[tuple[type, type], ...] = (
    (bool, bool),  # not wrapped: bool cannot be subclassed, and never printed as such
    (Markdown, TracedMarkdown),
    (str, TracedStr),
    (int, TracedInt),
    (Decimal, TracedDecimal),
    (float, TracedFloat),
    (dt.datetime, dt.datetime),  # not wrapped: the data has dates only
    (dt.date, TracedDate),
)


def traced(value: Any, loc: Loc) -> Any:
    """`value` carrying the path it was read from, when it is a scalar that can carry it."""
    for kind, wrapper in _TRACED:
        if isinstance(value, kind):
            if wrapper is kind:
                return value
            made = _copy(wrapper, value)
            made.loc = loc
            return made
    return value


def _copy(wrapper: type, value: Any) -> Any:
    if wrapper is TracedDate:
        return TracedDate(value.year, value.month, value.day)
    return wrapper(value)


def loc_of(value: Any) -> Loc | None:
    return getattr(value, "loc", None) if isinstance(value, _WRAPPERS) else None


_WRAPPERS = (TracedStr, TracedMarkdown, TracedInt, TracedDecimal, TracedFloat, TracedDate)


def data_paths(data: BaseModel) -> dict[int, Loc]:
    """The path of every model, list and mapping of the data, by identity."""
    found: dict[int, Loc] = {}

    def walk(value: Any, loc: Loc) -> None:
        if isinstance(value, BaseModel):
            found[id(value)] = loc
            for name in type(value).model_fields:
                walk(getattr(value, name), (*loc, name))
        elif isinstance(value, list | tuple):
            found[id(value)] = loc
            for index, item in enumerate(value):
                walk(item, (*loc, index))
        elif isinstance(value, dict):
            found[id(value)] = loc
            for key, item in value.items():
                walk(item, (*loc, str(key)))

    walk(data, ())
    return found


def child(paths: dict[int, Loc], container: Any, key: Any, value: Any) -> Any:
    """What the sandbox returns for `container.key` or `container[key]`: the value, traced
    when the container is part of the data and `key` one of its fields, items or keys."""
    loc = paths.get(id(container))
    if loc is None:
        return value
    if isinstance(container, BaseModel):
        if not isinstance(key, str) or key not in type(container).model_fields:
            return value  # a computed property: derived, not a value of the data
    elif isinstance(container, list | tuple):
        if not isinstance(key, int) or isinstance(key, bool):
            return value
        key = key % len(container) if container else key
    elif not isinstance(container, dict):
        return value
    return traced(value, (*loc, key))


def name_loc(paths: dict[int, Loc], party: Any) -> Loc | None:
    """The path of the name a grammar filter (le, du, au) prints for a party of the data."""
    loc = paths.get(id(party))
    if loc is None or not isinstance(party, BaseModel):
        return None
    fields = type(party).model_fields
    for name in ("raison_sociale", "nom"):
        if name in fields and getattr(party, name, None):
            return (*loc, name)
    return None


class TracingSandbox(BoundedSandbox):
    """The clauses' sandbox, tracing what templates read from the data (`paths`)."""

    paths: dict[int, Loc] = {}  # noqa: RUF012 - replaced whole, per contract, never mutated

    def getattr(self, obj: Any, attribute: str) -> Any:
        return child(self.paths, obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return child(self.paths, obj, argument, super().getitem(obj, argument))


def framed(text: str, loc: Loc, paths_index: dict[Loc, int]) -> str:
    """A printed data value between marks naming its path."""
    number = paths_index.setdefault(loc, len(paths_index))
    return f"{DATA_OPEN}{number}{DATA_SEP}{text}{DATA_CLOSE}"


def framed_parts(
    value: Composed,
    escaped: str,
    escape: Callable[[str], str],
    paths: dict[int, Loc],
    paths_index: dict[Loc, int],
) -> str:
    """A composed text (core/composed.py) as printed (`escaped`), each of its values of the
    data between marks; the text unmarked when escaping it piece by piece would print it
    otherwise than whole."""
    pieces: list[str] = []
    plain: list[str] = []
    last = 0
    for start, end, model, name in value.parts:
        loc = paths.get(id(model))
        if loc is None or start < last:
            continue
        before, written = escape(value[last:start]), escape(value[start:end])
        pieces += [before, framed(written, (*loc, name), paths_index)]
        plain += [before, written]
        last = end
    after = escape(value[last:])
    if "".join([*plain, after]) != escaped:
        return escaped
    return "".join([*pieces, after])


class LineMarks(Extension):
    """Leaves, before each run of literal text and each `{{ … }}`, a mark with its line."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        return _marked(stream)


def _marked(stream: TokenStream) -> Iterator[Token]:
    for token in stream:
        if token.type == "data":
            yield Token(token.lineno, "data", f"{LINE}{token.lineno}{LINE_END}")
        elif token.type == "variable_begin":
            yield Token(token.lineno, "data", f"{EXPR}{token.lineno}{LINE_END}")
        yield token


_MARK = re.compile(
    f"{LINE}(\\d+){LINE_END}|{EXPR}(\\d+){LINE_END}|{DATA_OPEN}(\\d+){DATA_SEP}|{DATA_CLOSE}"
)


def strip_marks(text: str, locs: list[Loc]) -> tuple[str, list[CharOrigin]]:
    """The text without its marks, and the origin of each of its characters (`locs`: the
    paths by the numbers the data marks give)."""
    out: list[str] = []
    origins: list[CharOrigin] = []
    stack: list[CharOrigin] = []  # the data values being printed, innermost last
    line: int | None = None
    counting = False  # literal text counts its newlines; an expression's output does not

    def emit(segment: str) -> None:
        nonlocal line
        if not segment:
            return
        out.append(segment)
        if stack or line is None or not counting:
            here = stack[-1] if stack else (None if line is None else ("ligne", line))
            origins.extend([here] * len(segment))
            return
        pieces = segment.split("\n")
        for index, piece in enumerate(pieces):
            newline = index < len(pieces) - 1
            origins.extend([("ligne", line)] * (len(piece) + newline))
            line += newline

    last = 0
    for mark in _MARK.finditer(text):
        emit(text[last : mark.start()])
        last = mark.end()
        literal, expression, value = mark.groups()
        if literal is not None or expression is not None:
            line, counting = int(literal or expression), literal is not None
        elif value is not None:
            stack.append(("donnee", locs[int(value)]))
        elif stack:
            stack.pop()
    emit(text[last:])
    return "".join(out), origins
