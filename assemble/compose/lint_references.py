"""The rules of the drafting lint across passages: defined terms, annex numbers, promises.

Each reads every passage of the contract (and the Document's promises) and yields Findings for
what one passage says of another: a term defined and never used, an annex cited that does not
exist, a promise « inscrit à l'annexe » that the annex does not keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..library.terms import Term
from .document import Document
from .lint_rules import NBSP, SPACE, Finding, Passage, Rule

# --- defined terms ---------------------------------------------------------------------------

_DEFINITION = re.compile(
    r"(?:ci-après(?:" + SPACE + r"+(?:dénommée?s?|désignée?s?|appelée?s?))?|ensemble)"
    r",?" + SPACE + r"*(?:«" + SPACE + r"*(?P<term>[^»\n]{2,80}?)" + SPACE + r"*»"
    r"|\"(?P<straight>[^\"\n]{2,80})\")"
)
_DEFINED_USE = re.compile(
    r"(?<![\w'’])(?:[dD]e la |[dD]e l['’]|[lL]['’]|[lL]es |[lL]e |[lL]a |[dD]u |[dD]es "
    r"|[aA]ux |[aA]u )" + SPACE + r"*«" + SPACE + r"*(?P<term>[^»\n]{2,80}?)" + SPACE + r"*»"
)
_LEADING_ARTICLE = re.compile(r"^(?:les|le|la|l['’])\s*", re.I)


def _core(term: str) -> str:
    return _LEADING_ARTICLE.sub("", " ".join(term.replace(NBSP, " ").split()))


def _term_pattern(core: str) -> re.Pattern[str]:
    # « autorités de tarification » is also used as « autorité de tarification ».
    words = [
        re.escape(w.rstrip("sx")) + r"[sx]?" if len(w) > 3 else re.escape(w) for w in core.split()
    ]
    return re.compile(r"(?<!\w)" + (SPACE + "+").join(words) + r"(?!\w)", re.I)


def defined_terms(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """A term defined by « ci-après » that the text never uses, and a term quoted as defined
    (« l'« organisme gestionnaire » ») that no « ci-après » defines."""
    definitions = [
        (passage, found) for passage in passages for found in _DEFINITION.finditer(passage.text)
    ]
    cores = [_core(found.group("term") or found.group("straight")) for _, found in definitions]
    for (passage, found), core in zip(definitions, cores, strict=True):
        pattern = _term_pattern(core)
        used = any(
            not (other is passage and found.start() <= use.start() < found.end())
            for other in passages
            for use in pattern.finditer(other.text)
        )
        if not used:
            yield Finding(
                "lint.terme-inutilise",
                "terme défini mais jamais employé",
                passage,
                found.start(),
                found.end(),
            )
    defined = [_term_pattern(core) for core in cores]
    for passage in passages:
        for found in _DEFINED_USE.finditer(passage.text):
            core = _core(found.group("term"))
            if any(pattern.fullmatch(core) for pattern in defined):
                continue
            yield Finding(
                "lint.terme-non-defini",
                "terme employé comme défini, jamais défini (ci-après « … »)",
                passage,
                found.start(),
                found.end(),
            )


def orphan_terms(terms: Sequence[Term]) -> Rule:
    """The rule for the library's defined terms (library/terms.py): a term used in a contract
    that keeps none of the clauses defining it (« la dotation globale commune » once the
    article that allocated it is replaced)."""

    def rule(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
        kept = {article.clause_id for article in doc.articles()}
        for term in terms:
            if term.clauses & kept:
                continue
            pattern = term.pattern()
            defining = ", ".join(sorted(term.clauses))
            for passage in passages:
                for found in pattern.finditer(passage.text):
                    yield Finding(
                        "lint.terme-orphelin",
                        f"« {term.term} » ne désigne plus rien : le contrat ne retient aucune "
                        f"clause qui le définit ({defining})",
                        passage,
                        found.start(),
                        found.end(),
                    )

    return rule


# --- annexes and promises --------------------------------------------------------------------

_ANNEX_NUMBER = re.compile(
    r"(?<![\w-])[aA]nnexes?" + SPACE + r"+(?:n°" + SPACE + r"*)?"
    r"(?P<numbers>\d+(?:" + SPACE + r"*(?:,|à|et)" + SPACE + r"*\d+)*)(?![\d-])"
)
# « annexe 3 de l'arrêté du 3 mars 2017 »: an annex of another text.
_OTHER_TEXT = re.compile(
    SPACE + r"+(?:de l['’]arrêté|du décret|du code|de la loi|de la circulaire|du règlement|"
    r"de l['’]instruction|de la convention)"
)
_LABEL_NUMBER = re.compile(r"^Annexe" + SPACE + r"+(\d+)")


def annex_numbers(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« annexe 7 » when the contract has six annexes."""
    known = {
        int(found.group(1))
        for article in doc.articles()
        if (found := _LABEL_NUMBER.match(article.label))
    }
    for passage in passages:
        for found in _ANNEX_NUMBER.finditer(passage.text):
            if _OTHER_TEXT.match(passage.text, found.end()):
                continue
            missing = [n for n in _numbers(found.group("numbers")) if n not in known]
            if missing:
                have = ", ".join(str(n) for n in sorted(known)) or "aucune"
                yield Finding(
                    "lint.annexe-inconnue",
                    f"le contrat n'a pas d'annexe {', '.join(str(n) for n in missing)} "
                    f"(annexes : {have})",
                    passage,
                    found.start(),
                    found.end(),
                )


def _numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|et)\s*", text.replace(NBSP, " ")):
        low, _, high = part.partition("à")
        first = int(low.strip())
        numbers += range(first, int(high.strip()) + 1) if high.strip() else [first]
    return numbers


def promises(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """ref(…, promet="…"): the text referred to must contain each promised phrase."""
    texts = {a.key: f"{a.heading}\n{a.body}" for a in doc.articles()}
    for promise in doc.promesses:
        target = " ".join(_plain(texts.get(key, "")) for key in promise.targets)
        for phrase in promise.phrases:
            if _plain(phrase) not in target:
                yield Finding(
                    "lint.promesse",
                    f"l'{promise.label} ne contient pas « {phrase} », que promet ce renvoi",
                    None,
                    at=(promise.path, promise.line),
                )


def _plain(markdown: str) -> str:
    """Text compared for a promise: no Markdown marks, links as their label, case and spaces
    folded, typographic apostrophes straightened."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"[*_`]", "", text).replace("’", "'")
    return " ".join(text.lower().split())


_IMPLICIT_PROMISE = re.compile(
    r"(?<!\w)(?:figur\w*|inscrite?s?|prévue?s?|détaillée?s?|retracée?s?|récapitulée?s?|"
    r"précisée?s?|décrite?s?|fixée?s?|jointe?s?)"
    + SPACE
    + r"+(?:à|en|dans)"
    + SPACE
    + r"+(?:l['’]|une"
    + SPACE
    + r"+)?annexes?(?!"
    + SPACE
    + r"*(?:\d|n°))[^.;\n]{0,40}"
)


def implicit_promises(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« inscrite à l'annexe financière »: a promise about an annex that nothing checks."""
    for passage in passages:
        for found in _IMPLICIT_PROMISE.finditer(passage.text):
            yield Finding(
                "lint.promesse-implicite",
                "promesse que rien ne vérifie (annexe citée sans renvoi)",
                passage,
                found.start(),
                found.end(),
            )
