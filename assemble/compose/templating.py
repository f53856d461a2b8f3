"""Jinja for clauses: sandboxed, strict, data escaped as Markdown, errors pointing at the file."""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    BaseLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError

from ..core.composed import Composed
from ..core.errors import CpomError
from ..core.limits import DOCUMENT_OUTPUT
from ..core.safe_yaml import Loc
from . import compiled, tracing
from .filters import FILTERS, NAME_FILTERS, TESTS, FilterError, Markdown, escape_markdown, strict
from .filters import au as au
from .filters import du as du
from .filters import le as le
from .filters import liste as liste
from .filters import majuscule as majuscule
from .sandbox import Exhausted, bounded_output, budget, exhausted_by
from .tracing import CharOrigin, TracingSandbox, loc_of, name_loc, traced

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..core.cache import Cache

__all__ = ["Markdown", "escape_markdown"]


class ReferenceError_(Exception):
    """A cross-reference to an article that this contract does not contain."""


def _finalize(value: Any) -> Any:
    if isinstance(value, Markdown):
        return value
    if value is None:
        return ""
    return escape_markdown(str(value))


@dataclass(frozen=True)
class Source:
    """A template's text and the file line its first line stands on."""

    text: str
    path: Path
    first_line: int


class _SourceLoader(BaseLoader):
    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source = self.sources[template]
        # The environment keeps the template while this name keeps this text: a name given
        # another text (a clause edited, another version) is loaded again.
        return source.text, _frame_name(template), lambda: self._same(template, source.text)

    def _same(self, template: str, text: str) -> bool:
        source = self.sources.get(template)
        return source is not None and source.text == text


def _frame_name(template: str) -> str:
    return f"<clause {template}>"


class ClauseRenderer:
    """Renders clause bodies and conditions against contract data, and says where each
    character of what it renders comes from (tracing.py)."""

    def __init__(self, cache: Cache | None = None) -> None:
        self._loader = _SourceLoader()
        # Characters produced by this renderer, used for one contract: past DOCUMENT_OUTPUT,
        # the text that went over is an error and the renders after it are skipped.
        self.rendered = 0
        self.env = TracingSandbox(
            loader=self._loader,
            undefined=StrictUndefined,
            finalize=self._finalize,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[tracing.LineMarks],
        )
        self.env.filters.update({name: self._traced(name, f) for name, f in FILTERS.items()})
        self.env.tests.update({name: strict(name, f) for name, f in TESTS.items()})
        self.shaping = compiled.shaping(self.env)
        self.env.bytecode_cache = compiled.bytecode_cache(self.shaping, cache)
        self._expressions: dict[str, TemplateExpression] = {}
        self._locs: dict[Loc, int] = {}

    def trace(self, data: BaseModel) -> None:
        """Trace the values read from `data` (a contract's) to their YAML paths."""
        self.env.paths = tracing.data_paths(data)

    def _finalize(self, value: Any) -> Any:
        text = _finalize(value)
        loc = loc_of(value)
        if loc is not None and text:
            return tracing.framed(text, loc, self._locs)
        if isinstance(value, Composed) and value.parts:
            return tracing.framed_parts(value, text, escape_markdown, self.env.paths, self._locs)
        return text

    def _traced(self, name: str, function: Any) -> Any:
        """A filter whose output keeps the path of the data value it formats."""
        checked = strict(name, function)

        def filter_(value: Any, *args: Any) -> Any:
            result = checked(value, *args)
            loc = loc_of(value)
            if loc is None and name in NAME_FILTERS:
                loc = name_loc(self.env.paths, value)
            return result if loc is None else traced(result, loc)

        filter_.__name__ = name
        return filter_

    def render(self, name: str, source: Source, context: Mapping[str, Any]) -> str:
        """Render `source`; any error becomes a CpomError at the file and line responsible."""
        return self.render_traced(name, source, context)[0]

    def render_traced(
        self, name: str, source: Source, context: Mapping[str, Any]
    ) -> tuple[str, list[CharOrigin]]:
        """`render`, and the origin of each character of the text (see tracing.strip_marks;
        lines are the template's, 1-based)."""
        self._loader.sources[name] = source
        if self.rendered > DOCUMENT_OUTPUT.value:
            return "", []  # the contract is refused already, at the text that went over
        try:
            with budget():
                marked = bounded_output(self.env.get_template(name).generate(context))
        except (Exception, Exhausted) as exc:  # noqa: BLE001 - every failure is reported located
            raise self._located(exc, name, source) from None
        text, origins = tracing.strip_marks(marked, list(self._locs))
        self.rendered += len(text)
        if self.rendered > DOCUMENT_OUTPUT.value:
            raise CpomError.one(
                "template.budget",
                f"le contrat dépasse {DOCUMENT_OUTPUT.value} caractères avec ce texte : "
                f"{DOCUMENT_OUTPUT.why}",
                source.path,
                source.first_line,
            )
        return text, origins

    def current_line(self) -> tuple[Path, int] | None:
        """The clause file and line being rendered, for a helper called from a template."""
        frame = inspect.currentframe()
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith("<clause ") and filename.endswith(">"):
                name = filename.removeprefix("<clause ").removesuffix(">")
                source = self._loader.sources.get(name)
                if source is not None:
                    line = self.env.get_template(name).get_corresponding_lineno(frame.f_lineno)
                    return source.path, source.first_line + line - 1
            frame = frame.f_back
        return None

    def evaluate(self, expression: str, context: Mapping[str, Any], path: Path, line: int) -> Any:
        """Evaluate a front-matter expression (`condition`, `selon`)."""
        try:
            with budget():
                return self._expression(expression)(context)
        except (Exception, Exhausted) as exc:  # noqa: BLE001
            reason = exhausted_by(exc)
            if reason is not None:
                raise CpomError.one(
                    "template.budget", f"expression « {expression} » : {reason}", path, line
                ) from None
            raise CpomError.one(
                "template.expression",
                f"expression « {expression} » : {_describe(exc)}",
                path,
                line,
                "l'expression porte sur les données du contrat, par exemple "
                'options.frais_de_siege.modalite == "aucun"',
            ) from None

    def _expression(self, expression: str) -> TemplateExpression:
        """`Environment.compile_expression`, its code compiled once per process."""
        kept = self._expressions.get(expression)
        if kept is None:
            code = compiled.EXPRESSIONS.get_or(
                (self.shaping, expression), lambda: compiled.expression_code(self.env, expression)
            )
            template = self.env.template_class.from_code(
                self.env, code, self.env.make_globals(None), None
            )
            kept = TemplateExpression(template, undefined_to_none=False)
            self._expressions[expression] = kept
        return kept

    def parse(self, name: str, source: Source) -> nodes.Template:
        """Parse without rendering, for static checks."""
        try:
            return self.env.parse(source.text, name=name)
        except TemplateSyntaxError as exc:
            raise self._located(exc, name, source) from None

    def _located(self, exc: BaseException, name: str, source: Source) -> CpomError:
        line = _template_line(exc, name)
        if isinstance(exc, Exhausted) and line is not None:
            # Jinja maps its own errors to template lines; ours carry the compiled code's line.
            line = self.env.get_template(name).get_corresponding_lineno(line)
        file_line = source.first_line + line - 1 if line else None
        code, message, hint = _classify(exc)
        if file_line is None and code == "template.budget":
            file_line = source.first_line  # the text as a whole: its first line
        return CpomError.one(code, message, source.path, file_line, hint)


