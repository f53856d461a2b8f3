"""Electronic signatures (PAdES) of a signed PDF, validated with pyHanko, offline.

For each signature: who signed (certificate subject), when, whether it covers the whole file,
whether the file was modified after it (pyHanko's difference analysis: modification level and
DocMDP), whether the signed bytes are intact, and whether the certificate chains to a root the
machine trusts. An unknown or self-signed certificate is recorded as "non reconnu", not refused;
a broken signature, or a file modified after signing beyond form filling and annotations, is a
reason to refuse the file (unless FORCE).
"""

from __future__ import annotations

import io
import logging

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .manifest import SignatureRecord

_COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "document-entier",
    SignatureCoverageLevel.ENTIRE_REVISION: "revision-entiere",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "bloc-initial",
    SignatureCoverageLevel.UNCLEAR: "incertaine",
}
_MODIFICATION = {
    "NONE": "aucune",
    "LTA_UPDATES": "maintenance",
    "FORM_FILLING": "formulaire",
    "ANNOTATIONS": "annotations",
    "OTHER": "autre",
}
# What may happen to a file after a signature without casting doubt on what was signed:
# signature upkeep (validation data, timestamps), filling fields (the next signatures) and
# annotations.
ACCEPTED_AFTER_SIGNING = ("aucune", "maintenance", "formulaire", "annotations")


class UnreadableSignatures(Exception):
    """The file's signature dictionaries cannot be read at all."""


def read_signatures(data: bytes) -> tuple[SignatureRecord, ...]:
    """Validate every signature of a PDF; raise UnreadableSignatures if pyHanko cannot read it."""
    _quiet()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - hostile or broken input: many kinds of errors
        raise UnreadableSignatures(str(exc)) from None
    return tuple(_record(signature) for signature in embedded)


def _record(signature: EmbeddedPdfSignature) -> SignatureRecord:
    try:
        status = validate_pdf_signature(signature, ValidationContext(allow_fetching=False))
    except Exception:  # noqa: BLE001 - a signature that cannot be evaluated is not intact
        return _broken(signature)
    return _from_status(signature.field_name, status)


def _from_status(field: str, status: PdfSignatureStatus) -> SignatureRecord:
    level = status.modification_level
    modification = "inconnue" if level is None else _MODIFICATION.get(level.name, "autre")
    timestamp = status.timestamp_validity
    coverage = status.coverage or SignatureCoverageLevel.UNCLEAR
    return SignatureRecord(
        champ=field,
        signataire=status.signing_cert.subject.human_friendly,
        emetteur=status.signing_cert.issuer.human_friendly,
        date_signature=status.signer_reported_dt,
        horodatage=None if timestamp is None else timestamp.timestamp,
        couverture=_COVERAGE[coverage],  # type: ignore[arg-type]
        couvre_tout_le_document=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modifie_apres_signature=coverage != SignatureCoverageLevel.ENTIRE_FILE,
        modification=modification,  # type: ignore[arg-type]
        docmdp_conforme=status.docmdp_ok,
        integrite="intacte" if status.intact and status.valid else "rompue",
        confiance="reconnu" if status.trusted else "non reconnu",
    )


def _broken(signature: EmbeddedPdfSignature) -> SignatureRecord:
    """A signature whose cryptographic data cannot even be evaluated."""
    return SignatureRecord(
        champ=signature.field_name,
        signataire="(illisible)",
        emetteur="(illisible)",
        date_signature=None,
        horodatage=None,
        couverture="incertaine",
        couvre_tout_le_document=False,
        modifie_apres_signature=True,
        modification="inconnue",
        docmdp_conforme=None,
        integrite="rompue",
        confiance="non reconnu",
    )


def refusals(records: tuple[SignatureRecord, ...]) -> list[tuple[str, str]]:
    """(code, message) for each signature that makes the file unfit to archive as signed."""
    found = []
    for record in records:
        who = f"signature « {record.champ} » de {record.signataire}"
        if record.integrite == "rompue":
            found.append(
                (
                    "signature.integrity",
                    f"{who} : le contenu signé a été altéré (empreinte ou signature invalide)",
                )
            )
        elif record.modification not in ACCEPTED_AFTER_SIGNING or record.docmdp_conforme is False:
            found.append(
                (
                    "signature.modified",
                    f"{who} : le document a été modifié après la signature "
                    f"(modification « {record.modification} », au-delà du remplissage de champs "
                    "et des annotations)",
                )
            )
    return found


def _quiet() -> None:
    """pyHanko logs validation failures with tracebacks; a drafter reads our findings instead."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
