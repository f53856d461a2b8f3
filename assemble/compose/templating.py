"""Jinja for clauses: sandboxed, strict, data escaped as Markdown, errors pointing at the file."""

from __future__ import annotations

import inspect
import re
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    nodes,
)
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError

from ..core.cache import Cache
from ..core.errors import CpomError
from ..core.limits import DOCUMENT_OUTPUT
from ..text import french, grammar
from . import sandbox
from .sandbox import BoundedSandbox, Exhausted, bounded_output, budget, exhausted_by


class Markdown(str):
    """Text that is already Markdown (helpers' output): printed without escaping."""


class ReferenceError_(Exception):
    """A cross-reference to an article that this contract does not contain."""


class FilterError(Exception):
    """A helper applied to a value it cannot format (a text given to `montant`…)."""


def _strict(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Make a helper raise the undefined-variable error, or a clear one for a wrong value."""

    def helper(value: Any, *args: Any) -> Any:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        try:
            return function(value, *args)
        except grammar.GrammarError as exc:
            raise FilterError(f"le filtre « {name} » : {exc}") from exc
        except (
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            ArithmeticError,
            AssertionError,
        ) as exc:
            raise FilterError(
                f"le filtre « {name} » ne s'applique pas à la valeur « {value} »"
            ) from exc

    helper.__name__ = name
    return helper


_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$@&])")
_LINE_START = re.compile(r"^(\s*)([-+:=>])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def escape_markdown(text: str) -> str:
    """Make a data value print as written: no emphasis, link, heading, template or HTML."""
    paragraphs = re.split(r"\n\s*\n", text)
    escaped = []
    for paragraph in paragraphs:
        flat = re.sub(r"[ \t]*\n[ \t]*", " ", paragraph)
        flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
        flat = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), flat, count=1)
        flat = _ORDERED.sub(r"\1\\\2", flat, count=1)
        escaped.append(flat)
    return "\n\n".join(escaped)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markdown):
        return value
    if value is None:
        return ""
    return escape_markdown(str(value))


def liste(items: Iterable[Any]) -> str:
    """« a, b et c »."""
    values = [str(i) for i in items]
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + " et " + values[-1]


def majuscule(text: str) -> str:
    """Capitalise the first letter only (Jinja's `capitalize` lowercases the rest)."""
    return text[:1].upper() + text[1:]


def _nom(value: Any) -> grammar.Nom:
    """A party (organisme, member, authority, département) or a name given as text."""
    if isinstance(value, str):
        return grammar.nom(value)
    name = getattr(value, "raison_sociale", None) or value.nom
    return grammar.nom(str(name), str(value.article), getattr(value, "genre", None))


def le(party: Any) -> str:
    """« l'Association Horizons », « le Département de l'Hérault », « Le Mans »."""
    return grammar.le(_nom(party))


def du(party: Any) -> str:
    """« de l'Association », « du Département », « de la Fondation », « des … », « du Mans »."""
    return grammar.de(_nom(party))


def au(party: Any) -> str:
    """« à l'Association », « au Département », « à la Fondation », « aux … », « au Mans »."""
    return grammar.a(_nom(party))


def accord(party: Any, *forms: str) -> str:
    """« habilité » agreed with the party: habilitée, habilités, habilitées."""
    return grammar.accorde(_nom(party), *forms)


def verbe(party: Any, singular: str, plural: str | None = None) -> str:
    """« détient » or « détiennent », after the party's number."""
    return grammar.conjugue(_nom(party), singular, plural)


def il(party: Any) -> str:
    """« il », « elle », « ils » or « elles » for the party."""
    return grammar.pronom(_nom(party))


def puces(items: Iterable[Any], fin: str = ".") -> Markdown:
    """A bulleted list: items in lower case, each ending with « ; », the last with « . »."""
    values = [i if isinstance(i, Markdown) else escape_markdown(str(i)) for i in items]
    return Markdown("\n".join(f"- {item}" for item in grammar.ponctue(values, fin)))


def suivants(items: Iterable[Any]) -> str:
    """« les établissements suivants », « les services suivants », or « les établissements et
    services suivants », after what the listed items are (their `service` attribute)."""
    kinds = {bool(getattr(item, "service", False)) for item in items}
    if kinds == {True}:
        return "les services suivants"
    if kinds == {False}:
        return "les établissements suivants"
    return "les établissements et services suivants"


def minuscule(text: str) -> str:
    """After a colon: « Un taux… » becomes « un taux… »; a proper noun or an acronym is kept."""
    return grammar.minuscule(str(text))


FILTERS: Mapping[str, Callable[..., Any]] = {
    "date": french.date_fr,
    "montant": french.montant,
    "montant_lettres": french.montant_lettres,
    "nombre": french.nombre,
    "nombre_lettres": french.nombre_lettres,
    "pourcentage": french.pourcentage,
    "mois": french.duree_mois,
    "annees": french.duree_annees,
    "romain": french.romain,
    "liste": liste,
    "majuscule": majuscule,
    "le": le,
    "du": du,
    "au": au,
    "accord": accord,
    "verbe": verbe,
    "il": il,
    "puces": puces,
    "minuscule": minuscule,
    "suivants": suivants,
}

TESTS: Mapping[str, Callable[[Any], bool]] = {
    "pluriel": lambda party: _nom(party).pluriel,
    "singulier": lambda party: not _nom(party).pluriel,
    "feminin": lambda party: grammar.genre(_nom(party)) == "feminin",
    "masculin": lambda party: grammar.genre(_nom(party)) == "masculin",
}


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
        return source.text, _frame_name(template), lambda: True


def _bytecode_cache(env: BoundedSandbox, cache: Cache | None) -> BytecodeCache | None:
    """Compiled clause templates kept between runs (compiling is most of composing's time).

    Jinja names an entry by the template's name and checks its source text; the folder is
    named by what else shapes the compiled code: Jinja, Python, the sandbox and its options,
    and this module's and the sandbox's own source.
    """
    if cache is None or cache.folder is None:
        return None
    shaping = Cache.key(
        jinja2.__version__,
        sys.version,
        type(env).__qualname__,
        repr(sorted(env.intercepted_binops)),
        repr((env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.autoescape)),
        Path(__file__).read_bytes(),
        Path(sandbox.__file__).read_bytes(),
    )
    folder = cache.kind(f"jinja-{shaping[:16]}")
    return None if folder is None else _ByText(str(folder))


class _ByText(FileSystemBytecodeCache):
    """Entries named by the template's name and text: two versions of a clause, used by two
    contracts, keep an entry each instead of replacing each other's."""

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        checksum = self.get_source_checksum(source)
        bucket = Bucket(environment, self.get_cache_key(f"{name}|{checksum}", filename), checksum)
        self.load_bytecode(bucket)
        return bucket


def _frame_name(template: str) -> str:
    return f"<clause {template}>"


class ClauseRenderer:
    """Renders clause bodies and conditions against contract data."""

    def __init__(self, cache: Cache | None = None) -> None:
        self._loader = _SourceLoader()
        # Characters produced by this renderer, used for one contract: past DOCUMENT_OUTPUT,
        # the text that went over is an error and the renders after it are skipped.
        self.rendered = 0
        self.env = BoundedSandbox(
            loader=self._loader,
            undefined=StrictUndefined,
            finalize=_finalize,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.bytecode_cache = _bytecode_cache(self.env, cache)
        self.env.filters.update({name: _strict(name, f) for name, f in FILTERS.items()})
        self.env.tests.update({name: _strict(name, f) for name, f in TESTS.items()})

    def render(self, name: str, source: Source, context: Mapping[str, Any]) -> str:
        """Render `source`; any error becomes a CpomError at the file and line responsible."""
        self._loader.sources[name] = source
        if self.rendered > DOCUMENT_OUTPUT.value:
            return ""  # the contract is refused already, at the text that went over the bound
        try:
            with budget():
                text = bounded_output(self.env.get_template(name).generate(context))
        except (Exception, Exhausted) as exc:  # noqa: BLE001 - every failure is reported located
            raise self._located(exc, name, source) from None
        self.rendered += len(text)
        if self.rendered > DOCUMENT_OUTPUT.value:
            raise CpomError.one(
                "template.budget",
                f"le contrat dépasse {DOCUMENT_OUTPUT.value} caractères avec ce texte : "
                f"{DOCUMENT_OUTPUT.why}",
                source.path,
                source.first_line,
            )
        return text

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
                return self.env.compile_expression(expression, undefined_to_none=False)(context)
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
