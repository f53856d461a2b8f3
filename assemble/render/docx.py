"""Word output: pandoc writes the body with reference.docx; docxtpl renders cover and signatures."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docxcompose.composer import Composer
from lxml import etree

from ..compose.consolidated import mention
from ..compose.document import Document
from ..core.cache import Cache, code_identity
from ..core.errors import ToolError
from .markdown import SIGNATURES_ID
from .pandoc import ast_to, with_meta, without_meta
from .parts import template_context
from .properties import FileIdentity, identity_meta
from .template_files import check_word_template
from .typography import DATES, LINE_BREAKS, SHORT_TABLE_ROWS, line_breaks

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIGNATURE_STYLE = "Signatures"
TABLE_STYLE_ID = "TableText"
TABLE_HEADING_STYLE_ID = "TableHeading"


def docx_body(doc: Document, ast: dict[str, Any], *, broken: bool = False) -> dict[str, Any]:
    """The AST as the Word writer renders it: no cover metadata, the rendering profile's
    filters applied (`broken`: its line breaks are already, see `profile_breaks`)."""
    body_ast = without_meta(ast, "title", "subtitle", "date", "author")
    if doc.rendu >= LINE_BREAKS and not broken:
        body_ast = line_breaks(body_ast, dates=doc.rendu >= DATES)
    return body_ast


def render_docx(
    doc: Document,
    ast: dict[str, Any],
    templates: Path,
    epoch: int,
    *,
    filtered: bool = False,
    broken: bool = False,
    cache: Cache | None = None,
    identity: FileIdentity | None = None,
) -> bytes:
    """The contract as .docx bytes: cover, body, signature page before the annexes.

    `filtered`: the AST already went through `docx_body` (a redline merges two that did);
    `broken`: through `profile_breaks`; `cache` keeps the cover and signature pages;
    `identity`: what the file says it is, as custom properties (see properties.py)."""
    body_ast = ast if filtered else docx_body(doc, ast, broken=broken)
    body_ast = with_meta(body_ast, **identity_meta(doc, identity))
    reference = templates / "reference.docx"
    check_word_template(reference, "word/styles.xml")
    body = docx.Document(io.BytesIO(ast_to(body_ast, "docx", epoch, "--reference-doc", reference)))
    if doc.rendu >= LINE_BREAKS:
        _tables_together(body)
        _space_after_tables(body)
    context = template_context(doc)
    cover = render_template(templates / "couverture.docx", context, cache)
    signatures = render_template(templates / "signatures.docx", context, cache)
    _table_text_style(body)
    composer = Composer(body)
    if doc.consolidation is None:
        marker = _signature_marker_index(body)
        body.element.body.remove(body.element.body[marker])
        composer.insert(marker, signatures)
    composer.insert(0, cover)
    _fill_header_fields(body, doc.reference)
    if doc.consolidation is not None:
        _check_cover_mention(cover, templates / "couverture.docx")
        _mention_in_headers(body, mention(doc.consolidation))
    _core_properties(body, doc)
    out = io.BytesIO()
    body.save(out)
    return normalize_zip(out.getvalue(), doc.timestamp)


def render_template(
    path: Path, context: dict[str, Any], cache: Cache | None = None
) -> docx.document.Document:
    """A Word template rendered with the document's values; kept in `cache` by the template,
    the values and the tool's code (a cover changes when its data does, not at every build)."""
    check_word_template(path)
    key = ""
    if cache is not None and cache.folder is not None:
        values = json.dumps(context, sort_keys=True, ensure_ascii=False, default=repr)
        key = Cache.key(code_identity(), path.read_bytes(), values)
        kept = cache.get("parties-word", key)
        if kept is not None:
            with suppress(Exception):  # a damaged entry: rendered again
                return docx.Document(io.BytesIO(kept))
    # Jinja and docxtpl only when a page is rendered (a redline or a rebuild finds them kept).
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined

    from ..compose.sandbox import BoundedSandbox, Exhausted, budget, exhausted_by

    env = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    try:
        template = DocxTemplate(str(path))
        with budget():
            template.render(context, jinja_env=env)
    except (Exception, Exhausted) as exc:  # noqa: BLE001 - a broken Word model is reported
        reason = exhausted_by(exc)
        if reason is not None:
            raise ToolError.one(
                "template.budget",
                f"modèle Word trop coûteux : {reason}",
                path,
                hint="c'est le modèle qui est à corriger : vérifiez ses boucles {% for %} et "
                "ses répétitions, ou restaurez-le depuis git (git checkout -- templates/)",
            ) from None
        raise ToolError.one(
            "template.word",
            f"modèle Word invalide : {exc}",
            path,
            hint="vérifiez les balises {{ }} et {%p %} du modèle (voir docs/modeles.md)",
        ) from None
    out = io.BytesIO()
    template.save(out)
    if key and cache is not None:
        cache.put("parties-word", key, out.getvalue())
    return docx.Document(io.BytesIO(out.getvalue()))


def _table_text_style(body: docx.document.Document) -> None:
    # pandoc gives table cells the "Compact" style it also uses for tight lists; cells get
    # their own style so that drafters can restyle tables in Word without touching lists.
    # Header rows get a style of their own: office suites differ on table-style conditions.
    for table in body.element.body.iter(f"{W}tbl"):
        for row in table.iter(f"{W}tr"):
            header = row.find(f"{W}trPr/{W}tblHeader") is not None
            for style in row.iter(f"{W}pStyle"):
                if style.get(f"{W}val") == "Compact":
                    style.set(f"{W}val", TABLE_HEADING_STYLE_ID if header else TABLE_STYLE_ID)


