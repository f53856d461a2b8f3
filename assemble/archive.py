"""The archive of signed versions: append-only, written atomically, verifiable years later.

`archive/<id>/<version>/` holds the signed file as received, the .md, .docx and .pdf built for
that version, the data snapshot, the lock and a manifest with the SHA-256 of every file. Each
manifest also names the previous version's manifest and its hash, so that removing an earlier
version is noticed too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import __version__
from .avenant import AvenantDraft, prepare_avenant
from .build import Prepared, Project, prepare_draft
from .errors import CpomError, UsageError
from .history import sha256
from .lock import LOCK_FILE, read_lock

MANIFEST = "manifeste.json"
DATA_FILE = "contract.yaml"
SIGNED_STEM = "signe"
PENDING = ".en-cours"
PDFA_MARKERS = (b"<pdfaid:part>2</pdfaid:part>", b"<pdfaid:conformance>B</pdfaid:conformance>")


@dataclass(frozen=True)
class Check:
    """What the comparison of the signed file with the built PDF found."""

    statut: str  # conforme, non-verifiable, force
    detail: str
    motif: str | None = None


@dataclass(frozen=True)
class Archived:
    contract: str
    version: str
    folder: Path
    check: Check


def archive_version(
    project: Project,
    contract_id: str,
    signed: Path,
    date: dt.date | None = None,
    force: str | None = None,
) -> Archived:
    """Archive the current draft as the next signed version; refuse rather than overwrite."""
    if not signed.is_file():
        raise UsageError.one(
            "usage.signed",
            "fichier signé introuvable",
            signed,
            hint="SIGNED= désigne le fichier reçu après signature (PDF signé ou numérisé)",
        )
    avenant = _pending_avenant(project, contract_id)
    prepared = avenant.consolidated if avenant else prepare_draft(project, contract_id)
    signed_date_in_data = (
        avenant.document.signature_date
        if avenant
        else prepared.contract.data.contrat.date_signature
    )
    signature_date = date or signed_date_in_data
    if signature_date is None:
        raise UsageError.one(
            "usage.date",
            "date de signature inconnue",
            avenant.path if avenant else prepared.contract.path,
            hint="précisez DATE=AAAA-MM-JJ ou renseignez la date_signature du "
            + ("fichier d'avenant" if avenant else "contrat"),
        )
    if avenant is None:
        _refuse_unchanged(project, contract_id, prepared)
    version = next_version(project, contract_id)
    signed_pdf = avenant.rendered.pdf if avenant else prepared.rendered.pdf
    check = check_signed(signed, signed_pdf, force)
    files = _files(prepared, contract_id, version, signed)
    if avenant is not None:
        stem = f"{contract_id}-avenant-{avenant.number}"
        files.update(
            {
                f"{stem}.md": avenant.rendered.markdown.encode("utf-8"),
                f"{stem}.docx": avenant.rendered.docx,
                f"{stem}.pdf": avenant.rendered.pdf,
                f"avenant-{avenant.number}.yaml": avenant.path.read_bytes(),
            }
        )
    manifest = _manifest(project, prepared, version, signature_date, signed, check, files, avenant)
    files[MANIFEST] = manifest
    folder = project.archive / contract_id / version
    _write_atomically(project, folder, files)
    return Archived(contract_id, version, folder, check)


def _pending_avenant(project: Project, contract_id: str) -> AvenantDraft | None:
    """After the contract itself, each archived version is an avenant: it must say something."""
    if not project.archived_versions(contract_id):
        return None
    draft = prepare_avenant(project, contract_id)
    if draft is None:
        current = latest_signed(project, contract_id)
        raise CpomError.one(
            "archive.exists",
            f"aucun changement depuis la version signée {current} : rien à archiver",
            project.archive / contract_id / str(current),
            hint="un avenant modifie d'abord les données du contrat (make avenant C=<id>)",
        )
    return draft


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


def check_signed(signed: Path, built_pdf: bytes, force: str | None) -> Check:
    """Compare the signed file's text with the built PDF; stamps may be added, nothing removed."""
    signed_words = _pdf_words(signed.read_bytes()) if signed.suffix.lower() == ".pdf" else None
    if not signed_words:
        kind = "un document numérisé" if signed.suffix.lower() == ".pdf" else "un fichier non PDF"
        return Check("non-verifiable", f"{kind} : le texte ne peut pas être comparé", force)
    built_words = _pdf_words(built_pdf) or []
    passage = _first_difference(built_words, signed_words)
    if passage is None:
        return Check("conforme", "le texte du fichier signé est celui de la version construite")
    if force:
        return Check("force", f"différence acceptée : {passage}", force)
    raise CpomError.one(
        "archive.mismatch",
        f"le fichier signé ne reprend pas le texte de la version construite : {passage}",
        signed,
        hint="vérifiez que le bon fichier a été signé ; pour archiver malgré tout, "
        'FORCE="motif" (le motif est consigné au manifeste)',
    )


