"""Whether a contract's build is up to date: its inputs and outputs against the stamp written
with them, read without composing or rendering anything.

A batch build (`cpom build --all`) leaves `build/<id>/.construction.json`: the hash of every
file the build read (the contract's folder and lock, the clauses it uses, titres, templates,
the archive and the avenant clauses of a signed contract), the front matter of the library
clauses it does not use (their conditions could select them), the tool's own fingerprint and
the hash of every file it wrote. The next batch skips the contract while all of them match, the
outputs are on disk as written, the lock names what they are and the history keeps what the
lock names. Only the standard library is imported here: the no-op batch stays fast.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ..project import LOCK_FILE, Project

STAMP = ".construction.json"
# library.clauses.TITRES_FILE and the history's layout (library/history.py), named here without
# importing the clause model (pydantic): a test checks that they agree.
TITRES_FILE = "titres.yaml"
HISTORY_CLAUSE = "history/clauses/{clause}/v{version}.md"
HISTORY_STIPULATION = "history/contracts/{contract}/clauses/{clause}/v{version}.md"
HISTORY_BLOB = "history/blobs/{digest}{suffix}"
CLAUSES_AVENANT = "clauses-avenant"
# The distributions whose version changes what a build writes, beside the tool's own code.
OUTPUT_PACKAGES = (
    "pypandoc-binary",
    "typst",
    "python-docx",
    "docxtpl",
    "docxcompose",
    "lxml",
    "jinja2",
    "babel",
    "num2words",
    "markdown-it-py",
    "pyyaml",
    "pydantic",
)
_PACKAGE = Path(__file__).resolve().parent.parent


def tool_fingerprint() -> str:
    """The tool as it would build: its sources, Python and the versions of its writers."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in OUTPUT_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class LibraryFile:
    """A clause file of the library, hashed whole and by what could select it for a contract
    that does not use it: its front matter without `version:` and `motif:` (`conditions`), or
    with its version too (`versioned`) when a condition reads it from `bibliotheque[...]`."""

    full: str
    conditions: str
    versioned: str
    clause_id: str | None
    references: frozenset[str]  # the clause versions its text reads: bibliotheque["id"]

    def selection(self, referenced: set[str]) -> str:
        return self.versioned if self.clause_id in referenced else self.conditions


@dataclass
class Sources:
    """The hashes of a repository's files, each read once per process (a batch reads the
    templates and the library once for all its contracts)."""

    root: Path
    _digests: dict[Path, str | None] = field(default_factory=dict)
    _library: dict[str, LibraryFile] | None = None

    def digest(self, relative: str) -> str | None:
        """sha256 of a file under the root; None when it is absent or not a file."""
        path = self.root / relative
        if path not in self._digests:
            self._digests[path] = _digest(path)
        return self._digests[path]

    def library(self) -> dict[str, LibraryFile]:
        if self._library is None:
            self._library = {}
            for relative in _files(self.root, "clauses"):
                if relative.endswith(".md") and not relative.lower().endswith("/readme.md"):
                    data = (self.root / relative).read_bytes()
                    self._library[relative] = _library_file(data)
        return self._library

    def referenced(self, contract_id: str) -> set[str]:
        """Clause ids whose version a condition or a text may read (`bibliotheque["id"]`):
        in the library, or in the contract's own files."""
        found = set().union(*(c.references for c in self.library().values()))
        for name in _files(self.root, "contracts", contract_id):
            if name.endswith(".md"):
                found |= _references((self.root / name).read_bytes())
        return found

    def inputs(self, project: Project, contract_id: str) -> dict[str, str]:
        """Every file a build of the contract reads whole, but the library clauses."""
        root = project.root
        names = [*_files(root, "contracts", contract_id), *_files(root, "templates")]
        names.append(f"clauses/{TITRES_FILE}")
        if project.archived_versions(contract_id):  # a signed contract: consolidation, avenant
            names += [*_files(root, "archive", contract_id), *_files(root, CLAUSES_AVENANT)]
        digests = {name: self.digest(name) for name in names}
        return {name: digest for name, digest in digests.items() if digest is not None}


