"""The parties in the contract data: the organisme (or GCSMS and its members), the authorities
that sign, the persons who represent them, and the acts that empower them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..core.validation import RuleError
from .fields import Cle, Date, DefiniteArticle, Departement, Finess, Strict, Texte


class Personne(Strict):
    """A natural person who represents a party."""

    civilite: Literal["M.", "Mme"] = Field(description="M. ou Mme.")
    nom: Texte = Field(description="Prénom et nom, tels qu'ils figureront au bloc de signature.")
    qualite: Texte = Field(description="Fonction : « Président », « Directrice générale »…")


ARTICLE_HELP = (
    'Article défini devant le nom : le, la, l\', les ; "" si le nom porte son article '
    "(« Les Ateliers du Maine ») ou n'en prend pas."
)
Genre = Literal["masculin", "feminin"]
GENRE_HELP = (
    "Genre grammatical du nom, pour les accords (« habilitée », « elle »), quand ni l'article "
    "(le, la) ni le premier mot du nom (« Association », « Groupe »…) ne le donnent."
)


class Acte(Strict):
    """A dated act cited in the visas: a regional health project, a scheme, a plan."""

    date: Date = Field(description="Date de l'arrêté ou de la délibération qui l'adopte.")
    intitule: Texte | None = Field(
        default=None, description="Intitulé : « schéma départemental de l'autonomie 2024-2028 »."
    )


class DeliberationDepartement(Strict):
    """The délibération of a Département authorising its président to sign."""

    instance: Literal["conseil_departemental", "commission_permanente"]
    date: Date | None = Field(default=None, description="Laissée en blanc tant qu'inconnue.")
    numero: Texte | None = None


class DeliberationOrganisme(Strict):
    """The decision of the organisme's board that authorises the signature."""

    article: DefiniteArticle = Field(description="Article devant l'organe : le, la, l'.")
    nom: Texte = Field(description="Organe : « conseil d'administration », « présidente ».")
    acte: Literal["deliberation", "decision"] = "deliberation"
    date: Date | None = Field(default=None, description="Laissée en blanc tant qu'inconnue.")


class Membre(Strict):
    """A member of a GCSMS that keeps its own authorisations and signs the contract."""

    cle: Cle
    raison_sociale: Texte
    article: DefiniteArticle = Field(description=ARTICLE_HELP)
    genre: Genre | None = Field(default=None, description=GENRE_HELP)
    statut: Texte
    siege: Texte
    representant: Personne
    engagements: list[Texte] = Field(
        default_factory=list, description="Engagements particuliers repris dans son annexe."
    )
    deliberation: DeliberationOrganisme | None = Field(
        default=None, description="Délibération ou décision qui autorise sa signature (visas)."
    )


class Gcsms(Strict):
    autorisations: Literal["groupement", "membres"] = Field(
        description="Qui détient les autorisations : le groupement (il signe seul) ou ses "
        "membres (socle commun et une annexe par membre)."
    )
    date_convention: Date = Field(description="Date d'approbation de la convention constitutive.")
    membres: list[Membre] = Field(default_factory=list)


class Organisme(Strict):
    raison_sociale: Texte = Field(
        description="Raison sociale telle qu'elle est déclarée, avec son article s'il en fait "
        'partie (« Les Ateliers du Maine », avec article: "").'
    )
    article: DefiniteArticle = Field(description=ARTICLE_HELP)
    genre: Genre | None = Field(default=None, description=GENRE_HELP)
    forme_juridique: Literal["association", "etablissement_public", "groupe_prive", "gcsms"]
    statut: Texte = Field(
        description="Statut en toutes lettres : « association régie par la loi du 1er juillet "
        "1901, reconnue d'utilité publique »…"
    )
    siege: Texte = Field(description="Adresse du siège social.")
    departement: Departement
    finess_juridique: Finess
    siren: str = Field(pattern=r"^[0-9]{9}$", description="Numéro SIREN, 9 chiffres.")
    representant: Personne
    gcsms: Gcsms | None = Field(
        default=None, description="Pour un groupement de coopération sociale et médico-sociale."
    )
    deliberation: DeliberationOrganisme | None = Field(
        default=None, description="Délibération ou décision qui autorise la signature (visas)."
    )

    @model_validator(mode="after")
    def _gcsms_block(self) -> Organisme:
        if (self.forme_juridique == "gcsms") != (self.gcsms is not None):
            raise RuleError(
                "data.requires", "le bloc « gcsms » est exigé pour un GCSMS et seulement pour lui"
            )
        return self


class Autorite(Strict):
    cle: Cle
    type: Literal["ars", "departement", "prefet"]
    nom: Texte = Field(description="« Agence régionale de santé Occitanie », sans article.")
    article: DefiniteArticle = Field(description=ARTICLE_HELP)
    genre: Genre | None = Field(default=None, description=GENRE_HELP)
    nom_court: Texte | None = Field(
        default=None, description="Nom abrégé pour les tableaux : « ARS Occitanie »."
    )
    departement: Departement | None = Field(
        default=None, description="Pour un conseil départemental ou un préfet."
    )
    adresse: Texte
    representant: Personne
    projet_regional_sante: Acte | None = Field(
        default=None, description="ARS : projet régional de santé en vigueur (visas)."
    )
    schema_departemental: Acte | None = Field(
        default=None, description="Département : schéma départemental en vigueur (visas)."
    )
    pdalhpd: Acte | None = Field(
        default=None,
        description="Préfet : plan départemental d'action pour le logement et l'hébergement "
        "des personnes défavorisées (visas).",
    )
    deliberation: DeliberationDepartement | None = Field(
        default=None, description="Département : délibération autorisant la signature (visas)."
    )
