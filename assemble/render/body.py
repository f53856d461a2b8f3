"""The typed body of a Document: read with one pandoc call, written back as pandoc JSON.

`read_document` gives every titre and article its typed header and blocks (`ast`), and each
cross-reference made by `ref(…)` its `ast.Ref` node. pandoc reads the headings and bodies laid
out as the assembled Markdown lays them out, in one call for the whole document: identifiers
pandoc derives (a fiche's heading) depend on the whole text, and one process per article
would cost a tenth of a second each. `to_pandoc` is the inverse, the AST every writer (Word,
typst, the redline) starts from; for a Document read this way it equals what pandoc makes of
the assembled Markdown, node for node.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..compose import ast
from ..compose.ast_json import block_of, blocks_json, blocks_of
from ..compose.document import Article, Document, Reference, Titre
from ..core.cache import Cache
from ..core.errors import ToolError
from ..core.memo import Memo

# Typed articles (frozen, shared by whoever asks) by their JSON and their references' targets:
# a batch, or a rebuild, converts again only the articles that differ.
_TYPED: Memo[str, tuple[ast.Header, tuple[ast.Block, ...]]] = Memo(4096)


def read_document(doc: Document, cache: Cache | None = None) -> Document:
    """The Document with its typed blocks (unchanged if it has them already); pandoc's
    reading is kept in `cache`."""
    if doc.typed:
        return doc
    # What writes and reads Markdown only when a Document is read (a redline has them typed).
    from .markdown import markdown_pieces, signatures_id, to_markdown
    from .pandoc import read_markdown
    from .pieces import read_by_piece

    raw = read_by_piece(markdown_pieces(doc), cache) or read_markdown(to_markdown(doc), cache)
    blocks: list[Any] = raw["blocks"]
    position = 0

    def take(identifier: str) -> Any:
        nonlocal position
        if position >= len(blocks) or _identifier(blocks[position]) != identifier:
            raise ToolError.one(
                "tool.pandoc",
                f"pandoc n'a pas lu l'en-tête « {identifier} » à sa place",
                hint="signalez-le à l'équipe : l'entrée produite par l'outil est en cause",
            )
        position += 1
        return blocks[position - 1]

    def body(stops: set[str]) -> list[Any]:
        nonlocal position
        start = position
        while position < len(blocks) and _identifier(blocks[position]) not in stops:
            position += 1
        return blocks[start:position]

    signatures_key = signatures_id(doc)
    starts = _starts(doc, signatures_key)
    titres: list[Titre] = []
    signatures: list[Any] = []
    for titre in doc.titres:
        if titre.kind == "annexes":
            signatures = [take(signatures_key)]
        header = take(f"titre-{titre.key}") if _has_header(titre) else None
        articles = []
        for article in titre.articles:
            head = take(article.key)
            articles.append(_typed(article, head, body(starts)))
        titres.append(
            dataclasses.replace(
                titre, articles=tuple(articles), header=_header(header) if header else None
            )
        )
    if not signatures:
        signatures = [take(signatures_key)]
    return dataclasses.replace(
        doc,
        titres=tuple(titres),
        api=tuple(raw["pandoc-api-version"]),
        meta=json.dumps(raw["meta"], ensure_ascii=False),
        signatures=blocks_of(signatures),
    )


def to_pandoc(doc: Document) -> dict[str, Any]:
    """The whole Document as pandoc JSON, in the order of the assembled Markdown."""
    doc = read_document(doc)
    blocks: list[ast.Block] = []
    for titre in doc.titres:
        if titre.kind == "annexes":
            blocks += doc.signatures
        if titre.header is not None:
            blocks.append(titre.header)
        for article in titre.articles:
            assert article.header is not None  # read_document gives every article one
            blocks += [article.header, *article.blocks]
    if not any(t.kind == "annexes" for t in doc.titres):
        blocks += doc.signatures
    return {
        "pandoc-api-version": list(doc.api),
        "meta": json.loads(doc.meta),
        "blocks": blocks_json(tuple(blocks)),
    }


def _starts(doc: Document, signatures_key: str) -> set[str]:
    """The identifiers that end an article's body: every heading the writer adds."""
    keys = {a.key for a in doc.articles()}
    return keys | {f"titre-{t.key}" for t in doc.titres if _has_header(t)} | {signatures_key}


def _has_header(titre: Titre) -> bool:
    """Mirrors markdown._titre: which titres have a heading of their own."""
    return titre.kind == "titre" or (
        titre.kind == "preambule" and any(a.number for a in titre.articles)
    )


def _identifier(block: Any) -> str | None:
    if block["t"] == "Header":
        return str(block["c"][1][0])
    if block["t"] == "Div":
        return str(block["c"][0][0]) or None
    return None


def _header(value: Any) -> ast.Header:
    header = block_of(value)
    assert isinstance(header, ast.Header)
    return header


def _typed(article: Article, header: Any, body: list[Any]) -> Article:
    references = [p for p in article.text if isinstance(p, Reference)]
    targets = [list(r.targets) for r in references]
    key = json.dumps([header, body, targets], ensure_ascii=False, separators=(",", ":"))
    typed = _TYPED.get(key)
    if typed is None:
        marked = _mark_references(body, references)
        typed = _TYPED.put(key, (_header(header), blocks_of(marked)))
    return dataclasses.replace(article, header=typed[0], blocks=typed[1])


def _mark_references(node: Any, references: list[Reference]) -> Any:
    """The body's JSON with the links `ref(…)` made tagged as references (read as ast.Ref):
    the links to each reference's first target, in the order the text has them."""
    if not references:  # every one found: the rest is read as it is
        return node
    if isinstance(node, list):
        return [_mark_references(item, references) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("t") == "Link" and references:
        url = node["c"][2][0]
        if url == f"#{references[0].targets[0]}":
            return {"t": "Ref", "c": [list(references.pop(0).targets), node]}
    return {key: _mark_references(value, references) for key, value in node.items()}
