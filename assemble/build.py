"""Build a contract end to end: load, compose, render, then write files and lock together."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from . import names
from .compose import compose
from .contract import CONTRACT_FILE, LoadedContract, load_contract, validate_contract
from .document import Document
from .errors import CpomError, UsageError
from .files import check_targets, write_files
from .history import History, sha256
from .library import TITRES_FILE, Library, load_library, load_titres
from .limits import TOOL_FILE_BYTES
from .lock import (
    DRAFT,
    LOCK_FILE,
    TEMPLATE_FILES,
    VERSIONS,
    Lock,
    locked_library,
    make_lock,
    pinned_library,
    read_lock,
)
from .markdown import to_markdown
from .pandoc import markdown_to_ast
from .reading import not_a_file, read_text, unreadable
from .render_docx import render_docx
from .render_pdf import render_pdf
from .scope import Scope
from .sources import load_yaml
from .template_files import check_templates
from .templating import ClauseRenderer
from .temporaries import clean_stale_temporaries, private_folder


@dataclass(frozen=True)
class Project:
    """Where a drafters' repository keeps each kind of file."""

    root: Path
    output: Path | None = None  # where builds go; build/ under the root by default

    @property
    def clauses(self) -> Path:
        return self.root / "clauses"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def contracts(self) -> Path:
        return self.root / "contracts"

    @property
    def build(self) -> Path:
        return self.output or self.root / "build"

    @property
    def history(self) -> History:
        return History(self.root / "history")

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def build_scope(self, contract_id: str) -> Scope:
        """Where a build of one contract may write: its build folder only."""
        contract_id = names.contract_id(contract_id)
        if self.output is not None:
            return Scope.folder(self.output, contract_id)
        return Scope.folder(self.root, "build", contract_id)

    def build_file_scope(self, name: str) -> Scope:
        """One file directly under build/ (status.html)."""
        if self.output is not None:
            return Scope.file(self.output, name)
        return Scope.file(self.root, "build", name)

    def draft_scope(self, contract_id: str) -> Scope:
        """A draft's build: its build folder and its own lock (history writes on its own)."""
        lock = Scope.file(self.root, "contracts", names.contract_id(contract_id), LOCK_FILE)
        return self.build_scope(contract_id) + lock

    def versions_scope(self, contract_id: str) -> Scope:
        """The locks of a contract's recorded versions."""
        return Scope.folder(self.root, "contracts", names.contract_id(contract_id), VERSIONS)

    def archived_versions(self, contract_id: str) -> list[str]:
        """Signed versions kept in the archive, oldest first."""
        folder = self.archive / names.contract_id(contract_id)
        if not folder.is_dir():
            return []
        found = [p.name for p in folder.iterdir() if p.is_dir() and _is_version(p.name)]
        return sorted(found, key=_version_number)

    def contract_ids(self) -> list[str]:
        return sorted(
            p.parent.name for p in self.contracts.glob(f"*/{CONTRACT_FILE}") if p.is_file()
        )

    def contract_folder(self, contract_id: str) -> Path:
        folder = names.within(self.contracts / names.contract_id(contract_id), self.contracts)
        data = folder / CONTRACT_FILE
        if os.path.lexists(data):
            names.within(data, folder)  # the data is read from its folder, not through a link
            try:
                mode = data.stat().st_mode
            except OSError as exc:  # a link to nothing
                raise unreadable(data, exc) from None
            if not stat.S_ISREG(mode):
                raise not_a_file(data, mode)
        else:
            known = ", ".join(self.contract_ids()) or "aucun"
            raise UsageError.one(
                "usage.contract",
                f"contrat « {contract_id} » introuvable",
                self.contracts,
                hint=f"contrats connus : {known}",
            )
        return folder

    def lock_path(self, contract_id: str) -> Path:
        return self.contracts / names.contract_id(contract_id) / LOCK_FILE

    def version_lock_path(self, contract_id: str, version: str) -> Path:
        version = names.version_name(version, draft=False)
        return self.contracts / names.contract_id(contract_id) / VERSIONS / f"{version}.lock.json"

    def recorded_versions(self, contract_id: str) -> list[str]:
        """Recorded versions of a contract, archived (signed) or not, oldest first: v1, v2…"""
        folder = self.contracts / names.contract_id(contract_id) / VERSIONS
        found = {p.name.removesuffix(".lock.json") for p in folder.glob("v*.lock.json")}
        found |= set(self.archived_versions(contract_id))
        return sorted((n for n in found if _is_version(n)), key=_version_number)

    def draft_lock(self, contract_id: str) -> Lock | None:
        path = self.lock_path(contract_id)
        return read_lock(path) if path.is_file() else None

    def version_lock(self, contract_id: str, version: str) -> Lock:
        version = names.version_name(version)
        if version == DRAFT:
            lock = self.draft_lock(contract_id)
            if lock is not None:
                return lock
            raise UsageError.one(
                "usage.version",
                f"le projet du contrat « {contract_id} » n'a pas encore été construit",
                self.lock_path(contract_id),
                hint=f"construisez-le d'abord : make contract C={contract_id}",
            )
        path = self.version_lock_path(contract_id, version)
        archived = self.archive / contract_id / version / LOCK_FILE
        if archived.is_file():
            return read_lock(archived)
        if not path.is_file():
            known = ", ".join([DRAFT, *self.recorded_versions(contract_id)])
            raise UsageError.one(
                "usage.version",
                f"version « {version} » du contrat « {contract_id} » inconnue",
                path.parent,
                hint=f"versions enregistrées : {known}",
            )
        return read_lock(path)


