"""`cpom build --all` (`make contracts`): every contract, skipping those whose inputs and
outputs are unchanged (lifecycle/freshness.py), the others built in parallel under a progress
bar. One failing contract does not stop the others; every failure is reported at the end.

When nothing changed, nothing of the build machinery (pydantic, pandoc, typst, docx) is
imported: the no-op batch reads small files and hashes them.
"""

from __future__ import annotations

import multiprocessing
from argparse import Namespace
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from rich.console import Console

from .console import err, out
from .core.errors import CpomError, Problem, UsageError
from .core.reading import unreadable
from .lifecycle.freshness import Sources, stale_reasons, tool_fingerprint
from .project import Project

FORCED = "reconstruction demandée (--force)"
NAMED = 3  # reasons named per contract; the others counted
TASKS_PER_WORKER = 3  # contracts a worker builds before it is replaced (memory)


@dataclass(frozen=True)
class Outcome:
    """One contract of the batch: what was built, or why it failed."""

    contract_id: str
    built: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def plan(project: Project, ids: list[str], fingerprint: str, force: bool) -> dict[str, list[str]]:
    """The contracts to build, each with why; those up to date are absent."""
    if force:
        return {cid: [FORCED] for cid in ids}
    sources = Sources(project.root)
    stale = {}
    for cid in ids:
        reasons = stale_reasons(project, cid, fingerprint, sources)
        if reasons:
            stale[cid] = reasons
    return stale


def build_all(project: Project, jobs: int, force: bool = False) -> int:
    """Build every stale contract; 0 when all succeeded, 1 when one failed (all reported)."""
    ids = project.contract_ids()
    if not ids:
        raise UsageError.one("usage.contract", "aucun contrat", project.contracts)
    fingerprint = tool_fingerprint()
    stale = plan(project, ids, fingerprint, force)
    skipped = [cid for cid in ids if cid not in stale]
    if skipped:
        err.print(f"à jour, non reconstruits ({len(skipped)}) : {', '.join(skipped)}", markup=False)
    if not stale:
        out.print(f"rien à reconstruire : les {len(ids)} contrats sont à jour.", markup=False)
        return 0
    outcomes = _run(project, stale, fingerprint, jobs)
    failed = [o for o in outcomes if o.problems]
    for outcome in failed:
        for problem in outcome.problems:
            err.print(str(problem), markup=False)
    built = len(outcomes) - len(failed)
    summary = f"{built} construit{'s' if built > 1 else ''}, {len(skipped)} à jour"
    if failed:
        names = ", ".join(o.contract_id for o in failed)
        err.print(f"{summary}, {len(failed)} en échec : {names}.", markup=False)
        return 1
    out.print(f"{summary}.", markup=False)
    return 0


def build_one(project: Project, contract_id: str, fingerprint: str) -> Outcome:
    """One contract, in a worker process: its failure becomes its outcome, never the batch's."""
    from .pipeline import build_stamped

    try:
        return Outcome(contract_id, tuple(build_stamped(project, contract_id, fingerprint)))
    except CpomError as exc:
        return Outcome(contract_id, problems=exc.problems)
    except OSError as exc:
        where = Path(exc.filename) if isinstance(exc.filename, str) else project.root
        return Outcome(contract_id, problems=unreadable(where, exc).problems)
    except Exception as exc:  # noqa: BLE001 - the other contracts go on; this one is reported
        return Outcome(contract_id, problems=(_internal(project, contract_id, repr(exc)),))


def _internal(project: Project, contract_id: str, detail: str) -> Problem:
    return Problem(
        "tool.internal",
        f"construction du contrat « {contract_id} » interrompue : {detail}",
        project.contracts / contract_id,
        hint=f"reconstruisez-le seul avec CPOM_DEBUG=1 (CPOM_DEBUG=1 make contract "
        f"C={contract_id}) et transmettez la sortie à l'équipe",
    )


