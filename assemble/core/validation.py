"""Pydantic's validation errors as located problems, each with the code of the rule it breaks.

The data model (model.py, fields.py) is checked by pydantic; every error it reports is turned
into a French message at the line of the offending value, with a precise code: a missing or
unknown field, a wrong type, a number, a date, a bound, or the rule a validator enforces
(`RuleError` carries its own code).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .codes import lookup
from .errors import Problem
from .limits import LENGTH_REASONS, REASONS
from .safe_yaml import dotted_path
from .sources import LineMap, Loc


class RuleError(ValueError):
    """A validator's refusal, naming the problem code of the rule it enforces (codes.py)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = lookup(code).code


def validation_problems(exc: ValidationError, lines: LineMap) -> list[Problem]:
    """Every error of one validation, located in its file, with its code and its fix."""
    problems = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        code, message, hint = _explain(error)
        where = lines.line_of(loc)
        problems.append(Problem(code, f"{dotted_path(loc)}: {message}", lines.path, where, hint))
    return problems


Explained = tuple[str, str, str | None]  # code, message, hint (None: the code's own fix)

_RANGE_KINDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_NUMBER_KINDS = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "decimal_parsing",
    "decimal_type",
    "float_parsing",
    "float_type",
}
_EXPECTED = {
    "string_type": "un texte",
    "model_type": "un bloc de champs",
    "model_attributes_type": "un bloc de champs",
    "dict_type": "un bloc de champs",
    "list_type": "une liste",
}
_DECIMALS = {2: "deux", 3: "trois", 4: "quatre"}


def _explain(error: ErrorDetails) -> Explained:
    kind = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "data.missing", "champ obligatoire manquant", None
    if kind == "extra_forbidden":
        return "data.unknown-field", "champ inconnu", None
    if kind == "literal_error":
        return (
            "data.choice",
            f"valeur « {value} » non admise",
            f"valeurs possibles : {ctx.get('expected')}",
        )
    if kind == "value_error":
        return _rule(ctx.get("error"), error["msg"])
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return "data.format", f"« {value} » n'a pas la forme attendue", _PATTERN_HINTS.get(pattern)
    if kind in ("too_short", "list_too_short", "string_too_short"):
        return "data.empty", "texte vide" if isinstance(value, str) else "la liste est vide", None
    if kind in ("too_long", "list_too_long"):
        return _too_long(ctx)
    if kind in _NUMBER_KINDS:
        return _not_a_number(kind, value)
    if kind == "decimal_max_places":
        places = int(ctx.get("decimal_places", 2))
        return (
            "data.decimals",
            f"« {value} » a trop de décimales",
            f"{_DECIMALS.get(places, places)} décimales au plus ici",
        )
    if kind.startswith("date"):
        hint = "écrivez la date sous la forme AAAA-MM-JJ"
        return "data.date", f"« {value} » n'est pas une date", hint
    if kind in _RANGE_KINDS:
        return _out_of_range(value, ctx)
    if kind == "finite_number":
        return (
            "data.out-of-range",
            f"« {value} » n'est pas un nombre fini",
            "écrivez un nombre, par exemple 1234567.89",
        )
    if kind == "int_parsing_size":
        return (
            "data.out-of-range",
            "nombre bien trop grand",
            "vérifiez la valeur : des chiffres en trop ?",
        )
    if kind in ("bool_parsing", "bool_type"):
        return "data.type", f"« {value} » n'est pas oui/non", "écrivez true ou false"
    expected = _EXPECTED.get(kind)
    if expected:
        return "data.type", f"type inattendu : {expected} est attendu", None
    return "data.type", f"valeur non admise (« {str(value)[:40]} »)", None


def _rule(cause: object, fallback: str) -> Explained:
    """A validator's refusal: the rule names its own code (RuleError)."""
    if isinstance(cause, RuleError):
        return cause.code, str(cause), None
    return "data.type", str(cause) if cause is not None else fallback, None


def _not_a_number(kind: str, value: object) -> Explained:
    if kind.startswith("int"):
        return "data.number", f"« {value} » n'est pas un nombre entier", None
    if kind.startswith("decimal"):
        return "data.number", f"« {value} » n'est pas un montant", None
    return "data.number", f"« {value} » n'est pas un nombre", None


def _too_long(ctx: dict[str, Any]) -> Explained:
    limit = str(ctx.get("max_length"))
    why = LENGTH_REASONS.get(limit)
    message = f"{ctx.get('actual_length')} éléments, au plus {limit}" + (f" ({why})" if why else "")
    return "data.out-of-range", message, "vérifiez la liste : des éléments répétés ?"


_BOUNDS = {"ge": "au moins", "le": "au plus", "gt": "plus de", "lt": "moins de"}


def _out_of_range(value: object, ctx: dict[str, Any]) -> Explained:
    """Which bound a value exceeds, and why the bound exists (see limits.py)."""
    key, bound = next(((k, ctx[k]) for k in _BOUNDS if k in ctx), ("le", "?"))
    why = REASONS.get(str(bound))
    message = f"« {value} » hors limites : {_BOUNDS[key]} {_number(bound)}"
    if why:
        message += f" ({why})"
    return (
        "data.out-of-range",
        message,
        "vérifiez la valeur (unité, zéros en trop, année) ; docs/donnees.md donne les limites",
    )


def _number(bound: object) -> str:
    if isinstance(bound, int | Decimal) and not isinstance(bound, bool) and bound >= 10_000:
        return f"{bound:,}".replace(",", "\u202f")
    return str(bound)


_PATTERN_HINTS = {
    r"^[0-9]{9}$": "un SIREN compte 9 chiffres",
    r"^[a-z0-9][a-z0-9-]*$": "minuscules, chiffres et tirets, par exemple « ars-occitanie »",
}
