"""What changed between the signed version of a contract and its current draft.

Works on two Documents and their data, never on files: establishments added, closed or
resized, allocations before and after, articles replaced, inserted or removed and annexes
replaced (as the article diff finds them, `article_diff`), and the changes only a drafter can
word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..compose.document import Article, Document
from ..compose.templating import du, le, liste
from ..contract.categories import CATEGORIES, designe
from ..contract.facts import CATEGORY_LABELS, PLACE_LABELS, Facts, derive
from ..contract.financing import annual_amount
from ..contract.load import LoadedContract
from ..contract.model import ContractData, Etablissement
from .article_diff import ArticleDiff, Part, changed, diff_documents


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

    @property
    def designation_du(self) -> str:
        """« du SAMSAH « Les Passerelles » », for the objet of the avenant."""
        e = self.etablissement
        return du(designe(e.categorie, f"{CATEGORIES[e.categorie].court} « {e.nom} »"))

    @property
    def places_avant(self) -> int:
        """Total authorised places before a capacity change (« de 60 à 48 places »)."""
        changed = sum(c.after - c.before for c in self.capacites)
        return self.places_apres - changed

    @property
    def places_apres(self) -> int:
        return sum(c.places for c in self.etablissement.capacites)


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
    # Unnumbered blocks (visas, parties) whose text follows the data: no article replaces
    # them, the drafter reviews them.
    preambule: tuple[ArticleChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.etablissements or self.dotations or self.articles or self.annexes or self.manuels
        )

    @property
    def renumbered(self) -> bool:
        """Whether the following articles would move: never, since the numbering of the
        contract is kept (insertions numbered « bis », removals abrogated); kept for the
        clauses that still name it (avenant-articles version 1)."""
        return False


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
    diffs = changed(diff_documents(before_doc, after_doc))
    return Changes(
        etablissements=_establishments(old, new, old_facts, new_facts, closures),
        dotations=allocations,
        financeurs=_funder_totals(old_facts, new_facts) if allocations else (),
        total_avant=old_facts.total_dotation,
        total_apres=new_facts.total_dotation,
        articles=_articles(diffs, "articles"),
        annexes=_articles(diffs, "annexes"),
        manuels=_manual(old, new),
        preambule=_articles(diffs, "preambule"),
    )


def _establishments(
    old: ContractData,
    new: ContractData,
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


def _allocations(old: ContractData, new: ContractData) -> tuple[AllocationChange, ...]:
    def table(data: ContractData) -> dict[tuple[str, str], Decimal]:
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


_NATURES = {"changed": "remplacement", "added": "insertion", "removed": "suppression"}


def _articles(diffs: tuple[ArticleDiff, ...], part: Part) -> tuple[ArticleChange, ...]:
    """The changes of one part, as the avenant words them: in the order of the contract, each
    removed article where it stood (numbers are stable: numbering.number)."""
    mine = [d for d in diffs if d.part == part and d.kind != "unchanged"]
    changes: list[ArticleChange] = []
    for at, d in enumerate(mine):
        previous = d.previous
        # Articles inserted one after the other: each follows the one inserted before it
        # (« après l'article 3 bis », not « après l'article 3 » again).
        prior = mine[at - 1] if at else None
        follows = prior is not None and prior.kind == "added" and d.kind == "added"
        if follows and prior is not None and _key(prior.previous) == _key(d.previous):
            previous = changes[-1].after
        changes.append(ArticleChange(_NATURES[d.kind], d.before, d.after, previous))
    return tuple(changes)


def _key(article: Article | None) -> str | None:
    return None if article is None else article.key


def _manual(old: ContractData, new: ContractData) -> tuple[str, ...]:
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
