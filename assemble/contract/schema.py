"""The JSON Schema of contract.yaml, for editors (YAML language server) and for `make check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.errors import CpomError, Problem
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_text
from .files import SCHEMA_FILE
from .model import ContractData


def contract_schema() -> dict[str, Any]:
    schema = ContractData.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Données d'un CPOM (contracts/<id>/contract.yaml)"
    return schema


def schema_text() -> str:
    return json.dumps(contract_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def check_schema_file(contracts: Path) -> list[Problem]:
    """The committed schema must match the model, or editors check against stale rules."""
    path = contracts / SCHEMA_FILE
    try:
        if path.is_file() and read_text(path, TOOL_FILE_BYTES) == schema_text():
            return []
    except CpomError:
        pass  # unreadable or not UTF-8: as stale as a wrong one, and rewritten the same way
    return [
        Problem(
            "schema.stale",
            "le schéma JSON ne correspond plus au modèle de données",
            path,
            hint="lancez `.venv/bin/cpom schema` et validez le fichier produit",
        )
    ]
