"""The review report: article by article, each change, who made it, what produced the text and
what to do; in Markdown, in a self-contained HTML page, and as a terminal summary."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

from ..compose.document import Article
from ..text.french import date_fr
from .returned import Comment
from .review import Review
from .trace import Trace
from .values import plain

_STYLE = (
    "body{font-family:Georgia,serif;max-width:52em;margin:2em auto;line-height:1.45;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
    "li{margin:.6em 0}del{color:#a00}ins{color:#060}code{background:#f3f3f3;padding:0 .2em}"
    ".quoi{color:#555}.action{font-weight:bold}"
)


@dataclass(frozen=True)
class Item:
    """One entry of the report: a headline and its details (label, text)."""

    headline: str
    old: str
    new: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


def sections(review: Review, root: Path) -> list[Section]:
    """The report's sections: one per article changed or commented, then what is not placed."""
    found = []
    for article, traces, comments in review.articles():
        items = [_change(t, root) for t in traces] + [_comment(c) for c in comments]
        found.append(Section(_title(article), tuple(items)))
    unplaced = [_change(t, root) for t in review.unplaced()]
    unplaced += [_comment(c) for c in review.unplaced_comments()]
    if unplaced:
        found.append(Section("Non placées", tuple(unplaced)))
    return found


def _title(article: Article) -> str:
    label = plain(article.label)
    heading = plain(article.heading)
    return f"{label} – {heading}" if label else heading


def _change(trace: Trace, root: Path) -> Item:
    change = trace.change
    who = (
        f"suivie, {change.author}{_when(change.date)}"
        if change.tracked
        else "faite sans suivi des modifications"
    )
    details: list[tuple[str, str]] = [("Nature", f"{change.kind} ({who})")]
    where = change.place.describe()
    if where:
        details.append(("Lieu", where))
    if not trace.placed:
        details.append(
            ("Action", "à examiner à la main : le passage n'est rattaché à aucun article")
        )
    elif trace.value is not None:
        details.append(("Origine", f"donnée {trace.value.field} ({_at(trace, root)})"))
        details.append(("Action", _data_action(trace)))
    else:
        article = trace.article
        assert article is not None
        variant = f", variante « {article.variant} »" if article.variant else ""
        origin = f"clause {article.clause_id} v{article.version}{variant} ({_at(trace, root)})"
        details.append(("Origine", origin))
        details.append(
            (
                "Action",
                "adopter une stipulation propre au contrat "
                f"(contracts/<id>/clauses/{article.clause_id}.md) ; ou proposer une nouvelle "
                f"version de la clause de bibliothèque {article.clause_id}",
            )
        )
    return Item(change.kind, plain(change.old), plain(change.new), tuple(details))


def _data_action(trace: Trace) -> str:
    assert trace.value is not None
    if trace.new_value is None:
        return (
            f"modifier la donnée {trace.value.field} : « {plain(trace.printed)} » ne se lit pas "
            "comme une valeur de ce type, à saisir à la main"
        )
    return (
        f"modifier la donnée {trace.value.field} (nouvelle valeur : {_shown(trace.new_value)}, "
        f"imprimée « {plain(trace.printed)} » ; ancienne : {_shown(trace.value.value)})"
    )


def _shown(value: object) -> str:
    return date_fr(value).replace("\u00a0", " ") if isinstance(value, dt.date) else str(value)


def _at(trace: Trace, root: Path) -> str:
    if trace.path is None:
        return "lieu inconnu"
    try:
        path = trace.path.relative_to(root)
    except ValueError:
        path = trace.path
    return f"{path}:{trace.line}" if trace.line else str(path)


def _comment(comment: Comment) -> Item:
    details = [("Commentaire", f"{comment.author}{_when(comment.date)} : {comment.text}")]
    if comment.anchor:
        details.append(("Sur le passage", f"« {plain(comment.anchor)} »"))
    where = comment.place.describe()
    if where:
        details.append(("Lieu", where))
    return Item("commentaire", "", "", tuple(details))


def _when(date: str | None) -> str:
    if not date:
        return ""
    try:
        return ", le " + date_fr(dt.date.fromisoformat(date[:10])).replace("\u00a0", " ")
    except ValueError:
        return f", le {date}"


def _header(review: Review, today: dt.date) -> list[str]:
    data = len(review.data_changes())
    text = len(review.traces) - data - len(review.unplaced())
    return [
        f"Contrat {review.contract_id}, version {review.version} ; fichier "
        f"{review.file.name} ; revue du {date_fr(today).replace(chr(0xA0), ' ')}.",
        f"{len(review.traces)} modification(s) : {data} de données, {text} de texte de clause, "
        f"{len(review.unplaced())} non placée(s) ; {len(review.comments)} commentaire(s).",
    ]


def markdown(review: Review, root: Path, today: dt.date) -> str:
    lines = ["# Revue du document retourné", "", *_header(review, today), ""]
    if review.empty:
        lines += ["Aucune modification ni aucun commentaire : le document est revenu tel quel.", ""]
    for section in sections(review, root):
        lines += [f"## {section.title}", ""]
        for item in section.items:
            change = ""
            if item.old or item.new:
                change = f" : ~~{item.old or '∅'}~~ → **{item.new or '∅'}**"
            lines.append(f"- **{item.headline}**{change}")
            lines += [f"  - {label} : {text}" for label, text in item.details]
        lines.append("")
    return "\n".join(lines)


def page(review: Review, root: Path, today: dt.date) -> str:
    """The report as one HTML page, with its style inside: it opens anywhere."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Revue – {e(review.contract_id)}</title><style>{_STYLE}</style></head><body>",
        "<h1>Revue du document retourné</h1>",
        *(f"<p>{e(line)}</p>" for line in _header(review, today)),
    ]
    if review.empty:
        parts.append(
            "<p>Aucune modification ni aucun commentaire : le document est revenu tel quel.</p>"
        )
    for section in sections(review, root):
        parts += [f"<h2>{e(section.title)}</h2>", "<ul>"]
        for item in section.items:
            change = ""
            if item.old or item.new:
                change = f" : <del>{e(item.old)}</del> → <ins>{e(item.new)}</ins>"
            rows = "".join(
                f'<br><span class="{"action" if label == "Action" else "quoi"}">'
                f"{e(label)} : {e(text)}</span>"
                for label, text in item.details
            )
            parts.append(f"<li><b>{e(item.headline)}</b>{change}{rows}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def summary(review: Review, root: Path, today: dt.date) -> list[str]:
    """A few lines for the terminal: the counts, then one line per article."""
    lines = _header(review, today)
    if review.empty:
        return [
            *lines,
            "aucune modification ni aucun commentaire : le document est revenu tel quel.",
        ]
    for section in sections(review, root):
        kinds = [i.headline for i in section.items]
        lines.append(f"  {section.title} : {len(kinds)} ({', '.join(dict.fromkeys(kinds))})")
    return lines
