"""What a signing platform, or someone tampering, does to a built PDF: made for the tests.

Pages are moved with pypdf, certificate pages are typeset with typst, margin stamps and PAdES
signatures are applied with pyHanko, using a throwaway self-signed certificate made here.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import typst
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import signers
from pyhanko.stamp import TextStamp, TextStampStyle
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def font_names(reader: PdfReader) -> set[str]:
    """The base names of the fonts the pages use, without their subset prefix (ABCDEF+)."""
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        for font in resources.get("/Font", DictionaryObject()).get_object().values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def soft_hyphen_fonts(reader: PdfReader) -> set[str]:
    """The fonts whose text layer maps a glyph to a soft hyphen (U+00AD): a search for a word
    hyphenated with one finds nothing. Read in the fonts' ToUnicode maps, since pdfium and
    poppler show a soft hyphen as a hyphen."""
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        for font in resources.get("/Font", DictionaryObject()).get_object().values():
            font = font.get_object()
            if "/ToUnicode" in font and b"<00ad>" in font["/ToUnicode"].get_data().lower():
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
    return fonts


def insert_page(pdf: bytes, source: bytes, source_page: int, at: int) -> bytes:
    """`pdf` with page `source_page` of `source` inserted before its page `at` (0-based)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.insert_page(PdfReader(io.BytesIO(source)).pages[source_page], at)
    return _written(writer)


def append_pages(pdf: bytes, extra: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in PdfReader(io.BytesIO(extra)).pages:
        writer.add_page(page)
    return _written(writer)


def append_blank_page(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_blank_page()
    return _written(writer)


def without_last_page(pdf: bytes) -> bytes:
    writer = PdfWriter()
    pages = PdfReader(io.BytesIO(pdf)).pages
    for page in list(pages)[:-1]:
        writer.add_page(page)
    return _written(writer)


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return _written(writer)


def typeset(body: str) -> bytes:
    """A one-page A4 PDF of a typst body: a platform's certificate page, for instance."""
    source = f'#set page(paper: "a4")\n#set text(lang: "fr")\n{body}\n'
    return bytes(typst.compile(source.encode("utf-8")))


CERTIFICATE = """= Certificat de signature électronique
Dossier de preuve n° 3F2504E0-4F89-11D3-9A0C-0305E82C3301

Document : Contrat pluriannuel d’objectifs et de moyens CPOM-OCC-2027-014

Signataire : Mme Claire Vidal, signé le 15/12/2026 à 10:32:05 UTC

Empreinte SHA-256 du document : 51bca4d5637ca986dd01d6367007083fb0f51d2153d0380bb710c527de5d47c1

Horodatage délivré par une autorité d’horodatage ; journal des événements conservé dix ans."""


def stamp_every_page(pdf: bytes, text: str) -> bytes:
    """A platform's margin stamp on each page; `text` may use {page} and {pages}."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pages = page_count(pdf)
    style = TextStampStyle(
        stamp_text="%(texte)s", border_width=0, text_box_style=TextBoxStyle(font_size=6)
    )
    for index in range(pages):
        params = {"texte": text.format(page=index + 1, pages=pages)}
        TextStamp(writer=writer, style=style, text_params=params).apply(index, 20, 10)
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]  # pyhanko leaves write() unannotated
    return output.getvalue()


def self_signed(folder: Path, name: str, organisation: str) -> signers.SimpleSigner:
    """A throwaway signing key and self-signed certificate, valid for a month from now."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_file = folder / f"{name}.key.pem"
    cert_file = folder / f"{name}.cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    # pyhanko leaves load() unannotated: the annotation here is what it documents it returns.
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(key_file), str(cert_file)
    )
    assert signer is not None
    return signer


def sign(pdf: bytes, signer: signers.SimpleSigner, field: str) -> bytes:
    """A PAdES signature appended as an incremental update, as a signing platform does."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name=field)
    output: io.BytesIO = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand, object 1 its catalogue, with a correct cross-reference table:
    what a hostile or careless hand can make, beyond what a PDF library would write."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def encrypted(pdf: bytes, user_password: str, owner_password: str = "propriétaire") -> bytes:
    """`pdf` encrypted (AES-256); an empty user password opens it without asking."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password, algorithm="AES-256")
    return _written(writer)


def _written(writer: PdfWriter) -> bytes:
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
