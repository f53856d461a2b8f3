"""The file received after signature: what it is, whether it says what was built, its signatures.

A signed PDF must be a PDF that parses and has text; its text is compared page by page with the
built PDF (signed_text.py) and its electronic signatures validated (signatures.py). A scan is
declared (SCAN=1): a PDF or a PNG, JPEG or TIFF image, recognised by its first bytes, whose text
is not compared. Any difference or faulty signature refuses the file unless FORCE="motif" says
why it is archived anyway; the reason is recorded in the manifest.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..core.errors import CpomError, Problem, UsageError
from ..core.limits import SIGNED_EXTRA_PAGES, SIGNED_FILE_BYTES
from ..core.reading import read_bytes, unreadable
from ..lifecycle.manifest import AddedPage, SignatureRecord, SignedFile, TextVerification
from .signatures import UnreadableSignatures, read_signatures, refusals
from .signed_text import Comparison, UnreadablePdf, compare, open_pdf, pdf_pages, read_pages

if TYPE_CHECKING:
    from asn1crypto import x509

SIGNED_STEM = "signe"
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"II*\x00": "tif",
    b"MM\x00*": "tif",
}
CONFORME = "le texte du fichier signé est celui de la version construite"


@dataclass(frozen=True)
class SignedCheck:
    """What checking the signed file found, as recorded in the manifest."""

    name: str  # the archived file name: signe.pdf, signe.png…
    nature: Literal["pdf", "numerisation"]
    verification: TextVerification
    signatures: tuple[SignatureRecord, ...]

    @property
    def statut(self) -> str:
        return self.verification.statut

    def record(self, received: str) -> SignedFile:
        return SignedFile(
            nom_recu=received,
            nom=self.name,
            nature=self.nature,
            verification=self.verification,
            signatures=self.signatures,
        )


def read_signed(path: Path) -> bytes:
    """The file received after signature: a regular file, of a plausible size."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError.one("usage.signed", "fichier signé introuvable", path) from None
    except OSError as exc:
        raise unreadable(path, exc) from None
    if not stat.S_ISREG(mode):
        what = "un dossier" if stat.S_ISDIR(mode) else "un tube, un périphérique ou une socket"
        raise UsageError.one(
            "usage.signed",
            f"c'est {what}, pas le fichier signé",
            path,
            hint="SIGNED= désigne le fichier reçu lui-même, par exemple SIGNED=~/Téléchargements/"
            "CPOM-signe.pdf",
        )
    return read_bytes(path, SIGNED_FILE_BYTES)


def check_signed(
    path: Path,
    built_pdf: bytes,
    *,
    scan: bool = False,
    force: str | None = None,
    trust_roots: Sequence[x509.Certificate] = (),
    data: bytes | None = None,
) -> SignedCheck:
    """Check the signed file against the built PDF; raise CpomError when it must be refused."""
    data = read_signed(path) if data is None else data
    if scan:
        return _scan(path, data, _is_pdf(data), force, trust_roots)
    built = pdf_pages(built_pdf) or []
    try:
        pages = read_pages(data, len(built) + SIGNED_EXTRA_PAGES.value)
    except UnreadablePdf as exc:
        raise _unreadable_pdf(path, exc) from None
    if not any(pages):
        raise CpomError.one(
            "signature.no-text",
            "le PDF signé ne contient aucun texte : il ne peut pas être comparé à la version "
            "construite",
            path,
        )
    comparison = compare(built, pages)
    findings = [] if comparison.difference is None else [_mismatch(comparison)]
    signatures, signature_findings = _signatures(data, trust_roots)
    findings += signature_findings
    if not findings:
        return SignedCheck(f"{SIGNED_STEM}.pdf", "pdf", _conforme(comparison), signatures)
    return SignedCheck(f"{SIGNED_STEM}.pdf", "pdf", _forced(path, findings, force), signatures)


def check_openable(path: Path, data: bytes, *, scan: bool = False) -> None:
    """Refuse at once a signed PDF that cannot be opened (not a PDF, protected by a password),
    before the version it is compared with is composed and rendered; `check_signed` reads
    it whole afterwards. A declared scan may be an image: it is checked there."""
    if scan:
        return
    try:
        with open_pdf(data):
            pass
    except UnreadablePdf as exc:
        raise _unreadable_pdf(path, exc) from None


def _unreadable_pdf(path: Path, exc: UnreadablePdf) -> CpomError:
    return CpomError.one(
        "signature.unreadable", f"le fichier signé n'est pas un PDF lisible : {exc}", path
    )


def _is_pdf(data: bytes) -> bool:
    """A PDF that parses, pages counted but no text extracted (a scan's text is not compared)."""
    try:
        read_pages(data, text=False)
    except UnreadablePdf:
        return False
    return True


def _scan(
    path: Path,
    data: bytes,
    is_pdf: bool,
    force: str | None,
    trust_roots: Sequence[x509.Certificate],
) -> SignedCheck:
    """A declared scan: a readable PDF or an image; its text is not compared."""
    suffix = (
        "pdf"
        if is_pdf
        else next((ext for magic, ext in IMAGE_MAGIC.items() if data.startswith(magic)), None)
    )
    if suffix is None:
        raise CpomError.one(
            "signature.scan-format",
            "le fichier déclaré numérisé n'est ni un PDF lisible ni une image PNG, JPEG ou TIFF",
            path,
        )
    signatures, findings = _signatures(data, trust_roots) if is_pdf else ((), [])
    detail = "document numérisé déclaré (SCAN=1) : son texte n'est pas comparé"
    verification = (
        _forced(path, findings, force)
        if findings
        else TextVerification(
            statut="non-verifiable", detail=detail, motif=None, tampons=0, pages_ajoutees=()
        )
    )
    return SignedCheck(f"{SIGNED_STEM}.{suffix}", "numerisation", verification, signatures)


def _signatures(
    data: bytes, trust_roots: Sequence[x509.Certificate]
) -> tuple[tuple[SignatureRecord, ...], list[tuple[str, str]]]:
    try:
        records = read_signatures(data, trust_roots)
    except UnreadableSignatures:
        return (), [("signature.integrity", "les signatures électroniques sont illisibles")]
    return records, refusals(records)


def _mismatch(comparison: Comparison) -> tuple[str, str]:
    return (
        "archive.mismatch",
        f"le fichier signé ne reprend pas le texte de la version construite : "
        f"{comparison.difference}",
    )


def _conforme(comparison: Comparison) -> TextVerification:
    detail = CONFORME
    if comparison.stamps:
        detail += f" ; {comparison.stamps} tampon(s) de la plateforme de signature admis"
    if comparison.appended:
        pages = ", ".join(str(p.page) for p in comparison.appended)
        detail += f" ; page(s) de certificat ajoutée(s) : {pages}"
    return TextVerification(
        statut="conforme",
        detail=detail,
        motif=None,
        tampons=comparison.stamps,
        pages_ajoutees=tuple(AddedPage(page=p.page, debut=p.start) for p in comparison.appended),
    )


def _forced(path: Path, findings: list[tuple[str, str]], force: str | None) -> TextVerification:
    """Archive despite the findings when FORCE gives a reason; refuse otherwise."""
    if not force:
        raise CpomError([Problem(code, message, path) for code, message in findings])
    return TextVerification(
        statut="force",
        detail="différence acceptée : " + " ; ".join(message for _, message in findings),
        motif=force,
        tampons=0,
        pages_ajoutees=(),
    )
