"""The manifest of an archived version: a typed model, read in every format the tool ever wrote.

Format 1 is what the first archives hold (no `format` key; `nature`, `avenant` and `date_effet`
came later and may be absent). Format 2 adds the archived signed file's name and nature (PDF or
declared scan), what the text comparison accepted (stamps, appended certificate pages) and each
electronic signature found in it. Reading never trusts the shape: anything else is a located
finding, never a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..core.errors import Problem

MANIFEST = "manifeste.json"
FORMAT = 2

FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
VersionName = Annotated[str, StringConstraints(pattern=r"^v[1-9][0-9]{0,5}$")]
ContractId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
Nature = Literal["contrat", "avenant"]
Statut = Literal["conforme", "non-verifiable", "force"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Party(_Model):
    partie: str
    nom: str
    qualite: str


class ClauseUse(_Model):
    article: str
    clause: str
    instance: str | None
    version: int
    variante: str | None


class Verification(_Model):
    """What comparing the signed file with the built PDF found (format 1)."""

    statut: Statut
    detail: str
    motif: str | None


class AddedPage(_Model):
    """A certificate page a signing platform appended after the contract's last page."""

    page: Annotated[int, Field(ge=1)]
    debut: str


class TextVerification(Verification):
    """Format 2: also what the comparison accepted as added by the signing platform."""

    tampons: Annotated[int, Field(ge=0)]
    pages_ajoutees: tuple[AddedPage, ...]


class SignatureRecord(_Model):
    """One PAdES signature of the signed file, as pyHanko validated it at archiving."""

    champ: str
    signataire: str
    emetteur: str
    date_signature: dt.datetime | None  # as the signer's software declared it
    horodatage: dt.datetime | None  # from a timestamp token, when there is one
    couverture: Literal["document-entier", "revision-entiere", "bloc-initial", "incertaine"]
    couvre_tout_le_document: bool
    modifie_apres_signature: bool
    modification: Literal["aucune", "maintenance", "formulaire", "annotations", "autre", "inconnue"]
    docmdp_conforme: bool | None
    integrite: Literal["intacte", "rompue"]
    confiance: Literal["reconnu", "non reconnu"]

    @property
    def intact(self) -> bool:
        return self.integrite == "intacte"


class Precedent(_Model):
    version: VersionName
    manifeste_sha256: Sha256


class SignedFileV1(_Model):
    nom_recu: str
    verification: Verification


class SignedFile(_Model):
    nom_recu: str
    nom: FileName
    nature: Literal["pdf", "numerisation"]
    verification: TextVerification
    signatures: tuple[SignatureRecord, ...]


class _Common(_Model):
    contrat: ContractId
    reference: str
    version: VersionName
    nature: Nature
    avenant: Annotated[int, Field(ge=1)] | None
    date_signature: dt.date
    signataires: tuple[Party, ...]
    clauses: tuple[ClauseUse, ...]
    outil: str
    precedent: Precedent | None
    fichiers: dict[FileName, Sha256]

    @model_validator(mode="after")
    def _consistent(self) -> _Common:
        if (self.nature == "avenant") != (self.avenant is not None):
            raise ValueError("« nature » et « avenant » se contredisent")
        if MANIFEST in self.fichiers:
            raise ValueError("le manifeste ne peut pas s'inscrire lui-même dans « fichiers »")
        return self

    @property
    def label(self) -> str:
        """What `make list` calls this version: the contract or its avenant n° k."""
        return "contrat" if self.avenant is None else f"avenant n° {self.avenant}"


class ManifestV1(_Common):
    """Manifests written before format numbers (the committed association-horizons v1)."""

    nature: Nature = "contrat"
    avenant: Annotated[int, Field(ge=1)] | None = None
    date_effet: dt.date | None = None
    fichier_signe: SignedFileV1

    @property
    def signed_name(self) -> str | None:
        return next((n for n in self.fichiers if n.startswith("signe.")), None)

    @property
    def signatures(self) -> tuple[SignatureRecord, ...]:
        return ()


