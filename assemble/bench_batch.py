"""The batch rows of `make bench`: N synthetic contracts built by `cpom build --all` as a whole
process, cold then with nothing changed, against the serial bare toolchain on the same Markdown,
with the peak memory of the batch (the process and its workers).

`synthetic_project` (also `scripts/make_batch.py`) makes the contracts from the unsigned samples
in a project folder of its own, never in the repository's contracts/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .contract.files import CONTRACT_FILE, SCHEMA_FILE
from .core.temporaries import private_folder
from .project import LOCK_FILE, Project

SHARED = ("clauses", "clauses-avenant", "templates", "history")
NOOP_GOAL = 1.0  # seconds, issue 16
BATCH_GOAL = 0.45  # of the serial bare toolchain
MEMORY_GOAL = 300  # MiB
_NAME = re.compile(r"^(  raison_sociale: )(.+)$", re.MULTILINE)
_REFERENCE = re.compile(r"^(  reference: )(.+)$", re.MULTILINE)


def synthetic_project(source: Project, target: Path, count: int) -> list[str]:
    """A project at `target` with `count` contracts copied from the unsigned samples of
    `source`, each with its own id, organisme name and reference; returns their ids."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} n'est pas vide")
    samples = [cid for cid in source.contract_ids() if not source.archived_versions(cid)]
    if not samples:
        raise ValueError(f"aucun contrat non signé à copier dans {source.contracts}")
    for folder in SHARED:
        if (source.root / folder).is_dir():
            shutil.copytree(source.root / folder, target / folder)
    (target / "contracts").mkdir(parents=True)
    schema = source.contracts / SCHEMA_FILE
    if schema.is_file():  # what `# yaml-language-server: $schema=../schema.json` points at
        shutil.copyfile(schema, target / "contracts" / SCHEMA_FILE)
    made = []
    for number in range(1, count + 1):
        sample = samples[(number - 1) % len(samples)]
        contract_id = f"{sample}-{number:03d}"
        home = target / "contracts" / contract_id
        home.mkdir(parents=True)
        text = (source.contracts / sample / CONTRACT_FILE).read_text(encoding="utf-8")
        text = _NAME.sub(rf"\g<1>\g<2> {number}", text, count=1)
        text = _REFERENCE.sub(rf"\g<1>\g<2>-{number:03d}", text, count=1)
        (home / CONTRACT_FILE).write_text(text, encoding="utf-8")
        lock = source.lock_path(sample)
        if lock.is_file():  # the same clause versions as the sample: the same realistic text
            data = json.loads(lock.read_text(encoding="utf-8"))
            data["contrat"] = contract_id
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            (home / LOCK_FILE).write_text(text, encoding="utf-8")
        made.append(contract_id)
    return made


class PeakMemory:
    """The peak of the summed memory (PSS) of a process and all its descendants, sampled."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kib / 1024

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(p) for p in _tree(self.pid)))
            self._stop.wait(interval)


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending += children.get(current, [])
    return found


def _rss_kib(pid: int) -> int:
    """The process's proportional share of resident memory (PSS): pages shared by the forked
    workers count once in the sum, as the machine sees them; RSS when PSS is not readable."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def timed_batch(root: Path, cache: Path, *extra: str) -> tuple[float, float, int]:
    """`cpom build --all` on a project as a whole process, with `cache` as its cache folder
    (a new one: a cold batch): seconds, peak MiB, exit code."""
    command = [sys.executable, "-m", "assemble", "--racine", str(root), "build", "--all", *extra]
    env = {**os.environ, "CPOM_CACHE": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    memory = PeakMemory(proc.pid)
    code = proc.wait()
    seconds = time.perf_counter() - start
    return seconds, memory.stop(), code


def bare_toolchain(project: Project, markdown: Path, work: Path) -> None:
    """pandoc to Word, pandoc to typst, typst to PDF/A: what a drafter would run by hand."""
    import pypandoc
    import typst

    pandoc = str(pypandoc.get_pandoc_path())
    reference = project.templates / "reference.docx"
    docx, source, pdf = (work / f"bare.{s}" for s in ("docx", "typ", "pdf"))
    run = subprocess.run
    run([pandoc, str(markdown), "-o", str(docx), "--reference-doc", str(reference)], check=True)
    template = project.templates / "contrat.typ"
    run(
        [pandoc, str(markdown), "-t", "typst", "-o", str(source), "--template", str(template)],
        check=True,
    )
    fonts = project.templates / "fonts"
    typst.compile(
        str(source),
        output=str(pdf),
        font_paths=[str(fonts)] if fonts.is_dir() else [],
        pdf_standards=["a-2b"],
        ignore_system_fonts=True,
    )


def run_batch_bench(project: Project, count: int, out: Console) -> None:
    """Print the batch rows: cold, no-op, bare toolchain in series, peak memory; with ratios."""
    with private_folder("lot") as tmp:
        root = tmp / "lot"
        ids = synthetic_project(project, root, count)
        cold, cold_mib, code = timed_batch(root, tmp / "cache")  # nothing kept from before
        if code != 0:
            out.print(f"le lot de {count} contrats a échoué (code {code})", markup=False)
            return
        noop, noop_mib, _ = timed_batch(root, tmp / "cache")
        lot = Project(root)
        start = time.perf_counter()
        for cid in ids:
            bare_toolchain(lot, lot.build / cid / f"{cid}.md", tmp)
        bare = time.perf_counter() - start
    table = Table(
        title=f"Lot de {count} contrats synthétiques, processus entiers, {os.cpu_count()} cœurs"
    )
    for column in ("Mesure", "Secondes", "Rapport", "Objectif"):
        table.add_column(column, justify="left" if column == "Mesure" else "right")
    table.add_row("Chaîne nue en série (référence)", f"{bare:.1f}", "1.00", "")
    table.add_row(
        "cpom build --all à froid", f"{cold:.1f}", f"{cold / bare:.2f}", f"≤ {BATCH_GOAL}"
    )
    table.add_row(
        "cpom build --all sans changement",
        f"{noop:.2f}",
        f"{noop / NOOP_GOAL:.2f} de l'objectif",
        f"≤ {NOOP_GOAL:.0f} s",
    )
    table.add_row(
        "mémoire maximale du lot (Mio, PSS du processus et des travailleurs)",
        f"{cold_mib:.0f}",
        f"{cold_mib / MEMORY_GOAL:.2f} de l'objectif",
        f"≤ {MEMORY_GOAL}",
    )
    out.print(table)