@dataclass(frozen=True)
class Stamp:
    """What a batch build read and wrote, by hash (paths relative to the repository root,
    outputs relative to the contract's build folder)."""

    outil: str
    entrees: dict[str, str]
    conditions: dict[str, str]  # library clauses the contract does not use: their front matter
    sorties: dict[str, str]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> Stamp | None:
        """The stamp, or None when it is absent or unreadable (then the contract is rebuilt)."""
        try:
            data = json.loads(path.read_bytes())
            stamp = cls(
                str(data["outil"]),
                dict(data["entrees"]),
                dict(data["conditions"]),
                dict(data["sorties"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return stamp


def stamp_path(project: Project, contract_id: str) -> Path:
    return project.build / contract_id / STAMP


def make_stamp(
    project: Project,
    contract_id: str,
    fingerprint: str,
    before: dict[str, str],
    library: dict[str, LibraryFile],
    written: list[Path],
) -> Stamp:
    """The stamp of a build that read `before` and `library` (hashed before it ran) and wrote
    `written`: the lock as written, the clauses the lock names whole, the others by their
    front matter."""
    lock_name = f"contracts/{contract_id}/{LOCK_FILE}"
    entrees = dict(before)
    lock_digest = _digest(project.root / lock_name)
    if lock_digest is not None:
        entrees[lock_name] = lock_digest
    used = _used_clauses(project.root / lock_name)
    referenced = Sources(project.root).referenced(contract_id)
    conditions: dict[str, str] = {}
    for name, clause in library.items():
        if clause.clause_id is None or clause.clause_id in used:
            entrees[name] = clause.full
        else:
            conditions[name] = clause.selection(referenced)
    folder = project.build / contract_id
    sorties = {}
    for path in written:
        if path.is_relative_to(folder):
            digest = _digest(path)
            if digest is not None:
                sorties[path.relative_to(folder).as_posix()] = digest
    return Stamp(fingerprint, entrees, conditions, sorties)


def stale_reasons(
    project: Project, contract_id: str, fingerprint: str, sources: Sources
) -> list[str]:
    """Why the contract must be rebuilt, in French; empty when its outputs are up to date."""
    stamp = Stamp.read(stamp_path(project, contract_id))
    if stamp is None:
        return ["pas encore construit par lot"]
    if stamp.outil != fingerprint:
        return ["outil modifié (code ou versions de pandoc, typst…)"]
    reasons = _changed_inputs(project, contract_id, stamp, sources)
    reasons += _changed_outputs(project, contract_id, stamp)
    if not reasons:
        reasons = _lock_mismatch(project, contract_id, stamp)
    return reasons


def _changed_inputs(
    project: Project, contract_id: str, stamp: Stamp, sources: Sources
) -> list[str]:
    reasons: list[str] = []
    library = sources.library()
    now = sources.inputs(project, contract_id)
    for name, digest in stamp.entrees.items():
        clause = library.get(name)
        current = clause.full if clause else now.get(name, sources.digest(name))
        if current != digest:
            reasons.append(_what(name, clause, "modifiée" if current else "supprimée"))
    referenced = sources.referenced(contract_id)
    for name, digest in stamp.conditions.items():
        clause = library.get(name)
        if clause is None:
            reasons.append(_what(name, None, "supprimée"))
        elif clause.selection(referenced) != digest:
            reasons.append(f"conditions de la clause {clause.clause_id} modifiées ({name})")
    known = stamp.entrees.keys() | stamp.conditions.keys()
    for name in sorted((now.keys() | library.keys()) - known):
        reasons.append(_what(name, library.get(name), "ajoutée"))
    return reasons


def _what(name: str, clause: LibraryFile | None, change: str) -> str:
    """A changed input as a drafter names it: « clause X modifiée », « contrat.yaml modifié »."""
    if name.startswith("clauses/") and name.endswith(".md"):
        label = clause.clause_id if clause and clause.clause_id else name
        return f"clause {label} {change} ({name})"
    masculine = change.removesuffix("e")
    return f"{name} {masculine}"


def _changed_outputs(project: Project, contract_id: str, stamp: Stamp) -> list[str]:
    folder = project.build / contract_id
    reasons = []
    for name, digest in stamp.sorties.items():
        current = _digest(folder / name)
        if current != digest:
            state = "modifié" if current else "supprimé"
            reasons.append(f"fichier produit {_shown(project, folder / name)} {state}")
    return reasons


def _lock_mismatch(project: Project, contract_id: str, stamp: Stamp) -> list[str]:
    """The lock names the outputs on disk, and the history keeps what it names."""
    path = project.lock_path(contract_id)
    try:
        lock: dict[str, Any] = json.loads(path.read_bytes())
        outputs = {f"{contract_id}.{kind}": str(d) for kind, d in dict(lock["sorties"]).items()}
        needed = [
            (HISTORY_STIPULATION if a.get("source") else HISTORY_CLAUSE).format(
                contract=contract_id, clause=a["clause"], version=int(a["version"])
            )
            for a in lock["articles"]
        ]
        blobs = [(lock["donnees"], ".yaml"), (lock["titres"], ".yaml")]
        blobs += [(d, Path(str(n)).suffix) for n, d in dict(lock["modeles"]).items()]
        needed += [HISTORY_BLOB.format(digest=d, suffix=s) for d, s in blobs]
    except (OSError, ValueError, KeyError, TypeError):
        return ["verrou illisible"]
    if any(stamp.sorties.get(name) != digest for name, digest in outputs.items()):
        return ["le verrou ne décrit pas les fichiers produits"]
    missing = [name for name in needed if not (project.root / name).is_file()]
    if missing:
        return [f"historique incomplet : {missing[0]} absent"]
    return []


def _used_clauses(lock: Path) -> set[str]:
    try:
        return {str(a["clause"]) for a in json.loads(lock.read_bytes())["articles"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _library_file(data: bytes) -> LibraryFile:
    text = data.replace(b"\r\n", b"\n")
    front = text
    if text.startswith(b"---\n"):
        end = text.find(b"\n---", 4)
        if end != -1:
            front = text[: end + 4]
    clause_id = None
    selecting = []
    for line in front.split(b"\n"):
        if line.startswith(b"id:") and clause_id is None:
            clause_id = line[3:].strip().strip(b"\"'").decode("utf-8", "replace") or None
        if not line.startswith((b"version:", b"motif:")):
            selecting.append(line)
    conditions = _sha(b"\n".join(selecting))
    return LibraryFile(_sha(data), conditions, _sha(front), clause_id, _references(data))


_REFERENCE = re.compile(rb"""bibliotheque\s*\[\s*["']([^"']+)["']\s*\]""")


def _references(data: bytes) -> frozenset[str]:
    return frozenset(m.decode("utf-8", "replace") for m in _REFERENCE.findall(data))


def _files(root: Path, *parts: str) -> list[str]:
    """Regular files under a folder, relative to the root, in a stable order."""
    folder = root.joinpath(*parts)
    if not folder.is_dir():
        return []
    # Dot files are temporaries of a running build or an editor's, never an input.
    found = (p for p in folder.rglob("*") if not p.name.startswith(".") and p.is_file())
    return sorted(p.relative_to(root).as_posix() for p in found)


def _digest(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:  # absent, a folder, unreadable: rebuilt, and the build says what is wrong
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return str(path)