def _run(
    project: Project, stale: dict[str, list[str]], fingerprint: str, jobs: int
) -> list[Outcome]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    outcomes = []
    with (
        _started(project, stale, fingerprint, jobs) as results,
        Progress(*columns, console=err.rich, transient=False) as progress,
    ):
        task = progress.add_task("Construction des contrats", total=len(stale))
        for outcome in results:
            outcomes.append(outcome)
            _report(progress.console, outcome, stale[outcome.contract_id])
            progress.update(task, advance=1, description=f"Construction : {outcome.contract_id}")
    return outcomes


def _report(console: Console, outcome: Outcome, reasons: list[str]) -> None:
    why = "; ".join(reasons[:NAMED])
    if len(reasons) > NAMED:
        why += f" (et {len(reasons) - NAMED} autres)"
    if outcome.problems:
        count = len(outcome.problems)
        plural = "s" if count > 1 else ""
        console.print(
            f"échec {outcome.contract_id} ({count} problème{plural}, listé{plural} à la fin)",
            markup=False,
        )
        return
    console.print(f"construit {', '.join(outcome.built)} — {why}", markup=False)


@contextmanager
def _started(
    project: Project, stale: dict[str, list[str]], fingerprint: str, jobs: int
) -> Iterator[Iterator[Outcome]]:
    """The outcomes of the contracts as they come, built by `jobs` processes."""
    workers = max(1, min(jobs, len(stale)))
    if workers == 1:
        yield (build_one(project, cid, fingerprint) for cid in stale)
        return
    yield _pooled(project, list(stale), fingerprint, workers)


def _pooled(project: Project, ids: list[str], fingerprint: str, workers: int) -> Iterator[Outcome]:
    """Workers forked from a server that loaded the build machinery once, never from this
    process and its threads (a fork beside a running thread may copy a lock it holds, and
    hang). typst keeps what it computed for each document it compiled (about 12 MiB a
    contract, in its own memory, which it offers no way to release), so a worker serves at
    most TASKS_PER_WORKER contracts, then is replaced. Each worker is a lane of its own (a
    pool of one process) fed one contract at a time: a lane replaced never makes the others
    wait, and Python 3.11's `max_tasks_per_child`, which can hang, is not used."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assemble.pipeline"])
    waiting = iter(ids)
    lanes = [_Lane(context) for _ in range(workers)]
    running: dict[Future[Outcome], tuple[_Lane, str]] = {}

    def feed(lane: _Lane) -> None:
        cid = next(waiting, None)
        if cid is not None:
            running[lane.submit(project, cid, fingerprint)] = (lane, cid)

    try:
        for lane in lanes:
            feed(lane)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                lane, cid = running.pop(future)
                yield _outcome(project, future, cid)
                if future.exception() is not None:  # its process died: a new one serves
                    lane.close()
                feed(lane)
    finally:
        for lane in lanes:
            lane.close()


class _Lane:
    """One worker process at a time, replaced after TASKS_PER_WORKER contracts."""

    def __init__(self, context: BaseContext) -> None:
        self.context = context
        self.pool: ProcessPoolExecutor | None = None
        self.served = 0

    def submit(self, project: Project, cid: str, fingerprint: str) -> Future[Outcome]:
        if self.pool is None or self.served >= TASKS_PER_WORKER:
            self.close()
            self.pool = ProcessPoolExecutor(1, self.context)
        self.served += 1
        return self.pool.submit(build_one, project, cid, fingerprint)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool, self.served = None, 0


def _outcome(project: Project, future: Future[Outcome], cid: str) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:  # a worker killed (memory, signal): its contract failed
        return Outcome(cid, problems=(_internal(project, cid, "processus arrêté"),))


def cmd_build_all(project: Project, args: Namespace) -> int:
    """The command line's `build --all` (cli.py calls it without importing commands.py)."""
    return build_all(project, args.jobs, args.force)
