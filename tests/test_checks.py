"""Static checks of the library: unknown names, unknown references, unreachable variants."""

from __future__ import annotations

from collections.abc import Callable

from assemble.compose.checks import check_library
from assemble.library.clauses import Library, load_library
from assemble.project import Project

from conftest import edit


def test_library_has_no_static_problem(library: Library) -> None:
    assert check_library(library) == []


def test_unknown_name_and_reference_are_located(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    path = project.clauses / "06-titre-V-duree" / "50-litiges.md"
    edit(path, "À défaut d'accord", "Voir l'{{ ref(\"mediation\") }}. À défaut d'accord")
    edit(path, "deux mois", "{{ delai_litige }}")
    problems = check_library(load_library(project.clauses))
    assert {(p.code, p.path, p.line) for p in problems} == {
        ("xref.unknown", path, 8),
        ("template.unknown-name", path, 8),
    }


def test_variant_that_no_value_selects(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    path = project.clauses / "04-titre-III-moyens" / "40-investissement.md"
    edit(path, "::: variante ppi", "::: variante plan")
    messages = {p.code: p.message for p in check_library(load_library(project.clauses))}
    assert (
        "la variante « plan » ne peut jamais être choisie" in messages["clause.variant-unreachable"]
    )
    assert "aucune variante pour la valeur « ppi »" in messages["clause.variant-missing"]
