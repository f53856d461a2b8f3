"""`cpom bench`'s table of the stages of one build inside a warm process: where the time of a
build goes once Python, fonts and caches are loaded, each stage with nothing kept and with
what a rebuild finds kept (the pieces of render/pieces.py, passes.py, typst_pieces.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from .project import Project
from .render.pdf import font_folders

if TYPE_CHECKING:
    from .compose.document import Document


def print_stages(project: Project, contract_id: str, repetitions: int, out: Console) -> None:
    """The stages of one build inside a warm process (fonts, templates and caches loaded)."""
    stages = _stage_timings(project, contract_id, repetitions)
    table = Table(title=f"Étapes d'une construction dans un processus chaud ({contract_id})")
    table.add_column("Étape")
    table.add_column("Secondes", justify="right")
    for name, seconds in stages:
        table.add_row(name, f"{seconds:.3f}")
    out.print(table)


def _median_seconds(action: Callable[[], object], repetitions: int) -> float:
    timings = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _stage_timings(project: Project, contract_id: str, repetitions: int) -> list[tuple[str, float]]:
    """Median seconds of each stage of `cpom build`, in the order the pipeline runs them."""
    from .library.clauses import load_library
    from .lifecycle.stages import compose_draft, epoch_of
    from .pipeline import build_contract
    from .render import body, pieces, typst_pieces
    from .render.body import read_document, to_pandoc
    from .render.docx import render_docx
    from .render.passes import typeset
    from .render.pdf import compile_typst, render_typst
    from .render.typography import french_typography, profile_breaks

    def cold_read(composed: Document) -> Document:
        pieces._KEPT.clear()
        body._TYPED.clear()
        return read_document(composed)

    def cold_typst(doc: Document, ast: dict[str, Any], templates: Path, epoch: int) -> str:
        typst_pieces._KEPT.clear()
        return render_typst(doc, ast, templates, epoch, broken=True)

    build_contract(project, contract_id)  # warm: fonts, templates, history published
    library = load_library(project.clauses)
    composed = compose_draft(project, contract_id, library).document
    doc = read_document(composed)
    epoch = epoch_of(doc.timestamp)
    ast = profile_breaks(french_typography(to_pandoc(doc)), doc.rendu)
    source = render_typst(doc, ast, project.templates, epoch, broken=True)
    fonts = font_folders(project.templates)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("chargement de la bibliothèque (YAML, clauses)", lambda: load_library(project.clauses)),
        (
            "données, verrou et composition (Jinja, numérotation)",
            lambda: compose_draft(project, contract_id, library),
        ),
        ("lecture du texte assemblé par pandoc, rien de lu", lambda: cold_read(composed)),
        (
            "  la même, morceaux déjà lus (render/pieces.py)",
            lambda: read_document(composed, project.cache),
        ),
        (
            "typographie et coupures de ligne, tout le document",
            lambda: profile_breaks(french_typography(to_pandoc(doc)), doc.rendu),
        ),
        (
            "  les mêmes, articles déjà passés (render/passes.py)",
            lambda: typeset(to_pandoc(doc), doc.rendu, project.cache),
        ),
        (
            "Word (pandoc, docxtpl, assemblage, zip)",
            lambda: render_docx(doc, ast, project.templates, epoch, broken=True),
        ),
        (
            "source typst (pandoc), rien d'écrit",
            lambda: cold_typst(doc, ast, project.templates, epoch),
        ),
        (
            "  la même, articles déjà écrits (render/typst_pieces.py)",
            lambda: render_typst(doc, ast, project.templates, epoch, broken=True),
        ),
        ("PDF/A (typst)", lambda: compile_typst(source, epoch, fonts)),
        ("construction complète (cpom build)", lambda: build_contract(project, contract_id)),
    ]
    return [(name, _median_seconds(action, repetitions)) for name, action in stages]
