"""What each funder pays, by establishment, by envelope and by exercice.

Money is allocated per funder and per envelope of credits: two envelopes are never pooled,
even for the same establishment. Each row projects one `financements` entry over the
contract's exercices: full-year amounts (updated at the contract's rate, or along a
convergence path), then prorated for a partial first or last exercice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..text.french import CENT
from .categories import ENVELOPE_LABELS, ENVELOPE_SHORT, SERVICES, Designe, designe, envelopes
from .exercices import Periode
from .model import Etablissement
from .model_financing import Financement
from .model_parties import Autorite, Membre

NATURE_LABELS = {
    "dotation": "dotation globale",
    "forfait_soins": "forfait global relatif aux soins",
    "forfait_dependance": "forfait global relatif à la dépendance",
    "hebergement": "tarif journalier afférent à l'hébergement",
    "prix_de_journee": "prix de journée",
    "tarif_horaire": "tarif horaire",
}


def annual_amount(f: Financement) -> Decimal | None:
    """The full-year amount of the first exercice; None for a tariff without allocation."""
    if f.dotation is not None:
        return f.dotation
    if f.forfait_soins is not None:
        return f.forfait_soins.montant + f.forfait_soins.financements_complementaires
    if f.forfait_dependance is not None:
        return f.forfait_dependance.montant
    if f.prix_de_journee is not None:
        return _cents(f.prix_de_journee.tarif * f.prix_de_journee.journees)
    if f.tarif_horaire is not None:
        return _cents(f.tarif_horaire.tarif * f.tarif_horaire.heures)
    return None


def tariff(f: Financement) -> Decimal | None:
    """The unit tariff of a financement priced by the day or the hour."""
    if f.prix_de_journee is not None:
        return f.prix_de_journee.tarif
    if f.tarif_horaire is not None:
        return f.tarif_horaire.tarif
    if f.hebergement is not None:
        return f.hebergement.tarif_journalier
    return None


def volume(f: Financement) -> Decimal | None:
    """The forecast volume (days or hours) a price by the day or the hour applies to."""
    if f.prix_de_journee is not None:
        return Decimal(f.prix_de_journee.journees)
    if f.tarif_horaire is not None:
        return Decimal(f.tarif_horaire.heures)
    return None


def _tariff_label(f: Financement) -> str:
    if f.hebergement is not None:
        return NATURE_LABELS["hebergement"]
    if f.prix_de_journee is not None or f.tarif_horaire is not None:
        return NATURE_LABELS[f.nature]
    return ""


@dataclass(frozen=True)
class Convergence:
    """A yearly path from the amount of the first exercice to a target (full-year amounts)."""

    depart: Decimal
    cible: Decimal
    echeance: int
    annees: tuple[int, ...]
    montants: tuple[Decimal, ...]

    @property
    def sens(self) -> str:
        return "hausse" if self.cible > self.depart else "baisse"

    @property
    def ecarts(self) -> tuple[Decimal, ...]:
        return tuple(m - self.cible for m in self.montants)


class Designated:
    """An establishment as the text names it, for rows and facts that carry one."""

    etablissement: Etablissement
    designation: str  # « foyer de vie « Les Chênes » »

    @property
    def terme(self) -> Designe:
        """The establishment for the filters le, du, au: « le foyer de vie « Les Chênes » »."""
        return designe(self.etablissement.categorie, self.designation)

    @property
    def service(self) -> bool:
        """A service (SAVS, SAMSAH, SSIAD…) rather than an establishment."""
        return self.etablissement.categorie in SERVICES


@dataclass(frozen=True)
class FundingRow(Designated):
    """One funder's financement of one establishment, over the exercices of the contract."""

    etablissement: Etablissement
    designation: str  # « IME « Les Tamaris » »
    regime: str
    autorite: Autorite
    financement: Financement
    nature: str
    nature_libelle: str
    tarif_libelle: str  # what the unit tariff is, when there is one
    enveloppe: str
    enveloppe_libelle: str
    enveloppe_court: str
    annuel: Decimal | None  # full-year amount of the first exercice
    annuels: tuple[Decimal, ...]  # full-year amounts, one per exercice (empty: tariff only)
    montants: tuple[Decimal, ...]  # amounts of each exercice, prorated when partial
    tarifs: tuple[Decimal, ...]  # unit tariffs, one per exercice (empty: none)
    convergence: Convergence | None
    plafond: Decimal | None  # CHRS: tarif plafond by place × places


@dataclass(frozen=True)
class EnvelopeGroup:
    """What one funder pays from one envelope: never added to another envelope."""

    autorite: Autorite
    enveloppe: str
    libelle: str
    court: str
    lignes: tuple[FundingRow, ...]
    annuel: Decimal
    totaux: tuple[Decimal, ...]
    # A GCSMS whose members hold the authorisations: the member paid, when grouped by member.
    membre: Membre | None = None

    @property
    def commune(self) -> bool:
        """Several establishments share one dotation globalisée (R. 314-43-1)."""
        return len(self.lignes) > 1


