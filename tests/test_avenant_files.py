"""Avenant files as a drafter writes them: the acts their visas cite, located errors, what
`make check` says of them, and the date errors as the command line prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assemble.cli import main
from assemble.contract.facts import derive
from assemble.contract.load import load_contract
from assemble.core.errors import CpomError
from assemble.lifecycle.avenant import prepare_avenant
from assemble.pipeline import build_avenant
from assemble.project import Project
from assemble.text.french import NBSP, NNBSP

from conftest import LOZERE, SAMPLE, edit, signed_copy, tree_state

SAMSAH = (
    '  - finess: "340780253"\n    nom: Les Passerelles\n    categorie: SAMSAH\n'
    '    departement: "34"\n    commune: Sète\n    capacites:\n'
    "      - {type: places, places: 20}\n    financements:\n"
    "      - {financeur: ars-occitanie, dotation: 236400.00}\n"
    "      - {financeur: cd-herault, dotation: 118200.00}\n"
)
EXPLAINED = (
    'objectifs: {"340780253": [bientraitance]}\n'
    "frais_de_siege_inchanges: la quote-part sera fixée après l'ouverture.\n"
)
DELIBERATIONS = (
    "deliberations:\n"
    "  - organe: conseil d'administration\n"
    "    date: 2027-06-17\n"
    "  - partie: cd-herault\n"
    "    organe: commission permanente\n"
    "    date: 2027-07-09\n"
    "    objet: autorisant son président à signer le présent avenant\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    made = signed_copy(tmp_path)
    monkeypatch.chdir(made.root)  # problems name their files from the repository
    return made


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def _avenant_file(project: Project, number: int = 1, extra: str = "") -> Path:
    path = project.contracts / SAMPLE / "avenants" / f"avenant-{number}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "motif: l'intégration du SAMSAH.\ndate_effet: 2027-09-01\n" + extra, encoding="utf-8"
    )
    return path


def _plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def _line(path: Path, start: str) -> int:
    """The 1-based line of the first line of a file that starts with `start`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def _add_samsah(project: Project, autorisation: str = "") -> None:
    edit(_data(project), "\noptions:", "\n" + SAMSAH + autorisation + "\noptions:")


def _run(project: Project, *args: str) -> int:
    return main(["--racine", str(project.root), *args])


# --- the wording of the acts ------------------------------------------------------------------


def test_arretes_and_deliberations_of_contract_yaml_are_worded_from_the_parties(
    project: Project,
) -> None:
    edit(
        _data(project),
        "      - {type: places, places: 30}\n",
        "      - {type: places, places: 30}\n"
        "    autorisation: {date: 2017-01-03, autorites: [ars-occitanie], objet: portant "
        "renouvellement de son autorisation}\n",
    )
    (project.contracts / SAMPLE / "contract.yaml").write_text(
        _data(project).read_text(encoding="utf-8")
        + "\ndeliberations:\n  - organe: assemblée générale\n    date: 2026-06-20\n"
        "    objet: approuvant le projet associatif 2027-2031\n",
        encoding="utf-8",
    )
    facts = derive(load_contract(project.contracts / SAMPLE).data)
    assert tuple(map(_plain, facts.autorisations)) == (
        "l'arrêté du 3 janvier 2017 de la directrice générale de l'Agence régionale de santé "
        "Occitanie portant renouvellement de son autorisation",
    )
    assert tuple(map(_plain, facts.deliberations)) == (
        "la délibération de l'assemblée générale de l'Association Horizons en date du 20 juin "
        "2026 approuvant le projet associatif 2027-2031",
    )


