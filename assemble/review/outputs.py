"""What a review writes: its report in build/<id>/, and with --appliquer the data changes in
contract.yaml (the changes of clause text become contract-specific stipulations, written with
them by pipeline.write_review: review/rewriting.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..contract.files import CONTRACT_FILE
from ..core.limits import DATA_FILE_BYTES
from ..core.reading import read_text
from ..project import Project
from .apply import Edit, apply_edits
from .report import markdown, page, summary
from .review import Review
from .rewriting import Manual
from .trace import Trace


@dataclass(frozen=True)
class ReviewOutputs:
    files: dict[Path, bytes]
    report: tuple[Path, Path]  # the Markdown and the HTML report
    edits: tuple[Edit, ...]  # data changes written to contract.yaml (with --appliquer)
    skipped: tuple[Trace, ...]  # data changes that do not read as a value: by hand
    text: tuple[Trace, ...]  # changes of clause text: stipulations to adopt
    stipulations: tuple[Path, ...] = ()  # with --appliquer: the stipulations written
    manual: tuple[Manual, ...] = ()  # with --appliquer: text changes left to the drafter


def review_outputs(project: Project, review: Review, today: dt.date, apply: bool) -> ReviewOutputs:
    """The report files and, when `apply`, contract.yaml with the data changes made."""
    folder = project.build / review.contract_id
    stem = f"revue-{today.isoformat()}"
    report = (folder / f"{stem}.md", folder / f"{stem}.html")
    files = {
        report[0]: markdown(review, project.root, today).encode("utf-8"),
        report[1]: page(review, project.root, today).encode("utf-8"),
    }
    data = review.data_changes()
    edits = tuple(
        Edit(t.value.loc, t.value.field, t.value.value, t.new_value)
        for t in data
        if t.value is not None and t.new_value is not None
    )
    skipped = tuple(t for t in data if t.new_value is None)
    text = tuple(t for t in review.traces if t.placed and not t.data)
    if apply and edits:
        path = project.contract_folder(review.contract_id) / CONTRACT_FILE
        source = read_text(path, DATA_FILE_BYTES)
        changed = apply_edits(source, path, review.contract_id, list(edits))
        files[path] = changed.encode("utf-8")
    return ReviewOutputs(files, report, edits if apply else (), skipped, text)


def terminal(review: Review, outputs: ReviewOutputs, root: Path, today: dt.date) -> list[str]:
    """What the command prints: the summary, the files written, the data changed."""
    lines = summary(review, root, today)
    for path in outputs.report:
        lines.append(f"écrit {path.relative_to(root) if path.is_relative_to(root) else path}")
    for edit in outputs.edits:
        lines.append(f"contract.yaml : {edit.field} = {edit.new} (vérifiez avec git diff)")
    for trace in outputs.skipped:
        lines.append(f"à reporter à la main : {trace.value.field if trace.value else ''}")
    for path in outputs.stipulations:
        where = path.relative_to(root) if path.is_relative_to(root) else path
        lines.append(f"stipulation propre au contrat : {where} (vérifiez avec git diff)")
    for manual in outputs.manual:
        change = manual.trace.change
        what = f"« {change.old} » → « {change.new} »" if change.old or change.new else change.kind
        lines.append(f"à reprendre à la main : {manual.where(root)} : {what} ({manual.why})")
    if outputs.edits and outputs.text and not (outputs.stipulations or outputs.manual):
        lines.append(
            f"{len(outputs.text)} modification(s) du texte des clauses non appliquée(s) : voir "
            "le rapport (stipulations propres au contrat à adopter)."
        )
    return lines
