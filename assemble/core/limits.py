"""Bounds on what the tool reads: a hostile or mistyped input is refused before it costs much.

Each limit says why it exists, so that the message a drafter reads can say it too. The bounds
are far above any real CPOM (the largest sample is 18 KB with texts of a few hundred
characters) and far below what makes a build slow or exhausts memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Limit:
    """A bound and the reason for it, as printed after the value that exceeds it."""

    value: int
    why: str


# --- files ---------------------------------------------------------------------------------
DATA_FILE_BYTES = Limit(
    512 * 1024, "un contrat de vingt établissements tient en moins de 100 Ko de données"
)
CLAUSE_FILE_BYTES = Limit(256 * 1024, "une clause tient en quelques pages")
SIGNED_FILE_BYTES = Limit(
    200 * 1024 * 1024,
    "un contrat signé, même numérisé en couleur, fait quelques dizaines de Mo",
)
TRUST_ROOT_BYTES = Limit(1024 * 1024, "un certificat racine fait quelques Ko")
INDEX_BYTES = Limit(
    1024 * 1024, "l'index a une ligne de 250 octets par version signée : quelques Ko"
)
TOOL_FILE_BYTES = Limit(
    8 * 1024 * 1024, "ce fichier est écrit par l'outil et reste de taille modeste"
)

# --- YAML structure ------------------------------------------------------------------------
YAML_DEPTH = Limit(40, "les données d'un contrat ont moins de dix niveaux d'imbrication")
YAML_ALIAS_NODES = Limit(
    2_000,
    "les références YAML (&ancre, *alias) recopient des blocs : au-delà, un fichier de "
    "quelques lignes peut occuper toute la mémoire",
)
YAML_NODES = Limit(200_000, "un contrat réel compte quelques milliers de valeurs")
TEXT_CHARACTERS = Limit(
    20_000,
    "un texte de plus de 20 000 caractères (une dizaine de pages) ralentit la construction de "
    "plusieurs minutes ; découpez-le ou placez-le dans une clause propre au contrat",
)

# --- signed files -------------------------------------------------------------------------
SIGNED_EXTRA_PAGES = Limit(
    50, "une plateforme de signature ajoute une à quelques pages de certificat"
)

# --- templates (clauses, Word models): see sandbox.py --------------------------------------
TEMPLATE_OUTPUT = Limit(
    1_000_000,
    "une clause rendue tient en quelques pages (la plus longue des contrats d'exemple fait "
    "10 000 caractères) ; un million de caractères, c'est près de 400 pages",
)
DOCUMENT_OUTPUT = Limit(
    5_000_000,
    "un contrat complet, annexes comprises, fait quelques centaines de milliers de caractères",
)
TEMPLATE_SECONDS = Limit(
    20,
    "une clause ou un modèle se rend en une fraction de seconde ; au-delà, une boucle ne finit "
    "pas ou se répète bien trop",
)
TEMPLATE_MEMORY = Limit(
    1024 * 1024 * 1024,
    "le rendu d'une clause tient en quelques mégaoctets",
)
REPEATED_ARTICLES = Limit(
    1000,
    "« repeter » donne un article par élément : établissements, membres ou autorités, quelques "
    "centaines au plus",
)

# --- values --------------------------------------------------------------------------------
MAX_AMOUNT = Decimal("100000000000")  # 100 milliards d'euros
AMOUNT_WHY = "100 milliards d'euros : bien au-delà du budget de tout organisme gestionnaire"
MAX_PLACES = 100_000
PLACES_WHY = "100 000 places : bien au-delà de la capacité de tout établissement"
MIN_YEAR = 2000
MAX_YEAR = 2100
YEAR_WHY = "un CPOM porte sur des exercices compris entre 2000 et 2100"
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)
RATE_WHY = "un taux s'exprime en pour cent, entre 0 et 100"
MAX_ESTABLISHMENTS = 500
ESTABLISHMENTS_WHY = (
    "les plus grands CPOM couvrent quelques dizaines d'établissements ; au-delà, découpez le "
    "périmètre en plusieurs contrats"
)

# The reason printed after a value out of bounds, by the bound it exceeds.
REASONS = {
    str(MAX_AMOUNT): AMOUNT_WHY,
    str(MAX_PLACES): PLACES_WHY,
    str(MIN_YEAR): YEAR_WHY,
    str(MAX_YEAR): YEAR_WHY,
    str(MIN_DATE): YEAR_WHY,
    str(MAX_DATE): YEAR_WHY,
    "100": RATE_WHY,
}
# The reason printed after a list too long, by its length limit.
LENGTH_REASONS = {str(MAX_ESTABLISHMENTS): ESTABLISHMENTS_WHY}
