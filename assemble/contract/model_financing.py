"""What a funder pays for one establishment: a dotation, forfaits, tariffs, in the data model.

One `financements` entry per funder of an establishment. Its kind follows the regime: an
EHPAD receives a forfait global relatif aux soins from the ARS, a forfait global relatif à la
dépendance and, for places habilitées à l'aide sociale, a tarif journalier d'hébergement from
the Département; a CHRS a dotation globale de financement under a tarif plafond; a service à
domicile a tarif horaire; the others a dotation or a prix de journée.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..core.limits import MAX_PLACES
from ..core.validation import RuleError
from .fields import Annee, Cle, Date, Montant, Strict, Texte

Enveloppe = Literal[
    "assurance_maladie_ph",
    "assurance_maladie_pa",
    "etat_esat",
    "etat_ahi",
    "departement",
]
RegimeCle = Literal["ehpad", "handicap", "chrs", "domicile", "volontaire"]

CENT = Decimal("0.01")

# Yearly activity volumes: a day count or an hour count of one establishment.
Volume = Annotated[int, Field(ge=0, le=100 * MAX_PLACES * 366)]
Points = Annotated[int, Field(ge=0, le=10_000)]
ValeurPoint = Annotated[
    Decimal, Field(gt=0, le=1_000, decimal_places=4, description="Valeur du point, en euros.")
]


class ForfaitSoins(Strict):
    """The forfait global relatif aux soins of an EHPAD or PUV (1° of I of L. 314-2)."""

    montant: Montant = Field(
        description="Forfait de l'exercice de prise d'effet, en année pleine, financements "
        "complémentaires exclus."
    )
    option_tarifaire: Literal["partielle", "globale"] = Field(
        description="Option tarifaire soins de l'établissement."
    )
    pui: bool = Field(default=False, description="Pharmacie à usage intérieur.")
    gmp: Points | None = Field(default=None, description="GIR moyen pondéré validé.")
    pmp: Points | None = Field(default=None, description="PATHOS moyen pondéré validé.")
    valeur_point: ValeurPoint | None = Field(
        default=None, description="Valeur du point de l'équation tarifaire soins."
    )
    financements_complementaires: Montant = Field(
        default=Decimal("0"), description="Financements complémentaires annuels."
    )
    objet_complementaires: Texte | None = Field(
        default=None,
        description="Ce que financent les financements complémentaires, que le contrat "
        "définit (article L. 314-2) : « l'hébergement temporaire en sortie d'hospitalisation ».",
    )
    resultat_equation: Montant | None = Field(
        default=None, description="Résultat de l'équation tarifaire, cible de la convergence."
    )
    convergence_echeance: Annee | None = Field(
        default=None, description="Exercice où le forfait atteint le résultat de l'équation."
    )

    @model_validator(mode="after")
    def _convergence(self) -> ForfaitSoins:
        if self.convergence_echeance is not None and self.resultat_equation is None:
            raise RuleError(
                "data.requires", "convergence_echeance exige resultat_equation (la cible)"
            )
        if self.financements_complementaires and self.objet_complementaires is None:
            raise RuleError(
                "data.requires",
                "des financements complémentaires exigent objet_complementaires : le contrat "
                "définit ce qu'ils financent",
            )
        return self


class ForfaitDependance(Strict):
    """The forfait global relatif à la dépendance of an EHPAD or PUV (2° of I of L. 314-2)."""

    montant: Montant = Field(description="Forfait de l'exercice de prise d'effet, année pleine.")
    points_gir: Annotated[int, Field(ge=0, le=10_000_000)] | None = Field(
        default=None, description="Total des points GIR de l'établissement."
    )
    valeur_point: ValeurPoint | None = Field(
        default=None, description="Valeur du point GIR départemental."
    )
    participations: Montant | None = Field(
        default=None,
        description="Participations des résidents et tarifs dépendance des autres départements "
        "déduits des points GIR valorisés (3° du I de l'article R. 314-173) ; à défaut, "
        "déduites du montant.",
    )

    @property
    def points_valorises(self) -> Decimal | None:
        """Points GIR × valeur du point départemental, to the cent (2° of I of R. 314-173)."""
        if self.points_gir is None or self.valeur_point is None:
            return None
        return (self.points_gir * self.valeur_point).quantize(CENT, ROUND_HALF_UP)

    @property
    def participations_deduites(self) -> Decimal | None:
        """What is deducted from the valued points: given, or what separates them from the
        montant (3° of I of R. 314-173)."""
        if self.participations is not None:
            return self.participations
        gross = self.points_valorises
        return None if gross is None else gross - self.montant


class Hebergement(Strict):
    """The tarif journalier afférent à l'hébergement of places habilitées à l'aide sociale."""

    places_habilitees: int = Field(ge=0, le=MAX_PLACES)
    tarif_journalier: Montant = Field(
        description="Tarif journalier de l'exercice de prise d'effet."
    )


class PrixDeJournee(Strict):
    tarif: Montant = Field(description="Prix de journée de l'exercice de prise d'effet.")
    journees: Volume = Field(description="Journées prévisionnelles en année pleine.")


class TarifHoraire(Strict):
    tarif: Montant = Field(description="Tarif horaire de l'exercice de prise d'effet.")
    heures: Volume = Field(description="Heures prévisionnelles en année pleine.")


class TarifPlafond(Strict):
    """The tarif plafond of a CHRS (L. 314-4), by place, for its group of activities."""

    groupe: Texte = Field(description="Groupe homogène d'activités et de missions : « GHAM 4 ».")
    montant_place: Montant = Field(description="Tarif plafond annuel par place.")
    echeance: Annee | None = Field(
        default=None,
        description="Exercice où une dotation supérieure au plafond l'atteint "
        "(par défaut, le dernier exercice du contrat).",
    )


class ArreteTarifsPlafonds(Strict):
    """The yearly interministerial arrêté fixing the CHRS tarifs plafonds (L. 314-4)."""

    date: Date
    annee: Annee = Field(description="Année au titre de laquelle l'arrêté fixe les tarifs.")


class ObjectifActivite(Strict):
    """The contractual activity objective of an establishment, for modulation by activity."""

    indicateur: Literal["taux_occupation", "personnes_accompagnees", "prestations"]
    valeur: Decimal = Field(
        ge=0, le=100 * MAX_PLACES, decimal_places=2, description="Taux en % ou nombre annuel."
    )

    @model_validator(mode="after")
    def _rate(self) -> ObjectifActivite:
        if self.indicateur == "taux_occupation" and self.valeur > 100:
            raise RuleError(
                "data.out-of-range", "un taux d'occupation s'exprime en pour cent, 100 au plus"
            )
        return self


AMOUNT_KINDS = (
    "dotation",
    "forfait_soins",
    "forfait_dependance",
    "prix_de_journee",
    "tarif_horaire",
)


class Financement(Strict):
    financeur: Cle = Field(description="Clé d'une autorité de la liste `autorites`.")
    dotation: Montant | None = Field(
        default=None, description="Dotation annuelle de référence de cet établissement."
    )
    enveloppe: Enveloppe | None = Field(
        default=None,
        description="Enveloppe de crédits, quand la catégorie en admet plusieurs (SSIAD).",
    )
    forfait_soins: ForfaitSoins | None = None
    forfait_dependance: ForfaitDependance | None = None
    hebergement: Hebergement | None = None
    prix_de_journee: PrixDeJournee | None = None
    tarif_horaire: TarifHoraire | None = None
    tarif_plafond: TarifPlafond | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Financement:
        kinds = [k for k in AMOUNT_KINDS if getattr(self, k) is not None]
        if len(kinds) > 1:
            raise RuleError(
                "data.financing-kind",
                f"un financement est d'une seule nature, pas {' et '.join(kinds)}",
            )
        if not kinds and self.hebergement is None:
            raise RuleError(
                "data.financing-kind",
                "précisez la nature du financement : " + ", ".join((*AMOUNT_KINDS, "hebergement")),
            )
        if self.hebergement is not None and kinds not in ([], ["forfait_dependance"]):
            raise RuleError(
                "data.financing-kind", "hebergement ne s'ajoute qu'à un forfait_dependance"
            )
        if self.tarif_plafond is not None and self.dotation is None:
            raise RuleError("data.financing-kind", "tarif_plafond accompagne une dotation")
        return self

    @property
    def nature(self) -> str:
        """The kind of allocation: dotation, forfait_soins…, or hebergement alone."""
        return next((k for k in AMOUNT_KINDS if getattr(self, k) is not None), "hebergement")