def _is_version(name: str) -> bool:
    return names.is_version(name)


def _version_number(name: str) -> int:
    return names.version_number(name)


@dataclass(frozen=True)
class Outputs:
    markdown: Path
    docx: Path
    pdf: Path

    def paths(self) -> tuple[Path, Path, Path]:
        return (self.markdown, self.docx, self.pdf)


@dataclass(frozen=True)
class Rendered:
    """A contract rendered in memory: nothing is written until every format succeeded."""

    document: Document
    markdown: str
    docx: bytes
    pdf: bytes

    def files(self, folder: Path, stem: str) -> dict[Path, bytes]:
        return {
            folder / f"{stem}.md": self.markdown.encode("utf-8"),
            folder / f"{stem}.docx": self.docx,
            folder / f"{stem}.pdf": self.pdf,
        }

    def hashes(self) -> dict[str, str]:
        return {
            "md": sha256(self.markdown.encode("utf-8")),
            "docx": sha256(self.docx),
            "pdf": sha256(self.pdf),
        }


def epoch_of(day: dt.date) -> int:
    """The fixed timestamp of generated files: midnight UTC of the contract's own date."""
    return calendar.timegm(day.timetuple())


def render(doc: Document, templates: Path) -> Rendered:
    """Markdown, Word and PDF of a composed contract, in memory."""
    check_templates(templates)
    markdown = to_markdown(doc)
    epoch = epoch_of(doc.timestamp)
    ast = markdown_to_ast(markdown, epoch)
    return Rendered(
        doc,
        markdown,
        render_docx(doc, ast, templates, epoch),
        render_pdf(doc, ast, templates, epoch),
    )


def assemble(
    project: Project,
    contract_id: str,
    library: Library | None = None,
    *,
    latest: bool = False,
    retired: bool = False,
) -> tuple[LoadedContract, Document]:
    """Load and compose a contract's draft, on its locked clause versions unless `latest`.

    A clause the lock names but the library lacks is an error, unless `retired` (a view of
    the draft as it was, for upgrade), which takes it from the history.
    """
    library = library or load_library(project.clauses)
    drift = project.history.drift(library.clauses)
    if drift:
        raise CpomError(drift)
    contract = load_contract(project.contract_folder(contract_id))
    lock = None if latest else project.draft_lock(contract_id)
    effective = library
    if lock is not None:
        source = None if retired else project.lock_path(contract_id)
        effective = pinned_library(library, lock, project.history, source)
    doc = compose(effective, contract, ClauseRenderer())
    if not doc.articles():
        raise CpomError.one(
            "contract.no-article",
            "aucun article retenu : le contrat serait vide",
            contract.path,
            1,
            f"vérifiez que {project.clauses.name}/ contient les clauses (git status) et que "
            "leurs conditions retiennent des articles pour ce contrat",
        )
    return contract, doc


