"""`make bench`: whole processes as a drafter runs them, each against its reference in the same
run, alternating; then the stages of a build inside one process, and the redline's verdicts.

Whole-process figures are wall times of `cpom` started as a command (interpreter, imports,
work, exit) and of the reference tools started the same way; the peak memory of each is the
kernel's account of the process and what it waited for (wait4), as /usr/bin/time -v gives it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from .bench_stages import print_stages
from .core.temporaries import private_folder
from .lifecycle.redline_verdicts import verdicts
from .project import Project
from .render.kept import KIND
from .render.pdf import TYPST_TEMPLATE, font_folders

if TYPE_CHECKING:
    pass

# Goals of issue 16, each a ratio to a reference measured in the same run.
HELP_SECONDS = 0.15  # `cpom --help`, seconds (its reference: the bare interpreter's start)
BUILD_RATIO = 1.15  # one build / the bare toolchain on the same Markdown
REDLINE_RATIO = 1 / 2.5  # our redline / python-redlines (Docxodus), as whole processes
PEAK_MIB = 300  # peak memory of a process of ours
# What `cpom build` imports: the floor of a whole-process build, before any work.
BUILD_MODULES = (
    "assemble.cli",
    "assemble.commands",
    "assemble.pipeline",
    "assemble.lifecycle.stages",
)


@dataclass(frozen=True)
class Run:
    """One or several processes run one after the other: wall time, largest peak memory."""

    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Row:
    """A figure of the table: ours against a reference, and the goal it is held to."""

    name: str
    ours: float
    reference: float
    unit: str  # "s" or "Mio"
    goal: float | None  # on the ratio, or on `ours` itself when `absolute`; None: a measure
    absolute: bool = False

    @property
    def ratio(self) -> float:
        return self.ours / self.reference if self.reference else float("inf")

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return (self.ours if self.absolute else self.ratio) <= self.goal


Command = Sequence[str]


# Runs one command and reports its wall time, peak memory and exit code. It runs in a small
# process of its own: Linux counts in a child's peak memory the memory of the process that
# forked it, so a command forked from the bench (or from pytest) would seem as large as them.
_MEASURE = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_processes(commands: Sequence[Command], env: dict[str, str] | None = None) -> Run:
    """Run commands one after the other as whole processes; fail if one fails."""
    seconds = 0.0
    peak = 0
    for command in commands:
        proc = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command], env=env, capture_output=True, check=False
        )
        taken, kib, code = proc.stdout.split()
        if proc.returncode != 0 or int(code) != 0:
            raise subprocess.CalledProcessError(int(code), list(command), stderr=proc.stderr)
        seconds += float(taken)
        peak = max(peak, int(kib))  # KiB on Linux
    return Run(seconds, peak / 1024)


def alternate(
    ours: Callable[[], Run], reference: Callable[[], Run], repetitions: int
) -> tuple[Run, Run]:
    """Medians of both, run in turn (ABBA…) so that a busy moment weighs on both alike."""
    mine: list[Run] = []
    theirs: list[Run] = []
    for index in range(repetitions):
        pair = ((ours, mine), (reference, theirs))
        for action, runs in pair if index % 2 == 0 else reversed(pair):
            runs.append(action())
    return _median(mine), _median(theirs)


def _median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs))


def cpom_command(project: Project, *args: str) -> list[str]:
    """`cpom` as a drafter starts it: the console script next to this interpreter."""
    script = Path(sys.executable).with_name("cpom")
    start = [str(script)] if script.is_file() else [sys.executable, "-m", "assemble"]
    return [*start, "--racine", str(project.root), *args]


def bare_toolchain(project: Project, markdown: Path, tmp: Path) -> list[Command]:
    """What a drafter would run by hand on the same Markdown: pandoc to Word, pandoc to
    typst, then typst to PDF/A (the typst wheel is a library: a Python process compiles)."""
    from .render.pandoc import pandoc_path

    pandoc = pandoc_path()
    reference = project.templates / "reference.docx"
    template = project.templates / TYPST_TEMPLATE
    compile_pdf = (
        "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
        "font_paths=sys.argv[3:], pdf_standards=['a-2b'], ignore_system_fonts=True)"
    )
    return [
        [pandoc, str(markdown), "-o", str(tmp / "bare.docx"), "--reference-doc", str(reference)],
        [pandoc, str(markdown), "-t", "typst", "-o", str(tmp / "bare.typ")]
        + ["--template", str(template)],
        [sys.executable, "-c", compile_pdf, str(tmp / "bare.typ"), str(tmp / "bare.pdf")]
        + font_folders(project.templates),
    ]


def drafter_env(cache: Path | None) -> dict[str, str]:
    """The environment of a drafter's shell: Python keeps its compiled modules (a
    PYTHONDONTWRITEBYTECODE set here would recompile the package at every run), and the
    tool's cache is the bench's own folder (`cache`), or off (None)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CPOM_CACHE"] = str(cache) if cache is not None else "non"
    return env


