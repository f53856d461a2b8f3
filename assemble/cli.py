"""The `cpom` command line: parse arguments, call the stage functions, report problems."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .build import Project, assemble, build_contract
from .checks import check_library
from .errors import CpomError, ProblemCollector, UsageError
from .library import load_library
from .schema import SCHEMA_FILE, check_schema_file, write_schema

DEFAULT_CONTRACT = "association-horizons"

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    project = Project(Path(args.racine).resolve())
    command: Callable[[Project, argparse.Namespace], int] = args.func
    try:
        return command(project, args)
    except CpomError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        count = len(exc.problems)
        err.print(f"{count} problème{'s' if count > 1 else ''} : rien n'a été écrit.", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrompu : rien n'a été écrit.")
        return 130
    except Exception:  # noqa: BLE001 - a drafter sees a message, a developer a traceback
        if os.environ.get("CPOM_DEBUG"):
            traceback.print_exc()
        err.print(
            "erreur interne de l'outil : relancez avec CPOM_DEBUG=1 et transmettez la sortie "
            "à l'équipe.",
            markup=False,
        )
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpom", description="Assemblage des contrats pluriannuels d'objectifs et de moyens."
    )
    parser.add_argument(
        "--racine", default=".", help="racine du dépôt (par défaut : le dossier courant)"
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="commande")

    build = verbs.add_parser("build", help="construit .md, .docx et .pdf d'un contrat")
    build.add_argument("contrat", nargs="?", default=DEFAULT_CONTRACT, help="identifiant")
    build.add_argument("--all", action="store_true", help="tous les contrats, en parallèle")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processus")
    build.set_defaults(func=cmd_build)

    check = verbs.add_parser("check", help="valide la bibliothèque et les contrats")
    check.add_argument("contrats", nargs="*", help="identifiants (par défaut : tous)")
    check.set_defaults(func=cmd_check)

    schema = verbs.add_parser("schema", help=f"écrit contracts/{SCHEMA_FILE}")
    schema.set_defaults(func=cmd_schema)

    bench = verbs.add_parser("bench", help="compare la construction à la chaîne d'outils nue")
    bench.add_argument("contrat", nargs="?", default=DEFAULT_CONTRACT)
    bench.add_argument("--repetitions", type=int, default=3)
    bench.set_defaults(func=cmd_bench)
    return parser


def cmd_build(project: Project, args: argparse.Namespace) -> int:
    if not args.all:
        outputs = build_contract(project, args.contrat)
        for path in (outputs.markdown, outputs.docx, outputs.pdf):
            out.print(f"écrit {path.relative_to(project.root)}", markup=False)
        return 0
    ids = project.contract_ids()
    if not ids:
        raise UsageError.one("usage.contract", "aucun contrat", project.contracts)
    problems = ProblemCollector()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        Progress(*columns, console=err, transient=False) as progress,
        ProcessPoolExecutor(max_workers=max(1, min(args.jobs, len(ids)))) as pool,
    ):
        task = progress.add_task("Construction des contrats", total=len(ids))
        futures = {pool.submit(build_contract, project, cid): cid for cid in ids}
        for future in as_completed(futures):
            try:
                future.result()
                progress.console.print(f"construit {futures[future]}", markup=False)
            except CpomError as exc:
                problems.absorb(exc)
            progress.advance(task)
    problems.raise_if_any()
    return 0


def cmd_check(project: Project, args: argparse.Namespace) -> int:
    problems = ProblemCollector()
    library = None
    try:
        library = load_library(project.clauses)
        problems.extend(check_library(library))
    except CpomError as exc:
        problems.absorb(exc)
    problems.extend(check_schema_file(project.contracts))
    ids = args.contrats or project.contract_ids()
    if library is not None:
        for contract_id in ids:
            try:
                assemble(project, contract_id, library)
            except UsageError:
                raise
            except CpomError as exc:
                problems.absorb(exc)
    problems.raise_if_any()
    out.print(
        f"bibliothèque et {len(ids)} contrat{'s' if len(ids) > 1 else ''} : aucun problème.",
        markup=False,
    )
    return 0


def cmd_schema(project: Project, args: argparse.Namespace) -> int:
    path = write_schema(project.contracts)
    out.print(f"écrit {path.relative_to(project.root)}", markup=False)
    return 0


def cmd_bench(project: Project, args: argparse.Namespace) -> int:
    from .bench import run_bench

    run_bench(project, args.contrat, args.repetitions, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
