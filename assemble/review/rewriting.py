"""The accepted changes of a clause's text, made in the clause's source: the text of the
contract-specific stipulation that `--appliquer` writes (docs/revue.md).

A change is made where the words it touches were written: the composer's spans give the clause
line of each character of the article (compose/spans.py), and the words removed, with the words
around them, must stand literally on those lines of the clause's source — outside every Jinja tag
and within the variant block the contract uses — exactly once; a paragraph deleted whole goes
with its own line. The data bindings (`{{ … }}`), conditions and loops are kept as they are. A
change that straddles an expression, a loop or a variant boundary is not guessed: it is left to
the drafter with the clause's file and line, and nothing is written for its article (all or
nothing per article).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..compose.document import Article
from ..compose.filters import escape_markdown
from ..compose.provenance import MASK, masked
from ..library.clauses import Clause, Library
from ..text.french import date_fr
from .review import Review
from .trace import Trace, in_markdown
from .values import plain

# Context around the words removed, tried longest first; one character at least on each side
# the article has, so that words printed by an expression never match the same words written
# literally elsewhere on the line.
_CONTEXT = (32, 16, 8, 4, 1)


@dataclass(frozen=True)
class Rewrite:
    """An article's clause source with its accepted changes made: a stipulation's text."""

    clause_id: str
    body: str
    motif: str
    source: Clause  # the clause (or stipulation) the sent version used
    traces: tuple[Trace, ...]


@dataclass(frozen=True)
class Manual:
    """A change of a clause's text left to the drafter, and why."""

    trace: Trace
    why: str
    path: Path | None
    line: int | None

    def where(self, root: Path) -> str:
        if self.path is None:
            return ""
        path = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        return f"{path}:{self.line}" if self.line else str(path)


@dataclass(frozen=True)
class _Edit:
    start: int  # in the clause's body
    end: int
    text: str


