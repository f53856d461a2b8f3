"""`make bench`: the whole build of a contract against the bare toolchain on the same Markdown."""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import typst
from rich.console import Console
from rich.table import Table

from .compose.composer import compose
from .contract.load import load_contract
from .core.temporaries import private_folder
from .library.clauses import load_library
from .lifecycle.stages import epoch_of
from .pipeline import build_contract, rebuild_version
from .project import Project
from .render import ooxml
from .render.docx import render_docx
from .render.markdown import to_markdown
from .render.office import Job, office, run_jobs
from .render.pandoc import markdown_to_ast, pandoc_path
from .render.pdf import TYPST_TEMPLATE, compile_typst, font_folders, render_typst


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
        font_paths=font_folders(project.templates),
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
        (
            "PDF/A (typst)",
            _median_seconds(
                lambda: compile_typst(source, epoch, font_folders(project.templates)), repetitions
            ),
        ),
    ]


def _bench_redline(
    project: Project, contract_id: str, version: str, repetitions: int, out: Console
) -> None:
    """Our redline against python-redlines (Docxodus engine) on the same pair of versions: the
    time of each as a whole process, and what accepting and rejecting every change gives."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        out.print(
            "python-redlines absent : comparaison des redlines sautée (pip install -e '.[dev]')",
            markup=False,
        )
        return
    with private_folder("redline") as folder:
        scratch = _scratch(project, contract_id, folder)
        before = rebuild_version(scratch, contract_id, version)[0].docx
        after = build_contract(scratch, contract_id).docx
        engine = DocxodusEngine()
        theirs_docx = folder / "docxodus.docx"
        ours_command = [sys.executable, "-m", "assemble", "--racine", str(scratch.root)]
        ours_command += ["redline", contract_id, "--de", version, "--a", "projet"]
        ours_command += ["--auteur", "bench"]
        theirs_command = [engine.extracted_binaries_path, "bench", str(before), str(after)]
        theirs_command.append(str(theirs_docx))
        ours = _median_seconds(lambda: _run(ours_command), repetitions)
        theirs = _median_seconds(lambda: _run(theirs_command), repetitions)
        startup_command = [sys.executable, "-c", "import assemble.cli"]
        startup = _median_seconds(lambda: _run(startup_command), repetitions)
        ours_docx = scratch.build / contract_id / f"redline-{version}-projet.docx"
        redlines = {"cpom": ours_docx, "Docxodus": theirs_docx}
        verdicts = _verdicts(redlines, before, after, folder, out)
    out.print(
        f"redline {version} → projet, processus entiers (médiane de {repetitions}) : cpom "
        f"{ours:.2f} s, python-redlines (Docxodus) {theirs:.2f} s, rapport cpom / Docxodus "
        f"{ours / theirs:.2f} (dont démarrage de Python et import de la CLI : {startup:.2f} s)",
        markup=False,
    )
    table = Table(title=f"Tout accepter doit donner projet, tout refuser {version}")
    for column in ("Redline", "Lecteur", "Tout accepter", "Tout refuser", "Mots insérés"):
        table.add_column(column)
    table.add_column("Mots supprimés")
    for verdict in verdicts:
        table.add_row(*verdict)
    out.print(table)
    out.print(
        "écart : paragraphes en trop (+) et manquants (−) par rapport à la version attendue, "
        "vides compris ; « oui » : identique paragraphe par paragraphe",
        markup=False,
    )


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


def _verdicts(
    redlines: dict[str, Path], before: Path, after: Path, folder: Path, out: Console
) -> list[tuple[str, ...]]:
    """Each redline accepted and rejected by Word's rules (assemble.render.ooxml) and, when it is
    installed, by LibreOffice; compared with the versions read the same way."""
    rows: list[tuple[str, ...]] = []
    for name, path in redlines.items():
        root = ooxml.read_part(path.read_bytes())
        inserted, deleted = ooxml.marked_words(root)
        accepted = ooxml.paragraph_texts(ooxml.accept_all(root))
        rejected = ooxml.paragraph_texts(ooxml.reject_all(root))
        rows.append(
            (
                name,
                "règles de Word",
                _verdict(accepted, _texts(after)),
                _verdict(rejected, _texts(before)),
                str(inserted),
                str(deleted),
            )
        )
    found = office()
    if isinstance(found, str):
        out.print(f"{found} : relecture par LibreOffice sautée", markup=False)
        return rows
    jobs = [
        Job(before, None, folder / "lo-before.docx"),
        Job(after, None, folder / "lo-after.docx"),
    ]
    for name, path in redlines.items():
        jobs += [
            Job(path, "accept", folder / f"lo-{name}-accepted.docx"),
            Job(path, "reject", folder / f"lo-{name}-rejected.docx"),
        ]
    run_jobs(jobs)
    for name in redlines:
        accepted_texts = _texts(folder / f"lo-{name}-accepted.docx")
        rejected_texts = _texts(folder / f"lo-{name}-rejected.docx")
        rows.append(
            (
                name,
                "LibreOffice",
                _verdict(accepted_texts, _texts(folder / "lo-after.docx")),
                _verdict(rejected_texts, _texts(folder / "lo-before.docx")),
                "",
                "",
            )
        )
    return rows


def _texts(path: Path) -> list[str]:
    return ooxml.paragraph_texts(ooxml.read_part(path.read_bytes()))


def _verdict(got: list[str], expected: list[str]) -> str:
    """« oui », or how many paragraphs are too many or missing (a changed one counts both)."""
    extra, missing = ooxml.paragraph_mismatch(got, expected)
    return "oui" if extra == missing == 0 else f"non : +{extra} / −{missing}"


def _scratch(project: Project, contract_id: str, root: Path) -> Project:
    scratch = Project(root / "depot")
    for folder in ("clauses", "clauses-avenant", "templates", "history"):
        if (project.root / folder).is_dir():
            shutil.copytree(project.root / folder, scratch.root / folder)
    shutil.copytree(project.contract_folder(contract_id), scratch.contracts / contract_id)
    if (project.archive / contract_id).is_dir():
        shutil.copytree(project.archive / contract_id, scratch.archive / contract_id)
    return scratch
