"""The rules of the drafting lint on words: contractions, citations, capitals, lists.

A rule is a function of the passages (heading and body of every article, as rendered Markdown)
and the Document; lint.py runs them all and locates what they find. The rules that compare one
passage with another (defined terms, annexes, promises) are in lint_references.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..text import grammar
from .document import Article, Document
from .provenance import Part

NBSP = "\u00a0"
SPACE = r"[ \u00a0\u202f]"


@dataclass(frozen=True)
class Passage:
    """The heading or the body of an article, as rendered Markdown."""

    article: Article
    part: Part
    text: str


@dataclass(frozen=True)
class Finding:
    code: str
    message: str  # what is wrong and how to write it
    passage: Passage | None  # None with an explicit `at`
    start: int = 0  # the offending words: passage.text[start:end]
    end: int = 0
    at: tuple[Path, int | None] | None = None

    @property
    def quote(self) -> str:
        """The offending words and the three before them in the same clause of the sentence,
        as the drafter will search for them."""
        if self.passage is None:
            return ""
        text = self.passage.text
        before = _CLAUSE_BREAK.split(text[max(0, self.start - 60) : self.start])[-1]
        lead = _LAST_WORDS.search(before)
        quoted = (lead.group() if lead else "") + text[self.start : self.end]
        return " ".join(quoted.replace(NBSP, " ").split())


# What a quote never reaches back across: the end of a sentence or clause, a colon, a table
# cell, a line, a list marker; and the three words it takes before the offending ones.
_CLAUSE_BREAK = re.compile(r"(?:^|\s)[-*+]\s|[.;:!?|\n]")
_LAST_WORDS = re.compile(r"(?:\S+\s+){0,3}\S*$")

Rule = Callable[[tuple[Passage, ...], Document], Iterable[Finding]]


# --- contractions and doubled articles -------------------------------------------------------

_CONTRACTION = re.compile(
    r"(?<![\w'’])(?P<prep>[àÀ]|[dD]e) (?P<article>les|le|Les|Le) (?P<word>\w[\w'’-]*)"
)
_CONTRACTED = {"à": {"le": "au", "les": "aux"}, "de": {"le": "du", "les": "des"}}
# Nouns that « à le », « de les »… may precede in a CPOM; before anything else, « le » and
# « les » are more likely pronouns (« de les accompagner », « à le faire »).
KNOWN_NOUNS = grammar.words(
    """accompagnement action actions annexe annexes article articles autorisation
    autorisations autorité autorités budget cahier charges code comité conseil contrat crédits
    département départements dernier dialogue directeur dispositif dispositions dotation
    dotations engagements établissement établissements exercice exercices financeur financeurs
    frais gestionnaire groupement indicateurs investissements membre membres même montant
    montants moyens objectifs organisme organismes parties périmètre personnes plan premier
    présent président préfet programme projet projets rapport règles résidents résultats
    schéma service services siège suivi tableau taux titre usagers"""
)


def contractions(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« à le Mans », « de les Ateliers », « à Les Herbiers »: au, aux, du, des."""
    for passage in passages:
        for found in _CONTRACTION.finditer(passage.text):
            article, word = found.group("article"), found.group("word")
            if not (article[0].isupper() or word[0].isupper() or word.lower() in KNOWN_NOUNS):
                continue
            preposition = found.group("prep")
            contracted = _CONTRACTED[preposition.lower()][article.lower()]
            if preposition[0].isupper():
                contracted = contracted.capitalize()
            yield Finding(
                "lint.contraction",
                f"écrivez « {contracted} {word} »",
                passage,
                found.start(),
                found.end(),
            )


_DOUBLE = re.compile(
    r"(?<![\w'’])(?P<first>les|le|la|du|des|aux|au|Les|Le|La|Du|Des|Aux|Au) "
    r"(?P<second>les|le|la|Les|Le|La)(?= \w)"
    r"|(?<![\w'’])(?P<elided>[lLdD]['’])(?P<again>[lL]['’])(?=\w)"
)


