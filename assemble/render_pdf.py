"""PDF output: pandoc's typst writer with templates/contrat.typ, compiled by the typst wheel."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

import typst

from .document import Document
from .errors import ToolError
from .pandoc import ast_to, with_meta
from .parts import template_context

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


def compile_typst(source: str, epoch: int) -> bytes:
    """Compile typst source to PDF/A-2b with the fonts embedded in typst only (reproducible)."""
    with tempfile.TemporaryDirectory(prefix="cpom-typst-") as tmp:
        path = Path(tmp) / "contrat.typ"
        path.write_text(source, encoding="utf-8")
        try:
            return bytes(
                typst.compile(
                    str(path),
                    root=tmp,
                    pdf_standards=[PDF_STANDARD],
                    ignore_system_fonts=True,
                    timestamp=epoch,
                )
            )
        except Exception as exc:  # noqa: BLE001 - typst raises its own error types
            raise ToolError.one(
                "tool.typst",
                f"typst a échoué : {exc}",
                hint="vérifiez templates/contrat.typ ; sinon signalez-le à l'équipe",
            ) from None


def render_pdf(doc: Document, ast: dict[str, Any], templates: Path, epoch: int) -> bytes:
    return compile_typst(render_typst(doc, ast, templates, epoch), epoch)
