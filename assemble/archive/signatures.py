"""Electronic signatures (PAdES) of a signed PDF, validated with pyHanko, offline.

For each signature: who signed (certificate subject), when, whether it covers the whole file,
whether the file was modified after it (pyHanko's difference analysis: modification level and
DocMDP), whether the signed bytes are intact, and whether the certificate chains to a root the
repository trusts. An unknown or self-signed certificate is recorded as "non reconnu", not refused;
a broken signature, or a file modified after signing beyond form filling and annotations, is a
reason to refuse the file (unless FORCE).

Trust is only what the repository declares: the root certificates in `confiance/` (PEM or DER),
for instance those of the authorities the parties' signing platforms use. Nothing is fetched.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import CpomError
from ..core.limits import TRUST_ROOT_BYTES
from ..core.memo import Memo
from ..core.reading import read_bytes
from ..lifecycle.manifest import SignatureRecord

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import PdfSignatureStatus

TRUST_FOLDER = "confiance"
_COVERAGE = {  # pyHanko's SignatureCoverageLevel, by name
    "ENTIRE_FILE": "document-entier",
    "ENTIRE_REVISION": "revision-entiere",
    "CONTIGUOUS_BLOCK_FROM_START": "bloc-initial",
    "UNCLEAR": "incertaine",
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
_ATTRIBUTES = {
    "common_name": "CN",
    "surname": "SN",
    "given_name": "GN",
    "serial_number": "serialNumber",
    "organizational_unit_name": "OU",
    "organization_name": "O",
    "organization_identifier": "organizationIdentifier",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "country_name": "C",
    "email_address": "E",
}
ACCEPTED_AFTER_SIGNING = ("aucune", "maintenance", "formulaire", "annotations")


class UnreadableSignatures(Exception):
    """The file's signature dictionaries cannot be read at all."""


def load_trust_roots(folder: Path) -> list[x509.Certificate]:
    """The root certificates a repository trusts for signatures: every file of `confiance/`."""
    if not folder.is_dir():
        return []
    from asn1crypto import pem, x509

    roots = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        data = read_bytes(path, TRUST_ROOT_BYTES)
        try:
            if pem.detect(data):
                _, _, data = pem.unarmor(data)
            roots.append(x509.Certificate.load(data))
            roots[-1].native  # noqa: B018 - parse it all now, not in the middle of a validation
        except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
            raise CpomError.one(
                "signature.trust-root",
                "certificat racine illisible",
                path,
            ) from None
    return roots


def read_signatures(
    data: bytes, trust_roots: Sequence[x509.Certificate] = ()
) -> tuple[SignatureRecord, ...]:
    """Validate every signature of a PDF; raise UnreadableSignatures if pyHanko cannot read it.

    The same bytes against the same roots are validated once per process: a verification
    that looks for one change after another reads the unchanged signed files again."""
    roots = tuple(root.dump() for root in trust_roots)
    key = (hashlib.sha256(data).hexdigest(), hashlib.sha256(b"".join(roots)).hexdigest())
    return _VALIDATED.get_or(key, lambda: _validated(data, roots))


# Signature records of the files validated in this process, by content and trust roots.
_VALIDATED: Memo[tuple[str, str], tuple[SignatureRecord, ...]] = Memo(16)


def _validated(data: bytes, roots: tuple[bytes, ...]) -> tuple[SignatureRecord, ...]:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    _quiet()
    trust_roots = [x509.Certificate.load(der) for der in roots]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - hostile or broken input: many kinds of errors
        raise UnreadableSignatures(str(exc)) from None
    return tuple(_record(signature, trust_roots) for signature in embedded)


def _record(
    signature: EmbeddedPdfSignature, trust_roots: Sequence[x509.Certificate]
) -> SignatureRecord:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 - a signature that cannot be evaluated is not intact
        return _broken(signature)
    return _from_status(signature.field_name, status)


def _from_status(field: str, status: PdfSignatureStatus) -> SignatureRecord:
    level = status.modification_level
    modification = "inconnue" if level is None else _MODIFICATION.get(level.name, "autre")
    timestamp = status.timestamp_validity
    coverage = status.coverage.name if status.coverage else "UNCLEAR"
    return SignatureRecord(
        champ=field,
        signataire=_name(status.signing_cert.subject),
        emetteur=_name(status.signing_cert.issuer),
        date_signature=status.signer_reported_dt,
        horodatage=None if timestamp is None else timestamp.timestamp,
        couverture=_COVERAGE.get(coverage, "incertaine"),  # type: ignore[arg-type]
        couvre_tout_le_document=coverage == "ENTIRE_FILE",
        modifie_apres_signature=coverage != "ENTIRE_FILE",
        modification=modification,  # type: ignore[arg-type]
        docmdp_conforme=status.docmdp_ok,
        integrite="intacte" if status.intact and status.valid else "rompue",
        confiance="reconnu" if status.trusted else "non reconnu",
    )


def _name(name: x509.Name) -> str:
    """A certificate name in the notation of RFC 4514: "CN=…, O=…, C=FR"."""
    parts = []
    for rdn in reversed(name.chosen):
        for attribute in rdn:
            kind = attribute["type"].native
            label = _ATTRIBUTES.get(kind, kind)
            parts.append(f"{label}={attribute['value'].native}")
    return ", ".join(parts) or "(sans nom)"


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