def _classify(exc: BaseException) -> tuple[str, str, str | None]:
    """The code, message and hint a drafter sees for a template failure."""
    reason = exhausted_by(exc)
    if reason is not None:
        return "template.budget", f"gabarit trop coûteux : {reason}", None
    if isinstance(exc, TemplateSyntaxError):
        return (
            "template.syntax",
            f"syntaxe Jinja invalide : {exc.message}",
            "vérifiez les {{ }} et les {% %} de cette ligne",
        )
    if isinstance(exc, UndefinedError):
        return (
            "template.undefined",
            f"variable de gabarit inconnue : {_undefined_name(exc)}",
            "corrigez le nom (voir docs/clauses.md) ou ajoutez la donnée au contrat",
        )
    if isinstance(exc, ReferenceError_):
        return (
            "xref.unknown",
            str(exc),
            "ref() prend l'identifiant (champ id) d'une clause retenue dans ce contrat",
        )
    if isinstance(exc, FilterError):
        return (
            "template.filter",
            str(exc),
            "vérifiez la donnée filtrée ; les filtres sont décrits dans docs/clauses.md",
        )
    if isinstance(exc, SecurityError):
        return "template.unsafe", f"opération interdite : {exc}", None
    return "template.error", f"erreur de gabarit : {_describe(exc)}", None


def _template_line(exc: BaseException, name: str) -> int | None:
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    line = None
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _frame_name(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_name(exc: UndefinedError) -> str:
    message = exc.message or ""
    found = re.search(r"'([^']+)' is undefined", message)
    if found:
        return f"« {found.group(1)} »"
    found = re.search(r"has no attribute '([^']+)'", message)
    if found:
        return f"« {found.group(1)} » (champ absent)"
    return message


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UndefinedError):
        return f"variable inconnue {_undefined_name(exc)}"
    if isinstance(exc, TemplateError):
        return exc.message or type(exc).__name__
    return str(exc) or type(exc).__name__
