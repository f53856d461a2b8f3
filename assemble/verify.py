"""Checking the archive years later: every file re-hashed, the chain of versions, PDF/A.

Read-only: nothing here writes. `make verify` reports every missing, added or altered file
and exits 1 on any problem; `make list` says which version of each contract is in force.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .archive import MANIFEST, PDFA_MARKERS, PENDING
from .build import Project
from .errors import CpomError, Problem
from .history import sha256
from .lock import LOCK_FILE, read_lock


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError) as exc:
        raise CpomError.one("archive.manifest", f"manifeste illisible : {exc}", path) from None


def verify_archive(project: Project) -> tuple[int, list[Problem]]:
    """Re-hash every archived file; report missing, added and altered files and broken links."""
    problems: list[Problem] = []
    count = 0
    root = project.archive
    contracts = (
        sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != PENDING)
        if (root.is_dir())
        else []
    )
    for contract_id in contracts:
        previous: tuple[str, str] | None = None
        for version in project.archived_versions(contract_id):
            count += 1
            folder = root / contract_id / version
            problems += _verify_version(folder, previous)
            manifest = folder / MANIFEST
            previous = (version, sha256(manifest.read_bytes())) if manifest.is_file() else None
    return count, problems


def _verify_version(folder: Path, previous: tuple[str, str] | None) -> list[Problem]:
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return [
            Problem(
                "archive.missing",
                "manifeste absent",
                manifest_path,
                hint="restaurez la version depuis git ou une sauvegarde",
            )
        ]
    manifest = read_manifest(manifest_path)
    problems = []
    expected: dict[str, str] = manifest.get("fichiers", {})
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    for name, digest in expected.items():
        path = folder / name
        if name not in present:
            problems.append(
                Problem(
                    "archive.missing",
                    "fichier archivé manquant",
                    path,
                    hint="restaurez-le depuis git ou une sauvegarde",
                )
            )
        elif sha256(path.read_bytes()) != digest:
            problems.append(
                Problem(
                    "archive.altered",
                    "fichier modifié depuis l'archivage (empreinte SHA-256 différente)",
                    path,
                    hint="restaurez l'original depuis git ou une sauvegarde",
                )
            )
    for name in sorted(present - set(expected)):
        problems.append(
            Problem(
                "archive.added",
                "fichier ajouté après l'archivage",
                folder / name,
                hint="retirez-le : l'archive n'est jamais complétée",
            )
        )
    link = manifest.get("precedent")
    if previous is None and link is not None:
        problems.append(
            Problem(
                "archive.chain",
                f"la version précédente {link['version']} est absente de l'archive",
                manifest_path,
            )
        )
    elif previous is not None and (
        link is None
        or link.get("version") != previous[0]
        or link.get("manifeste_sha256") != previous[1]
    ):
        problems.append(
            Problem(
                "archive.chain",
                f"le manifeste ne désigne plus la version "
                f"précédente {previous[0]} telle qu'archivée",
                manifest_path,
            )
        )
    pdf = folder / f"{manifest.get('contrat')}.pdf"
    if pdf.is_file() and not all(marker in pdf.read_bytes() for marker in PDFA_MARKERS):
        problems.append(
            Problem(
                "archive.pdfa",
                "le PDF archivé ne se déclare plus PDF/A-2b",
                pdf,
                hint="restaurez l'original",
            )
        )
    lock = folder / LOCK_FILE
    if (
        lock.is_file()
        and pdf.is_file()
        and read_lock(lock).sorties.get("pdf") != sha256(pdf.read_bytes())
    ):
        problems.append(
            Problem("archive.lock", "le verrou ne correspond plus au PDF archivé", lock)
        )
    return problems


@dataclass(frozen=True)
class VersionEntry:
    contract: str
    version: str
    signature_date: dt.date
    in_force: bool
    check: str


def list_archive(project: Project) -> list[VersionEntry]:
    entries = []
    for contract_id in project.contract_ids():
        versions = project.archived_versions(contract_id)
        for version in versions:
            manifest = read_manifest(project.archive / contract_id / version / MANIFEST)
            entries.append(
                VersionEntry(
                    contract_id,
                    version,
                    dt.date.fromisoformat(manifest["date_signature"]),
                    version == versions[-1],
                    manifest["fichier_signe"]["verification"]["statut"],
                )
            )
    return entries
