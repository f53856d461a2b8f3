"""The variant matrix: each variant's distinctive text appears when selected, and only then.

Each group lists mutually exclusive choices of one negotiation point. For every choice, the
sample contract is composed with the data changed accordingly; the choice's text must be in
the contract and the texts of the other choices of the group must not.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from assemble.compose.composer import compose
from assemble.compose.document import Document
from assemble.contract.load import validate_contract
from assemble.core.sources import LineMap
from assemble.library.clauses import Library
from assemble.render.markdown import to_markdown

from conftest import ROOT

Changes = dict[str, Any]


@dataclass(frozen=True)
class Choice:
    name: str  # the variant's identifier when the choice is a clause variant
    changes: Changes
    text: str | None  # distinctive text, present only when this choice is made
    clause: str | None = None  # the article where the text must appear
    extra: tuple[str, ...] = field(default=())  # other texts that come with the choice


def _compose(base: str, changes: Changes, library: Library) -> Document:
    path = ROOT / "contracts" / base / "contract.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw)
    for dotted, value in changes.items():
        _set(data, dotted, value)
    return compose(library, validate_contract(base, data, LineMap(Path(path))))


def _set(data: Any, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data[int(part)] if isinstance(data, list) else data[part]
    if value is _DELETE:
        del data[last]
    elif isinstance(data, list) and int(last) == len(data):
        data.append(value)  # « autorites.2 »: one more item
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


_DELETE = object()
NO_FEE_SHARES = {f"etablissements.{i}.quote_part_frais_de_siege": _DELETE for i in range(6)}

# A Département that signs for the Gard, with a FAM there that it funds.
GARD_PARTY: Changes = {
    "autorites.2": {
        "cle": "cd-gard",
        "type": "departement",
        "departement": "30",
        "nom": "Département du Gard",
        "article": "le",
        "adresse": "Hôtel du Département, 3 rue Guillemette, 30044 Nîmes Cedex 9",
        "representant": {
            "civilite": "Mme",
            "nom": "Françoise Laurent",
            "qualite": "présidente du conseil départemental",
        },
    },
    "etablissements.7": {
        "finess": "300780418",
        "nom": "Les Micocouliers",
        "categorie": "FAM",
        "departement": "30",
        "commune": "Uzès",
        "capacites": [{"type": "hebergement_permanent", "places": 28}],
        "financements": [
            {"financeur": "ars-occitanie", "dotation": 901600.00},
            {"financeur": "cd-gard", "dotation": 1262400.00},
        ],
    },
}
# gcsms-estuaire: the SAMSAH, the ESAT and the IME (L. 313-12-2); the CHRS is not modulated.
ACTIVITY_OBJECTIVES = {
    1: {"indicateur": "personnes_accompagnees", "valeur": 36},
    2: {"indicateur": "taux_occupation", "valeur": 95},
    3: {"indicateur": "taux_occupation", "valeur": 92},
}

GROUPS: dict[str, tuple[str, list[Choice]]] = {
    "frais de siège": (
        "association-horizons",
        [
            Choice(
                "aucun",
                {"options.frais_de_siege": {"modalite": "aucun"}, **NO_FEE_SHARES},
                None,  # no article at all: checked by the test below
            ),
            Choice(
                "repartition_libre",
                {"options.frais_de_siege.modalite": "repartition_libre"},
                "en fixe librement la répartition, dans la limite du montant total autorisé, "
                "entre les établissements et services financés par un même financeur",
                "frais-de-siege",
            ),
            Choice(
                "evolution_encadree",
                {"options.frais_de_siege.modalite": "evolution_encadree"},
                "évolue chaque année d'un taux au plus égal à",
                "frais-de-siege",
            ),
            Choice(
                "plafond_charges",
                {
                    "options.frais_de_siege.modalite": "plafond_charges",
                    "options.frais_de_siege.taux_plafond_charges": 2.5,
                    "options.frais_de_siege.taux_initial": 1.91,
                },
                "du total des charges de classe 6",
                "frais-de-siege",
            ),
        ],
    ),
    "investissement": (
        "association-horizons",
        [
            Choice(
                "tableau_previsionnel",
                {
                    "options.investissement.modalite": "tableau_previsionnel",
                    "investissements.0.surcout_exploitation": 0,
                },
                "n'appellent aucun financement d'exploitation supplémentaire",
                "investissement",
                ("Tableau prévisionnel des investissements",),
            ),
            Choice(
                "ppi",
                {"options.investissement.modalite": "ppi"},
                "font l'objet d'un plan pluriannuel d'investissement soumis",
                "investissement",
                ("Surcoût annuel d'exploitation",),
            ),
        ],
    ),
    "amendement Creton": (
        "association-horizons",
        [
            Choice(
                "reprise",
                {"options.affectation_resultats.reprise_creton": True},
                "sont reprises par l'autorité de tarification de l'établissement qui les "
                "perçoit, sauf engagement spécifique",
                "affectation-resultats",
            ),
            Choice(
                "engagement spécifique",
                {"options.affectation_resultats.reprise_creton": False},
                "restent acquises à l'organisme gestionnaire",
                "affectation-resultats",
            ),
        ],
    ),
    "déficit structurel": (
        "association-horizons",
        [
            Choice(
                "plan de retour à l'équilibre",
                {"options.affectation_resultats.plan_retour_equilibre": True},
                "Un déficit structurel ayant été constaté lors du diagnostic partagé",
                "affectation-resultats",
            ),
            Choice(
                "clause de sauvegarde",
                {"options.affectation_resultats.plan_retour_equilibre": False},
                "Si un déficit structurel venait à être constaté",
                "affectation-resultats",
            ),
        ],
    ),
    "préavis de dénonciation": (
        "association-horizons",
        [
            Choice(
                "six mois",
                {"options.denonciation.preavis_mois": 6},
                "préavis de six mois",
                "denonciation",
            ),
            Choice(
                "trois mois",
                {"options.denonciation.preavis_mois": 3},
                "préavis de trois mois",
                "denonciation",
            ),
        ],
    ),
    "renouvellement": (
        "association-horizons",
        [
            Choice(
                "prévu",
                {"options.renouvellement": {"prevu": True, "delai_mois": 9, "duree_annees": 4}},
                "au plus tard neuf mois avant l'échéance",
                "renouvellement",
                ("pour une durée de quatre ans",),
            ),
            Choice(
                "aucun",
                {"options.renouvellement": {"prevu": False}},
                "n'est pas renouvelable par tacite reconduction",
                "renouvellement",
            ),
        ],
    ),
    "forme juridique": (
        "groupe-ker-avel",
        [
            Choice(
                "association",
                {"organisme.forme_juridique": "association"},
                "dûment habilitée par son conseil d'administration",
                "parties",
            ),
            Choice(
                "etablissement_public",
                {"organisme.forme_juridique": "etablissement_public"},
                "après délibération de son conseil d'administration",
                "parties",
            ),
            Choice(
                "groupe_prive",
                {"organisme.forme_juridique": "groupe_prive"},
                "dûment habilitée à l'effet des présentes",
                "parties",
            ),
        ],
    ),
    "GCSMS": (
        "gcsms-estuaire",
        [
            Choice(
                "groupement",
                {
                    "organisme.gcsms.autorisations": "groupement",
                    "organisme.gcsms.membres": [],
                    **{f"etablissements.{i}.membre": _DELETE for i in range(4)},
                },
                "Il est seul partie au contrat au titre de l'organisme gestionnaire",
                "gcsms",
            ),
            Choice(
                "membres",
                {},
                "constitue le socle commun des engagements des parties",
                "gcsms",
                ("ci-après ensemble « les membres »", "Annexe propre", "Retrait d'un membre"),
            ),
        ],
    ),
    "départements multiples": (
        "association-horizons",
        [
            Choice(
                "declinaisons_departementales",
                {
                    **GARD_PARTY,
                    "options.multi_departements.declinaison": "declinaisons_departementales",
                },
                "complété par une déclinaison départementale conclue avec le Département du Gard",
                "multi-departements",
            ),
            Choice(
                "avenants_par_enveloppe",
                {**GARD_PARTY, "options.multi_departements.declinaison": "avenants_par_enveloppe"},
                "font l'objet d'un avenant propre à cette enveloppe",
                "multi-departements",
            ),
            Choice(
                "Département non partie",
                {},
                "Le Département du Gard n'est pas partie au présent contrat",
                "multi-departements",
            ),
        ],
    ),
    "département pilote": (
        "association-horizons",
        [
            Choice(
                "siège",
                {**GARD_PARTY, "options.multi_departements.critere": "siege"},
                "où est situé le siège de l'organisme gestionnaire",
                "multi-departements",
            ),
            Choice(
                "plus grand établissement",
                {
                    **GARD_PARTY,
                    "options.multi_departements.critere": "plus_grand_etablissement",
                    "etablissements.4.capacites.0.places": 120,  # the MAS, in the Gard
                },
                "où est implanté l'établissement ou service de plus grande capacité",
                "multi-departements",
                ("avec le Département du Gard",),
            ),
            Choice(
                "nombre d'établissements",
                {**GARD_PARTY, "options.multi_departements.critere": "nombre_etablissements"},
                "qui compte le plus grand nombre d'établissements et services",
                "multi-departements",
                ("avec le Département de l'Hérault",),
            ),
        ],
    ),
    "exercices incomplets": (
        "association-bocage",
        [
            Choice(
                "jours",
                {"contrat.prorata": "jours"},
                "calculée en jours, sur le nombre de jours de l'année",
                "versement",
                ("2027 (275 jours sur 365)",),
            ),
            Choice(
                "mois",
                {"contrat.prorata": "mois"},
                "calculée en mois entiers, sur douze mois",
                "versement",
                ("2027 (neuf mois)",),
            ),
            Choice(
                "exercices entiers",
                {"contrat.date_effet": "2027-01-01"},
                "Il porte sur les exercices 2027 à 2031.",
                "duree",
            ),
        ],
    ),
    "modulation selon l'activité": (
        "gcsms-estuaire",
        [
            Choice(
                "modulation",
                {
                    "options.modulation_activite": True,
                    **{
                        f"etablissements.{i}.objectif_activite": objective
                        for i, objective in ACTIVITY_OBJECTIVES.items()
                    },
                },
                "peut être modulée en fonction de l'objectif d'activité fixé pour lui",
                "financement-handicap",
                ("Objectif d'activité", "taux d'occupation : 92\u00a0%"),
            ),
            Choice(
                "sans modulation",
                {},
                "ne prévoit pas de modulation des dotations en fonction de l'activité",
                "financement-handicap",
            ),
        ],
    ),
    "frais de siège : durée de l'autorisation": (
        "groupe-ker-avel",
        [
            Choice(
                "dates de l'arrêté",
                {},
                "Cette autorisation est délivrée pour cinq ans à compter du 1er\u00a0juillet 2025",
                "frais-de-siege",
                ("aucune quote-part de frais de siège n'est imputée",),
            ),
            Choice(
                "durée non renseignée",
                {
                    "options.frais_de_siege.date_debut": _DELETE,
                    "options.frais_de_siege.duree_annees": _DELETE,
                },
                "Cette autorisation vaut pour la durée que fixe cet arrêté",
                "frais-de-siege",
            ),
        ],
    ),
    "frais de siège : base du taux": (
        "groupe-ker-avel",
        [
            Choice(
                "charges brutes",
                {},
                "des charges brutes des sections d'exploitation des établissements et services",
                "frais-de-siege",
            ),
            Choice(
                "classe 6",
                {"options.frais_de_siege.assiette": "charges_classe6"},
                "du total des charges de classe 6 des établissements et services",
                "frais-de-siege",
            ),
        ],
    ),
    "frais de siège : établissement nouveau": (
        "groupe-ker-avel",
        [
            Choice(
                "quote-part",
                {},
                "supporte une quote-part des frais de siège, calculée sur les charges",
                "frais-de-siege",
            ),
            Choice(
                "exclu",
                {"options.frais_de_siege.nouvel_etablissement": "exclu"},
                "ne supporte aucune quote-part des frais de siège jusqu'au renouvellement",
                "frais-de-siege",
            ),
            Choice(
                "non précisé",
                {"options.frais_de_siege.nouvel_etablissement": _DELETE},
                None,
            ),
        ],
    ),
    "CHRS : tarif plafond": (
        "chrs-gironde",
        [
            Choice(
                "au-dessus du plafond",
                {},
                "sa dotation excède ce plafond de 89\u202f600,00\u00a0€",
                "financement-chrs",
                ("Échéanciers de convergence",),
            ),
            Choice(
                "sous le plafond",
                {"etablissements.0.financements.0.dotation": 1100000.00},
                "pour sa capacité autorisée ; sa dotation est inférieure à ce plafond, que son "
                "actualisation ne peut lui faire dépasser ;",
                "financement-chrs",
            ),
        ],
    ),
}

DGC_PURPOSES = {
    "reconduction_actualisee": "la reconduction annuelle des moyens",
    "surcouts_investissement": "la couverture, sur plusieurs exercices, des surcoûts",
    "convergence": "l'alignement progressif des moyens",
    "reduction_ecarts": "à la suite de la procédure prévue à l'article R. 314-33",
}
# The purposes of the multi-year budget (R. 314-39) are those of the establishments under
# L. 313-11: the Département-only sample has them.
DGC_BASE = "association-bocage"

CASES = [
    (group, base, choice, [c for c in choices if c is not choice])
    for group, (base, choices) in GROUPS.items()
    for choice in choices
]


def _text(doc: Document) -> str:
    return to_markdown(doc)


@pytest.mark.parametrize(
    ("group", "base", "choice", "others"),
    CASES,
    ids=[f"{group}: {choice.name}" for group, _, choice, _ in CASES],
)
def test_variant_text_present_only_when_selected(
    group: str, base: str, choice: Choice, others: list[Choice], library: Library
) -> None:
    doc = _compose(base, choice.changes, library)
    text = _text(doc)
    if choice.text is not None:
        assert choice.text in (doc.article(choice.clause).body if choice.clause else text)
    for extra in choice.extra:
        assert extra in text
    for other in others:
        if other.text is not None:
            assert other.text not in text, f"{group}: texte de « {other.name} » présent"


def test_no_head_office_fees_removes_article_annex_and_visa(library: Library) -> None:
    base, choices = GROUPS["frais de siège"]
    doc = _compose(base, choices[0].changes, library)
    ids = {a.clause_id for a in doc.articles()}
    assert not {"frais-de-siege", "annexe-frais-de-siege"} & ids
    assert "frais de siège" not in _text(doc)


@pytest.mark.parametrize("purpose", list(DGC_PURPOSES))
def test_each_dotation_purpose_alone(purpose: str, library: Library) -> None:
    changes = {f"options.dotation_globale_commune.{p}": p == purpose for p in DGC_PURPOSES}
    body = _compose(DGC_BASE, changes, library).article("dotation-globale-commune").body
    for other, text in DGC_PURPOSES.items():
        assert (text in body) == (other == purpose), other


def test_all_dotation_purposes_together(library: Library) -> None:
    changes = {f"options.dotation_globale_commune.{p}": True for p in DGC_PURPOSES}
    body = _compose(DGC_BASE, changes, library).article("dotation-globale-commune").body
    purposes = body.split("ont pour objet :")[1].split("\n\n")[1]
    assert all(text in purposes for text in DGC_PURPOSES.values())
    assert purposes.rstrip().endswith("l'action sociale et des familles.")  # the last item
    assert purposes.count(" ;\n") == 3  # the three others end with a semicolon


def test_sector_visas_follow_the_perimeter(library: Library) -> None:
    docs = {c: _compose(c, {}, library) for c in ("groupe-ker-avel", "association-horizons")}
    ehpad, disability = (docs[c].article("objet").body for c in docs)
    assert "en application du IV ter de l'article L. 313-12" in ehpad
    assert "IV ter" not in disability
    assert "de l'article L. 313-12-2" in disability and "L. 313-12-2" not in ehpad
    ehpad_visas = docs["groupe-ker-avel"].article("visas").body
    assert "arrêté du 3 mars 2017" in ehpad_visas and "L. 313-12-2" not in ehpad_visas
    gcsms = _text(_compose("gcsms-estuaire", {}, library))
    assert "L. 345-1" in gcsms and "L. 345-1" not in _text(docs["association-horizons"])
    assert "domicilié en cette qualité" in gcsms  # the State, represented by the préfet
    assert "Creton" not in _text(docs["groupe-ker-avel"])  # no children's establishment


def test_members_annexes_and_signatures(library: Library) -> None:
    doc = _compose("gcsms-estuaire", {}, library)
    annexes = [a for a in doc.articles() if a.clause_id == "annexe-membre"]
    assert [a.instance for a in annexes] == [
        "relais-estuaire",
        "trajectoires-44",
        "fondation-genets",
    ]
    assert [p.kind for p in doc.parties] == ["organisme"] + ["membre"] * 3 + ["autorite"] * 3
    first, last = annexes[0].number, annexes[-1].number
    assert f"annexes\u00a0{first} à {last}" in doc.article("gcsms").body


def test_every_variant_of_the_library_is_in_the_matrix(library: Library) -> None:
    """A variant added to a clause must be added to this matrix too."""
    covered = {c.name for _, choices in GROUPS.values() for c in choices}
    for clause in library.clauses:
        for variant in clause.variants:
            if clause.id == "parties" and variant == "gcsms":
                continue  # the gcsms-estuaire sample, checked by the GCSMS group
            if clause.id == "annexe-investissements":
                continue  # follows options.investissement, covered by its group
            assert variant in covered, f"{clause.id}: variante « {variant} » hors matrice"
