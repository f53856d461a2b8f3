"""Values derived from contract data that clauses and annexes print: ends, totals, labels.

The regimes, the funding by envelope and the calendar of exercices are computed in their own
modules (`regimes`, `financing`, `exercices`); this one puts every fact together, once, for
the clauses (`calcul.*`). Facts only grow: an attribute an old clause reads keeps its meaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..core.composed import composed, joined
from ..text.departements import DEPARTEMENTS, Departement
from .acts import autorisation_visa, deliberation_visa
from .avenant_prorata import ProrataAvenant, prorata_facts
from .categories import (
    AUTHORITY_TITLES,
    CATEGORIES,
    CATEGORY_LABELS,
    CHILDREN,
    PLACE_LABELS,
)
from .exercices import ONE_DAY, Periode, add_years, end_of, periods
from .financing import (
    Designated,
    EnvelopeGroup,
    FundingRow,
    annual_amount,
    envelope_groups,
    funding_row,
)
from .financing import project as project
from .head_office import FeeShare, SiegeFacts, fee_shares, siege_facts
from .model import ContractData, Etablissement
from .model_parties import Autorite, Membre
from .prorogation import ProrogationFacts
from .regimes import ORDER, REGIMES, Regime, cover_line, regime_of
from .schedule import Echeancier, apply
from .territory import (
    CategoryFacts,
    DepartementFacts,
    category_facts,
    departement_facts,
    pilot_code,
)

__all__ = [
    "AUTHORITY_TITLES",
    "CATEGORY_LABELS",
    "ONE_DAY",
    "PLACE_LABELS",
    "add_years",
    "derive",
    "project",
]

# Establishments for children and adolescents, where young adults may stay under L. 242-4.
CHILDREN_CATEGORIES = CHILDREN
_EN = {kind: "" if kind == "places" else f" en {label}" for kind, label in PLACE_LABELS.items()}


@dataclass(frozen=True)
class Terme:
    """A defined term of the contract, printed with the filters le, du, au."""

    article: str  # « l' », or "" when the term carries its own determiner (« chaque membre »)
    nom: str


@dataclass(frozen=True)
class EstablishmentFacts(Designated):
    etablissement: Etablissement
    places: int
    dotation: Decimal
    capacites_texte: str  # « 60 places en internat, 12 places en semi-internat »
    financeurs_texte: str  # « Agence régionale de santé Occitanie, Département de l'Hérault »
    regime: str = "volontaire"
    designation: str = ""  # « foyer de vie « Les Chênes » »
    financements: tuple[FundingRow, ...] = ()


@dataclass(frozen=True)
class RegimeFacts:
    """One regime of the contract: its legal basis, its establishments and their funding."""

    cle: str
    regime: Regime
    etablissements: tuple[EstablishmentFacts, ...]
    enveloppes: tuple[EnvelopeGroup, ...]

    @property
    def base(self) -> str:
        return self.regime.base

    @property
    def types_financeurs(self) -> frozenset[str]:
        """The types of authority (ars, departement, prefet) that fund this part."""
        return frozenset(r.autorite.type for f in self.etablissements for r in f.financements)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(f.etablissement.categorie for f in self.etablissements)


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
class MemberFacts:
    """A member of a GCSMS and what it brings to the contract."""

    membre: Membre
    etablissements: tuple[EstablishmentFacts, ...]
    places: int
    dotation: Decimal
    enveloppes: tuple[EnvelopeGroup, ...] = ()

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
    # Added with the regimes (clauses of version 2 and later):
    periodes: tuple[Periode, ...]  # the exercices, with the share of each year covered
    regimes: tuple[RegimeFacts, ...]
    regime_present: frozenset[str]
    financements: tuple[FundingRow, ...]
    enveloppes: tuple[EnvelopeGroup, ...]  # by funder and envelope: never pooled
    gestionnaire: Terme  # « l'organisme gestionnaire », or « chaque membre » of a GCSMS
    base_legale: str  # the legal basis printed on the cover
    departements_parties: tuple[DepartementFacts, ...]  # département authorities that sign
    pilote_partie: bool  # the pilot département's Département signs the contract
    siege: SiegeFacts
    mi_parcours: int  # the exercice in which the middle of the contract falls
    # Added with the prorogation avenant: the prorogued period (date_fin is then its end).
    prorogation: ProrogationFacts | None
    # Exercices of a consolidated version that its avenants prorated, line by line.
    prorata_avenants: tuple[ProrataAvenant, ...]
    # Added with the visas of individual acts (clause visas v5, avenant-visas v2), as the
    # visas word them without « Vu » and « ; »:
    autorisations: tuple[str, ...] = ()  # each establishment's arrêté d'autorisation, if given
    deliberations: tuple[str, ...] = ()  # the délibérations of `deliberations:`

    @property
    def eprd(self) -> bool:
        """Some establishments present an état des prévisions de recettes et de dépenses."""
        return any(r.regime.eprd for r in self.regimes)

    @property
    def convergences(self) -> tuple[FundingRow, ...]:
        return tuple(r for r in self.financements if r.convergence is not None)

    @property
    def tarifs(self) -> tuple[FundingRow, ...]:
        return tuple(r for r in self.financements if r.tarifs)


def derive(data: ContractData, echeancier: Echeancier | None = None) -> Facts:
    """Compute every derived value once; clauses print them, never recompute them.

    With the `echeancier` of a version consolidated after an avenant, every amount is that
    schedule's: signed exercices as signed, the year of effect prorated (see splice.py); an
    establishment the avenant closed keeps its funding rows up to its closure.
    """
    start = data.contrat.date_effet
    initial = end_of(start, data.contrat.duree_annees)
    prorogation = data.contrat.prorogation
    end = prorogation.jusqu_au if prorogation is not None else initial
    exercices = tuple(range(start.year, end.year + 1))
    periodes = periods(start, end, data.contrat.prorata)
    names = {a.cle: a.nom_court or a.nom for a in data.autorites}
    by_key = {a.cle: a for a in data.autorites}
    types = {a.cle: a.type for a in data.autorites}
    rate = data.options.taux_actualisation
    spliced = echeancier if echeancier is not None and echeancier.avenant is not None else None
    establishments = tuple(
        _establishment(e, names, regime_of(e, types), by_key, periodes, rate, spliced)
        for e in data.etablissements
    )
    codes = sorted({e.departement for e in data.etablissements})
    closed = _closed(spliced, names, types, by_key, periodes, rate)
    if spliced is None:
        financial = tuple(
            FinancialRow(
                e,
                by_key[f.financeur],
                project(annual_amount(f) or Decimal(0), rate, len(exercices)),
            )
            for e in data.etablissements
            for f in e.financements
        )
    else:
        financial = tuple(
            FinancialRow(r.etablissement, r.autorite, r.montants or _zeros(len(exercices)))
            for f in (*establishments, *closed)
            for r in f.financements
        )
    rows = tuple(row for f in (*establishments, *closed) for row in f.financements)
    authorities = tuple(_authority(a, financial, len(exercices)) for a in data.autorites)
    signing = {a.departement: a for a in data.autorites if a.type == "departement"}
    departements = tuple(
        departement_facts(code, establishments, signing.get(code)) for code in codes
    )
    pilot = pilot_code(data, establishments)
    funders = tuple(a.cle for a in data.autorites)
    gcsms = data.organisme.gcsms
    members = gcsms.membres if gcsms is not None and gcsms.autorisations == "membres" else []
    regimes = _regimes(establishments, len(periodes), funders, tuple(members), closed)
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
        categories=category_facts(establishments),
        frais_de_siege=fee_shares(data),
        investissements_total=sum((o.montant for o in data.investissements), Decimal(0)),
        surcouts_total=sum((o.surcout_exploitation for o in data.investissements), Decimal(0)),
        membres=_members(data, establishments, len(periodes), funders),
        departement_pilote=DEPARTEMENTS[pilot],
        accueil_enfants=any(e.categorie in CHILDREN_CATEGORIES for e in data.etablissements),
        periodes=periodes,
        regimes=regimes,
        regime_present=frozenset(r.cle for r in regimes),
        financements=rows,
        enveloppes=envelope_groups(rows, len(periodes), funders),
        gestionnaire=_manager_term(data),
        base_legale=cover_line(r.cle for r in regimes),
        departements_parties=tuple(
            departement_facts(code, establishments, authority)
            for code, authority in sorted(signing.items())
            if code is not None
        ),
        pilote_partie=pilot in signing,
        siege=siege_facts(data),
        mi_parcours=(start + (initial - start) / 2).year,
        autorisations=tuple(
            visa for e in data.etablissements if (visa := autorisation_visa(e, by_key))
        ),
        deliberations=tuple(
            visa for d in data.deliberations if (visa := deliberation_visa(d, data))
        ),
        prorata_avenants=prorata_facts(spliced, rows, periodes),
        prorogation=(
            ProrogationFacts(initial + ONE_DAY, end, initial) if prorogation is not None else None
        ),
    )


def _regimes(
    establishments: tuple[EstablishmentFacts, ...],
    years: int,
    funders: tuple[str, ...],
    members: tuple[Membre, ...] = (),
    closed: tuple[EstablishmentFacts, ...] = (),
) -> tuple[RegimeFacts, ...]:
    """Each regime with its funding by funder and envelope, and by member of a GCSMS whose
    members hold the authorisations (no dotation is common to two legal persons); `closed`
    establishments add their funding up to their closure, not themselves."""
    result = []
    for key in ORDER:
        own = tuple(f for f in establishments if f.regime == key)
        if own:
            gone = (f for f in closed if f.regime == key)
            rows = tuple(r for f in (*own, *gone) for r in f.financements)
            groups = envelope_groups(rows, years, funders, members)
            result.append(RegimeFacts(key, REGIMES[key], own, groups))
    return tuple(result)


def _manager_term(data: ContractData) -> Terme:
    gcsms = data.organisme.gcsms
    if gcsms is not None and gcsms.autorisations == "membres":
        return Terme("", "chaque membre")
    return Terme("l'", "organisme gestionnaire")


def _members(
    data: ContractData,
    establishments: tuple[EstablishmentFacts, ...],
    years: int,
    funders: tuple[str, ...],
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
                envelope_groups(tuple(r for f in own for r in f.financements), years, funders),
            )
        )
    return tuple(result)


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


def _establishment(
    etab: Etablissement,
    names: Mapping[str, str],
    regime: str,
    authorities: Mapping[str, Autorite],
    periodes: tuple[Periode, ...],
    rate: Decimal,
    echeancier: Echeancier | None = None,
) -> EstablishmentFacts:
    parts: list[str] = [
        composed([(c, "places"), f" place{'s' if c.places > 1 else ''}", _EN[c.type]])
        for c in etab.capacites
    ]
    if not parts:  # a service at home authorised without places
        zone = etab.zone_intervention
        parts = ["sans capacité en places" + (f", intervenant sur {zone}" if zone else "")]
    designation = f"{CATEGORIES[etab.categorie].court} « {etab.nom} »"
    rows = tuple(
        funding_row(etab, designation, regime, authorities[f.financeur], f, periodes, rate)
        for f in etab.financements
    )
    dotation = sum((annual_amount(f) or Decimal(0) for f in etab.financements), Decimal(0))
    if echeancier is not None:
        rows = tuple(apply(r, echeancier) for r in rows)
        dotation = sum((r.annuel or Decimal(0) for r in rows if r.annuels), Decimal(0))
    return EstablishmentFacts(
        etablissement=etab,
        places=sum(c.places for c in etab.capacites),
        dotation=dotation,
        capacites_texte=joined(", ", parts),  # where each capacity's places stand
        financeurs_texte=", ".join(names[f.financeur] for f in etab.financements),
        regime=regime,
        designation=designation,
        financements=rows,
    )


def _zeros(years: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(0) for _ in range(years))


def _closed(
    echeancier: Echeancier | None,
    names: Mapping[str, str],
    types: Mapping[str, str],
    authorities: Mapping[str, Autorite],
    periodes: tuple[Periode, ...],
    rate: Decimal,
) -> tuple[EstablishmentFacts, ...]:
    """Establishments an avenant closed: out of the perimeter, funded up to their closure."""
    if echeancier is None:
        return ()
    closed = {line.ferme.finess: line.ferme for line in echeancier.lignes if line.ferme}
    return tuple(
        _establishment(e, names, regime_of(e, types), authorities, periodes, rate, echeancier)
        for e in closed.values()
        if all(f.financeur in authorities for f in e.financements)
    )