def funding_row(
    etab: Etablissement,
    designation: str,
    regime: str,
    autorite: Autorite,
    f: Financement,
    periodes: tuple[Periode, ...],
    rate: Decimal,
) -> FundingRow:
    envelope = f.enveloppe or (envelopes(etab.categorie, autorite.type) or ("departement",))[0]
    base = annual_amount(f)
    convergence = _convergence(etab, f, periodes)
    plafond = None
    if f.tarif_plafond is not None:
        plafond = f.tarif_plafond.montant_place * sum(c.places for c in etab.capacites)
    if base is None:
        annuels: tuple[Decimal, ...] = ()
    elif convergence is not None:
        extra = f.forfait_soins.financements_complementaires if f.forfait_soins else Decimal(0)
        annuels = tuple(m + extra for m in convergence.montants)
    elif f.forfait_soins is not None or f.forfait_dependance is not None:
        # Forfaits follow the yearly point values fixed by arrêté: shown at constant value.
        annuels = tuple(base for _ in periodes)
    elif (days_or_hours := volume(f)) is not None:
        # A price by the day or the hour: each year's product is that year's tariff, as the
        # authority fixes it to the cent, times the forecast volume.
        unit_prices = project(tariff(f) or base, rate, len(periodes))
        annuels = tuple(_cents(t * days_or_hours) for t in unit_prices)
    else:
        annuels = project(base, rate, len(periodes))
        if plafond is not None:
            annuels = tuple(min(a, plafond) for a in annuels)
    unit = tariff(f)
    label = NATURE_LABELS[f.nature]
    if f.forfait_soins is not None and f.forfait_soins.financements_complementaires:
        label += " et financements complémentaires"
    return FundingRow(
        etablissement=etab,
        designation=designation,
        regime=regime,
        autorite=autorite,
        financement=f,
        nature=f.nature,
        nature_libelle=label,
        tarif_libelle=_tariff_label(f),
        enveloppe=envelope,
        enveloppe_libelle=ENVELOPE_LABELS[envelope],
        enveloppe_court=ENVELOPE_SHORT[envelope],
        annuel=base,
        annuels=annuels,
        montants=tuple(p.prorate(a) for p, a in zip(periodes, annuels, strict=True)),
        tarifs=project(unit, rate, len(periodes)) if unit is not None else (),
        convergence=convergence,
        plafond=plafond,
    )


def _convergence(
    etab: Etablissement, f: Financement, periodes: tuple[Periode, ...]
) -> Convergence | None:
    years = tuple(p.annee for p in periodes)
    soins = f.forfait_soins
    if soins is not None and soins.resultat_equation is not None:
        if soins.resultat_equation == soins.montant:
            return None
        target = soins.resultat_equation
        due = soins.convergence_echeance or years[-1]
        return Convergence(
            soins.montant, target, due, years, linear(soins.montant, target, years, due)
        )
    if f.tarif_plafond is not None and f.dotation is not None:
        ceiling = f.tarif_plafond.montant_place * sum(c.places for c in etab.capacites)
        if f.dotation <= ceiling:
            return None
        due = f.tarif_plafond.echeance or years[-1]
        return Convergence(f.dotation, ceiling, due, years, linear(f.dotation, ceiling, years, due))
    return None


def linear(
    start: Decimal, target: Decimal, years: tuple[int, ...], due: int
) -> tuple[Decimal, ...]:
    """Equal yearly steps from `start` (first year) to `target`, reached in `due`."""
    steps = max(due - years[0], 1)
    amounts = []
    for year in years:
        done = min(max(year - years[0], 0), steps)
        amounts.append(_cents(start + (target - start) * done / steps))
    return tuple(amounts)


def envelope_groups(
    rows: tuple[FundingRow, ...],
    years: int,
    funders: tuple[str, ...] = (),
    members: tuple[Membre, ...] = (),
) -> tuple[EnvelopeGroup, ...]:
    """Rows with an amount, grouped by funder (in the order of `funders`) and envelope; and,
    when `members` are given (a GCSMS whose members hold the authorisations), by member too:
    a dotation globalisée is common only to establishments of one legal person (R. 314-43-1)."""
    by_key = {m.cle: m for m in members}

    def key_of(row: FundingRow) -> tuple[str, str, str]:
        member = row.etablissement.membre if members else None
        return (row.autorite.cle, row.enveloppe, member or "")

    keys: list[tuple[str, str, str]] = []
    for row in rows:
        key = key_of(row)
        if row.annuel is not None and key not in keys:
            keys.append(key)
    order = list(ENVELOPE_LABELS)
    member_order = [m.cle for m in members]
    keys.sort(
        key=lambda k: (
            funders.index(k[0]) if k[0] in funders else len(funders),
            order.index(k[1]),
            member_order.index(k[2]) if k[2] in member_order else len(member_order),
        )
    )
    groups = []
    for key in keys:
        own = tuple(r for r in rows if key_of(r) == key and r.annuel is not None)
        groups.append(
            EnvelopeGroup(
                autorite=own[0].autorite,
                enveloppe=key[1],
                libelle=ENVELOPE_LABELS[key[1]],
                court=ENVELOPE_SHORT[key[1]],
                lignes=own,
                annuel=sum((r.annuel or Decimal(0) for r in own), Decimal(0)),
                totaux=tuple(sum((r.montants[i] for r in own), Decimal(0)) for i in range(years)),
                membre=by_key.get(key[2]),
            )
        )
    return tuple(groups)


def project(amount: Decimal, rate_percent: Decimal, years: int) -> tuple[Decimal, ...]:
    """Yearly amounts updated at `rate_percent`, each year rounded to the cent as notified."""
    factor = 1 + rate_percent / 100
    amounts = [amount]
    for _ in range(years - 1):
        amounts.append((amounts[-1] * factor).quantize(CENT, rounding=ROUND_HALF_UP))
    return tuple(amounts)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
