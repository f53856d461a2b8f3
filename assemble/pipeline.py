"""The writes: a contract's files and lock, an avenant and its consolidated contract, a redline,
an upgrade, the schema. The stages compute in memory (stages.py, avenant.py, redline.py); here
their results are written together or not at all, after the history keeps what the locks name."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .contract.files import SCHEMA_FILE
from .core import names
from .core.files import check_targets, write_files
from .core.scope import Scope
from .core.temporaries import clean_stale_temporaries, private_folder
from .project import DRAFT, Outputs, Project

if TYPE_CHECKING:  # the avenant, the redline and the schema are imported by their commands
    from .library.clauses import Clause, Library
    from .lifecycle.avenant import AvenantDraft
    from .lifecycle.partial_upgrade import ClauseUpgrade
    from .lifecycle.redline import Summary
    from .lifecycle.versions import ArticleUpgrade
    from .review.outputs import ReviewOutputs
    from .review.review import Review


def build_contract(
    project: Project,
    contract_id: str,
    library: Library | None = None,
    *,
    latest: bool = False,
    upgrade: frozenset[str] = frozenset(),
) -> Outputs:
    """Build the draft's three files and rewrite its lock; all written together or none."""
    from .lifecycle.stages import prepare_draft

    folder = project.build / contract_id
    scope = project.draft_scope(contract_id)
    check_targets([*Outputs.of(folder, contract_id).paths(), project.lock_path(contract_id)], scope)
    clean_stale_temporaries(folder)
    prepared = prepare_draft(project, contract_id, library, latest=latest, upgrade=upgrade)
    prepared.publish(project.history)
    files = prepared.rendered.files(folder, contract_id)
    files[project.lock_path(contract_id)] = prepared.lock.to_json().encode("utf-8")
    write_files(files, scope)
    return Outputs.of(folder, contract_id)


def rebuild_version(project: Project, contract_id: str, version: str) -> tuple[Outputs, list[str]]:
    """Rebuild a recorded version from its lock alone; return the files that differ from it."""
    from .compose.consolidated import consolidate
    from .lifecycle.stages import compose_version, render

    scope = project.build_scope(contract_id)
    folder = project.build / contract_id / names.version_name(version)
    check_targets(Outputs.of(folder, contract_id).paths(), scope)
    _, doc, lock = compose_version(project, contract_id, version)
    if lock.consolidation is not None:
        doc = consolidate(doc, lock.consolidation)
    with private_folder("modeles") as tmp:
        for name, digest in lock.modeles.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)  # fonts/ for the PDF's typeface
            shutil.copyfile(project.history.blob(digest, Path(name).suffix), target)
        rendered = render(doc, tmp, project.cache, lock.fingerprint())
    write_files(rendered.files(folder, contract_id), scope)
    hashes = rendered.hashes()
    differ = [kind for kind, digest in lock.sorties.items() if hashes.get(kind) != digest]
    return Outputs.of(folder, contract_id), differ


def record_version(project: Project, contract_id: str, statut: str = "enregistre") -> str:
    """Build the draft and record it as the next version (v1, v2…); return its name."""
    from .lifecycle.lock import version_lock

    build_contract(project, contract_id)
    draft = version_lock(project, contract_id, DRAFT)
    numbers = [names.version_number(v) for v in project.recorded_versions(contract_id)]
    name = f"v{max(numbers, default=0) + 1}"
    recorded = dataclasses.replace(draft, version=name, statut=statut)
    write_files(
        {project.version_lock_path(contract_id, name): recorded.to_json().encode()},
        project.versions_scope(contract_id),
    )
    return name


def build_avenant(
    project: Project, contract_id: str, upgrade: frozenset[str] = frozenset()
) -> AvenantDraft | None:
    """Write the avenant and the consolidated contract; nothing when nothing changed."""
    from .lifecycle.avenant import avenant_folder, prepare_avenant

    draft = prepare_avenant(project, contract_id, upgrade=upgrade)
    if draft is None:
        return None
    stem = f"{contract_id}-avenant-{draft.number}"
    files = draft.rendered.files(avenant_folder(project, contract_id, draft.number), stem)
    draft.publish(project.history)
    consolidated = draft.consolidated
    files.update(consolidated.rendered.files(project.build / contract_id, contract_id))
    files[project.lock_path(contract_id)] = consolidated.lock.to_json().encode("utf-8")
    write_files(files, project.draft_scope(contract_id))
    return draft


