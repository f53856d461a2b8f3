"""Clause versions across contracts: status, impact of a clause, history, upgrade of a draft."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..compose.document import Document
from ..core.errors import CpomError
from ..library.clauses import Library
from ..library.stipulations import load_stipulations
from ..project import Project
from .article_diff import diff_documents
from .lock import Lock, draft_lock, version_lock

STATE_LABELS = {"projet": "projet", "enregistre": "enregistrée", "signe": "signée"}
OWN = "propre au contrat"  # how status names a contract's own stipulation


@dataclass(frozen=True)
class ClauseUse:
    clause: str
    version: int
    latest: int | None  # None: the clause has left the library (or the contract's folder)
    own: bool = False  # a stipulation proper to the contract; `latest`: its file's version

    @property
    def outdated(self) -> bool:
        return self.latest is None or self.version < self.latest

    @property
    def shown(self) -> str:
        """« v2 », « v1 (propre au contrat) »."""
        return f"v{self.version}{f' ({OWN})' if self.own else ''}"


@dataclass(frozen=True)
class VersionStatus:
    contract: str
    version: str
    statut: str
    uses: tuple[ClauseUse, ...]

    @property
    def outdated(self) -> tuple[ClauseUse, ...]:
        return tuple(u for u in self.uses if u.outdated)


@dataclass(frozen=True)
class ArticleUpgrade:
    """How one article of a draft changes when it moves to the latest clause versions."""

    label: str
    clause: str  # « a → b » when clause b took the place of clause a (numbering.py)
    before: int | None  # None: the article is new
    after: int | None  # None: the article disappears
    text_changed: bool


def collect_status(project: Project, library: Library) -> list[VersionStatus]:
    """Every contract version with a lock, and the clause versions it uses."""
    latest = {c.id: c.version for c in library.clauses}
    statuses = []
    for contract_id in project.contract_ids():
        folder = project.stipulations(contract_id)
        own = {c.id: c.version for c in load_stipulations(folder, contract_id, library)}
        locks: list[Lock] = []
        draft = draft_lock(project, contract_id)
        if draft is not None:
            locks.append(draft)
        locks += [
            version_lock(project, contract_id, v) for v in project.recorded_versions(contract_id)
        ]
        for lock in locks:
            stipulations = lock.stipulations()
            uses = tuple(
                ClauseUse(clause, version, own.get(clause), True)
                if clause in stipulations
                else ClauseUse(clause, version, latest.get(clause))
                for clause, version in lock.clause_versions().items()
            )
            statuses.append(VersionStatus(contract_id, lock.version, lock.statut, uses))
    return statuses


def clause_usage(statuses: list[VersionStatus], clause_id: str) -> list[tuple[VersionStatus, int]]:
    """Which contract versions use a clause, and in which version."""
    return [
        (status, use.version)
        for status in statuses
        for use in status.uses
        if use.clause == clause_id
    ]


def clause_history(project: Project, library: Library, clause_id: str) -> list[tuple[int, str]]:
    """Each published version of a clause with its reason, oldest first."""
    history = project.history
    versions = history.versions(clause_id)
    current = next((c for c in library.clauses if c.id == clause_id), None)
    if not versions and current is None:
        raise CpomError.one(
            "usage.clause",
            f"clause « {clause_id} » inconnue",
            project.clauses,
            hint="donnez l'identifiant (champ id) d'une clause",
        )
    entries = [(v, history.clause(clause_id, v).motif or "création") for v in versions]
    if current is not None and current.version not in versions:
        entries.append((current.version, f"{current.motif or 'création'} (non publiée)"))
    return entries


def compare_articles(before: Document, after: Document) -> list[ArticleUpgrade]:
    """Articles whose clause version or text differ between two compositions (the article
    diff: renumbering alone is no change of text); removed articles last."""
    changes = []
    diffs = diff_documents(before, after)
    for diff in [d for d in diffs if d.kind != "removed"] + [
        d for d in diffs if d.kind == "removed"
    ]:
        if diff.kind == "unchanged" and not diff.version_changed:
            continue
        article = diff.article
        clause = article.clause_id
        if diff.before is not None and diff.before.clause_id != clause:
            clause = f"{diff.before.clause_id} → {clause}"  # a clause took its place
        changes.append(
            ArticleUpgrade(
                article.label,
                clause,
                diff.before.version if diff.before else None,
                diff.after.version if diff.after else None,
                diff.kind != "unchanged",
            )
        )
    return changes


def status_html(statuses: list[VersionStatus], library: Library) -> str:
    """A contracts × clauses matrix, outdated clauses highlighted, for a head of legal."""
    clauses = [c.id for c in library.clauses]
    latest = {c.id: c.version for c in library.clauses}
    extra = sorted({u.clause for s in statuses for u in s.uses} - set(clauses))
    columns = clauses + extra
    head = "".join(f'<th class="clause"><span>{html.escape(c)}</span></th>' for c in columns)
    rows = []
    for status in statuses:
        used = {u.clause: u for u in status.uses}
        cells = []
        for clause in columns:
            use = used.get(clause)
            if use is None:
                cells.append('<td class="absent">·</td>')
            elif use.outdated:
                target = "retirée" if use.latest is None else f"dernière : v{use.latest}"
                kind = "outdated own" if use.own else "outdated"
                cells.append(f'<td class="{kind}" title="{target}">{use.shown}</td>')
            else:
                cells.append(
                    f'<td class="own">{use.shown}</td>' if use.own else f"<td>v{use.version}</td>"
                )
        behind = len(status.outdated)
        summary = f"{behind} en retard" if behind else "à jour"
        rows.append(
            f"<tr><th>{html.escape(status.contract)}</th><td>{html.escape(status.version)}</td>"
            f"<td>{STATE_LABELS.get(status.statut, status.statut)}</td>"
            f'<td class="{"late" if behind else "ok"}">{summary}</td>{"".join(cells)}</tr>'
        )
    owned = {u.clause for s in statuses for u in s.uses if u.own}
    versions = "".join(
        f"<td>v{latest[c]}</td>" if c in latest else f"<td>{OWN if c in owned else '—'}</td>"
        for c in columns
    )
    return _PAGE.format(
        head=head,
        rows="\n".join(rows),
        latest=versions,
        contracts=len({s.contract for s in statuses}),
    )


_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Versions des clauses par contrat</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1f2a44; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #c8ccd6; padding: 0.3rem 0.5rem; text-align: center; }}
th.clause {{ height: 11rem; vertical-align: bottom; white-space: nowrap; }}
th.clause span {{ writing-mode: vertical-rl; transform: rotate(180deg); }}
tbody th {{ text-align: left; white-space: nowrap; }}
td.outdated {{ background: #fde2c5; font-weight: bold; }}
td.late {{ background: #fde2c5; }}
td.ok {{ background: #dff3e4; }}
td.absent {{ color: #b0b5c2; }}
td.own {{ background: #e3e8fb; }}
tfoot td {{ font-style: italic; }}
</style>
</head>
<body>
<h1>Versions des clauses par contrat</h1>
<p>{contracts} contrat(s). Une case orangée signale une clause dont une version plus récente
existe dans la bibliothèque (ou qui en a été retirée) ; une case bleutée, une stipulation
propre au contrat (contracts/&lt;id&gt;/clauses/) ; « · » : clause non utilisée.</p>
<table>
<thead><tr><th>Contrat</th><th>Version</th><th>Statut</th><th>Clauses</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
<tfoot><tr><td colspan="4">Bibliothèque actuelle</td>{latest}</tr></tfoot>
</table>
</body>
</html>
"""
