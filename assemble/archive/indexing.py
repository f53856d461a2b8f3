"""`make index`: inscribe in a contract's index the versions it lacks, touching nothing else."""

from __future__ import annotations

import os

from ..core.errors import CpomError, UsageError
from ..core.files import write_error
from ..lifecycle.manifest import MANIFEST
from ..project import Project
from .index import INDEX, entry_for, line_bytes
from .staging import (
    check_archive_targets,
    failed_at,
    locked_folder,
    staging_folder,
    sync_folder,
    write_archived_file,
)
from .verify import verify_contract


def index_versions(project: Project, contract_id: str) -> list[str]:
    """Inscribe in the index the versions it lacks, after checking them; touch nothing else.

    For an archive written before the index existed, or a version whose archiving was killed
    between its two renames. A version that does not verify is refused, and so is an index
    that git knew (a deleted or rewritten index is restored, never recreated).
    """
    folder = project.archive / contract_id
    if not folder.is_dir() or folder.is_symlink():
        raise UsageError.one(
            "usage.contract",
            f"aucune version archivée du contrat « {contract_id} »",
            folder,
            hint="make index C=<id> ne concerne que les contrats déjà archivés",
        )
    with locked_folder(folder):
        reports, problems = verify_contract(project, contract_id)
        repairable = ("archive.index-missing", "archive.unindexed")
        blocking = [p for p in problems if p.severity == "erreur" and p.code not in repairable]
        if blocking:
            raise CpomError(blocking)
        index = folder / INDEX
        lines = index.read_bytes().splitlines(keepends=True) if index.is_file() else []
        added = []
        for report in reports[len(lines) :]:
            assert report.manifest is not None  # a version without one is a blocking error
            data = (folder / report.version / MANIFEST).read_bytes()
            lines.append(line_bytes(entry_for(report.manifest, data, lines[-1] if lines else None)))
            added.append(report.version)
        if added:
            _write_index(project, contract_id, b"".join(lines), added[-1])
    return added


def _write_index(project: Project, contract_id: str, content: bytes, version: str) -> None:
    """Replace a contract's index through the staging area (for `cpom index`)."""
    contract_folder = project.archive / contract_id
    check_archive_targets(project.archive, contract_folder / INDEX)
    try:
        with staging_folder(project.archive, contract_id, version) as pending:
            write_archived_file(pending / INDEX, content)
            os.replace(pending / INDEX, contract_folder / INDEX)
            sync_folder(contract_folder)
    except OSError as exc:
        raise write_error(exc, failed_at(exc, project.archive, contract_folder / INDEX)) from None
