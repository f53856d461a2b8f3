"""Avenants drafted from the changes since the signed version, and the consolidated contract."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assemble.archive.store import archive_version
from assemble.core.errors import CpomError
from assemble.lifecycle.avenant import avenant_folder, prepare_avenant
from assemble.lifecycle.stages import assemble
from assemble.pipeline import build_avenant
from assemble.project import Project
from assemble.text.french import NBSP, NNBSP

from conftest import LOZERE, SAMPLE, edit, signed_copy
from pdf_text import pdf_pages, pdf_text


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return signed_copy(tmp_path)


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def _avenant_file(project: Project, number: int = 1, extra: str = "") -> Path:
    path = project.contracts / SAMPLE / "avenants" / f"avenant-{number}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "motif: la prise en compte des évolutions du périmètre et des moyens.\n"
        "date_effet: 2027-09-01\n" + extra,
        encoding="utf-8",
    )
    return path


def _text(project: Project, number: int = 1) -> str:
    draft = build_avenant(project, SAMPLE)
    assert draft is not None and draft.number == number
    return draft.rendered.markdown


def test_no_change_says_so_and_writes_nothing(project: Project) -> None:
    assert build_avenant(project, SAMPLE) is None
    _avenant_file(project)
    assert prepare_avenant(project, SAMPLE) is None
    assert not avenant_folder(project, SAMPLE, 1).exists()


def test_establishment_added_in_a_new_departement(project: Project) -> None:
    edit(_data(project), "\noptions:", "\n" + LOZERE)
    _avenant_file(project)
    with pytest.raises(CpomError) as caught:  # the consequences of a new establishment
        build_avenant(project, SAMPLE)
    assert {p.code for p in caught.value.problems} == {
        "avenant.objectifs",
        "avenant.frais-de-siege",
    }
    _avenant_file(
        project,
        extra='objectifs: {"480780105": [accueil-temporaire, bientraitance]}\n'
        "frais_de_siege_inchanges: la quote-part du foyer sera fixée après son ouverture.\n",
    )
    text = _text(project)
    assert "## Article\u00a01 – Objet de l'avenant" in text
    assert (
        "est inclus dans le périmètre du contrat l'établissement ou service suivant : FAM "
        "« Le Villaret » (foyer d'accueil médicalisé), situé à Mende (48), FINESS 480780105, "
        "d'une capacité autorisée de 24 places en hébergement permanent, financé par "
        "l'Agence régionale de santé Occitanie"
    ) in text
    assert (
        "- FAM « Le Villaret » : nouvelle dotation de 612 000,00 € (six cent douze mille "
        "euros) en année pleine, à compter du 1er septembre 2027 ; pour l'exercice 2027, "
        "612 000,00 € au prorata de quatre mois sur douze, soit 204 000,00 € (deux cent "
        "quatre mille euros)."
    ) in text.replace(NNBSP, " ").replace(NBSP, " ")
    assert f"de 0,00{NBSP}€" not in text  # a creation is never « de 0,00 € »
    for replaced in (
        "L'article 2 du contrat est remplacé",
        "L'article 3 du contrat est remplacé",
        "L'article 9 du contrat est remplacé",
    ):
        assert replaced in text.replace(NBSP, " "), replaced
    assert "Lozère (48)" in text  # the perimeter over three départements
    assert "L'annexe 1 du contrat" in text.replace(NBSP, " ")
    assert "L'annexe 6 du contrat" in text.replace(NBSP, " ")
    assert "# Annexe\u00a01 – Établissements et services" in text
    assert "# Annexe\u00a06 – Dotations par établissement" in text
    assert "Les autres stipulations du contrat demeurent inchangées." in text
    consolidated = assemble(project, SAMPLE)[1]
    assert "480780105" in consolidated.article("annexe-etablissements").body


def test_capacity_change(project: Project) -> None:
    edit(
        _data(project),
        "      - {type: hebergement_permanent, places: 40}",
        "      - {type: hebergement_permanent, places: 44}",
    )
    _avenant_file(project)
    text = _text(project)
    assert (
        "la capacité autorisée de l'établissement ou service MAS « La Garrigue » "
        "(FINESS 300780335) est modifiée comme suit"
    ) in text
    assert "- hébergement permanent : de 40 à 44 places." in text
    assert (
        "Elle est ainsi portée, au total, de 42 à 46 places et s'établit désormais à 44 places "
        "en hébergement permanent, 2 places"
    ) in text
    assert (
        "dotation globale commune" not in text.split("## Article\u00a03")[0].split("porte sur")[0]
    )


def test_closure_needs_a_date_then_is_stated(project: Project) -> None:
    data = _data(project).read_text(encoding="utf-8")
    start = data.index('  - finess: "300780368"')
    end = data.index("\noptions:")
    _data(project).write_text(data[:start] + data[end + 1 :], encoding="utf-8")
    edit(_data(project), "montant_annuel: 271800.00", "montant_annuel: 259800.00")
    path = _avenant_file(project)
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.path == path and "SESSAD « Cévennes » (300780368)" in problem.message
    _avenant_file(project, extra='fermetures: {"300780368": 2027-12-31}\n')
    text = _text(project)
    assert (
        "L'établissement ou service SESSAD « Cévennes », situé à Alès (30), FINESS "
        "300780368, est retiré du périmètre du contrat à compter de sa fermeture, le "
        f"31{NBSP}décembre 2027."
    ) in text
    assert (
        f"- SESSAD « Cévennes » : dotation de 504{NNBSP}947,52{NBSP}€ en année pleine "
        f"supprimée à compter du 1er{NBSP}janvier 2028."
    ) in text
    assert "L'article\u00a011 du contrat est remplacé" in text  # frais de siège amount


def test_notice_period_replaces_the_denonciation_article_in_full(project: Project) -> None:
    edit(_data(project), "preavis_mois: 6", "preavis_mois: 3")
    _avenant_file(project)
    text = _text(project)
    assert "L'article\u00a020 du contrat est remplacé par les dispositions suivantes :" in text
    quoted = text.split("dispositions suivantes :")[1]
    assert "> **Article\u00a020 – Dénonciation**" in quoted
    assert "préavis de trois mois" in quoted
    assert "En cas de manquement grave" in quoted  # the whole article, not the changed words
    assert "Modification du périmètre" not in text
    assert "dotation globale commune de référence est" not in text


def test_two_successive_avenants_are_numbered_with_their_visas(
    project: Project, tmp_path: Path
) -> None:
    edit(
        _data(project),
        "      - {type: hebergement_permanent, places: 40}",
        "      - {type: hebergement_permanent, places: 44}",
    )
    _avenant_file(project, 1)
    first = build_avenant(project, SAMPLE)
    assert first is not None and first.number == 1
    signed = tmp_path / "avenant-1-signe.pdf"
    signed.write_bytes(first.rendered.pdf)
    archive_version(project, SAMPLE, signed, __import__("datetime").date(2027, 8, 20))

    assert build_avenant(project, SAMPLE) is None  # nothing new since avenant n° 1
    edit(_data(project), "preavis_mois: 6", "preavis_mois: 3")
    _avenant_file(project, 2)
    text = _text(project, 2)
    assert (
        "Avenant n° 2"
        in pdf_pages(avenant_folder(project, SAMPLE, 2) / f"{SAMPLE}-avenant-2.pdf")[0]
    )
    assert (
        "Vu le contrat pluriannuel d'objectifs et de moyens n° CPOM-OCC-2027-014, signé le "
        f"15{NBSP}décembre 2026 ;"
    ) in text
    assert f"Vu l'avenant n° 1 au contrat, signé le 20{NBSP}août 2027 ;" in text
    assert "Le présent avenant n° 2 modifie" in text
    assert "capacité autorisée" not in text.split("Objet de l'avenant")[1].split("Article")[0]


def test_changes_the_tool_cannot_word_need_a_manual_article(project: Project) -> None:
    edit(
        _data(project),
        "  raison_sociale: Association Horizons\n",
        "  raison_sociale: Association Horizons Occitanie\n",
    )
    path = _avenant_file(project)
    with pytest.raises(CpomError) as caught:
        build_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert problem.code == "avenant.manual" and problem.path == path
    assert "organisme.raison_sociale" in problem.message
    _avenant_file(
        project,
        extra=(
            "articles:\n"
            "  - intitule: Changement de dénomination de l'organisme gestionnaire\n"
            "    texte: L'Association Horizons a pris le nom d'Association Horizons Occitanie par "
            "décision de son assemblée générale du 3 juin 2027.\n"
        ),
    )
    text = _text(project)
    assert "Changement de dénomination de l'organisme gestionnaire" in text
    assert "par décision de son assemblée générale du 3 juin 2027" in text


def test_sample_avenant_in_progress_reads_as_a_document(sample_avenant: Project) -> None:
    pdf = avenant_folder(sample_avenant, SAMPLE, 1) / f"{SAMPLE}-avenant-1.pdf"
    text = pdf_text(pdf).replace(NBSP, " ")
    for expected in (
        "Avenant n° 1",
        "Entre les soussignés",
        "Les Passerelles",
        "Les autres stipulations du contrat demeurent inchangées",
        "Signatures des parties",
        "Pour l’Agence régionale de santé Occitanie",
        "Annexe 1 – Établissements et services",
    ):
        assert expected in text, expected
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf.read_bytes()
    # The rectified SIREN: an association is « inscrite » au répertoire Sirene, and the
    # correction of a clerical error holds from the contract's signature.
    flat = " ".join(text.replace("\u2019", "'").split())
    assert "Rectification de l'identification de l'organisme gestionnaire" in flat
    assert (
        "le numéro SIREN « 782345671 », porté par erreur, est remplacé par le numéro "
        "« 782345672 », sous lequel l'Association Horizons est inscrite au répertoire Sirene"
    ) in flat
    assert "vaut depuis la signature du contrat" in flat
    # Announced by what it changes, with its article (not by its heading alone).
    assert (
        "la rectification d'une erreur matérielle affectant le numéro SIREN de l'organisme "
        "gestionnaire (article 5 du présent avenant)"
    ) in flat


def test_sample_avenant_keeps_the_signed_numbering(sample_avenant: Project) -> None:
    folder = avenant_folder(sample_avenant, SAMPLE, 1)
    avenant = (folder / f"{SAMPLE}-avenant-1.md").read_text("utf-8").replace(NBSP, " ")
    # The objet names, in the contract's order, what is reworded and inserted; the financing
    # article of the new regime takes the place of Article 9 (no « 8 bis », no abrogation).
    assert (
        "- la rédaction des articles 1 (Objet du contrat), 2 (Périmètre du contrat), 9 (Dotation "
        "globale commune de référence), 10 (Versement et répartition de la dotation), 11 (Frais "
        "de siège social), "
        "12 (Investissement), 13 (Affectation des résultats), 19 (Révision et modification du "
        "périmètre) et 20 (Dénonciation) du contrat ;\n"
        "- l'insertion dans le contrat des articles 3 bis (Documents contractuels), 10 bis ("
    ) in avenant
    assert "20 ter (Effets de l'échéance et de la fin anticipée du contrat) ;\n" in avenant
    assert "abrog" not in avenant
    assert "après l'article 3 du contrat, un article 3 bis ainsi rédigé" in avenant
    assert "après l'article 10 du contrat, un article 10 bis ainsi rédigé" in avenant
    assert "après l'article 20 bis du contrat, un article 20 ter ainsi rédigé" in avenant
    assert (
        "L'article 9 du contrat est remplacé par les dispositions suivantes :\n\n> **Article 9 – "
        "Dotations des établissements et services relevant de l'article L. 313-12-2**"
    ) in avenant
    assert "renumérotés" not in avenant
    consolidated = (sample_avenant.build / SAMPLE / f"{SAMPLE}.md").read_text("utf-8")
    headings = [
        line.replace(NBSP, " ").split(" – ")[0][3:]
        for line in consolidated.splitlines()
        if line.startswith("## Article")
    ]
    assert headings[:6] == [
        "Article 1",
        "Article 2",
        "Article 3",
        "Article 3 bis",
        "Article 4",
        "Article 5",
    ]
    # Article 9, rewritten, stays at the head of titre III, between 8 and 10.
    at = headings.index("Article 9")
    assert headings[at - 1 : at + 3] == ["Article 8", "Article 9", "Article 10", "Article 10 bis"]
    text = consolidated.replace(NBSP, " ")
    titre = text.index("# Titre III")
    assert text.index("## Article 8 ") < titre < text.index("## Article 9 ")
    assert headings[-4:] == ["Article 20", "Article 20 bis", "Article 20 ter", "Article 21"]
    # The parties' block, rectified by the avenant's hand-written article, says so.
    parties = text.split("## Entre les soussignés")[1].split("## Visas")[0]
    assert "782345672" in parties and "782345671" not in parties
    assert parties.rstrip().endswith("*Rédaction issue de l’avenant n° 1.*")
    word = docx.Document(str(sample_avenant.build / SAMPLE / f"{SAMPLE}.docx"))
    paragraphs = [p.text.replace(NBSP, " ").replace(NNBSP, " ") for p in word.paragraphs]
    assert (
        "Article 9 – Dotations des établissements et services relevant de l’article L. 313-12-2 "
        "(modifié par l’avenant n° 1)"
    ) in paragraphs
