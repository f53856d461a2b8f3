"""PDF output: pandoc's typst writer with templates/contrat.typ, compiled by the typst wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import typst

from ..compose.document import Document
from ..core.cache import Cache
from ..core.errors import ToolError
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_text
from ..core.temporaries import private_folder
from .pandoc import with_meta
from .parts import template_context
from .properties import FileIdentity, typst_meta
from .template_files import FONTS, typst_error
from .typography import (
    DATES,
    KEEP_TOGETHER,
    KEEP_WITH_NEXT,
    LINE_BREAKS,
    UNBREAKABLE,
    line_breaks,
)
from .typst_pieces import TypstSource

PDF_STANDARD: Literal["a-2b"] = "a-2b"
TYPST_TEMPLATE = "contrat.typ"


def render_typst(
    doc: Document, ast: dict[str, Any], templates: Path, epoch: int, *, broken: bool = False
) -> str:
    """The typst source of the contract, from the same AST as the .docx (`broken`: with its
    profile's line breaks already, see `profile_breaks`)."""
    with start_typst(doc, ast, templates, epoch, broken=broken) as pandoc:
        return pandoc.result().decode("utf-8")


def start_typst(
    doc: Document,
    ast: dict[str, Any],
    templates: Path,
    epoch: int,
    *,
    broken: bool = False,
    identity: FileIdentity | None = None,
    cache: Cache | None = None,
) -> TypstSource:
    """`render_typst`'s pandoc run, started in the background while the .docx is made;
    `cache` keeps each article's typst text (typst_pieces.py)."""
    prepare = None
    if doc.rendu >= LINE_BREAKS:
        ast = ast if broken else line_breaks(ast, dates=doc.rendu >= DATES)
        prepare = typst_line_breaks
    context = template_context(doc)
    meta = with_meta(
        ast,
        parties=context["parties"],
        autorites=context["autorites"],
        membres=context["membres"],
        lieu=context["lieu"],
        exemplaires=context["exemplaires"],
        # Variables are only ever added: archived versions rebuild with their own old template.
        debut=context["debut"],
        fin=context["fin"],
        periode=context["periode"],
        **{"titre-document": context["titre_document"]},
        **{"date-signature": context["date"]},
        **{"base-legale": context["base_legale"]},
        **{"qualite-organisme": context["qualite_organisme"]},
        **{"qualite-membres": context["qualite_membres"]},
        mention=context["mention"],
        actes=context["actes"],
        **typst_meta(doc, identity),
    )
    if doc.consolidation is not None:
        _check_mention(templates / TYPST_TEMPLATE)
    return TypstSource(meta, templates / TYPST_TEMPLATE, epoch, cache, prepare)


def _check_mention(template: Path) -> None:
    # A layout designed before consolidated versions would print one as an original.
    if "$mention$" not in read_text(template, TOOL_FILE_BYTES):
        raise ToolError.one(
            "template.consolidation",
            "ce modèle PDF n'imprime pas la mention de version consolidée (variable $mention$)",
            template,
        )


def typst_line_breaks(node: Any) -> Any:
    """Unbreakable spans as typst boxes, label paragraphs as sticky blocks (see typography)."""
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            out.extend(_typst_breaks(item) if isinstance(item, dict) else [typst_line_breaks(item)])
        return out
    if isinstance(node, dict):
        return {key: typst_line_breaks(value) for key, value in node.items()}
    return node


_TYPST_OPENINGS = {
    ("Span", UNBREAKABLE): ("RawInline", "#box["),
    ("Div", KEEP_WITH_NEXT): ("RawBlock", "#block(sticky: true)["),
    ("Div", KEEP_TOGETHER): ("RawBlock", "#block(breakable: false)["),
}


def _typst_breaks(node: dict[str, Any]) -> list[Any]:
    if node.get("t") in ("Span", "Div"):
        (_, classes, _), inner = node["c"]
        for name in classes:
            opening = _TYPST_OPENINGS.get((node["t"], name))
            if opening is not None:
                raw = opening[0]
                return [_raw(raw, opening[1]), *typst_line_breaks(inner), _raw(raw, "]")]
    return [typst_line_breaks(node)]


def _raw(kind: str, text: str) -> dict[str, Any]:
    return {"t": kind, "c": ["typst", text]}


def font_folders(templates: Path) -> list[str]:
    """The templates' own fonts (templates/fonts), recorded by hash like the templates.

    Templates recorded before fonts were shipped have none: typst's embedded fonts serve.
    """
    folder = templates / FONTS
    return [str(folder)] if folder.is_dir() else []


def compile_typst(
    source: str, epoch: int, fonts: list[str] | None = None, template: Path | None = None
) -> bytes:
    """Compile typst source to PDF/A-2b with the given fonts and typst's, never the system's.

    An error at a line that comes from `template` is reported on the template's line.
    """
    with private_folder("typst") as tmp:
        path = tmp / "contrat.typ"
        path.write_text(source, encoding="utf-8")
        try:
            return bytes(
                typst.compile(
                    str(path),
                    root=str(tmp),
                    font_paths=fonts or [],
                    pdf_standards=[PDF_STANDARD],
                    ignore_system_fonts=True,
                    timestamp=epoch,
                )
            )
        except Exception as exc:  # noqa: BLE001 - typst raises its own error types
            message = str(getattr(exc, "message", exc))
            diagnostic = str(getattr(exc, "diagnostic", ""))
            located = typst_error(diagnostic, message, source, template) if template else None
            if located is not None:
                raise ToolError([located]) from None
            raise ToolError.one(
                "tool.typst",
                f"typst a échoué : {exc}",
                hint="vérifiez templates/contrat.typ ; sinon signalez-le à l'équipe",
            ) from None


def render_pdf(
    doc: Document, ast: dict[str, Any], templates: Path, epoch: int, *, broken: bool = False
) -> bytes:
    return typst_pdf(render_typst(doc, ast, templates, epoch, broken=broken), templates, epoch)


def typst_pdf(source: str, templates: Path, epoch: int) -> bytes:
    """The PDF/A of a typst source written with `templates`."""
    return compile_typst(source, epoch, font_folders(templates), templates / TYPST_TEMPLATE)


def visible_changes(ast: dict[str, Any], summary: str) -> dict[str, Any]:
    """Insertions underlined in green, deletions struck in red, a summary box on top."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                out.extend(_typst_change(item, walk) if _is_change(item) else [walk(item)])
            return out
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node

    note = {
        "t": "Div",
        "c": [
            ["", ["synthese"], []],
            [
                {
                    "t": "RawBlock",
                    "c": [
                        "typst",
                        '#block(fill: rgb("#eef1f7"), inset: 8pt, radius: 3pt, width: 100%)[',
                    ],
                },
                {"t": "Para", "c": [{"t": "Str", "c": summary}]},
                {"t": "RawBlock", "c": ["typst", "]"]},
            ],
        ],
    }
    return {**ast, "blocks": [note, *walk(ast["blocks"])]}


def _is_change(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and node.get("t") == "Span"
        and bool({"insertion", "deletion"} & set(node["c"][0][1]))
    )


def _typst_change(span: dict[str, Any], walk: Any) -> list[Any]:
    inserted = "insertion" in span["c"][0][1]
    opening = (
        '#text(fill: rgb("#1a7f37"))[#underline['
        if inserted
        else '#text(fill: rgb("#b42318"))[#strike['
    )
    return [
        {"t": "RawInline", "c": ["typst", opening]},
        *walk(span["c"][1]),
        {"t": "RawInline", "c": ["typst", "]]"]},
    ]
