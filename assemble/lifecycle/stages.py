"""The stages of a build, in memory: compose a draft or a recorded version, render it, lock it.

They read the repository and compute; they write nothing. The pipeline (build.py), the avenant
and the archive write what these stages return.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..compose.composer import compose
from ..compose.document import Document
from ..compose.templating import ClauseRenderer
from ..contract.load import LoadedContract, load_contract
from ..core.cache import Cache
from ..core.errors import CpomError
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_bytes
from ..library.clauses import TITRES_FILE, Clause, Library, load_library, load_titres
from ..library.history import History, sha256
from ..library.stipulations import with_stipulations
from ..project import DRAFT, Project
from ..render.body import read_document, to_pandoc
from ..render.docx import render_docx
from ..render.kept import keep_rendering, kept_rendering, rendering_key
from ..render.markdown import to_markdown
from ..render.pandoc import epoch_of as epoch_of
from ..render.passes import typeset
from ..render.pdf import start_typst, typst_pdf
from ..render.properties import FileIdentity
from ..render.template_files import TEMPLATE_FILES, check_templates
from .echeancier import consolidated, own_schedule, recorded_contract
from .lock import Lock, draft_lock, locked_library, make_lock, pinned_library, version_lock


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


def render(doc: Document, templates: Path, cache: Cache | None = None, lock: str = "") -> Rendered:
    """Markdown, Word and PDF of a composed contract, in memory; `cache` keeps the whole
    rendering by its inputs (render/kept.py) and, on a miss, the cover and signature pages;
    `lock`: the fingerprint of the version's lock, which the files carry."""
    doc = read_document(doc, cache)
    key = rendering_key(doc, templates, lock) if cache is not None and cache.folder else None
    kept = kept_rendering(cache, key)
    if kept is not None:
        return Rendered(doc, *kept)
    check_templates(templates)
    markdown = to_markdown(doc)
    epoch = epoch_of(doc.timestamp)
    ast = typeset(to_pandoc(doc), doc.rendu, cache)
    identity = FileIdentity.of(doc, lock)
    # pandoc writes the typst source while the .docx is made: two processes, two cores.
    with start_typst(
        doc, ast, templates, epoch, broken=True, identity=identity, cache=cache
    ) as typst_source:
        docx = render_docx(doc, ast, templates, epoch, broken=True, cache=cache, identity=identity)
        source = typst_source.result().decode("utf-8")
    pdf = typst_pdf(source, templates, epoch)
    keep_rendering(cache, key, markdown, docx, pdf)
    return Rendered(doc, markdown, docx, pdf)


def assemble(
    project: Project,
    contract_id: str,
    library: Library | None = None,
    *,
    latest: bool = False,
    retired: bool = False,
    upgrade: frozenset[str] = frozenset(),
) -> tuple[LoadedContract, Document]:
    """Load and compose a contract's draft, on its locked clause versions unless `latest`.

    A clause the lock names but the library lacks is an error, unless `retired` (a view of
    the draft as it was, for upgrade), which takes it from the history. `upgrade`: clauses
    taken at its latest version, the others as locked (a partial upgrade).
    """
    draft = compose_draft(
        project, contract_id, library, latest=latest, retired=retired, upgrade=upgrade
    )
    return draft.contract, read_document(draft.document, project.cache)


@dataclass(frozen=True)
class Draft:
    """A draft composed, with the clause versions it was composed from (for the lint)."""

    contract: LoadedContract
    document: Document
    library: Library


def compose_draft(
    project: Project,
    contract_id: str,
    library: Library | None = None,
    *,
    latest: bool = False,
    retired: bool = False,
    upgrade: frozenset[str] = frozenset(),
) -> Draft:
    """What `assemble` does, keeping the effective library (see `assemble`)."""
    library = contract_library(project, contract_id, library)
    drift = project.history.drift(library.clauses)
    if drift:
        raise CpomError(drift)
    contract = consolidated(
        project, contract_id, load_contract(project.contract_folder(contract_id))
    )
    lock = None if latest else draft_lock(project, contract_id)
    if lock is not None and upgrade:
        lock = lock.unpinned(upgrade)
    effective = library
    if lock is not None:
        source = None if retired else project.lock_path(contract_id)
        effective = pinned_library(library, lock, project.history, source)
    doc = compose(
        effective, contract, ClauseRenderer(project.cache), previous=_in_force(project, contract_id)
    )
    if not doc.articles():
        raise CpomError.one(
            "contract.no-article",
            "aucun article retenu : le contrat serait vide",
            contract.path,
            1,
            f"vérifiez que {project.clauses.name}/ contient les clauses (git status) et que "
            "leurs conditions retiennent des articles pour ce contrat",
        )
    return Draft(contract, doc, effective)


