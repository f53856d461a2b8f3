"""PDF output: pandoc's typst writer with templates/contrat.typ, compiled by the typst wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import typst

from .document import Document
from .errors import ToolError
from .pandoc import ast_to, with_meta
from .parts import template_context
from .template_files import typst_error
from .temporaries import private_folder

PDF_STANDARD: Literal["a-2b"] = "a-2b"
TYPST_TEMPLATE = "contrat.typ"


def render_typst(doc: Document, ast: dict[str, Any], templates: Path, epoch: int) -> str:
    """The typst source of the contract, from the same AST as the .docx."""
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
    )
    return ast_to(meta, "typst", epoch, "--template", templates / TYPST_TEMPLATE).decode("utf-8")


def compile_typst(source: str, epoch: int, template: Path | None = None) -> bytes:
    """Compile typst source to PDF/A-2b with the fonts embedded in typst only (reproducible).

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


def render_pdf(doc: Document, ast: dict[str, Any], templates: Path, epoch: int) -> bytes:
    source = render_typst(doc, ast, templates, epoch)
    return compile_typst(source, epoch, templates / TYPST_TEMPLATE)


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
