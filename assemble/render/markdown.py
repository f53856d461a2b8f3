"""Write a Document as assembled Markdown: the text pandoc turns into Word and PDF."""

from __future__ import annotations

import json

from ..compose.consolidated import mention, notice
from ..compose.document import Article, Document, Titre
from ..compose.filters import escape_markdown
from ..text.french import date_fr

DASH = " – "
SIGNATURES_ID = "signatures"
# A consolidated version has no signature page: a notice stands in its place.
NO_SIGNATURES_ID = "sans-signatures"


def signatures_id(doc: Document) -> str:
    return NO_SIGNATURES_ID if doc.consolidation is not None else SIGNATURES_ID


def to_markdown(doc: Document) -> str:
    """The whole contract as pandoc Markdown, with a metadata block for the renderers."""
    return "\n".join(markdown_pieces(doc)).rstrip() + "\n"


def markdown_pieces(doc: Document) -> list[str]:
    """The Markdown cut where each top-level part begins: the metadata block, then each
    titre's heading, article, annex and the signatures marker (render/pieces.py reads them
    one by one). A titre without heading or article is an empty piece."""
    pieces = [_metadata(doc)]
    for titre in doc.titres:
        if titre.kind == "annexes":
            pieces.append(_signatures_marker(doc))
        pieces += _titre(titre)
    if not any(t.kind == "annexes" for t in doc.titres):
        pieces.append(_signatures_marker(doc))
    return pieces


def _metadata(doc: Document) -> str:
    # Every value is escaped Markdown inside a JSON string, which YAML reads as-is.
    fields = {
        "title": escape_markdown(doc.title),
        "subtitle": escape_markdown(doc.organisme),
        "reference": escape_markdown(doc.reference),
        "lang": "fr-FR",
        "date": date_fr(doc.timestamp),
    }
    if doc.consolidation is not None:
        fields["consolidation"] = mention(doc.consolidation)
    lines = (
        ["---"]
        + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
        + ["---", ""]
    )
    return "\n".join(lines)


def _titre(titre: Titre) -> list[str]:
    parts = []
    if titre.kind == "titre":
        parts.append(
            f"# {titre.label}{DASH}{escape_markdown(titre.heading)} {{#titre-{titre.key}}}\n"
        )
    elif titre.kind == "preambule" and any(a.number for a in titre.articles):
        # "corps" titres (an avenant's articles) have no heading of their own.
        parts.append(f"# {escape_markdown(titre.heading)} {{#titre-{titre.key}}}\n")
    for article in titre.articles:
        parts.append(_article(article, titre.kind))
    # joined by the caller as they were joined here, "\n".join of nothing giving ""
    return parts or [""]


def _article(article: Article, kind: str) -> str:
    heading = article.heading  # already Markdown: rendered from the clause's intitule
    if kind == "annexes":
        title = f"# {article.label}{DASH}{heading} {{#{article.key} .annexe}}"
    elif article.label:
        title = f"## {article.label}{DASH}{heading} {{#{article.key}}}"
    else:
        title = f"## {heading} {{#{article.key} .unnumbered}}"
    return f"{title}\n\n{article.body}"


def _signatures_marker(doc: Document) -> str:
    if doc.consolidation is not None:
        heading = f"## Signatures {{#{NO_SIGNATURES_ID}-titre .unnumbered}}"
        return f"::: {{#{NO_SIGNATURES_ID}}}\n{heading}\n\n{notice(doc.consolidation)}\n:::\n"
    # Replaced by the signature page: a docxtpl template in Word, a template function in typst.
    return f'::: {{#{SIGNATURES_ID} custom-style="Signatures"}}\nSignatures des parties\n:::\n'
