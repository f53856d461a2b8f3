"""Compose a Document: select clauses and variants from the data, number them, render them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any

from ..contract.categories import ENVELOPE_LABELS
from ..contract.facts import AUTHORITY_TITLES, CATEGORY_LABELS, PLACE_LABELS, Facts, derive
from ..contract.load import LoadedContract
from ..contract.model_parties import Autorite, Gcsms
from ..contract.regimes import REGIMES
from ..core.errors import CpomError, ProblemCollector
from ..core.limits import REPEATED_ARTICLES
from ..library.clauses import Clause, Library
from ..text.departements import DEPARTEMENTS
from ..text.french import NBSP
from . import spans
from .document import Article, Document, Party, Promise, Reference, Titre
from .numbering import NumberedTitre, Selected, Slot, number, reference_table
from .templating import ClauseRenderer, Markdown, ReferenceError_, Source, le, majuscule


def compose(
    library: Library,
    contract: LoadedContract,
    renderer: ClauseRenderer | None = None,
    extra: Mapping[str, Any] | None = None,
    previous: Mapping[str, str] | None = None,
) -> Document:
    """Assemble one contract (or, with `extra` context, an avenant); report every problem.
    `previous`: the numbering of the version in force, for a version that amends it (see
    numbering.number)."""
    renderer = renderer or ClauseRenderer()
    renderer.trace(contract.data)
    base = base_context(contract)
    context = {
        **base,
        # Which version of each clause this composition uses: a clause added to the library
        # with a new version of another comes with it (condition on that version), so that
        # a draft pinned to older versions does not receive it.
        "bibliotheque": library.library_versions(),
        **(extra or {}),
    }
    problems = ProblemCollector()
    selected: list[Selected] = []
    for clause in library.clauses:
        try:
            selected.extend(select(clause, context, renderer))
        except CpomError as exc:
            problems.absorb(exc)
    problems.raise_if_any()
    titre_of = {c.id: c.titre for c in library.clauses}
    numbered = number(library.titres, selected, previous, titre_of)
    refs = reference_table(numbered)
    promises: list[Promise] = []
    references: list[Reference] = []
    context = {
        **context,
        "ref": _ref_function(refs, library, renderer, promises, references),
        "liste_annexes": _annex_range(numbered, references),
    }
    titres = []
    for titre in numbered:
        articles = []
        for slot in titre.slots:
            try:
                articles.append(_render_article(slot, context, renderer, references, contract))
            except CpomError as exc:
                problems.absorb(exc)
        titres.append(_titre(titre, tuple(articles)))
    problems.raise_if_any()
    # The cover's facts are the data's own: those the clauses saw, unless a schedule changed them.
    facts = base["calcul"] if contract.echeancier is None else derive(contract.data)
    return _document(contract, facts, tuple(titres), tuple(promises), _states_regimes(library))


def base_context(contract: LoadedContract) -> dict[str, Any]:
    """What a clause sees: the data's top-level keys, derived facts, and label tables."""
    data = contract.data
    return {
        **{name: getattr(data, name) for name in type(data).model_fields},
        "calcul": derive(data, contract.echeancier),
        "libelles": {
            "categories": CATEGORY_LABELS,
            "places": PLACE_LABELS,
            "autorites": AUTHORITY_TITLES,
            "regimes": REGIMES,
            "enveloppes": ENVELOPE_LABELS,
            "departements": DEPARTEMENTS,
        },
    }


LIMIT = REPEATED_ARTICLES.value


def select(clause: Clause, context: Mapping[str, Any], renderer: ClauseRenderer) -> list[Selected]:
    """The articles a clause gives: none if its condition fails, one per item if repeated."""
    if clause.condition is not None:
        line = clause.header_lines.line_of(("condition",))
        if not renderer.evaluate(clause.condition, context, clause.path, line):
            return []
    if clause.repeter is None:
        return [Selected(clause, _variant(clause, context, renderer))]
    line = clause.header_lines.line_of(("repeter",))
    items = list(islice(renderer.evaluate(clause.repeter, context, clause.path, line), LIMIT + 1))
    if len(items) > LIMIT:
        raise CpomError.one(
            "template.budget",
            f"« repeter » donne plus de {LIMIT} articles : {REPEATED_ARTICLES.why}",
            clause.path,
            line,
            "« repeter » parcourt une liste des données (etablissements, autorites…), pas un "
            "intervalle de nombres",
        )
    chosen = []
    for index, item in enumerate(items, 1):
        local = {**context, "element": item}
        instance = str(getattr(item, "cle", None) or index)
        chosen.append(Selected(clause, _variant(clause, local, renderer), item, instance))
    return chosen


