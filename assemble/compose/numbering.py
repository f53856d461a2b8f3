"""Number titres in roman numerals, articles continuously, annexes apart; resolve references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..library.clauses import Clause, TitreDef
from ..text.french import NBSP, romain


@dataclass(frozen=True)
class Selected:
    """A clause kept for this contract, with the variant its data chose."""

    clause: Clause
    variant: str | None
    item: Any = None  # for a repeated clause: the item this article is about
    instance: str | None = None  # and its key, unique within the clause


@dataclass(frozen=True)
class Slot:
    """Where an article stands in the contract once numbered."""

    selected: Selected
    number: int | None
    label: str  # "Article 12", "Annexe 2", ""
    reference: str  # how other clauses cite it: "article 12", "annexe 2"


@dataclass(frozen=True)
class NumberedTitre:
    titre: TitreDef
    number: int | None
    label: str
    slots: tuple[Slot, ...]


def number(titres: Sequence[TitreDef], selected: Sequence[Selected]) -> tuple[NumberedTitre, ...]:
    """Give each titre and article its number; empty titres are left out."""
    result = []
    titre_no = article_no = annex_no = 0
    for titre in titres:
        members = [s for s in selected if s.clause.titre == titre.cle]
        if not members:
            continue
        slots = []
        for member in members:
            if titre.genre == "annexes":
                annex_no += 1
                slots.append(
                    Slot(member, annex_no, f"Annexe{NBSP}{annex_no}", f"annexe{NBSP}{annex_no}")
                )
            elif titre.articles_numerotes:
                article_no += 1
                slots.append(
                    Slot(
                        member,
                        article_no,
                        f"Article{NBSP}{article_no}",
                        f"article{NBSP}{article_no}",
                    )
                )
            else:
                slots.append(Slot(member, None, "", member.clause.intitule))
        if titre.genre == "titre":
            titre_no += 1
            label = f"Titre{NBSP}{romain(titre_no)}"
            result.append(NumberedTitre(titre, titre_no, label, tuple(slots)))
        else:
            result.append(NumberedTitre(titre, None, "", tuple(slots)))
    return tuple(result)


def reference_table(numbered: Sequence[NumberedTitre]) -> Mapping[str, tuple[Slot, ...]]:
    """Clause id → its slots (several for a repeated clause), for `ref()`."""
    table: dict[str, tuple[Slot, ...]] = {}
    for titre in numbered:
        for slot in titre.slots:
            key = slot.selected.clause.id
            table[key] = (*table.get(key, ()), slot)
    return table
