"""Selecting variants, numbering titres and articles, resolving references, template errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assemble.compose.document import Document
from assemble.core.errors import CpomError
from assemble.lifecycle.stages import assemble
from assemble.project import Project
from assemble.text.french import NBSP

from conftest import SAMPLE, drop_lines, edit


def _compose(project: Project) -> Document:
    return assemble(project, SAMPLE)[1]


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


@pytest.fixture
def project(scratch_project: Callable[..., Project]) -> Project:
    return scratch_project()


def test_titres_are_roman_and_articles_continuous(project: Project) -> None:
    doc = _compose(project)
    labels = [t.label for t in doc.titres if t.kind == "titre"]
    assert labels == [f"Titre{NBSP}{n}" for n in ("I", "II", "III", "IV", "V")]
    numbers = [a.number for t in doc.titres if t.kind != "annexes" for a in t.articles if a.number]
    assert numbers == list(range(1, len(numbers) + 1))
    assert doc.article("objet").label == f"Article{NBSP}1"
    assert [a.label for a in doc.titres[-1].articles] == [f"Annexe{NBSP}{n}" for n in range(1, 7)]


def test_cross_reference_resolves_to_final_number(project: Project) -> None:
    doc = _compose(project)
    revision = doc.article("revision").number
    assert f"[article{NBSP}{revision}](#revision)" in doc.article("perimetre").body


def test_excluded_clause_renumbers_the_following_articles(project: Project) -> None:
    before = _compose(project)
    edit(_data(project), "modalite: evolution_encadree", "modalite: aucun")
    drop_lines(_data(project), "    quote_part_frais_de_siege:")
    after = _compose(project)
    assert "frais-de-siege" not in [a.clause_id for a in after.articles()]
    moved, was = after.article("investissement").number, before.article("investissement").number
    assert was is not None and moved == was - 1
    assert "frais de siège social" not in after.article("visas").body
    assert "annexe-frais-de-siege" not in [a.clause_id for a in after.articles()]


@pytest.mark.parametrize(
    ("modalite", "extra", "present", "absent"),
    [
        ("repartition_libre", "", "en fixe librement la répartition", "au plus égal à"),
        ("evolution_encadree", "", f"au plus égal à 1,5{NBSP}%", "classe 6"),
        (
            "evolution_encadree",
            "\n    taux_plancher: 0.8",
            f"au moins égal à 0,8{NBSP}%",
            "taux d'actualisation des dotations arrêté",
        ),
        (
            "plafond_charges",
            "\n    taux_plafond_charges: 2.5\n    taux_initial: 1.91",
            f"ne peut excéder 2,5{NBSP}% du total des charges de classe 6",
            "au plus égal à",
        ),
    ],
)
def test_frais_de_siege_variants(
    project: Project, modalite: str, extra: str, present: str, absent: str
) -> None:
    edit(_data(project), "modalite: evolution_encadree", f"modalite: {modalite}{extra}")
    article = _compose(project).article("frais-de-siege")
    assert article.variant == modalite
    assert present in article.body
    assert absent not in article.body


@pytest.mark.parametrize(("months", "words"), [(6, "six mois"), (3, "trois mois")])
def test_notice_period_of_denonciation(project: Project, months: int, words: str) -> None:
    edit(_data(project), "preavis_mois: 6", f"preavis_mois: {months}")
    doc = _compose(project)
    body = doc.article("denonciation").body
    assert f"préavis de {words}" in body
    assert "après une mise en demeure adressée par lettre recommandée" in body
    # Its effects are those of the end of the contract, by regime: never a return to a
    # « procédure contradictoire » that the EPRD regimes no longer know.
    end = doc.article("fin-du-contrat")
    assert f"[article{NBSP}{end.number}](#fin-du-contrat)" in body
    assert "contradictoire" not in body + end.body
    assert "demeurent soumis à l'état des prévisions de recettes et de dépenses" in end.body


def test_creton_and_return_to_balance_conditions(project: Project) -> None:
    edit(_data(project), "reprise_creton: true", "reprise_creton: false")
    edit(_data(project), "plan_retour_equilibre: false", "plan_retour_equilibre: true")
    body = _compose(project).article("affectation-resultats").body
    assert "restent acquises à l'organisme gestionnaire" in body
    assert "sont reprises par l'autorité de tarification" not in body
    assert "Un déficit structurel ayant été constaté" in body


def test_unknown_reference_names_clause_file_and_line(project: Project) -> None:
    path = project.clauses / "06-titre-V-duree" / "40-denonciation.md"
    edit(
        path,
        "Elle prend effet à l'expiration",
        "Voir l'{{ ref(\"article-inexistant\") }}. Elle prend effet à l'expiration",
    )
    with pytest.raises(CpomError) as caught:
        _compose(project)
    [problem] = caught.value.problems
    lines = path.read_text(encoding="utf-8").split("\n")
    assert problem.path == path
    assert problem.line is not None and "article-inexistant" in lines[problem.line - 1]
    assert problem.code == "xref.unknown"


def test_undefined_variable_names_clause_file_and_line(project: Project) -> None:
    path = project.clauses / "06-titre-V-duree" / "10-duree.md"
    edit(path, "{{ contrat.duree_annees | annees }}", "{{ contrat.duree_en_annees | annees }}")
    with pytest.raises(CpomError) as caught:
        _compose(project)
    [problem] = caught.value.problems
    assert problem.path == path and problem.code == "template.undefined"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert problem.line is not None and "duree_en_annees" in lines[problem.line - 1]
    assert "duree_en_annees" in problem.message


def test_missing_variant_for_a_value(project: Project) -> None:
    path = project.clauses / "04-titre-III-moyens" / "40-investissement.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("::: variante ppi")
    path.write_text(text[:start] + text[text.index(":::\n", start + 5) + 4 :], encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        _compose(project)
    [problem] = caught.value.problems
    lines = path.read_text(encoding="utf-8").split("\n")
    assert problem.path == path and problem.line is not None
    assert lines[problem.line - 1].startswith("selon:")
    assert "aucune variante « ppi »" in problem.message
