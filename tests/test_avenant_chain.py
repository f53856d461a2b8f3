"""Avenants in a chain, read back as a drafter checks them: figures per exercice.

For each scenario: the avenant's Word file states, per funder and envelope, the amounts
before and after for each exercice from the year of effect; the consolidated contract's
financial annex keeps the signed exercices as signed and prorates the year of effect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from assemble.archive.store import archive_version
from assemble.core.errors import CpomError
from assemble.lifecycle.stages import assemble, compose_version
from assemble.pipeline import build_avenant
from assemble.project import Project
from assemble.text.french import montant

from conftest import LOZERE, SAMPLE, edit, signed_copy
from conftest import annex_rows as _annex_rows
from conftest import docx_text as _docx_text
from conftest import plain as _plain

# What the signed contract (archive v1) gives each year, by establishment and funder.
SIGNED_TOTALS = {
    2027: "11 329 430,00 €",
    2028: "11 465 383,16 €",
    2029: "11 602 967,76 €",
    2030: "11 742 203,37 €",
    2031: "11 883 109,81 €",
}


# A new service: its objectives, and why the frais de siège stay as they are.
EXPLAINED = (
    'objectifs: {"340780253": [projets-personnalises, bientraitance]}\n'
    "frais_de_siege_inchanges: la quote-part du service sera fixée après son ouverture.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return signed_copy(tmp_path)


def _avenant(project: Project, number: int, effect: str, extra: str = "") -> None:
    path = project.contracts / SAMPLE / "avenants" / f"avenant-{number}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"motif: l'évolution du contrat.\ndate_effet: {effect}\n" + extra, encoding="utf-8"
    )


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def _money(value: str) -> str:
    return _plain(montant(Decimal(value)))


def _built(project: Project, number: int = 1) -> str:
    draft = build_avenant(project, SAMPLE)
    assert draft is not None and draft.number == number
    folder = project.build / SAMPLE / f"avenant-{number}"
    return _docx_text(folder / f"{SAMPLE}-avenant-{number}.docx")


def test_allocation_change_alone_prorates_the_year_of_effect(project: Project) -> None:
    edit(_data(project), "dotation: 1046720.00", "dotation: 1100000.00")
    _avenant(project, 1, "2028-04-01")
    text = _built(project)
    # 2027 is signed: named, never restated; 2028 shares 3 months before and 9 after.
    assert "Les montants de l'exercice 2027, antérieurs à l'exercice 2028" in text
    assert (
        "FAM « Le Mas des Oliviers » : dotation en année pleine portée de 1 059 280,64 € "
        "(un million cinquante-neuf mille deux cent quatre-vingts euros et soixante-quatre "
        "centimes) à 1 100 000,00 € (un million cent mille euros) à compter du 1er avril 2028 ; "
        "pour l'exercice 2028, 1 059 280,64 € au prorata de trois mois sur douze et "
        "1 100 000,00 € au prorata de neuf mois sur douze, soit 1 089 820,16 €"
    ) in text
    assert "exercice 2027 :" not in text
    assert "exercice 2029 : 8 747 193,42 € (huit millions" in text  # before, in words
    rows = _annex_rows(project)
    fam = rows["Part de l'Agence régionale de santé Occitanie / FAM « Le Mas des Oliviers »"]
    assert fam == [
        _money("1046720.00"),  # 2027 as signed
        _money("1089820.16"),  # 2028: 1 059 280,64 × 3/12 + 1 100 000 × 9/12
        _money("1113200.00"),  # 2029: 1 100 000 (full year of 2028) × 1,012
        _money("1126558.40"),
        _money("1140077.10"),
    ]
    total = rows["Ensemble des financeurs / Total"]
    assert total[0] == SIGNED_TOTALS[2027]


def test_perimeter_change_opening_later_and_closure(project: Project) -> None:
    edit(_data(project), "\noptions:", "\n" + LOZERE)
    data = _data(project).read_text(encoding="utf-8")
    start = data.index('  - finess: "300780368"')
    end = data.index('\n  - finess: "480780105"')
    _data(project).write_text(data[:start] + data[end + 1 :], encoding="utf-8")
    edit(_data(project), "montant_annuel: 271800.00", "montant_annuel: 259800.00")
    _avenant(
        project,
        1,
        "2028-01-01",
        'ouvertures: {"480780105": 2028-09-01}\nfermetures: {"300780368": 2028-06-30}\n'
        'objectifs: {"480780105": [accueil-temporaire]}\n',
    )
    text = _built(project)
    assert "de 0,00 €" not in text
    assert (
        "FAM « Le Villaret » : nouvelle dotation de 612 000,00 € (six cent douze mille euros) "
        "en année pleine, à compter du 1er septembre 2028 ; pour l'exercice 2028, 612 000,00 € "
        "au prorata de quatre mois sur douze, soit 204 000,00 € (deux cent quatre mille euros)"
    ) in text
    assert (
        "SESSAD « Cévennes » : dotation de 504 947,52 € en année pleine supprimée à compter du "
        "1er juillet 2028 ; pour l'exercice 2028, 504 947,52 € au prorata de six mois sur "
        "douze, soit 252 473,76 €"
    ) in text
    assert "néant" in text and "supprimée" in text  # the avenant's annex, never « 0,00 € »
    rows = _annex_rows(project)
    ars = "Part de l'Agence régionale de santé Occitanie"
    assert rows[f"{ars} / FAM « Le Villaret »"][:3] == [
        _money("0"),
        _money("204000.00"),
        _money("619344.00"),  # 612 000 for 2028 in full year, then updated
    ]
    # The closed service keeps its signed funding up to its closure.
    assert rows[f"{ars} / SESSAD « Cévennes »"][:3] == [
        _money("498960.00"),
        _money("252473.76"),
        _money("0"),
    ]
    assert rows["Ensemble des financeurs / Total"][0] == SIGNED_TOTALS[2027]
    perimeter = assemble(project, SAMPLE)[1].article("annexe-etablissements").body
    assert "300780368" not in perimeter and "480780105" in perimeter


def test_opening_must_not_precede_the_date_of_effect(project: Project) -> None:
    edit(_data(project), "\noptions:", "\n" + LOZERE)
    _avenant(
        project,
        1,
        "2028-01-01",
        'ouvertures: {"480780105": 2027-09-01}\nobjectifs_sans_objet: accueil de transition.\n',
    )
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.effet-date" and problem.line == 3
    _avenant(project, 1, "2028-01-15")
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    assert caught.value.problems[0].code == "avenant.effet-date"  # prorata by months


def test_article_change_alone_keeps_every_figure(project: Project) -> None:
    before = _annex_rows(project)
    edit(_data(project), "preavis_mois: 6", "preavis_mois: 3")
    _avenant(project, 1, "2027-09-01")
    text = _built(project)
    assert "Modification des moyens financiers" not in text
    assert "L'article 20 du contrat est remplacé" in text
    assert _annex_rows(project) == before


def test_identity_change_with_a_hand_written_article(project: Project) -> None:
    edit(_data(project), "raison_sociale: Association Horizons", "raison_sociale: Horizons")
    _avenant(
        project,
        1,
        "2027-09-01",
        "articles:\n  - intitule: Changement de dénomination\n"
        "    texte: L'Association Horizons prend le nom de Horizons.\n",
    )
    text = _built(project)
    assert "Changement de dénomination" in text
    assert "Modification des moyens financiers" not in text
    assert _annex_rows(project)["Ensemble des financeurs / Total"] == list(SIGNED_TOTALS.values())


def test_renewal_is_a_new_contract_not_an_avenant(project: Project) -> None:
    _avenant(project, 1, "2032-01-01")
    edit(_data(project), "preavis_mois: 6", "preavis_mois: 3")
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.effet-date"
    assert "nouveau contrat" in (problem.hint or "")


def test_two_avenants_in_a_row(project: Project, tmp_path: Path) -> None:
    # Avenant n° 1: the SAMSAH opens on 1 September 2027 (as in the sample).
    samsah = (
        '  - finess: "340780253"\n    nom: Les Passerelles\n    categorie: SAMSAH\n'
        '    departement: "34"\n    commune: Sète\n    capacites:\n'
        "      - {type: places, places: 20}\n    financements:\n"
        "      - {financeur: ars-occitanie, dotation: 236400.00}\n"
        "      - {financeur: cd-herault, dotation: 118200.00}\n"
        "    autorisation: {date: 2027-05-12, autorites: [ars-occitanie, cd-herault]}\n\noptions:"
    )
    edit(_data(project), "\noptions:", "\n" + samsah)
    _avenant(project, 1, "2027-09-01", EXPLAINED)
    first = _built(project, 1)
    assert (
        "Vu l'arrêté conjoint du 12 mai 2027 de la directrice générale de l'Agence régionale de "
        "santé Occitanie et du président du conseil départemental de l'Hérault autorisant la "
        "création du service d'accompagnement médico-social pour adultes handicapés "
        "« Les Passerelles » à Sète ;"
    ) in first
    assert "soit 78 800,00 € (soixante-dix-huit mille huit cents euros)" in first
    assert "soit 39 400,00 € (trente-neuf mille quatre cents euros)" in first
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed = tmp_path / "avenant-1-signe.pdf"
    signed.write_bytes(draft.rendered.pdf)
    archive_version(project, SAMPLE, signed, dt.date(2027, 8, 20))
    after_first = _annex_rows(project)
    samsah_ars = "Part de l'Agence régionale de santé Occitanie / SAMSAH « Les Passerelles »"
    assert after_first[samsah_ars][:2] == [_money("78800.00"), _money("239236.80")]

    # The consolidated v2 rebuilds from its lock with the same figures.
    v2 = compose_version(project, SAMPLE, "v2")[1]
    assert "78 800,00 €" in _plain(v2.article("annexe-financiere").body)

    # Avenant n° 2 from 1 January 2029: the SAMSAH's ARS dotation is raised.
    edit(_data(project), "dotation: 236400.00", "dotation: 250000.00")
    _avenant(project, 2, "2029-01-01")
    second = _built(project, 2)
    assert "Vu l'avenant n° 1 au contrat, signé le 20 août 2027 ;" in second
    assert "Les montants des exercices 2027 et 2028, antérieurs à l'exercice 2029" in second
    # "Before" is what avenant n° 1 set for 2029 (242 107,64 €), not the contract's data.
    assert (
        "SAMSAH « Les Passerelles » : dotation en année pleine portée de 242 107,64 € "
        "(deux cent quarante-deux mille cent sept euros et soixante-quatre centimes) à "
        "250 000,00 € (deux cent cinquante mille euros) à compter du 1er janvier 2029."
    ) in second
    rows = _annex_rows(project)
    assert rows[samsah_ars] == [
        _money("78800.00"),  # 2027 as avenant n° 1 set it: not restated
        _money("239236.80"),  # 2028 likewise
        _money("250000.00"),
        _money("253000.00"),
        _money("256036.00"),
    ]
    assert rows["Ensemble des financeurs / Total"][0] == _money("11447630.00")
