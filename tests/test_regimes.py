"""Each regime reads, in the built documents, with its own legal basis, visas and financial titre.

One test per regime reads a built sample back (Word, PDF or assembled Markdown) and checks what a
tarification service checks first: Article 1 names the right legal basis and the establishments
it covers, the visas cite the texts of that regime with their dates, and Titre III funds the
establishments the way that regime does.
"""

from __future__ import annotations

import re

import docx
import pytest

from assemble.compose.document import Document
from assemble.library.clauses import Library
from assemble.lifecycle.stages import assemble
from assemble.project import Outputs, Project
from assemble.render.parts import template_context
from assemble.text.french import NBSP, NNBSP

from conftest import ROOT
from pdf_text import pdf_pages

CODE = "code de l'action sociale et des familles"


def _plain(text: str) -> str:
    """Text as a drafter searches it: straight apostrophes, ordinary spaces."""
    return text.replace("’", "'").replace(NBSP, " ").replace(NNBSP, " ")


def _word(outputs: Outputs) -> str:
    document = docx.Document(str(outputs.docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return _plain("\n".join([p.text for p in document.paragraphs] + cells))


def _pdf(outputs: Outputs) -> str:
    """The PDF's text layer, lines joined: a sentence may break across lines and pages."""
    text = " ".join(pdf_pages(outputs.pdf))
    return re.sub(r"\s+", " ", _plain(text))


def _between(text: str, start: str, end: str) -> str:
    """The passage of `text` from the heading `start` to the next heading `end`."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def _doc(contract_id: str, library: Library) -> Document:
    return assemble(Project(ROOT), contract_id, library)[1]


def test_ehpad_under_iv_ter_with_forfaits(all_outputs: dict[str, Outputs]) -> None:
    text = _word(all_outputs["groupe-ker-avel"])
    article_1 = _between(text, "Objet et fondement du contrat", "Périmètre du contrat")
    assert (
        "conclu en application du IV ter de l'article L. 313-12 du code de l'action sociale et "
        "des familles, pour les établissements suivants : EHPAD « Les Jardins de la "
        "Vilaine », EHPAD « Résidence du Thabor » et EHPAD « Les Tilleuls »."
    ) in article_1
    assert "cahier des charges fixé par l'arrêté du 3 mars 2017" in article_1
    assert "L. 313-11 " not in article_1  # never the voluntary contract's basis
    visas = _between(text, "Visas", "Exposé préalable")
    for visa in (
        "Vu le IV ter de l'article L. 313-12 et l'article L. 314-2",
        "loi n° 2015-1776 du 28 décembre 2015",
        "décret n° 2016-1814 du 21 décembre 2016",
        "décret n° 2016-1815 du 21 décembre 2016",
        "arrêté du 3 mars 2017",
        "projet régional de santé Bretagne 2023-2028 de l'Agence régionale de santé Bretagne, "
        "arrêté le 30 octobre 2023",
        "délibération n° CP 2026-11-045 de la commission permanente du conseil départemental en "
        "date du 23 novembre 2026",
        "décision de la présidente du Groupe Ker Avel Santé en date du 20 novembre 2026",
    ):
        assert visa in visas, visa
    titre_3 = _between(text, "Moyens financiers", "Modalités de suivi")
    assert "Forfait global relatif aux soins." in titre_3
    assert "GIR moyen pondéré 742, PATHOS moyen pondéré 218" in titre_3
    assert "Forfait global relatif à la dépendance." in titre_3
    assert (
        "62 328 points GIR à la valeur du point GIR départemental de 7,45 €, soit 464 343,60 €"
        in titre_3
    )
    assert "habilité à l'aide sociale pour 20 places" in titre_3
    assert "non habilité à l'aide sociale" in titre_3  # Résidence du Thabor
    assert "R. 314-160" in titre_3 and "soixante-douze heures" in titre_3
    assert "dotation globale commune" not in text.lower()
    # The forfait soins is the equation's result (R. 314-159): the convergence is over.
    assert (
        "le forfait global relatif aux soins de chaque établissement est égal au résultat de "
        "l'équation tarifaire relative aux soins"
    ) in titre_3
    assert "étapes annuelles égales" not in titre_3
    assert "l'établissement EHPAD" not in text
    # Visas in the order of norms: the loi, then the décrets, then the arrêté.
    order = [
        visas.index(v)
        for v in ("loi n° 2015-1776", "décret n° 2016-1814", "décret n° 2016-1815", "arrêté du 3")
    ]
    assert order == sorted(order)
    # Only the natures of this contract are paid or invoiced: no dotation, no prix de journée.
    versement = _between(text, "Versement, répartition", "État des prévisions")
    assert "Les forfaits sont versés par chaque financeur" in versement
    assert "prix de journée" not in versement and "groupes fonctionnels" not in versement
    # The EPRD goes to the ARS and to the Département, which fund every EHPAD jointly.
    assert (
        "au directeur général de l'agence régionale de santé et au président du conseil "
        "départemental l'état des prévisions"
    ) in titre_3


def test_handicap_under_l313_12_2_with_one_dotation_per_envelope(
    all_outputs: dict[str, Outputs],
) -> None:
    text = _pdf(all_outputs["gcsms-estuaire"])
    assert f"en application de l'article L. 313-12-2 du {CODE}" in text
    assert "Vu l'article L. 313-12-2 du code de l'action sociale et des familles ;" in text
    assert "loi n° 2015-1702 du 21 décembre 2015" in text
    assert "décret n° 2018-519 du 27 juin 2018" in text
    # The SAMSAH (Trajectoires 44) and the IME (Fondation Les Genêts) belong to two members:
    # two legal persons never share a dotation globalisée commune (R. 314-43-1).
    assert "dotation globalisée commune à la charge" not in text
    assert (
        "dotation globale à la charge de l'Agence régionale de santé Pays de la Loire, sur les "
        "crédits d'assurance maladie destinés aux personnes handicapées, versée à la Fondation Les "
        "Genêts : 3 186 400,00 €"
    ) in text
    assert "pour l'IME « Les Genêts »" in text and "l'établissement ou service suivant" not in text
    # The Département's dotation is not bounded by a dotation régionale limitative.
    assert "ou, pour les crédits du Département, des crédits inscrits à son budget" in text
    # The ESAT is paid from the State's credits through the ARS: another envelope, apart.
    assert "sur les crédits de l'État destinés aux établissements et services d'aide par" in text
    assert "état réalisé des recettes et des dépenses" in text and "30 avril" in text


def test_chrs_under_l313_11_2_with_tarifs_plafonds(all_outputs: dict[str, Outputs]) -> None:
    text = _word(all_outputs["chrs-gironde"])
    article_1 = _between(text, "Objet et fondement du contrat", "Périmètre du contrat")
    assert "conclu en application de l'article L. 313-11-2" in article_1
    assert "arrêté du 25 octobre 2019" in article_1
    assert "convention mentionnée à l'article L. 345-3" in article_1
    visas = _between(text, "Visas", "Exposé préalable")
    for visa in (
        "loi n° 2018-1021 du 23 novembre 2018",
        "Vu l'arrêté du 18 mai 2026 fixant les tarifs plafonds",
        "au titre de l'année 2026",
        "plan départemental d'action pour le logement et l'hébergement des personnes "
        "défavorisées de la Gironde 2024-2029, arrêté le 29 mars 2024",
    ):
        assert visa in visas, visa
    assert "schéma départemental" not in visas and "projet régional de santé" not in visas
    titre_3 = _between(text, "Moyens financiers", "Modalités de suivi")
    assert "dotation globale de financement à la charge de l'État" in titre_3
    assert "4° de l'article R. 314-40" in titre_3
    assert "groupe GHAM 6, dont le tarif plafond s'établit à 17 850,00 € par place" in titre_3
    assert "au plus tard pour l'exercice 2030" in titre_3
    assert "enquête nationale de coûts" in titre_3
    assert "le CHRS « L'Estran » relève du groupe GHAM 6" in titre_3
    # The convergence the text promises is in the annex, year by year (amounts in euros).
    annex = text[text.index("Financements par établissement, par financeur") :]
    assert "exprimés en euros" in annex
    assert "1 232 000,00" in annex and "1 202 133,33" in annex and "1 172 266,67" in annex
    # The indicator of the objective follows the same schedule as the annex (table cells).
    assert "59 733 euros" in text and "29 867 euros" in text and "44 800 euros" not in text
    # Visas of a CHRS contract: L. 313-11 and the multi-year budget articles, as the 2019 model.
    assert (
        "Vu l'article L. 313-11 du code de l'action sociale et des familles et ses articles "
        in (visas)
    )
    # Two parties: the dénonciation speaks of « l'autre partie ».
    assert "La dénonciation est notifiée à l'autre partie" in text
    assert "la dernière des parties destinataires" not in text


def test_departement_only_contract(all_outputs: dict[str, Outputs]) -> None:
    text = _plain(all_outputs["association-bocage"].markdown.read_text(encoding="utf-8"))
    assert (
        f"en application de l'article L. 313-11-1 du {CODE}, pour le SAD « Bocage Domicile »"
    ) in text
    assert (
        f"en application de l'article L. 313-11 du {CODE}, pour les établissements et services "
        "suivants : foyer de vie « Le Grand Chêne » et SAVS « Les Chênes du Bocage »"
    ) in text
    visas = _between(text, "## Visas", "## Exposé")
    assert f"Vu l'article L. 313-11 du {CODE}, le II de son article L. 314-1" in visas
    assert "décret n° 2023-608 du 13 juillet 2023" in visas
    assert "L. 313-12" not in visas and "projet régional de santé" not in visas
    titre_3 = _between(text, "# Titre III", "# Titre IV")
    assert "relevant du 2° de l'article L. 313-1-3" in titre_3
    assert "tarif horaire de 26,80 € fixé par le Département de la Mayenne" in titre_3
    assert "prix de journée de 186,40 € pour 14 235 journées prévisionnelles" in titre_3
    assert "dotation globale de 412 800,00 €" in titre_3
    # No EPRD under these regimes: the free allocation says so, and nothing else names one.
    assert "qui ne relève pas d'un état des prévisions" in titre_3
    assert "état des prévisions" not in titre_3.replace("qui ne relève pas d'un état des prév", "")
    # The first exercice is partial: Titre III gives its amounts a full year and says so.
    assert "Pour l'exercice 2027, en année pleine, les services à domicile" in titre_3
    # A single objet of the multi-year budget is a sentence, not a one-item list.
    assert "ont pour objet la reconduction annuelle des moyens" in titre_3
    # A service at home has no places: the perimeter counts 91 places, not 211.
    perimetre = _between(text, "Périmètre du contrat {#", "## Article 3")
    assert (
        "capacité autorisée totale de 91 places, le SAD « Bocage Domicile » n'ayant pas de "
        "capacité exprimée en places"
    ) in perimetre
    assert "120 places" not in text
    # The mid-term evaluation falls in the year of the contract's middle (October 2029).
    assert "évaluation à mi-parcours, au cours de l'exercice 2029" in text


@pytest.mark.parametrize(
    ("contract_id", "line"),
    [
        ("groupe-ker-avel", f"Conclu en application du IV ter de l'article L. 313-12 du {CODE}"),
        ("chrs-gironde", f"Conclu en application de l'article L. 313-11-2 du {CODE}"),
        (
            "association-bocage",
            f"Conclu en application des articles L. 313-11 et L. 313-11-1 du {CODE}",
        ),
        (
            "gcsms-estuaire",
            f"Conclu en application des articles L. 313-11-2 et L. 313-12-2 du {CODE}",
        ),
    ],
)
def test_cover_line_names_the_legal_basis(contract_id: str, line: str, library: Library) -> None:
    context = template_context(_doc(contract_id, library))
    assert _plain(context["base_legale"]) == line


def test_gcsms_cover_and_parties_speak_of_the_members(library: Library) -> None:
    doc = _doc("gcsms-estuaire", library)
    context = template_context(doc)
    assert context["qualite_organisme"] == "groupement de coopération sociale et médico-sociale"
    assert context["qualite_membres"].startswith("et ses membres, gestionnaires")
    text = "\n".join(a.body for a in doc.articles())
    assert "ci-après « le groupement »" in text and "ci-après ensemble « les membres »" in text
    assert "l'organisme gestionnaire" not in text
    assert "Chaque membre s'engage à mettre en œuvre" in doc.article("engagements").body
    assert doc.article("retrait-membre").heading == "Retrait d'un membre du groupement"
    # The members are a list after « : », in lower case, each « dûment habilité(e) », the last
    # one followed by « , » as the sentence goes on (« ci-après ensemble « les membres » »).
    parties = _plain(doc.article("parties").body)
    assert "- l'Association Le Relais de l'Estuaire, association régie" in parties
    assert "Mme Sophie Lemaire, présidente, dûment habilitée à cet effet ;" in parties
    assert "président du conseil d'administration, dûment habilité à cet effet,\n" in parties
    # Each member that signs has its board's decision in the visas, dated (never a blank).
    visas = _plain(doc.article("visas").body)
    assert (
        "Vu la délibération du conseil d'administration de l'Association Trajectoires 44 en date "
        "du 19 mai 2027 autorisant la signature du présent contrat ;"
    ) in visas
    assert "du conseil d'administration de la Fondation Les Genêts en date du 21 mai 2027" in visas
    assert "………" not in visas
    # Who receives what, per funder: the member is named with each dotation.
    chrs = _plain(doc.article("financement-chrs").body)
    assert "CHRS « L'Escale » (dotation versée à l'Association Le Relais de l'Estuaire)" in chrs
    assert "Le membre qui détient l'autorisation d'un centre" in chrs
    eprd = _plain(doc.article("eprd").body)
    assert "de ceux de ces établissements et services dont il détient les autorisations" in eprd
    annexes = [a for a in doc.articles() if a.clause_id == "annexe-membre"]
    assert "au titre du CHRS « L'Escale »." in _plain(annexes[0].body)
    assert "établissement ou service suivant" not in text


def test_the_state_on_the_cover_names_its_prefet(library: Library) -> None:
    context = template_context(_doc("chrs-gironde", library))
    assert [a["name"] for a in context["autorites"]] == ["État (préfet de la Gironde)"]
    assert [a["designation"] for a in context["autorites"]] == ["l’État"]


def test_a_pinned_draft_receives_no_clause_of_a_later_version(library: Library) -> None:
    """The signed sample's avenant in progress stays on its clause versions, except those its
    partial upgrade moved: the articles that come with version 2 of an anchor clause
    (bibliotheque) enter with the upgraded anchor (dénonciation v3 brings résiliation and fin
    du contrat), and the clauses it did not move keep their signed version though the library
    has later ones."""
    doc = _doc("association-horizons", library)
    versions = {a.clause_id: a.version for a in doc.articles()}
    assert versions["denonciation"] == 3
    assert {"resiliation", "fin-du-contrat"} <= set(versions)
    latest = {c.id: c.version for c in library.clauses}
    for kept in ("duree", "renouvellement", "comite-de-suivi", "parties", "visas"):
        assert versions[kept] == 1 < latest[kept], kept
    assert {"documents-contractuels", "eprd", "financement-handicap"} <= set(versions)


def test_mid_year_contract_prorates_its_first_and_last_exercices(library: Library) -> None:
    doc = _doc("gcsms-estuaire", library)  # 1 July 2027 to 30 June 2032, by months
    assert (
        "Il porte ainsi sur six exercices : l'exercice 2027, du 1er juillet 2027 au 31 décembre "
        "2027, les exercices 2028 à 2031 en entier et l'exercice 2032, du 1er janvier 2032 au 30 "
        "juin 2032."
    ) in _plain(doc.article("duree").body)
    annex = _plain(doc.article("annexe-financiere").body)
    assert "| 2027 (six mois) |" in annex and "| 2032 (six mois) |" in annex
    # The IME: 3 186 400 € a full year, 1 % a year; half of it in 2027 and in 2032.
    ime = next(line for line in annex.split("\n") if line.startswith("| IME"))
    cells = [c.strip() for c in ime.strip("|").split("|")]
    assert cells[2:] == [
        "1 593 200,00",
        "3 218 264,00",
        "3 250 446,64",
        "3 282 951,11",
        "3 315 780,62",
        "1 674 469,22",
    ]


def test_prorata_by_days(library: Library) -> None:
    doc = _doc("association-bocage", library)  # 1 April 2027 to 31 March 2032, by days
    annex = _plain(doc.article("annexe-financiere").body)
    assert (
        "l'exercice 2027 est couvert du 1er avril 2027 au 31 décembre 2027, soit 275 jours sur 365"
    ) in annex
    savs = next(line for line in annex.split("\n") if line.startswith("| SAVS"))
    cells = [c.strip() for c in savs.strip("|").split("|")]
    # 412 800 € × 275/365 in 2027; 412 800 € × 1,011⁴ × 91/366 in 2032.
    assert cells[2] == "311 013,70" and cells[-1] == "108 406,61"
    # A price by the day: each year's product is that year's tariff, to the cent, times the
    # forecast days (188,45 € × 14 235 in 2028), so that the annex checks with a calculator.
    foyer = next(line for line in annex.split("\n") if line.startswith("| Foyer de vie"))
    assert "2 682 585,75" in foyer  # 188,45 × 14 235
    assert "| 188,45 € |" in annex  # the tariff of 2028, in the table of tariffs


def test_no_pooled_amount_across_envelopes(library: Library) -> None:
    doc = _doc("gcsms-estuaire", library)
    annex = doc.article("annexe-financiere").body
    assert "ces montants ne sont pas additionnés entre eux" in annex
    recap = annex.split("### Récapitulatif")[1]
    assert "**Total**" not in recap
    assert not re.search(r"dotation globale commune", "\n".join(a.body for a in doc.articles()))
