"""Checking one archived version: its manifest, its files, its chain, what its files say.

The manifest is read as a typed model (a malformed one is a located finding); every file it
lists is re-hashed, any other file or folder is reported, symbolic links are never followed; the
manifest must name the previous version's manifest by its hash; the PDFs still declare PDF/A-2b,
the lock still names the PDF, and the signed file's electronic signatures are still intact.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import CpomError, Problem
from ..core.limits import SIGNED_FILE_BYTES, TOOL_FILE_BYTES
from ..library.history import sha256
from ..lifecycle.lock import read_lock
from ..lifecycle.manifest import MANIFEST, Manifest, parse_manifest
from ..project import LOCK_FILE
from .fs import hash_archived, kind_of, listed, read_archived, stray
from .signatures import UnreadableSignatures, read_signatures

RESTORE = "restaurez le fichier signé original depuis git ou une sauvegarde"
PDFA_MARKERS = (b"<pdfaid:part>2</pdfaid:part>", b"<pdfaid:conformance>B</pdfaid:conformance>")


def verify_version(
    folder: Path, contract_id: str, previous: bytes | None
) -> tuple[Manifest | None, bytes | None, list[Problem]]:
    """The version's manifest (None if unreadable), its bytes for the next link, the findings."""
    problems: list[Problem] = []
    entries = {path.name: kind_of(path) for path in listed(folder, problems)}
    path = folder / MANIFEST
    kind = entries.get(MANIFEST)
    if problems:
        return None, None, problems
    if kind is None:
        return None, None, [Problem("archive.missing", "manifeste absent", path)]
    if kind != "file":
        return None, None, [stray(path, kind)]
    data = read_archived(path, problems, TOOL_FILE_BYTES)
    if data is None:
        return None, None, problems
    parsed = parse_manifest(data, path)
    if isinstance(parsed, list):
        return None, data, parsed
    if parsed.version != folder.name:
        problems.append(
            Problem(
                "archive.renamed",
                f"le dossier {folder.name} contient le manifeste de la version {parsed.version}",
                path,
            )
        )
    if parsed.contrat != contract_id:
        problems.append(
            Problem(
                "archive.renamed",
                f"manifeste du contrat « {parsed.contrat} » rangé sous « {contract_id} »",
                path,
            )
        )
    problems += _files(folder, entries, parsed)
    problems += _chain(folder, parsed, previous)
    problems += _outputs(folder, entries, parsed)
    return parsed, data, problems


def _files(folder: Path, entries: dict[str, str | None], manifest: Manifest) -> list[Problem]:
    problems: list[Problem] = []
    for name, digest in manifest.fichiers.items():
        path = folder / name
        kind = entries.get(name)
        if kind is None:
            problems.append(Problem("archive.missing", "fichier archivé manquant", path))
        elif kind != "file":
            problems.append(stray(path, kind))
        else:
            found = hash_archived(path, problems)
            if found is not None and found != digest:
                problems.append(
                    Problem(
                        "archive.altered",
                        "fichier modifié depuis l'archivage (empreinte SHA-256 différente)",
                        path,
                    )
                )
    for name in sorted(set(entries) - set(manifest.fichiers) - {MANIFEST}):
        kind = entries[name]
        if kind == "symlink":
            problems.append(stray(folder / name, kind))
        else:
            what = "dossier ajouté" if kind == "dir" else "fichier ajouté"
            problems.append(Problem("archive.added", f"{what} après l'archivage", folder / name))
    return problems


def _chain(folder: Path, manifest: Manifest, previous: bytes | None) -> list[Problem]:
    link = manifest.precedent
    expected = f"v{int(folder.name[1:]) - 1}"
    path = folder / MANIFEST
    if previous is None and link is not None:
        message = f"la version précédente {expected} est absente ou illisible"
    elif previous is not None and (
        link is None or link.version != expected or link.manifeste_sha256 != sha256(previous)
    ):
        message = f"le manifeste ne désigne plus la version précédente {expected} telle qu'archivée"
    else:
        return []
    return [Problem("archive.chain", message, path)]


def _outputs(folder: Path, entries: dict[str, str | None], manifest: Manifest) -> list[Problem]:
    """What the files say of themselves: PDF/A, the lock's hashes, the signatures' integrity.

    Each is read within the size the tool ever archives (a larger one is reported altered
    already, and is not read again).
    """
    problems: list[Problem] = []
    pdfs = [f"{manifest.contrat}.pdf"]
    if manifest.avenant is not None:
        pdfs.append(f"{manifest.contrat}-avenant-{manifest.avenant}.pdf")
    contents = {
        name: read_archived(folder / name, [], SIGNED_FILE_BYTES)
        for name in (*pdfs, LOCK_FILE, manifest.signed_name or "")
        if entries.get(name) == "file"
    }
    for name in pdfs:
        data = contents.get(name)
        if data is not None and not all(marker in data for marker in PDFA_MARKERS):
            problems.append(
                Problem("archive.pdfa", "le PDF archivé ne se déclare plus PDF/A-2b", folder / name)
            )
    pdf = contents.get(pdfs[0])
    if contents.get(LOCK_FILE) is not None and pdf is not None:
        try:
            outputs = read_lock(folder / LOCK_FILE).sorties
        except CpomError as exc:
            problems += exc.problems
        else:
            if not isinstance(outputs, dict) or outputs.get("pdf") != sha256(pdf):
                problems.append(
                    Problem(
                        "archive.lock",
                        "le verrou ne correspond plus au PDF archivé",
                        folder / LOCK_FILE,
                    )
                )
    signed = contents.get(manifest.signed_name or "")
    if signed is not None and (manifest.signed_name or "").endswith(".pdf"):
        problems += _signatures(folder / (manifest.signed_name or ""), signed, manifest)
    return problems


def _signatures(path: Path, data: bytes, manifest: Manifest) -> list[Problem]:
    """Signatures recorded intact must still be intact; none may appear or disappear."""
    recorded = {s.champ: s for s in manifest.signatures}
    try:
        current = read_signatures(data)
    except UnreadableSignatures:
        current = None
    if current is None or (manifest.signatures and len(current) != len(recorded)):
        return [
            Problem(
                "signature.integrity",
                f"le fichier signé ne porte plus les {len(recorded)} signature(s) électronique(s) "
                "inscrites au manifeste",
                path,
                hint=RESTORE,
            )
        ]
    newly_broken = [
        s
        for s in current
        if s.integrite == "rompue" and (s.champ not in recorded or recorded[s.champ].intact)
    ]
    return [
        Problem(
            "signature.integrity",
            f"signature « {s.champ} » de {s.signataire} : le contenu signé a été altéré depuis "
            "l'archivage",
            path,
            hint=RESTORE,
        )
        for s in newly_broken
    ]
