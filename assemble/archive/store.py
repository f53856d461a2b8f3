"""The archive of signed versions: append-only, written atomically, verifiable years later.

`archive/<id>/<version>/` holds the signed file as received, the .md, .docx and .pdf built for
that version, the data snapshot, the lock and a manifest with the SHA-256 of every file; the
manifest names the previous version's manifest by its hash, and `archive/<id>/index.jsonl`
names every version's manifest by its hash, chained line to line (see docs/archive.md for the
whole integrity model). Archived files are read-only for everyone (0444), folders 0755.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .. import __version__
from ..core.errors import CpomError, UsageError
from ..core.files import write_error
from ..core.reading import read_bytes
from ..library.history import sha256
from ..lifecycle.avenant import AvenantDraft, prepare_avenant
from ..lifecycle.avenant_checks import file_line
from ..lifecycle.lock import read_lock
from ..lifecycle.manifest import MANIFEST, ClauseUse, ManifestV2, Party, Precedent, manifest_bytes
from ..lifecycle.stages import Prepared, prepare_draft
from ..project import LOCK_FILE, Project
from .dates import Printed, check_stated, reconcile
from .index import INDEX, entry_for, line_bytes
from .signatures import TRUST_FOLDER, load_trust_roots
from .signed_file import SignedCheck, check_openable, check_signed, read_signed
from .staging import (
    check_archive_targets,
    failed_at,
    locked_folder,
    make_folder,
    remove_stale,
    staging_folder,
    sync_folder,
    write_archived_file,
)
from .verify import verify_contract

DATA_FILE = "contract.yaml"


@dataclass(frozen=True)
class Archived:
    contract: str
    version: str
    folder: Path
    check: SignedCheck
    cleaned: tuple[Path, ...]  # staging folders of interrupted archives, removed first


def archive_version(
    project: Project,
    contract_id: str,
    signed: Path,
    date: dt.date | None = None,
    force: str | None = None,
    *,
    scan: bool = False,
) -> Archived:
    """Archive the current draft as the next signed version; refuse rather than overwrite."""
    signed_data = read_signed(signed)
    check_openable(signed, signed_data, scan=scan)  # before anything is rendered
    cleaned = tuple(remove_stale(project.archive))
    _refuse_damaged(project, contract_id)
    avenant = _pending_avenant(project, contract_id, date)
    prepared = avenant.consolidated if avenant else prepare_draft(project, contract_id)
    printed = _printed(avenant, prepared)
    if date is None and printed.date is None and b"/ByteRange" not in signed_data:
        _unknown_date(printed, avenant)  # no electronic signature could give it either
    if avenant is None:
        _refuse_unchanged(project, contract_id, prepared)
    version = next_version(project, contract_id)
    signed_pdf = avenant.rendered.pdf if avenant else prepared.rendered.pdf
    trust_roots = load_trust_roots(project.root / TRUST_FOLDER)
    check = check_signed(
        signed, signed_pdf, scan=scan, force=force, trust_roots=trust_roots, data=signed_data
    )
    check_stated(date, printed)  # the document first, then its date
    signature_date = reconcile(date or printed.date, check.signatures, signed)
    if signature_date is None:
        _unknown_date(printed, avenant)
    if avenant is not None and signature_date != (date or printed.date):
        # The date comes from the electronic signatures: the consolidated version's table
        # of acts gives it, and a retroactive effect is checked against it.
        avenant = prepare_avenant(project, contract_id, signature_date)
        assert avenant is not None
        prepared = avenant.consolidated
    files = _files(prepared, contract_id, version, check.name, signed_data)
    if avenant is not None:
        stem = f"{contract_id}-avenant-{avenant.number}"
        files.update(
            {
                f"{stem}.md": avenant.rendered.markdown.encode("utf-8"),
                f"{stem}.docx": avenant.rendered.docx,
                f"{stem}.pdf": avenant.rendered.pdf,
                f"avenant-{avenant.number}.yaml": read_bytes(avenant.path),
            }
        )
    manifest = _manifest(project, prepared, version, signature_date, signed, check, files, avenant)
    folder = project.archive / contract_id / version
    # Every check passed: the archived lock (and avenant) name nothing the history lacks.
    (avenant or prepared).publish(project.history)
    _write_atomically(project, folder, files, manifest)
    return Archived(contract_id, version, folder, check, cleaned)


def _refuse_damaged(project: Project, contract_id: str) -> None:
    """A version is only chained onto an archive that verifies: never onto a tampered one."""
    _, problems = verify_contract(project, contract_id)
    errors = [p for p in problems if p.severity == "erreur"]
    if errors:
        raise CpomError(errors)


def _pending_avenant(
    project: Project, contract_id: str, date: dt.date | None
) -> AvenantDraft | None:
    """After the contract itself, each archived version is an avenant: it must say something."""
    if not project.archived_versions(contract_id):
        return None
    draft = prepare_avenant(project, contract_id, date)
    if draft is None:
        current = latest_signed(project, contract_id)
        raise CpomError.one(
            "archive.exists",
            f"aucun changement depuis la version signée {current} : rien à archiver",
            project.archive / contract_id / str(current),
            hint="un avenant modifie d'abord les données du contrat (make avenant C=<id>)",
        )
    return draft


def _unknown_date(printed: Printed, avenant: AvenantDraft | None) -> NoReturn:
    raise UsageError.one(
        "usage.date",
        "date de signature inconnue",
        printed.path,
        hint="précisez DATE=AAAA-MM-JJ ou renseignez la date_signature du "
        + ("fichier d'avenant" if avenant else "contrat"),
    )


def _printed(avenant: AvenantDraft | None, prepared: Prepared) -> Printed:
    """The signature date the signed document prints, and where the data gives it."""
    if avenant is not None:
        return Printed(
            avenant.document.signature_date,
            avenant.path,
            file_line(avenant.path, "date_signature"),
            "date_signature du fichier d'avenant",
        )
    contract = prepared.contract
    return Printed(
        contract.data.contrat.date_signature,
        contract.path,
        contract.lines.line_of(("contrat", "date_signature")),
        "contrat.date_signature",
    )


def _refuse_unchanged(project: Project, contract_id: str, prepared: Prepared) -> None:
    """The draft identical to the version in force is that version: it is already archived."""
    current = latest_signed(project, contract_id)
    if current is None:
        return
    archived = read_lock(project.archive / contract_id / current / LOCK_FILE)
    if archived.sorties.get("md") == prepared.lock.sorties.get("md"):
        raise CpomError.one(
            "archive.exists",
            f"ce texte est déjà archivé comme version {current} ; l'archive n'est jamais réécrite",
            project.archive / contract_id / current,
            hint="un nouvel accord (avenant) modifie d'abord le contrat, puis s'archive à son tour",
        )


def next_version(project: Project, contract_id: str) -> str:
    numbers = [int(v[1:]) for v in project.recorded_versions(contract_id) if v[1:].isdigit()]
    return f"v{max(numbers, default=0) + 1}"


def _files(
    prepared: Prepared, contract_id: str, version: str, signed_name: str, signed: bytes
) -> dict[str, bytes]:
    rendered = prepared.rendered
    lock = dataclasses.replace(prepared.lock, version=version, statut="signe")
    return {
        signed_name: signed,
        f"{contract_id}.md": rendered.markdown.encode("utf-8"),
        f"{contract_id}.docx": rendered.docx,
        f"{contract_id}.pdf": rendered.pdf,
        DATA_FILE: read_bytes(prepared.contract.path),
        LOCK_FILE: lock.to_json().encode("utf-8"),
    }


def _manifest(
    project: Project,
    prepared: Prepared,
    version: str,
    signature_date: dt.date,
    signed: Path,
    check: SignedCheck,
    files: dict[str, bytes],
    avenant: AvenantDraft | None,
) -> ManifestV2:
    doc = prepared.rendered.document
    previous = latest_signed(project, doc.contract_id)
    return ManifestV2(
        format=2,
        contrat=doc.contract_id,
        reference=doc.reference,
        version=version,
        nature="avenant" if avenant else "contrat",
        avenant=avenant.number if avenant else None,
        date_effet=avenant.document.effective_date if avenant else doc.effective_date,
        date_signature=signature_date,
        signataires=tuple(
            Party(partie=p.designation, nom=p.signatory, qualite=p.office) for p in doc.parties
        ),
        clauses=tuple(
            ClauseUse(
                article=a.article,
                clause=a.clause,
                instance=a.instance,
                version=a.version,
                variante=a.variante,
            )
            for a in prepared.lock.articles
        ),
        outil=__version__,
        fichier_signe=check.record(signed.name),
        precedent=None
        if previous is None
        else Precedent(
            version=previous,
            manifeste_sha256=sha256(
                (project.archive / doc.contract_id / previous / MANIFEST).read_bytes()
            ),
        ),
        fichiers={name: sha256(data) for name, data in sorted(files.items())},
    )


def _write_atomically(
    project: Project, folder: Path, files: dict[str, bytes], manifest: ManifestV2
) -> None:
    """Stage the version and its index, then rename both into place, the version first.

    A kill before the first rename leaves only a staging folder (removed at the next archive);
    a kill between the two leaves a version the index lacks, which `verify` reports and
    `cpom index` records after checking it.
    """
    contract_folder = folder.parent
    check_archive_targets(project.archive, folder / MANIFEST, contract_folder / INDEX)
    try:
        make_folder(project.archive)
        make_folder(contract_folder)
        _write_locked(project, folder, files, manifest)
    except OSError as exc:
        raise write_error(exc, failed_at(exc, project.archive, folder)) from None


def _write_locked(
    project: Project, folder: Path, files: dict[str, bytes], manifest: ManifestV2
) -> None:
    contract_folder = folder.parent
    with locked_folder(contract_folder):
        if folder.exists() or folder.is_symlink():
            raise CpomError.one(
                "archive.exists",
                f"la version {folder.name} est déjà archivée ; l'archive n'est jamais réécrite",
                folder,
                hint="un nouvel accord donne lieu à un avenant, archivé comme version suivante",
            )
        index = contract_folder / INDEX
        lines = index.read_bytes().splitlines(keepends=True) if index.is_file() else []
        if len(lines) != int(folder.name[1:]) - 1:
            raise CpomError.one(
                "archive.index",
                f"l'index compte {len(lines)} version(s) : la version {folder.name} ne peut "
                "pas s'y inscrire",
                index,
            )
        data = manifest_bytes(manifest)
        entry = entry_for(manifest, data, lines[-1] if lines else None)
        with staging_folder(project.archive, contract_folder.name, folder.name) as pending:
            staged = pending / "version"
            staged.mkdir()
            for name, content in {**files, MANIFEST: data}.items():
                write_archived_file(staged / name, content)
            staged.chmod(0o755)
            write_archived_file(pending / INDEX, b"".join(lines) + line_bytes(entry))
            os.rename(staged, folder)  # atomic; the version appears whole or not at all
            os.replace(pending / INDEX, index)
            sync_folder(contract_folder)


def latest_signed(project: Project, contract_id: str) -> str | None:
    """The version in force: the last one signed and archived."""
    versions = project.archived_versions(contract_id)
    return versions[-1] if versions else None
