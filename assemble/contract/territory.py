"""Facts of the perimeter by territory and category: départements, categories, the pilot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..text.departements import DEPARTEMENTS, Departement
from .categories import CATEGORY_LABELS
from .model import ContractData
from .model_parties import Autorite

if TYPE_CHECKING:
    from .facts import EstablishmentFacts


@dataclass(frozen=True)
class DepartementFacts:
    code: str
    departement: Departement
    etablissements: int
    places: int
    dotation: Decimal
    autorite: Autorite | None = None  # the Département, when it is a party


@dataclass(frozen=True)
class CategoryFacts:
    categorie: str
    libelle: str
    etablissements: int
    places: int
    dotation: Decimal


def departement_facts(
    code: str, establishments: tuple[EstablishmentFacts, ...], autorite: Autorite | None
) -> DepartementFacts:
    own = [f for f in establishments if f.etablissement.departement == code]
    return DepartementFacts(
        code,
        DEPARTEMENTS[code],
        len(own),
        sum(f.places for f in own),
        sum((f.dotation for f in own), Decimal(0)),
        autorite,
    )


def category_facts(establishments: tuple[EstablishmentFacts, ...]) -> tuple[CategoryFacts, ...]:
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


def pilot_code(data: ContractData, establishments: tuple[EstablishmentFacts, ...]) -> str:
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
