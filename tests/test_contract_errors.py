"""Bad contract data stops with `contract.yaml:LINE: field: what is wrong`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assemble.contract.load import load_contract
from assemble.core.errors import CpomError
from assemble.project import Project

from conftest import SAMPLE, edit


def _problems(project: Project) -> list[tuple[int | None, str]]:
    with pytest.raises(CpomError) as caught:
        load_contract(project.contracts / SAMPLE)
    return [(p.line, p.message) for p in caught.value.problems]


def _line_of(project: Project, text: str) -> int:
    lines = (project.contracts / SAMPLE / "contract.yaml").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_sample_contract_is_valid(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    assert load_contract(project.contracts / SAMPLE).data.organisme.raison_sociale


def test_wrong_finess_key(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(project.contracts / SAMPLE / "contract.yaml", '"340780154"', '"340780155"')
    [(line, message)] = _problems(project)
    assert line == _line_of(project, '"340780155"')
    assert message.startswith("etablissements[1].finess:") and "clé de contrôle" in message


def test_missing_field_points_at_its_parent(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(project.contracts / SAMPLE / "contract.yaml", "  lieu_signature: Montpellier\n", "")
    [(line, message)] = _problems(project)
    assert line == _line_of(project, "contrat:")
    assert message == "contrat.lieu_signature: champ obligatoire manquant"


def test_unknown_option_value(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(project.contracts / SAMPLE / "contract.yaml", "modalite: ppi", "modalite: plan")
    [(line, message)] = _problems(project)
    assert line == _line_of(project, "modalite: plan")
    assert "« plan » non admise" in message


def test_funder_must_be_a_declared_authority(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(
        project.contracts / SAMPLE / "contract.yaml",
        "{financeur: cd-herault,",
        "{financeur: cd-gard,",
    )
    [(line, message)] = _problems(project)
    assert line == _line_of(project, "cd-gard")
    assert "« cd-gard » n'est pas une autorité du contrat" in message


def test_departement_must_match_finess(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    path = project.contracts / SAMPLE / "contract.yaml"
    edit(
        path, '    departement: "30"\n    commune: Alès', '    departement: "34"\n    commune: Alès'
    )
    [(line, message)] = _problems(project)
    assert line == _line_of(project, "commune: Alès") - 1
    assert "ne correspond pas au FINESS 300780368" in message


def test_yaml_syntax_error(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(
        project.contracts / SAMPLE / "contract.yaml", "  duree_annees: 5\n", "  duree_annees: [5\n"
    )
    [(line, message)] = _problems(project)
    assert line is not None and line >= _line_of(project, "duree_annees")
    assert "YAML invalide" in message


def test_duplicate_key(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(
        project.contracts / SAMPLE / "contract.yaml",
        "  duree_annees: 5\n",
        "  duree_annees: 5\n  duree_annees: 4\n",
    )
    [(line, message)] = _problems(project)
    assert line == _line_of(project, "duree_annees: 4")
    assert "deux fois" in message


def test_every_problem_is_reported_at_once(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    path = project.contracts / SAMPLE / "contract.yaml"
    edit(path, "modalite: ppi", "modalite: plan")
    edit(path, "  duree_annees: 5\n", "  duree_annees: 9\n")
    assert len(_problems(project)) == 2


def test_only_a_service_at_home_may_have_no_places(scratch_project: Callable[..., Project]) -> None:
    # A SAD or a SAAD may be authorised without places (it gives its zone d'intervention); an
    # IME without a capacity is a forgotten field, reported at the establishment.
    project = scratch_project()
    edit(
        project.contracts / SAMPLE / "contract.yaml",
        "    capacites:\n      - {type: internat, places: 24}\n      - {type: semi_internat, "
        "places: 36}\n",
        "",
    )
    [(line, message)] = _problems(project)
    assert line == _line_of(project, '"340780121"')
    assert message.startswith("etablissements[0]") and "seul un service à domicile" in message