class ManifestV2(_Common):
    format: Literal[2]
    date_effet: dt.date
    fichier_signe: SignedFile

    @model_validator(mode="after")
    def _signed_file_listed(self) -> ManifestV2:
        if self.fichier_signe.nom not in self.fichiers:
            raise ValueError("le fichier signé n'est pas inscrit dans « fichiers »")
        return self

    @property
    def signed_name(self) -> str | None:
        return self.fichier_signe.nom

    @property
    def signatures(self) -> tuple[SignatureRecord, ...]:
        return self.fichier_signe.signatures


Manifest = ManifestV1 | ManifestV2


def manifest_bytes(manifest: ManifestV2) -> bytes:
    """The manifest as written into the archive: indented JSON, `format` first."""
    content = manifest.model_dump(mode="json")
    ordered = {"format": content.pop("format"), **content}
    return (json.dumps(ordered, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parse_manifest(data: bytes, path: Path) -> Manifest | list[Problem]:
    """The typed manifest, or located findings saying what is wrong with it."""
    try:
        text = data.decode("utf-8")
        raw = json.loads(text)
    except UnicodeDecodeError:
        return [_problem("le manifeste n'est pas du texte UTF-8", path)]
    except json.JSONDecodeError as exc:
        return [_problem(f"JSON illisible : {_json_error(exc)}", path, exc.lineno)]
    except RecursionError:
        return [_problem("JSON illisible : imbrication démesurée", path)]
    except ValueError:  # json's limit on the digits of an integer, among others
        return [_problem("JSON illisible : nombre démesuré ou valeur impossible", path)]
    if not isinstance(raw, dict):
        return [_problem(f"un objet JSON est attendu, trouvé {_kind(raw)}", path, 1)]
    fmt = raw.get("format")
    if fmt is not None and fmt != FORMAT:
        return [
            _problem(
                f"format de manifeste inconnu : {fmt!r}",
                path,
                _line_of(text, "format"),
                "ce manifeste vient d'une version plus récente de l'outil, ou a été altéré",
            )
        ]
    model: type[ManifestV1] | type[ManifestV2] = ManifestV1 if fmt is None else ManifestV2
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        return [
            _problem(_message(error), path, _line_of(text, str(error["loc"][0])))
            if error["loc"]
            else _problem(_message(error), path)
            for error in exc.errors()
        ]


def _problem(message: str, path: Path, line: int | None = None, hint: str | None = None) -> Problem:
    return Problem("archive.manifest", message, path, line, hint)


def _message(error: Any) -> str:
    loc = [str(part) for part in error["loc"]]
    kind = error["type"]
    found = _kind(error.get("input"))
    if loc[-1:] == ["[key]"]:
        return f"{'.'.join(loc[:-2])} : nom de fichier mal formé ({found})"
    where = ".".join(loc)
    if not where:
        return str(error.get("ctx", {}).get("error", error["msg"]))
    texts = {
        "missing": "champ obligatoire absent",
        "extra_forbidden": "champ inconnu",
        "dict_type": f"un objet est attendu, trouvé {found}",
        "model_type": f"un objet est attendu, trouvé {found}",
        "model_attributes_type": f"un objet est attendu, trouvé {found}",
        "list_type": f"une liste est attendue, trouvé {found}",
        "tuple_type": f"une liste est attendue, trouvé {found}",
        "string_type": f"un texte est attendu, trouvé {found}",
        "int_type": f"un nombre entier est attendu, trouvé {found}",
        "bool_type": f"vrai ou faux est attendu, trouvé {found}",
        "literal_error": f"valeur non admise ({found})",
        "string_pattern_mismatch": f"valeur mal formée ({found})",
        "greater_than_equal": f"valeur hors limites ({found})",
        "none_required": f"null est attendu, trouvé {found}",
    }
    if kind in texts:
        return f"{where} : {texts[kind]}"
    if kind.startswith(("date", "datetime")):
        return f"{where} : date invalide ({found})"
    if kind == "value_error":
        return f"{where} : {str(error.get('ctx', {}).get('error', error['msg']))}"
    return f"{where} : valeur invalide ({found})"


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "un objet"
    if isinstance(value, list):
        return "une liste"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"syntaxe incorrecte à la colonne {exc.colno}"


def _line_of(text: str, key: str) -> int | None:
    """The line of a top-level key in the indented manifest, to point the auditor at it."""
    match = re.search(rf'^  "{re.escape(key)}"\s*:', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None
