"""pandoc's reading piece by piece (render/pieces.py) equals its reading of the whole text, on
every sample and on texts built to test each whole-document effect; what it cannot read
alone is left to the whole reading; a kept piece comes back, a changed or damaged one is read
again. The headings' identifiers (render/identifiers.py) are pandoc's own."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assemble.compose.document import Document
from assemble.core.cache import Cache
from assemble.project import Project
from assemble.render import pieces
from assemble.render.identifiers import Declined, identifier
from assemble.render.markdown import markdown_pieces, to_markdown
from assemble.render.pandoc import read_markdown

from conftest import ROOT

CONTRACTS = Project(ROOT).contract_ids()
META = '---\ntitle: "Contrat"\nlang: "fr-FR"\n---\n'


def _fresh(texts: list[str], cache: Cache | None = None) -> dict[str, Any] | None:
    pieces._KEPT.clear()  # as a new process: nothing kept but the disk cache
    return pieces.read_by_piece(texts, cache)


def _whole(texts: list[str]) -> dict[str, Any]:
    return read_markdown("\n".join(texts).rstrip() + "\n")


@pytest.mark.parametrize("contract", CONTRACTS)
def test_each_sample_reads_piece_by_piece_as_a_whole(
    composed_samples: dict[str, Document], contract: str
) -> None:
    doc = composed_samples[contract]
    texts = markdown_pieces(doc)
    assert "\n".join(texts).rstrip() + "\n" == to_markdown(doc)
    assert len(texts) > 10
    read = _fresh(texts)
    assert read is not None, "the sample is read piece by piece, not as a whole"
    assert read == read_markdown(to_markdown(doc))
    # Identifiers pandoc derived itself, over the whole document, are among them.
    assert any(b["t"] == "Header" and b["c"][0] >= 3 for b in read["blocks"])


def test_the_avenant_and_the_consolidated_version_read_as_a_whole(
    sample_avenant_documents: tuple[Document, Document],
) -> None:
    for doc in sample_avenant_documents:
        texts = markdown_pieces(doc)
        read = _fresh(texts)
        assert read is not None
        assert read == read_markdown(to_markdown(doc))


# Headings without identifier across pieces: pandoc numbers repeats over the whole document,
# counts explicit identifiers met before, and finds headings inside divs and lists.
SHARED_HEADINGS = [
    META,
    "## Article 1 – Objet {#objet}\n\n### Tarifs\n\nTexte.\n\n### Objet\n\nSuite.\n",
    "## Article 2 – Moyens {#moyens}\n\n### Tarifs\n\n::: {.encadre}\n### Tarifs\n\nDans un "
    "bloc.\n:::\n\n- premier point\n\n    ### Tarifs-1 {#tarifs-2}\n\n- second point\n",
    "# Annexe 1 – Fiches {#annexe-1 .annexe}\n\n### Tarifs\n\n### « Qualité » de l'*accueil*"
    " `code` [lien](#objet)\n\n### 2027 – 1.2. Échéancier\n\n### ...\n\n### Section\n\n###"
    " Section\n",
]


def test_headings_without_identifier_are_numbered_over_the_whole_document() -> None:
    read = _fresh(SHARED_HEADINGS)
    assert read is not None
    assert read == _whole(SHARED_HEADINGS)
    text = json.dumps(read, ensure_ascii=False)
    assert '"tarifs-1"' in text and '"tarifs-3"' in text and '"section-1"' in text


@pytest.mark.parametrize(
    "body",
    [
        "Voir la note[^1].\n\n[^1]: Une note.\n",  # notes are numbered over the document
        "Voir [l'objet][].\n",  # a reference to a heading of another piece
        "Voir [Article 1 – Objet].\n",  # an implicit heading reference
        "Voir [le site][site].\n\n[site]: https://example.org\n",  # a reference link
        "(@) premier exemple\n",  # example lists count over the document
        "\\newcommand{\\x}{y}\n\nTexte.\n",  # TeX macros apply to what follows
        "Texte.\n\n---\ntitle: autre\n---\n",  # metadata blocks merge into the document's
    ],
)
def test_what_depends_on_other_pieces_is_left_to_the_whole_reading(body: str) -> None:
    texts = [META, "## Article 1 – Objet {#objet}\n\nTexte.\n", f"## Article 2 {{#a2}}\n\n{body}"]
    assert _fresh(texts) is None


def test_a_piece_that_does_not_close_is_left_to_the_whole_reading() -> None:
    # pandoc closes the div at the end of the text: the marker falls inside it.
    texts = [META, "## Article 1 {#a1}\n\n::: {.encadre}\nSans fin.\n", "## Article 2 {#a2}\n"]
    assert _fresh(texts) is None


# Bodies that open or close something across pieces, or end in a way the next line could
# continue: read in every order, with either piece already kept, the reading by piece is
# either declined or pandoc's reading of the whole text.
OPENERS = [
    "```\ncode\n",
    "```\n",
    "~~~~\ncode\n",
    "::: {.encadre}\nUn bloc.\n",
    ":::\n",
    "--------- ---------\nEn-tête   Colonne\n--------- ---------\n\nligne     un\n",
    "--------- ---------\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "Table: légende\n",
    "Terme\n",
    ": définition\n",
    "- point\n\n    suite\n",
    "> citation\n",
    "    code indenté\n",
    "| ligne\n| bloc\n",
    "Texte *sans fin\n",
    "Texte\n===\n",
    "***\n",
]


@pytest.mark.parametrize("order", ["forward", "reversed"])
def test_nothing_opened_in_one_piece_and_closed_in_another_is_misread(order: str) -> None:
    bodies = OPENERS if order == "forward" else OPENERS[::-1]
    texts = [META] + [f"## Pièce {i} {{#p{i}}}\n\n{b}" for i, b in enumerate(bodies)]
    whole = _whole(texts)
    middle = len(bodies) // 2 + 1
    patterns: list[Sequence[int]] = [[], range(1, len(texts), 2), range(2, len(texts), 2)]
    for kept in [*patterns, range(1, middle)]:
        pieces._KEPT.clear()
        for index in kept:  # read alone before: as a later build would find it kept
            pieces.read_by_piece([META, texts[index]])
        read = pieces.read_by_piece(texts)
        assert read is None or read == whole, list(kept)
    # Each piece next to each other piece, the first of the two kept or not.
    for a, b in zip(texts[1:], texts[2:], strict=False):
        for first_kept in (False, True):
            pieces._KEPT.clear()
            if first_kept:
                pieces.read_by_piece([META, a])
            read = pieces.read_by_piece([META, a, b])
            assert read is None or read == _whole([META, a, b]), (a, b, first_kept)


def test_a_code_fence_is_read_whole() -> None:
    texts = [META, "## A {#a}\n\n```\ncode\n", "## B {#b}\n\n```\n"]
    assert _fresh(texts) is None


def test_a_heading_without_identifier_in_a_table_is_read_whole() -> None:
    grid = (
        "+---------------+\n| Cellule       |\n+===============+\n| ### Intitulé  |\n"
        "+---------------+\n"
    )
    texts = [META, f"## Article 1 {{#a1}}\n\n{grid}"]
    assert _fresh(texts) is None


def test_kept_pieces_come_back_a_changed_or_damaged_one_is_read_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    texts = list(SHARED_HEADINGS)
    first = _fresh(texts, cache)
    folder = tmp_path / "cache" / pieces.KIND
    entries = sorted(folder.iterdir())
    assert len(entries) == len(texts)
    assert _fresh(texts, cache) == first  # from the disk alone
    texts[1] = texts[1].replace("Suite.", "Suite modifiée.")
    changed = _fresh(texts, cache)
    assert changed == _whole(texts) != first
    assert len(list(folder.iterdir())) == len(entries) + 1
    # A damaged entry, even into other valid JSON, is read again, never used.
    for entry in folder.iterdir():
        entry.write_bytes(entry.read_bytes()[:32] + b"[]")
    assert _fresh(texts, cache) == changed


HEADING_CHARS = st.sampled_from(
    list("aàâbcçdeéèêëfgilnoôœruùûyzAÉÈÇŒZ0179 .-_'’\",;:!?()«»\u00a0\u202f–—/&%$#*<>{}~^@|")
    + ["Σ", "\u0301", "\u200b", "😀", "ǅ", "Ⅻ", "²"]
)
ESCAPED = set("\\`*_#<>&$~^|{}@")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(HEADING_CHARS, min_size=1, max_size=24), min_size=1, max_size=12))
def test_identifiers_are_pandoc_s_own(headings: list[str]) -> None:
    markdown = "\n".join(
        "### x" + "".join("\\" + c if c in ESCAPED else c for c in heading) + "\n"
        for heading in headings
    )
    texts = [META, "## Article {#a}\n\n" + markdown]
    wanted = [b["c"][1][0] for b in _whole(texts)["blocks"] if b["t"] == "Header"]
    ours = _fresh(texts)
    if ours is None:  # declined: a character where Python's Unicode and Haskell's may differ
        assert any(_declined("x" + h) for h in headings)
        return
    assert [b["c"][1][0] for b in ours["blocks"] if b["t"] == "Header"] == wanted


def _declined(heading: str) -> bool:
    try:
        identifier(heading)
    except Declined:
        return True
    return False
