"""Compose a Document: select clauses and variants from the data, number them, render them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .contract import LoadedContract
from .document import Article, Document, Party, Titre
from .errors import CpomError, ProblemCollector
from .facts import AUTHORITY_TITLES, CATEGORY_LABELS, PLACE_LABELS, derive
from .library import Clause, Library
from .numbering import NumberedTitre, Selected, Slot, number, reference_table
from .templating import ClauseRenderer, Markdown, ReferenceError_, Source, le, majuscule


def compose(
    library: Library, contract: LoadedContract, renderer: ClauseRenderer | None = None
) -> Document:
    """Assemble one contract; raise one CpomError listing every problem found."""
    renderer = renderer or ClauseRenderer()
    context = base_context(contract)
    problems = ProblemCollector()
    selected = []
    for clause in library.clauses:
        try:
            choice = select(clause, context, renderer)
        except CpomError as exc:
            problems.absorb(exc)
            continue
        if choice is not None:
            selected.append(choice)
    problems.raise_if_any()
    numbered = number(library.titres, selected)
    refs = reference_table(numbered)
    context = {**context, "ref": _ref_function(refs, library)}
    titres = []
    for titre in numbered:
        articles = []
        for slot in titre.slots:
            try:
                articles.append(_render_article(slot, context, renderer))
            except CpomError as exc:
                problems.absorb(exc)
        titres.append(_titre(titre, tuple(articles)))
    problems.raise_if_any()
    return _document(contract, tuple(titres))


def base_context(contract: LoadedContract) -> dict[str, Any]:
    """What a clause sees: the data's top-level keys, derived facts, and label tables."""
    data = contract.data
    return {
        "contrat": data.contrat,
        "organisme": data.organisme,
        "autorites": data.autorites,
        "etablissements": data.etablissements,
        "options": data.options,
        "diagnostic": data.diagnostic,
        "axes": data.axes,
        "calcul": derive(data),
        "libelles": {
            "categories": CATEGORY_LABELS,
            "places": PLACE_LABELS,
            "autorites": AUTHORITY_TITLES,
        },
    }


def select(clause: Clause, context: Mapping[str, Any], renderer: ClauseRenderer) -> Selected | None:
    """Keep the clause if its condition holds, with the variant its `selon` names."""
    if clause.condition is not None:
        line = clause.header_lines.line_of(("condition",))
        if not renderer.evaluate(clause.condition, context, clause.path, line):
            return None
    if clause.selon is None:
        return Selected(clause, None)
    line = clause.header_lines.line_of(("selon",))
    value = str(renderer.evaluate(clause.selon, context, clause.path, line))
    if value not in clause.variants:
        raise CpomError.one(
            "clause.variant",
            f"aucune variante « {value} » (valeur de « {clause.selon} »)",
            clause.path,
            line,
            f"variantes disponibles : {', '.join(clause.variants)}",
        )
    return Selected(clause, value)


def _render_article(slot: Slot, context: Mapping[str, Any], renderer: ClauseRenderer) -> Article:
    clause, variant = slot.selected.clause, slot.selected.variant
    source = Source(clause.body_for(variant), clause.path, clause.body_line)
    local = {**context, "article": {"numero": slot.number, "libelle": slot.label}}
    body = renderer.render(f"{clause.id}:{variant or ''}", source, local)
    return Article(
        clause_id=clause.id,
        version=clause.version,
        variant=variant,
        clause_hash=clause.hash,
        number=slot.number,
        label=slot.label,
        heading=clause.intitule,
        body=_tidy(body),
        source=clause.path,
    )


def _tidy(body: str) -> str:
    # Removed variants and false conditions leave blank lines behind; Markdown needs one.
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def _ref_function(refs: Mapping[str, Slot], library: Library) -> Any:
    known = {c.id for c in library.clauses}

    def ref(clause_id: str) -> Markdown:
        slot = refs.get(clause_id)
        if slot is None:
            if clause_id in known:
                raise ReferenceError_(
                    f"renvoi à « {clause_id} », clause non retenue dans ce contrat "
                    "(sa condition est fausse)"
                )
            raise ReferenceError_(f"renvoi à « {clause_id} », clause inconnue")
        return Markdown(f"[{slot.reference}](#{clause_id})")

    return ref


def _titre(numbered: NumberedTitre, articles: tuple[Article, ...]) -> Titre:
    return Titre(
        key=numbered.titre.cle,
        number=numbered.number,
        label=numbered.label,
        heading=numbered.titre.intitule,
        kind=numbered.titre.genre,
        articles=articles,
    )


def _document(contract: LoadedContract, titres: tuple[Titre, ...]) -> Document:
    data = contract.data
    rep = data.organisme.representant
    parties = [
        Party(
            "organisme",
            data.organisme.raison_sociale,
            le(data.organisme),
            f"{rep.civilite} {rep.nom}",
            majuscule(rep.qualite),
        )
    ]
    for autorite in data.autorites:
        r = autorite.representant
        parties.append(
            Party(
                autorite.cle,
                autorite.nom,
                le(autorite),
                f"{r.civilite} {r.nom}",
                majuscule(r.qualite),
            )
        )
    return Document(
        contract_id=contract.id,
        reference=data.contrat.reference,
        title=data.contrat.intitule,
        organisme=data.organisme.raison_sociale,
        parties=tuple(parties),
        place=data.contrat.lieu_signature,
        signature_date=data.contrat.date_signature,
        effective_date=data.contrat.date_effet,
        end_date=derive(data).date_fin,
        timestamp=data.contrat.date_signature or data.contrat.date_effet,
        titres=titres,
    )
