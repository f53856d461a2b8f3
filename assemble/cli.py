"""The `cpom` command line: parse the arguments, run the command (commands.py), turn problems
into messages and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .arguments import ArgumentsError, FrenchParser
from .contract.files import SCHEMA_FILE
from .core.errors import CpomError, Problem
from .core.limits import MAX_DATE, MIN_DATE, YEAR_WHY
from .core.names import check_arguments
from .project import Project

DEFAULT_CONTRACT = "association-horizons"


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        # A terminated build runs its cleanup (temporaries) as an interrupted one does.
        signal.signal(signal.SIGTERM, _terminated)
    parser = _parser()
    try:
        args = parser.parse_args(_make_style(sys.argv[1:] if argv is None else list(argv)))
    except ArgumentsError as exc:
        from .console import err

        err.print(exc.usage.rstrip(), markup=False)
        err.print(str(Problem("usage.arguments", str(exc))), markup=False)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    from .core.cache import Cache

    project = Project(Path(args.racine).resolve(), cache=Cache.of_user())
    # Each verb's modules are imported when it runs, not for --help or a usage error.
    from .console import err
    from .core.reading import unreadable

    command: Callable[[Project, argparse.Namespace], int]
    if args.command == "build" and args.all:  # the batch imports the build only if it builds
        from .batch import cmd_build_all as command
    elif args.command == "review":
        from .reviewing import cmd_review as command
    elif args.command == "identify":
        from .reviewing import cmd_identify as command
    else:
        from . import commands

        command = getattr(commands, f"cmd_{args.command}")
    try:
        check_arguments(args)
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
    except OSError as exc:  # a file the system refused to read, in a place not foreseen
        where = Path(exc.filename) if isinstance(exc.filename, str) else project.root
        err.print(str(unreadable(where, exc).problems[0]), markup=False)
        return 1
    except Exception:  # noqa: BLE001 - a drafter sees a message, a developer a traceback
        if os.environ.get("CPOM_DEBUG"):
            traceback.print_exc()
        err.print(
            "erreur interne de l'outil : relancez avec CPOM_DEBUG=1 et transmettez la sortie "
            "à l'équipe.",
            markup=False,
        )
        return 70


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _make_style(argv: list[str]) -> list[str]:
    """Accept the Makefile's spelling too: `cpom upgrade C=<id>` is `cpom upgrade <id>`."""
    return [arg[2:] if arg.startswith("C=") and len(arg) > 2 else arg for arg in argv]


