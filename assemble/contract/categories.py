"""Establishment categories: their labels, who may fund them, and from which envelope.

The table says, for each category of `etablissements[].categorie`, its full label (annexes),
its short designation in running text (« foyer de vie « Les Chênes » »), the public it serves,
and for each type of authority the envelopes of credits it may fund it from, the usual one
first. A funder outside this table is refused for drafts (`regime.financement-interdit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ARS = "ars"
DEPARTEMENT = "departement"
PREFET = "prefet"

PH = {ARS: ("assurance_maladie_ph",)}
PA = {ARS: ("assurance_maladie_pa",)}
CD = {DEPARTEMENT: ("departement",)}


@dataclass(frozen=True)
class Category:
    libelle: str  # « institut médico-éducatif »
    court: str  # « IME », « foyer de vie »: before the name in running text
    public: str  # pa (personnes âgées), ph (personnes handicapées), ahi, domicile
    financeurs: Mapping[str, tuple[str, ...]]  # authority type → envelopes, usual one first


def _c(libelle: str, court: str, public: str, *funders: Mapping[str, tuple[str, ...]]) -> Category:
    merged: dict[str, tuple[str, ...]] = {}
    for funder in funders:
        merged.update(funder)
    return Category(libelle, court, public, merged)


CATEGORIES: Mapping[str, Category] = {
    "EHPAD": _c(
        "établissement d'hébergement pour personnes âgées dépendantes", "EHPAD", "pa", PA, CD
    ),
    "SSIAD": _c(
        "service de soins infirmiers à domicile",
        "SSIAD",
        "pa",
        {ARS: ("assurance_maladie_pa", "assurance_maladie_ph")},
    ),
    "IME": _c("institut médico-éducatif", "IME", "ph", PH),
    "IEM": _c("institut d'éducation motrice", "IEM", "ph", PH),
    "ITEP": _c("institut thérapeutique, éducatif et pédagogique", "ITEP", "ph", PH),
    "CAFS": _c("centre d'accueil familial spécialisé", "CAFS", "ph", PH),
    "CAMSP": _c("centre d'action médico-sociale précoce", "CAMSP", "ph", PH, CD),
    "BAPU": _c("bureau d'aide psychologique universitaire", "BAPU", "ph", PH),
    "SESSAD": _c("service d'éducation spéciale et de soins à domicile", "SESSAD", "ph", PH),
    "CMPP": _c("centre médico-psycho-pédagogique", "CMPP", "ph", PH),
    "CRP": _c("centre de rééducation professionnelle", "CRP", "ph", PH),
    "CPO": _c("centre de préorientation", "CPO", "ph", PH),
    "MAS": _c("maison d'accueil spécialisée", "MAS", "ph", PH),
    "FAM": _c("foyer d'accueil médicalisé", "FAM", "ph", PH, CD),
    "SAMSAH": _c(
        "service d'accompagnement médico-social pour adultes handicapés", "SAMSAH", "ph", PH, CD
    ),
    "ESAT": _c(
        "établissement et service d'aide par le travail", "ESAT", "ph", {ARS: ("etat_esat",)}
    ),
    "HTPH": _c("accueil temporaire pour personnes handicapées", "HTPH", "ph", PH, CD),
    "CHRS": _c(
        "centre d'hébergement et de réinsertion sociale", "CHRS", "ahi", {PREFET: ("etat_ahi",)}
    ),
    "SAAD": _c("service d'aide et d'accompagnement à domicile", "SAAD", "domicile", CD),
    "SAD": _c("service autonomie à domicile", "SAD", "domicile", CD, PA),
    "PUV": _c("petite unité de vie", "PUV", "pa", PA, CD),
    "EHPA": _c("établissement d'hébergement pour personnes âgées", "EHPA", "pa", CD, PA),
    "RA": _c("résidence autonomie", "résidence autonomie", "pa", CD, PA),
    "AJA": _c("accueil de jour autonome pour personnes âgées", "accueil de jour", "pa", PA, CD),
    "FV": _c("foyer de vie pour adultes handicapés", "foyer de vie", "ph", CD),
    "FH": _c("foyer d'hébergement pour travailleurs handicapés", "foyer d'hébergement", "ph", CD),
    "EANM": _c(
        "établissement d'accueil non médicalisé pour personnes handicapées", "EANM", "ph", CD
    ),
    "SAVS": _c("service d'accompagnement à la vie sociale", "SAVS", "ph", CD),
}

# Categories whose ARS-funded establishments conclude the contract of L. 313-12-2: the
# establishments and services of the 2°, 5° and 7° of I of L. 312-1 (the centres d'action
# médico-sociale précoce, of the 3°, are left to the drafter: see docs/sources.md) and SSIAD.
L313_12_2 = frozenset(
    {
        "IME",
        "IEM",
        "ITEP",
        "CAFS",
        "BAPU",
        "SESSAD",
        "CMPP",
        "CRP",
        "CPO",
        "MAS",
        "FAM",
        "SAMSAH",
        "ESAT",
        "HTPH",
        "SSIAD",
    }
)
# The article running text puts before a designation (« l'IME « Les Tamaris » », « la MAS… »,
# « le foyer de vie… »); « le » for the others. Acronyms read letter by letter or as a word
# beginning with a vowel sound take the elided article.
CATEGORY_ARTICLES: Mapping[str, str] = {
    "EHPAD": "l'",
    "EHPA": "l'",
    "IME": "l'",
    "IEM": "l'",
    "ITEP": "l'",
    "ESAT": "l'",
    "EANM": "l'",
    "HTPH": "l'",
    "AJA": "l'",
    "MAS": "la",
    "PUV": "la",
    "RA": "la",
}


@dataclass(frozen=True)
class Designe:
    """An establishment named as running text names it, for the filters le, du, au:
    « le foyer de vie « Les Chênes » », « de l'IME « Les Tamaris » », « à la MAS… »."""

    article: str
    nom: str
    genre: str


