"""Values derived from contract data that clauses and annexes print: ends, totals, labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .departements import DEPARTEMENTS, Departement
from .french import CENT
from .model import Autorite, Contract, Etablissement

CATEGORY_LABELS: Mapping[str, str] = {
    "EHPAD": "établissement d'hébergement pour personnes âgées dépendantes",
    "SSIAD": "service de soins infirmiers à domicile",
    "IME": "institut médico-éducatif",
    "IEM": "institut d'éducation motrice",
    "ITEP": "institut thérapeutique, éducatif et pédagogique",
    "CAFS": "centre d'accueil familial spécialisé",
    "CAMSP": "centre d'action médico-sociale précoce",
    "BAPU": "bureau d'aide psychologique universitaire",
    "SESSAD": "service d'éducation spéciale et de soins à domicile",
    "CMPP": "centre médico-psycho-pédagogique",
    "CRP": "centre de rééducation professionnelle",
    "CPO": "centre de préorientation",
    "MAS": "maison d'accueil spécialisée",
    "FAM": "foyer d'accueil médicalisé",
    "SAMSAH": "service d'accompagnement médico-social pour adultes handicapés",
    "ESAT": "établissement et service d'aide par le travail",
    "HTPH": "accueil temporaire pour personnes handicapées",
    "CHRS": "centre d'hébergement et de réinsertion sociale",
    "SAAD": "service d'aide et d'accompagnement à domicile",
}

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


@dataclass(frozen=True)
class EstablishmentFacts:
    etablissement: Etablissement
    places: int
    dotation: Decimal
    capacites_texte: str  # « 60 places en internat, 12 places en semi-internat »
    financeurs_texte: str  # « Agence régionale de santé Occitanie, Département de l'Hérault »


@dataclass(frozen=True)
class FinancialRow:
    """One establishment's allocation from one funder, projected over the contract's years."""

    etablissement: Etablissement
    autorite: Autorite
    montants: tuple[Decimal, ...]


@dataclass(frozen=True)
class AuthorityFacts:
    autorite: Autorite
    dotation: Decimal
    etablissements: tuple[Etablissement, ...]
    financier: tuple[FinancialRow, ...]  # this funder's rows of the financial annex
    totaux: tuple[Decimal, ...]  # this funder's total for each year


@dataclass(frozen=True)
class DepartementFacts:
    code: str
    departement: Departement
    etablissements: int
    places: int
    dotation: Decimal


@dataclass(frozen=True)
class Facts:
    date_fin: dt.date
    exercices: tuple[int, ...]
    etablissements: tuple[EstablishmentFacts, ...]
    autorites: tuple[AuthorityFacts, ...]
    departements: tuple[DepartementFacts, ...]
    total_places: int
    total_dotation: Decimal
    multi_departements: bool
    financier: tuple[FinancialRow, ...]
    financier_totaux: tuple[Decimal, ...]


def derive(data: Contract) -> Facts:
    """Compute every derived value once; clauses print them, never recompute them."""
    start = data.contrat.date_effet
    years = data.contrat.duree_annees
    end = _add_years(start, years) - dt.timedelta(days=1)
    exercices = tuple(range(start.year, end.year + 1))
    names = {a.cle: a.nom_court or a.nom for a in data.autorites}
    establishments = tuple(_establishment(e, names) for e in data.etablissements)
    codes = sorted({e.departement for e in data.etablissements})
    by_key = {a.cle: a for a in data.autorites}
    financial = tuple(
        FinancialRow(
            e,
            by_key[f.financeur],
            project(f.dotation, data.options.taux_actualisation, len(exercices)),
        )
        for e in data.etablissements
        for f in e.financements
    )
    authorities = tuple(_authority(a, financial, len(exercices)) for a in data.autorites)
    departements = tuple(
        DepartementFacts(
            code,
            DEPARTEMENTS[code],
            sum(1 for f in establishments if f.etablissement.departement == code),
            sum(f.places for f in establishments if f.etablissement.departement == code),
            sum(
                (f.dotation for f in establishments if f.etablissement.departement == code),
                Decimal(0),
            ),
        )
        for code in codes
    )
    return Facts(
        date_fin=end,
        exercices=exercices,
        etablissements=establishments,
        autorites=authorities,
        departements=departements,
        total_places=sum(f.places for f in establishments),
        total_dotation=sum((f.dotation for f in establishments), Decimal(0)),
        multi_departements=len(codes) > 1,
        financier=financial,
        financier_totaux=_totals(financial, len(exercices)),
    )


def _authority(
    autorite: Autorite, financial: tuple[FinancialRow, ...], years: int
) -> AuthorityFacts:
    rows = tuple(r for r in financial if r.autorite.cle == autorite.cle)
    return AuthorityFacts(
        autorite=autorite,
        dotation=sum((r.montants[0] for r in rows), Decimal(0)),
        etablissements=tuple(r.etablissement for r in rows),
        financier=rows,
        totaux=_totals(rows, years),
    )


def _totals(rows: tuple[FinancialRow, ...], years: int) -> tuple[Decimal, ...]:
    return tuple(sum((r.montants[i] for r in rows), Decimal(0)) for i in range(years))


def project(amount: Decimal, rate_percent: Decimal, years: int) -> tuple[Decimal, ...]:
    """Yearly amounts updated at `rate_percent`, each year rounded to the cent as notified."""
    factor = 1 + rate_percent / 100
    amounts = [amount]
    for _ in range(years - 1):
        amounts.append((amounts[-1] * factor).quantize(CENT, rounding=ROUND_HALF_UP))
    return tuple(amounts)


def _establishment(etab: Etablissement, names: Mapping[str, str]) -> EstablishmentFacts:
    parts = [
        f"{c.places} place{'s' if c.places > 1 else ''}"
        + ("" if c.type == "places" else f" en {PLACE_LABELS[c.type]}")
        for c in etab.capacites
    ]
    return EstablishmentFacts(
        etablissement=etab,
        places=sum(c.places for c in etab.capacites),
        dotation=sum((f.dotation for f in etab.financements), Decimal(0)),
        capacites_texte=", ".join(parts),
        financeurs_texte=", ".join(names[f.financeur] for f in etab.financements),
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
