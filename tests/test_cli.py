"""The command line: exit codes, `path:line: message` on stderr, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assemble.cli import main
from assemble.contract.files import SCHEMA_FILE
from assemble.contract.schema import schema_text
from assemble.project import Project

from conftest import ROOT, SAMPLE, edit


def _run(project: Project, *args: str) -> int:
    return main(["--racine", str(project.root), *args])


@pytest.fixture
def project(scratch_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch) -> Project:
    made = scratch_project()
    monkeypatch.chdir(made.root)
    return made


def test_build_writes_the_three_files(project: Project) -> None:
    assert _run(project, "build", SAMPLE) == 0
    assert sorted(p.name for p in (project.build / SAMPLE).iterdir()) == [
        f"{SAMPLE}.docx",
        f"{SAMPLE}.md",
        f"{SAMPLE}.pdf",
    ]


def test_bad_data_exits_1_located_and_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.contracts / SAMPLE / "contract.yaml"
    edit(path, '"340780154"', '"340780155"')
    line = path.read_text(encoding="utf-8").split("\n").index('  - finess: "340780155"') + 1
    assert _run(project, "build", SAMPLE) == 1
    err = capsys.readouterr().err
    assert f"contracts/{SAMPLE}/contract.yaml:{line}: etablissements[1].finess:" in err
    assert "rien n'a été écrit" in err
    assert not project.build.exists()


def test_undefined_template_variable_exits_1_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project.clauses / "06-titre-V-duree" / "10-duree.md", "calcul.date_fin", "calcul.fin")
    assert _run(project, "build", SAMPLE) == 1
    err = capsys.readouterr().err
    assert "clauses/06-titre-V-duree/10-duree.md:15: variable de gabarit inconnue" in err
    assert not project.build.exists()


def test_failed_rebuild_keeps_the_previous_files(project: Project) -> None:
    assert _run(project, "build", SAMPLE) == 0
    before = (project.build / SAMPLE / f"{SAMPLE}.pdf").read_bytes()
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 60")
    assert _run(project, "build", SAMPLE) == 1
    assert (project.build / SAMPLE / f"{SAMPLE}.pdf").read_bytes() == before
    assert not [p for p in (project.build / SAMPLE).iterdir() if p.name.startswith(".")]


def test_unknown_contract_is_a_usage_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(project, "build", "inexistant") == 2
    assert "contrat « inexistant » introuvable" in capsys.readouterr().err


def test_check_collects_problems_of_library_and_contracts(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.contracts / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
    assert _run(project, "check") == 0
    edit(project.contracts / SAMPLE / "contract.yaml", "modalite: ppi", "modalite: plan")
    edit(project.contracts / SAMPLE / "contract.yaml", "  duree_annees: 5\n", "  duree_annees: 7\n")
    assert _run(project, "check") == 1
    assert capsys.readouterr().err.count("contract.yaml:") == 2


def test_committed_schema_is_current_and_referenced_by_samples() -> None:
    assert (ROOT / "contracts" / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    for contract_id in Project(ROOT).contract_ids():
        first = (ROOT / "contracts" / contract_id / "contract.yaml").read_text().split("\n")[0]
        assert first == "# yaml-language-server: $schema=../schema.json"