def _parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="cpom", description="Assemblage des contrats pluriannuels d'objectifs et de moyens."
    )
    parser.add_argument(
        "--racine", default=".", help="racine du dépôt (par défaut : le dossier courant)"
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="commande")

    build = verbs.add_parser("build", help="construit .md, .docx et .pdf d'un contrat")
    build.add_argument("contrat", nargs="?", default=DEFAULT_CONTRACT, help="identifiant")
    build.add_argument("--all", action="store_true", help="tous les contrats, en parallèle")
    build.add_argument(
        "--version", help="reconstruit à l'identique une version enregistrée (v1, v2…)"
    )
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processus")
    build.add_argument(
        "--force", action="store_true", help="avec --all : reconstruit aussi les contrats à jour"
    )
    build.set_defaults(command="build")

    check = verbs.add_parser("check", help="valide la bibliothèque et les contrats")
    check.add_argument("contrats", nargs="*", help="identifiants (par défaut : tous)")
    check.set_defaults(command="check")

    record = verbs.add_parser("record", help="enregistre le projet comme version v1, v2…")
    record.add_argument("contrat")
    record.add_argument("--statut", choices=["enregistre", "signe"], default="enregistre")
    record.set_defaults(command="record")

    upgrade = verbs.add_parser("upgrade", help="passe un projet aux dernières versions")
    upgrade.add_argument("contrat")
    upgrade.add_argument(
        "--clause",
        action="append",
        help="ne passe que cette clause à sa dernière version (répétable ; projet d'avenant)",
    )
    upgrade.set_defaults(command="upgrade")

    status = verbs.add_parser("status", help="versions des clauses utilisées par les contrats")
    status.add_argument("--clause", help="les contrats qui utilisent cette clause")
    status.set_defaults(command="status")

    history = verbs.add_parser("history", help="versions publiées d'une clause et leurs motifs")
    history.add_argument("clause")
    history.set_defaults(command="history")

    avenant = verbs.add_parser("avenant", help="rédige l'avenant en cours d'un contrat signé")
    avenant.add_argument("contrat")
    avenant.set_defaults(command="avenant")

    redline = verbs.add_parser("redline", help="Word avec suivi des modifications entre versions")
    redline.add_argument("contrat")
    redline.add_argument("--de", dest="before", required=True, help="version d'origine (v1…)")
    redline.add_argument("--a", dest="after", required=True, help="version d'arrivée, ou projet")
    redline.add_argument("--auteur", help="auteur des modifications (défaut : git user.name)")
    redline.add_argument("--pdf", action="store_true", help="aussi un PDF aux changements visibles")
    redline.set_defaults(command="redline")

    review = verbs.add_parser("review", help="ce qu'un Word retourné change, article par article")
    review.add_argument("contrat")
    review.add_argument("fichier", type=Path, help="le .docx retourné")
    review.add_argument(
        "--appliquer",
        action="store_true",
        help="reporte les données dans contract.yaml et le texte en stipulations du contrat",
    )
    review.set_defaults(command="review")

    archive = verbs.add_parser("archive", help="archive la version signée d'un contrat")
    archive.add_argument("contrat")
    archive.add_argument("--signe", required=True, type=_signed_path, help="le fichier reçu signé")
    archive.add_argument("--date", type=_signature_date, help="date de signature AAAA-MM-JJ")
    archive.add_argument(
        "--force", metavar="MOTIF", type=_reason, help="archive malgré une différence de texte"
    )
    archive.add_argument(
        "--scan", action="store_true", help="le fichier signé est un document numérisé"
    )
    archive.set_defaults(command="archive")

    verify = verbs.add_parser("verify", help="vérifie l'intégrité de toute l'archive")
    verify.set_defaults(command="verify")

    index = verbs.add_parser("index", help="inscrit à l'index les versions archivées avant lui")
    index.add_argument("contrat")
    index.set_defaults(command="index")

    identify = verbs.add_parser(
        "identify", help="dit quelle version de quel contrat est un fichier"
    )
    identify.add_argument("fichier", type=_file_path, help="un .docx ou un .pdf")
    identify.set_defaults(command="identify")

    listing = verbs.add_parser("list", help="versions signées de chaque contrat")
    listing.set_defaults(command="list")

    schema = verbs.add_parser("schema", help=f"écrit contracts/{SCHEMA_FILE}")
    schema.set_defaults(command="schema")

    codes = verbs.add_parser("codes", help="liste les codes des problèmes et leur correction")
    codes.add_argument("--doc", action="store_true", help="écrit docs/erreurs.md")
    codes.set_defaults(command="codes")

    bench = verbs.add_parser("bench", help="compare la construction à la chaîne d'outils nue")
    bench.add_argument("contrat", nargs="?", default=DEFAULT_CONTRACT)
    bench.add_argument("--repetitions", type=_between(1, 50), default=3)
    bench.add_argument(
        "--lot", type=_between(0, 1000), default=100, help="contrats du lot mesuré (0 : aucun)"
    )
    bench.set_defaults(command="bench")
    return parser


def _signature_date(text: str) -> dt.date:
    """DATE=: a date of the calendar, within the years a CPOM can cover."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une date du calendrier, AAAA-MM-JJ"
        ) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise argparse.ArgumentTypeError(
            f"« {text} » hors limites : entre {MIN_DATE} et {MAX_DATE} ({YEAR_WHY})"
        )
    return day


def _signed_path(text: str) -> Path:
    """SIGNED=: a path that names something (make passes an empty one when SIGNED is unset)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "fichier signé non précisé : SIGNED=<le fichier reçu après signature>"
        )
    return Path(text)


def _file_path(text: str) -> Path:
    """FILE=: a path that names something (make passes an empty one when FILE is unset)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("fichier non précisé : FILE=<un .docx ou un .pdf>")
    return Path(text)


def _reason(text: str) -> str:
    """FORCE=: a reason that says something, recorded in the manifest."""
    if not text.strip():
        raise argparse.ArgumentTypeError("motif vide : dites pourquoi archiver malgré tout")
    return text.strip()


def _between(low: int, high: int) -> Callable[[str], int]:
    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"« {text} » hors limites : de {low} à {high}")
        return value

    return number


if __name__ == "__main__":
    sys.exit(main())
