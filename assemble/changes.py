"""What changed between the signed version of a contract and its current draft.

Works on two Documents and their data, never on files: establishments added, closed or
resized, allocations before and after, articles replaced, inserted or removed (ignoring mere
renumbering of cross-references), annexes replaced, and the changes only a drafter can word.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from .contract import LoadedContract
from .document import Article, Document
from .facts import CATEGORY_LABELS, PLACE_LABELS, Facts, derive
from .financing import annual_amount
from .model import Contract, Etablissement
from .templating import du, le, liste

_REFERENCE = re.compile(r"\[(articles?|annexes?)\u00a0[^\]]*\]\(#([^)]+)\)")


@dataclass(frozen=True)
class CapacityChange:
    type: str  # label: « hébergement permanent »
    before: int
    after: int


@dataclass(frozen=True)
class EstablishmentChange:
    etablissement: Etablissement  # as it is after the change (before, for a closure)
    kind: str  # ajout, fermeture, modification
    capacites: tuple[CapacityChange, ...]
    date_fermeture: dt.date | None
    financeurs: str  # « l'Agence régionale de santé Occitanie et le Département de l'Hérault »
    capacites_texte: str

    @property
    def categorie_libelle(self) -> str:
        return CATEGORY_LABELS[self.etablissement.categorie]


@dataclass(frozen=True)
class AllocationChange:
    etablissement: str  # « SAMSAH « Les Passerelles » »
    financeur: str  # short name, for tables
    charge: str  # « de l'Agence régionale de santé Occitanie », for « à la charge de… »
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class FunderTotal:
    financeur: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class ArticleChange:
    kind: str  # remplacement, insertion, suppression
    before: Article | None
    after: Article | None
    previous: Article | None  # for an insertion: the article it follows in the contract


@dataclass(frozen=True)
class Changes:
    etablissements: tuple[EstablishmentChange, ...]
    dotations: tuple[AllocationChange, ...]
    financeurs: tuple[FunderTotal, ...]
    total_avant: Decimal
    total_apres: Decimal
    articles: tuple[ArticleChange, ...]
    annexes: tuple[ArticleChange, ...]
    manuels: tuple[str, ...]  # changes that need an article written by hand

    @property
    def empty(self) -> bool:
        return not (
            self.etablissements or self.dotations or self.articles or self.annexes or self.manuels
        )

    @property
    def renumbered(self) -> bool:
        return any(c.kind != "remplacement" for c in self.articles)


def compare(
    before: LoadedContract,
    before_doc: Document,
    after: LoadedContract,
    after_doc: Document,
    closures: dict[str, dt.date],
) -> Changes:
    """Every change from the signed version to the draft, article by article."""
    old, new = before.data, after.data
    old_facts, new_facts = derive(old), derive(new)  # computed once, read by every part
    allocations = _allocations(old, new)
    return Changes(
        etablissements=_establishments(old, new, old_facts, new_facts, closures),
        dotations=allocations,
        financeurs=_funder_totals(old_facts, new_facts) if allocations else (),
        total_avant=old_facts.total_dotation,
        total_apres=new_facts.total_dotation,
        articles=_articles(before_doc, after_doc, annexes=False),
        annexes=_articles(before_doc, after_doc, annexes=True),
        manuels=_manual(old, new),
    )


def comparable(body: str) -> str:
    """An article body with cross-reference numbers left out: renumbering is no change."""
    return _REFERENCE.sub(lambda m: f"[{m.group(1)}](#{m.group(2)})", body)


def _establishments(
    old: Contract,
    new: Contract,
    old_facts: Facts,
    new_facts: Facts,
    closures: dict[str, dt.date],
) -> tuple[EstablishmentChange, ...]:
    before = {e.finess: e for e in old.etablissements}
    after = {e.finess: e for e in new.etablissements}
    names = {a.cle: le(a) for a in (*old.autorites, *new.autorites)}
    facts = {
        f.etablissement.finess: f for f in (*old_facts.etablissements, *new_facts.etablissements)
    }
    changes = []
    for finess, etab in after.items():
        if finess not in before:
            changes.append(_change(etab, "ajout", (), None, names, facts[finess].capacites_texte))
            continue
        capacities = _capacities(before[finess], etab)
        if capacities:
            changes.append(
                _change(
                    etab, "modification", capacities, None, names, facts[finess].capacites_texte
                )
            )
    for finess, etab in before.items():
        if finess not in after:
            changes.append(
                _change(
                    etab,
                    "fermeture",
                    (),
                    closures.get(finess),
                    names,
                    facts[finess].capacites_texte,
                )
            )
    return tuple(changes)


def _change(
    etab: Etablissement,
    kind: str,
    capacities: tuple[CapacityChange, ...],
    closing: dt.date | None,
    names: dict[str, str],
    capacites_texte: str,
) -> EstablishmentChange:
    funders = liste(names[f.financeur] for f in etab.financements)
    return EstablishmentChange(etab, kind, capacities, closing, funders, capacites_texte)


def _capacities(before: Etablissement, after: Etablissement) -> tuple[CapacityChange, ...]:
    old = {c.type: c.places for c in before.capacites}
    new = {c.type: c.places for c in after.capacites}
    return tuple(
        CapacityChange(PLACE_LABELS[kind], old.get(kind, 0), new.get(kind, 0))
        for kind in dict.fromkeys([*old, *new])
        if old.get(kind, 0) != new.get(kind, 0)
    )


def _allocations(old: Contract, new: Contract) -> tuple[AllocationChange, ...]:
    def table(data: Contract) -> dict[tuple[str, str], Decimal]:
        return {
            (e.finess, f.financeur): annual_amount(f) or Decimal(0)
            for e in data.etablissements
            for f in e.financements
        }

    names = {
        e.finess: f"{e.categorie} « {e.nom} »" for e in (*old.etablissements, *new.etablissements)
    }
    funders = {a.cle: a for a in (*old.autorites, *new.autorites)}
    before, after = table(old), table(new)
    changes = []
    for key in dict.fromkeys([*after, *before]):
        amount_before, amount_after = before.get(key, Decimal(0)), after.get(key, Decimal(0))
        if amount_before != amount_after:
            funder = funders[key[1]]
            changes.append(
                AllocationChange(
                    names[key[0]],
                    funder.nom_court or funder.nom,
                    du(funder),
                    amount_before,
                    amount_after,
                )
            )
    return tuple(changes)


def _funder_totals(old: Facts, new: Facts) -> tuple[FunderTotal, ...]:
    before = {f.autorite.cle: f for f in old.autorites}
    after = {f.autorite.cle: f for f in new.autorites}
    totals = []
    for key in dict.fromkeys([*after, *before]):
        facts = after.get(key) or before[key]
        totals.append(
            FunderTotal(
                facts.autorite.nom_court or facts.autorite.nom,
                before[key].dotation if key in before else Decimal(0),
                after[key].dotation if key in after else Decimal(0),
            )
        )
    return tuple(t for t in totals if t.before or t.after)


def _articles(before: Document, after: Document, annexes: bool) -> tuple[ArticleChange, ...]:
    def kept(doc: Document) -> list[Article]:
        return [
            a
            for t in doc.titres
            if (t.kind == "annexes") == annexes
            for a in t.articles
            if a.number is not None or annexes
        ]

    old, new = kept(before), kept(after)
    old_by_key = {a.key: a for a in old}
    new_keys = {a.key for a in new}
    changes = []
    previous: Article | None = None
    for article in new:
        earlier = old_by_key.get(article.key)
        if earlier is None:
            changes.append(ArticleChange("insertion", None, article, previous))
        elif comparable(earlier.body) != comparable(article.body) or (
            earlier.heading != article.heading
        ):
            changes.append(ArticleChange("remplacement", earlier, article, None))
        if earlier is not None:
            previous = earlier
    changes += [ArticleChange("suppression", a, None, None) for a in old if a.key not in new_keys]
    return tuple(changes)


def _manual(old: Contract, new: Contract) -> tuple[str, ...]:
    """Changes of identity that no generated article can word: a drafter must write them."""
    found = []
    identity = (
        "raison_sociale",
        "article",
        "forme_juridique",
        "statut",
        "siege",
        "siren",
        "finess_juridique",
        "departement",
    )
    for field in identity:
        if getattr(old.organisme, field) != getattr(new.organisme, field):
            found.append(
                f"organisme.{field} : « {getattr(old.organisme, field)} » → "
                f"« {getattr(new.organisme, field)} »"
            )
    if old.organisme.gcsms != new.organisme.gcsms:
        found.append("organisme.gcsms : composition ou régime du groupement")
    old_auth = {a.cle: (a.type, a.nom, a.article) for a in old.autorites}
    new_auth = {a.cle: (a.type, a.nom, a.article) for a in new.autorites}
    for key in sorted(set(old_auth) | set(new_auth)):
        if old_auth.get(key) != new_auth.get(key):
            state = (
                "ajoutée"
                if key not in old_auth
                else "retirée"
                if key not in new_auth
                else "modifiée"
            )
            found.append(f"autorites : « {key} » {state}")
    for field in ("reference", "intitule"):
        if getattr(old.contrat, field) != getattr(new.contrat, field):
            found.append(
                f"contrat.{field} : « {getattr(old.contrat, field)} » → "
                f"« {getattr(new.contrat, field)} »"
            )
    return tuple(found)
