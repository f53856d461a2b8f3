"""The typst source written article by article (render/typst_pieces.py) is pandoc's writing
of the whole document, on every sample, the avenant and the consolidated version; what it
cannot write by article is written whole; a kept article comes back, a changed or damaged
one is written again."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assemble.compose.document import Document
from assemble.core.cache import Cache
from assemble.project import Project
from assemble.render import typst_pieces
from assemble.render.body import read_document, to_pandoc
from assemble.render.passes import chunks, typeset
from assemble.render.pdf import TYPST_TEMPLATE, start_typst

from conftest import ROOT, SAMPLE

CONTRACTS = Project(ROOT).contract_ids()


def _source(doc: Document, ast: dict[str, Any], templates: Path, cache: Cache | None = None) -> str:
    typst_pieces._KEPT.clear()  # as a new process: nothing kept but the disk cache
    with start_typst(
        doc, json.loads(json.dumps(ast)), templates, 0, broken=True, cache=cache
    ) as job:
        return job.result().decode("utf-8")


def _whole(
    doc: Document, ast: dict[str, Any], templates: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(typst_pieces, "_body_line", lambda template: False)
        return _source(doc, ast, templates)


@pytest.fixture(scope="module")
def drafts(composed_samples: dict[str, Document]) -> dict[str, Document]:
    return {cid: read_document(doc) for cid, doc in composed_samples.items()}


@pytest.mark.parametrize("contract", CONTRACTS)
def test_each_sample_is_written_article_by_article_as_a_whole(
    drafts: dict[str, Document], contract: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = drafts[contract]
    ast = typeset(to_pandoc(doc), doc.rendu)
    templates = ROOT / "templates"
    assert _source(doc, ast, templates) == _whole(doc, ast, templates, monkeypatch)


def test_the_avenant_and_the_consolidated_version_are_written_as_a_whole(
    sample_avenant: Project,
    sample_avenant_documents: tuple[Document, Document],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for doc in sample_avenant_documents:
        ast = typeset(to_pandoc(doc), doc.rendu)
        templates = sample_avenant.templates
        source = _source(doc, ast, templates)
        assert source == _whole(doc, ast, templates, monkeypatch)
        assert "Version consolidée" in source or doc.consolidation is None


def test_kept_articles_come_back_a_changed_or_damaged_one_is_written_again(
    drafts: dict[str, Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = drafts[SAMPLE]
    ast = typeset(to_pandoc(doc), doc.rendu)
    templates = ROOT / "templates"
    cache = Cache(tmp_path / "cache")
    first = _source(doc, ast, templates, cache)
    folder = tmp_path / "cache" / typst_pieces.KIND
    assert len(list(folder.iterdir())) == len(chunks(ast["blocks"]))
    assert _source(doc, ast, templates, cache) == first  # from the disk alone
    changed = copy.deepcopy(ast)
    paragraph = next(b for b in changed["blocks"] if b["t"] == "Para")
    paragraph["c"] = [{"t": "Str", "c": "Texte"}, {"t": "Space"}, {"t": "Str", "c": "changé."}]
    again = _source(doc, changed, templates, cache)
    assert "Texte changé." in again and again == _whole(doc, changed, templates, monkeypatch)
    for entry in folder.iterdir():  # damaged into other valid text: written again
        entry.write_bytes(entry.read_bytes()[:32] + b"= Autre chose\n")
    assert _source(doc, changed, templates, cache) == again


@pytest.mark.parametrize(
    "block",
    [
        {"t": "CodeBlock", "c": [["", [], []], "print(1)"]},  # turns on highlighting
        {"t": "RawBlock", "c": ["typst", "// cpom-fin-de-morceau"]},  # a marker of ours
        {"t": "Para", "c": [{"t": "Math", "c": [{"t": "InlineMath"}, "x^2"]}]},
    ],
)
def test_what_a_chunk_cannot_be_written_alone_with_has_the_whole_written(
    drafts: dict[str, Document], block: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = drafts[SAMPLE]
    ast = typeset(to_pandoc(doc), doc.rendu)
    ast["blocks"].insert(3, block)
    templates = ROOT / "templates"
    assert _source(doc, ast, templates) == _whole(doc, ast, templates, monkeypatch)


def test_a_template_with_its_body_indented_has_the_whole_written(
    drafts: dict[str, Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    template = templates / TYPST_TEMPLATE
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("\n$body$", "\n#[\n  $body$\n]"), encoding="utf-8")
    doc = drafts[SAMPLE]
    ast = typeset(to_pandoc(doc), doc.rendu)
    assert not typst_pieces._body_line(template)
    assert _source(doc, ast, templates) == _whole(doc, ast, templates, monkeypatch)
