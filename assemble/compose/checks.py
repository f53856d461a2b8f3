"""Static checks of the library, before any contract is rendered (`make check`)."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import meta, nodes
from pydantic import BaseModel

from ..contract.model import ContractData
from ..core.errors import CpomError, Problem
from ..core.memo import Memo
from ..library.clauses import Clause, Library
from .templating import ClauseRenderer, Source

# Names a clause may use besides the data's top-level keys (see compose.base_context).
CONTEXT_NAMES = frozenset(
    {"calcul", "libelles", "ref", "article", "bibliotheque", "liste_annexes"}
) | frozenset(ContractData.model_fields)


def check_library(
    library: Library,
    renderer: ClauseRenderer | None = None,
    extra_names: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Every problem that can be found without contract data."""
    renderer = renderer or ClauseRenderer()
    known = {c.id for c in library.clauses}
    problems: list[Problem] = []
    for clause in library.clauses:
        try:
            facts = _facts(clause, renderer)
        except CpomError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(_unknown_names(clause, facts, extra_names))
        problems.extend(_unknown_references(clause, facts, known))
        problems.extend(_unselectable_variants(clause))
    return problems


@dataclass(frozen=True)
class _Facts:
    """What the checks read in a clause's text, its lines counted from the text's first."""

    # The names the text reads without setting them, with the line of their first reading.
    undeclared: tuple[tuple[str, int], ...]
    # The constant first argument of each ref(…) call, with its line.
    references: tuple[tuple[object, int], ...]


# Facts of the clause texts checked in this process (core/memo.py), by text and by what
# shapes Jinja's parsing: `make check`, the checks before a build, and each test, check the
# same texts again; a text edited is parsed anew.
_FACTS: Memo[tuple[str, str], _Facts] = Memo(1024)


def _facts(clause: Clause, renderer: ClauseRenderer) -> _Facts:
    key = (renderer.shaping, clause.body)
    kept = _FACTS.get(key)
    if kept is None:
        tree = renderer.parse(clause.id, Source(clause.body, clause.path, clause.body_line))
        kept = _FACTS.put(key, _facts_of(tree))
    return kept


def _facts_of(tree: nodes.Template) -> _Facts:
    first: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load":
            first.setdefault(node.name, node.lineno)
    names = sorted(meta.find_undeclared_variables(tree))
    references = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "ref" and call.args:
            target = call.args[0]
            if isinstance(target, nodes.Const):
                references.append((target.value, call.lineno))
    return _Facts(tuple((n, first.get(n, 1)) for n in names), tuple(references))


def check_stipulations(library: Library) -> list[Problem]:
    """A contract's own stipulations, checked as the library's clauses are (check_library)."""
    own = {c.path for c in library.clauses if c.contract is not None}
    return [p for p in check_library(library) if p.path in own] if own else []


def _unknown_names(clause: Clause, facts: _Facts, extra_names: frozenset[str]) -> Iterable[Problem]:
    allowed = CONTEXT_NAMES | extra_names | ({"element"} if clause.repeter else set())
    for name, line in facts.undeclared:
        if name in allowed:
            continue
        yield Problem(
            "template.unknown-name",
            f"« {name} » n'est ni une donnée du contrat ni une aide des clauses",
            clause.path,
            clause.body_line + line - 1,
            f"noms disponibles : {', '.join(sorted(allowed))}",
        )


def _unknown_references(clause: Clause, facts: _Facts, known: set[str]) -> Iterable[Problem]:
    for target, line in facts.references:
        if target not in known:
            yield Problem(
                "xref.unknown",
                f"renvoi à « {target} », clause inconnue",
                clause.path,
                clause.body_line + line - 1,
                "ref() prend l'identifiant (champ id) d'une clause de la bibliothèque",
            )


def _unselectable_variants(clause: Clause) -> Iterable[Problem]:
    """A variant named after no possible value of its `selon` field is dead text."""
    if clause.selon is None:
        return
    values = _literal_values(clause.selon.strip())
    if values is None:
        return
    line = clause.header_lines.line_of(("selon",))
    for name in clause.variants:
        if name not in values:
            yield Problem(
                "clause.variant-unreachable",
                f"la variante « {name} » ne peut jamais être choisie par « {clause.selon} »",
                clause.path,
                line,
                f"valeurs possibles : {', '.join(values)}",
            )
    if clause.condition is None:
        for value in values:
            if value not in clause.variants:
                yield Problem(
                    "clause.variant-missing",
                    f"aucune variante pour la valeur « {value} » de « {clause.selon} »",
                    clause.path,
                    line,
                    "ajoutez la variante, ou une condition qui écarte cette valeur",
                )


def _literal_values(path: str) -> tuple[str, ...] | None:
    """The allowed values of a dotted path of the data model, when it is a Literal field."""
    model: type[BaseModel] = ContractData
    parts = path.split(".")
    for index, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        if index == len(parts) - 1:
            args = typing.get_args(annotation)
            if typing.get_origin(annotation) is typing.Literal:
                return tuple(str(a) for a in args)
            return None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return None
