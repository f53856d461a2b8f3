"""What clauses print with: data escaped as Markdown, and the filters and tests of the
French helpers (dates, amounts, names with their articles, lists)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2 import Undefined

from ..text import french, grammar


class Markdown(str):
    """Text that is already Markdown (helpers' output): printed without escaping."""


class FilterError(Exception):
    """A helper applied to a value it cannot format (a text given to `montant`…)."""


def strict(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
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

# The filters that print a party's name: their output comes from its raison_sociale or nom.
NAME_FILTERS = frozenset({"le", "du", "au"})