def contract_library(project: Project, contract_id: str, library: Library | None = None) -> Library:
    """The library as one contract composes it: with its own stipulations (contracts/<id>/
    clauses/) in place of the clauses of the same id, and its added articles."""
    library = library or load_library(project.clauses)
    return with_stipulations(library, contract_id, project.stipulations(contract_id))


def _in_force(project: Project, contract_id: str) -> dict[str, str] | None:
    """The numbering of the version in force of a signed contract, which its draft (the
    consolidated version of its next avenant) keeps; None for a contract never signed."""
    archived = project.archived_versions(contract_id)
    if not archived:
        return None
    return version_lock(project, contract_id, archived[-1]).numbers()


@dataclass(frozen=True)
class Blob:
    """A source file as it was read for a lock: data, titres or a template, by content hash."""

    data: bytes
    suffix: str

    @classmethod
    def read(cls, path: Path) -> Blob:
        return cls(read_bytes(path, TOOL_FILE_BYTES), path.suffix)

    @property
    def digest(self) -> str:
        return sha256(self.data)


@dataclass(frozen=True)
class Prepared:
    """A draft composed, rendered and locked in memory, ready to be written or archived.

    Nothing is written yet, not even to the history: whoever writes the outputs or archives
    them calls `publish` first, so that the lock never names what the history lacks.
    """

    contract: LoadedContract
    rendered: Rendered
    lock: Lock
    clauses: tuple[Clause, ...]  # the library the draft was composed from
    blobs: tuple[Blob, ...]  # the data, titres and templates its lock names by hash

    def publish(self, history: History) -> None:
        """Store in the history the clause versions and files the lock refers to."""
        history.publish(self.clauses)
        for blob in self.blobs:
            history.store_data(blob.data, blob.suffix)


def prepare_draft(
    project: Project,
    contract_id: str,
    library: Library | None = None,
    *,
    latest: bool = False,
    upgrade: frozenset[str] = frozenset(),
) -> Prepared:
    """Compose and render a draft and make its lock, in memory (see `Prepared.publish`)."""
    library = contract_library(project, contract_id, library)
    draft = compose_draft(project, contract_id, library, latest=latest, upgrade=upgrade)
    doc = read_document(draft.document, project.cache)
    return prepare_composed(project, draft.contract, doc, library, draft.library)


def prepare_composed(
    project: Project,
    contract: LoadedContract,
    doc: Document,
    library: Library,
    composed_from: Library | None = None,
) -> Prepared:
    """Render a composed draft (a consolidated version, for an avenant) and make its lock.
    `library`: the clauses to publish (the library and the contract's stipulations);
    `composed_from`: the versions the document was composed from, if pinned."""
    data = Blob.read(contract.path)
    titres = Blob.read(project.clauses / TITRES_FILE)
    templates = {name: Blob.read(project.templates / name) for name in TEMPLATE_FILES}

    def lock_of(outputs: dict[str, str]) -> Lock:
        digests = {name: blob.digest for name, blob in templates.items()}
        schedule = own_schedule(contract)
        return make_lock(
            doc,
            DRAFT,
            "projet",
            data.digest,
            titres.digest,
            digests,
            outputs,
            schedule,
            composed_from or library,
        )

    # The files carry the lock's fingerprint, which leaves out the files' own hashes.
    rendered = render(doc, project.templates, project.cache, lock_of({}).fingerprint())
    lock = lock_of(rendered.hashes())
    blobs = (data, titres, *templates.values())
    return Prepared(contract, rendered, lock, library.clauses, blobs)


class _LibraryVersions(dict[str, int]):
    """`bibliotheque` for a version rebuilt from its lock: the lock's clause versions, and for
    a clause it does not use (a condition may name one: `bibliotheque["x"] >= 2`), the latest
    version published in the history, as the library had it when the version was built with
    a clause that the condition admitted (a partial upgrade)."""

    def __init__(self, versions: dict[str, int], history: History) -> None:
        super().__init__(versions)
        self.history = history

    def __missing__(self, clause_id: str) -> int:
        published = self.history.versions(clause_id)
        return published[-1] if published else 0


def compose_version(
    project: Project, contract_id: str, version: str
) -> tuple[LoadedContract, Document, Lock]:
    """Compose a recorded version from its lock and the history alone."""
    lock = version_lock(project, contract_id, version)
    history = project.history
    titres = load_titres(history.blob(lock.titres, ".yaml"))
    library = locked_library(lock, history, titres)
    contract = recorded_contract(project, contract_id, lock)
    seen = _LibraryVersions(library.library_versions(), history)
    # A consolidated version keeps the numbers it was built with (those of its lock).
    previous = lock.numbers() if lock.consolidation is not None else None
    composed = compose(
        library,
        contract,
        ClauseRenderer(project.cache),
        extra={"bibliotheque": seen},
        previous=previous,
    )
    doc = dataclasses.replace(composed, rendu=lock.rendu)
    return contract, read_document(doc, project.cache), lock
