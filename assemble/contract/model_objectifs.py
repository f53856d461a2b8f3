"""The objectives of a contract and their fiches, and its shared diagnosis."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .fields import Annee, Cle, Strict, Texte

TypeIndicateur = Literal["moyens", "resultats", "processus", "sentinelle", "satisfaction"]


class Indicateur(Strict):
    libelle: Texte
    type: TypeIndicateur
    valeur_initiale: Texte
    cibles: dict[Annee, Texte] = Field(
        default_factory=dict, description='Cibles intermédiaires par exercice : {2028: "80 %"}.'
    )
    cible: Texte = Field(description="Cible finale.")
    echeance: Annee = Field(description="Année d'atteinte de la cible finale.")


class Etape(Strict):
    echeance: Texte = Field(description="« premier semestre 2027 », « 2028 »…")
    etape: Texte


class Objectif(Strict):
    """An operational objective and its fiche objectif (eight headings)."""

    cle: Cle
    intitule: Texte
    contexte: Texte
    problematique: Texte
    enjeux: Texte = Field(
        description="Enjeux, y compris les risques si l'objectif n'est pas atteint."
    )
    actions: list[Texte] = Field(min_length=1)
    pilote: Texte = Field(description="Qui conduit l'objectif.")
    partenaires: list[Texte] = Field(default_factory=list)
    resultats_attendus: Texte
    calendrier: list[Etape] = Field(min_length=1)
    moyens: Texte
    indicateurs: list[Indicateur] = Field(min_length=1)


class Axe(Strict):
    intitule: Texte
    objectifs: list[Objectif] = Field(min_length=1)


class Diagnostic(Strict):
    faits_marquants: list[Texte] = Field(min_length=1)
    resultats: Texte = Field(description="Résultats du dernier exercice clos.")
    qualite: Texte = Field(description="Axe 1 : qualité de l'accompagnement des personnes.")
    parcours: Texte = Field(description="Axe 2 : adaptation de l'offre aux parcours.")
    efficience: Texte = Field(description="Axe 3 : efficience de la gestion et gouvernance.")
    perspectives: Texte