def _variant(clause: Clause, context: Mapping[str, Any], renderer: ClauseRenderer) -> str | None:
    """The variant named by the clause's `selon` expression, which must exist."""
    if clause.selon is None:
        return None
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
    return value


def _render_article(
    slot: Slot,
    context: Mapping[str, Any],
    renderer: ClauseRenderer,
    references: list[Reference],
    contract: LoadedContract,
) -> Article:
    selected = slot.selected
    clause, variant = selected.clause, selected.variant
    local = {**context, "article": {"numero": slot.number, "libelle": slot.label}}
    if selected.instance is not None:
        local["element"] = selected.item
    body_source = Source(clause.body_for(variant), clause.path, clause.body_line)
    body, body_origins = renderer.render_traced(f"{clause.id}:{variant or ''}", body_source, local)
    heading_line = clause.header_lines.line_of(("intitule",))
    heading, heading_origins = renderer.render_traced(
        f"{clause.id}:intitule", Source(clause.intitule, clause.path, heading_line), local
    )
    label = slot.label
    if clause.libelle is not None:
        label = renderer.render(
            f"{clause.id}:libelle",
            Source(clause.libelle, clause.path, clause.header_lines.line_of(("libelle",))),
            local,
        ).strip()
    text = _with_references(_tidy(body), references)
    return Article(
        clause_id=clause.id,
        instance=selected.instance,
        version=clause.version,
        variant=variant,
        clause_hash=clause.hash,
        number=slot.number,
        label=_markdown(_with_references(label, references)),
        heading=_markdown(_with_references(heading.strip(), references)),
        body=_markdown(text),
        source=clause.path,
        text=text,
        source_line=clause.body_line,
        spans=spans.spans_of(
            spans.linked(*spans.tidy(body, body_origins), references)[1],
            spans.origin_maker(clause, variant, clause.body_line, contract),
        ),
        heading_spans=spans.spans_of(
            spans.linked(*spans.stripped_text(heading, heading_origins), references)[1],
            spans.origin_maker(clause, variant, heading_line, contract),
        ),
    )


# ref(…) returns a placeholder naming its Reference; once the text is rendered, the
# placeholders become Reference parts of the article's text (see Article.text).
_OPEN, _CLOSE = "\ue000", "\ue001"


def _placeholder(references: list[Reference], reference: Reference) -> Markdown:
    references.append(reference)
    return Markdown(f"{_OPEN}{len(references) - 1}{_CLOSE}")


def _with_references(text: str, references: list[Reference]) -> tuple[str | Reference, ...]:
    """Rendered text cut into Markdown and the cross-references its placeholders stand for."""
    first, *rest = text.split(_OPEN)
    parts: list[str | Reference] = [first] if first else []
    for piece in rest:
        index, _, after = piece.partition(_CLOSE)
        parts.append(references[int(index)])
        if after:
            parts.append(after)
    return tuple(parts)


def _markdown(parts: tuple[str | Reference, ...]) -> str:
    return "".join(p if isinstance(p, str) else p.markdown() for p in parts)


def _tidy(body: str) -> str:
    # Removed variants and false conditions leave blank lines behind; Markdown needs one.
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def _ref_function(
    refs: Mapping[str, tuple[Slot, ...]],
    library: Library,
    renderer: ClauseRenderer,
    promises: list[Promise],
    references: list[Reference],
) -> Any:
    known = {c.id for c in library.clauses}

    def ref(
        clause_id: str, instance: str | None = None, promet: str | Sequence[str] | None = None
    ) -> Markdown:
        slots = refs.get(clause_id, ())
        if instance is not None:
            slots = tuple(s for s in slots if s.selected.instance == instance)
        if not slots:
            if clause_id in known:
                raise ReferenceError_(
                    f"renvoi à « {clause_id} »{f' ({instance})' if instance else ''}, "
                    "clause non retenue dans ce contrat (sa condition est fausse)"
                )
            raise ReferenceError_(f"renvoi à « {clause_id} », clause inconnue")
        if len(slots) == 1:
            label = slots[0].reference
        else:
            # « annexes 4 à 6 »: the plural of the first reference, then the last number.
            first, last = slots[0].reference, slots[-1].shown
            label = f"{first.replace(NBSP, f's{NBSP}', 1)} à {last}"
        if promet is not None:
            promises.append(_promise(slots, label, promet, renderer))
        return _placeholder(references, Reference(tuple(anchor_of(s) for s in slots), label))

    return ref


