"""The avenant file a drafter writes: `contracts/<id>/avenants/avenant-<n>.yaml`, its number."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..contract.load import validation_problems
from ..contract.model import AvenantFile
from ..core.errors import CpomError, UsageError
from ..core.limits import DATA_FILE_BYTES
from ..core.reading import read_text
from ..core.sources import LineMap, load_yaml
from ..project import Project

AVENANTS = "avenants"


def avenant_path(project: Project, contract_id: str, number: int) -> Path:
    return project.contracts / contract_id / AVENANTS / f"avenant-{number}.yaml"


def pending_number(project: Project, contract_id: str) -> int:
    """The next avenant's number: one per signed version after the contract itself."""
    signed = project.archived_versions(contract_id)
    if not signed:
        raise UsageError.one(
            "usage.avenant",
            "aucune version signée : un avenant modifie un contrat signé et archivé",
            project.archive / contract_id,
            hint="archivez d'abord le contrat signé : make archive C=<id> SIGNED=<fichier>",
        )
    return len(signed)


def load_avenant_file(path: Path) -> AvenantFile:
    return read_avenant_file(path)[0]


def read_avenant_file(path: Path) -> tuple[AvenantFile, LineMap]:
    """The avenant file and where each of its values is, for located errors."""
    if not path.is_file():
        raise UsageError.one(
            "usage.avenant",
            "fichier de l'avenant introuvable",
            path,
            hint="écrivez-le avec au moins « motif: » et « date_effet: » (voir docs/avenants.md)",
        )
    raw, lines = load_yaml(read_text(path, DATA_FILE_BYTES), path)
    try:
        return AvenantFile.model_validate(raw if raw is not None else {}), lines
    except ValidationError as exc:
        raise CpomError(validation_problems(exc, lines)) from None