def run_bench(project: Project, contract_id: str, repetitions: int, out: Console) -> None:
    """Print every whole-process figure against its reference, then the stages of a build."""
    rows: list[Row] = []
    with private_folder("bench") as tmp:
        # A copy: builds rewrite locks and history, which must not change under the drafter.
        scratch = _scratch(project, tmp)
        warm = drafter_env(tmp / "cache")
        help_run, python_run = alternate(
            lambda: run_processes([cpom_command(scratch, "--help")], warm),
            lambda: run_processes([[sys.executable, "-c", "pass"]], warm),
            max(repetitions, 5),
        )
        rows.append(
            Row(
                "démarrage : cpom --help / python -c pass",
                help_run.seconds,
                python_run.seconds,
                "s",
                HELP_SECONDS,
                absolute=True,
            )
        )
        for built in _built_samples(project, contract_id):
            rows += _build_rows(scratch, built, repetitions, tmp)
        signed = project.archived_versions(contract_id)
        if signed:
            rows += _redline_rows(scratch, contract_id, signed[-1], repetitions, tmp, out)
        # Further rows (the batch of issue 16) are added here by their own module.
        _print_rows(rows, repetitions, out)
        print_stages(scratch, contract_id, repetitions, out)
    out.print(
        "cache chaud : les lectures de pandoc, les clauses compilées, la page de garde, les "
        "versions enregistrées et le rendu entier (Markdown, Word, PDF) déjà calculés pour les "
        "mêmes entrées (docs/architecture.md) ; rendu refait : le même cache sans les rendus ; "
        "sans cache : CPOM_CACHE=non, tout est recalculé.",
        markup=False,
    )


def _built_samples(project: Project, contract_id: str) -> list[str]:
    """The contract asked for and, when it is signed, a draft sample too."""
    drafts = [c for c in project.contract_ids() if not project.archived_versions(c)]
    extra = drafts[:1] if project.archived_versions(contract_id) and drafts else []
    return [contract_id, *[c for c in extra if c != contract_id]]


def _build_rows(scratch: Project, contract_id: str, repetitions: int, tmp: Path) -> list[Row]:
    """One build against the bare toolchain, with the cache and without; and the floor: the
    interpreter's start and the imports a build needs, against the same toolchain."""
    build = cpom_command(scratch, "build", "--", contract_id)
    warm, cold = drafter_env(tmp / "cache"), drafter_env(None)
    run_processes([build], warm)  # warms the cache; gives the Markdown
    bare = bare_toolchain(scratch, scratch.build / contract_id / f"{contract_id}.md", tmp)
    rows: list[Row] = []
    peaks: list[tuple[Run, Run]] = []
    kept = tmp / "cache" / KIND
    runners = (
        ("cache chaud : rendu copié", _runner([build], warm)),
        ("cache chaud, rendu refait", _runner([build], warm, forget=kept)),
        ("sans cache", _runner([build], cold)),
    )
    for label, runner in runners:
        ours, theirs = alternate(runner, _runner(bare, warm), repetitions)
        peaks.append((ours, theirs))
        name = f"cpom build {contract_id} ({label}) / chaîne nue"
        rows.append(Row(name, ours.seconds, theirs.seconds, "s", BUILD_RATIO))
    imports = [sys.executable, "-c", f"import {', '.join(BUILD_MODULES)}"]
    floor, theirs = alternate(_runner([imports], warm), _runner(bare, warm), repetitions)
    name = "  plancher : démarrer Python et importer ce qu'un build importe / chaîne nue"
    rows.append(Row(name, floor.seconds, theirs.seconds, "s", None))
    name = f"mémoire maximale : cpom build {contract_id} / chaîne nue"
    ours_peak = max(p[0].peak_mib for p in peaks)
    rows.append(Row(name, ours_peak, max(p[1].peak_mib for p in peaks), "Mio", PEAK_MIB, True))
    return rows


