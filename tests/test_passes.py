"""The typography and line-break passes done article by article (render/passes.py) give the
whole document's result, and a changed article is passed again, never taken from before."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from assemble.compose.document import Document
from assemble.core.cache import Cache
from assemble.project import Project
from assemble.render import passes
from assemble.render.body import read_document, to_pandoc
from assemble.render.typography import LINE_BREAKS, french_typography, profile_breaks

from conftest import ROOT, SAMPLE

CONTRACTS = Project(ROOT).contract_ids()


def _whole(ast: dict[str, Any], rendu: int) -> dict[str, Any]:
    return profile_breaks(french_typography(json.loads(json.dumps(ast))), rendu)


def _by_chunk(ast: dict[str, Any], rendu: int, cache: Cache | None = None) -> dict[str, Any]:
    passes._KEPT.clear()
    return passes.typeset(json.loads(json.dumps(ast)), rendu, cache)


@pytest.fixture(scope="module")
def drafts(composed_samples: dict[str, Document]) -> dict[str, Document]:
    return {cid: read_document(doc) for cid, doc in composed_samples.items()}


@pytest.mark.parametrize("contract", CONTRACTS)
def test_each_sample_passes_article_by_article_as_a_whole(
    drafts: dict[str, Document], contract: str
) -> None:
    doc = drafts[contract]
    ast = to_pandoc(doc)
    assert len(passes.chunks(ast["blocks"])) > 10  # articles, annexes and titres apart
    for rendu in sorted({1, LINE_BREAKS, doc.rendu}):
        assert _by_chunk(ast, rendu) == _whole(ast, rendu)


def test_the_avenant_and_the_consolidated_version_pass_as_a_whole(
    sample_avenant_documents: tuple[Document, Document],
) -> None:
    for doc in sample_avenant_documents:
        ast = to_pandoc(doc)
        assert _by_chunk(ast, doc.rendu) == _whole(ast, doc.rendu)


def test_kept_articles_come_back_and_a_changed_one_is_passed_again(
    drafts: dict[str, Document], tmp_path: Path
) -> None:
    doc = drafts[SAMPLE]
    ast = to_pandoc(doc)
    cache = Cache(tmp_path / "cache")
    first = _by_chunk(ast, doc.rendu, cache)
    entries = list((tmp_path / "cache" / passes.KIND).iterdir())
    assert len(entries) == len(passes.chunks(ast["blocks"]))
    # From the disk alone (a new process), then with one article's text changed.
    assert _by_chunk(ast, doc.rendu, cache) == first
    changed = copy.deepcopy(ast)
    paragraph = next(b for b in changed["blocks"] if b["t"] == "Para")
    paragraph["c"] = [{"t": "Str", "c": "Voir"}, {"t": "Space"}, {"t": "Str", "c": "ci-dessous:"}]
    again = _by_chunk(changed, doc.rendu, cache)
    assert again == _whole(changed, doc.rendu) != first
    assert len(list((tmp_path / "cache" / passes.KIND).iterdir())) == len(entries) + 1


@pytest.mark.parametrize("damage", ["truncated", "other-valid-text"])
def test_a_damaged_entry_is_passed_again(
    drafts: dict[str, Document], tmp_path: Path, damage: str
) -> None:
    doc = drafts[SAMPLE]
    ast = to_pandoc(doc)
    cache = Cache(tmp_path / "cache")
    expected = _by_chunk(ast, doc.rendu, cache)
    for entry in (tmp_path / "cache" / passes.KIND).iterdir():
        data = entry.read_bytes()
        if damage == "truncated":
            entry.write_bytes(data[: len(data) // 2])
        else:  # still JSON, still blocks: one word of the contract changed on disk
            entry.write_bytes(data.replace(b'"Str","c":"', b'"Str","c":"X', 1))
    assert _by_chunk(ast, doc.rendu, cache) == expected
