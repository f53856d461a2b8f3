"""The contract data model: what `contracts/<id>/contract.yaml` may say, checked with pydantic."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, JsonValue, model_validator

from ..core.codes import silenceable_codes
from ..core.limits import MAX_ESTABLISHMENTS, MAX_PLACES
from ..core.validation import RuleError
from .fields import (
    Annee,
    Cle,
    Date,
    Departement,
    Finess,
    Montant,
    Strict,
    Taux,
    Texte,
)
from .model_acts import Autorisation, Deliberation
from .model_duree import Prorogation
from .model_financing import ArreteTarifsPlafonds, Financement, ObjectifActivite, RegimeCle
from .model_objectifs import Axe, Diagnostic
from .model_parties import Autorite, Organisme

__all__ = ["Annee", "Cle", "Date", "Departement", "Finess", "Montant", "Taux", "Texte"]

Categorie = Literal[
    "EHPAD",
    "SSIAD",
    "IME",
    "IEM",
    "ITEP",
    "CAFS",
    "CAMSP",
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
    "CHRS",
    "SAAD",
    "SAD",
    "PUV",
    "EHPA",
    "RA",
    "AJA",
    "FV",
    "FH",
    "EANM",
    "SAVS",
]

TypePlaces = Literal[
    "hebergement_permanent",
    "hebergement_temporaire",
    "accueil_de_jour",
    "internat",
    "semi_internat",
    "externat",
    "places",
]


class Contrat(Strict):
    reference: Texte = Field(description="Référence du contrat, reprise en en-tête de page.")
    intitule: Texte = Field(description="Intitulé complet, en page de garde.")
    date_effet: Date = Field(description="Date de prise d'effet (AAAA-MM-JJ).")
    duree_annees: int = Field(ge=1, le=5, description="Durée en années : cinq au plus (L.313-11).")
    lieu_signature: Texte = Field(description="Ville où le contrat est signé.")
    date_signature: Date | None = Field(
        default=None, description="Date de signature, une fois connue (AAAA-MM-JJ)."
    )
    prorata: Literal["mois", "jours"] = Field(
        default="mois",
        description="Calcul des montants d'un exercice incomplet (premier ou dernier) : au "
        "prorata des mois ou des jours couverts par le contrat.",
    )
    prorogation: Prorogation | None = None


# Codes a contract may list under `ignorer:`, offered by editors that read the schema.
_SILENCEABLE: list[JsonValue] = list(silenceable_codes())


class Capacite(Strict):
    type: TypePlaces
    places: int = Field(ge=0, le=MAX_PLACES)


class Etablissement(Strict):
    finess: Finess
    nom: Texte
    categorie: Categorie
    departement: Departement
    commune: Texte
    capacites: list[Capacite] = Field(
        default_factory=list,
        description="Capacités autorisées par type de places ; un service à domicile (SAAD, "
        "SAD) peut n'en avoir aucune.",
    )
    financements: list[Financement] = Field(min_length=1)
    membre: Cle | None = Field(
        default=None, description="GCSMS sans autorisation : clé du membre gestionnaire."
    )
    quote_part_frais_de_siege: Montant | None = Field(
        default=None, description="Quote-part annuelle des frais de siège imputée."
    )
    regime: RegimeCle | None = Field(
        default=None,
        description="Régime juridique, seulement pour rattacher l'établissement au contrat d'un "
        "autre régime quand la loi le permet (sinon déduit de la catégorie et des financeurs).",
    )
    sad: Literal["aide_et_soins", "aide"] | None = Field(
        default=None,
        description="Service autonomie à domicile : 1° (aide et soins) ou 2° (aide) de "
        "l'article L. 313-1-3.",
    )
    objectif_activite: ObjectifActivite | None = Field(
        default=None, description="Objectif d'activité, pour la modulation selon l'activité."
    )
    zone_intervention: Texte | None = Field(
        default=None,
        description="Service à domicile sans capacité en places : le territoire où il intervient "
        "(« les cantons de Mayenne et d'Ernée »).",
    )
    autorisation: Autorisation | None = Field(
        default=None,
        description="Arrêté d'autorisation de l'établissement (date, autorités, objet), visé "
        "par le contrat ; exigé pour un établissement qu'un avenant ajoute.",
    )

    @model_validator(mode="after")
    def _capacity(self) -> Etablissement:
        if not self.capacites and self.categorie not in ("SAAD", "SAD"):
            raise RuleError(
                "data.requires",
                "capacites : au moins une capacité autorisée (seul un service à domicile, SAAD "
                "ou SAD, peut n'en avoir aucune)",
            )
        return self


class FraisDeSiege(Strict):
    modalite: Literal["aucun", "repartition_libre", "evolution_encadree", "plafond_charges"]
    date_autorisation: Date | None = Field(
        default=None, description="Date de l'arrêté autorisant les frais de siège."
    )
    autorites: list[Cle] = Field(
        default_factory=list,
        description="Clés des autorités dont l'arrêté émane (deux pour un arrêté conjoint), "
        "nommées au visa de l'arrêté.",
    )
    taux_plancher: Taux | None = None
    taux_plafond: Taux | None = None
    taux_plafond_charges: Taux | None = None
    taux_initial: Taux | None = None
    montant_annuel: Montant | None = Field(
        default=None, description="Montant annuel des frais de siège autorisés à la signature."
    )
    date_debut: Date | None = Field(
        default=None, description="Date à compter de laquelle l'arrêté autorise les frais."
    )
    duree_annees: int | None = Field(
        default=None, ge=1, le=5, description="Durée de l'autorisation fixée par l'arrêté."
    )
    assiette: Literal["charges_brutes", "charges_classe6"] | None = Field(
        default=None,
        description="Base du taux : charges brutes des sections d'exploitation du dernier "
        "exercice clos, ou charges de classe 6 hors frais de siège.",
    )
    assiette_montant: Montant | None = Field(
        default=None, description="Montant de cette base, pour vérifier le taux initial."
    )
    nouvel_etablissement: Literal["quote_part", "exclu"] | None = Field(
        default=None,
        description="Un établissement créé en cours de contrat supporte une quote-part "
        "(calculée sur ses charges de l'exercice) ou en est exclu.",
    )

    @model_validator(mode="after")
    def _rates_for_modalite(self) -> FraisDeSiege:
        needed = {
            "evolution_encadree": ("taux_plafond",),
            "plafond_charges": ("taux_plafond_charges", "taux_initial"),
        }.get(self.modalite, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise RuleError(
                "data.requires",
                f"la modalité « {self.modalite} » exige : {', '.join(missing)}",
            )
        for name in ("date_autorisation", "montant_annuel"):
            if self.modalite != "aucun" and getattr(self, name) is None:
                raise RuleError("data.requires", f"la modalité « {self.modalite} » exige : {name}")
        return self


class DotationGlobaleCommune(Strict):
    reconduction_actualisee: bool = True
    surcouts_investissement: bool = False
    convergence: bool = False
    reduction_ecarts: bool = False

    @model_validator(mode="after")
    def _at_least_one(self) -> DotationGlobaleCommune:
        if not (
            self.reconduction_actualisee
            or self.surcouts_investissement
            or self.convergence
            or self.reduction_ecarts
        ):
            raise RuleError(
                "data.empty", "retenez au moins un objet de la dotation globale commune"
            )
        return self


class AffectationResultats(Strict):
    seuil_excedent: Taux = Field(
        default=Decimal("1"),
        description="Part de la masse budgétaire au-delà de laquelle "
        "l'excédent est analysé en dialogue de gestion (en %).",
    )
    reprise_creton: bool = Field(
        default=True, description="Reprise des recettes « amendement Creton »."
    )
    plan_retour_equilibre: bool = Field(
        default=False, description="Un déficit structurel est constaté à la signature."
    )


class Denonciation(Strict):
    preavis_mois: int = Field(ge=1, le=12, description="Préavis de dénonciation, en mois.")
    mise_en_demeure_mois: int = Field(
        default=1, ge=1, le=6, description="Délai laissé par la mise en demeure préalable."
    )


class Renouvellement(Strict):
    prevu: bool = True
    delai_mois: int = Field(default=6, ge=1, le=24, description="Délai avant l'échéance.")
    duree_annees: int = Field(default=5, ge=1, le=5)


class Investissement(Strict):
    modalite: Literal["tableau_previsionnel", "ppi"]


class Operation(Strict):
    """An investment operation of the forecast table or of the PPI."""

    intitule: Texte
    finess: Finess = Field(description="FINESS de l'établissement concerné.")
    annee_debut: Annee
    annee_fin: Annee
    montant: Montant = Field(description="Coût total de l'opération.")
    financement: Texte = Field(description="« emprunt et autofinancement »…")
    surcout_exploitation: Montant = Field(
        default=Decimal("0"), description="Surcoût annuel d'exploitation en année pleine."
    )


class MultiDepartements(Strict):
    critere: Literal["siege", "plus_grand_etablissement", "nombre_etablissements"] = Field(
        description="Critère qui désigne le département dont les autorités signent le contrat."
    )
    declinaison: Literal["declinaisons_departementales", "avenants_par_enveloppe"] = Field(
        description="Comment le contrat est complété dans les autres départements."
    )


class Options(Strict):
    frais_de_siege: FraisDeSiege
    dotation_globale_commune: DotationGlobaleCommune = DotationGlobaleCommune()
    investissement: Investissement
    affectation_resultats: AffectationResultats = AffectationResultats()
    denonciation: Denonciation
    renouvellement: Renouvellement = Renouvellement()
    taux_actualisation: Taux = Field(
        description="Taux d'actualisation prévisionnel de la dotation, en % par an."
    )
    multi_departements: MultiDepartements | None = Field(
        default=None, description="Exigé quand le périmètre couvre plusieurs départements."
    )
    modulation_activite: bool = Field(
        default=False,
        description="Modulation des dotations selon l'activité (R. 314-43-2) : chaque "
        "établissement concerné donne son objectif_activite.",
    )
    tarifs_plafonds: ArreteTarifsPlafonds | None = Field(
        default=None, description="CHRS : arrêté annuel des tarifs plafonds de référence."
    )


class ContractData(Strict):
    """The whole `contract.yaml`."""

    contrat: Contrat
    organisme: Organisme
    autorites: list[Autorite] = Field(min_length=1)
    etablissements: list[Etablissement] = Field(min_length=1, max_length=MAX_ESTABLISHMENTS)
    options: Options
    diagnostic: Diagnostic
    axes: list[Axe] = Field(min_length=1)
    investissements: list[Operation] = Field(
        default_factory=list, description="Tableau prévisionnel des investissements ou PPI."
    )
    ignorer: list[str] = Field(
        default_factory=list,
        description="Avertissements de relecture (codes lint.*) à ne pas signaler pour ce "
        "contrat ; une erreur ne s'ignore pas.",
        json_schema_extra={"items": {"type": "string", "enum": _SILENCEABLE}},
    )
    deliberations: list[Deliberation] = Field(
        default_factory=list,
        description="Autres délibérations visées (organe, date, objet), outre celles qui "
        "autorisent chaque partie à signer (organisme.deliberation, autorites[].deliberation).",
    )


class ArticleLibre(Strict):
    """An article of an avenant written by hand, for a change the tool cannot express."""

    intitule: Texte
    texte: Texte
    objet: Texte | None = Field(
        default=None,
        description="Ce que l'article change, tel que l'article premier de l'avenant l'annonce "
        "(« la rectification d'une erreur matérielle affectant le numéro SIREN de l'organisme "
        "gestionnaire ») ; à défaut, son intitulé entre guillemets.",
    )


class AvenantFile(Strict):
    """`contracts/<id>/avenants/avenant-<n>.yaml`: what the drafter says about an avenant."""

    motif: Texte | list[Texte] = Field(
        description="Raison de l'avenant, reprise à son article premier ; une liste pour "
        "plusieurs motifs, chacun un groupe nominal (« l'intégration du SAMSAH … »)."
    )
    date_effet: Date = Field(description="Date de prise d'effet de l'avenant.")
    date_signature: Date | None = None
    lieu_signature: Texte | None = Field(
        default=None, description="Par défaut, le lieu de signature du contrat."
    )
    expose: Texte | None = Field(default=None, description="Exposé des motifs, facultatif.")
    fermetures: dict[str, Date] = Field(
        default_factory=dict,
        description="Date de fermeture de chaque établissement retiré du périmètre, par FINESS.",
    )
    ouvertures: dict[str, Date] = Field(
        default_factory=dict,
        description="Date d'ouverture d'un établissement ajouté qui ouvre après la date d'effet "
        "de l'avenant, par FINESS : sa dotation court à compter de cette date.",
    )
    articles: list[ArticleLibre] = Field(
        default_factory=list, description="Articles rédigés à la main, ajoutés à l'avenant."
    )
    retroactif: bool = Field(
        default=False,
        description="L'avenant prend effet avant sa signature (date_effet antérieure à "
        "date_signature) ; exige motif_retroactivite.",
    )
    motif_retroactivite: Texte | None = Field(
        default=None,
        description="Pourquoi l'avenant rétroagit, repris dans ses dispositions finales "
        "(« pour tenir compte de l'ouverture du service au 1er septembre »).",
    )
    objectifs: dict[str, list[Cle]] = Field(
        default_factory=dict,
        description="Pour chaque établissement ajouté (FINESS), les clés des objectifs du "
        "contrat qui s'y appliquent, avec leurs fiches.",
    )
    objectifs_sans_objet: Texte | None = Field(
        default=None,
        description="Motif pour lequel un établissement ajouté ne reçoit pas d'objectif propre.",
    )
    frais_de_siege_inchanges: Texte | None = Field(
        default=None,
        description="Quand le périmètre change sans que la répartition des frais de siège "
        "change : pourquoi elle demeure inchangée.",
    )
    comite_de_suivi: Date | None = Field(
        default=None,
        description="Date de l'avis du comité de suivi sur le projet d'avenant (article "
        "« Révision » du contrat), visée par l'avenant ; antérieure à sa signature.",
    )
    deliberations: list[Deliberation] = Field(
        default_factory=list,
        description="Délibérations visées par l'avenant : celles qui autorisent chaque partie "
        "à le signer (organe, date, objet).",
    )
