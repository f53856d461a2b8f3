"""Locks: which clause version, variant and text produced each article of a contract version.

A contract's working draft has `contracts/<id>/cpom.lock.json`, rewritten at each build; each
recorded version (sent, signed, consolidated after an avenant) has its own lock under
`contracts/<id>/versions/`. A lock, with the history store, is enough to rebuild its version
byte for byte: clause texts by version, data, titres and templates by content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..compose.document import Abrogation, Act, Amendment, Consolidation, Document
from ..compose.numbering import previous_numbers
from ..contract.schedule import Echeancier
from ..core import names
from ..core.errors import CpomError, Problem, UsageError
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_text
from ..library.clauses import Clause, Library, TitreDef
from ..library.history import History
from ..project import DRAFT, LOCK_FILE, Project
from ..render.template_files import TEMPLATE_FILES


@dataclass(frozen=True)
class LockedArticle:
    article: str  # "Article 12", "Annexe 2", or the heading of an unnumbered block
    clause: str
    instance: str | None
    version: int
    variante: str | None
    sha256: str
    # A stipulation proper to the contract (contracts/<id>/clauses/): "contrat", and the
    # version of the library clause it replaces, if any. Absent from the JSON otherwise.
    source: str | None = None
    remplace: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("source", "remplace"):
            if data[key] is None:
                del data[key]
        return data


SOURCE_CONTRACT = "contrat"


@dataclass(frozen=True)
class Lock:
    contrat: str
    version: str  # "projet" for the working draft, "v1", "v2"… for recorded versions
    statut: str  # projet, enregistre or signe
    outil: str
    donnees: str  # sha256 of contract.yaml, kept in the history
    titres: str  # sha256 of clauses/titres.yaml, kept in the history
    modeles: dict[str, str]  # template file name → sha256, kept in the history
    articles: tuple[LockedArticle, ...]
    sorties: dict[str, str]  # md, docx, pdf → sha256 of the built file
    rendu: int = 1  # rendering profile of the writers (locks written before it existed: 1)
    # A consolidated version (after an avenant): the acts it integrates, the articles they
    # amended. Absent from the JSON of every other lock, as from locks written before it.
    consolidation: Consolidation | None = None
    # The financial schedule of the version (contract/schedule.py, Echeancier.to_json); locks
    # written before it existed have none, and their figures are recomputed from their data.
    echeancier: dict[str, Any] | None = None

    def clause_versions(self) -> dict[str, int]:
        return {a.clause: a.version for a in self.articles}

    def library_versions(self) -> dict[str, int]:
        """The library clauses the version uses, the one each stipulation replaced included."""
        versions = {a.clause: a.version for a in self.articles if a.source is None}
        return versions | {a.clause: a.remplace for a in self.articles if a.remplace is not None}

    def stipulations(self) -> dict[str, int]:
        """The contract's own stipulations the version uses, by id."""
        return {a.clause: a.version for a in self.articles if a.source == SOURCE_CONTRACT}

    def numbers(self) -> dict[str, str]:
        """The numbering of this version, for a version that amends it (numbering.number)."""
        return previous_numbers(
            [
                (a.clause if a.instance is None else f"{a.clause}-{a.instance}", a.article)
                for a in self.articles
            ]
        )

    def unpinned(self, clauses: frozenset[str]) -> Lock:
        """The lock without its pins on some clauses, which the library then gives at their
        latest version (a partial upgrade)."""
        return replace(self, articles=tuple(a for a in self.articles if a.clause not in clauses))

    def fingerprint(self) -> str:
        """What the version's files carry to say which lock they were built from: the SHA-256
        of the lock without what is not known when they are built (their own hashes) or
        changes when the version is recorded or signed (its name, status, tool version)."""
        bare = replace(self, version="", statut="", outil="", sorties={})
        return hashlib.sha256(bare.to_json().encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        data = asdict(self)
        data["articles"] = [a.to_json() for a in self.articles]
        data.pop("consolidation")
        if self.consolidation is not None:
            data["consolidation"] = consolidation_json(self.consolidation)
        if self.echeancier is None:
            del data["echeancier"]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, path: Path) -> Lock:
        try:
            data: dict[str, Any] = json.loads(text)
            data["articles"] = tuple(LockedArticle(**a) for a in data["articles"])
            if "consolidation" in data:
                data["consolidation"] = consolidation_of(data["consolidation"])
            lock = cls(**data)
            if not isinstance(lock.modeles, dict) or not isinstance(lock.sorties, dict):
                raise TypeError("modeles et sorties sont des dictionnaires")
            if lock.echeancier is not None:
                Echeancier.from_json(lock.echeancier)
        except json.JSONDecodeError as exc:
            raise _invalid(f"JSON invalide (colonne {exc.colno})", path, exc.lineno) from None
        except RecursionError:
            raise _invalid("JSON imbriqué sur trop de niveaux", path) from None
        except KeyError as exc:
            raise _invalid(f"champ « {exc.args[0]} » absent", path) from None
        except (ValueError, TypeError, AttributeError):
            raise _invalid(
                "structure inattendue (champ inconnu, de mauvais type ou nombre démesuré)", path
            ) from None
        lock.check_names(path)
        return lock

    def check_names(self, path: Path) -> None:
        """Every name a lock gives becomes a path in the history: each must be a plain name."""
        check = names.checked_in_file
        check(self.contrat, names.CONTRACT_ID, "identifiant de contrat", path)
        if self.version != DRAFT:
            check(self.version, names.VERSION, "nom de version", path)
        for digest in (self.donnees, self.titres, *self.modeles.values()):
            check(digest, names.DIGEST, "empreinte SHA-256", path)
        for name in self.modeles:
            if name not in TEMPLATE_FILES:
                check(name, _NO_NAME, "nom de modèle", path)
        for article in self.articles:
            check(article.clause, names.CLAUSE_ID, "identifiant de clause", path)
            if not isinstance(article.version, int) or isinstance(article.version, bool):
                check(article.version, _NO_NAME, "version de clause", path)
            if article.source not in (None, SOURCE_CONTRACT):
                check(str(article.source), _NO_NAME, "source d'article", path)
            if article.remplace is not None and (
                not isinstance(article.remplace, int) or isinstance(article.remplace, bool)
            ):
                check(str(article.remplace), _NO_NAME, "version remplacée", path)