def doubled_articles(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« les Les Ateliers », « du Le Mans », « l'L'Escale »: an article before a name's own."""
    for passage in passages:
        for found in _DOUBLE.finditer(passage.text):
            second = found.group("second") or found.group("again")
            first = found.group("first") or found.group("elided")
            if not (second[0].isupper() or second.lower() == first.lower()):
                continue
            yield Finding(
                "lint.article-double",
                "article doublé devant un nom qui porte le sien",
                passage,
                found.start(),
                found.end(),
            )


# --- citations -------------------------------------------------------------------------------

_CITATIONS = (
    (
        re.compile(r"(?<![\w.])(?:L\.O|[LRDA])\.[ \t]*\n[ \t]*\d[\d-]*"),
        "citation coupée par un retour à la ligne dans la clause",
    ),
    (
        re.compile(r"(?<![\w-])(?:articles?|n°)[ \t]*\n[ \t]*(?:L\.O\.|[LRDA]\.|\d)[\d-]*", re.I),
        "citation séparée de son numéro par un retour à la ligne dans la clause",
    ),
    (re.compile(r"\d-[ \t]*\n[ \t]*\d+"), "numéro coupé par un retour à la ligne dans la clause"),
    (re.compile(r"(?<![\w.])[LRD]\.\d[\d-]*"), "point collé au numéro : écrivez « L. 313-11 »"),
    (
        re.compile(r"(?<![\w.])[LRD] \d{3}-\d[\d-]*"),
        "point manquant après la lettre du code : écrivez « L. 313-11 »",
    ),
    (re.compile(r"\bn°\d[\d-]*"), "espace manquante après n° : écrivez « n° 2015-1776 »"),
    (
        re.compile(r"(?<![\d-])\d{3}(?: -|- )\d+(?:-\d+)*"),
        "espace dans un numéro d'article : écrivez « 314-43-1 »",
    ),
)


def citations(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """A citation the typography filter cannot keep together: split across the clause's lines,
    or written in an irregular form (« L.313-11 », « L 313-11 », « n°2015-1776 »)."""
    for passage in passages:
        for pattern, message in _CITATIONS:
            for found in pattern.finditer(passage.text):
                yield Finding(
                    "lint.citation",
                    message,
                    passage,
                    found.start(),
                    found.end(),
                )


# --- capitals, run-in headings, lists --------------------------------------------------------

_AFTER_COLON = re.compile(
    r"(?<=\S)" + SPACE + r"*:(?:" + SPACE + r"+|" + SPACE + r"*\n" + SPACE + r"*)"
    r"(?:\*\*|\*|_)?(?P<word>[A-ZÀ-ÖØ-Þ][\w]*(?:['’]|\b))"
)


def capitals_after_colons(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« Résultats attendus : Un taux… »: lower case after a colon, unless a proper noun."""
    words = {w for p in passages for w in re.findall(r"\b[a-zà-öø-ÿ][\w]*", p.text)}
    for passage in passages:
        for found in _AFTER_COLON.finditer(passage.text):
            line_start = passage.text.rfind("\n", 0, found.start()) + 1
            if passage.text.startswith("#", line_start):
                continue
            word = found.group("word")
            common = grammar.is_common_capitalised(word) or (
                word[1:].islower() and word.lower() in words
            )
            if common:
                yield Finding(
                    "lint.majuscule",
                    "minuscule après un deux-points",
                    passage,
                    found.start(),
                    found.end(),
                )


_RUN_IN_COLON = re.compile(
    r"(?m)^(?:\*\*|__)(?P<label>[^*_\n]+?)" + SPACE + r"*:" + SPACE + r"*(?:\*\*|__)"
    r"|^(?:\*\*|__)(?P<bare>[^*_\n]+?)(?:\*\*|__)" + SPACE + r"*:"
)


def run_in_headings(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« **Contexte :** Les projets » is written « **Contexte.** Les projets » in French."""
    for passage in passages:
        for found in _RUN_IN_COLON.finditer(passage.text):
            if passage.text[found.end() :].lstrip(" \u00a0")[:1] in ("\n", ""):
                continue  # a label that opens a list or a table keeps its colon
            label = (found.group("label") or found.group("bare")).strip()
            yield Finding(
                "lint.intertitre",
                f"intertitre en ligne suivi d'un deux-points, écrivez « **{label}.** »",
                passage,
                found.start(),
                found.end(),
            )


_ENGAGE = re.compile(
    r"s['’]engagen?t?" + SPACE + r"*:" + SPACE + r"*\n\s*[-*+]" + SPACE + r"+(?P<word>\w+)"
)


def list_introductions(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """« s'engage : – porter… » lacks its « à »: « s'engage à : »."""
    for passage in passages:
        for found in _ENGAGE.finditer(passage.text):
            if grammar.is_infinitive(found.group("word").lower()):
                end = passage.text.index(":", found.start()) + 1
                yield Finding(
                    "lint.liste-introduction",
                    "devant des infinitifs, écrivez « s'engage à : »",
                    passage,
                    found.start(),
                    end,
                )


_ITEM = re.compile(r"^[-*+]" + SPACE + r"+")


def list_punctuation(passages: tuple[Passage, ...], doc: Document) -> Iterator[Finding]:
    """Items of a list end with « ; », the last with « . », or with « , » when the sentence
    goes on after the list in lower case (« …, ci-après ensemble « les membres », »)."""
    for passage in passages:
        for items in _lists(passage.text):
            after = passage.text[items[-1][1] :].lstrip()
            goes_on = after[:1].islower()
            for number, (start, end) in enumerate(items, 1):
                item = passage.text[start:end].rstrip()
                last = number == len(items)
                endings = (".", ":", ",") if goes_on else (".", ":")
                good = item.endswith(endings) if last else item.endswith((";", "; et", "; ou"))
                if not good:
                    expected = "« . »" if last else "« ; »"
                    yield Finding(
                        "lint.liste-ponctuation",
                        f"élément de liste à terminer par {expected}",
                        passage,
                        start,
                        start + len(item),
                    )


def _lists(text: str) -> Iterator[list[tuple[int, int]]]:
    """Bulleted lists of a Markdown text: the span of each item after its marker,
    continuation lines included."""
    items: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        end = position + len(line)
        marker = _ITEM.match(line)
        if marker:
            items.append((position + marker.end(), end))
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] = (items[-1][0], end)
        elif items:
            yield items
            items = []
        position = end + 1
    if items:
        yield items
