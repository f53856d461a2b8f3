"""The signed file says exactly what was built, except what a signing platform adds.

Rules under test (docs/archive.md): signed page i matches built page i word for word; margin
stamps are accepted at a page's start or end when made only of stamp elements with one that
only a platform writes; pages after the last built page must read as certificates; a file that
is not a PDF is refused; a scan is declared (SCAN=1) and recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assemble.archive.signed_file import SignedCheck, check_signed
from assemble.archive.signed_text import (
    Comparison,
    UnreadablePdf,
    Words,
    compare,
    is_stamp,
    pdf_pages,
    read_pages,
)
from assemble.archive.verify import verify_archive
from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.lifecycle.manifest import MANIFEST
from assemble.pipeline import build_contract
from assemble.project import Outputs, Project

from conftest import ROOT, SAMPLE, copy_project, copy_repository, edit
from pdf_tools import (
    CERTIFICATE,
    append_blank_page,
    append_pages,
    blank_pdf,
    encrypted,
    insert_page,
    page_count,
    raw_pdf,
    stamp_every_page,
    typeset,
    without_last_page,
)


@pytest.fixture(scope="module")
def built(sample_outputs: Outputs) -> bytes:
    return sample_outputs.pdf.read_bytes()


@pytest.fixture(scope="module")
def other_amounts(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The same contract built with another IME allocation: its annex pages differ."""
    project = copy_project(tmp_path_factory.mktemp("autres-montants") / "depot", [SAMPLE])
    edit(
        project.contracts / SAMPLE / "contract.yaml", "dotation: 2870000.00", "dotation: 3870000.00"
    )
    return build_contract(project, SAMPLE).pdf.read_bytes()


@pytest.fixture(scope="module")
def built_pages(built: bytes) -> list[Words]:
    pages = pdf_pages(built)
    assert pages is not None
    return pages


def _compare(built_pages: list[Words], signed: bytes) -> Comparison:
    """The comparison rules alone, on the built pages read once for the module."""
    pages = pdf_pages(signed)
    assert pages is not None
    return compare(built_pages, pages)


def _check(
    tmp_path: Path, data: bytes, built: bytes, *, scan: bool = False, force: str | None = None
) -> SignedCheck:
    path = tmp_path / "signé.pdf"
    path.write_bytes(data)
    return check_signed(path, built, scan=scan, force=force)


def _refused(
    tmp_path: Path, data: bytes, built: bytes, *, scan: bool = False, force: str | None = None
) -> tuple[str, str, str]:
    with pytest.raises(CpomError) as caught:
        _check(tmp_path, data, built, scan=scan, force=force)
    [problem] = caught.value.problems
    assert problem.path == tmp_path / "signé.pdf"
    return problem.code, problem.message, problem.hint or ""


def test_the_built_pdf_itself_is_conforme(tmp_path: Path, built: bytes) -> None:
    check = _check(tmp_path, built, built)
    assert (check.name, check.nature, check.statut) == ("signe.pdf", "pdf", "conforme")
    assert (check.verification.tampons, check.verification.pages_ajoutees) == (0, ())


def test_an_annex_page_inserted_in_the_middle_is_refused_naming_the_page(
    tmp_path: Path, built: bytes, other_amounts: bytes
) -> None:
    tampered = insert_page(built, other_amounts, page_count(other_amounts) - 1, 9)
    code, message, hint = _refused(tmp_path, tampered, built)
    assert code == "archive.mismatch"
    assert "page 10 : attendu « " in message and "trouvé « " in message
    assert "Établissement ou service Nature 2027" in message.split("trouvé « ")[1]  # annex 6
    assert 'FORCE="motif"' in hint


def test_a_changed_amount_on_a_built_page_is_refused(
    tmp_path: Path, built: bytes, other_amounts: bytes
) -> None:
    code, message, _ = _refused(tmp_path, other_amounts, built)
    assert code == "archive.mismatch" and "handicapées : 9 777 380,00 € (neuf millions" in message


def test_a_certificate_page_appended_at_the_end_is_accepted_and_recorded(
    tmp_path: Path, built: bytes
) -> None:
    signed = append_pages(built, typeset(CERTIFICATE))
    check = _check(tmp_path, signed, built)  # end to end, as archiving does
    assert check.statut == "conforme"
    pages = page_count(built)
    [added] = check.verification.pages_ajoutees
    assert added.page == pages + 1
    assert added.debut.startswith("Certificat de signature électronique")
    assert f"page(s) de certificat ajoutée(s) : {pages + 1}" in check.verification.detail


