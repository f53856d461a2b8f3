"""A PDF's text as the archive reads it (pdfium, assemble/archive/signed_text.py): for the tests.

Lines end in "\\n"; a word hyphenated at a line's end reads "hyphen-" then "ated" on the next
line, as printed. A no-break space stays a no-break space, and pdfium, like any extractor, may
add a space beside one where the glyphs are set apart ("l’article\\u00a0 L.\\u00a0312-8"): a test
that looks for a phrase makes every run of spaces one space first.
"""

from __future__ import annotations

from pathlib import Path

from assemble.archive.signed_text import page_texts


def pdf_pages(pdf: Path | bytes) -> list[str]:
    """Each page's text, first page first."""
    return page_texts(pdf.read_bytes() if isinstance(pdf, Path) else pdf)


def pdf_text(pdf: Path | bytes) -> str:
    """The whole text, pages joined by a line end."""
    return "\n".join(pdf_pages(pdf))
