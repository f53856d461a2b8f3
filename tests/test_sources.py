"""Every legal citation of the library is listed in docs/sources.md, with its verification status.

The citations are found in the clause texts (articles L., R. and D., lois, décrets, arrêtés,
circulaires and instructions); a citation missing from docs/sources.md fails, as does a text that
the verification found unverifiable and that a clause cites anyway.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

SOURCES = ROOT / "docs" / "sources.md"
LIBRARIES = ("clauses", "clauses-avenant")
CITATIONS = (
    re.compile(r"\b[LRD]\.\s?\d{3,4}(?:-\d+)*"),
    re.compile(r"\bloi n°\s?\d+-\d+"),
    re.compile(r"\bdécret n°\s?\d+-\d+"),
    re.compile(r"\barrêté du \d{1,2}(?:er)? [a-zéû]+ \d{4}"),
    re.compile(r"\b(?:circulaire|instruction) n°\s?[A-Z0-9]+(?:/[A-Z0-9]+)+"),
)
# Texts the verification could not confirm: no clause may cite them (docs/sources.md says why).
UNVERIFIED = (
    "2017-1836",  # LFSS 2018, art. 70: known only through the notice of a décret
    "2006/216",
    "2006-216",
    "L. 313-14-2",
    "L. 3221-1",
    "R. 314-162",
    "L. 342-3",
)


def _clause_files() -> list[Path]:
    """The libraries' clauses, and the stipulations proper to each contract."""
    own = sorted((ROOT / "contracts").glob("*/clauses/**/*.md"))
    return [p for lib in LIBRARIES for p in sorted((ROOT / lib).rglob("*.md"))] + own


def _citations(text: str) -> set[str]:
    found = set()
    for pattern in CITATIONS:
        for match in pattern.findall(text):
            found.add(re.sub(r"\s+", " ", match.replace("\u00a0", " ")).strip())
    return found


def _listed(citation: str, sources: str) -> bool:
    """Listed as such: « L. 313-1 » is not listed by « L. 313-11 »."""
    return re.search(re.escape(citation) + r"(?![\d-])", sources) is not None


def test_the_library_cites_laws_and_articles() -> None:
    found = set().union(*(_citations(p.read_text(encoding="utf-8")) for p in _clause_files()))
    # The extraction works: the bases of the regimes are among the citations found.
    assert {"L. 313-11", "L. 313-11-2", "L. 313-12-2", "R. 314-43-1"} <= found
    assert any(c.startswith("arrêté du 3 mars 2017") for c in found)


@pytest.mark.parametrize("path", _clause_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_citation_is_in_docs_sources(path: Path) -> None:
    sources = SOURCES.read_text(encoding="utf-8")
    missing = sorted(
        c for c in _citations(path.read_text(encoding="utf-8")) if not _listed(c, sources)
    )
    assert not missing, f"absent de docs/sources.md : {', '.join(missing)}"


@pytest.mark.parametrize("path", _clause_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unverified_text_is_cited(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cited = [u for u in UNVERIFIED if u in text]
    assert not cited, f"texte non vérifié cité : {', '.join(cited)}"


def _clause_id(path: Path) -> str:
    found = re.search(r"^id: (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert found is not None, path
    return found.group(1)


def test_sources_name_the_clauses_that_cite_them() -> None:
    sources = SOURCES.read_text(encoding="utf-8")
    citing = {_clause_id(p) for p in _clause_files() if _citations(p.read_text(encoding="utf-8"))}
    unnamed = sorted(
        c for c in citing if not re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", sources)
    )
    assert not unnamed, f"clauses absentes de docs/sources.md : {', '.join(unnamed)}"
    assert "## À vérifier par un juriste" in sources
