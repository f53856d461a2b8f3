"""The consolidated version an avenant leads to: which acts it integrates, which articles they
amended. The marking itself (mention, headings, no signature page) is compose/consolidated.py."""

from __future__ import annotations

import datetime as dt

from ..compose.document import Abrogation, Act, Amendment, Article, Consolidation, Document
from ..core.errors import CpomError, Problem
from ..project import Project
from .changes import Changes
from .lock import Lock
from .manifest import MANIFEST, parse_manifest


def signed_acts(project: Project, contract_id: str, start: dt.date) -> list[Act]:
    """The contract and the avenants archived so far, with their dates, from the manifests;
    `start`: the contract's date d'effet, which the first manifests did not record."""
    acts = []
    for version in project.archived_versions(contract_id):
        path = project.archive / contract_id / version / MANIFEST
        manifest = parse_manifest(path.read_bytes(), path) if path.is_file() else []
        if isinstance(manifest, list):
            raise CpomError(manifest or [Problem("archive.missing", "manifeste absent", path)])
        effet = manifest.date_effet or start
        acts.append(Act(manifest.avenant, manifest.date_signature, effet))
    return acts


def consolidation_after(
    in_force: Lock,
    signed: list[Act],
    pending: Act,
    changes: Changes,
    contract: Document,
) -> Consolidation:
    """The version in force's consolidation carried one avenant further (`pending`);
    `contract`: the contract as in force, where each abrogated article had its place."""
    assert pending.avenant is not None
    amended = in_force.consolidation.amendments() if in_force.consolidation else {}
    abroges = list(in_force.consolidation.abroges) if in_force.consolidation else []
    # The preamble's blocks (the parties) change with the data and an article of the avenant
    # that says so (a rectified SIREN): the consolidated version marks them too.
    for change in (*changes.articles, *changes.annexes, *changes.preambule):
        if change.kind == "suppression" and change.before is not None:
            gone = change.before
            amended.pop(gone.key, None)
            if gone.label:  # a numbered article or an annex keeps its place, marked abrogated
                abroges.append(_abrogation(gone, contract, pending.avenant))
        elif change.after is not None:
            done = Amendment(pending.avenant, change.kind)
            amended[change.after.key] = (*amended.get(change.after.key, ()), done)
    return Consolidation(
        date=pending.date_effet,
        actes=(*signed, pending),
        articles=tuple(sorted(amended.items())),
        abroges=tuple(abroges),
    )


def _abrogation(gone: Article, contract: Document, avenant: int) -> Abrogation:
    """Where the abrogated article stood: its titre and its neighbours there."""
    for titre in contract.titres:
        keys = [a.key for a in titre.articles]
        if gone.key in keys:
            at = keys.index(gone.key)
            after = keys[at - 1] if at > 0 else None
            before = keys[at + 1] if at + 1 < len(keys) else None
            return Abrogation(gone.key, gone.label, gone.heading, avenant, titre.key, after, before)
    return Abrogation(gone.key, gone.label, gone.heading, avenant, "", None, None)
