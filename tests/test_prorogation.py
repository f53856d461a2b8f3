"""The avenant of prorogation (article L. 313-11: a sixth year at most), read back as a drafter
checks it: the new exercice's figures per funder and envelope, the signed ones untouched; and
the partial upgrade (`cpom upgrade <id> --clause X`) that lets a signed draft state it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from assemble.archive.store import archive_version
from assemble.cli import main
from assemble.contract.facts import derive
from assemble.contract.load import load_contract, validate_contract
from assemble.contract.schedule import row_key, schedule_of
from assemble.contract.splice import Effet, splice
from assemble.core.errors import CpomError, UsageError
from assemble.core.sources import load_yaml
from assemble.lifecycle.stages import assemble
from assemble.pipeline import build_avenant, rebuild_version, upgrade_clauses
from assemble.project import Project
from assemble.text.french import montant

from conftest import ROOT, SAMPLE, copy_project, edit, signed_copy, uncached
from conftest import annex_rows as _annex_rows
from conftest import docx_text as _docx_text
from conftest import plain as _plain
from pdf_text import pdf_text

# What archive v1 signed each year, all funders (tests/test_avenant_chain.py).
SIGNED_TOTALS = [
    "11 329 430,00 €",
    "11 465 383,16 €",
    "11 602 967,76 €",
    "11 742 203,37 €",
    "11 883 109,81 €",
]
UPGRADED = ["duree", "rapports-evaluation"]
MOTIF = "motif: la prorogation du contrat dans l'attente du contrat suivant.\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return signed_copy(tmp_path)


def _money(value: Decimal) -> str:
    return _plain(montant(value))


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def _prorogue(project: Project, until: str, avenant: str = "", number: int = 1) -> Path:
    if number == 1:
        edit(
            _data(project),
            "  duree_annees: 5\n",
            f"  duree_annees: 5\n  prorogation: {{jusqu_au: {until}}}\n",
        )
    folder = project.contracts / SAMPLE / "avenants"
    folder.mkdir(exist_ok=True)
    path = folder / f"avenant-{number}.yaml"
    path.write_text(avenant or MOTIF + "date_effet: 2032-01-01\n", encoding="utf-8")
    return path


def _updated(amount: str, years: int = 1) -> Decimal:
    value = Decimal(amount)
    for _ in range(years):
        value = (value * Decimal("1.012")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value


def _avenant_text(project: Project) -> str:
    folder = project.build / SAMPLE / "avenant-1"
    return _docx_text(folder / f"{SAMPLE}-avenant-1.docx")


def test_prorogation_of_one_year_adds_a_sixth_exercice(project: Project) -> None:
    _prorogue(project, "2032-12-31")
    done, _ = upgrade_clauses(project, SAMPLE, UPGRADED)
    assert [(u.clause, u.before, u.after) for u in done] == [
        ("duree", 1, 3),
        ("rapports-evaluation", 1, 3),
    ]
    text = _avenant_text(project)
    assert (
        "la prorogation du contrat jusqu'au 31 décembre 2032, au-delà de son échéance initiale "
        "du 31 décembre 2031"
    ) in text
    assert "les moyens financiers de l'exercice 2032, ajouté par la prorogation" in text
    # The durée article is replaced in full, with the new term.
    assert "L'article 17 du contrat est remplacé par les dispositions suivantes" in text
    assert (
        "Son échéance, initialement fixée au 31 décembre 2031, est reportée au 31 décembre 2032 "
        ": le contrat est prorogé pour la période du 1er janvier 2032 au 31 décembre 2032"
    ) in text
    # The new exercice, per funder and envelope, in figures and words; no signed year restated.
    ime = _updated("3010259.58")  # 2031 as signed, updated at 1,2 %
    assert ime == Decimal("3046382.69")
    assert (
        "IME « Les Tamaris » : pour l'exercice 2032, 3 046 382,69 € (trois millions "
        "quarante-six mille trois cent quatre-vingt-deux euros et soixante-neuf centimes)"
    ) in text
    assert "Les montants des exercices 2027, 2028, 2029, 2030 et 2031 ne sont pas modifiés" in text
    assert "exercice 2032, ajouté par la prorogation : 1 787 812,67 € (un million" in text
    assert "exercice 2031" not in text.replace("l'exercice 2031 actualisé", "")
    assert "2032 (prorogation) | — | 12 025 707,13 €" in text
    assert "IME « Les Tamaris » | 2032, prorogation | — | 3 046 382,69 €" in text
    # The consolidated contract: six exercices, the five signed ones as signed.
    rows = _annex_rows(project)
    assert rows["Ensemble des financeurs / Total"] == [*SIGNED_TOTALS, "12 025 707,13 €"]
    ars = "Part de l'Agence régionale de santé Occitanie"
    assert rows[f"{ars} / IME « Les Tamaris »"][-2:] == ["3 010 259,58 €", _money(ime)]
    consolidated = _docx_text(project.build / SAMPLE / f"{SAMPLE}.docx")
    assert "Durée et prise d'effet (modifié par l'avenant n° 1)" in consolidated
    assert "une évaluation à mi-parcours, au cours de l'exercice 2029" in consolidated
    # Only the two clauses moved in the draft's lock.
    lock = json.loads(project.lock_path(SAMPLE).read_text(encoding="utf-8"))
    moved = {a["clause"]: a["version"] for a in lock["articles"] if a["version"] != 1}
    assert moved == {"duree": 3, "rapports-evaluation": 3}


def test_shorter_prorogation_with_an_amount_fixed_by_the_avenant(project: Project) -> None:
    _prorogue(project, "2032-06-30")
    edit(_data(project), "dotation: 1046720.00", "dotation: 1100000.00")
    upgrade_clauses(project, SAMPLE, UPGRADED)
    text = _avenant_text(project)
    assert "le contrat est prorogé pour la période du 1er janvier 2032 au 30 juin 2032" in text
    assert "puis calculé au prorata de la part de l'exercice que couvre la prorogation" in text
    assert "Sauf montant fixé ci-après en année pleine, chaque montant" in text
    assert (
        "FAM « Le Mas des Oliviers » : pour l'exercice 2032 (six mois), 550 000,00 € (cinq cent "
        "cinquante mille euros), sur la base d'un montant en année pleine fixé à 1 100 000,00 €"
    ) in text
    mas = _updated("3684473.81") / 2  # six months of 2031 updated
    assert f"MAS « La Garrigue » : pour l'exercice 2032 (six mois), {_money(mas)}" in text
    rows = _annex_rows(project)
    fam = rows["Part de l'Agence régionale de santé Occitanie / FAM « Le Mas des Oliviers »"]
    assert fam == [
        "1 046 720,00 €",
        "1 059 280,64 €",
        "1 071 992,01 €",
        "1 084 855,91 €",
        "1 097 874,18 €",  # 2027-2031 as signed, though the data changed
        "550 000,00 €",
    ]


@pytest.mark.parametrize(
    ("until", "words"),
    [
        ("2033-01-31", "excède une année"),
        ("2031-12-31", "ne reporte pas l'échéance"),
        ("2032-06-15", "dernier jour d'un mois"),
    ],
)
def test_prorogation_limits(project: Project, until: str, words: str) -> None:
    _prorogue(project, until)
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "data.prorogation" and words in problem.message
    assert problem.path == _data(project) and problem.line == 8


def test_a_draft_is_not_prorogued(tmp_path: Path) -> None:
    made = copy_project(tmp_path, ["chrs-gironde"])
    data = made.contracts / "chrs-gironde" / "contract.yaml"
    text = data.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.split("\n"), 1) if "duree_annees" in t)
    edit(data, "  duree_annees: 5\n", "  duree_annees: 5\n  prorogation: {jusqu_au: 2032-12-31}\n")
    with pytest.raises(CpomError) as caught:
        load_contract(data.parent)
    [problem] = caught.value.problems
    assert problem.code == "data.prorogation-unsigned" and problem.line == line + 1


def test_prorogation_signed_after_the_term(project: Project) -> None:
    path = _prorogue(project, "2032-12-31", MOTIF + "date_effet: 2032-01-01\n")
    upgrade_clauses(project, SAMPLE, UPGRADED)
    path.write_text(
        MOTIF + "date_effet: 2032-01-01\ndate_signature: 2032-01-05\n"
        "retroactif: true\nmotif_retroactivite: la continuité du financement\n",
        encoding="utf-8",
    )
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.prorogation-late" and problem.line == 3
    assert "un contrat échu ne se proroge pas" in _plain(problem.message)


def test_prorogation_needs_clauses_that_state_it(project: Project) -> None:
    _prorogue(project, "2032-12-31")
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.prorogation-clause" and problem.line == 8
    assert "clause « duree », version 1" in problem.message
    assert 'CLAUSE="rapports-evaluation duree"' in (problem.hint or "")


def test_the_effect_of_a_prorogation_is_at_the_latest_its_first_day(project: Project) -> None:
    _prorogue(project, "2032-12-31", MOTIF + "date_effet: 2032-02-01\n")
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.effet-date" and problem.line == 2
    assert "nouveau contrat" in (problem.hint or "")


def test_a_second_prorogation_and_a_renewal_are_refused(project: Project, tmp_path: Path) -> None:
    _prorogue(project, "2032-06-30", MOTIF + "date_effet: 2032-01-01\ndate_signature: 2031-11-20\n")
    upgrade_clauses(project, SAMPLE, UPGRADED)
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed = tmp_path / "avenant-1-signe.pdf"
    signed.write_bytes(draft.rendered.pdf)
    archive_version(project, SAMPLE, signed, dt.date(2031, 11, 20))
    # The consolidated v2 is the contract in force: six exercices.
    assert len(_annex_rows(project)["Ensemble des financeurs / Total"]) == 6

    edit(_data(project), "jusqu_au: 2032-06-30", "jusqu_au: 2032-12-31")
    _prorogue(project, "", MOTIF + "date_effet: 2032-03-01\n", number=2)
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.prorogation-repeat" and problem.path == _data(project)
    assert "déjà été prorogé jusqu'au 30 juin 2032" in _plain(problem.message)

    # Beyond the prorogation, a change is a new contract.
    edit(_data(project), "jusqu_au: 2032-12-31", "jusqu_au: 2032-06-30")
    edit(_data(project), "preavis_mois: 6", "preavis_mois: 3")
    _prorogue(project, "", MOTIF + "date_effet: 2032-07-01\n", number=2)
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.effet-date" and "nouveau contrat" in (problem.hint or "")


def test_partial_upgrade_refusals(project: Project) -> None:
    with pytest.raises(UsageError) as unknown:
        upgrade_clauses(project, SAMPLE, ["inexistante"])
    assert unknown.value.problems[0].code == "usage.clause"
    with pytest.raises(CpomError) as unused:
        upgrade_clauses(project, SAMPLE, ["gcsms"])
    assert unused.value.problems[0].code == "lock.clause-unused"
    upgrade_clauses(project, SAMPLE, ["duree"])
    with pytest.raises(CpomError) as current:
        upgrade_clauses(project, SAMPLE, ["duree"])
    [problem] = current.value.problems
    assert problem.code == "lock.clause-current" and problem.path == project.lock_path(SAMPLE)
    lines = project.lock_path(SAMPLE).read_text(encoding="utf-8").split("\n")
    assert lines[(problem.line or 0) - 1].strip() == '"clause": "duree",'


def test_partial_upgrade_from_the_command_line(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    assert main(["--racine", str(project.root), "upgrade", SAMPLE, "--clause", "duree"]) == 0
    out = _plain(capsys.readouterr().out)
    assert "Article 17 (clause « duree ») : v1 → v3" in out
    assert main(["--racine", str(project.root), "upgrade", SAMPLE, "--clause", "duree"]) == 1
    err = _plain(capsys.readouterr().err)
    assert "cpom.lock.json:" in err and "[lock.clause-current]" in err
    make = subprocess.run(
        ["make", "-n", "upgrade", f"C={SAMPLE}", "CLAUSE=duree objet"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"upgrade --clause duree --clause objet -- {SAMPLE}" in make.stdout


def test_sample_consolidated_after_its_partial_upgrade(tmp_path: Path) -> None:
    """association-horizons passed its regime-dependent clauses to their current versions: the
    financing article takes the place of Article 9 (replaced, not abrogated), no article still
    speaks of the « dotation globale commune » it removed, the consolidated contract has no
    legacy cover line and states the prorata of 2027."""
    made = copy_project(tmp_path, [SAMPLE])
    shutil.copytree(ROOT / "archive" / SAMPLE, made.archive / SAMPLE)
    draft = build_avenant(made, SAMPLE)
    assert draft is not None
    avenant = _avenant_text(made)
    assert "L'article 1 du contrat est remplacé par les dispositions suivantes" in avenant
    assert "L'article 9 du contrat est remplacé par les dispositions suivantes" in avenant
    assert "est abrogé" not in avenant and "8 bis" not in avenant
    consolidated = _docx_text(made.build / SAMPLE / f"{SAMPLE}.docx")
    pdf = " ".join(_plain(pdf_text(made.build / SAMPLE / f"{SAMPLE}.pdf")).split())
    for text in (" ".join(consolidated.split()), pdf):
        assert "Conclu en application de l'article L. 313-12-2 du code de l'action sociale" in text
        assert "et suivants du code" not in text
        assert "capacités autorisées à la date de signature" not in text
        assert "dotation globale commune" not in text.lower()  # articles 10, 12, 19, fiche 3.1
        assert "L. 314-7" not in text.split("Exposé préalable")[1].split("Article 1 ")[0]
    assert "Objet et fondement du contrat (modifié par l'avenant n° 1)" in consolidated
    assert (
        "Article 9 – Dotations des établissements et services relevant de l'article "
        "L. 313-12-2 (modifié par l'avenant n° 1)"
    ) in consolidated
    assert "abrogé" not in consolidated
    assert (
        "SAMSAH « Les Passerelles », à la charge de l'Agence régionale de santé Occitanie sur les "
        "crédits d'assurance maladie destinés aux personnes handicapées : nouvelle dotation de "
        "236 400,00 € en année pleine à compter du 1er septembre 2027, au prorata de quatre mois "
        "sur douze (avenant n° 1), soit 78 800,00 €"
    ) in consolidated
    # Full-year amounts on the basis of 2027; 2027 itself is prorated, as annex 6 fixes it;
    # the update rule of the replaced article is carried over.
    flat = " ".join(consolidated.split())
    assert (
        "Les dotations de référence, en année pleine et sur la base de l'exercice 2027, sont "
        "les suivantes" in flat
    )
    assert (
        "Pour l'exercice 2027, au cours duquel un avenant a modifié un financement, les montants "
        "sont calculés au prorata" in flat
    )
    assert "le taux prévisionnel retenu pour établir l'annexe 6 est de 1,2 % par an" in flat
    assert "ne comprennent la reprise d'aucun résultat comptable antérieur" in flat
    assert (
        "sur les crédits du Département : 1 802 500,00 € (un million huit cent deux mille cinq "
        "cents euros), pour les établissements et services suivants"
    ) in consolidated
    # The signed v1 still rebuilds as archived (its lock keeps the legacy clauses).
    _, differ = rebuild_version(uncached(made), SAMPLE, "v1")
    assert differ == []


def test_current_dotation_clause_names_the_entry_into_the_perimeter(tmp_path: Path) -> None:
    made = copy_project(tmp_path, ["association-bocage"])
    body = assemble(made, "association-bocage", latest=True)[1].article("dotation-globale-commune")
    assert (
        "à la date de son entrée dans le périmètre du contrat, à sa signature ou par avenant"
        in (_plain(body.body))
    )


def test_prorogation_of_a_contract_ending_mid_year_completes_its_last_exercice() -> None:
    """association-bocage runs from 1 April 2027 to 31 March 2032, by days: prorogued to
    31 March 2033, its 2032 exercice becomes whole (signed Jan-Mar kept, Apr-Dec added) and
    2033 runs to 31 March."""
    path = ROOT / "contracts" / "association-bocage" / "contract.yaml"
    text = path.read_text(encoding="utf-8")
    old = validate_contract("association-bocage", *load_yaml(text, path))
    prorogued = text.replace(
        "  duree_annees: 5\n", "  duree_annees: 5\n  prorogation: {jusqu_au: 2033-03-31}\n", 1
    )
    new = validate_contract("association-bocage", *load_yaml(prorogued, path))
    facts = derive(old.data)
    signed = schedule_of(facts.financements, facts.exercices)
    effet = Effet(1, dt.date(2032, 1, 1), {}, {})
    spliced, _ = splice(signed, old.data, new.data, effet)
    assert spliced.exercices == (*facts.exercices, 2033)
    assert derive(new.data).prorogation is not None
    natures = {row_key(r): r.nature for r in facts.financements}
    assert "dotation" in natures.values()
    for line in signed.lignes:
        after = spliced.ligne(line.key)
        assert after is not None
        assert after.montants[:5] == line.montants[:5]  # 2027-2031 as signed
        full = line.annuels[-1]  # 2032 in full year, as signed
        assert abs(after.montants[5] - full) <= Decimal("0.01")  # 91 + 275 days of 366
        assert after.montants[5] > line.montants[5]
        if natures[line.key] != "dotation":
            continue  # a price by the day: its tariff is updated, then times the volume
        rate = 1 + new.data.options.taux_actualisation / 100
        next_year = (full * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        expected = (next_year * 90 / 365).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert after.montants[6] == expected  # 1 January - 31 March 2033