def consolidation_json(c: Consolidation) -> dict[str, Any]:
    abroges = {"abroges": [asdict(a) for a in c.abroges]} if c.abroges else {}
    return {
        "date": c.date.isoformat(),
        "actes": [
            {
                "avenant": a.avenant,
                "date_signature": a.date_signature.isoformat() if a.date_signature else None,
                "date_effet": a.date_effet.isoformat(),
            }
            for a in c.actes
        ],
        "articles": {key: [asdict(a) for a in amendments] for key, amendments in c.articles},
        **abroges,
    }


def consolidation_of(data: dict[str, Any]) -> Consolidation:
    """Read back `consolidation_json`; a malformed value raises TypeError or ValueError."""
    day = dt.date.fromisoformat
    actes = tuple(
        Act(
            _int_or_none(a["avenant"]),
            day(a["date_signature"]) if a["date_signature"] is not None else None,
            day(a["date_effet"]),
        )
        for a in data["actes"]
    )
    articles = tuple(
        (
            str(key),
            tuple(Amendment(_int_or_none(a["avenant"]) or 0, str(a["nature"])) for a in amended),
        )
        for key, amended in dict(data["articles"]).items()
    )
    abroges = tuple(
        Abrogation(
            str(a["key"]),
            str(a["label"]),
            str(a["heading"]),
            _int_or_none(a["avenant"]) or 0,
            str(a["titre"]),
            None if a["after"] is None else str(a["after"]),
            None if a["before"] is None else str(a["before"]),
        )
        for a in data.get("abroges", ())
    )
    return Consolidation(day(data["date"]), actes, articles, abroges)


def _amendment(data: dict[str, Any]) -> Amendment:
    number = _int_or_none(data["avenant"])
    if number is None or data["nature"] not in ("remplacement", "insertion"):
        raise ValueError("modification d'article")
    return Amendment(number, data["nature"])


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("numéro d'avenant")
    return value


def make_lock(
    doc: Document,
    version: str,
    statut: str,
    data_sha: str,
    titres_sha: str,
    templates: dict[str, str],
    outputs: dict[str, str],
    echeancier: Echeancier | None = None,
    library: Library | None = None,
) -> Lock:
    """`library`: the one the document was composed from, which says which articles are the
    contract's own stipulations."""
    own = {c.id for c in library.clauses if c.contract is not None} if library else set()
    replaced = dict(library.replaced) if library else {}
    articles = tuple(
        LockedArticle(
            article=a.label or a.heading,
            clause=a.clause_id,
            instance=a.instance,
            version=a.version,
            variante=a.variant,
            sha256=a.clause_hash,
            source=SOURCE_CONTRACT if a.clause_id in own else None,
            remplace=replaced.get(a.clause_id) if a.clause_id in own else None,
        )
        for a in doc.articles()
        if not a.abrogated
    )
    return Lock(
        doc.contract_id,
        version,
        statut,
        __version__,
        data_sha,
        titres_sha,
        templates,
        articles,
        outputs,
        doc.rendu,
        doc.consolidation,
        echeancier.to_json() if echeancier is not None else None,
    )


