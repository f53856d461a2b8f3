"""Make a project of N synthetic contracts from the unsigned samples, outside contracts/.

    .venv/bin/python scripts/make_batch.py /tmp/lot --nombre 100
    .venv/bin/cpom --racine /tmp/lot build --all

Each contract copies a sample's data and lock under its own id, organisme name and reference;
the library, templates and history are copied beside them (see assemble/bench_batch.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assemble.bench_batch import synthetic_project
from assemble.project import Project

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dossier", type=Path, help="dossier du projet à créer (vide ou absent)")
    parser.add_argument("--nombre", type=int, default=100, help="nombre de contrats (100)")
    parser.add_argument("--depuis", type=Path, default=ROOT, help="dépôt des échantillons")
    args = parser.parse_args(argv)
    target = args.dossier.resolve()
    source = Project(args.depuis.resolve())
    if target.is_relative_to(source.contracts):
        parser.error("le lot se crée hors du dossier contracts/ du dépôt")
    if args.nombre < 1:
        parser.error("--nombre : au moins 1")
    try:
        made = synthetic_project(source, target, args.nombre)
    except (FileExistsError, ValueError) as exc:
        parser.error(str(exc))
    print(f"{len(made)} contrats créés dans {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