def build_everything(
    project: Project, contract_id: str, written: list[Path] | None = None
) -> list[str]:
    """What `make contracts` does for one contract: the draft, or its pending avenant and the
    consolidated contract it leads to, and the redline since the signed version. Returns what
    was built, for the progress report; adds the files written to `written`."""
    from .lifecycle.avenant import avenant_folder, avenant_path, pending_number
    from .lifecycle.avenant_checks import check_sequence

    built = [contract_id]
    paths: list[Path] = [project.lock_path(contract_id)]
    signed = project.archived_versions(contract_id)
    pending = (
        avenant_path(project, contract_id, pending_number(project, contract_id)) if signed else None
    )
    if pending is not None:  # a misnumbered avenant file is an error, not silently ignored
        check_sequence(pending.parent, pending_number(project, contract_id))
    draft = build_avenant(project, contract_id) if pending and pending.is_file() else None
    if draft is None:
        paths += build_contract(project, contract_id).paths()
    else:
        built.append(f"{contract_id} avenant n° {draft.number}")
        folder = avenant_folder(project, contract_id, draft.number)
        paths += Outputs.of(folder, f"{contract_id}-avenant-{draft.number}").paths()
        paths += Outputs.of(project.build / contract_id, contract_id).paths()
    if signed:
        redline, _ = build_redline(project, contract_id, signed[-1], "projet")
        built.append(f"{contract_id} {redline[0].name}")
        paths += redline
    if written is not None:
        written += paths
    return built


def build_stamped(project: Project, contract_id: str, fingerprint: str) -> list[str]:
    """`build_everything`, then the stamp that lets the next batch skip the contract while
    nothing it read or wrote changes (lifecycle/freshness.py). Inputs are hashed before the
    build: a file edited meanwhile makes the next batch rebuild, never skip."""
    from .lifecycle.freshness import Sources, make_stamp, stamp_path

    sources = Sources(project.root)
    before = sources.inputs(project, contract_id)
    library = sources.library()
    written: list[Path] = []
    built = build_everything(project, contract_id, written)
    stamp = make_stamp(project, contract_id, fingerprint, before, library, written)
    write_files(
        {stamp_path(project, contract_id): stamp.to_json().encode("utf-8")},
        project.build_scope(contract_id),
    )
    return built


def upgrade_contract(project: Project, contract_id: str) -> list[ArticleUpgrade]:
    """Move a draft to the latest clause versions, rebuild it, and say which articles changed."""
    from .library.clauses import load_library
    from .lifecycle.stages import assemble
    from .lifecycle.versions import compare_articles

    library = load_library(project.clauses)
    _, before = assemble(project, contract_id, library, retired=True)
    _, after = assemble(project, contract_id, library, latest=True)
    changes = compare_articles(before, after)
    build_contract(project, contract_id, library, latest=True)
    return changes


def upgrade_clauses(
    project: Project, contract_id: str, clauses: list[str]
) -> tuple[list[ClauseUpgrade], list[ArticleUpgrade]]:
    """Move some clauses of a draft to their latest version and rebuild: the pending avenant
    and its consolidated contract when there is one, the draft otherwise. Returns the clauses
    moved and the articles that change (a clause's version may bring in or remove others)."""
    from .library.clauses import load_library
    from .lifecycle.avenant import avenant_path, pending_number
    from .lifecycle.partial_upgrade import planned_upgrade
    from .lifecycle.stages import assemble
    from .lifecycle.versions import compare_articles

    library = load_library(project.clauses)
    planned = [planned_upgrade(project, contract_id, c, library) for c in dict.fromkeys(clauses)]
    upgrade = frozenset(clauses)
    _, before = assemble(project, contract_id, library)
    _, after = assemble(project, contract_id, library, upgrade=upgrade)
    articles = compare_articles(before, after)
    signed = project.archived_versions(contract_id)
    number = pending_number(project, contract_id) if signed else 0
    pending = signed and avenant_path(project, contract_id, number).is_file()
    if pending and build_avenant(project, contract_id, upgrade=upgrade) is not None:
        return planned, articles
    build_contract(project, contract_id, library, upgrade=upgrade)
    return planned, articles


def build_redline(
    project: Project,
    contract_id: str,
    before: str,
    after: str,
    author: str | None = None,
    date: dt.datetime | None = None,
    pdf: bool = False,
) -> tuple[list[Path], Summary]:
    """Write build/<id>/redline-<from>-<to>.docx (and .pdf): tracked changes from one to the
    other."""
    from .lifecycle.redline import redline_files

    files, summary = redline_files(project, contract_id, before, after, author, date, pdf)
    write_files(files, project.build_scope(contract_id))
    return list(files), summary


