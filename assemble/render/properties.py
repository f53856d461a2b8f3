"""What a built file says it is: custom properties of the .docx, keywords of the PDF.

Every .docx and PDF built from rendering profile IDENTITY on carries the contract's id, the
version it was built as, the fingerprint of its lock (`Lock.fingerprint`), its date and its
rendering profile. pandoc writes the Word ones itself (metadata fields that are not the
title, author or date become custom properties, docProps/custom.xml); typst writes the PDF
ones as the document's keywords (Info /Keywords and XMP), since it has no custom keys.

The values come from the Document and its lock, never from the clock, so that a rebuild
stays identical byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..compose.document import Document

IDENTITY = 4  # the rendering profile (document.RENDU) from which files carry their identity

CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

CONTRACT = "cpom-contrat"
VERSION = "cpom-version"
LOCK = "cpom-verrou"
DATE = "cpom-date"
RENDU = "cpom-rendu"
NAMES = (CONTRACT, VERSION, LOCK, DATE, RENDU)
KEYWORDS = "cpom-identite"  # the typst template's variable: « nom=valeur » items


@dataclass(frozen=True)
class FileIdentity:
    """What a file built from a Document says it is."""

    contract_id: str
    version: str  # as built: « projet » for a contract's draft, « avenant-1 »… for an avenant
    lock: str  # Lock.fingerprint of the version's lock; "" for an avenant (it has none)
    date: str  # the Document's fixed date, ISO
    rendu: int

    @classmethod
    def of(cls, doc: Document, lock: str = "") -> FileIdentity:
        version = f"avenant-{doc.avenant_number}" if doc.kind == "avenant" else "projet"
        return cls(doc.contract_id, version, lock, doc.timestamp.isoformat(), doc.rendu)

    def values(self) -> dict[str, str]:
        values = {
            CONTRACT: self.contract_id,
            VERSION: self.version,
            LOCK: self.lock,
            DATE: self.date,
            RENDU: str(self.rendu),
        }
        return {name: value for name, value in values.items() if value}

    def keywords(self) -> list[str]:
        return [f"{name}={value}" for name, value in self.values().items()]


def identity_meta(doc: Document, identity: FileIdentity | None) -> dict[str, Any]:
    """The metadata fields that make pandoc write the identity (none before IDENTITY)."""
    if identity is None or doc.rendu < IDENTITY:
        return {}
    return dict(identity.values())


def typst_meta(doc: Document, identity: FileIdentity | None) -> dict[str, Any]:
    """The typst template's keywords variable (none before IDENTITY)."""
    if identity is None or doc.rendu < IDENTITY:
        return {}
    return {KEYWORDS: identity.keywords()}


def docx_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a .docx, by name ({} when it has none); raises
    zipfile.BadZipFile or etree.XMLSyntaxError for a damaged file."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        if CUSTOM_PART not in source.namelist():
            return {}
        root = etree.fromstring(source.read(CUSTOM_PART))
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
        name = prop.get("name")
        value = next(iter(prop), None)
        if name and value is not None and value.tag.startswith(f"{{{_VT_NS}}}"):
            found[name] = value.text or ""
    return found


def keyword_properties(keywords: str) -> dict[str, str]:
    """The identity written in a PDF's keywords (« cpom-contrat=x, cpom-version=projet… »)."""
    found: dict[str, str] = {}
    for item in keywords.replace(";", ",").split(","):
        name, sep, value = item.strip().partition("=")
        if sep and name in NAMES:
            found[name] = value.strip()
    return found
