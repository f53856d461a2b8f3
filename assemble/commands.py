"""The `cpom` commands: each calls the stages and the writes, then reports as a drafter reads.

cli.py parses the arguments and turns problems into exit codes; each `cmd_*` here does one
command's work and prints its result.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .console import err, out
from .core.errors import CpomError, Problem, ProblemCollector, UsageError
from .core.files import write_files
from .core.scope import Scope
from .project import Project

if TYPE_CHECKING:
    from .lifecycle.versions import ArticleUpgrade

# Each command imports the stages it runs when it runs: `cpom list` does not load pandoc,
# docx or the Jinja sandbox, and `cpom build` does not load pypdf or the archive.


def cmd_build(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import build_contract, rebuild_version

    if args.version:
        outputs, differ = rebuild_version(project, args.contrat, args.version)
        for path in (outputs.markdown, outputs.docx, outputs.pdf):
            out.print(f"écrit {_shown(project, path)}", markup=False)
        if differ:
            err.print(
                f"ATTENTION : {', '.join(differ)} diffère(nt) de la version {args.version} "
                "enregistrée (outil modifié depuis ?) ; comparez avant tout usage.",
                markup=False,
            )
            return 1
        out.print(f"version {args.version} reconstruite à l'identique.", markup=False)
        return 0
    if not args.all:
        outputs = build_contract(project, args.contrat)
        for path in (outputs.markdown, outputs.docx, outputs.pdf):
            out.print(f"écrit {_shown(project, path)}", markup=False)
        return 0
    from .batch import build_all

    return build_all(project, args.jobs, args.force)


def cmd_check(project: Project, args: argparse.Namespace) -> int:
    """Every problem of the library and the contracts, with the drafting lint's warnings.

    Exit 1 if any error; warnings are printed and leave the exit code at 0.
    """
    from .compose.checks import check_library, check_stipulations
    from .compose.lint import lint_contract
    from .contract.schema import check_schema_file
    from .library.clauses import load_library
    from .lifecycle.avenant import AVENANTS
    from .lifecycle.avenant import CONTEXT_NAMES as AVENANT_NAMES
    from .lifecycle.avenant import LIBRARY as AVENANT_LIBRARY
    from .lifecycle.avenant_checks import avenant_file_problems
    from .lifecycle.stages import compose_draft

    problems = ProblemCollector()
    library = None
    try:
        library = load_library(project.clauses)
        problems.extend(check_library(library))
        problems.extend(project.history.drift(library.clauses))
        if (project.root / AVENANT_LIBRARY).is_dir():
            avenants = load_library(project.root / AVENANT_LIBRARY)
            problems.extend(check_library(avenants, extra_names=AVENANT_NAMES))
            problems.extend(project.history.drift(avenants.clauses))
    except CpomError as exc:
        problems.absorb(exc)
    problems.extend(check_schema_file(project.contracts))
    ids = args.contrats or project.contract_ids()
    if library is not None:
        for contract_id in ids:
            try:
                draft = compose_draft(project, contract_id, library)
            except UsageError:
                raise
            except CpomError as exc:
                problems.absorb(exc)
                continue
            problems.extend(lint_contract(draft.contract, draft.document, draft.library))
            problems.extend(check_stipulations(draft.library))
            problems.extend(
                avenant_file_problems(
                    project.contracts / contract_id / AVENANTS,
                    len(project.archived_versions(contract_id)),
                    draft.contract.data,
                )
            )
    # A clause shared by several contracts gives its warning once.
    found = list(dict.fromkeys(problems.problems))
    errors = [p for p in found if p.severity == "erreur"]
    warnings = [p for p in found if p.severity != "erreur"]
    if errors:
        raise CpomError(errors + warnings)
    for warning in warnings:
        err.print(str(warning), markup=False)
    contracts = f"{len(ids)} contrat{'s' if len(ids) > 1 else ''}"
    if warnings:
        count = len(warnings)
        out.print(
            f"bibliothèque et {contracts} : aucune erreur, {count} "
            f"avertissement{'s' if count > 1 else ''} (voir ci-dessus).",
            markup=False,
        )
    else:
        out.print(f"bibliothèque et {contracts} : aucun problème.", markup=False)
    return 0


def cmd_record(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import record_version

    name = record_version(project, args.contrat, args.statut)
    lock = project.version_lock_path(args.contrat, name)
    out.print(f"version {name} enregistrée : {_shown(project, lock)}", markup=False)
    return 0


def cmd_upgrade(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import upgrade_clauses, upgrade_contract

    if args.clause:
        done, articles = upgrade_clauses(project, args.contrat, args.clause)
        out.print(f"{args.contrat} : mise à jour partielle du projet", markup=False)
        for item in done:
            out.print(
                f"  {item.label} (clause « {item.clause} ») : v{item.before} → v{item.after}",
                markup=False,
            )
        out.print("  les autres clauses restent à leurs versions verrouillées.", markup=False)
        if articles:
            out.print("articles modifiés :", markup=False)
        _print_articles(articles)
        return 0
    changes = upgrade_contract(project, args.contrat)
    if not changes:
        out.print(f"{args.contrat} utilise déjà les dernières versions des clauses.", markup=False)
        return 0
    out.print(f"{args.contrat} passe aux dernières versions ; articles modifiés :", markup=False)
    _print_articles(changes)
    return 0


def _print_articles(changes: list[ArticleUpgrade]) -> None:
    for change in changes:
        before = "nouvel article" if change.before is None else f"v{change.before}"
        after = "supprimé" if change.after is None else f"v{change.after}"
        label = change.label or change.clause
        text = "" if change.text_changed else " (texte identique)"
        out.print(f"  {label} ({change.clause}) : {before} → {after}{text}", markup=False)


def cmd_status(project: Project, args: argparse.Namespace) -> int:
    from rich.table import Table

    from .library.clauses import load_library
    from .lifecycle.versions import OWN, STATE_LABELS, clause_usage, collect_status, status_html

    library = load_library(project.clauses)
    statuses = collect_status(project, library)
    if args.clause:
        table = Table(title=f"Contrats utilisant la clause « {args.clause} »")
        for column in ("Contrat", "Version", "Statut", "Version de la clause", "Dernière"):
            table.add_column(column, no_wrap=True)
        latest = {c.id: c.version for c in library.clauses}.get(args.clause)
        for status, version in clause_usage(statuses, args.clause):
            mark = "" if latest is not None and version >= latest else " ⚠"
            table.add_row(
                status.contract,
                status.version,
                STATE_LABELS[status.statut],
                f"v{version}{mark}",
                f"v{latest}" if latest else "retirée",
            )
        out.print(table)
        return 0
    table = Table(title="Versions des clauses par contrat (⚠ : plus récente dans la bibliothèque)")
    table.add_column("Clause", no_wrap=True)
    table.add_column("Dernière", no_wrap=True)
    for status in statuses:
        table.add_column(
            f"{status.contract} {status.version} ({STATE_LABELS[status.statut]})", overflow="fold"
        )
    current = {c.id: c.version for c in library.clauses}
    used = {u.clause for s in statuses for u in s.uses}
    for clause in [c.id for c in library.clauses if c.id in used] + sorted(used - set(current)):
        cells = []
        for status in statuses:
            use = next((u for u in status.uses if u.clause == clause), None)
            cells.append("·" if use is None else f"{use.shown}{' ⚠' if use.outdated else ''}")
        own = any(u.own and u.clause == clause for s in statuses for u in s.uses)
        last = f"v{current[clause]}" if clause in current else OWN if own else "retirée"
        table.add_row(clause, last, *cells)
    out.print(table)
    for status in statuses:
        late = ", ".join(
            f"{u.clause} v{u.version}→{'retirée' if u.latest is None else f'v{u.latest}'}"
            for u in status.outdated
        )
        verdict = f"en retard : {late}" if late else "à jour"
        out.print(f"{status.contract} {status.version} : {verdict}", markup=False)
    page = project.build / "status.html"
    write_files(
        {page: status_html(statuses, library).encode("utf-8")},
        project.build_file_scope(page.name),
    )
    out.print(f"écrit {_shown(project, page)}", markup=False)
    return 0


def cmd_history(project: Project, args: argparse.Namespace) -> int:
    from .library.clauses import load_library
    from .lifecycle.versions import clause_history

    library = load_library(project.clauses)
    for version, motif in clause_history(project, library, args.clause):
        out.print(f"v{version}  {motif}", markup=False)
    return 0


def _shown(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def cmd_avenant(project: Project, args: argparse.Namespace) -> int:
    from .lifecycle.avenant import avenant_folder, describe_changes
    from .pipeline import build_avenant

    draft = build_avenant(project, args.contrat)
    if draft is None:
        signed = project.archived_versions(args.contrat)[-1]
        out.print(
            f"aucun changement depuis la version signée {signed} : aucun avenant n'est "
            "nécessaire, rien n'a été écrit.",
            markup=False,
        )
        return 0
    folder = avenant_folder(project, args.contrat, draft.number)
    out.print(f"avenant n° {draft.number} rédigé : {_shown(project, folder)}/", markup=False)
    for line in describe_changes(draft.changes):
        out.print(f"  {line}", markup=False)
    out.print(f"contrat consolidé : {_shown(project, project.build / args.contrat)}/", markup=False)
    return 0


def cmd_redline(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import build_redline

    paths, summary = build_redline(
        project, args.contrat, args.before, args.after, args.auteur, pdf=args.pdf
    )
    for path in paths:
        out.print(f"écrit {_shown(project, path)}", markup=False)
    out.print(summary.text(args.before, args.after), markup=False)
    return 0


def cmd_archive(project: Project, args: argparse.Namespace) -> int:
    from .archive.store import archive_version

    archived = archive_version(
        project, args.contrat, args.signe.resolve(), args.date, args.force, scan=args.scan
    )
    for path in archived.cleaned:
        out.print(f"archivage interrompu nettoyé : {_shown(project, path)}", markup=False)
    out.print(
        f"version {archived.version} archivée : {_shown(project, archived.folder)}", markup=False
    )
    check = archived.check
    if check.statut == "non-verifiable":
        out.print(
            f"fichier signé non vérifié : {check.verification.detail} (consigné au manifeste)",
            markup=False,
        )
    elif check.statut == "force":
        out.print(
            f"archivé malgré une différence, motif consigné : {check.verification.motif}",
            markup=False,
        )
    else:
        out.print(f"fichier signé conforme : {check.verification.detail}.", markup=False)
    for signature in check.signatures:
        when = signature.date_signature.isoformat() if signature.date_signature else "date inconnue"
        out.print(
            f"signature électronique de {signature.signataire} ({when}) : "
            f"{signature.integrite}, certificat {signature.confiance}",
            markup=False,
        )
    out.print("validez-la dans git : git add archive && git commit", markup=False)
    return 0


def cmd_verify(project: Project, args: argparse.Namespace) -> int:
    from .archive.verify import verify_archive

    report = verify_archive(project)
    _print_findings(report.problems)
    if report.errors:
        count = len(report.errors)
        err.print(f"{count} problème{'s' if count > 1 else ''} dans l'archive.", markup=False)
        return 1
    count = len(report.versions)
    warnings = len(report.problems)
    out.print(
        f"archive intègre : {count} version{'s' if count > 1 else ''} vérifiée"
        f"{'s' if count > 1 else ''}"
        + (f" ({warnings} avertissement{'s' if warnings > 1 else ''})." if warnings else "."),
        markup=False,
    )
    return 0


def cmd_index(project: Project, args: argparse.Namespace) -> int:
    from .archive.index import INDEX
    from .archive.indexing import index_versions

    added = index_versions(project, args.contrat)
    if not added:
        out.print(f"index de {args.contrat} complet : rien à ajouter.", markup=False)
        return 0
    path = project.archive / args.contrat / INDEX
    out.print(f"{', '.join(added)} inscrite(s) dans {_shown(project, path)}", markup=False)
    return 0


def cmd_list(project: Project, args: argparse.Namespace) -> int:
    from rich.table import Table

    from .archive.listing import list_archive

    table = Table(title="Versions signées")
    for column in (
        "Contrat",
        "Version",
        "En vigueur",
        "Fichier signé",
        "Intégrité",
    ):
        table.add_column(column, no_wrap=True)
    checks = {"conforme": "conforme", "non-verifiable": "non vérifiable", "force": "forcé"}
    entries, report = list_archive(project)
    for entry in entries:
        table.add_row(
            entry.contract,
            entry.title if entry.signature_date else f"{entry.version} — {entry.label}",
            "oui" if entry.in_force else "",
            checks.get(entry.check or "", "?"),
            "intègre" if entry.intact else "⚠ voir ci-dessous",
        )
    unsigned = [c for c in project.contract_ids() if not project.archived_versions(c)]
    out.print(table)
    if unsigned:
        out.print(f"sans version signée : {', '.join(unsigned)}", markup=False)
    _print_findings(report.problems)
    if report.errors:
        err.print(
            "l'archive a des problèmes : ce tableau n'est pas fiable (make verify).", markup=False
        )
        return 1
    return 0


def _print_findings(problems: Sequence[Problem]) -> None:
    """Errors first, then warnings (which do not fail a verification) under their own heading."""
    warnings = [p for p in problems if p.severity != "erreur"]
    for problem in problems:
        if problem.severity == "erreur":
            err.print(str(problem), markup=False)
    if warnings:
        err.print("avertissements (sans effet sur le résultat) :", markup=False)
    for problem in warnings:
        err.print(str(problem), markup=False)


def cmd_schema(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import write_schema

    path = write_schema(project.contracts)
    out.print(f"écrit {_shown(project, path)}", markup=False)
    return 0


def cmd_codes(project: Project, args: argparse.Namespace) -> int:
    from .core.codes import CODES, codes_markdown

    if args.doc:
        path = project.root / "docs" / "erreurs.md"
        write_files(
            {path: codes_markdown().encode("utf-8")}, Scope.file(project.root, "docs", path.name)
        )
        out.print(f"écrit {_shown(project, path)}", markup=False)
        return 0
    for code in CODES.values():
        out.print(f"{code.code:<28} {code.severity:<13} {code.title} → {code.fix}", markup=False)
    return 0


def cmd_bench(project: Project, args: argparse.Namespace) -> int:
    from .bench import run_bench

    run_bench(project, args.contrat, args.repetitions, out.rich)
    if args.lot:
        from .bench_batch import run_batch_bench

        run_batch_bench(project, args.lot, out.rich)
    return 0