def _runner(
    commands: Sequence[Command], env: dict[str, str], forget: Path | None = None
) -> Callable[[], Run]:
    """The commands as whole processes; `forget`: a folder of the cache emptied before."""

    def run() -> Run:
        if forget is not None:
            shutil.rmtree(forget, ignore_errors=True)
        return run_processes(commands, env)

    return run


def _print_rows(rows: list[Row], repetitions: int, out: Console) -> None:
    table = Table(title=f"Processus entiers, en alternance (médianes de {repetitions} passes)")
    for column in ("Mesure", "Nous", "Référence", "Rapport", "Objectif", "Atteint"):
        table.add_column(column, justify="left" if column == "Mesure" else "right")
    for row in rows:
        digits = 0 if row.unit == "Mio" else 3
        goal = "" if row.goal is None else f"≤ {row.goal:.2f}"
        if row.absolute:
            goal += f" {row.unit}"
        met = {None: "", True: "oui", False: "non"}[row.met]
        table.add_row(
            row.name,
            f"{row.ours:.{digits}f} {row.unit}",
            f"{row.reference:.{digits}f} {row.unit}",
            f"{row.ratio:.2f}",
            goal,
            met,
        )
    out.print(table)


def _redline_rows(
    scratch: Project, contract_id: str, version: str, repetitions: int, tmp: Path, out: Console
) -> list[Row]:
    """Our redline against python-redlines (Docxodus engine) on the same pair of versions, as
    whole processes; then what accepting and rejecting every change gives, for each."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        out.print(
            "python-redlines absent : comparaison des redlines sautée (pip install -e '.[dev]')",
            markup=False,
        )
        return []
    warm, cold = drafter_env(tmp / "cache"), drafter_env(None)
    rebuild = cpom_command(scratch, "build", "--version", version, "--", contract_id)
    run_processes([rebuild], warm)
    before = scratch.build / contract_id / version / f"{contract_id}.docx"
    after = scratch.build / contract_id / f"{contract_id}.docx"
    theirs_docx = tmp / "docxodus.docx"
    ours_command = cpom_command(scratch, "redline", contract_id, "--de", version, "--a")
    ours_command += ["projet", "--auteur", "bench"]
    engine = DocxodusEngine()
    theirs_command = [engine.extracted_binaries_path, "bench", str(before), str(after)]
    theirs_command.append(str(theirs_docx))
    run_processes([ours_command], warm)  # the cache as a drafter's after one redline
    rows: list[Row] = []
    peaks: list[float] = []
    for label, env in (("cache chaud", warm), ("sans cache", cold)):
        ours, theirs = alternate(
            _runner([ours_command], env), _runner([theirs_command], warm), repetitions
        )
        peaks += [ours.peak_mib, theirs.peak_mib]
        name = f"redline {version} → projet ({label}) / python-redlines (Docxodus)"
        rows.append(Row(name, ours.seconds, theirs.seconds, "s", REDLINE_RATIO))
    rows.append(
        Row(
            "mémoire maximale : redline / Docxodus",
            max(peaks[0::2]),
            max(peaks[1::2]),
            "Mio",
            PEAK_MIB,
            absolute=True,
        )
    )
    ours_docx = scratch.build / contract_id / f"redline-{version}-projet.docx"
    redlines = {"cpom": ours_docx, "Docxodus": theirs_docx}
    rows_read, skipped = verdicts(redlines, before, after, tmp)
    if skipped:
        out.print(f"{skipped} : relecture par LibreOffice sautée", markup=False)
    _print_verdicts(rows_read, version, out)
    return rows


def _print_verdicts(verdicts: list[tuple[str, ...]], version: str, out: Console) -> None:
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


def _scratch(project: Project, root: Path) -> Project:
    scratch = Project(root / "depot")
    for folder in ("clauses", "clauses-avenant", "templates", "history", "contracts", "archive"):
        if (project.root / folder).is_dir():
            shutil.copytree(project.root / folder, scratch.root / folder)
    return scratch