def _tables_together(body: docx.document.Document) -> None:
    # No row is split across two pages; a short table stays on one page, as Word does when
    # every row but the last is kept with the next one.
    for table in body.element.body.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        for row in rows:
            properties = row.find(f"{W}trPr")
            if properties is None:
                properties = etree.Element(f"{W}trPr")
                row.insert(0, properties)
            if properties.find(f"{W}cantSplit") is None:
                properties.insert(0, etree.Element(f"{W}cantSplit"))  # first in CT_TrPr
        if len(rows) > SHORT_TABLE_ROWS:
            continue
        for row in rows[:-1]:
            for paragraph in row.iter(f"{W}p"):
                properties = paragraph.find(f"{W}pPr")
                if properties is None:
                    properties = etree.Element(f"{W}pPr")
                    paragraph.insert(0, properties)
                if properties.find(f"{W}keepNext") is None:
                    # keepNext follows pStyle in CT_PPr's sequence.
                    style = properties.find(f"{W}pStyle")
                    index = 0 if style is None else list(properties).index(style) + 1
                    properties.insert(index, etree.Element(f"{W}keepNext"))


_TEXT_STYLES = ("BodyText", "FirstParagraph", "Compact", "Intertitre")
# CT_PPr children that come after w:spacing, in schema order.
_AFTER_SPACING = {f"{W}{tag}" for tag in ("ind", "contextualSpacing", "jc", "rPr", "sectPr")}


def _space_after_tables(body: docx.document.Document) -> None:
    # Word puts no space between a table and the paragraph after it; the PDF gives 6 pt.
    for table in body.element.body.iter(f"{W}tbl"):
        paragraph = table.getnext()
        if paragraph is None or paragraph.tag != f"{W}p":
            continue
        properties = paragraph.find(f"{W}pPr")
        style = None if properties is None else properties.find(f"{W}pStyle")
        if style is None or style.get(f"{W}val") not in _TEXT_STYLES:
            continue
        assert properties is not None
        spacing = properties.find(f"{W}spacing")
        if spacing is None:
            spacing = etree.Element(f"{W}spacing")
            later = [c for c in properties if c.tag in _AFTER_SPACING]
            if later:
                later[0].addprevious(spacing)
            else:
                properties.append(spacing)
        spacing.set(f"{W}before", "120")


def _signature_marker_index(body: docx.document.Document) -> int:
    for index, element in enumerate(body.element.body):
        style = element.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == SIGNATURE_STYLE:
            return index
    raise ToolError.one(
        "render.signatures",
        f"emplacement des signatures (#{SIGNATURES_ID}) introuvable dans le corps Word",
        hint="le style « Signatures » doit exister dans templates/reference.docx",
    )


def _fill_header_fields(body: docx.document.Document, reference: str) -> None:
    # DOCPROPERTY fields keep a cached result that Word shows until fields are updated.
    for section in body.sections:
        for part in (section.header, section.first_page_header, section.even_page_header):
            for field in part._element.iter(f"{W}fldSimple"):
                if "DOCPROPERTY" in field.get(f"{W}instr", "") and "reference" in field.get(
                    f"{W}instr", ""
                ):
                    texts = list(field.iter(f"{W}t"))
                    if texts:
                        texts[0].text = reference
                        for extra in texts[1:]:
                            extra.text = ""


def _check_cover_mention(cover: docx.document.Document, path: Path) -> None:
    # A cover designed before consolidated versions would print one as an original.
    if not any("Version consolidée" in p.text for p in cover.paragraphs):
        raise ToolError.one(
            "template.consolidation",
            "ce modèle de page de garde n'imprime pas la mention de version consolidée "
            "(balise {{ mention }})",
            path,
        )


def _mention_in_headers(body: docx.document.Document, text: str) -> None:
    """The mention above the reference in the header of every page but the cover."""
    done: set[str] = set()
    for section in body.sections:
        header = section.header
        if str(header.part.partname) in done:  # sections may share one header
            continue
        done.add(str(header.part.partname))
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph = first.insert_paragraph_before()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(8.5)


def _core_properties(body: docx.document.Document, doc: Document) -> None:
    props = body.core_properties
    stamp = dt.datetime.combine(doc.timestamp, dt.time(), tzinfo=dt.UTC)
    props.title = _property(doc.title)
    props.subject = _property(doc.reference)
    props.author = _property(doc.organisme)
    props.last_modified_by = _property(doc.organisme)
    props.language = "fr-FR"
    props.created = stamp
    props.modified = stamp
    props.revision = 1


CORE_PROPERTY_CHARS = 255  # Word's limit for a document property (title, subject, author)


def _property(text: str) -> str:
    """A document property as Word accepts it: a long title is shortened, never refused."""
    if len(text) <= CORE_PROPERTY_CHARS:
        return text
    return text[: CORE_PROPERTY_CHARS - 1].rstrip() + "…"


def normalize_zip(data: bytes, day: dt.date) -> bytes:
    """Rewrite a .docx zip with fixed entry dates and order, so that rebuilds are identical."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml first, as Office writes it; then the rest in a fixed order.
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
