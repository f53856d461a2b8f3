"""Does the signed PDF say exactly what was built? Page by page, with what a platform may add.

Signed page i is compared with built page i, word for word: nothing may be removed or changed,
and the only words that may be inserted are margin stamps: at the start or the end of the page's
text, runs made only of the stamp elements below, with at least one element that only a signing
platform writes. Pages after the last
built page must each read as a signature certificate: a certificate word, and no contract
content. docs/archive.md states these rules for drafters and auditors; keep the two in step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Words = list[str]

_I = re.IGNORECASE
_LETTER = r"[^\W\d_]"
_NAME_WORD = rf"(?!(?:Article|Annexe|Titre)\b)(?-i:[A-ZÀ-ÖØ-Þ]){_LETTER}*(?:['’.-]{_LETTER}+)*\.?"
_NAME = (
    rf"(?:(?:M\.|Mme|Mlle|Me|Dr|Pr)\s+)?{_NAME_WORD}"
    rf"(?:\s+(?:(?:de|du|des|la|le|van|von|d['’])\s*)?{_NAME_WORD}){{0,4}}"
)
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

# (pattern, strong): a stamp run needs at least one strong element, which only a signing
# platform writes; weak elements (dates, times, connectors) are admitted beside one.
STAMP_ELEMENTS: tuple[tuple[re.Pattern[str], bool], ...] = (
    # "Signé électroniquement par Mme Claire Vidal", "Signataire : …", "Digitally signed by …"
    (
        re.compile(
            r"(?:sign[ée]e?s?|signature|signataire|(?:digitally\s+|electronically\s+)?signed)"
            r"(?:\s+(?:électroniquement|électronique|numériquement|numérique|electronically|"
            rf"digitally|electronic|digital))?(?:\s*(?:par|by|:)\s*{_NAME})?",
            _I,
        ),
        True,
    ),
    # the signing platforms' names
    (
        re.compile(
            r"docusign(?:\s+envelope\s+id)?|yousign|universign|docage|lex\s?persona|"
            r"adobe\s+(?:acrobat\s+)?sign|dropbox\s+sign|hellosign|oodrive(?:\s+sign)?|"
            r"certinomis|chambersign|connective|signaturit|contralia|docaposte|certeurope|"
            r"sunnystamp|pades|eidas",
            _I,
        ),
        True,
    ),
    # envelope, transaction or document ids: a UUID, or a 12-64 character token of letters
    # and digits, optionally labelled
    (
        re.compile(
            r"(?:(?:envelope|enveloppe|transaction|dossier|document|procédure|procedure|"
            r"demande|request|certificat|certificate|preuve|identifiant|id|réf(?:érence)?|"
            r"ref(?:erence)?)\.?\s*(?:id|n°|no\.?|#)?\s*:?\s*)?"
            r"(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|"
            r"(?=[a-z0-9_-]*\d)(?=[a-z0-9_-]*[a-z])[a-z0-9_-]{12,64})",
            _I,
        ),
        True,
    ),
    # document hashes
    (
        re.compile(
            r"(?:(?:sha-?(?:1|224|256|384|512)|md5|empreinte|hash|condensat|digest)\s*:?\s*)?"
            r"[0-9a-f]{32,128}",
            _I,
        ),
        True,
    ),
    # page counters: "page 3/19", "p. 3 sur 19"
    (re.compile(r"(?:page|p\.)\s*\d{1,4}\s*(?:/|sur|of|de)\s*\d{1,4}", _I), True),
    # verification links
    (re.compile(r"https?://\S+", _I), True),
    # dates: 15/12/2026, 2026-12-15T10:32:05Z, 15 décembre 2026
    (
        re.compile(
            r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|"
            r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?|"
            rf"(?:1er|\d{{1,2}})\s+(?:{_MONTHS})\s+\d{{4}}",
            _I,
        ),
        False,
    ),
    # times and time zones: 10:32, 10h32, 10:32:05, UTC+01:00
    (
        re.compile(
            r"\d{1,2}\s?[:h]\s?\d{2}(?:\s?[:m]\s?\d{2}(?:[.,]\d+)?)?|"
            r"(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d{2})?",
            _I,
        ),
        False,
    ),
    # connectors and labels of a stamp
    (
        re.compile(
            r"le|à|a|at|on|du|de|par|by|via|sur|of|horodatage|horodatée?|timestamp(?:ed)?|"
            r"date|heure|time|utc|gmt|cet|cest|z",
            _I,
        ),
        False,
    ),
    # e-mail addresses and bare counters
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d{1,4}\s?/\s?\d{1,4}", _I), False),
)
_SEPARATOR = re.compile(r"[^\w€%$£]+")
MAX_STAMP_CHARS = 400  # one inserted run
MAX_STAMPS_CHARS = 1000  # everything inserted on one page

CERTIFICATE_WORDS = re.compile(
    r"certificat|certificate|dossier de preuve|fichier de preuve|preuve de signature|"
    r"piste d['’]audit|audit trail|journal des (?:événements|évènements)|horodatage|"
    r"signature électronique|electronic signature",
    _I,
)
# What a certificate page never holds and a contract page does.
CONTRACT_CONTENT: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "un intitulé d'article, d'annexe ou de titre",
        re.compile(r"\b(?:article|annexe|titre)\s+(?:\d+|[IVXLC]+)\b", _I),
    ),
    ("un montant en euros", re.compile(r"\d(?:[\d\s.]*\d)?(?:,\d+)?\s*(?:€|euros?\b|EUR\b)", _I)),
    ("un pourcentage", re.compile(r"\d+(?:[.,]\d+)?\s*%")),
    (
        "un engagement des parties",
        re.compile(
            r"s['’]engagen?t?\b|conviennent|il est convenu|dotations?\b|résiliation|dénonciation|"
            r"financeurs?\b",
            _I,
        ),
    ),
)
SHARED_RUN = 15  # consecutive words of the contract that a certificate page may not repeat


@dataclass(frozen=True)
class AppendedPage:
    page: int  # 1-based, in the signed file
    start: str  # its first words, recorded in the manifest


@dataclass(frozen=True)
class Comparison:
    difference: str | None  # the first passage that differs, None when the text is the same
    stamps: int  # stamp runs accepted on built pages
    appended: tuple[AppendedPage, ...]


class UnreadablePdf(Exception):
    """The data is not a PDF whose text can be read; the message says why, in French."""


def pdf_pages(data: bytes) -> list[Words] | None:
    """Each page's words, or None when the data is not a PDF that can be read."""
    try:
        return read_pages(data)
    except UnreadablePdf:
        return None


