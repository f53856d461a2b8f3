"""The terms a clause of the library defines: `termes.yaml` beside `titres.yaml`.

A term such as « dotation globale commune » means something only in a contract that keeps a
clause defining it. When that clause leaves the contract (a partial upgrade, an avenant that
replaces the article defining it), every other article, annex or data value still using the
term designates nothing; the drafting lint reports it (`lint.terme-orphelin`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import CpomError
from ..core.limits import CLAUSE_FILE_BYTES
from ..core.reading import read_text
from ..core.sources import load_yaml
from ..core.validation import validation_problems

TERMS_FILE = "termes.yaml"


class _TermEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terme: str = Field(min_length=3)
    clauses: tuple[str, ...] = Field(min_length=1)


class _TermsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    termes: tuple[_TermEntry, ...]


@dataclass(frozen=True)
class Term:
    """A term, the clauses that define it, and where it is declared."""

    term: str
    clauses: frozenset[str]
    path: Path
    line: int | None

    def pattern(self) -> re.Pattern[str]:
        """The term in running text: any white space between its words, any case."""
        words = (re.escape(w) for w in self.term.split())
        return re.compile(r"(?<!\w)" + r"[ \u00a0\u202f\n]+".join(words) + r"(?!\w)", re.I)


def load_terms(root: Path) -> tuple[Term, ...]:
    """The terms declared in `root/termes.yaml`; none when the library has no such file."""
    path = root / TERMS_FILE
    if not path.is_file():
        return ()
    raw, lines = load_yaml(read_text(path, CLAUSE_FILE_BYTES), path)
    if not isinstance(raw, dict):
        raise CpomError.one("library.termes", "une liste « termes: » est attendue", path, 1)
    try:
        parsed = _TermsFile.model_validate(raw)
    except ValidationError as exc:
        raise CpomError(validation_problems(exc, lines)) from None
    return tuple(
        Term(entry.terme, frozenset(entry.clauses), path, lines.line_of(("termes", index)))
        for index, entry in enumerate(parsed.termes)
    )
