"""Avenants: drafted from what changed since the version in force, numbered automatically.

The drafter edits `contract.yaml` (the state after the avenant) and writes
`contracts/<id>/avenants/avenant-<n>.yaml` (motif, date d'effet…). The avenant is composed
from its own clause library (`clauses-avenant/`) over the changes between the last archived
version and the draft; the draft itself is the consolidated contract after the avenant.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compose.composer import LEGACY_BASIS, compose
from ..compose.consolidated import consolidate
from ..compose.document import Act, Article, Document
from ..compose.lint import lint_contract
from ..compose.templating import ClauseRenderer, Markdown
from ..contract.load import LoadedContract
from ..contract.model import AvenantFile
from ..contract.regimes import code_visa, regime_of
from ..core.errors import CpomError, Problem
from ..library.clauses import Clause, load_library
from ..library.history import History
from ..project import Project
from ..render.body import read_document
from ..text.french import NBSP, date_fr, montant
from .avenant_checks import check_retroactivity, check_sequence
from .avenant_file import AVENANTS as AVENANTS
from .avenant_file import avenant_path as avenant_path
from .avenant_file import load_avenant_file as load_avenant_file
from .avenant_file import pending_number as pending_number
from .changes import ArticleChange, Changes, compare
from .consequences import (
    added_objectives,
    avenant_visas,
    check_consequences,
    perimeter_object,
)
from .consolidation import consolidation_after, signed_acts
from .echeancier import pending
from .manifest import MANIFEST, parse_manifest
from .money import MoneyChanges, money_changes
from .prorogation import check_prorogation, prorogation_of
from .stages import (
    Prepared,
    Rendered,
    compose_draft,
    compose_version,
    contract_library,
    prepare_composed,
    render,
)

LIBRARY = "clauses-avenant"
# Names an avenant clause sees besides the contract's (see _context).
CONTEXT_NAMES = frozenset(
    {
        "avenant",
        "fondement",
        "changements",
        "financier",
        "objectifs_ajout",
        "objet_perimetre",
        "precedents",
        "visas_actes",
        "contrat_signe",
        "parties_texte",
        "prorogation",
        "reference_contrat",
    }
)


@dataclass(frozen=True)
class Precedent:
    """A signed act the avenant refers to: the contract, then each earlier avenant."""

    libelle: str
    date: dt.date


@dataclass(frozen=True)
class ArticleView:
    """An article as an avenant quotes it: its texts are Markdown produced by the library."""

    label: str
    reference: str  # « l'article 12 », « l'annexe 1 »
    heading: Markdown
    body: Markdown
    quoted: Markdown  # the whole article as a block quotation


@dataclass(frozen=True)
class AvenantDraft:
    number: int
    path: Path
    changes: Changes
    document: Document
    rendered: Rendered
    consolidated: Prepared
    clauses: tuple[Clause, ...]  # the avenant library it was composed from

    def publish(self, history: History) -> None:
        """Store in the history what the avenant and its consolidated lock refer to."""
        history.publish(self.clauses)
        self.consolidated.publish(history)


def precedents(project: Project, contract_id: str) -> list[Precedent]:
    """The contract and the avenants signed so far, from the archive's manifests."""
    acts = []
    for version in project.archived_versions(contract_id):
        path = project.archive / contract_id / version / MANIFEST
        manifest = parse_manifest(path.read_bytes(), path) if path.is_file() else []
        if isinstance(manifest, list):
            raise CpomError(manifest or [Problem("archive.missing", "manifeste absent", path)])
        if manifest.avenant is not None:
            label = f"l'avenant n° {manifest.avenant} au contrat"
        else:
            label = f"le contrat pluriannuel d'objectifs et de moyens n° {manifest.reference}"
        acts.append(Precedent(label, manifest.date_signature))
    return acts