@contextmanager
def open_pdf(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """The PDF opened by pdfium, its pages not yet read, closed on leaving; UnreadablePdf if
    it is not a PDF, is protected by a password or its structure cannot be read."""
    if b"%PDF-" not in data[:1024]:
        raise UnreadablePdf("ce n'est pas un PDF (il ne commence pas par « %PDF- »)")
    # Opened here rather than by PdfDocument(data), which keeps a document with no page open
    # when it refuses it. pdfium reads `data` in place: it stays referenced until closed.
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        error = pdfium_c.FPDF_GetLastError()
        if error == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadablePdf("il est protégé par un mot de passe")
        if error == pdfium_c.FPDF_ERR_SECURITY:
            raise UnreadablePdf("il est chiffré par un procédé qui ne peut pas être lu")
        raise UnreadablePdf("sa structure est abîmée ou illisible")
    document = pdfium.PdfDocument(raw)
    try:
        yield document
    finally:
        document.close()


def page_texts(data: bytes, max_pages: int | None = None) -> list[str]:
    """Each page's text as pdfium reads it, lines ending in "\\n"; UnreadablePdf says why not.

    A word hyphenated at a line's end reads "hyphen-" then "ated" on the next line, as the
    hyphen is printed (pdfium joins the two halves with U+FFFE, whether the hyphen is a hard
    one as in "Château-Gontier-sur-Mayenne" or a soft one: which it was cannot be known).
    `max_pages` refuses a PDF with more pages before extracting any text: a page tree can
    claim a million pages in a few kilobytes.
    """
    with open_pdf(data) as document:
        count = _page_count(document, max_pages)
        try:
            return [_page_text(document, index) for index in range(count)]
        except Exception:  # noqa: BLE001 - hostile or broken input: a page that cannot be loaded
            raise UnreadablePdf("sa structure est abîmée ou illisible") from None


def read_pages(data: bytes, max_pages: int | None = None, *, text: bool = True) -> list[Words]:
    """Each page's words (empty lists when `text` is False); UnreadablePdf says why not.

    `max_pages` refuses a PDF with more pages before extracting any text (see page_texts).
    """
    if not text:
        with open_pdf(data) as document:
            return [[] for _ in range(_page_count(document, max_pages))]
    return [_words(page) for page in page_texts(data, max_pages)]


def _page_count(document: pdfium.PdfDocument, max_pages: int | None) -> int:
    count: int = len(document)
    if count < 1:
        raise UnreadablePdf("il n'a aucune page")
    if max_pages is not None and count > max_pages:
        raise UnreadablePdf(f"il a {count} pages, au-delà des {max_pages} attendues au plus")
    return count


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return text.replace("\r\n", "\n").replace("\ufffe", "-\n")


def _words(text: str) -> Words:
    return re.findall(r"\S+", text.replace("\u00a0", " ").replace("\u202f", " "))


def compare(built: list[Words], signed: list[Words]) -> Comparison:
    """Compare signed page i with built page i; pages past the last built one are certificates."""
    stamps = 0
    for number, (expected, found) in enumerate(zip(built, signed, strict=False), start=1):
        difference, accepted = _compare_page(expected, found)
        if difference is not None:
            return Comparison(f"page {number} : {difference}", stamps, ())
        stamps += accepted
    if len(signed) < len(built):
        missing = (
            f"{len(signed) + 1}"
            if len(built) == len(signed) + 1
            else (f"{len(signed) + 1} à {len(built)}")
        )
        return Comparison(
            f"le fichier signé a {len(signed)} pages, la version construite {len(built)} : "
            f"il manque la ou les pages {missing}",
            stamps,
            (),
        )
    shingles = _shingles([w for page in built for w in page])
    appended = []
    for number in range(len(built) + 1, len(signed) + 1):
        words = signed[number - 1]
        refusal = _not_a_certificate(words, shingles)
        if refusal is not None:
            return Comparison(
                f"page {number}, ajoutée après la dernière page du contrat, n'est pas un "
                f"certificat de signature ({refusal}) : « {_excerpt(words, 0)} »",
                stamps,
                (),
            )
        appended.append(AppendedPage(number, _excerpt(words, 0, 12)))
    return Comparison(None, stamps, tuple(appended))


def _compare_page(built: Words, signed: Words) -> tuple[str | None, int]:
    """The first difference on one page, or None and the number of stamps accepted."""
    matcher = difflib.SequenceMatcher(a=built, b=signed, autojunk=False)
    stamps = 0
    inserted = 0
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert":
            run = " ".join(signed[b1:b2])
            inserted += len(run)
            at_edge = b1 == 0 or b2 == len(signed)  # where an overlay's or underlay's text lands
            if at_edge and is_stamp(run) and inserted <= MAX_STAMPS_CHARS:
                stamps += 1
                continue
            return f"ajout « {_excerpt(signed, b1, b2 - b1 + 12)} »", stamps
        expected = _excerpt(built, max(0, a1 - 6), a2 - a1 + 12)
        found = _excerpt(signed, max(0, b1 - 6), b2 - b1 + 12) if b2 > b1 else "(rien)"
        return f"attendu « {expected} », trouvé « {found} »", stamps
    return None, stamps


def is_stamp(run: str) -> bool:
    """True when a run of inserted text is made only of stamp elements, one of them strong."""
    if len(run) > MAX_STAMP_CHARS:
        return False
    position = 0
    strong = False
    skip = _SEPARATOR.match(run, position)
    position = skip.end() if skip else position
    while position < len(run):
        best_end, best_strong = -1, False
        for pattern, is_strong in STAMP_ELEMENTS:
            match = pattern.match(run, position)
            if match and match.end() > best_end and _at_boundary(run, match.end()):
                best_end, best_strong = match.end(), is_strong
        if best_end <= position:
            return False
        strong = strong or best_strong
        position = best_end
        skip = _SEPARATOR.match(run, position)
        position = skip.end() if skip else position
    return strong


def _at_boundary(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] in "€%$£_")


def _not_a_certificate(words: Words, shingles: set[tuple[str, ...]]) -> str | None:
    """Why an appended page is not a certificate page, or None when it is one."""
    text = " ".join(words)
    if not words:
        return "page sans texte : son contenu ne peut pas être vérifié"
    if not CERTIFICATE_WORDS.search(text):
        return "aucun terme de certificat, de preuve ou d'horodatage"
    for label, pattern in CONTRACT_CONTENT:
        if pattern.search(text):
            return f"elle contient {label}"
    if any(tuple(words[i : i + SHARED_RUN]) in shingles for i in range(len(words))):
        return f"elle reprend {SHARED_RUN} mots consécutifs ou plus du contrat"
    return None


def _shingles(words: Words) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}


def _excerpt(words: Words, start: int, count: int = 24) -> str:
    return " ".join(words[start : start + min(count, 24)]) or "(rien)"
