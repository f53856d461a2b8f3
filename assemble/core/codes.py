"""The registry of problem codes: each declared once, with its severity and the fix to apply.

A `Problem` must carry a registered code; its hint defaults to the code's fix, so that every
message a drafter reads ends with what to do. `docs/erreurs.md` is generated from this table
(`cpom codes --doc`), and a test keeps the two in step.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["erreur", "avertissement"]


@dataclass(frozen=True)
class Code:
    """One kind of problem: what it means and how a drafter fixes it."""

    code: str
    severity: Severity
    title: str  # what went wrong, in a few French words
    fix: str  # the default fix, printed after « → »
    # A warning a contract may list under `ignorer:` once a drafter has examined it. Only
    # warnings about the text of one contract qualify; an error never does.
    silenceable: bool = False

    @property
    def family(self) -> str:
        return self.code.split(".", 1)[0]


def _codes(*entries: Code) -> Mapping[str, Code]:
    table: dict[str, Code] = {}
    for entry in entries:
        if entry.code in table:
            raise ValueError(f"code declared twice: {entry.code}")
        if entry.silenceable and entry.severity != W:
            raise ValueError(f"an error cannot be silenced: {entry.code}")
        table[entry.code] = entry
    return table


E: Severity = "erreur"
W: Severity = "avertissement"

FAMILIES: Mapping[str, str] = {
    "usage": "Commande mal employée (code de sortie 2)",
    "input": "Fichiers d'entrée illisibles ou hors limites",
    "yaml": "Syntaxe YAML",
    "data": "Données d'un contrat",
    "regime": "Régimes juridiques et financements (projets de contrat)",
    "siege": "Frais de siège (projets de contrat)",
    "contract": "Dossier d'un contrat",
    "library": "Bibliothèque de clauses",
    "clause": "Clauses",
    "stipulation": "Stipulations propres à un contrat",
    "template": "Gabarits des clauses et modèles Word ou PDF",
    "xref": "Renvois entre articles",
    "lint": "Relecture du texte assemblé (make check)",
    "schema": "Schéma JSON des données",
    "lock": "Verrous",
    "history": "Historique des clauses",
    "avenant": "Avenants",
    "archive": "Archive des versions signées",
    "signature": "Fichiers signés et signatures électroniques",
    "render": "Production des documents",
    "tool": "Outils externes (pandoc, typst)",
    "io": "Écriture des fichiers",
    "review": "Revue d'un document Word retourné",
    "identify": "Identification d'un fichier (cpom identify)",
}

CODES: Mapping[str, Code] = _codes(
    # --- usage ---------------------------------------------------------------------------------
    Code(
        "usage.contract",
        E,
        "contrat inconnu ou identifiant invalide",
        "donnez l'identifiant d'un dossier de contracts/ (minuscules, chiffres et tirets)",
    ),
    Code(
        "usage.version",
        E,
        "version inconnue ou nom de version invalide",
        "donnez « projet » ou une version enregistrée : v1, v2…",
    ),
    Code(
        "usage.clause",
        E,
        "clause inconnue",
        "donnez l'identifiant (champ id) d'une clause de la bibliothèque",
    ),
    Code(
        "usage.avenant",
        E,
        "avenant impossible en l'état",
        "archivez d'abord le contrat signé, puis écrivez contracts/<id>/avenants/avenant-<n>.yaml",
    ),
    Code(
        "usage.redline",
        E,
        "comparaison impossible",
        "FROM et TO désignent deux versions différentes (v1, v2… ou projet)",
    ),
    Code(
        "usage.signed",
        E,
        "fichier signé introuvable",
        "SIGNED= désigne le fichier reçu après signature (PDF signé ou numérisé)",
    ),
    Code(
        "usage.date",
        E,
        "date de signature inconnue",
        "précisez DATE=AAAA-MM-JJ ou renseignez la date de signature dans les données",
    ),
    Code(
        "usage.name",
        E,
        "nom invalide dans la commande",
        "un identifiant de contrat s'écrit en minuscules, chiffres et tirets (C=association-"
        "horizons) ; une version s'écrit projet, v1, v2…",
    ),
    Code(
        "usage.path",
        E,
        "chemin hors de son dossier",
        "un lien symbolique ou un chemin mène hors du dossier où la commande écrit ; "
        "remplacez le lien par un vrai dossier",
    ),
    Code(
        "usage.file",
        E,
        "fichier introuvable",
        "donnez le chemin d'un fichier existant (FILE=…)",
    ),
    Code(
        "usage.arguments",
        E,
        "arguments de la commande invalides",
        "`.venv/bin/cpom --help` ou `make help` liste les commandes et leurs arguments",
    ),
    # --- contract folder, yaml ------------------------------------------------------------------
    Code(
        "data.prorata-months",
        E,
        "prorata par mois d'un contrat qui ne commence pas un premier du mois",
        "choisissez contrat.prorata: jours, ou une prise d'effet au premier du mois",
    ),
    Code(
        "data.prorogation",
        E,
        "prorogation hors des limites de l'article L. 313-11",
        "contrat.prorogation.jusqu_au : une date postérieure à la fin de la durée du contrat, "
        "une année après au plus (une sixième année au plus) ; au-delà, un nouveau contrat",
    ),
    Code(
        "data.prorogation-unsigned",
        E,
        "prorogation d'un contrat qui n'est pas signé",
        "un projet de contrat fixe sa durée (contrat.duree_annees, cinq ans au plus) ; retirez "
        "contrat.prorogation, qui se déclare avec l'avenant prorogeant un contrat signé",
    ),
    # --- regime (drafts only: see policy.py) ------------------------------------------------
    Code(
        "regime.funder-not-allowed",
        E,
        "autorité qui ne finance pas cette catégorie d'établissement",
        "rattachez le financement à l'autorité compétente (docs/variantes.md, catégories)",
    ),
    Code(
        "regime.envelope-not-allowed",
        E,
        "enveloppe de crédits étrangère à cette catégorie ou à ce financeur",
        "retirez « enveloppe » (l'enveloppe usuelle est déduite) ou choisissez-en une admise",
    ),
    Code(
        "regime.kind-not-allowed",
        E,
        "nature de financement étrangère au régime de l'établissement",
        "EHPAD : forfait_soins (ARS), forfait_dependance et hebergement (Département) ; "
        "CHRS : dotation et tarif_plafond ; domicile : tarif_horaire ; autres : dotation ou "
        "prix_de_journee",
    ),
    Code(
        "regime.duplicate-funder",
        E,
        "même financeur deux fois pour un établissement",
        "réunissez ces financements en un seul (un forfait_dependance porte aussi hebergement)",
    ),
    Code(
        "regime.override-refused",
        E,
        "régime choisi à la main que la loi ne permet pas",
        "retirez « regime » : le régime est déduit de la catégorie et des financeurs",
    ),
    Code(
        "regime.ehpad-signatories",
        E,
        "contrat d'EHPAD sans l'ARS et le Département du lieu d'implantation",
        "le contrat du IV ter de l'article L. 313-12 est signé par le directeur général de l'ARS "
        "et par le président du conseil départemental",
    ),
    Code(
        "regime.ehpad-forfaits",
        E,
        "EHPAD sans forfait global relatif aux soins ou à la dépendance",
        "donnez forfait_soins (financeur ARS) et forfait_dependance (financeur Département)",
    ),
    Code(
        "regime.chrs-funder",
        E,
        "CHRS sans financement de l'État",
        "un CHRS est financé par une dotation de l'État : financeur de type prefet",
    ),
    Code(
        "regime.domicile-funder",
        E,
        "service à domicile sans le Département",
        "le contrat de l'article L. 313-11-1 est conclu avec le président du conseil départemental",
    ),
    Code(
        "regime.sad-mode",
        E,
        "service autonomie à domicile sans son 1° ou son 2° de l'article L. 313-1-3",
        "précisez « sad: aide_et_soins » ou « sad: aide » (SAD seulement)",
    ),
    Code(
        "regime.idle-party",
        E,
        "autorité partie au contrat qui ne finance rien",
        "retirez-la des autorités, ou rattachez-lui le financement qu'elle apporte",
    ),
    Code(
        "regime.activity-objective",
        E,
        "objectif d'activité manquant ou sans objet",
        "avec options.modulation_activite, chaque établissement modulé donne objectif_activite",
    ),
    Code(
        "regime.authorised-places",
        E,
        "plus de places habilitées à l'aide sociale que de places d'hébergement",
        "corrigez places_habilitees ou les capacités",
    ),
    Code(
        "regime.dependance-over-points",
        E,
        "forfait dépendance supérieur aux points GIR valorisés",
        "vérifiez le montant, les points GIR et la valeur du point départemental",
    ),
    Code(
        "regime.convergence-year",
        E,
        "échéance de convergence hors de la durée du contrat",
        "choisissez un exercice du contrat, après le premier",
    ),
    Code(
        "regime.ceiling-arrete",
        E,
        "tarif plafond sans l'arrêté annuel qui le fixe",
        "ajoutez options.tarifs_plafonds : date de l'arrêté et année",
    ),
    Code(
        "regime.pilot-not-party",
        E,
        "département désigné par le critère dont le Département n'est pas partie",
        "ajoutez ce Département aux autorités, ou choisissez un autre critère",
    ),
    Code(
        "regime.dependance-sum",
        E,
        "forfait dépendance qui n'est pas les points GIR valorisés moins les participations",
        "points_gir × valeur_point − participations = montant (article R. 314-173) : corrigez "
        "l'un de ces nombres",
    ),
    Code(
        "regime.soins-convergence",
        E,
        "forfait soins qui n'est pas le résultat de l'équation tarifaire",
        "la convergence vers l'équation tarifaire s'est achevée : le montant du forfait_soins "
        "est le résultat de l'équation (article R. 314-159) ; retirez convergence_echeance et "
        "mettez resultat_equation en montant",
    ),
    Code(
        "regime.soins-point-value",
        E,
        "valeurs du point du forfait soins incohérentes entre options tarifaires",
        "l'arrêté annuel fixe une valeur du point par option tarifaire (partielle, globale) et "
        "selon la pharmacie à usage intérieur : même option, même valeur ; options différentes, "
        "valeurs différentes",
    ),
    # --- frais de siège (drafts only) ----------------------------------------------------------
    Code(
        "siege.over-ceiling",
        E,
        "frais de siège au-delà du plafond",
        "corrigez le taux initial, le montant ou l'assiette, ou le plafond convenu",
    ),
    Code(
        "siege.floor-above-ceiling",
        E,
        "plancher d'évolution supérieur au plafond",
        "le plancher (taux_plancher) est au plus égal au plafond (taux_plafond)",
    ),
    Code(
        "siege.rate-mismatch",
        E,
        "taux initial qui ne correspond pas au montant rapporté à l'assiette",
        "corrigez taux_initial, montant_annuel ou assiette_montant",
    ),
    Code(
        "siege.incomplete-authorisation",
        E,
        "arrêté de frais de siège sans sa date de début ou sa durée",
        "donnez date_debut et duree_annees (cinq ans au plus), tels que l'arrêté les fixe",
    ),
    Code(
        "siege.expired",
        E,
        "autorisation de frais de siège expirée avant la prise d'effet",
        "joignez l'arrêté de renouvellement : sa date, sa date de début et sa durée",
    ),
    Code(
        "contract.missing",
        E,
        "fichier de données introuvable",
        "créez contract.yaml dans ce dossier (voir docs/donnees.md)",
    ),
    Code(
        "contract.no-article",
        E,
        "aucun article retenu",
        "vérifiez que clauses/ contient la bibliothèque et que les conditions des clauses "
        "retiennent des articles pour ce contrat",
    ),
    Code(
        "input.encoding",
        E,
        "fichier qui n'est pas en UTF-8",
        "enregistrez le fichier en UTF-8 (dans l'éditeur : Enregistrer sous… > Encodage UTF-8)",
    ),
    Code(
        "input.too-large",
        E,
        "fichier trop volumineux",
        "vérifiez que c'est le bon fichier ; un contrat ou une clause tient en quelques dizaines "
        "de Ko",
    ),
    Code(
        "input.unreadable",
        E,
        "fichier illisible",
        "rendez le fichier lisible (chmod a+r), ou restaurez-le depuis git",
    ),
    Code(
        "input.control-character",
        E,
        "caractère de contrôle dans un fichier texte",
        "supprimez ce caractère invisible (souvent issu d'un copier-coller)",
    ),
    Code(
        "yaml.syntax",
        E,
        "YAML invalide",
        "vérifiez l'indentation, les deux-points et les guillemets de cette ligne",
    ),
    Code(
        "yaml.duplicate-key",
        E,
        "clé YAML en double",
        "supprimez ou renommez l'une des deux occurrences",
    ),
    Code(
        "yaml.tag",
        E,
        "étiquette YAML inconnue",
        "retirez l'étiquette « !… » : les données sont du texte, des nombres, des dates, des "
        "listes et des blocs",
    ),
    Code(
        "yaml.depth",
        E,
        "imbrication YAML trop profonde",
        "un contrat a moins de dix niveaux : vérifiez l'indentation et les crochets",
    ),
    Code(
        "yaml.alias-budget",
        E,
        "trop de références YAML (ancres et alias)",
        "écrivez les valeurs en entier au lieu de les recopier par « &ancre » et « *alias »",
    ),
    Code(
        "yaml.value",
        E,
        "valeur YAML impossible",
        "corrigez la valeur ; mettez-la entre guillemets si c'est un texte",
    ),
    Code(
        "yaml.merge",
        E,
        "clé de fusion YAML « <<: »",
        "écrivez chaque champ en entier dans son bloc : les données ne recopient pas d'autres "
        "blocs",
    ),
    # --- data -----------------------------------------------------------------------------------
    # One code per rule of the data model (model.py, fields.py) and of its cross-checks
    # (contract.py); the message names the field, the hint what to write instead.
    Code(
        "data.missing",
        E,
        "champ obligatoire manquant",
        "ajoutez ce champ ; contracts/schema.json et docs/donnees.md décrivent les champs admis",
    ),
    Code(
        "data.unknown-field",
        E,
        "champ inconnu",
        "vérifiez l'orthographe et l'indentation du champ ; contracts/schema.json liste les "
        "champs admis à chaque niveau",
    ),
    Code(
        "data.type",
        E,
        "valeur d'un autre type que celui attendu",
        "écrivez ce que le champ attend : un texte, un nombre, une liste (« - ») ou un bloc de "
        "champs ; docs/donnees.md décrit chaque champ",
    ),
    Code(
        "data.choice",
        E,
        "valeur qui n'est pas l'une des valeurs admises",
        "choisissez l'une des valeurs possibles, écrite exactement comme dans la liste",
    ),
    Code(
        "data.format",
        E,
        "identifiant qui n'a pas la forme attendue",
        "une clé s'écrit en minuscules, chiffres et tirets (« ars-occitanie ») ; un SIREN "
        "compte 9 chiffres",
    ),
    Code(
        "data.empty",
        E,
        "texte, liste ou choix vide",
        "écrivez le texte ou ajoutez au moins un élément ; retirez le champ s'il est facultatif",
    ),
    Code(
        "data.number",
        E,
        "nombre ou montant illisible",
        "écrivez le nombre sans espace ni symbole, avec un point décimal (1234567.89) ; "
        "docs/donnees.md décrit chaque champ",
    ),
    Code(
        "data.decimals",
        E,
        "trop de décimales",
        "deux décimales au plus pour un montant, trois pour un taux, quatre pour une valeur "
        "de point",
    ),
    Code(
        "data.date",
        E,
        "date illisible ou qui n'existe pas",
        "écrivez une date du calendrier, AAAA-MM-JJ (le 30 février n'existe pas)",
    ),
    Code(
        "data.out-of-range",
        E,
        "valeur hors des limites plausibles",
        "vérifiez la valeur (unité, zéros en trop) ; les limites sont dans docs/donnees.md",
    ),
    Code(
        "data.text-too-long",
        E,
        "texte trop long",
        "découpez le texte ou placez-le dans une clause propre au contrat "
        "(contracts/<id>/clauses/)",
    ),
    Code(
        "data.finess",
        E,
        "numéro FINESS invalide",
        "recopiez le numéro FINESS depuis le répertoire FINESS : 9 caractères, département en "
        "tête et clé de contrôle en dernier",
    ),
    Code(
        "data.departement",
        E,
        "code de département inconnu",
        'écrivez le code du département entre guillemets : "34", "2A", "974"',
    ),
    Code(
        "data.finess-departement",
        E,
        "département qui ne correspond pas au numéro FINESS",
        "le FINESS commence par le code du département de l'établissement : corrigez l'un ou "
        "l'autre",
    ),
    Code(
        "data.siren",
        E,
        "numéro SIREN invalide",
        "recopiez le SIREN du répertoire Sirene : 9 chiffres, dont le dernier est la clé de "
        "contrôle",
    ),
    Code(
        "data.deliberation-date",
        E,
        "délibération ou décision visée sans sa date",
        "ajoutez la date de la délibération ; tant qu'elle n'est pas prise, retirez le bloc "
        "deliberation : le visa s'ajoutera avec elle (aucun blanc n'est imprimé)",
    ),
    Code(
        "data.act-after-signature",
        E,
        "acte visé postérieur à la signature qu'il autorise",
        "corrigez la date de la délibération (ou de l'arrêté), ou la date de signature : une "
        "délibération qui autorise la signature la précède",
    ),
    Code(
        "data.requires",
        E,
        "champ exigé, ou sans objet, selon un autre champ",
        "ajoutez le champ que le message dit exigé, ou retirez celui qu'il dit sans objet",
    ),
    Code(
        "data.financing-kind",
        E,
        "financement sans nature, ou de plusieurs natures",
        "un financement a une seule nature : dotation (avec tarif_plafond pour un CHRS), "
        "forfait_soins, forfait_dependance (avec hebergement), prix_de_journee ou tarif_horaire",
    ),
    Code(
        "data.duplicate",
        E,
        "clé ou numéro FINESS en double",
        "chaque autorité, établissement et objectif a une clé (ou un FINESS) unique : retirez "
        "le doublon ou renommez-le",
    ),
    Code(
        "data.unknown-reference",
        E,
        "renvoi à une autorité, un membre ou un établissement que le contrat ne déclare pas",
        "reprenez la clé (ou le FINESS) d'un élément déclaré plus haut dans le fichier",
    ),
    Code(
        "data.unused",
        E,
        "membre du groupement qui ne gère aucun établissement du périmètre",
        "rattachez-lui un établissement (champ membre) ou retirez-le des membres",
    ),
    Code(
        "data.year-outside",
        E,
        "exercice hors de la durée du contrat",
        "choisissez un exercice couvert par le contrat, de sa prise d'effet à son terme",
    ),
    Code(
        "data.period-order",
        E,
        "période qui finit avant de commencer",
        "l'année de fin est au plus tôt l'année de début",
    ),
    Code(
        "data.sum-mismatch",
        E,
        "montant total qui ne concorde pas avec la somme de ses parts",
        "corrigez le total ou les parts pour qu'ils concordent",
    ),
    Code(
        "data.ignorer-unknown",
        E,
        "code inconnu sous ignorer",
        "recopiez le code d'un avertissement tel que make check l'imprime entre crochets "
        "(liste dans docs/erreurs.md)",
    ),
    Code(
        "data.ignorer-refused",
        E,
        "code qui ne s'ignore pas sous ignorer",
        "une erreur se corrige, elle ne s'ignore pas ; ignorer ne tait que les avertissements "
        "marqués « ignorable » dans docs/erreurs.md",
    ),
    # --- library and clauses --------------------------------------------------------------------
    Code(
        "library.termes",
        E,
        "fichier des termes définis mal formé",
        "chaque entrée de clauses/termes.yaml donne « terme: » et « clauses: [identifiants] »",
    ),
    Code(
        "library.titres",
        E,
        "fichier des titres absent ou invalide",
        "clauses/titres.yaml liste les titres : « titres: » puis cle, intitule, genre",
    ),
    Code(
        "library.empty",
        E,
        "bibliothèque de clauses vide",
        "restaurez clauses/ depuis git (git checkout -- clauses/) : un projet se construit "
        "depuis la bibliothèque",
    ),
    Code(
        "library.clause-missing",
        E,
        "clause verrouillée absente de la bibliothèque",
        "restaurez la clause dans clauses/ depuis git, ou lancez `make upgrade C=<id>` pour la "
        "retirer du projet",
    ),
    Code(
        "clause.front-matter",
        E,
        "en-tête de clause absent ou mal fermé",
        "la clause commence par un bloc --- id, version, titre, ordre, intitule ---",
    ),
    Code(
        "clause.motif",
        E,
        "nouvelle version de clause sans motif, ou motif de plusieurs lignes",
        "ajoutez à l'en-tête « motif: » et une ligne qui dit ce qui change dans cette version",
    ),
    Code(
        "clause.titre",
        E,
        "titre inconnu",
        "donnez la clé d'un titre de clauses/titres.yaml",
    ),
    Code(
        "clause.variant",
        E,
        "variante mal formée ou introuvable",
        "une clause à variantes a « selon: » et des blocs « ::: variante nom » … « ::: »",
    ),
    Code(
        "clause.variant-unreachable",
        E,
        "variante jamais choisie",
        "renommez la variante d'après une valeur possible, ou retirez-la",
    ),
    Code(
        "clause.variant-missing",
        E,
        "valeur sans variante",
        "ajoutez la variante, ou une condition qui écarte cette valeur",
    ),
    Code(
        "clause.duplicate-id",
        E,
        "identifiant de clause en double",
        "chaque clause a un identifiant unique",
    ),
    Code(
        "clause.duplicate-order",
        E,
        "deux clauses au même rang",
        "donnez un ordre distinct pour fixer la place de l'article",
    ),
    Code(
        "clause.drift",
        E,
        "texte modifié sans nouvelle version",
        "passez à la version suivante et ajoutez un « motif: » d'une ligne",
    ),
    Code(
        "clause.version-backwards",
        E,
        "version antérieure à la version publiée",
        "une version ne recule jamais : passez à la version suivante de la version publiée",
    ),
    # --- stipulations proper to one contract (contracts/<id>/clauses/) ---------------------------
    Code(
        "stipulation.placement",
        E,
        "stipulation sans titre, ordre ou intitulé",
        "une stipulation donne « titre: », « ordre: » et « intitule: » : ceux de la clause qu'elle "
        "remplace (même id), ou ceux du nouvel article",
    ),
    Code(
        "stipulation.order",
        E,
        "stipulation au même rang qu'un autre article",
        "donnez un « ordre: » libre dans ce titre, ou reprenez l'id de la clause pour la remplacer",
    ),
    Code(
        "stipulation.unknown-clause",
        E,
        "stipulation à écrire pour un article inconnu",
        "nommez une clause de la bibliothèque ou une stipulation existante du contrat",
    ),
    Code(
        "stipulation.file-taken",
        E,
        "fichier de stipulation déjà pris",
        "renommez l'autre stipulation : son fichier porte le nom de l'identifiant à écrire",
    ),
    # --- templates ------------------------------------------------------------------------------
    Code(
        "template.syntax",
        E,
        "syntaxe de gabarit invalide",
        "vérifiez les balises {{ }} et {% %} de cette ligne (voir docs/clauses.md)",
    ),
    Code(
        "template.undefined",
        E,
        "variable de gabarit inconnue",
        "corrigez le nom (voir docs/clauses.md) ou ajoutez la donnée au contrat",
    ),
    Code(
        "template.unknown-name",
        E,
        "nom inconnu dans une clause",
        "utilisez une donnée du contrat ou une aide des clauses (voir docs/clauses.md)",
    ),
    Code(
        "template.filter",
        E,
        "filtre appliqué à une valeur qu'il ne sait pas mettre en forme",
        "vérifiez la donnée filtrée ; les filtres sont décrits dans docs/clauses.md",
    ),
    Code(
        "template.expression",
        E,
        "expression de condition ou de variante invalide",
        "l'expression porte sur les données du contrat, par exemple "
        'options.frais_de_siege.modalite == "aucun"',
    ),
    Code(
        "template.unsafe",
        E,
        "opération interdite dans un gabarit",
        "les gabarits ne lisent que les données du contrat ; retirez cet appel",
    ),
    Code(
        "template.error",
        E,
        "erreur de gabarit",
        "relisez le gabarit à la ligne indiquée (voir docs/clauses.md)",
    ),
    Code(
        "template.budget",
        E,
        "gabarit trop coûteux (boucle sans fin, texte démesuré)",
        "vérifiez les boucles et les répétitions du gabarit à la ligne indiquée : une clause se "
        "rend en une fraction de seconde et en quelques pages",
    ),
    Code(
        "template.word",
        E,
        "modèle Word invalide",
        "corrigez le modèle désigné dans templates/ (voir docs/modeles.md)",
    ),
    Code(
        "template.consolidation",
        E,
        "modèle antérieur aux versions consolidées",
        "ajoutez la balise de la mention (« {{ mention }} » dans couverture.docx, « $mention$ » "
        "dans contrat.typ, voir docs/modeles.md) ou restaurez les modèles depuis git",
    ),
    Code(
        "template.docx",
        E,
        "modèle Word abîmé",
        "c'est le modèle qui est à corriger : restaurez-le depuis git, ou ouvrez-le dans Word et "
        "réenregistrez-le au format .docx",
    ),
    Code(
        "template.typst",
        E,
        "erreur dans le modèle PDF",
        "c'est le modèle templates/contrat.typ qui est à corriger, à la ligne indiquée (voir "
        "docs/modeles.md) ; en cas de doute, restaurez-le depuis git",
    ),
    Code(
        "xref.unknown",
        E,
        "renvoi à une clause inconnue ou non retenue",
        "ref() prend l'identifiant (champ id) d'une clause retenue dans ce contrat",
    ),
    # --- lint: the drafting review of the assembled text (make check) ----------------------
    Code(
        "lint.contraction",
        W,
        "« à le », « à les », « de le » ou « de les » devant un nom",
        "écrivez au, aux, du, des ; dans une clause, les filtres au et du (docs/clauses.md) "
        "contractent d'eux-mêmes, noms de lieux compris (« au Mans »)",
        silenceable=True,
    ),
    Code(
        "lint.article-double",
        W,
        "article doublé devant un nom qui porte le sien",
        'un nom qui porte son article (« Les Ateliers du Maine ») s\'écrit avec article: "" ; '
        "dans une clause, imprimez-le avec le filtre le, du ou au",
        silenceable=True,
    ),
    Code(
        "lint.citation",
        W,
        "citation d'un texte écrite de façon irrégulière ou coupée",
        "écrivez « article L. 313-11 », « R. 314-43-1 », « n° 2015-1776 » sur une même ligne "
        "de la clause : l'assemblage y pose les espaces insécables",
        silenceable=True,
    ),
    Code(
        "lint.terme-inutilise",
        W,
        "terme défini par « ci-après » mais jamais employé",
        "employez le terme défini dans le texte, ou retirez la définition",
        silenceable=True,
    ),
    Code(
        "lint.terme-non-defini",
        W,
        "terme employé comme défini (« l'« … » ») mais jamais défini",
        "définissez-le une fois (ci-après « … ») ou retirez les guillemets",
        silenceable=True,
    ),
    Code(
        "lint.terme-orphelin",
        E,
        "terme défini par une clause que le contrat ne retient plus",
        'mettez à jour les clauses qui l\'emploient encore (make upgrade C=<id> CLAUSE="…") '
        "ou réécrivez la donnée qui l'emploie ; les termes et les clauses qui les définissent "
        "sont déclarés dans clauses/termes.yaml",
    ),
    Code(
        "lint.annexe-inconnue",
        E,
        "renvoi à un numéro d'annexe que le contrat n'a pas",
        'renvoyez à l\'annexe par {{ ref("id-de-l-annexe") }} : le numéro suit la numérotation',
    ),
    Code(
        "lint.promesse",
        E,
        "l'annexe (ou l'article) ne contient pas ce que le renvoi promet",
        'complétez le texte visé ou corrigez la promesse de ref(…, promet="…")',
    ),
    Code(
        "lint.promesse-implicite",
        W,
        "« figure à l'annexe… » sans renvoi vérifiable",
        'dans une clause, écrivez {{ ref("id-de-l-annexe", promet="ce qui y figure") }} ; '
        "dans une donnée, vérifiez l'annexe puis ignorez l'avertissement pour ce contrat",
        silenceable=True,
    ),
    Code(
        "lint.majuscule",
        W,
        "majuscule après un deux-points",
        "après « : », écrivez en minuscule (filtre minuscule pour une donnée), sauf nom propre "
        "ou citation",
        silenceable=True,
    ),
    Code(
        "lint.intertitre",
        W,
        "intertitre en ligne suivi d'un deux-points",
        "un intertitre en ligne se termine par un point : « **Contexte.** Les projets… »",
        silenceable=True,
    ),
    Code(
        "lint.liste-introduction",
        W,
        "« s'engage : » devant une liste d'infinitifs",
        "écrivez « s'engage à : » devant des éléments qui commencent par un infinitif",
        silenceable=True,
    ),
    Code(
        "lint.liste-ponctuation",
        W,
        "élément de liste mal ponctué",
        "chaque élément se termine par « ; », le dernier par « . » (filtre puces)",
        silenceable=True,
    ),
    Code(
        "schema.stale",
        E,
        "schéma JSON périmé",
        "lancez `.venv/bin/cpom schema` et validez le fichier produit",
    ),
    # --- versions -------------------------------------------------------------------------------
    Code(
        "lock.clause-unused",
        E,
        "clause que le projet n'utilise pas",
        "`make upgrade C=<id> CLAUSE=<id>` passe à sa dernière version une clause retenue par le "
        "projet (voir son verrou cpom.lock.json) ; `make upgrade C=<id>` les passe toutes",
    ),
    Code(
        "lock.clause-current",
        E,
        "clause déjà à sa dernière version",
        "rien à mettre à jour : `make status` dit quelles clauses du projet sont en retard",
    ),
    Code(
        "lock.invalid",
        E,
        "fichier de verrouillage illisible",
        "ce fichier est écrit par l'outil ; restaurez-le depuis git",
    ),
    Code(
        "history.missing",
        E,
        "fichier absent de l'historique",
        "l'historique est versionné avec le dépôt : restaurez history/ depuis git",
    ),
    # --- avenants -------------------------------------------------------------------------------
    Code(
        "avenant.manual",
        E,
        "changement que l'outil ne sait pas rédiger",
        "rédigez-le dans « articles: » (intitule, texte) du fichier d'avenant",
    ),
    Code(
        "avenant.sequence",
        E,
        "fichier d'avenant hors séquence",
        "numérotez le fichier de l'avenant en cours avenant-<n>.yaml, n étant le numéro qui suit "
        "le dernier avenant archivé",
    ),
    Code(
        "avenant.retroactive",
        E,
        "avenant rétroactif non déclaré",
        "déclarez « retroactif: true » et « motif_retroactivite: » dans le fichier de l'avenant, "
        "ou corrigez sa date d'effet",
    ),
    Code(
        "avenant.closure",
        E,
        "date de fermeture manquante",
        "ajoutez la date de fermeture de l'établissement dans « fermetures: »",
    ),
    Code(
        "avenant.objectifs",
        E,
        "établissement ajouté sans objectif",
        "listez sous « objectifs: » les objectifs du contrat qui s'appliquent à l'établissement "
        "ajouté, ou dites pourquoi il n'en reçoit pas : « objectifs_sans_objet: <motif> »",
    ),
    Code(
        "avenant.autorisation",
        E,
        "établissement ajouté sans son arrêté d'autorisation",
        "donnez à l'établissement ajouté son « autorisation: » (date, autorites) dans "
        "contract.yaml : l'avenant vise l'arrêté qui l'a autorisé",
    ),
    Code(
        "avenant.objectif-inconnu",
        E,
        "objectif inconnu du contrat",
        "reprenez la clé (cle:) d'un objectif de contract.yaml",
    ),
    Code(
        "avenant.frais-de-siege",
        E,
        "périmètre modifié sans conséquence sur les frais de siège",
        "donnez la quote-part des établissements ajoutés, ou « frais_de_siege_inchanges: "
        "<motif> » dans le fichier de l'avenant",
    ),
    Code(
        "avenant.effet-date",
        E,
        "date d'effet, d'ouverture ou de fermeture hors du contrat ou du prorata",
        "une ouverture ou une fermeture prend effet à la date d'effet de l'avenant ou après, "
        "avant la fin du contrat ; au prorata des mois, le premier jour d'un mois (la veille "
        "pour une fermeture)",
    ),
    Code(
        "avenant.prorogation-repeat",
        E,
        "seconde prorogation du contrat",
        "le contrat ne se proroge qu'une fois, dans la limite d'une sixième année (article "
        "L. 313-11) : gardez contrat.prorogation tel que l'avenant signé l'a fixé, et concluez un "
        "nouveau contrat",
    ),
    Code(
        "avenant.prorogation-late",
        E,
        "avenant de prorogation signé après l'échéance du contrat",
        "un contrat échu ne se proroge pas : signez l'avenant au plus tard le dernier jour du "
        "contrat, ou concluez un nouveau contrat",
    ),
    Code(
        "avenant.prorogation-clause",
        E,
        "article sur la durée qui ne sait pas énoncer la prorogation",
        "passez la clause de la durée à sa dernière version pour ce contrat : "
        "`make upgrade C=<id> CLAUSE=duree`",
    ),
    Code(
        "avenant.effet-unknown",
        E,
        "ouverture ou fermeture d'un établissement que l'avenant n'ajoute ni ne retire",
        "ne listez sous « ouvertures: » que les établissements ajoutés, sous « fermetures: » "
        "que les établissements retirés (numéro FINESS)",
    ),
    # --- archive --------------------------------------------------------------------------------
    Code(
        "archive.exists",
        E,
        "version déjà archivée",
        "un nouvel accord donne lieu à un avenant, archivé comme version suivante",
    ),
    Code(
        "archive.date-mismatch",
        E,
        "date d'archivage différente de la date imprimée",
        "omettez DATE (la date imprimée fait foi) ou corrigez la date de signature des données "
        "et faites signer le document corrigé",
    ),
    Code(
        "archive.date-signature",
        E,
        "date contredite par les signatures électroniques",
        "donnez la date des signatures électroniques, ou omettez DATE pour la reprendre",
    ),
    Code(
        "archive.mismatch",
        E,
        "le fichier signé ne reprend pas le texte construit",
        "vérifiez que le bon fichier a été signé ; pour archiver malgré tout, "
        'FORCE="motif" (le motif est consigné au manifeste)',
    ),
    Code(
        "archive.manifest",
        E,
        "manifeste illisible ou mal formé",
        "restaurez le manifeste depuis git ou une sauvegarde",
    ),
    Code(
        "archive.missing",
        E,
        "fichier archivé manquant",
        "restaurez-le depuis git ou une sauvegarde",
    ),
    Code(
        "archive.altered",
        E,
        "fichier archivé modifié",
        "restaurez l'original depuis git ou une sauvegarde",
    ),
    Code(
        "archive.added",
        E,
        "fichier ajouté à l'archive",
        "retirez-le : l'archive n'est jamais complétée",
    ),
    Code(
        "archive.chain",
        E,
        "chaîne des versions rompue",
        "restaurez la version précédente et son manifeste depuis git ou une sauvegarde",
    ),
    Code(
        "archive.pdfa",
        E,
        "le PDF archivé ne se déclare plus PDF/A",
        "restaurez l'original depuis git ou une sauvegarde",
    ),
    Code(
        "archive.lock",
        E,
        "verrou archivé incohérent",
        "restaurez le verrou archivé depuis git ou une sauvegarde",
    ),
    Code(
        "archive.index",
        E,
        "index des versions mal formé ou incohérent",
        "restaurez archive/<id>/index.jsonl depuis git ou une sauvegarde : seuls make archive "
        "et make index l'écrivent",
    ),
    Code(
        "archive.index-missing",
        E,
        "index des versions absent",
        "s'il a existé, restaurez-le depuis git ; pour une archive antérieure à l'index, "
        "make index C=<id> l'ajoute (sans toucher aux versions)",
    ),
    Code(
        "archive.unindexed",
        E,
        "version absente de l'index",
        "si elle vient d'un archivage interrompu, make index C=<id> l'inscrit après l'avoir "
        "vérifiée ; sinon retirez-la",
    ),
    Code(
        "archive.unexpected",
        E,
        "fichier ou dossier inattendu dans l'archive",
        "retirez-le : archive/ ne contient que archive/<id>/index.jsonl et les versions "
        "archive/<id>/vN/",
    ),
    Code(
        "archive.symlink",
        E,
        "lien symbolique dans l'archive",
        "remplacez le lien par le fichier original (git checkout ou sauvegarde) : l'archive ne "
        "suit aucun lien",
    ),
    Code(
        "archive.renamed",
        E,
        "version rangée sous un autre nom",
        "rendez au dossier le nom de la version que dit son manifeste, ou restaurez l'archive "
        "depuis git",
    ),
    Code(
        "archive.unreadable",
        E,
        "fichier archivé illisible",
        "rendez-le lisible (chmod a+r) ou restaurez-le depuis git ou une sauvegarde",
    ),
    Code(
        "archive.too-large",
        E,
        "fichier archivé démesuré",
        "l'outil n'écrit jamais un tel fichier : restaurez l'original depuis git ou une sauvegarde",
    ),
    Code(
        "archive.staging",
        W,
        "archivage interrompu",
        "le prochain make archive supprime ce dossier temporaire ; vous pouvez aussi le "
        "supprimer si aucun archivage n'est en cours",
    ),
    Code(
        "archive.git-deleted",
        E,
        "fichier archivé validé dans git puis supprimé",
        "restaurez-le : git checkout HEAD -- <fichier>",
    ),
    Code(
        "archive.git-rewritten",
        E,
        "fichier archivé différent de sa version validée dans git",
        "restaurez-le : git checkout HEAD -- <fichier>",
    ),
    Code(
        "archive.git-history",
        E,
        "l'historique git modifie ou supprime un fichier archivé",
        "examinez ce commit (git show <commit>) : l'archive ne se modifie jamais ; faites "
        "constater l'incident et restaurez l'original depuis une copie sûre",
    ),
    Code(
        "archive.uncommitted",
        W,
        "archive pas encore validée dans git",
        "validez l'archive : git add archive && git commit",
    ),
    # --- signed files and electronic signatures -------------------------------------------------
    Code(
        "signature.unreadable",
        E,
        "le fichier signé n'est pas un PDF lisible",
        "SIGNED= désigne le PDF reçu de la plateforme de signature ; un document numérisé se "
        "déclare avec SCAN=1",
    ),
    Code(
        "signature.no-text",
        E,
        "PDF signé sans texte",
        "si c'est un document numérisé, déclarez-le avec SCAN=1 ; sinon demandez le PDF "
        "signé électroniquement",
    ),
    Code(
        "signature.scan-format",
        E,
        "document numérisé de format non admis",
        "un document numérisé est un PDF ou une image PNG, JPEG ou TIFF",
    ),
    Code(
        "signature.trust-root",
        E,
        "certificat racine illisible dans confiance/",
        "confiance/ ne contient que des certificats racines, au format PEM ou DER",
    ),
    Code(
        "signature.integrity",
        E,
        "signature électronique rompue",
        "le fichier a été altéré après signature : demandez l'original à la plateforme ; pour "
        'archiver malgré tout, FORCE="motif"',
    ),
    Code(
        "signature.modified",
        E,
        "document modifié après signature",
        "seuls le remplissage de champs, les annotations et les données de validation peuvent "
        "suivre une signature : demandez l'original ; pour archiver malgré tout, "
        'FORCE="motif"',
    ),
    # --- rendering and tools --------------------------------------------------------------------
    Code(
        "render.signatures",
        E,
        "emplacement des signatures introuvable",
        "le style « Signatures » doit exister dans templates/reference.docx",
    ),
    Code(
        "tool.pandoc",
        E,
        "pandoc a échoué",
        "signalez-le à l'équipe avec la commande lancée : l'entrée produite par l'outil est en "
        "cause",
    ),
    Code(
        "tool.typst",
        E,
        "typst a échoué",
        "vérifiez templates/contrat.typ ; sinon signalez-le à l'équipe",
    ),
    Code(
        "tool.internal",
        E,
        "erreur interne de l'outil pendant un lot",
        "reconstruisez ce contrat seul avec CPOM_DEBUG=1 (CPOM_DEBUG=1 make contract C=<id>) et "
        "transmettez la sortie à l'équipe",
    ),
    # --- writing files --------------------------------------------------------------------------
    Code(
        "io.permission",
        E,
        "écriture refusée",
        "rendez le dossier accessible en écriture (chmod u+w) ou demandez-le à son propriétaire, "
        "puis relancez",
    ),
    Code(
        "io.disk-full",
        E,
        "disque plein",
        "libérez de la place (make clean supprime build/), puis relancez ; aucun fichier n'a été "
        "remplacé",
    ),
    Code(
        "io.not-a-directory",
        E,
        "un fichier occupe la place d'un dossier",
        "déplacez ou supprimez ce fichier : la commande y crée un dossier",
    ),
    Code(
        "io.write",
        E,
        "écriture impossible",
        "vérifiez le dossier indiqué (droits, place, nom), puis relancez",
    ),
    # --- review --------------------------------------------------------------------------------
    Code(
        "review.not-docx",
        E,
        "le fichier retourné n'est pas un document Word",
        "donnez le fichier .docx reçu (un .doc ou un PDF s'enregistre d'abord en .docx dans Word)",
    ),
    Code(
        "review.corrupt",
        E,
        "document Word endommagé",
        "demandez à l'expéditeur un nouvel envoi, ou ouvrez-le dans Word et enregistrez-le à "
        "nouveau",
    ),
    Code(
        "review.other-contract",
        E,
        "le document retourné est celui d'un autre contrat",
        "vérifiez C= : donnez l'identifiant du contrat que porte le document",
    ),
    Code(
        "review.apply-stale",
        E,
        "donnée modifiée depuis l'envoi",
        "la donnée a changé dans contract.yaml depuis la version envoyée : reportez la "
        "modification à la main, ou revenez à la valeur envoyée et relancez la revue",
    ),
    Code(
        "review.stipulation-stale",
        E,
        "stipulation modifiée depuis l'envoi",
        "la stipulation propre au contrat a changé depuis la version relue : reportez les "
        "modifications du texte à la main dans le fichier indiqué",
    ),
    # --- identify: what a file is ------------------------------------------------------------
    Code(
        "identify.unreadable",
        E,
        "fichier illisible",
        "donnez un fichier .docx ou .pdf produit par l'outil (ou revenu d'une relecture), "
        "non endommagé",
    ),
    Code(
        "identify.unknown-contract",
        E,
        "fichier d'un contrat absent du dépôt",
        "ce fichier vient d'un autre dépôt, ou son contrat a été renommé : identifiez-le dans "
        "le dépôt qui l'a produit",
    ),
    Code(
        "identify.unknown",
        E,
        "fichier qui ne ressemble à aucune version connue",
        "construisez les versions du contrat (make contract C=<id>, VERSION=<v>) pour qu'elles "
        "servent de comparaison, ou vérifiez que le fichier est bien un de ces contrats",
    ),
)


def refusal_to_silence(code: str) -> tuple[str, str, str | None] | None:
    """Why `code` cannot be listed under a contract's `ignorer:`: problem code, message, hint.

    None when it can: a registered warning about the text of one contract.
    """
    entry = CODES.get(code)
    if entry is None:
        close = difflib.get_close_matches(code, silenceable_codes(), n=1)
        guess = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
        known = ", ".join(silenceable_codes())
        return (
            "data.ignorer-unknown",
            f"« {code} » n'est pas un code connu{guess}",
            f"avertissements qui s'ignorent : {known}",
        )
    if entry.severity != W:
        message = f"« {code} » est une erreur : elle se corrige, elle ne s'ignore pas"
        return "data.ignorer-refused", message, f"corrigez-la : {entry.fix}"
    if not entry.silenceable:
        message = (
            f"« {code} » est un avertissement qui ne porte pas sur le texte d'un contrat : il "
            "ne s'ignore pas"
        )
        return "data.ignorer-refused", message, f"faites-le disparaître : {entry.fix}"
    return None


def silenceable_codes() -> list[str]:
    """The warnings a contract may list under `ignorer:`, for the data model's JSON schema."""
    return [c.code for c in CODES.values() if c.silenceable]


