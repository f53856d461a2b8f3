"""One article diff: the avenant, the redline and the upgrade report the same changes.

Each edit of the signed sample (archive v1) is compared with its draft by the three
consumers of `article_diff`: the avenant's changes (`changes.compare`), the redline's
articles and annexes (`redline.make_redline`) and the upgrade's comparison
(`versions.compare_articles`). They must name the same articles with the same verdict, and
that verdict must be what a drafter expects. The typed Document itself must give back, node
for node, what pandoc reads from the assembled Markdown.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_redline import EDITS

from assemble.compose import ast
from assemble.compose.document import Document
from assemble.library.clauses import load_library
from assemble.lifecycle.align import fold
from assemble.lifecycle.article_diff import ArticleDiff, changed, diff_documents
from assemble.lifecycle.changes import Changes, compare
from assemble.lifecycle.redline import make_redline
from assemble.lifecycle.stages import assemble, compose_version
from assemble.lifecycle.versions import compare_articles
from assemble.project import Project
from assemble.render.body import read_document, to_pandoc
from assemble.render.markdown import to_markdown
from assemble.render.pandoc import READER, run_pandoc

from conftest import SAMPLE, signed_copy

# Verdicts in one vocabulary: the avenant's natures and the redline's changes mapped to it.
NATURES = {"remplacement": "changed", "insertion": "added", "suppression": "removed"}
SCENARIOS = ("added_article", "removed_annex", "changed_amount", "replaced_item", "reordered")


@dataclass(frozen=True)
class Compared:
    before: Document
    after: Document
    changes: Changes
    redline: set[tuple[str, str]]
    upgrade: set[tuple[str, str]]

    def avenant(self) -> set[tuple[str, str]]:
        found = (*self.changes.articles, *self.changes.annexes, *self.changes.preambule)
        return {(_clause(c.before or c.after), NATURES[c.kind]) for c in found}

    def diff(self) -> dict[str, ArticleDiff]:
        return {d.article.clause_id: d for d in changed(diff_documents(self.before, self.after))}


def _clause(article: object) -> str:
    clause = getattr(article, "clause_id", None)
    assert isinstance(clause, str)
    return clause


class Scenarios:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = signed_copy(root / "base")
        self.done: dict[str, Compared] = {}

    def __getitem__(self, name: str) -> Compared:
        if name not in self.done:
            project = Project(self.root / name)
            shutil.copytree(self.base.root, project.root)
            EDITS[name](project)
            self.done[name] = _compare(project)
        return self.done[name]


def _compare(project: Project) -> Compared:
    contract_before, before, _ = compose_version(project, SAMPLE, "v1")
    contract_after, after = assemble(project, SAMPLE)
    redline = make_redline(project, SAMPLE, "v1", "projet", "Relectrice")
    by_key = {a.key: a.clause_id for d in (before, after) for a in d.articles()}
    return Compared(
        before,
        after,
        compare(contract_before, before, contract_after, after, {}),
        {(by_key[c.key], c.change) for c in redline.changes},
        {
            (c.clause, "added" if c.before is None else "removed" if c.after is None else "changed")
            for c in compare_articles(before, after)
            if c.text_changed
        },
    )


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Scenarios:
    return Scenarios(tmp_path_factory.mktemp("article-diff"))


EXPECTED: dict[str, set[tuple[str, str]]] = {
    "added_article": {("confidentialite", "added")},
    "removed_annex": {
        ("frais-de-siege", "removed"),
        ("annexe-frais-de-siege", "removed"),
        ("visas", "changed"),  # the visa of the head-office fees' authorisation
    },
    "changed_amount": {
        ("dotation-globale-commune", "changed"),
        ("annexe-etablissements", "changed"),
        ("annexe-financiere", "changed"),
    },
    "replaced_item": {
        ("perimetre", "changed"),
        ("affectation-resultats", "changed"),
        ("dotation-globale-commune", "changed"),
        ("annexe-etablissements", "changed"),
        ("annexe-financiere", "changed"),
        ("annexe-frais-de-siege", "changed"),
    },
    "reordered": {
        ("perimetre", "changed"),
        ("annexe-etablissements", "changed"),
        ("annexe-financiere", "changed"),
        ("annexe-frais-de-siege", "changed"),
    },
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_consumers_report_the_same_changes(scenarios: Scenarios, name: str) -> None:
    compared = scenarios[name]
    assert compared.avenant() == EXPECTED[name]
    assert compared.redline == EXPECTED[name]
    assert compared.upgrade == EXPECTED[name]


def test_an_amendment_never_renumbers_the_signed_contract(scenarios: Scenarios) -> None:
    compared = scenarios["added_article"]
    before = {a.key: a for a in compared.before.articles()}
    kept = [a for a in compared.after.articles() if a.key in before]
    assert len(kept) > 10
    assert [a.label for a in kept] == [before[a.key].label for a in kept]
    [insertion] = compared.changes.articles
    assert insertion.after is not None and insertion.previous is not None
    assert insertion.after.label == f"{insertion.previous.label}\u00a0bis"
    assert not compared.changes.renumbered
    assert compared.redline == {("confidentialite", "added")}
    assert {c.clause for c in compare_articles(compared.before, compared.after)} == {
        "confidentialite"
    }


def test_added_article_follows_the_article_before_it(scenarios: Scenarios) -> None:
    [insertion] = scenarios["added_article"].changes.articles
    assert insertion.after is not None and insertion.previous is not None
    assert insertion.after.clause_id == "confidentialite"
    after = scenarios["added_article"].after.articles()
    keys = [a.key for a in after if a.number is not None]
    assert keys[keys.index("confidentialite") - 1] == insertion.previous.key


def test_replaced_item_is_one_deletion_and_one_insertion(scenarios: Scenarios) -> None:
    """The IME's item deleted, the SAMSAH's inserted: never « IME→SAMSAH »; the first
    paragraph, whose totals changed, is one paragraph changed."""
    perimetre = scenarios["replaced_item"].diff()["perimetre"]
    ops = [(u.op, u.before or "", u.after or "") for u in perimetre.units]
    items = [(op, b, a) for op, b, a in ops if "Tamaris" in b + a or "Passerelles" in b + a]
    assert [op for op, _, _ in items] == ["delete", "insert"], ops
    assert "Tamaris" in items[0][1] and "Passerelles" in items[1][2]
    assert [op for op, _, _ in ops] == ["change", "change", "delete", "insert"], ops
    totals, herault = perimetre.units[:2]
    assert (totals.deleted, totals.inserted) == (("279",), ("239",))  # places in all
    assert (herault.deleted, herault.inserted) == (("213",), ("173",))


def test_reordered_establishments_leave_the_others_unchanged(scenarios: Scenarios) -> None:
    perimetre = scenarios["reordered"].diff()["perimetre"]
    assert sorted(u.op for u in perimetre.units) == ["delete", "insert"]
    assert all("Ateliers du Lez" in (u.before or u.after or "") for u in perimetre.units)


def test_changed_amount_is_one_token(scenarios: Scenarios) -> None:
    diff = scenarios["changed_amount"].diff()["dotation-globale-commune"]
    deleted = [w for u in diff.units for w in u.deleted]
    inserted = [w for u in diff.units for w in u.inserted]
    assert "11 329 430,00 €" in [fold(w) for w in deleted], deleted
    assert "11 374 430,00 €" in [fold(w) for w in inserted], inserted
    assert "vingt-neuf" in deleted and "soixante-quatorze" in inserted  # words, hyphens kept
    assert "(" not in "".join(deleted + inserted)  # signs are tokens of their own


# --- the typed Document -----------------------------------------------------------------------


def test_typed_document_gives_back_what_pandoc_reads(scenarios: Scenarios) -> None:
    """Lossless: the typed model written as pandoc JSON is what pandoc reads from the
    assembled Markdown, for a signed version and a draft of another rendering profile."""
    compared = scenarios["added_article"]
    for doc in (compared.before, compared.after):
        markdown = to_markdown(doc).encode("utf-8")
        read = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown, 0))
        assert to_pandoc(doc) == read


def test_cross_references_are_ref_nodes(scenarios: Scenarios) -> None:
    doc = scenarios["added_article"].after
    refs = [r for a in doc.articles() for r in _refs(a.blocks)]
    keys = {a.key for a in doc.articles()}
    assert refs and all(set(r.targets) <= keys for r in refs)
    links = [n for a in doc.articles() for n in _walk(a.blocks) if isinstance(n, ast.Link)]
    assert not [link for link in links if link.url.lstrip("#") in keys]


def test_reading_twice_changes_nothing(scenarios: Scenarios) -> None:
    doc = scenarios["one_word"].after
    assert read_document(doc) is doc


def _walk(nodes: tuple[object, ...]) -> list[object]:
    found: list[object] = []
    for node in nodes:
        found.append(node)
        for name in ("content", "blocks", "items", "cells", "link"):
            value = getattr(node, name, None)
            if isinstance(value, tuple):
                children = [v for v in value if not isinstance(v, str)]
                flat = [c for v in children for c in (v if isinstance(v, tuple) else (v,))]
                found += _walk(tuple(flat))
        if isinstance(node, ast.Table):
            found += _walk(node.rows())
    return found


def _refs(blocks: tuple[ast.Block, ...]) -> list[ast.Ref]:
    return [n for n in _walk(blocks) if isinstance(n, ast.Ref)]


def _ref_labels(blocks: tuple[ast.Block, ...]) -> list[str]:
    return [ast.plain_text(r.label) for r in _refs(blocks)]


def test_a_clause_taking_a_removed_articles_place_is_that_article_changed(
    sample_avenant: Project,
) -> None:
    """In the sample's avenant, the financing article of the new regime stands where the
    signed Article 9 (dotation globale commune) stood, under its number: one article changed,
    heading and all — for the avenant, the redline and the upgrade alike."""
    contract_before, before, _ = compose_version(sample_avenant, SAMPLE, "v1")
    contract_after, after = assemble(sample_avenant, SAMPLE)
    diffs = {d.article.label: d for d in changed(diff_documents(before, after))}
    nine = diffs["Article\u00a09"]
    assert nine.kind == "changed"
    assert nine.before is not None and nine.after is not None
    assert (nine.before.clause_id, nine.after.clause_id) == (
        "dotation-globale-commune",
        "financement-handicap",
    )
    assert not [d for d in diffs.values() if d.kind == "removed"]
    # The redline asks only each article's kind: the same, without aligning units.
    kinds = [(d.kind, d.part, d.article.key) for d in diff_documents(before, after)]
    quick = diff_documents(before, after, units=False)
    assert [(d.kind, d.part, d.article.key) for d in quick] == kinds
    assert all(not d.units for d in quick) and any(d.units for d in diffs.values())
    changes = compare(contract_before, before, contract_after, after, {})
    [replaced] = [c for c in changes.articles if c.after and c.after.label == "Article\u00a09"]
    assert replaced.kind == "remplacement"
    assert replaced.before is not None and replaced.before.clause_id == "dotation-globale-commune"
    upgrade = {c.label: c for c in compare_articles(before, after)}
    assert upgrade["Article\u00a09"].clause == "dotation-globale-commune → financement-handicap"
    latest = load_library(sample_avenant.clauses).clause("financement-handicap").version
    assert (upgrade["Article\u00a09"].before, upgrade["Article\u00a09"].after) == (1, latest)