def test_an_annex_page_appended_at_the_end_is_refused(
    built_pages: list[Words], built: bytes, other_amounts: bytes
) -> None:
    last = page_count(other_amounts) - 1
    tampered = insert_page(built, other_amounts, last, page_count(built))
    message = _compare(built_pages, tampered).difference or ""
    assert f"page {page_count(built) + 1}, ajoutée après la dernière page du contrat" in message
    assert "n'est pas un certificat de signature" in message


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("La dotation de l'IME est portée à 3 870 000,00 €.", "un montant en euros"),
        ("Article 22 – Clause nouvelle", "un intitulé d'article"),
        ("Le taux d'actualisation est porté à 2,5 %.", "un pourcentage"),
        ("Les parties conviennent de doubler le préavis.", "un engagement des parties"),
    ],
)
def test_a_certificate_page_carrying_contract_content_is_refused(
    built_pages: list[Words], built: bytes, extra: str, reason: str
) -> None:
    signed = append_pages(built, typeset(f"{CERTIFICATE}\n\n{extra}"))
    assert reason in (_compare(built_pages, signed).difference or "")


def test_an_appended_page_repeating_the_contract_text_is_refused(
    built_pages: list[Words], built: bytes
) -> None:
    page = typeset(
        f"{CERTIFICATE}\n\nToute modification de ce périmètre, notamment par extension, "
        "réduction ou transformation de capacité, création ou fermeture d’un établissement"
    )
    difference = _compare(built_pages, append_pages(built, page)).difference or ""
    assert "15 mots consécutifs ou plus du contrat" in difference


def test_a_blank_page_appended_is_refused(built_pages: list[Words], built: bytes) -> None:
    assert "page sans texte" in (_compare(built_pages, append_blank_page(built)).difference or "")


def test_a_missing_page_is_refused(built_pages: list[Words], built: bytes) -> None:
    message = _compare(built_pages, without_last_page(built)).difference or ""
    assert f"il manque la ou les pages {page_count(built)}" in message


def test_a_margin_stamp_on_every_page_is_accepted(built_pages: list[Words], built: bytes) -> None:
    stamped = stamp_every_page(
        built,
        "Signé électroniquement par Mme Claire Vidal le 15/12/2026 à 10:32:05 UTC — "
        "Enveloppe 3F2504E0-4F89-11D3-9A0C-0305E82C3301 — page {page}/{pages}",
    )
    comparison = _compare(built_pages, append_pages(stamped, typeset(CERTIFICATE)))
    assert comparison.difference is None
    assert comparison.stamps == page_count(built)
    assert len(comparison.appended) == 1


def test_a_stamp_carrying_other_words_is_refused(built_pages: list[Words], built: bytes) -> None:
    stamped = stamp_every_page(
        built, "Signé électroniquement par Mme Claire Vidal - dotation portée à 9 000 000 €"
    )
    message = _compare(built_pages, stamped).difference or ""
    assert "page 1 : ajout « Signé électroniquement par Mme Claire Vidal - dotation" in message


@pytest.mark.parametrize(
    "run",
    [
        "Signé électroniquement par Mme Claire Vidal le 15/12/2026 à 10:32:05 UTC",
        "DocuSign Envelope ID: 3F2504E0-4F89-11D3-9A0C-0305E82C3301",
        "Page 3/19",
        "p. 3 sur 19",
        "SHA-256 : 51bca4d5637ca986dd01d6367007083fb0f51d2153d0380bb710c527de5d47c1",
        "Yousign | 7f3k2j9x8w1q0z5c | Horodaté le 2026-12-15T10:32:05Z",
        "Signataire : M. Paul Ferrand — 15 décembre 2026 à 10h32",
        "Digitally signed by Claire Vidal on 2026-12-15 10:32:05 +01:00",
        "https://verif.example.org/e/3F25 — claire.vidal@ars.sante.fr",
    ],
)
def test_stamp_elements_are_recognised(run: str) -> None:
    assert is_stamp(run)


@pytest.mark.parametrize(
    "run",
    [
        "le 15/12/2026 à 10:32",  # only weak elements: no platform wrote this
        "Signé par Mme Claire Vidal 1 000 000 €",
        "Signé électroniquement par Article 9",
        "page 3/19 la dotation est doublée",
        "Signé par Mme Claire Vidal ne s'applique pas",
        "3F2504E0-4F89-11D3-9A0C-0305E82C3301 " * 12,  # too long for a stamp
    ],
)
def test_other_inserted_runs_are_not_stamps(run: str) -> None:
    assert not is_stamp(run)