def prepare_avenant(
    project: Project,
    contract_id: str,
    signed_on: dt.date | None = None,
    upgrade: frozenset[str] = frozenset(),
) -> AvenantDraft | None:
    """Compose and render the pending avenant in memory; None when nothing has changed.

    `signed_on`: the signature date known at archiving, for the consolidated version's table
    of acts when the avenant file does not give it. `upgrade`: clauses the draft takes at their
    latest version (`cpom upgrade <id> --clause <clause>`)."""
    number = pending_number(project, contract_id)
    path = avenant_path(project, contract_id, number)
    check_sequence(path.parent, number)
    in_force = project.archived_versions(contract_id)[-1]
    avenant = load_avenant_file(path) if path.is_file() else None  # its errors before rendering
    if avenant is not None:
        check_retroactivity(avenant, path, avenant.date_signature or signed_on)
    before, before_doc, before_lock = compose_version(project, contract_id, in_force)
    own_library = contract_library(project, contract_id)
    draft = compose_draft(project, contract_id, own_library, upgrade=upgrade)
    # An article replaced must not leave the others speaking of what it defined.
    orphans = lint_contract(draft.contract, draft.document, draft.library, terms_only=True)
    if orphans:
        raise CpomError(orphans)
    after, after_doc = draft.contract, read_document(draft.document, project.cache)
    closures = avenant.fermetures if avenant else {}
    changes = compare(before, before_doc, after, after_doc, closures)
    found = pending(project, contract_id, after)
    money = money_changes(found, after) if found is not None else None
    if changes.empty and not (avenant and avenant.articles) and not (money and money.groupes):
        return None
    avenant = avenant or load_avenant_file(path)  # says which file to write
    check_prorogation(avenant, path, before, after, after_doc, avenant.date_signature or signed_on)
    _check_manual(changes, avenant, path)
    _check_closures(changes, path)
    check_consequences(changes, after, path)
    library = load_library(project.root / LIBRARY)
    drift = project.history.drift(library.clauses)
    if drift:
        raise CpomError(drift)
    acts = precedents(project, contract_id)
    context = _context(number, avenant, changes, acts, before_doc, after_doc)
    context["fondement"] = _basis(before_doc, after_doc, after)
    context["financier"] = money or _no_money(after)
    context["objectifs_ajout"] = added_objectives(after, avenant)
    context["objet_perimetre"] = perimeter_object(changes)
    context["visas_actes"] = avenant_visas(changes, before.data, after.data, avenant)
    context["prorogation"] = prorogation_of(before, after)
    composed = compose(library, after, ClauseRenderer(project.cache), extra=context)
    document = read_document(_as_avenant(composed, number, avenant, before_doc, after_doc, acts))
    rendered = render(document, project.templates, project.cache)
    this_act = Act(number, avenant.date_signature or signed_on, avenant.date_effet)
    consolidation = consolidation_after(
        before_lock,
        signed_acts(project, contract_id, before_doc.effective_date),
        this_act,
        changes,
        before_doc,
    )
    consolidated = prepare_composed(
        project, after, consolidate(after_doc, consolidation), own_library
    )
    return AvenantDraft(number, path, changes, document, rendered, consolidated, library.clauses)


def avenant_folder(project: Project, contract_id: str, number: int) -> Path:
    return project.build / contract_id / f"avenant-{number}"


def _check_manual(changes: Changes, avenant: AvenantFile, path: Path) -> None:
    if changes.manuels and not avenant.articles:
        raise CpomError.one(
            "avenant.manual",
            "changements que l'outil ne sait pas rédiger : " + " ; ".join(changes.manuels),
            path,
            hint="rédigez-les dans « articles: » (intitule, texte) de ce fichier d'avenant",
        )


def _check_closures(changes: Changes, path: Path) -> None:
    missing = [
        c.etablissement
        for c in changes.etablissements
        if c.kind == "fermeture" and c.date_fermeture is None
    ]
    if missing:
        names = ", ".join(f"{e.categorie} « {e.nom} » ({e.finess})" for e in missing)
        raise CpomError.one(
            "avenant.closure",
            f"date de fermeture manquante pour : {names}",
            path,
            hint=f'ajoutez « fermetures: {{"{missing[0].finess}": AAAA-MM-JJ}} »',
        )


def _no_money(after: LoadedContract) -> MoneyChanges:
    """Before the avenant file exists: nothing to splice, no money article."""
    return MoneyChanges(after.data.contrat.date_effet.year, after.data.contrat.prorata, (), (), ())


def _view(article: Article | None, label: str | None = None) -> ArticleView | None:
    """`label` quotes an article under another number: its number in the signed contract."""
    if article is None:
        return None
    # Cross-references point into the contract, not into the avenant: keep their text only.
    article = dataclasses.replace(article, body=article.plain_body(), label=label or article.label)
    title = f"**{article.label} – {article.heading}**" if article.label else ""
    quoted_lines = (
        [title, "", *article.body.rstrip().split("\n")]
        if title
        else (article.body.rstrip().split("\n"))
    )
    quoted = "\n".join(f"> {line}" if line else ">" for line in quoted_lines)
    reference = article.label[:1].lower() + article.label[1:]
    return ArticleView(
        label=article.label,
        reference=f"l'{reference}",
        heading=Markdown(article.heading),
        body=Markdown(article.body),
        quoted=Markdown(quoted),
    )


