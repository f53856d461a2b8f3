"""The files of templates/: checked before pandoc and docxtpl see them, their errors located.

A broken template is the template's fault, not the tool's: a Word model that is not a readable
.docx, or a typst layout that does not compile, is reported on that file (and, for typst, its
line) with what to do, instead of a pandoc backtrace.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..core.errors import CpomError, Problem
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_bytes, read_text

FONTS = "fonts"  # under templates/: the typeface of the PDF, recorded like the templates
FONT_FILES = tuple(
    f"{FONTS}/LiberationSerif-{style}.ttf" for style in ("Regular", "Bold", "Italic", "BoldItalic")
)
# Every file of templates/ a rendering reads: recorded by hash in each lock.
TEMPLATE_FILES = (
    "reference.docx",
    "couverture.docx",
    "signatures.docx",
    "contrat.typ",
    *FONT_FILES,
)
WORD_PARTS = ("[Content_Types].xml", "word/document.xml")
WORD_HINT = (
    "c'est le modèle qui est à corriger : restaurez-le depuis git (git checkout -- templates/), "
    "ou ouvrez-le dans Word et réenregistrez-le au format .docx"
)
TYPST_HINT = (
    "c'est le modèle PDF qui est à corriger, à la ligne indiquée (voir docs/modeles.md) ; en "
    "cas de doute, restaurez-le depuis git (git checkout -- templates/contrat.typ)"
)
_UNPACKED_BYTES = 64 * 1024 * 1024
_TYPST_PLACE = re.compile(r"┌─ [^\n]*?:(\d+):(\d+)")


def check_templates(folder: Path) -> None:
    """Check every template before rendering, so that a broken one fails fast and located."""
    check_word_template(folder / "reference.docx", "word/styles.xml")
    for name in ("couverture.docx", "signatures.docx"):
        check_word_template(folder / name)
    read_text(folder / "contrat.typ", TOOL_FILE_BYTES)


def check_word_template(path: Path, *parts: str) -> None:
    """Refuse a Word model that is not a readable .docx: a ZIP of well-formed XML parts."""
    data = read_bytes(path, TOOL_FILE_BYTES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        missing = [p for p in (*WORD_PARTS, *parts) if p not in names]
        if missing:
            raise _word(path, f"il y manque {', '.join(missing)}")
        if sum(info.file_size for info in archive.infolist()) > _UNPACKED_BYTES:
            raise _word(path, "son contenu décompressé dépasse 64 Mo")
        for name in sorted(names):
            if name.endswith((".xml", ".rels")):
                _parse_part(path, name, archive.read(name))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _word(path, "ce n'est pas un fichier .docx lisible (archive ZIP abîmée)") from None


def _parse_part(path: Path, name: str, data: bytes) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise _word(
            path, f"la partie {name} est du XML invalide (ligne {line} de la partie : {exc.msg})"
        ) from None


def _word(path: Path, detail: str) -> CpomError:
    return CpomError.one("template.docx", f"modèle Word abîmé : {detail}", path, hint=WORD_HINT)


def pandoc_template_error(stderr: str, template: Path) -> Problem | None:
    """pandoc's own error on a template it cannot compile, located in that template."""
    found = re.search(
        r'Error compiling template "[^"]*" \(line (\d+), column (\d+)\):\s*(.*)', stderr, re.DOTALL
    )
    if not found:
        return None
    detail = " ".join(found[3].split())
    return Problem(
        "template.typst",
        f"gabarit pandoc invalide dans le modèle PDF (colonne {found[2]}) : {detail}",
        template,
        int(found[1]),
        TYPST_HINT,
    )


def typst_error(diagnostic: str, message: str, source: str, template: Path) -> Problem | None:
    """A typst error at a line of the generated source that comes from the template."""
    place = _TYPST_PLACE.search(diagnostic)
    if not place:
        return None
    generated = int(place[1])
    try:
        template_text = template.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    line = template_line(template_text, source, generated)
    if line is None:
        return None
    return Problem(
        "template.typst",
        f"typst : {message} (colonne {place[2]})",
        template,
        line,
        TYPST_HINT,
    )


def template_line(template: str, source: str, line: int) -> int | None:
    """The template line that produced `line` of the generated source, if one did.

    pandoc copies the template's lines, substituting variables; the contract's text comes in
    where `$body$` stands. Aligning the two texts line by line finds where a line came from;
    a line of the contract's own text has no template line.
    """
    theirs = [t.strip() for t in template.split("\n")]
    ours = [s.strip() for s in source.split("\n")]
    index = line - 1
    matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if not j1 <= index < j2:
            continue
        region = theirs[i1:i2]
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            found = i1 + index - j1
            return None if "$body$" in theirs[found] else found + 1
        if tag == "replace" and len(region) == 1 and "$body$" not in region[0]:
            return i1 + 1
        return None
    return None
