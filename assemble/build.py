"""Build a contract end to end: the stages compute in memory, then files and lock are written
together, and the history keeps what the lock names."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from . import names
from .files import check_targets, write_files
from .library import Library
from .lock import version_lock
from .project import DRAFT, Outputs, Project
from .stages import compose_version, prepare_draft, render
from .temporaries import clean_stale_temporaries, private_folder


def build_contract(
    project: Project, contract_id: str, library: Library | None = None, *, latest: bool = False
) -> Outputs:
    """Build the draft's three files and rewrite its lock; all written together or none."""
    folder = project.build / contract_id
    scope = project.draft_scope(contract_id)
    check_targets([*Outputs.of(folder, contract_id).paths(), project.lock_path(contract_id)], scope)
    clean_stale_temporaries(folder)
    prepared = prepare_draft(project, contract_id, library, latest=latest)
    prepared.publish(project.history)
    files = prepared.rendered.files(folder, contract_id)
    files[project.lock_path(contract_id)] = prepared.lock.to_json().encode("utf-8")
    write_files(files, scope)
    return Outputs.of(folder, contract_id)


def rebuild_version(project: Project, contract_id: str, version: str) -> tuple[Outputs, list[str]]:
    """Rebuild a recorded version from its lock alone; return the files that differ from it."""
    scope = project.build_scope(contract_id)
    folder = project.build / contract_id / names.version_name(version)
    check_targets(Outputs.of(folder, contract_id).paths(), scope)
    _, doc, lock = compose_version(project, contract_id, version)
    with private_folder("modeles") as tmp:
        for name, digest in lock.modeles.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)  # fonts/ for the PDF's typeface
            shutil.copyfile(project.history.blob(digest, Path(name).suffix), target)
        rendered = render(doc, tmp)
    write_files(rendered.files(folder, contract_id), scope)
    hashes = rendered.hashes()
    differ = [kind for kind, digest in lock.sorties.items() if hashes.get(kind) != digest]
    return Outputs.of(folder, contract_id), differ


def record_version(project: Project, contract_id: str, statut: str = "enregistre") -> str:
    """Build the draft and record it as the next version (v1, v2…); return its name."""
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
