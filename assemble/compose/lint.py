"""The drafting lint: what a legal reviewer would mark in the assembled text of a contract.

Each rule (lint_rules.py, lint_references.py) reads the rendered Markdown of the articles
(or, for promises and annex numbers, the Document) and reports a Finding: a code of the `lint`
family, a message, and the passage. The passage is then traced back to the clause line or the
data value that produced it (provenance.py). Warnings listed under the contract's `ignorer:`
are dropped; errors never are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..contract.load import LoadedContract
from ..core.codes import CODES, lookup
from ..core.errors import Problem
from ..library.clauses import Library
from ..library.terms import load_terms
from . import lint_references as references
from . import lint_rules as words
from .document import Document
from .lint_rules import NBSP, Finding, Passage, Rule
from .provenance import Provenance

RULES: tuple[Rule, ...] = (
    words.contractions,
    words.doubled_articles,
    words.citations,
    references.defined_terms,
    references.annex_numbers,
    references.promises,
    references.implicit_promises,
    words.capitals_after_colons,
    words.run_in_headings,
    words.list_introductions,
    words.list_punctuation,
)


def lint_contract(
    contract: LoadedContract, doc: Document, library: Library, *, terms_only: bool = False
) -> list[Problem]:
    """Every finding of the drafting lint on one composed contract, located, minus the ignored.
    `terms_only`: only the terms that designate nothing (what an avenant must not leave).

    Findings of one rule at one source line (a clause repeated per member, a data value printed
    twice) make one problem that quotes each passage.
    """
    passages = tuple(_passages(doc))
    provenance = Provenance(library, contract)
    terms = references.orphan_terms(load_terms(library.root))
    rules = (terms,) if terms_only else (*RULES, terms)
    # The data model refuses an error under `ignorer:`; an error is never dropped here either.
    ignored = {code for code in contract.data.ignorer if code in CODES and lookup(code).silenceable}
    grouped: dict[tuple[str, str, Path | None, int | None], list[Finding]] = {}
    for rule in rules:
        for finding in rule(passages, doc):
            if finding.code in ignored:
                continue
            path, line = _origin(finding, provenance)
            grouped.setdefault((finding.code, finding.message, path, line), []).append(finding)
    problems = [
        _problem(code, message, path, line, findings)
        for (code, message, path, line), findings in grouped.items()
    ]
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.code))


def _passages(doc: Document) -> Iterator[Passage]:
    for article in doc.articles():
        yield Passage(article, "heading", article.heading)
        yield Passage(article, "body", article.body)


def _origin(finding: Finding, provenance: Provenance) -> tuple[Path | None, int | None]:
    if finding.at is not None:
        return finding.at
    assert finding.passage is not None
    passage = finding.passage
    origin = provenance.locate(
        passage.article, passage.part, passage.text, finding.start, finding.end
    )
    return origin.path, origin.line


def _problem(
    code: str, message: str, path: Path | None, line: int | None, findings: list[Finding]
) -> Problem:
    places = dict.fromkeys(
        (f.passage.article.label or f.passage.article.heading).replace(NBSP, " ")
        for f in findings
        if f.passage is not None
    )
    quotes = list(dict.fromkeys(f"« {f.quote} »" for f in findings if f.quote))
    shown = ", ".join(quotes[:3]) + (f" et {len(quotes) - 3} autres" if len(quotes) > 3 else "")
    prefix = ", ".join(places) + " : " if places else ""
    text = f"{prefix}{shown} : {message}" if shown else f"{prefix}{message}"
    return Problem(code, text, path, line)