@dataclass(frozen=True)
class Prepared:
    """A draft composed, rendered and locked in memory, ready to be written or archived."""

    contract: LoadedContract
    rendered: Rendered
    lock: Lock


def prepare_draft(
    project: Project, contract_id: str, library: Library | None = None, *, latest: bool = False
) -> Prepared:
    """Compose and render a draft and make its lock; only the history store is written."""
    library = library or load_library(project.clauses)
    contract, doc = assemble(project, contract_id, library, latest=latest)
    rendered = render(doc, project.templates)
    history = project.history
    history.publish(library.clauses)
    lock = make_lock(
        doc,
        DRAFT,
        "projet",
        history.store_blob(contract.path),
        history.store_blob(project.clauses / TITRES_FILE),
        {name: history.store_blob(project.templates / name) for name in TEMPLATE_FILES},
        rendered.hashes(),
    )
    return Prepared(contract, rendered, lock)


def build_contract(
    project: Project, contract_id: str, library: Library | None = None, *, latest: bool = False
) -> Outputs:
    """Build the draft's three files and rewrite its lock; all written together or none."""
    folder = project.build / contract_id
    scope = project.draft_scope(contract_id)
    check_targets([*_outputs(folder, contract_id).paths(), project.lock_path(contract_id)], scope)
    clean_stale_temporaries(folder)
    prepared = prepare_draft(project, contract_id, library, latest=latest)
    files = prepared.rendered.files(folder, contract_id)
    files[project.lock_path(contract_id)] = prepared.lock.to_json().encode("utf-8")
    write_files(files, scope)
    return _outputs(folder, contract_id)


def compose_version(
    project: Project, contract_id: str, version: str
) -> tuple[LoadedContract, Document, Lock]:
    """Compose a recorded version from its lock and the history alone."""
    lock = project.version_lock(contract_id, version)
    history = project.history
    titres = load_titres(history.blob(lock.titres, ".yaml"))
    library = locked_library(lock, history, titres)
    data_path = history.blob(lock.donnees, ".yaml")
    raw, lines = load_yaml(read_text(data_path, TOOL_FILE_BYTES), data_path)
    contract = validate_contract(contract_id, raw, lines)
    doc = dataclasses.replace(compose(library, contract, ClauseRenderer()), rendu=lock.rendu)
    return contract, doc, lock


def rebuild_version(project: Project, contract_id: str, version: str) -> tuple[Outputs, list[str]]:
    """Rebuild a recorded version from its lock alone; return the files that differ from it."""
    scope = project.build_scope(contract_id)
    folder = project.build / contract_id / names.version_name(version)
    check_targets(_outputs(folder, contract_id).paths(), scope)
    _, doc, lock = compose_version(project, contract_id, version)
    with private_folder("modeles") as tmp:
        for name, digest in lock.modeles.items():
            shutil.copyfile(project.history.blob(digest, Path(name).suffix), tmp / name)
        rendered = render(doc, tmp)
    write_files(rendered.files(folder, contract_id), scope)
    hashes = rendered.hashes()
    differ = [kind for kind, digest in lock.sorties.items() if hashes.get(kind) != digest]
    return _outputs(folder, contract_id), differ


def record_version(project: Project, contract_id: str, statut: str = "enregistre") -> str:
    """Build the draft and record it as the next version (v1, v2…); return its name."""
    build_contract(project, contract_id)
    draft = project.version_lock(contract_id, DRAFT)
    numbers = [_version_number(v) for v in project.recorded_versions(contract_id)]
    name = f"v{max(numbers, default=0) + 1}"
    recorded = dataclasses.replace(draft, version=name, statut=statut)
    write_files(
        {project.version_lock_path(contract_id, name): recorded.to_json().encode()},
        project.versions_scope(contract_id),
    )
    return name


def _outputs(folder: Path, stem: str) -> Outputs:
    return Outputs(folder / f"{stem}.md", folder / f"{stem}.docx", folder / f"{stem}.pdf")
