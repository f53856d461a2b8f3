"""Consolidated versions: a contract as amended by its avenants, marked so that nobody takes it
for a signed original.

A consolidated Document is the contract's own Document with `kind = "consolide"`, the acts it
integrates (`Consolidation`) and, in the heading of each article an avenant replaced or inserted,
« (modifié par l'avenant n° 1) ». The writers print the mention on the cover and in every page
header, the table of the acts on the cover, and no signature page. Comparisons (avenant, redline)
work on the contract's Document, never on this one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..text.french import date_fr
from .document import ABROGATED, Abrogation, Act, Amendment, Article, Consolidation, Document, Titre

ORIGINAL = "sans valeur d’original"


def numbers(values: list[int]) -> str:
    """« n° 1 », « n° 1 et 2 », « n° 1 à 4 » (consecutive) or « n° 1, 3 et 4 »."""
    if len(values) == 1:
        return f"n° {values[0]}"
    if len(values) > 2 and values == list(range(values[0], values[-1] + 1)):
        return f"n° {values[0]} à {values[-1]}"
    return f"n° {', '.join(str(v) for v in values[:-1])} et {values[-1]}"


def _avenants(values: list[int]) -> str:
    return f"l’avenant {numbers(values)}" if len(values) == 1 else f"les avenants {numbers(values)}"


def mention(consolidation: Consolidation) -> str:
    """« Version consolidée au 1er septembre 2027 intégrant l’avenant n° 1 — sans valeur
    d’original », printed on the cover and in every page header."""
    integrated = sorted(a.avenant for a in consolidation.actes if a.avenant is not None)
    return (
        f"Version consolidée au {date_fr(consolidation.date)} intégrant "
        f"{_avenants(integrated)} — {ORIGINAL}"
    )


def act_label(act: Act) -> str:
    return "Contrat" if act.avenant is None else f"Avenant n° {act.avenant}"


def act_signature(act: Act) -> str:
    return date_fr(act.date_signature) if act.date_signature else "non encore signé"


def amendment_note(label: str, amendments: tuple[Amendment, ...]) -> str:
    """« (modifié par l’avenant n° 1) », « (insérée par l’avenant n° 1, modifiée par l’avenant
    n° 3) »: what the avenants did to one article (or annex, feminine)."""
    suffix = "e" if label.startswith("Annexe") else ""
    parts = []
    inserted = [a.avenant for a in amendments if a.nature == "insertion"]
    replaced = [a.avenant for a in amendments if a.nature != "insertion"]
    if inserted:
        parts.append(f"inséré{suffix} par {_avenants(inserted)}")
    if replaced:
        parts.append(f"modifié{suffix} par {_avenants(replaced)}")
    return f"({', '.join(parts)})"


def notice(consolidation: Consolidation) -> str:
    """What replaces the signature page: which signed originals prevail (Markdown)."""
    acts = []
    for act in consolidation.actes:
        name = "du contrat" if act.avenant is None else f"de l’avenant n° {act.avenant}"
        when = (
            f"signé le {date_fr(act.date_signature)}" if act.date_signature else "non encore signé"
        )
        acts.append(f"{name} ({when})")
    listed = acts[0] if len(acts) == 1 else ", ".join(acts[:-1]) + " et " + acts[-1]
    return (
        f"**{mention(consolidation)}.** Ce document, établi à titre d’information, ne reproduit "
        "ni la date et le lieu de signature ni les signatures des parties : seuls font foi les "
        f"exemplaires originaux {listed}."
    )


def abrogated(gone: Abrogation) -> Article:
    """The place an abrogated article keeps in the consolidated version, under its number."""
    suffix = "e" if gone.label.startswith("Annexe") else ""
    note = f"(abrogé{suffix} par l’avenant n° {gone.avenant})"
    number = gone.label.split()[-1] if not suffix else ""
    return Article(
        clause_id=gone.key,
        instance=ABROGATED,
        version=0,
        variant=None,
        clause_hash="",
        number=int(number) if number.isdigit() else None,
        label=gone.label,
        heading=f"{gone.heading} {note}",
        body=f"*{'Abrogée' if suffix else 'Abrogé'} par l’avenant n° {gone.avenant}.*\n",
        source=Path(),
    )


def _with_abrogated(
    titres: tuple[Titre, ...], abroges: tuple[Abrogation, ...]
) -> tuple[Titre, ...]:
    """Each abrogated article put back in its titre, before the article that followed it (or
    after the one it followed), in the order of the avenants: numbers keep their sequence."""
    lists = [list(t.articles) for t in titres]
    for gone in abroges:
        keys = [t.key for t in titres]
        articles = lists[keys.index(gone.titre)] if gone.titre in keys else lists[-1]
        found = {
            a.clause_id if a.instance == ABROGATED else a.key: i for i, a in enumerate(articles)
        }
        if gone.before in found:
            spot = found[gone.before]
        elif gone.after in found:
            spot = found[gone.after] + 1
        else:
            spot = 0 if gone.after is None else len(articles)
        articles.insert(spot, abrogated(gone))
    return tuple(
        dataclasses.replace(t, articles=tuple(a)) for t, a in zip(titres, lists, strict=True)
    )


def consolidate(doc: Document, consolidation: Consolidation) -> Document:
    """The contract's Document as a consolidated version; typed again when rendered."""
    amended = consolidation.amendments()

    def article(a: Article) -> Article:
        if a.key not in amended:
            return a
        if not a.label:
            # An unnumbered block (the parties, after a rectified identification): a note
            # closes it, as its heading is no noun to qualify (locks before it record none).
            by = sorted({x.avenant for x in amended[a.key]})
            source = f"de {_avenants(by)}" if len(by) == 1 else f"des avenants {numbers(by)}"
            body = f"{a.body.rstrip()}\n\n*Rédaction issue {source}.*\n"
            return dataclasses.replace(a, body=body, text=(), header=None, blocks=())
        heading = f"{a.heading} {amendment_note(a.label, amended[a.key])}"
        return dataclasses.replace(a, heading=heading, header=None, blocks=())

    def titre(t: Titre) -> Titre:
        articles = tuple(article(a) for a in t.articles)
        return dataclasses.replace(t, articles=articles, header=None)

    return dataclasses.replace(
        doc,
        kind="consolide",
        consolidation=consolidation,
        titres=_with_abrogated(tuple(titre(t) for t in doc.titres), consolidation.abroges),
        api=(),  # read again: the headings changed and the signature page is gone
        meta="{}",
        signatures=(),
    )