def _context(
    number: int,
    avenant: AvenantFile,
    changes: Changes,
    acts: list[Precedent],
    before: Document,
    after: Document,
) -> dict[str, Any]:
    def change(c: ArticleChange) -> dict[str, Any]:
        article = c.after or c.before
        return {
            "cle": article.clause_id if article is not None else "",
            "nature": c.kind,
            "avant": _view(c.before),
            "apres": _view(c.after),
            "precedent": _view(c.previous),
            "objet": _object(c),
        }

    return {
        "avenant": {
            **avenant.model_dump(),
            "numero": number,
            "intitules_libres": [a.objet or f"« {a.intitule} »" for a in avenant.articles],
        },
        "changements": {
            "etablissements": changes.etablissements,
            "ajouts": [c for c in changes.etablissements if c.kind == "ajout"],
            "fermetures": [c for c in changes.etablissements if c.kind == "fermeture"],
            "modifications": [c for c in changes.etablissements if c.kind == "modification"],
            "dotations": changes.dotations,
            "financeurs": changes.financeurs,
            "total_avant": changes.total_avant,
            "total_apres": changes.total_apres,
            "articles": [change(c) for c in changes.articles],
            "annexes": [change(c) for c in changes.annexes],
            "renumerotation": changes.renumbered,
        },
        "precedents": acts,
        "contrat_signe": acts[0],
        "parties_texte": Markdown(after.article("parties").body),
        "reference_contrat": before.reference,
    }


def _object(change: ArticleChange) -> str:
    """« 9 (Dotation globale commune de référence) »: an article named in the objet."""
    article = change.before or change.after
    if article is None:
        return ""
    number = article.label.replace(NBSP, " ").partition(" ")[2] if article.label else ""
    number = number.replace(" ", NBSP)
    return f"{number} ({article.heading})".strip()


def _basis(before: Document, after: Document, contract: LoadedContract) -> dict[str, Any]:
    """The legal basis as the avenant states it: whether it changes (a contract signed under
    « articles L. 313-11 et suivants » now concluded under its own regime's article), the
    cover's sentence, and what the visa of the code cites."""
    stated = after.base_legale != LEGACY_BASIS
    data = contract.data
    types = {a.cle: a.type for a in data.autorites}
    keys = {regime_of(e, types) for e in data.etablissements} if stated else set()
    return {
        "change": before.base_legale != after.base_legale,
        "texte": after.base_legale[:1].lower() + after.base_legale[1:],
        "visa": code_visa(keys),
    }


def _as_avenant(
    doc: Document,
    number: int,
    avenant: AvenantFile,
    contract: Document,
    amended: Document,
    acts: list[Precedent],
) -> Document:
    """The avenant's Document: its cover names the contract it amends and the legal basis of
    the contract as amended (« Conclu en application de l'article L. 313-12-2 »)."""
    signed = acts[0].date
    return dataclasses.replace(
        doc,
        base_legale=amended.base_legale,
        kind="avenant",
        avenant_number=number,
        reference=f"{contract.reference} – avenant n° {number}",
        title=(
            f"au contrat pluriannuel d’objectifs et de moyens n° {contract.reference} "
            f"signé le {date_fr(signed)}"
        ),
        signature_date=avenant.date_signature,
        place=avenant.lieu_signature or doc.place,
        effective_date=avenant.date_effet,
        timestamp=avenant.date_signature or avenant.date_effet,
    )


def describe_changes(changes: Changes) -> list[str]:
    """One line per change, for the command line."""
    lines = []
    kinds = {"ajout": "ajout", "fermeture": "fermeture", "modification": "capacité modifiée"}
    for c in changes.etablissements:
        e = c.etablissement
        lines.append(f"{kinds[c.kind]} : {e.categorie} « {e.nom} » ({e.finess})")
    if changes.dotations:
        lines.append(
            f"financements, tous financeurs : {montant(changes.total_avant)}"
            f" → {montant(changes.total_apres)}"
        )
    verbs = {"remplacement": "remplacé", "insertion": "inséré", "suppression": "abrogé"}
    for change in (*changes.articles, *changes.annexes):
        article = change.before or change.after
        if article is not None:
            label = article.label or article.heading
            clause = article.clause_id
            if change.after is not None and change.after.clause_id != clause:
                clause = f"{clause} → {change.after.clause_id}"  # a clause took its place
            lines.append(f"{label} ({clause}) : {verbs[change.kind]}")
    for change in changes.preambule:
        article = change.before or change.after
        if article is not None:
            lines.append(
                f"{article.heading} ({article.clause_id}) : {verbs[change.kind]}, "
                "à relire (aucun article d'avenant ne le reprend)"
            )
    return lines
