"""`make bench`: the whole build of a contract against the bare toolchain on the same Markdown."""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import typst
from rich.console import Console
from rich.table import Table

from .build import Project, build_contract, epoch_of, rebuild_version
from .compose import compose
from .contract import load_contract
from .library import load_library
from .markdown import to_markdown
from .pandoc import markdown_to_ast, pandoc_path
from .redline import build_redline
from .render_docx import render_docx
from .render_pdf import TYPST_TEMPLATE, compile_typst, render_typst
from .temporaries import private_folder


def _median_seconds(action: Callable[[], object], repetitions: int) -> float:
    timings = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run_bench(project: Project, contract_id: str, repetitions: int, out: Console) -> None:
    """Print median times of the build, its stages and the bare toolchain, and their ratio."""
    with private_folder("bench") as tmp:
        # A copy: builds rewrite locks and history, which must not change under the drafter.
        scratch = _scratch(project, contract_id, tmp)
        outputs = build_contract(scratch, contract_id)  # warm caches, get the Markdown
        markdown = outputs.markdown
        whole = _median_seconds(lambda: build_contract(scratch, contract_id), repetitions)
        bare = _median_seconds(lambda: _bare_toolchain(project, markdown, tmp), repetitions)
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
    signed = project.archived_versions(contract_id)
    if signed:
        _bench_redline(project, contract_id, signed[-1], repetitions, out)


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


def _bench_redline(
    project: Project, contract_id: str, version: str, repetitions: int, out: Console
) -> None:
    """Our redline against python-redlines (Docxodus engine) on the same pair of .docx."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        out.print(
            "python-redlines absent : comparaison des redlines sautée (pip install -e '.[dev]')",
            markup=False,
        )
        return
    with private_folder("redline") as tmp:
        scratch = _scratch(project, contract_id, tmp)
        before = rebuild_version(scratch, contract_id, version)[0].docx.read_bytes()
        after = build_contract(scratch, contract_id).docx.read_bytes()
        ours = _median_seconds(
            lambda: build_redline(scratch, contract_id, version, "projet", "bench"), repetitions
        )
        ours_docx = (scratch.build / contract_id / f"redline-{version}-projet.docx").read_bytes()
        engine = DocxodusEngine()
        theirs = _median_seconds(lambda: engine.run_redline("bench", before, after), repetitions)
        theirs_docx = engine.run_redline("bench", before, after)[0]
        same = _same_changes(ours_docx, theirs_docx, before, after, tmp)
    out.print(
        f"redline {version} → projet : cpom {ours:.3f} s, python-redlines (Docxodus) "
        f"{theirs:.3f} s, rapport cpom / Docxodus {ours / theirs:.2f}"
    )
    out.print(same, markup=False)


def _scratch(project: Project, contract_id: str, root: Path) -> Project:
    scratch = Project(root / "depot")
    for folder in ("clauses", "clauses-avenant", "templates", "history"):
        if (project.root / folder).is_dir():
            shutil.copytree(project.root / folder, scratch.root / folder)
    shutil.copytree(project.contract_folder(contract_id), scratch.contracts / contract_id)
    if (project.archive / contract_id).is_dir():
        shutil.copytree(project.archive / contract_id, scratch.archive / contract_id)
    return scratch


def _same_changes(ours: bytes, theirs: bytes, before: bytes, after: bytes, tmp: Path) -> str:
    """Both redlines accepted give the new text and rejected the old one; and the words each
    marks as inserted or deleted, compared."""
    files = {}
    for name, data in (("ours", ours), ("theirs", theirs), ("before", before), ("after", after)):
        files[name] = tmp / f"{name}.docx"
        files[name].write_bytes(data)

    def words(name: str, mode: str | None = None) -> list[str]:
        args = [pandoc_path(), str(files[name]), "-t", "plain", "--wrap=none"]
        if mode:
            args.append(f"--track-changes={mode}")
        text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        return [w for w in text.split() if not set(w) <= set("-+=|:")]

    lines = []
    for name, label in (("ours", "cpom"), ("theirs", "Docxodus")):
        accepted = words(name, "accept") == words("after")
        rejected = words(name, "reject") == words("before")
        marked = _marked_words(files[name])
        lines.append(
            f"  {label} : tout accepter donne la nouvelle version : {_oui(accepted)} ; tout "
            f"rejeter donne l'ancienne : {_oui(rejected)} ; {marked[0]} mots insérés, "
            f"{marked[1]} mots supprimés"
        )
    return "mêmes changements ?\n" + "\n".join(lines)


def _marked_words(path: Path) -> tuple[int, int]:
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    inserted = " ".join(t.text or "" for e in root.iter(f"{w}ins") for t in e.iter(f"{w}t"))
    deleted = " ".join(t.text or "" for e in root.iter(f"{w}del") for t in e.iter(f"{w}delText"))
    return len(inserted.split()), len(deleted.split())


def _oui(value: bool) -> str:
    return "oui" if value else "non"
