"""Which version of which contract a file is: by the properties it carries, else by its text.

A .docx or PDF built by the tool says what it is (render/properties.py): its contract, the
version it was built as and the fingerprint of its lock, which names the recorded version it
became. A file that lost them (an office suite's « enregistrer sous » may drop custom
properties) is compared word for word with every version the project knows: the builds in
build/<id>/, the archived versions and, for a recorded version with no file, its text composed
again from its lock. The closest one is reported with its similarity; a file close to none
is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from ..compose import ast
from ..core import names
from ..core.errors import CpomError, UsageError
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_bytes
from ..lifecycle.lock import Lock, read_lock
from ..project import DRAFT, LOCK_FILE, Project
from ..render import properties
from ..render.ooxml import paragraph_texts, reject_all

How = Literal["propriétés", "texte"]

# Below this share of word triples in common, a file is no version the project knows. Two
# contracts of the same library share their boilerplate, about half of their triples; a
# returned version keeps all but what was edited.
SIMILARITY_MIN = 0.75
SHINGLE = 3


@dataclass(frozen=True)
class Identity:
    """What a file is."""

    contract_id: str
    version: str  # the recorded version its lock became (v1…), or « projet », « avenant-1 »
    lock_hash: str  # the fingerprint of that version's lock ("" for an avenant)
    how: How
    similarity: float  # 1.0 when read from the properties
    built_as: str = ""  # the version the file says it was built as
    current: bool = False  # its lock is the contract's current draft lock
    archived: bool = False  # that version is signed and archived
    compared_with: Path | None = None  # for `texte`: the file or lock it is closest to


@dataclass(frozen=True)
class Candidate:
    """A version the project knows, and where its text comes from."""

    contract_id: str
    version: str
    lock: Lock | None
    source: Path  # a built or archived file, or the lock composed again


def identify(project: Project, path: Path) -> Identity:
    """What `path` (a .docx or a PDF) is; a located error when it is unreadable or close to
    no version of the project."""
    data = _read(path)
    props = _properties(data, path)
    if props.get(properties.CONTRACT):
        return _by_properties(project, path, props)
    return _by_text(project, path, file_words(data, path))


# --- reading the file ----------------------------------------------------------------------


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise UsageError.one(
            "usage.file",
            "fichier introuvable",
            path,
            hint="donnez le chemin du fichier .docx ou .pdf à identifier (FILE=…)",
        )
    return read_bytes(path, TOOL_FILE_BYTES)


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK"):
        return "docx"
    return None


def _unreadable(path: Path, detail: str) -> CpomError:
    return CpomError.one("identify.unreadable", f"fichier illisible : {detail}", path)


def _properties(data: bytes, path: Path) -> dict[str, str]:
    kind = _kind(data)
    try:
        if kind == "docx":
            return properties.docx_properties(data)
        if kind == "pdf":
            return properties.keyword_properties(_pdf_keywords(data))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError) as exc:
        raise _unreadable(path, f"document endommagé ({type(exc).__name__})") from None
    raise _unreadable(path, "ni document Word (.docx) ni PDF")


def _pdf_keywords(data: bytes) -> str:
    import pypdf  # only a PDF needs it

    try:
        info = pypdf.PdfReader(io.BytesIO(data)).metadata
    except pypdf.errors.PyPdfError as exc:
        raise ValueError(str(exc)) from None
    return str(info.get("/Keywords", "")) if info else ""


def file_words(data: bytes, path: Path) -> list[str]:
    """The words of a .docx (tracked changes rejected: the text as it was sent) or a PDF."""
    try:
        if _kind(data) == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as source:
                root = etree.fromstring(source.read("word/document.xml"))
            return words(" ".join(paragraph_texts(reject_all(root))))
        from ..archive.signed_text import UnreadablePdf, page_texts  # only a PDF needs it

        try:
            return words(" ".join(page_texts(data)))
        except UnreadablePdf as exc:
            raise _unreadable(path, f"PDF endommagé : {exc}") from None
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError) as exc:
        raise _unreadable(path, f"document endommagé ({type(exc).__name__})") from None


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def similarity(a: list[str], b: list[str]) -> float:
    """The share of word triples two texts have in common (Dice coefficient, 0 to 1)."""
    first, second = _shingles(a), _shingles(b)
    total = sum(first.values()) + sum(second.values())
    if not total:
        return 0.0
    return 2 * sum((first & second).values()) / total


def _shingles(items: list[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(items[i : i + SHINGLE]) for i in range(max(len(items) - 2, 0)))


# --- by properties -------------------------------------------------------------------------


def _by_properties(project: Project, path: Path, props: dict[str, str]) -> Identity:
    contract_id = props[properties.CONTRACT]
    if not names.CONTRACT_ID.fullmatch(contract_id) or contract_id not in project.contract_ids():
        raise CpomError.one(
            "identify.unknown-contract",
            f"ce fichier dit être le contrat « {contract_id} », absent de ce dépôt",
            path,
        )
    built_as = props.get(properties.VERSION, DRAFT)
    fingerprint = props.get(properties.LOCK, "")
    draft = _draft_lock(project, contract_id)
    current = draft is not None and bool(fingerprint) and draft.fingerprint() == fingerprint
    version = _recorded_as(project, contract_id, fingerprint, built_as)
    archived = version in project.archived_versions(contract_id)
    return Identity(
        contract_id, version, fingerprint, "propriétés", 1.0, built_as, current, archived
    )


def _recorded_as(project: Project, contract_id: str, fingerprint: str, default: str) -> str:
    """The latest recorded version built from the lock of that fingerprint, else `default`."""
    version = default
    for name, lock in _recorded(project, contract_id):
        if fingerprint and lock.fingerprint() == fingerprint:
            version = name
    return version


def _draft_lock(project: Project, contract_id: str) -> Lock | None:
    path = project.lock_path(contract_id)
    return read_lock(path) if path.is_file() else None


def _recorded(project: Project, contract_id: str) -> Iterator[tuple[str, Lock]]:
    for version in project.recorded_versions(contract_id):
        archived = project.archive / contract_id / version / LOCK_FILE
        path = archived if archived.is_file() else project.version_lock_path(contract_id, version)
        if path.is_file():
            yield version, read_lock(path)


# --- by text -------------------------------------------------------------------------------


def candidates(project: Project) -> Iterator[Candidate]:
    """Every version of every contract the project knows, with a file to read it from."""
    for contract_id in project.contract_ids():
        with_file: set[str] = set()
        draft = _draft_lock(project, contract_id)
        folder = project.build / contract_id
        built = folder / f"{contract_id}.docx"
        if built.is_file():
            with_file.add(DRAFT)
            yield Candidate(contract_id, DRAFT, draft, built)
        for avenant in sorted(folder.glob("avenant-*/*.docx")):
            yield Candidate(contract_id, avenant.parent.name, None, avenant)
        for version, lock in _recorded(project, contract_id):
            for place in (project.archive / contract_id / version, folder / version):
                found = place / f"{contract_id}.docx"
                if found.is_file() and version not in with_file:
                    with_file.add(version)
                    yield Candidate(contract_id, version, lock, found)
            if version not in with_file:
                source = project.version_lock_path(contract_id, version)
                yield Candidate(contract_id, version, lock, source)


def _by_text(project: Project, path: Path, found: list[str]) -> Identity:
    best: tuple[float, Candidate] | None = None
    for candidate in candidates(project):
        score = similarity(found, _candidate_words(project, candidate))
        if best is None or score > best[0]:
            best = (score, candidate)
    if best is None or best[0] < SIMILARITY_MIN:
        closest = ""
        if best is not None:
            closest = (
                f" ; la plus proche, {best[1].contract_id} {best[1].version}, "
                f"n'a que {best[0]:.0%} du texte en commun"
            )
        raise CpomError.one(
            "identify.unknown",
            f"ce fichier ne porte pas ses propriétés et ne ressemble à aucune version connue"
            f"{closest}",
            path,
        )
    score, chosen = best
    draft = _draft_lock(project, chosen.contract_id)
    lock_hash = chosen.lock.fingerprint() if chosen.lock is not None else ""
    current = draft is not None and bool(lock_hash) and draft.fingerprint() == lock_hash
    version = _recorded_as(project, chosen.contract_id, lock_hash, chosen.version)
    archived = version in project.archived_versions(chosen.contract_id)
    return Identity(
        chosen.contract_id,
        version,
        lock_hash,
        "texte",
        score,
        "",
        current,
        archived,
        chosen.source,
    )


def _candidate_words(project: Project, candidate: Candidate) -> list[str]:
    if candidate.source.suffix == ".docx":
        return file_words(read_bytes(candidate.source, TOOL_FILE_BYTES), candidate.source)
    from ..lifecycle.stages import compose_version  # a recorded version with no file

    _, doc, _ = compose_version(project, candidate.contract_id, candidate.version)
    parts = [doc.title, doc.reference]
    for titre in doc.titres:
        parts.append(ast.plain_text((titre.header,)) if titre.header else titre.heading)
        for article in titre.articles:
            header = (article.header,) if article.header else ()
            parts.append(ast.plain_text((*header, *article.blocks)))
    return words(" ".join(parts))


def describe(project: Project, identity: Identity) -> list[str]:
    """What `cpom identify` prints."""
    lines = [f"contrat : {identity.contract_id}"]
    version = identity.version
    if identity.built_as and identity.built_as != version:
        version += f" (construit comme « {identity.built_as} »)"
    lines.append(f"version : {version}")
    if identity.lock_hash:
        lines.append(f"empreinte du verrou : {identity.lock_hash}")
        state = "est" if identity.current else "n'est plus"
        lines.append(f"ce verrou {state} celui du projet en cours")
    lines.append("version archivée (signée)" if identity.archived else "version non archivée")
    if identity.how == "propriétés":
        lines.append("identifié par les propriétés du fichier")
    else:
        where = identity.compared_with
        shown = (
            where.relative_to(project.root)
            if where and where.is_relative_to(project.root)
            else where
        )
        lines.append(
            f"identifié par son texte (propriétés absentes) : {identity.similarity:.1%} en commun "
            f"avec {shown}"
        )
    return lines
