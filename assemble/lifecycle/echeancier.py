"""The schedules of a signed contract: as signed, and consolidated after the pending avenant.

The signed schedule of a version is the one its lock records; a lock written before the
schedule was recorded has it recomputed from its recorded data (amounts are computed by the
code, never by clauses, and facts only grow: the figures are those that were signed). The
draft of a signed contract with a pending avenant file is the consolidated contract: its
amounts are the signed schedule spliced at the avenant's dates (contract/splice.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..contract.exercices import ONE_DAY
from ..contract.facts import derive
from ..contract.load import LoadedContract, validate_contract
from ..contract.model import AvenantFile
from ..contract.schedule import Echeancier, Key, schedule_of
from ..contract.splice import Effet, Partage, splice
from ..core.errors import CpomError, Problem
from ..core.limits import TOOL_FILE_BYTES
from ..core.memo import Memo
from ..core.reading import read_text
from ..core.sources import LineMap, load_yaml
from ..project import Project
from .avenant_file import avenant_path, read_avenant_file
from .lock import Lock, version_lock

# Reports one problem: field, key in it, code, message, hint.
Report = Callable[[str, str | None, str, str, str], None]


@dataclass(frozen=True)
class Consolidation:
    """The pending avenant's effect on the money: the schedules before and after."""

    numero: int
    avant: Echeancier  # as signed (the version in force)
    apres: Echeancier  # consolidated
    partages: dict[Key, Partage]  # per changed line, how its year of change is shared
    effet: Effet
    signed: LoadedContract  # the version in force, from its recorded data


def recorded_contract(project: Project, contract_id: str, lock: Lock) -> LoadedContract:
    """A recorded version's data, validated as it was (no policy rule of later drafts)."""
    path = project.history.blob(lock.donnees, ".yaml")
    return with_schedule(
        _RECORDED.get_or((contract_id, str(path)), lambda: _validated_blob(contract_id, path)),
        lock,
        project,
    )


# A history blob's name is its content's hash, and an avenant's draft reads the version in
# force several times: each is read and validated once per process.
_RECORDED: Memo[tuple[str, str], LoadedContract] = Memo(16)


def _validated_blob(contract_id: str, path: Path) -> LoadedContract:
    raw, lines = load_yaml(read_text(path, TOOL_FILE_BYTES), path)
    return validate_contract(contract_id, raw, lines)


def with_schedule(contract: LoadedContract, lock: Lock, project: Project) -> LoadedContract:
    """A recorded consolidated version prints the schedule its lock records."""
    schedule = lock_schedule(lock, project, contract.id)
    if schedule is None or schedule.avenant is None:
        return contract
    return dataclasses.replace(contract, echeancier=schedule)


def lock_schedule(lock: Lock, project: Project, contract_id: str) -> Echeancier | None:
    if lock.echeancier is None:
        return None
    try:
        return Echeancier.from_json(lock.echeancier)
    except (TypeError, ValueError, KeyError, AttributeError):
        raise CpomError.one(
            "lock.invalid",
            "fichier de verrouillage illisible : échéancier financier mal formé",
            project.archive / contract_id / lock.version,
            hint="ce fichier est écrit par l'outil ; restaurez-le depuis git",
        ) from None


def signed_schedule(project: Project, contract_id: str, version: str) -> Echeancier:
    """What the version signed for each exercice: recorded, or recomputed from its data."""
    lock = version_lock(project, contract_id, version)
    return _signed_schedule(project, contract_id, lock, None)


def _signed_schedule(
    project: Project, contract_id: str, lock: Lock, data: LoadedContract | None
) -> Echeancier:
    """`signed_schedule` of a lock, from its recorded data when already read (`data`)."""
    recorded = lock_schedule(lock, project, contract_id)
    if recorded is not None:
        return recorded
    facts = derive((data or recorded_contract(project, contract_id, lock)).data)
    return schedule_of(facts.financements, facts.exercices)


def own_schedule(contract: LoadedContract) -> Echeancier:
    """The schedule a lock records for a contract: spliced, or its own projection."""
    if contract.echeancier is not None:
        return contract.echeancier
    facts = derive(contract.data)
    return schedule_of(facts.financements, facts.exercices)