class _Refused(Exception):
    def __init__(self, why: str, line: int | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.line = line


def rewrites(
    review: Review, library: Library, today: dt.date
) -> tuple[list[Rewrite], list[Manual]]:
    """For each article whose clause text the returned file changes: its clause source with
    every change made, or, if one change cannot be made literally, every change of that article
    left to the drafter."""
    done: list[Rewrite] = []
    manual: list[Manual] = []
    for article, traces, _ in review.articles():
        text = [t for t in traces if not t.data]
        if not text:
            continue
        clause = _clause(library, article)
        edits: list[_Edit] = []
        refused: list[Manual] = []
        for trace in text:
            try:
                if clause is None:
                    raise _Refused("la clause de cet article n'est pas dans la version envoyée")
                edits.append(_edit(article, clause, trace))
            except _Refused as exc:
                line = exc.line if exc.line is not None else trace.line
                path = clause.path if clause is not None else trace.path
                refused.append(Manual(trace, exc.why, path, line))
        if not refused and clause is not None:
            overlap = _overlap(edits)
            if overlap is not None:
                refused.append(
                    Manual(text[overlap], "deux modifications du même passage", clause.path, None)
                )
        if refused or clause is None:
            failed = {id(m.trace) for m in refused}
            why = "article non modifié : une autre de ses modifications est à reprendre à la main"
            manual += refused
            manual += [Manual(t, why, t.path, t.line) for t in text if id(t) not in failed]
            continue
        body = clause.body
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            body = body[: edit.start] + edit.text + body[edit.end :]
        done.append(Rewrite(clause.id, body, motif(text, today), clause, tuple(text)))
    return done, manual


def motif(traces: list[Trace], today: dt.date) -> str:
    """« Modification demandée par <auteur> le <date> (revue du <date>) »."""
    asked: list[str] = []
    for trace in traces:
        change = trace.change
        if change.author is None:
            who = "modification faite sans suivi dans le fichier retourné"
        else:
            when = _date(change.date)
            who = f"par {change.author}" + (f" le {when}" if when else "")
        if who not in asked:
            asked.append(who)
    tracked = [a for a in asked if a.startswith("par ")]
    untracked = [a for a in asked if not a.startswith("par ")]
    parts = []
    if tracked:
        parts.append("Modification demandée " + " et ".join(tracked))
    if untracked:
        parts.append(untracked[0] if tracked else untracked[0].capitalize())
    review = date_fr(today).replace("\u00a0", " ")
    return " ; ".join(parts) + f" (revue du {review})"


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return date_fr(dt.date.fromisoformat(iso[:10])).replace("\u00a0", " ")
    except ValueError:
        return iso


def _overlap(edits: list[_Edit]) -> int | None:
    """The index of an edit that overlaps another one, if any."""
    ordered = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if edits[after].start < edits[before].end or (edits[after].start == edits[before].start):
            return after
    return None


def _clause(library: Library, article: Article) -> Clause | None:
    try:
        return library.clause(article.clause_id)
    except KeyError:
        return None


def _edit(article: Article, clause: Clause, trace: Trace) -> _Edit:
    """Where in the clause's body the change is made, and the text it puts there."""
    change = trace.change
    if clause.repeter is not None:
        raise _Refused("article répété (un par élément) : une stipulation n'en remplace pas un")
    if change.place.heading or change.place.table is not None:
        raise _Refused("intitulé ou tableau : à reporter dans la clause à la main")
    deleted = change.kind == "paragraphe supprimé"
    if change.whole and not deleted:
        raise _Refused(f"{change.kind} : à reporter dans la clause à la main")
    change = change if deleted else change.narrowed()
    markdown = article.body
    if not article.traced():
        raise _Refused("le texte de cet article n'a pas de provenance")
    found = in_markdown(markdown, change.text, change.start, change.end)
    if found is None:
        raise _Refused("passage introuvable dans le texte composé de l'article")
    start, end = found
    if deleted and not _whole_paragraph(markdown, start, end):
        raise _Refused("paragraphe écrit avec d'autres dans la clause : à supprimer à la main")
    around = range(max(start - 1, 0), min(end + 1, len(markdown))) if start == end else None
    origins = [article.origin_at(i) for i in (around or range(start, end))]
    if any(o is None or o.from_data for o in origins):
        raise _Refused("le passage touche une donnée du contrat et le texte de la clause")
    lines = {o.line for o in origins if o is not None and o.line is not None}
    if any(o is not None and o.path != clause.path for o in origins):
        raise _Refused("le passage ne vient pas de cette clause")
    first = min(lines) if lines else None
    source = _searchable(clause, article.variant)
    at = _literal(source, markdown, start, end, clause.body_line, lines)
    if at is None:
        raise _Refused(
            "les mots modifiés ne sont pas écrits tels quels dans la clause : une expression, "
            "une boucle ou une variante les produit",
            first,
        )
    if deleted:
        if not _whole_paragraph(clause.body, at, at + (end - start)):
            raise _Refused("paragraphe écrit avec d'autres dans la clause : à supprimer à la main")
        return _Edit(at, at + (end - start) + 1, "")  # its line, newline included
    if any(brace in change.new for brace in "{}"):  # never template code from a returned file
        raise _Refused("le texte proposé contient des accolades : à reporter à la main", first)
    return _Edit(at, at + (end - start), _written(change.new))


def _whole_paragraph(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is lines of their own, beginning after a blank line."""
    before = start == 0 or text[max(start - 2, 0) : start] == "\n\n"
    return before and text[end : end + 1] in ("", "\n") and "\n\n" not in text[start:end]


def _searchable(clause: Clause, variant: str | None) -> str:
    """The clause's body with its Jinja tags and the lines of the variants not used masked,
    every character kept in place."""
    lines = masked(clause.body).split("\n")
    for block in clause.blocks:
        keep = block.name == variant
        for index in range(block.start, block.end + 1):
            if not keep or index in (block.start, block.end):
                lines[index] = MASK * len(lines[index])
    return "\n".join(lines)


def _literal(
    source: str, markdown: str, start: int, end: int, body_line: int, lines: set[int]
) -> int | None:
    """The one place of `source` where markdown[start:end] stands with the words around it,
    on one of `lines` (of the file); None when there is none, or more than one."""
    old = markdown[start:end]
    sizes = sorted(
        {
            (min(left, start), min(right, len(markdown) - end))
            for left in _CONTEXT
            for right in _CONTEXT
        },
        key=lambda s: -(s[0] + s[1]),
    )
    for left, right in sizes:
        pattern = markdown[start - left : start] + old + markdown[end : end + right]
        if not pattern.strip():
            continue
        places = _occurrences(source, pattern)
        if not places:
            continue
        if len(places) > 1:
            return None
        at = places[0] + left
        line = body_line + source.count("\n", 0, at)
        return at if line in lines or not lines else None
    return None


def _occurrences(text: str, pattern: str) -> list[int]:
    found = []
    at = text.find(pattern)
    while at >= 0:
        found.append(at)
        at = text.find(pattern, at + 1)
    return found


def _written(new: str) -> str:
    """Words typed in Word as clause source: typographic spaces and apostrophes as typed (the
    typography filter puts them back), Markdown characters escaped (braces are refused before)."""
    text = plain(new)
    inner = text.strip()
    if not inner:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return lead + escape_markdown(inner) + trail