def _promise(
    slots: tuple[Slot, ...], label: str, promet: str | Sequence[str], renderer: ClauseRenderer
) -> Promise:
    """A promise made by ref(…, promet=…), located at the clause line that makes it."""
    phrases = (promet,) if isinstance(promet, str) else tuple(promet)
    if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise TypeError("ref() : promet attend un texte, ou une liste de textes, non vide")
    where = renderer.current_line()
    return Promise(
        targets=tuple(anchor_of(slot) for slot in slots),
        label=label.replace(NBSP, " "),
        phrases=phrases,
        path=where[0] if where else slots[0].selected.clause.path,
        line=where[1] if where else None,
    )


def _annex_range(numbered: tuple[NumberedTitre, ...], references: list[Reference]) -> Markdown:
    """« [annexes 1 à 8](#…) »: every annex of the contract, as one reference."""
    slots = [s for t in numbered if t.titre.genre == "annexes" for s in t.slots]
    if not slots:
        return Markdown("")
    first, last = slots[0], slots[-1]
    label = first.reference
    if first is not last:
        label = f"{first.reference.replace(NBSP, f's{NBSP}', 1)} à {last.shown}"
    return _placeholder(references, Reference(tuple(anchor_of(s) for s in slots), label))


def anchor_of(slot: Slot) -> str:
    """The Markdown identifier of an article: its clause id, plus the instance if repeated
    (the key of its Article)."""
    instance = slot.selected.instance
    return slot.selected.clause.id if instance is None else f"{slot.selected.clause.id}-{instance}"


def _titre(numbered: NumberedTitre, articles: tuple[Article, ...]) -> Titre:
    return Titre(
        key=numbered.titre.cle,
        number=numbered.number,
        label=numbered.label,
        heading=numbered.titre.intitule,
        kind=numbered.titre.genre,
        articles=articles,
    )


def _states_regimes(library: Library) -> bool:
    """Whether the contract's text names its regimes (Article 1 from version 2 on): the cover
    then names them too; a contract pinned to older clauses keeps the cover it was signed with."""
    return library.library_versions().get("objet", 0) >= 2


LEGACY_BASIS = "Articles L. 313-11 et suivants du code de l'action sociale et des familles"


def _document(
    contract: LoadedContract,
    facts: Facts,
    titres: tuple[Titre, ...],
    promises: tuple[Promise, ...],
    regimes_in_text: bool,
) -> Document:
    data = contract.data
    parties = [_party("organisme", "organisme", data.organisme, data.organisme.raison_sociale)]
    gcsms = data.organisme.gcsms
    if gcsms is not None and gcsms.autorisations == "membres":
        parties += [_party(m.cle, "membre", m, m.raison_sociale) for m in gcsms.membres]
    parties += [_party(a.cle, "autorite", a, _cover_name(a)) for a in data.autorites]
    return Document(
        contract_id=contract.id,
        reference=data.contrat.reference,
        title=data.contrat.intitule,
        organisme=data.organisme.raison_sociale,
        parties=tuple(parties),
        place=data.contrat.lieu_signature,
        signature_date=data.contrat.date_signature,
        effective_date=data.contrat.date_effet,
        end_date=facts.date_fin,
        timestamp=data.contrat.date_signature or data.contrat.date_effet,
        titres=titres,
        promesses=promises,
        base_legale=facts.base_legale if regimes_in_text else LEGACY_BASIS,
        qualite_organisme=_quality(data.organisme.gcsms)
        if regimes_in_text
        else f"gestionnaire {ANNEXED}",
        qualite_membres=(ANNEXED_MANAGERS if regimes_in_text else "et ses membres")
        if facts.membres
        else "",
    )


ANNEXED = "des établissements et services désignés en annexe"
ANNEXED_MANAGERS = f"et ses membres, gestionnaires {ANNEXED}"


def _quality(gcsms: Gcsms | None) -> str:
    """What the organisme is, under its name on the cover."""
    if gcsms is None:
        return f"gestionnaire {ANNEXED}"
    if gcsms.autorisations == "membres":
        return "groupement de coopération sociale et médico-sociale"
    return f"groupement de coopération sociale et médico-sociale, gestionnaire {ANNEXED}"


def _cover_name(autorite: Autorite) -> str:
    """An authority's name on the cover; the État names the préfet who signs for it
    (« État (préfet de la Gironde) »), as the annexes do."""
    if autorite.type == "prefet" and autorite.nom_court:
        return autorite.nom_court
    return autorite.nom


def _party(role: str, kind: str, entity: Any, name: str) -> Party:
    """A signatory: the entity (organisme, member, authority) and its representative."""
    rep = entity.representant
    return Party(role, kind, name, le(entity), f"{rep.civilite} {rep.nom}", majuscule(rep.qualite))