def pending(project: Project, contract_id: str, draft: LoadedContract) -> Consolidation | None:
    """The consolidation by the pending avenant, when the contract is signed and the drafter
    has written that avenant's file."""
    signed = project.archived_versions(contract_id)
    if not signed:
        return None
    number = len(signed)
    path = avenant_path(project, contract_id, number)
    if not path.is_file():
        return None
    avenant, lines = read_avenant_file(path)
    lock = version_lock(project, contract_id, signed[-1])
    before = recorded_contract(project, contract_id, lock)
    _check_dates(avenant, lines, path, before, draft)
    effet = Effet(number, avenant.date_effet, avenant.ouvertures, avenant.fermetures)
    avant = _signed_schedule(project, contract_id, lock, before)
    apres, partages = splice(avant, before.data, draft.data, effet)
    return Consolidation(number, avant, apres, partages, effet, before)


def consolidated(project: Project, contract_id: str, draft: LoadedContract) -> LoadedContract:
    """The draft with the amounts of its consolidation, if an avenant is pending; else, for a
    contract already amended, the amounts of the version in force (a change of amount takes
    effect only at the date an avenant file gives it)."""
    found = pending(project, contract_id, draft)
    if found is not None:
        return dataclasses.replace(draft, echeancier=found.apres)
    signed = project.archived_versions(contract_id)
    if not signed:
        return draft
    lock = version_lock(project, contract_id, signed[-1])
    return with_schedule(draft, lock, project)


def _check_dates(
    avenant: AvenantFile, lines: LineMap, path: Path, old: LoadedContract, new: LoadedContract
) -> None:
    """Openings and closures fall within the contract, from the avenant's date of effect."""
    before = {e.finess for e in old.data.etablissements}
    after = {e.finess for e in new.data.etablissements}
    start = new.data.contrat.date_effet
    end = derive(new.data).date_fin
    by_months = new.data.contrat.prorata == "mois"
    problems: list[Problem] = []

    def bad(field: str, key: str | None, code: str, message: str, hint: str) -> None:
        loc: tuple[str, ...] = (field,) if key is None else (field, key)
        problems.append(Problem(code, message, path, lines.line_of(loc), hint))

    effect = avenant.date_effet
    # An avenant takes effect during the contract in force; one that prorogues it, at the
    # latest on the first day of the prorogation.
    signed_end = derive(old.data).date_fin
    prorogued = old.data.contrat.prorogation is None and new.data.contrat.prorogation is not None
    if not start <= effect <= (signed_end + ONE_DAY if prorogued else end):
        bad(
            "date_effet", None, "avenant.effet-date",
            f"la date d'effet {effect:%d/%m/%Y} est hors de la durée du contrat",
            "l'avenant prend effet pendant le contrat (celui qui le proroge, au plus tard le "
            "premier jour de la prorogation) ; un renouvellement est un nouveau contrat",
        )  # fmt: skip
    elif by_months and effect.day != 1:
        bad(
            "date_effet", None, "avenant.effet-date",
            "le contrat répartit les exercices au prorata des mois : la date d'effet tombe le "
            "premier jour d'un mois",
            "choisissez le 1er du mois, ou « prorata: jours » dans contract.yaml",
        )  # fmt: skip
    for finess, day in avenant.ouvertures.items():
        _check_day(bad, "ouvertures", finess, day, effect, end, by_months, finess in after - before)
    for finess, day in avenant.fermetures.items():
        closed = finess in before - after
        _check_day(bad, "fermetures", finess, day + ONE_DAY, effect, end, by_months, closed)
    if problems:
        raise CpomError(problems)


def _check_day(
    report: Report,
    field: str,
    finess: str,
    first_day: dt.date,
    effect: dt.date,
    end: dt.date,
    by_months: bool,
    known: bool,
) -> None:
    if not known:
        what = "ajouté" if field == "ouvertures" else "retiré"
        report(
            field, finess, "avenant.effet-unknown",
            f"« {finess} » n'est pas un établissement {what} par cet avenant",
            "vérifiez le numéro FINESS dans contract.yaml",
        )  # fmt: skip
    elif not effect <= first_day <= end + ONE_DAY:
        report(
            field, finess, "avenant.effet-date",
            f"« {finess} » : date antérieure à la date d'effet de l'avenant "
            f"({effect:%d/%m/%Y}) ou postérieure à la fin du contrat",
            "un exercice déjà signé n'est jamais modifié : la date est celle de l'avenant ou "
            "une date postérieure",
        )  # fmt: skip
    elif by_months and first_day.day != 1:
        report(
            field, finess, "avenant.effet-date",
            f"« {finess} » : au prorata des mois, une ouverture tombe le premier jour d'un "
            "mois et une fermeture le dernier",
            "corrigez la date, ou choisissez « prorata: jours » dans contract.yaml",
        )  # fmt: skip
