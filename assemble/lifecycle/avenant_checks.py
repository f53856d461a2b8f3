"""Checks of the avenant files against the archive: their sequence, their dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..contract.acts_checks import deliberation_problems
from ..contract.model import AvenantFile, ContractData
from ..core.errors import CpomError, Problem
from ..core.limits import DATA_FILE_BYTES
from ..core.reading import read_text
from ..core.sources import LineMap, load_yaml
from ..text.french import date_fr
from .avenant_file import read_avenant_file

AVENANT_FILE = re.compile(r"avenant-(\d+)\.yaml")


def file_line(path: Path, key: str) -> int | None:
    """The line of a top-level key of a YAML file (None if the file cannot say)."""
    try:
        _, lines = load_yaml(read_text(path, DATA_FILE_BYTES), path)
    except CpomError:
        return None
    return lines.line_of((key,))


def check_sequence(folder: Path, pending: int) -> None:
    """Every avenant file is one already signed or the pending one: a file numbered beyond
    it (avenant-2.yaml while n° 1 is expected) would otherwise be silently ignored."""
    if not folder.is_dir():
        return
    problems = []
    for path in sorted(folder.iterdir()):
        match = AVENANT_FILE.fullmatch(path.name)
        if match is None or int(match.group(1)) <= pending:
            continue
        number = int(match.group(1))
        problems.append(
            Problem(
                "avenant.sequence",
                f"avenant n° {number} hors séquence : le prochain avenant à signer est le "
                f"n° {pending}"
                + (
                    ""
                    if number == pending + 1
                    else f" (il manquerait les n° {pending} à {number - 1})"
                ),
                path,
                hint=f"renommez ce fichier avenant-{pending}.yaml s'il s'agit de l'avenant en "
                f"cours, ou attendez l'archivage de l'avenant n° {pending} signé",
            )
        )
    if problems:
        raise CpomError(problems)


def check_retroactivity(avenant: AvenantFile, path: Path, signed: dt.date | None) -> None:
    """A date d'effet before the signature is stated, with its reason, never implied."""
    if signed is None:
        return
    effect, signature = date_fr(avenant.date_effet), date_fr(signed)
    if avenant.date_effet >= signed:
        if avenant.retroactif:
            raise CpomError.one(
                "avenant.retroactive",
                f"avenant déclaré rétroactif alors qu'il prend effet le {effect}, après sa "
                f"signature le {signature}",
                path,
                file_line(path, "retroactif"),
                hint="retirez « retroactif: true » (et son motif), ou corrigez les dates",
            )
        return
    if not avenant.retroactif:
        raise CpomError.one(
            "avenant.retroactive",
            f"la date d'effet ({effect}) précède la date de signature ({signature}) : "
            "l'avenant serait rétroactif sans le dire",
            path,
            file_line(path, "date_effet"),
            hint="corrigez date_effet, ou déclarez « retroactif: true » avec "
            "« motif_retroactivite: » (repris dans les dispositions finales de l'avenant)",
        )
    if not avenant.motif_retroactivite:
        raise CpomError.one(
            "avenant.retroactive",
            f"avenant rétroactif (effet au {effect}, signature le {signature}) sans motif",
            path,
            file_line(path, "retroactif"),
            hint="ajoutez « motif_retroactivite: » : pourquoi l'avenant prend effet avant sa "
            "signature (« l'ouverture du service le 1er septembre 2027 »)",
        )


def avenant_file_problems(folder: Path, signed_versions: int, after: ContractData) -> list[Problem]:
    """What `make check` can say of a signed contract's avenant files without building:
    their sequence, the pending file's fields, its dates, the délibérations and objectives it
    names. `signed_versions`: how many versions are archived (the contract, then avenants)."""
    if not folder.is_dir():
        return []
    if not signed_versions:
        # Prepared before the signed contract is archived: `make avenant` will say so.
        return []
    problems: list[Problem] = []
    try:
        check_sequence(folder, signed_versions)
    except CpomError as exc:
        problems += exc.problems
    pending = folder / f"avenant-{signed_versions}.yaml"
    if not pending.is_file():
        return problems
    try:
        avenant, lines = read_avenant_file(pending)
        check_retroactivity(avenant, pending, avenant.date_signature)
    except CpomError as exc:
        return problems + list(exc.problems)
    problems += deliberation_problems(
        avenant.deliberations, after, lines, avenant.date_signature, "l'avenant"
    )
    problems += committee_problems(avenant, pending, lines)
    keys = {o.cle for axe in after.axes for o in axe.objectifs}
    for finess, wanted in avenant.objectifs.items():
        problems += [
            Problem(
                "avenant.objectif-inconnu",
                f"objectif « {key} » inconnu du contrat",
                pending,
                lines.line_of(("objectifs", finess)),
            )
            for key in wanted
            if key not in keys
        ]
    return problems


def committee_problems(avenant: AvenantFile, path: Path, lines: LineMap) -> list[Problem]:
    """The comité de suivi gives its opinion on the draft avenant before it is signed."""
    signed, review = avenant.date_signature, avenant.comite_de_suivi
    if signed is None or review is None or review <= signed:
        return []
    return [
        Problem(
            "data.act-after-signature",
            f"comite_de_suivi: avis du {date_fr(review)}, postérieur à la signature de "
            f"l'avenant ({date_fr(signed)}) qu'il doit précéder",
            path,
            lines.line_of(("comite_de_suivi",)),
        )
    ]
