"""Values derived from contract data that clauses and annexes print: ends, totals, labels."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .departements import DEPARTEMENTS, Departement
from .french import CENT
from .model import Autorite, Contract, Etablissement, Membre

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

ONE_DAY = dt.timedelta(days=1)

# Establishments for children and adolescents, where young adults may stay under L. 242-4.
CHILDREN_CATEGORIES = frozenset({"IME", "IEM", "ITEP", "CAFS"})

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
class CategoryFacts:
    categorie: str
    libelle: str
    etablissements: int
    places: int
    dotation: Decimal


@dataclass(frozen=True)
class FeeShare:
    """One establishment's share of the head-office fees."""

    etablissement: Etablissement
    montant: Decimal
    part: Decimal  # percent of the total, rounded to two decimals


@dataclass(frozen=True)
class MemberFacts:
    """A member of a GCSMS and what it brings to the contract."""

    membre: Membre
    etablissements: tuple[EstablishmentFacts, ...]
    places: int
    dotation: Decimal

    @property
    def cle(self) -> str:
        return self.membre.cle


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
    categories: tuple[CategoryFacts, ...]
    frais_de_siege: tuple[FeeShare, ...]
    investissements_total: Decimal
    surcouts_total: Decimal
    membres: tuple[MemberFacts, ...]
    departement_pilote: Departement
    accueil_enfants: bool  # children's establishments, where the amendement Creton applies


def derive(data: Contract) -> Facts:
    """Compute every derived value once; clauses print them, never recompute them."""
    start = data.contrat.date_effet
    years = data.contrat.duree_annees
    end = add_years(start, years) - ONE_DAY
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
        categories=_categories(establishments),
        frais_de_siege=_fee_shares(data),
        investissements_total=sum((o.montant for o in data.investissements), Decimal(0)),
        surcouts_total=sum((o.surcout_exploitation for o in data.investissements), Decimal(0)),
        membres=_members(data, establishments),
        departement_pilote=DEPARTEMENTS[_pilot(data, establishments)],
        accueil_enfants=any(e.categorie in CHILDREN_CATEGORIES for e in data.etablissements),
    )


def _categories(establishments: tuple[EstablishmentFacts, ...]) -> tuple[CategoryFacts, ...]:
    order = list(CATEGORY_LABELS)
    present = sorted({f.etablissement.categorie for f in establishments}, key=order.index)
    rows = []
    for category in present:
        members = [f for f in establishments if f.etablissement.categorie == category]
        rows.append(
            CategoryFacts(
                category,
                CATEGORY_LABELS[category],
                len(members),
                sum(f.places for f in members),
                sum((f.dotation for f in members), Decimal(0)),
            )
        )
    return tuple(rows)


def _fee_shares(data: Contract) -> tuple[FeeShare, ...]:
    shares = [
        (e, e.quote_part_frais_de_siege)
        for e in data.etablissements
        if e.quote_part_frais_de_siege is not None
    ]
    total = sum((amount for _, amount in shares if amount is not None), Decimal(0))
    return tuple(
        FeeShare(e, amount, (amount * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP))
        for e, amount in shares
        if amount is not None and total
    )


def _members(
    data: Contract, establishments: tuple[EstablishmentFacts, ...]
) -> tuple[MemberFacts, ...]:
    gcsms = data.organisme.gcsms
    if gcsms is None or gcsms.autorisations != "membres":
        return ()
    result = []
    for membre in gcsms.membres:
        own = tuple(f for f in establishments if f.etablissement.membre == membre.cle)
        result.append(
            MemberFacts(
                membre,
                own,
                sum(f.places for f in own),
                sum((f.dotation for f in own), Decimal(0)),
            )
        )
    return tuple(result)


def _pilot(data: Contract, establishments: tuple[EstablishmentFacts, ...]) -> str:
    """The département whose authorities sign for a perimeter spread over several."""
    rule = data.options.multi_departements
    if rule is None or rule.critere == "siege":
        return data.organisme.departement
    if rule.critere == "plus_grand_etablissement":
        largest = max(establishments, key=lambda f: f.places)
        return largest.etablissement.departement
    counts = Counter(f.etablissement.departement for f in establishments)
    places: Counter[str] = Counter()
    for f in establishments:
        places[f.etablissement.departement] += f.places
    return max(counts, key=lambda code: (counts[code], places[code]))


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


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
