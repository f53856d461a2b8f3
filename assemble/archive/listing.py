"""`make list`: each contract's signed versions, from manifests that were verified first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..project import Project
from ..text.french import date_fr
from .verify import Report, verify_archive


@dataclass(frozen=True)
class VersionEntry:
    """One line of `make list`."""

    contract: str
    version: str
    label: str  # contrat, avenant n° k, or why it cannot be said
    signature_date: dt.date | None
    in_force: bool
    check: str | None
    intact: bool

    @property
    def title(self) -> str:
        """« v2 — avenant n° 1 du 12 décembre 2028 »: the version and the act it records."""
        signed = f" du {date_fr(self.signature_date)}" if self.signature_date else ""
        return f"{self.version} — {self.label}{signed}"


def list_archive(project: Project) -> tuple[list[VersionEntry], Report]:
    """Every archived version, from its verified manifest; the report says what is wrong."""
    report = verify_archive(project)
    entries = []
    contracts = sorted({v.contract for v in report.versions})
    for contract in contracts:
        versions = [v for v in report.versions if v.contract == contract]
        in_force = next((v.version for v in reversed(versions) if v.manifest), None)
        for version in versions:
            manifest = version.manifest
            entries.append(
                VersionEntry(
                    contract,
                    version.version,
                    manifest.label if manifest else "manifeste absent ou illisible",
                    manifest.date_signature if manifest else None,
                    version.version == in_force,
                    manifest.fichier_signe.verification.statut if manifest else None,
                    version.intact,
                )
            )
    return entries, report
