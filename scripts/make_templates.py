"""Generate the Word templates of `templates/` from pandoc's default reference document.

Run once to bootstrap (`.venv/bin/python scripts/make_templates.py`); afterwards drafters restyle
the committed .docx files in Word. Rerunning overwrites their changes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import docx
import pypandoc
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle, CharacterStyle
from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Times New Roman in Word; the PDF uses Liberation Serif (templates/fonts), its metric twin.
FONT = "Times New Roman"
KEEP_WITH_NEXT_STYLE = "Intertitre"  # typography.KEEP_WITH_NEXT_STYLE
BLACK = RGBColor(0, 0, 0)
NAVY = RGBColor(0x1F, 0x2A, 0x44)


def main() -> int:
    TEMPLATES.mkdir(exist_ok=True)
    make_reference(TEMPLATES / "reference.docx")
    make_cover(TEMPLATES / "couverture.docx")
    make_signatures(TEMPLATES / "signatures.docx")
    print(f"modèles écrits dans {TEMPLATES}")
    return 0


def _pandoc_reference() -> docx.document.Document:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ref.docx"
        subprocess.run(
            [
                pypandoc.get_pandoc_path(),
                "-o",
                str(path),
                "--print-default-data-file",
                "reference.docx",
            ],
            check=True,
        )
        return docx.Document(str(path))


def _page_setup(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.2)


def _font(
    style: CharacterStyle,
    size: float,
    bold: bool = False,
    italic: bool = False,
    color: RGBColor = BLACK,
) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _lang_fr(style: BaseStyle) -> None:
    rpr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")
    rpr.append(lang)


def _field(paragraph: Paragraph, instr: str, cached: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {instr} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = cached
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _border(ppr: CT_PPr, side: str) -> None:
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", "808080")):
        edge.set(qn(key), value)
    borders.append(edge)
    # CT_PPr children have a fixed order: the border goes before the justification.
    justification = ppr.find(qn("w:jc"))
    if justification is not None:
        justification.addprevious(borders)
    else:
        ppr.append(borders)


def _defaults(document: docx.document.Document) -> None:
    # Text outside any style (fields, docxtpl runs) is in the contract's font too, in French,
    # and no paragraph leaves a single line alone at the top or foot of a page.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    ppr.insert(0, OxmlElement("w:widowControl"))


def make_reference(path: Path) -> None:
    document = _pandoc_reference()
    _page_setup(document)
    _defaults(document)
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Block Text"):
        _font(styles[name], 11)
    _lang_fr(styles["Normal"])
    for name in ("Body Text", "First Paragraph"):
        fmt = styles[name].paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing = 1.1
    # Tight lists: items follow one another like lines, 6 pt after the list (and the paragraph
    # before it gives its own 6 pt).
    compact = styles["Compact"]
    compact.paragraph_format.space_before, compact.paragraph_format.space_after = Pt(0), Pt(6)
    compact.element.get_or_add_pPr().append(OxmlElement("w:contextualSpacing"))
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.keep_with_next = True  # never alone at the foot of a page
    heading1 = styles["Heading 1"]
    _font(heading1, 14, bold=True, color=NAVY)
    # No small capitals, in headings or on the cover: the PDF's text reads as written.
    fmt = heading1.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.page_break_before = True
    fmt.space_before, fmt.space_after = Pt(12), Pt(18)
    fmt.keep_with_next = True
    heading2 = styles["Heading 2"]
    _font(heading2, 11.5, bold=True, color=NAVY)
    fmt = heading2.paragraph_format
    fmt.space_before, fmt.space_after = Pt(14), Pt(6)
    fmt.keep_with_next = True
    _font(styles["Heading 3"], 11, bold=True, italic=True)
    styles["Heading 3"].paragraph_format.space_before = Pt(8)
    _font(styles["Hyperlink"], 11, color=BLACK)
    signatures = styles.add_style("Signatures", 1)
    signatures.base_style = styles["Body Text"]
    table_text = styles.add_style("Table Text", 1)
    table_text.base_style = styles["Normal"]
    _font(table_text, 9)
    table_text.paragraph_format.space_before = Pt(2)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    table_heading = styles.add_style("Table Heading", 1)
    table_heading.base_style = table_text
    _font(table_heading, 9, bold=True)
    # A label paragraph (« 4. Actions. », « … a pour objet : ») stays with the list it opens.
    label = styles.add_style(KEEP_WITH_NEXT_STYLE, 1)
    label.base_style = styles["Body Text"]
    label.paragraph_format.keep_with_next = True
    _table_borders(styles["Table"])
    _bold_header_row(styles["Table"])
    _header_footer(document)
    _empty_body(document)
    document.save(str(path))


def _borders() -> BaseOxmlElement:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "4"),
            ("w:space", "0"),
            ("w:color", "808080"),
        ):
            edge.set(qn(key), value)
        borders.append(edge)
    return borders


def _table_borders(style: BaseStyle) -> None:
    element = style.element
    tblpr = element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        element.append(tblpr)
    tblpr.append(_borders())
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "85")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tblpr.append(margins)


def _table_borders_direct(table: CT_Tbl) -> None:
    # Direct borders: the signature table keeps its frame whatever the document's table style.
    tblpr = table.tblPr
    borders = _borders()
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is not None:
        layout.addprevious(borders)
    else:
        tblpr.append(borders)


def _bold_header_row(style: BaseStyle) -> None:
    element = style.element
    for existing in element.findall(qn("w:tblStylePr")):
        if existing.get(qn("w:type")) == "firstRow":
            element.remove(existing)
    first_row = OxmlElement("w:tblStylePr")
    first_row.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first_row.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "E8EBF2")):
        shading.set(qn(key), value)
    tcpr.append(shading)
    first_row.append(tcpr)
    element.append(first_row)


def _header_footer(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _field(header, "DOCPROPERTY reference \\* MERGEFORMAT", "référence du contrat")
    _border(header._p.get_or_add_pPr(), "bottom")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" sur ")
    _field(footer, "NUMPAGES", "1")
    for paragraph in (header, footer):
        for run in paragraph._p.iter(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                run.insert(0, rpr)
            size = OxmlElement("w:sz")
            size.set(qn("w:val"), "17")
            rpr.append(size)


def _empty_body(document: docx.document.Document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _new_template() -> docx.document.Document:
    document = docx.Document(str(TEMPLATES / "reference.docx"))
    _empty_body(document)
    return document


def make_cover(path: Path) -> None:
    document = _new_template()

    def line(
        text: str,
        size: float,
        bold: bool = False,
        space: float = 6,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    ) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space)
        run = paragraph.add_run(text)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = NAVY if bold else BLACK

    line("{{ reference }}", 9, align=WD_ALIGN_PARAGRAPH.RIGHT, space=96)
    line("{{ titre_document }}", 22, bold=True, space=12)
    # A consolidated version says so under its title (contrat.typ does the same).
    line("{%p if mention %}", 11, space=0)
    line("{{ mention }}", 12, bold=True, space=12)
    line("{%p endif %}", 11, space=0)
    line("{{ titre }}", 13, space=48)
    line("entre", 11, space=12)
    line("{{ organisme }}", 15, bold=True, space=4)
    line("{{ qualite_organisme }}", 10, space=12)
    line("{%p if membres %}", 11, space=0)
    line("{{ qualite_membres }}", 10, space=6)
    line("{%p for membre in membres %}", 11, space=0)
    line("{{ membre.name }}", 12, bold=True, space=4)
    line("{%p endfor %}", 11, space=0)
    line("{%p endif %}", 11, space=0)
    line("", 6, space=12)
    line("et", 11, space=12)
    line("{%p for partie in autorites %}", 11, space=0)
    line("{{ partie.name }}", 13, bold=True, space=8)
    line("{%p endfor %}", 11, space=0)
    line("{{ periode }}", 11, space=6)
    line("{{ base_legale }}", 9, space=0)
    _acts_table(document, line)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.save(str(path))


def _acts_table(document: docx.document.Document, line: Callable[..., None]) -> None:
    """A consolidated version's acts, with their dates, at the foot of the cover."""
    line("{%p if actes %}", 11, space=0)
    line("", 6, space=12)
    line("Actes intégrés à la présente version consolidée", 11, bold=True, space=6)
    table = document.add_table(rows=4, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.style = document.styles["Table"]
    _table_borders_direct(table._tbl)
    for column, width in zip(table.columns, (Cm(4), Cm(4.5), Cm(4.5)), strict=True):
        column.width = width
    rows = (
        ("Acte", "Date de signature", "Date d'effet"),
        ("{%tr for acte in actes %}", "", ""),
        ("{{ acte.acte }}", "{{ acte.signature }}", "{{ acte.effet }}"),
        ("{%tr endfor %}", "", ""),
    )
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text, centimetres in zip(row.cells, texts, (4, 4.5, 4.5), strict=True):
            cell.width = Cm(centimetres)
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = document.styles[
                "Table Heading" if texts is rows[0] else "Table Text"
            ]
    line("{%p endif %}", 11, space=0)


def make_signatures(path: Path) -> None:
    document = _new_template()
    title = document.add_paragraph()
    title.paragraph_format.page_break_before = True
    title.paragraph_format.space_after = Pt(18)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("Signatures des parties")
    run.font.size, run.font.bold = Pt(14), True
    run.font.color.rgb = NAVY
    intro = document.add_paragraph(
        "Fait à {{ lieu }}, le {{ date }}, en {{ exemplaires }} exemplaires originaux, "
        "dont un pour chacune des parties."
    )
    intro.paragraph_format.space_after = Pt(18)
    table = document.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.style = document.styles["Table"]
    _table_borders_direct(table._tbl)
    for column, width in zip(table.columns, (Cm(9), Cm(7)), strict=True):
        column.width = width  # the grid, which LibreOffice follows, and each cell, which Word does
    table.rows[0].cells[0].text = "{%tr for partie in parties %}"
    row_properties = table.rows[1]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))  # a signature block never straddles pages
    left = table.rows[1].cells[0]
    left.width = Cm(9)
    first = left.paragraphs[0]
    first.add_run("Pour {{ partie.designation }}").bold = True
    left.add_paragraph("{{ partie.signatory }}")
    left.add_paragraph("{{ partie.office }}")
    right = table.rows[1].cells[1]
    right.width = Cm(7)
    right.paragraphs[0].add_run("Signature et cachet").italic = True
    for _ in range(4):
        right.add_paragraph("")
    table.rows[2].cells[0].text = "{%tr endfor %}"
    document.save(str(path))


if __name__ == "__main__":
    sys.exit(main())