def designe(categorie: str, designation: str) -> Designe:
    article = CATEGORY_ARTICLES.get(categorie, "le")
    return Designe(article, designation, "feminin" if article == "la" else "masculin")


# Categories that are services rather than establishments (« les services suivants »).
SERVICES = frozenset({"SSIAD", "SESSAD", "SAMSAH", "SAAD", "SAD", "SAVS"})
# Services at home, whose authorisation may carry no capacity in places.
WITHOUT_PLACES = frozenset({"SAAD", "SAD"})

# Establishments for children and adolescents, where young adults may stay under L. 242-4.
CHILDREN = frozenset({"IME", "IEM", "ITEP", "CAFS"})
EHPAD_LIKE = frozenset({"EHPAD", "PUV"})
DOMICILE = frozenset({"SAAD", "SAD"})

ENVELOPE_LABELS: Mapping[str, str] = {
    "assurance_maladie_ph": "crédits d'assurance maladie destinés aux personnes handicapées",
    "assurance_maladie_pa": "crédits d'assurance maladie destinés aux personnes âgées",
    "etat_esat": "crédits de l'État destinés aux établissements et services d'aide par le travail",
    "etat_ahi": "crédits de l'État destinés à l'hébergement et à l'insertion",
    "departement": "crédits du Département",
}
ENVELOPE_SHORT: Mapping[str, str] = {
    "assurance_maladie_ph": "assurance maladie, personnes handicapées",
    "assurance_maladie_pa": "assurance maladie, personnes âgées",
    "etat_esat": "aide par le travail",
    "etat_ahi": "hébergement et insertion",
    "departement": "crédits départementaux",
}


def envelopes(categorie: str, authority_type: str) -> tuple[str, ...]:
    """The envelopes an authority of this type may fund this category from; () if none."""
    return CATEGORIES[categorie].financeurs.get(authority_type, ())


# The label tables of `libelles.*`: their strings never change, old clauses print them.
CATEGORY_LABELS: Mapping[str, str] = {code: c.libelle for code, c in CATEGORIES.items()}
PLACE_LABELS: Mapping[str, str] = {
    "hebergement_permanent": "hébergement permanent",
    "hebergement_temporaire": "hébergement temporaire",
    "accueil_de_jour": "accueil de jour",
    "internat": "internat",
    "semi_internat": "semi-internat",
    "externat": "externat",
    "places": "places",
}
AUTHORITY_TITLES: Mapping[str, str] = {
    "ars": "Agence régionale de santé",
    "departement": "Conseil départemental",
    "prefet": "Préfecture",
}
