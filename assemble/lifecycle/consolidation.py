"""The consolidated version an avenant leads to: which acts it integrates, which articles they
amended. The marking itself (mention, headings, no signature page) is compose/consolidated.py."""

from __future__ import annotations

import datetime as dt

from ..compose.document import Act, Amendment, Consolidation
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
) -> Consolidation:
    """The version in force's consolidation carried one avenant further (`pending`)."""
    assert pending.avenant is not None
    amended = in_force.consolidation.amendments() if in_force.consolidation else {}
    for change in (*changes.articles, *changes.annexes):
        if change.kind == "suppression" and change.before is not None:
            amended.pop(change.before.key, None)
        elif change.after is not None:
            done = Amendment(pending.avenant, change.kind)
            amended[change.after.key] = (*amended.get(change.after.key, ()), done)
    return Consolidation(
        date=pending.date_effet,
        actes=(*signed, pending),
        articles=tuple(sorted(amended.items())),
    )