def lookup(code: str) -> Code:
    """The registered code; an unregistered one is a programming error, caught by the tests."""
    try:
        return CODES[code]
    except KeyError:
        raise KeyError(f"problem code not registered in assemble/core/codes.py: {code}") from None


def codes_markdown() -> str:
    """docs/erreurs.md: every code, by family, with its severity and its fix."""
    lines = [
        "# Codes des problèmes signalés",
        "",
        "<!-- Généré par `cpom codes --doc` depuis assemble/core/codes.py : "
        "ne pas modifier à la main. -->",
        "",
        "Chaque problème est imprimé sous la forme `fichier:ligne: message [code]`, suivi de "
        "« → » et de la correction à apporter. Le code de sortie est 1 pour une donnée, une "
        "clause ou un fichier à corriger, 2 pour une commande mal employée. Un avertissement "
        "est signalé sans changer le code de sortie.",
        "",
        "## Taire un avertissement pour un contrat",
        "",
        "Un avertissement marqué « ignorable » ci-dessous, une fois examiné et accepté, se tait "
        "pour un contrat en listant son code sous `ignorer:` dans son `contract.yaml` :",
        "",
        "```yaml",
        "ignorer:",
        "  - lint.promesse-implicite",
        "```",
        "",
        "Le code est tu pour ce contrat seulement, partout où il apparaît. Une erreur ne "
        "s'ignore pas : la lister est une erreur (`data.ignorer-refused`), à la ligne du code "
        "listé ; un code inconnu aussi (`data.ignorer-unknown`). Les avertissements de "
        "l'archive ne portent pas sur le texte d'un contrat et ne s'ignorent pas.",
        "",
    ]
    for family, title in FAMILIES.items():
        entries = [c for c in CODES.values() if c.family == family]
        if not entries:
            continue
        lines += [f"## {title}", "", "| code | gravité | problème | correction |"]
        lines.append("| --- | --- | --- | --- |")
        for entry in entries:
            fix = entry.fix.replace("|", "\\|")
            severity = f"{entry.severity} (ignorable)" if entry.silenceable else entry.severity
            lines.append(f"| `{entry.code}` | {severity} | {entry.title} | {fix} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
