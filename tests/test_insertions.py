"""How an avenant introduces the articles it inserts: each after the article it follows in the
contract, and articles inserted one after the other each after the one inserted before it."""

from __future__ import annotations

from pathlib import Path

from assemble.compose.document import Article
from assemble.lifecycle.article_diff import ArticleDiff
from assemble.lifecycle.changes import _articles


def _article(clause: str, label: str) -> Article:
    return Article(clause, None, 1, None, "", None, label, clause, "", Path("x.md"))


def _diff(kind: str, article: Article, previous: Article | None = None) -> ArticleDiff:
    before = None if kind == "added" else article
    after = None if kind == "removed" else article
    return ArticleDiff(kind, "articles", before, after, previous, ())  # type: ignore[arg-type]


def test_consecutive_insertions_follow_each_other() -> None:
    third, fourth = _article("trois", "Article 3"), _article("quatre", "Article 4")
    bis, ter = _article("bis", "Article 3 bis"), _article("ter", "Article 3 ter")
    quater = _article("quater", "Article 4 bis")
    diffs = (
        _diff("added", bis, third),
        _diff("added", ter, third),
        _diff("changed", fourth),
        _diff("added", quater, fourth),
    )
    changes = _articles(diffs, "articles")
    follows = [(c.after.label if c.after else None, c.previous) for c in changes]
    assert follows == [
        ("Article 3 bis", third),
        ("Article 3 ter", bis),  # not « après l'article 3 » a second time
        ("Article 4", None),
        ("Article 4 bis", fourth),  # after a replaced article: the contract's own
    ]