def _pdf_words(data: bytes) -> list[str] | None:
    try:
        reader = PdfReader(io.BytesIO(data))
        text = " ".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError):
        return None
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.findall(r"\S+", text)


def _first_difference(built: list[str], signed: list[str]) -> str | None:
    """The first passage of the built text that the signed file lacks or alters, if any."""
    matcher = difflib.SequenceMatcher(a=built, b=signed, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            expected = " ".join(built[max(0, a1 - 6) : a2 + 6][:24])
            found = " ".join(signed[max(0, b1 - 6) : b2 + 6][:24]) or "(rien)"
            return f"attendu « {expected} », trouvé « {found} »"
    return None


def _files(prepared: Prepared, contract_id: str, version: str, signed: Path) -> dict[str, bytes]:
    rendered = prepared.rendered
    lock = dataclasses.replace(prepared.lock, version=version, statut="signe")
    return {
        f"{SIGNED_STEM}{signed.suffix.lower()}": signed.read_bytes(),
        f"{contract_id}.md": rendered.markdown.encode("utf-8"),
        f"{contract_id}.docx": rendered.docx,
        f"{contract_id}.pdf": rendered.pdf,
        DATA_FILE: prepared.contract.path.read_bytes(),
        LOCK_FILE: lock.to_json().encode("utf-8"),
    }


def _manifest(
    project: Project,
    prepared: Prepared,
    version: str,
    signature_date: dt.date,
    signed: Path,
    check: Check,
    files: dict[str, bytes],
    avenant: AvenantDraft | None,
) -> bytes:
    doc = prepared.rendered.document
    previous = latest_signed(project, doc.contract_id)
    content = {
        "contrat": doc.contract_id,
        "reference": doc.reference,
        "version": version,
        "nature": "avenant" if avenant else "contrat",
        "avenant": avenant.number if avenant else None,
        "date_effet": (
            avenant.document.effective_date if avenant else doc.effective_date
        ).isoformat(),
        "date_signature": signature_date.isoformat(),
        "signataires": [
            {"partie": p.designation, "nom": p.signatory, "qualite": p.office} for p in doc.parties
        ],
        "clauses": [
            {
                "article": a.article,
                "clause": a.clause,
                "instance": a.instance,
                "version": a.version,
                "variante": a.variante,
            }
            for a in prepared.lock.articles
        ],
        "outil": __version__,
        "fichier_signe": {"nom_recu": signed.name, "verification": asdict(check)},
        "precedent": None
        if previous is None
        else {
            "version": previous,
            "manifeste_sha256": sha256(
                (project.archive / doc.contract_id / previous / MANIFEST).read_bytes()
            ),
        },
        "fichiers": {name: sha256(data) for name, data in sorted(files.items())},
    }
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_atomically(project: Project, folder: Path, files: dict[str, bytes]) -> None:
    """Write into a pending folder, then rename it into place: a version appears whole or not."""
    if folder.exists():
        raise CpomError.one(
            "archive.exists",
            f"la version {folder.name} est déjà archivée ; l'archive n'est jamais réécrite",
            folder,
            hint="un nouvel accord donne lieu à un avenant, archivé comme version suivante",
        )
    pending_root = project.archive / PENDING
    pending_root.mkdir(parents=True, exist_ok=True)
    pending = Path(
        tempfile.mkdtemp(prefix=f"{folder.parent.name}-{folder.name}-", dir=pending_root)
    )
    try:
        for name, data in files.items():
            write_archived_file(pending / name, data)
        pending.chmod(0o755)
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rename(pending, folder)  # atomic; fails if the version appeared meanwhile
    except BaseException:
        shutil.rmtree(pending, ignore_errors=True)
        raise


def write_archived_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o444)


def latest_signed(project: Project, contract_id: str) -> str | None:
    """The version in force: the last one signed and archived."""
    versions = project.archived_versions(contract_id)
    return versions[-1] if versions else None
