"""`make bench`: the whole build of a contract against the bare toolchain on the same Markdown."""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import typst
from rich.console import Console
from rich.table import Table

from .build import Project, build_contract, epoch_of
from .compose import compose
from .contract import load_contract
from .library import load_library
from .markdown import to_markdown
from .pandoc import markdown_to_ast, pandoc_path
from .render_docx import render_docx
from .render_pdf import TYPST_TEMPLATE, compile_typst, render_typst


def _median_seconds(action: Callable[[], object], repetitions: int) -> float:
    timings = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run_bench(project: Project, contract_id: str, repetitions: int, out: Console) -> None:
    """Print median times of the build, its stages and the bare toolchain, and their ratio."""
    with tempfile.TemporaryDirectory(prefix="cpom-bench-") as tmp:
        # A copy: builds rewrite locks and history, which must not change under the drafter.
        scratch = Project(Path(tmp) / "depot")
        for folder in ("clauses", "templates", "history"):
            if (project.root / folder).is_dir():
                shutil.copytree(project.root / folder, scratch.root / folder)
        shutil.copytree(project.contract_folder(contract_id), scratch.contracts / contract_id)
        outputs = build_contract(scratch, contract_id)  # warm caches, get the Markdown
        markdown = outputs.markdown
        whole = _median_seconds(lambda: build_contract(scratch, contract_id), repetitions)
        bare = _median_seconds(lambda: _bare_toolchain(project, markdown, Path(tmp)), repetitions)
        stages = _stage_timings(scratch, contract_id, repetitions)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(title=f"Construction de {contract_id} (médiane de {repetitions} passes)")
    table.add_column("Mesure")
    table.add_column("Secondes", justify="right")
    table.add_column("Rapport à la chaîne nue", justify="right")
    for name, seconds in stages:
        table.add_row(f"  dont {name}", f"{seconds:.3f}", f"{seconds / bare:.2f}")
    table.add_row("Construction complète (cpom build)", f"{whole:.3f}", f"{whole / bare:.2f}")
    table.add_row("Chaîne nue (pandoc docx + pandoc typst + typst)", f"{bare:.3f}", "1.00")
    out.print(table)
    out.print(
        f"rapport construction / chaîne nue : {whole / bare:.2f} ; "
        f"mémoire maximale du processus : {peak_mib:.0f} Mio"
    )


def _bare_toolchain(project: Project, markdown: Path, tmp: Path) -> None:
    """What a drafter would run by hand: pandoc to Word, pandoc to typst, typst to PDF."""
    pandoc = pandoc_path()
    reference = project.templates / "reference.docx"
    subprocess.run(
        [pandoc, str(markdown), "-o", str(tmp / "bare.docx"), "--reference-doc", str(reference)],
        check=True,
    )
    subprocess.run(
        [
            pandoc,
            str(markdown),
            "-t",
            "typst",
            "-o",
            str(tmp / "bare.typ"),
            "--template",
            str(project.templates / TYPST_TEMPLATE),
        ],
        check=True,
    )
    typst.compile(
        str(tmp / "bare.typ"),
        output=str(tmp / "bare.pdf"),
        pdf_standards=["a-2b"],
        ignore_system_fonts=True,
    )


def _stage_timings(project: Project, contract_id: str, repetitions: int) -> list[tuple[str, float]]:
    library = load_library(project.clauses)
    contract = load_contract(project.contract_folder(contract_id))
    doc = compose(library, contract)
    markdown = to_markdown(doc)
    epoch = epoch_of(doc.timestamp)
    ast = markdown_to_ast(markdown, epoch)
    source = render_typst(doc, ast, project.templates, epoch)
    return [
        (
            "chargement de la bibliothèque",
            _median_seconds(lambda: load_library(project.clauses), repetitions),
        ),
        (
            "validation des données",
            _median_seconds(
                lambda: load_contract(project.contract_folder(contract_id)), repetitions
            ),
        ),
        (
            "composition (Jinja, numérotation)",
            _median_seconds(lambda: compose(library, contract), repetitions),
        ),
        (
            "Markdown → AST pandoc + typographie",
            _median_seconds(lambda: markdown_to_ast(markdown, epoch), repetitions),
        ),
        (
            "Word (pandoc, docxtpl, assemblage)",
            _median_seconds(lambda: render_docx(doc, ast, project.templates, epoch), repetitions),
        ),
        (
            "typst (pandoc)",
            _median_seconds(lambda: render_typst(doc, ast, project.templates, epoch), repetitions),
        ),
        ("PDF/A (typst)", _median_seconds(lambda: compile_typst(source, epoch), repetitions)),
    ]