def test_an_unknown_authority_of_an_arrete_is_located(project: Project) -> None:
    _add_samsah(project, "    autorisation: {date: 2027-05-12, autorites: [ars-bretagne]}\n")
    with pytest.raises(CpomError) as caught:
        load_contract(project.contracts / SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "data.unknown-reference"
    assert (problem.path, problem.line) == (_data(project), _line(_data(project), "    autoris"))


def test_an_organ_the_tool_does_not_know_needs_its_article(project: Project) -> None:
    _add_samsah(project, "    autorisation: {date: 2027-05-12, autorites: [ars-occitanie]}\n")
    path = _avenant_file(
        project, extra=EXPLAINED + "deliberations:\n  - {organe: comité, date: 2027-06-01}\n"
    )
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == ("data.requires", path)
    assert problem.line == _line(path, "  - {organe")
    assert "article" in problem.message


# --- the avenant's visas, read back -----------------------------------------------------------


def test_the_avenant_visas_the_new_service_s_arrete_and_its_deliberations(
    project: Project,
) -> None:
    _add_samsah(
        project, "    autorisation: {date: 2027-05-12, autorites: [ars-occitanie, cd-herault]}\n"
    )
    _avenant_file(project, extra=EXPLAINED + DELIBERATIONS)
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    markdown = (project.build / SAMPLE / "avenant-1" / f"{SAMPLE}-avenant-1.md").read_text(
        encoding="utf-8"
    )
    visas = [_plain(line) for line in markdown.split("\n") if line.startswith("Vu ")]
    assert visas[2:5] == [
        "Vu l'arrêté conjoint du 12 mai 2027 de la directrice générale de l'Agence régionale de "
        "santé Occitanie et du président du conseil départemental de l'Hérault autorisant la "
        "création du service d'accompagnement médico-social pour adultes handicapés « Les "
        "Passerelles » à Sète ;",
        "Vu la délibération du conseil d'administration de l'Association Horizons en date du 17 "
        "juin 2027 ;",
        "Vu la délibération de la commission permanente du conseil départemental de l'Hérault en "
        "date du 9 juillet 2027 autorisant son président à signer le présent avenant ;",
    ]
    assert visas[-1].startswith("Vu l'examen du projet d'avenant")


# --- located errors of the avenant's consequences ---------------------------------------------


def test_an_added_establishment_without_its_arrete_is_an_error_at_its_data_line(
    project: Project,
) -> None:
    lozere = LOZERE.replace(
        "    autorisation: {date: 2027-03-02, autorites: [ars-occitanie]}\n", ""
    )
    edit(_data(project), "\noptions:", "\n" + lozere)
    _avenant_file(
        project, extra='objectifs: {"480780105": [bientraitance]}\nfrais_de_siege_inchanges: x\n'
    )
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.autorisation"
    assert (problem.path, problem.line) == (
        _data(project),
        _line(_data(project), '  - finess: "480780105"'),
    )
    assert "autorisation: {date: AAAA-MM-JJ" in (problem.hint or "")


def test_missing_objectives_and_frais_de_siege_are_located(project: Project) -> None:
    _add_samsah(project, "    autorisation: {date: 2027-05-12, autorites: [ars-occitanie]}\n")
    path = _avenant_file(project)
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    found = {p.code: p for p in caught.value.problems}
    assert set(found) == {"avenant.objectifs", "avenant.frais-de-siege"}
    objectives, fees = found["avenant.objectifs"], found["avenant.frais-de-siege"]
    # Nothing in the avenant file to point at: the line of the establishment it adds.
    assert (objectives.path, objectives.line) == (
        _data(project),
        _line(_data(project), '  - finess: "340780253"'),
    )
    assert (fees.path, fees.line) == (
        _data(project),
        _line(_data(project), "    montant_annuel:"),
    )
    assert f"contracts/{SAMPLE}/avenants/avenant-1.yaml" in (fees.hint or "")
    # Once the avenant file lists objectives (for another service), it is the line to correct.
    _avenant_file(project, extra='objectifs: {"340780121": [bientraitance]}\n')
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    found = {p.code: p for p in caught.value.problems}
    assert (found["avenant.objectifs"].path, found["avenant.objectifs"].line) == (path, 3)


def test_acts_after_the_avenant_s_signature_are_refused(project: Project) -> None:
    _add_samsah(project, "    autorisation: {date: 2027-09-20, autorites: [ars-occitanie]}\n")
    path = _avenant_file(
        project,
        extra="date_signature: 2027-09-15\nretroactif: true\nmotif_retroactivite: l'ouverture\n"
        + EXPLAINED
        + DELIBERATIONS.replace("2027-07-09", "2027-09-16").replace("cd-herault", "cd-inconnu"),
    )
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    located = sorted((p.code, p.path.name if p.path else "", p.line) for p in caught.value)
    assert located == [
        ("data.act-after-signature", "avenant-1.yaml", _line(path, "    date: 2027-09-16")),
        ("data.act-after-signature", "contract.yaml", _line(_data(project), "    autoris")),
        ("data.unknown-reference", "avenant-1.yaml", _line(path, "  - partie: cd-inconnu")),
    ]


# --- make check reads the avenant files -------------------------------------------------------


def test_check_reports_avenant_files_out_of_sequence_and_their_dates(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _avenant_file(project, 1, "date_signature: 2027-10-01\n")
    _avenant_file(project, 3)
    before = tree_state(project.root, "contracts", "archive")
    assert _run(project, "check") == 1
    err = _plain(capsys.readouterr().err)
    assert (
        f"contracts/{SAMPLE}/avenants/avenant-3.yaml: avenant n° 3 hors séquence : le prochain "
        "avenant à signer est le n° 1 (il manquerait les n° 1 à 2) [avenant.sequence]"
    ) in err
    assert (
        f"contracts/{SAMPLE}/avenants/avenant-1.yaml:2: la date d'effet (1er septembre 2027) "
        "précède la date de signature (1er octobre 2027)"
    ) in err
    assert "→ corrigez date_effet, ou déclarez « retroactif: true »" in err
    assert tree_state(project.root, "contracts", "archive") == before
    assert not project.build.exists()


def test_check_reports_a_bad_field_of_the_avenant_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = signed_copy(tmp_path / "signe")
    monkeypatch.chdir(project.root)
    _avenant_file(project, 1, "date_efet: 2027-09-01\n")
    assert _run(project, "check", SAMPLE) == 1
    err = _plain(capsys.readouterr().err)
    assert f"contracts/{SAMPLE}/avenants/avenant-1.yaml:3:" in err and "[data.unknown-field]" in err
    assert "rien n'a été écrit" in err


# --- the date errors, as the command line prints them -----------------------------------------


def _capacity(project: Project) -> None:
    edit(
        _data(project),
        "      - {type: hebergement_permanent, places: 40}",
        "      - {type: hebergement_permanent, places: 44}",
    )


def test_cli_avenant_out_of_sequence_exits_1_and_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _capacity(project)
    _avenant_file(project, 1)
    _avenant_file(project, 2)
    before = tree_state(project.root, "contracts", "archive", "history")
    assert _run(project, "avenant", SAMPLE) == 1
    err = _plain(capsys.readouterr().err)
    assert (
        f"contracts/{SAMPLE}/avenants/avenant-2.yaml: avenant n° 2 hors séquence : le prochain "
        "avenant à signer est le n° 1 [avenant.sequence]"
    ) in err
    assert "→ renommez ce fichier avenant-1.yaml" in err
    assert "rien n'a été écrit" in err
    assert tree_state(project.root, "contracts", "archive", "history") == before
    assert not project.build.exists()


def test_cli_retroactive_avenant_exits_1_located_and_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _capacity(project)
    _avenant_file(project, 1, "date_signature: 2027-09-15\nretroactif: true\n")
    before = tree_state(project.root, "contracts", "archive", "history")
    assert _run(project, "avenant", SAMPLE) == 1
    err = _plain(capsys.readouterr().err)
    assert (
        f"contracts/{SAMPLE}/avenants/avenant-1.yaml:4: avenant rétroactif (effet au 1er "
        "septembre 2027, signature le 15 septembre 2027) sans motif [avenant.retroactive]"
    ) in err
    assert "→ ajoutez « motif_retroactivite: »" in err
    assert tree_state(project.root, "contracts", "archive", "history") == before
    assert not project.build.exists()


def test_cli_archive_date_mismatch_exits_1_located_and_archives_nothing(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _capacity(project)
    _avenant_file(project, 1, "date_signature: 2027-08-20\n")
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed = tmp_path / "avenant-signe.pdf"
    signed.write_bytes(draft.rendered.pdf)
    before = tree_state(project.root, "archive", "contracts")
    code = _run(project, "archive", SAMPLE, "--signe", str(signed), "--date", "2027-08-19")
    assert code == 1
    err = _plain(capsys.readouterr().err)
    assert f"contracts/{SAMPLE}/avenants/avenant-1.yaml:3: " in err
    assert "[archive.date-mismatch]" in err
    assert "DATE=2027-08-20" in err
    assert tree_state(project.root, "archive", "contracts") == before
    assert project.archived_versions(SAMPLE) == ["v1"]