def test_a_pdf_without_text_must_be_declared_a_scan(tmp_path: Path, built: bytes) -> None:
    code, message, hint = _refused(tmp_path, blank_pdf(), built)
    assert code == "signature.no-text" and "SCAN=1" in hint
    check = _check(tmp_path, blank_pdf(), built, scan=True)
    assert (check.name, check.nature, check.statut) == (
        "signe.pdf",
        "numerisation",
        "non-verifiable",
    )


def test_a_declared_scan_must_be_a_pdf_or_an_image(tmp_path: Path, built: bytes) -> None:
    code, message, hint = _refused(tmp_path, b"texte ordinaire\n", built, scan=True)
    assert code == "signature.scan-format" and "PNG, JPEG ou TIFF" in hint


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return copy_project(tmp_path_factory.mktemp("projet") / "depot", [SAMPLE])


def _run(project: Project, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(project.root)
    return main(["--racine", str(project.root), *args])


def test_a_text_file_named_pdf_is_refused_with_a_located_error(
    unsigned: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = copy_repository(unsigned, tmp_path / "depot")
    fake = project.root / "x.pdf"
    fake.write_text("ceci n'est pas un PDF\n", encoding="utf-8")
    assert _run(project, monkeypatch, "archive", SAMPLE, "--signe", "x.pdf") == 1
    err = capsys.readouterr().err
    assert (
        "x.pdf: le fichier signé n'est pas un PDF lisible : ce n'est pas un PDF (il ne commence "
        "pas par « %PDF- ») [signature.unreadable]"
    ) in err
    assert "→ SIGNED= désigne le PDF reçu" in err and "SCAN=1" in err
    assert not (project.archive / SAMPLE).exists()


def test_a_declared_scan_is_archived_and_recorded_as_such(
    unsigned: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = copy_repository(unsigned, tmp_path / "depot")
    scan = project.root / "numérisation.png"
    scan.write_bytes(_png())
    assert _run(project, monkeypatch, "archive", SAMPLE, "--signe", scan.name, "--scan") == 0
    assert "fichier signé non vérifié : document numérisé déclaré" in capsys.readouterr().out
    folder = project.archive / SAMPLE / "v1"
    signed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["fichier_signe"]
    assert (signed["nom"], signed["nom_recu"], signed["nature"]) == (
        "signe.png",
        "numérisation.png",
        "numerisation",
    )
    assert signed["verification"]["statut"] == "non-verifiable"
    assert (folder / "signe.png").read_bytes() == _png()
    assert verify_archive(project).problems == ()


def test_make_archive_passes_scan_to_the_cli() -> None:
    dry = subprocess.run(
        ["make", "-n", "archive", "C=x", "SIGNED=scan.png", "SCAN=1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '--signe "scan.png"' in dry.stdout and "--scan" in dry.stdout


@pytest.mark.parametrize(
    ("signed", "why"),
    [
        (b"%PDF-1.7\n" + b"\0" * 64, "sa structure est abîmée ou illisible"),
        (b"GIF89a", "ce n'est pas un PDF"),
        (None, "il est protégé par un mot de passe"),
    ],
)
def test_a_signed_file_that_cannot_be_opened_is_refused_before_anything_is_rendered(
    tmp_path: Path, built: bytes, monkeypatch: pytest.MonkeyPatch, signed: bytes | None, why: str
) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    from assemble.archive import store
    from assemble.lifecycle import stages

    if signed is None:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(built)))
        writer.encrypt("secret", algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
        signed = out.getvalue()
    project = copy_project(tmp_path / "depot", [SAMPLE])
    path = project.root / "CPOM signé.pdf"
    path.write_bytes(signed)

    def rendered(*args: object, **kwargs: object) -> None:
        raise AssertionError("composé et rendu avant de lire le fichier signé")

    monkeypatch.setattr(stages, "render", rendered)
    monkeypatch.setattr(stages, "compose", rendered)
    with pytest.raises(CpomError) as caught:
        store.archive_version(project, SAMPLE, path, dt.date(2026, 12, 15))
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == ("signature.unreadable", path)
    assert problem.message.startswith("le fichier signé n'est pas un PDF lisible : " + why)
    assert not project.archive.exists()


# --- hostile or broken PDFs: every one an UnreadablePdf with its reason, never a crash -------

CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]%b>>"
FONT = b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>"


def _page_with(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (a content stream) in Helvetica."""
    return raw_pdf(
        CATALOG,
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        PAGE % (FONT + b"/Contents 4 0 R"),
        b"<</Length %d>>stream\n%b\nendstream" % (len(content), content),
    )


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (raw_pdf(CATALOG, b"<</Type/Pages/Kids[]/Count 0>>"), "il n'a aucune page"),
        (raw_pdf(b"<</Type/Catalog>>"), "il n'a aucune page"),
        # a page tree that claims a million pages in a few hundred bytes
        (
            raw_pdf(CATALOG, b"<</Type/Pages/Kids[3 0 R]/Count 999999>>", PAGE % b""),
            "il a 999999 pages, au-delà des 40 attendues au plus",
        ),
        # a page tree that is its own kid
        (
            raw_pdf(CATALOG, b"<</Type/Pages/Kids[2 0 R 3 0 R]/Count 3>>", PAGE % b""),
            "sa structure est abîmée ou illisible",
        ),
        (b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R", "sa structure est abîmée ou illisible"),
    ],
    ids=["no-page", "no-page-tree", "million-pages", "kids-cycle", "truncated"],
)
def test_a_broken_or_hostile_pdf_is_unreadable_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, data: bytes, why: str
) -> None:
    import pypdfium2.raw as pdfium_c

    def no_text(*args: object) -> None:
        raise AssertionError("du texte lu avant que le nombre de pages soit borné")

    if why.startswith("il a "):  # refused on the count alone: no page's text is read
        monkeypatch.setattr(pdfium_c, "FPDFText_LoadPage", no_text)
    with pytest.raises(UnreadablePdf) as caught:
        read_pages(data, max_pages=40)
    assert str(caught.value) == why
    assert pdf_pages(data) is None


def test_a_page_whose_drawing_is_broken_or_endless_reads_what_it_can_quickly() -> None:
    garbage = b"BT /F1 12 Tf 72 720 Td (Bonjour madame) Tj ((( [[[ <zz> /F9 Tf ET Q Q Q"
    assert read_pages(_page_with(garbage)) == [["Bonjour", "madame"]]
    nested = b"q " * 200_000 + b"BT /F1 12 Tf 72 720 Td (fin) Tj ET"
    started = time.perf_counter()
    assert read_pages(_page_with(nested)) == [["fin"]]
    assert time.perf_counter() - started < 5


def test_a_pdf_encrypted_without_a_user_password_is_read(
    built: bytes, built_pages: list[Words]
) -> None:
    """Only the permissions are locked (an owner password): the text opens without asking."""
    assert read_pages(encrypted(built, "")) == built_pages
    with pytest.raises(UnreadablePdf, match="^il est protégé par un mot de passe$"):
        read_pages(encrypted(built, "secret"))


def test_every_pdfium_handle_is_closed_when_reading_returns_or_refuses(
    monkeypatch: pytest.MonkeyPatch, built: bytes
) -> None:
    """Documents, pages and text pages closed as soon as read, refused ones too: none is left to
    the garbage collector in a batch."""
    import gc

    import pypdfium2.raw as pdfium_c

    opened: dict[str, int] = {}
    pairs = {
        "FPDF_LoadMemDocument64": "FPDF_CloseDocument",
        "FPDF_LoadPage": "FPDF_ClosePage",
        "FPDFText_LoadPage": "FPDFText_ClosePage",
    }
    for name in [*pairs, *pairs.values()]:
        monkeypatch.setattr(pdfium_c, name, _counting(name, getattr(pdfium_c, name), opened))
    gc.disable()  # what is closed is closed by the code, not collected
    try:
        assert len(read_pages(built)) == page_count(built)
        for data in (
            raw_pdf(CATALOG, b"<</Type/Pages/Kids[]/Count 0>>"),
            raw_pdf(CATALOG, b"<</Type/Pages/Kids[3 0 R]/Count 999999>>", PAGE % b""),
            raw_pdf(CATALOG, b"<</Type/Pages/Kids[2 0 R 3 0 R]/Count 3>>", PAGE % b""),
        ):
            with pytest.raises(UnreadablePdf):
                read_pages(data, max_pages=40)
        assert opened["FPDF_LoadMemDocument64"] == 4
        assert opened["FPDF_LoadPage"] == page_count(built) + 1  # the cycle's first page
        for load, close in pairs.items():
            assert opened.get(close, 0) == opened[load], (load, opened)
    finally:
        gc.enable()


def _counting(name: str, real: Callable[..., Any], counts: dict[str, int]) -> Callable[..., Any]:
    """`real`, counting in `counts` its calls that opened something (or every call of a close)."""

    def counted(*args: Any) -> Any:
        result = real(*args)
        if result or "Close" in name:
            counts[name] = counts.get(name, 0) + 1
        return result

    return counted
