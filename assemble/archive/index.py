"""The per-contract index of signed versions: `archive/<id>/index.jsonl`, append-only, chained.

One line per version, oldest first, each the canonical JSON of its version, nature, signature
date, the SHA-256 of its manifest and the SHA-256 of the previous line. The index is what covers
the latest manifest (a manifest only names its predecessor); the chain makes any rewritten line
visible from the next one, and git's committed copies of the index must each be a prefix of the
next (see archive_git.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import Problem
from ..library.history import sha256
from ..lifecycle.manifest import Manifest, Nature, Sha256, VersionName

INDEX = "index.jsonl"


class IndexEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: VersionName
    nature: Nature
    avenant: Annotated[int, Field(ge=1)] | None
    date_signature: dt.date
    manifeste_sha256: Sha256
    precedent_sha256: Sha256 | None


@dataclass(frozen=True)
class IndexLine:
    number: int  # 1-based line number, which is also the version number
    entry: IndexEntry
    raw: bytes  # the line as written, newline included: what the next line's hash covers


def entry_for(manifest: Manifest, manifest_data: bytes, previous: bytes | None) -> IndexEntry:
    """The index entry of a version, given its manifest and the previous line as written."""
    return IndexEntry(
        version=manifest.version,
        nature=manifest.nature,
        avenant=manifest.avenant,
        date_signature=manifest.date_signature,
        manifeste_sha256=sha256(manifest_data),
        precedent_sha256=None if previous is None else sha256(previous),
    )


def line_bytes(entry: IndexEntry) -> bytes:
    """The canonical line: sorted keys, no spaces; any other spelling is a rewritten line."""
    content = entry.model_dump(mode="json")
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class Index:
    lines: dict[int, IndexLine]  # the well-formed lines by number
    count: int  # every line, well-formed or not: the versions the index names
    problems: list[Problem]


def read_index(path: Path, data: bytes) -> Index:
    """Every well-formed line of the index, and a located finding for each one that is not."""
    lines: dict[int, IndexLine] = {}
    problems: list[Problem] = []
    previous: bytes | None = None
    raw_lines = data.splitlines(keepends=True)
    bad = 0
    for number, raw in enumerate(raw_lines, start=1):
        entry, message = _parse_line(raw, number, previous)
        if entry is None:
            bad += 1
            if bad <= SHOWN_LINES:
                problems.append(_problem(message or "ligne illisible", path, number))
        else:
            lines[number] = IndexLine(number, entry, raw)
        previous = raw
    if bad > SHOWN_LINES:
        problems.append(
            Problem(
                "archive.index",
                f"et {bad - SHOWN_LINES} autres lignes fautives ({bad} sur {len(raw_lines)})",
                path,
            )
        )
    return Index(lines, len(raw_lines), problems)


SHOWN_LINES = 20  # faulty lines reported one by one; the others are counted


def _parse_line(
    raw: bytes, number: int, previous: bytes | None
) -> tuple[IndexEntry | None, str | None]:
    if not raw.endswith(b"\n"):
        return None, "ligne incomplète (l'index se termine par un saut de ligne)"
    try:
        entry = IndexEntry.model_validate_json(raw)
    except ValidationError as exc:
        return None, f"ligne mal formée : {_validation_summary(exc)}"
    if line_bytes(entry) != raw:
        return None, "ligne réécrite : elle n'a plus la forme exacte que l'outil écrit"
    if entry.version != f"v{number}":
        return None, f"la ligne {number} doit inscrire la version v{number}, pas {entry.version}"
    expected = None if previous is None else sha256(previous)
    if entry.precedent_sha256 != expected:
        return None, "chaînage rompu : la ligne ne désigne plus la ligne précédente telle qu'écrite"
    return entry, None


def _validation_summary(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        return "JSON illisible"
    where = ".".join(str(part) for part in first["loc"]) or "ligne"
    return f"{where} invalide ou absent"


def _problem(message: str, path: Path, line: int) -> Problem:
    return Problem("archive.index", message, path, line)