def write_review(
    project: Project, contract_id: str, returned: Path, today: dt.date, apply: bool = False
) -> tuple[Review, ReviewOutputs]:
    """Write build/<id>/revue-<date>.md and .html; with `apply`, the data changes in the
    contract's contract.yaml too (all or nothing)."""
    from .contract.files import CONTRACT_FILE
    from .review.outputs import review_outputs
    from .review.review import review_file

    review = review_file(project, contract_id, returned)
    outputs = review_outputs(project, review, today, apply)
    scope = project.build_scope(contract_id)
    if apply:
        scope += Scope.file(
            project.root, "contracts", names.contract_id(contract_id), CONTRACT_FILE
        )
        scope += project.stipulations_scope(contract_id)
        outputs = _with_stipulations(project, review, outputs, today)
    write_files(outputs.files, scope)
    return review, outputs


def _with_stipulations(
    project: Project, review: Review, outputs: ReviewOutputs, today: dt.date
) -> ReviewOutputs:
    """The review's outputs with a stipulation for each article whose text changes could all
    be made in its clause's source; the others left to the drafter."""
    from .review.rewriting import rewrites

    if review.library is None or not outputs.text:
        return outputs
    done, manual = rewrites(review, review.library, today)
    files = dict(outputs.files)
    written = []
    for rewrite in done:
        path, text = stipulation_file(
            project,
            review.contract_id,
            rewrite.clause_id,
            rewrite.body,
            rewrite.motif,
            rewrite.source,
        )
        files[path] = text.encode("utf-8")
        written.append(path)
    return dataclasses.replace(
        outputs, files=files, stipulations=tuple(written), manual=tuple(manual)
    )


def write_schema(contracts: Path) -> Path:
    from .contract.schema import schema_text

    path = contracts / SCHEMA_FILE
    write_files({path: schema_text().encode("utf-8")}, Scope.file(contracts, SCHEMA_FILE))
    return path


def write_stipulation(
    project: Project, contract_id: str, clause_id: str, body_markdown: str, motif: str
) -> Path:
    """Write `body_markdown` as the text of an article proper to one contract: its stipulation
    (contracts/<id>/clauses/), at its next version when it has one, else a new stipulation that
    replaces the library clause `clause_id` for this contract. Checked before it is written;
    returns the file written."""
    target, text = stipulation_file(project, contract_id, clause_id, body_markdown, motif)
    write_files({target: text.encode("utf-8")}, project.stipulations_scope(contract_id))
    return target


def stipulation_file(
    project: Project,
    contract_id: str,
    clause_id: str,
    body_markdown: str,
    motif: str,
    source: Clause | None = None,
) -> tuple[Path, str]:
    """The file `write_stipulation` writes and its text, checked, nothing written. With
    `source` (the clause a reviewed version used), `body_markdown` is that clause's template
    edited, kept live; a stipulation changed since that version is refused."""
    from .core.errors import CpomError
    from .library.clauses import load_library
    from .library.stipulations import load_stipulations, stipulation_base, stipulation_text

    clause_id = names.clause_id(clause_id)
    project.contract_folder(contract_id)  # a contract that exists
    folder = project.stipulations(contract_id)
    library = load_library(project.clauses)
    base = stipulation_base(library, load_stipulations(folder, contract_id, library), clause_id)
    target = base.path if base.contract else folder / f"{clause_id}.md"
    if not motif.strip():
        raise CpomError.one(
            "clause.motif", "une stipulation écrite depuis un texte accepté dit pourquoi", target
        )
    if not base.contract and target.exists():
        raise CpomError.one(
            "stipulation.file-taken", f"{target.name} porte une autre stipulation", target, 1
        )
    if (
        source is not None
        and base.contract
        and (base.version, base.body)
        != (
            source.version,
            source.body,
        )
    ):
        raise CpomError.one(
            "review.stipulation-stale",
            f"la stipulation « {clause_id} » est en version {base.version} ; la version "
            f"relue avait {f'sa version {source.version}' if source.contract else 'la clause'}",
            target,
            base.header_lines.line_of(("version",)),
        )
    published = project.history.versions(clause_id, contract_id)
    version = max([*published, base.version if base.contract else 0]) + 1
    text = stipulation_text(base, version, body_markdown, motif, source)
    with private_folder("stipulation") as tmp:  # the folder as it will be, checked first
        copy = tmp / "clauses"
        if folder.is_dir():
            shutil.copytree(folder, copy)
        checked = copy / target.relative_to(folder)
        checked.parent.mkdir(parents=True, exist_ok=True)
        checked.write_text(text, encoding="utf-8")
        try:
            load_stipulations(copy, contract_id, library)
        except CpomError as exc:  # located in the file it would have written
            raise CpomError(
                dataclasses.replace(p, path=target) if p.path == checked else p
                for p in exc.problems
            ) from None
    return target, text
