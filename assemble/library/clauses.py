"""Load the clause library: `clauses/titres.yaml` and one Markdown file per article."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core.errors import CpomError, Problem, ProblemCollector
from ..core.limits import CLAUSE_FILE_BYTES
from ..core.memo import Memo
from ..core.names import within
from ..core.reading import read_text
from ..core.sources import LineMap, load_yaml, split_front_matter
from ..core.validation import RuleError, validation_problems

TITRES_FILE = "titres.yaml"
VARIANT_OPEN = re.compile(r"^:::\s*variante\s+([a-z0-9_-]+)\s*$")
FENCE = re.compile(r"^:::+\s*(.*)$")


class TitreDef(BaseModel):
    """One titre of the contract, in the order of `titres.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cle: str = Field(pattern=r"^[a-z0-9-]+$")
    intitule: str = Field(min_length=1)
    genre: Literal["preambule", "titre", "corps", "annexes"] = "titre"
    articles_numerotes: bool = True


class ClauseHeader(BaseModel):
    """The front matter of a clause file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    titre: str
    ordre: int = Field(ge=0)
    intitule: str = Field(min_length=1)
    motif: str | None = Field(
        default=None, min_length=1, description="Raison de la nouvelle version, en une ligne."
    )
    condition: str | None = None
    selon: str | None = None
    repeter: str | None = None
    libelle: str | None = None

    @model_validator(mode="after")
    def _reason_for_new_versions(self) -> ClauseHeader:
        if self.version > 1 and not self.motif:
            raise RuleError(
                "clause.motif",
                f"la version {self.version} exige un « motif: » d'une ligne qui dit ce qui change",
            )
        if self.motif and "\n" in self.motif.strip():
            raise RuleError("clause.motif", "le motif tient en une ligne")
        return self


@dataclass(frozen=True)
class VariantBlock:
    name: str
    start: int  # 0-based index of the opening `::: variante` line in the body
    end: int  # 0-based index of its closing `:::` line


@dataclass(frozen=True)
class Clause:
    id: str
    version: int
    motif: str | None
    titre: str
    ordre: int
    intitule: str
    condition: str | None
    selon: str | None
    repeter: str | None  # expression giving the items; one article per item
    libelle: str | None  # template replacing the computed "Annexe 2" label, if given
    blocks: tuple[VariantBlock, ...]
    body: str
    body_line: int  # line of the file where the body starts
    path: Path
    hash: str
    header_lines: LineMap
    # The contract whose own stipulation this is (contracts/<id>/clauses/); None: the library's.
    contract: str | None = None

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.name for b in self.blocks))

    def body_for(self, variant: str | None) -> str:
        """The body with only the chosen variant kept; line count unchanged for error lines."""
        lines = self.body.split("\n")
        for block in self.blocks:
            keep = block.name == variant
            for index in range(block.start, block.end + 1):
                if not keep or index in (block.start, block.end):
                    lines[index] = ""
        return "\n".join(lines)


@dataclass(frozen=True)
class Library:
    root: Path
    titres: tuple[TitreDef, ...]
    clauses: tuple[Clause, ...]
    # With the stipulations of one contract (library/stipulations.py): that contract, and the
    # library clause versions its stipulations stand in for (id → version).
    contract: str | None = None
    replaced: tuple[tuple[str, int], ...] = ()

    def library_versions(self) -> dict[str, int]:
        """The version of each library clause this composition sees, a clause replaced by a
        stipulation included (`bibliotheque[...]` in conditions): never a stipulation's own."""
        versions = {c.id: c.version for c in self.clauses if c.contract is None}
        return {**versions, **dict(self.replaced)}

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def titre(self, key: str) -> TitreDef:
        return next(t for t in self.titres if t.cle == key)


def load_library(root: Path) -> Library:
    """Read every clause under `root`; raise one CpomError with all the problems found."""
    problems = ProblemCollector()
    titres = load_titres(root / TITRES_FILE)
    keys = {t.cle for t in titres}
    clauses: list[Clause] = []
    real_root = Path(os.path.realpath(root))
    for path in sorted(root.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        if not Path(os.path.realpath(path)).is_relative_to(real_root):
            within(path, root)  # a clause is read from the library, never through a link out
        try:
            clause = load_clause(path)
        except CpomError as exc:
            problems.absorb(exc)
            continue
        if clause.titre not in keys:
            problems.add(
                Problem(
                    "clause.titre",
                    f"titre « {clause.titre} » inconnu",
                    path,
                    clause.header_lines.line_of(("titre",)),
                    f"titres définis dans {TITRES_FILE} : {', '.join(sorted(keys))}",
                )
            )
        clauses.append(clause)
    problems.extend(_duplicate_problems(clauses))
    if not clauses and not problems.problems:
        problems.add(
            Problem(
                "library.empty",
                f"aucune clause dans {root.name}/ : il n'y a rien à assembler",
                root,
                hint=f"restaurez {root.name}/ depuis git (git checkout -- {root.name}/) : un "
                "projet se construit toujours depuis la bibliothèque",
            )
        )
    problems.raise_if_any()
    order = {t.cle: i for i, t in enumerate(titres)}
    clauses.sort(key=lambda c: (order[c.titre], c.ordre, c.id))
    return Library(root, titres, tuple(clauses))


def clause_text(path: Path) -> str:
    """A clause file's text with Unix line endings (Windows' CRLF and old Macs' CR alike):
    what is hashed and published."""
    return read_text(path, CLAUSE_FILE_BYTES).replace("\r\n", "\n").replace("\r", "\n")


# Clause files parsed in this process (core/memo.py), by their text: the same clause read
# again, from the library, the history or a copy of the project, is not parsed again; a
# file edited is read again and parsed anew. A Clause is frozen: nobody changes a kept one.
_CLAUSES: Memo[str, Clause] = Memo(1024)
_TITRES: Memo[str, tuple[TitreDef, ...]] = Memo(256)


def load_clause(path: Path) -> Clause:
    text = clause_text(path)
    kept = _CLAUSES.get(text)
    if kept is None:
        kept = _CLAUSES.put(text, _parse_clause(text, path))
    if kept.path == path:
        return kept
    lines = dataclasses.replace(kept.header_lines, path=path)
    return dataclasses.replace(kept, path=path, header_lines=lines)


def _parse_clause(text: str, path: Path) -> Clause:
    header_text, body, body_line = split_front_matter(text, path)
    raw, lines = load_yaml(header_text, path, line_offset=1)
    try:
        header = ClauseHeader.model_validate(raw)
    except ValidationError as exc:
        raise CpomError(validation_problems(exc, lines)) from None
    blocks = _variant_blocks(body, path, body_line)
    if blocks and not header.selon:
        raise CpomError.one(
            "clause.variant",
            "la clause a des variantes mais pas de champ « selon »",
            path,
            1,
            "ajoutez en en-tête « selon: » suivi de la donnée qui choisit la variante",
        )
    if header.selon and not blocks:
        raise CpomError.one(
            "clause.variant",
            "le champ « selon » est présent mais le corps ne contient aucune variante",
            path,
            lines.line_of(("selon",)),
            "ajoutez des blocs « ::: variante nom » … « ::: » ou retirez « selon »",
        )
    return Clause(
        id=header.id,
        version=header.version,
        motif=header.motif,
        titre=header.titre,
        ordre=header.ordre,
        intitule=header.intitule,
        condition=header.condition,
        selon=header.selon,
        repeter=header.repeter,
        libelle=header.libelle,
        blocks=blocks,
        body=body,
        body_line=body_line,
        path=path,
        hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        header_lines=lines,
    )


def _variant_blocks(body: str, path: Path, body_line: int) -> tuple[VariantBlock, ...]:
    """Find `::: variante NAME` … `:::` blocks; plain fenced divs may be nested inside."""
    blocks = []
    open_name: str | None = None
    open_at = 0
    depth = 0
    for index, line in enumerate(body.split("\n")):
        opening = VARIANT_OPEN.match(line)
        fence = FENCE.match(line)
        if opening:
            if open_name is not None:
                raise CpomError.one(
                    "clause.variant",
                    f"variante « {opening.group(1)} » ouverte dans la variante « {open_name} »",
                    path,
                    body_line + index,
                    "fermez la variante précédente par une ligne « ::: » avant d'en ouvrir une",
                )
            open_name, open_at, depth = opening.group(1), index, 0
        elif fence and open_name is not None:
            if fence.group(1).strip():
                depth += 1
            elif depth:
                depth -= 1
            else:
                blocks.append(VariantBlock(open_name, open_at, index))
                open_name = None
    if open_name is not None:
        raise CpomError.one(
            "clause.variant",
            f"la variante « {open_name} » n'est pas refermée",
            path,
            body_line + open_at,
            "ajoutez une ligne « ::: » à la fin du texte de la variante",
        )
    return tuple(blocks)


def load_titres(path: Path) -> tuple[TitreDef, ...]:
    if not path.is_file():
        raise CpomError.one("library.titres", "fichier des titres introuvable", path)
    text = read_text(path, CLAUSE_FILE_BYTES)
    kept = _TITRES.get(text)
    if kept is None:
        kept = _TITRES.put(text, _parse_titres(text, path))
    return kept


def _parse_titres(text: str, path: Path) -> tuple[TitreDef, ...]:
    raw, lines = load_yaml(text, path)
    if not isinstance(raw, dict) or not isinstance(raw.get("titres"), list):
        raise CpomError.one("library.titres", "une liste « titres: » est attendue", path, 1)
    titres = []
    problems = []
    for index, item in enumerate(raw["titres"]):
        try:
            titres.append(TitreDef.model_validate(item))
        except ValidationError as exc:
            for problem in validation_problems(exc, lines):
                line = lines.line_of(("titres", index))
                problems.append(Problem(problem.code, problem.message, path, line, problem.hint))
    if problems:
        raise CpomError(problems)
    return tuple(titres)


def _duplicate_problems(clauses: list[Clause]) -> list[Problem]:
    problems = []
    by_id: dict[str, Clause] = {}
    by_place: dict[tuple[str, int], Clause] = {}
    for clause in clauses:
        if clause.id in by_id:
            problems.append(
                Problem(
                    "clause.duplicate-id",
                    f"l'identifiant « {clause.id} » est déjà celui de {by_id[clause.id].path}",
                    clause.path,
                    clause.header_lines.line_of(("id",)),
                    "chaque clause a un identifiant unique",
                )
            )
        by_id.setdefault(clause.id, clause)
        place = (clause.titre, clause.ordre)
        other = by_place.get(place)
        if other is not None and other.condition is None and clause.condition is None:
            problems.append(
                Problem(
                    "clause.duplicate-order",
                    f"même titre et même ordre ({clause.ordre}) que {other.path}",
                    clause.path,
                    clause.header_lines.line_of(("ordre",)),
                    "donnez un ordre distinct pour fixer la place de l'article",
                )
            )
        by_place.setdefault(place, clause)
    return problems