def _invalid(detail: str, path: Path, line: int | None = None) -> CpomError:
    return CpomError.one(
        "lock.invalid",
        f"fichier de verrouillage illisible : {detail}",
        path,
        line,
        "ce fichier est écrit par l'outil ; restaurez-le depuis git",
    )


_NO_NAME = re.compile(r"(?!)")  # matches nothing: for values that are never acceptable


def read_lock(path: Path) -> Lock:
    return Lock.from_json(read_text(path, TOOL_FILE_BYTES), path)


def pinned_library(
    library: Library, lock: Lock, history: History, source: Path | None = None
) -> Library:
    """The library as the lock saw it: its clause versions, the library's for the others.

    A clause the lock pins but the library no longer has is an error located in the lock
    file `source`; without `source`, it is taken from the history (a view of the past).
    The contract's own stipulations are never pinned: like its data, they are the drafter's
    edits of this contract, taken as they are (a stipulation removed gives the library clause
    back).
    """
    pinned = lock.library_versions()
    own = {c.id for c in library.clauses if c.contract is not None}
    replaced = {cid: pinned.pop(cid, version) for cid, version in library.replaced}
    for cid in own:
        pinned.pop(cid, None)
    clauses: list[Clause] = []
    for clause in library.clauses:
        if clause.contract is not None:
            clauses.append(clause)
            continue
        version = pinned.pop(clause.id, clause.version)
        clauses.append(clause if version == clause.version else history.clause(clause.id, version))
    if pinned and source is not None:
        raise CpomError(_missing_clauses(pinned, library, lock, source))
    clauses += [history.clause(cid, version) for cid, version in pinned.items()]
    ordered = _ordered(library.titres, clauses)
    return replace(library, clauses=ordered, replaced=tuple(replaced.items()))


def _missing_clauses(
    pinned: dict[str, int], library: Library, lock: Lock, source: Path
) -> list[Problem]:
    lines = source_lines(source)
    return [
        Problem(
            "library.clause-missing",
            f"la clause « {clause_id} » (version {version}), retenue par ce projet, est absente "
            f"de {library.root.name}/",
            source,
            next((n for n, text in lines if f'"clause": "{clause_id}"' in text), None),
            f"restaurez-la dans {library.root.name}/ depuis git (git checkout -- "
            f"{library.root.name}/), ou lancez `make upgrade C={lock.contrat}` pour la retirer "
            "du projet",
        )
        for clause_id, version in pinned.items()
    ]


def source_lines(path: Path) -> list[tuple[int, str]]:
    try:
        return list(enumerate(read_text(path, TOOL_FILE_BYTES).split("\n"), 1))
    except CpomError:
        return []


def locked_library(lock: Lock, history: History, titres: tuple[TitreDef, ...]) -> Library:
    """Exactly the clause versions of the lock, from the history: for an exact rebuild."""
    clauses = [
        history.clause(a.clause, a.version, lock.contrat if a.source else None)
        for a in {a.clause: a for a in lock.articles}.values()
    ]
    replaced = tuple((a.clause, a.remplace) for a in lock.articles if a.remplace is not None)
    own = lock.contrat if lock.stipulations() else None
    return Library(
        history.root, titres, _ordered(titres, clauses), own, tuple(dict(replaced).items())
    )


def _ordered(titres: tuple[TitreDef, ...], clauses: list[Clause]) -> tuple[Clause, ...]:
    order = {t.cle: i for i, t in enumerate(titres)}
    return tuple(sorted(clauses, key=lambda c: (order.get(c.titre, len(order)), c.ordre, c.id)))


def draft_lock(project: Project, contract_id: str) -> Lock | None:
    """The lock of a contract's working draft, if it was ever built."""
    path = project.lock_path(contract_id)
    return read_lock(path) if path.is_file() else None


def version_lock(project: Project, contract_id: str, version: str) -> Lock:
    """The lock of a version: the draft's, an archived one's, or a recorded one's."""
    version = names.version_name(version)
    if version == DRAFT:
        lock = draft_lock(project, contract_id)
        if lock is not None:
            return lock
        raise UsageError.one(
            "usage.version",
            f"le projet du contrat « {contract_id} » n'a pas encore été construit",
            project.lock_path(contract_id),
            hint=f"construisez-le d'abord : make contract C={contract_id}",
        )
    path = project.version_lock_path(contract_id, version)
    archived = project.archive / contract_id / version / LOCK_FILE
    if archived.is_file():
        return read_lock(archived)
    if not path.is_file():
        known = ", ".join([DRAFT, *project.recorded_versions(contract_id)])
        raise UsageError.one(
            "usage.version",
            f"version « {version} » du contrat « {contract_id} » inconnue",
            path.parent,
            hint=f"versions enregistrées : {known}",
        )
    return read_lock(path)
