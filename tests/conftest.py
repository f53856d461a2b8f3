"""Shared fixtures: the repository as a Project, builds into temporary folders.

Each expensive state is made once per test run (`shared_folder`: the first xdist worker that
needs it makes it under a lock, the others wait and reuse it). These are READ-ONLY, shared by
every test: `built_sample` (the sample built once), `sample_outputs`, `all_outputs`,
`built_repository`, `archived_once` (the sample archived as v1), `two_versions` (v1, then its
avenant as v2), `sample_avenant` (the signed sample's avenant n° 1 drafted). A test that
changes files takes a PRIVATE copy: `repository` (of built_repository, as the current folder),
`scratch_project`, `copy_repository(shared, tmp_path / …)`, `copy_project`, `signed_copy`.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import docx
import docx.document
import pytest
from docx.text.paragraph import Paragraph

from assemble.compose.document import Document
from assemble.core.cache import Cache
from assemble.library.clauses import Library, load_library
from assemble.lifecycle.lock import read_lock
from assemble.pipeline import build_contract
from assemble.project import Outputs, Project

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "association-horizons"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="réécrit les fichiers de référence de tests/golden au lieu de les comparer",
    )


# The longest modules (measured with --durations), started first so that pytest-xdist's
# workers do not end on one of them while the other waits.
LONGEST_FIRST = (
    "test_redline.py",
    "test_avenant_chain.py",
    "test_consolidated.py",
    "test_avenants.py",
    "test_bad_inputs.py",
    "test_versions.py",
    "test_archive_signed.py",
    "test_archive.py",
    "test_lint.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """One cache for the whole run (core/cache.py), shared by xdist's workers and by the
    commands the tests start: a run never reads what another run, or the user, left there."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has set it
        return
    folder = Path(tempfile.mkdtemp(prefix="cpom-tests-cache-"))
    os.environ["CPOM_CACHE"] = str(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest modules first, the others in their usual order; tests are independent."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice user folder for this worker's whole run: LibreOffice sets one up at its
    first start (a second or more), and the tests of one worker never run two offices at once.
    Each xdist worker has its own base temporary folder, hence its own profile."""
    return tmp_path_factory.getbasetemp() / "profil-libreoffice"


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(ROOT / "clauses")


def copy_project(target: Path, contracts: list[str] | None = None, locked: bool = True) -> Project:
    """A copy of the repository to build in, so that tests never write into it.

    `locked` keeps the history and the contracts' locks, as `make contract` finds them;
    without, the copy is a fresh library whose clauses can be edited without version bumps.
    """
    for folder in ("clauses", "clauses-avenant", "templates"):
        shutil.copytree(ROOT / folder, target / folder)
    if locked:
        shutil.copytree(ROOT / "history", target / "history")
    ignore = None if locked else shutil.ignore_patterns("cpom.lock.json", "versions")
    for contract in contracts if contracts is not None else Project(ROOT).contract_ids():
        shutil.copytree(
            ROOT / "contracts" / contract, target / "contracts" / contract, ignore=ignore
        )
    return Project(target)


def shared_folder(
    factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]
) -> Path:
    """A folder `make` fills once per test run, whichever pytest-xdist worker asks first.

    Workers of one run share the parent of their temporary folders; a lock file makes the
    others wait while the first one builds, and a marker written after `make` returned tells
    them it is complete (a `make` that failed is tried again by the next test that asks)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    shared = base / "partage"
    shared.mkdir(exist_ok=True)
    folder, done = shared / name, shared / f"{name}.fait"
    with open(shared / f"{name}.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Project:
    """A copy of the repository with the sample alone, built once, as `make contract` does."""

    def make(root: Path) -> None:
        build_contract(copy_project(root, [SAMPLE]), SAMPLE, library)

    return Project(shared_folder(tmp_path_factory, "echantillon", make))


@pytest.fixture(scope="session")
def sample_outputs(built_sample: Project) -> Outputs:
    """The sample contract built once for the whole session, as `make contract` does."""
    outputs = Outputs.of(built_sample.build / SAMPLE, SAMPLE)
    assert all(path.is_file() for path in outputs.paths())
    return outputs


@pytest.fixture(scope="session")
def all_outputs(
    tmp_path_factory: pytest.TempPathFactory, library: Library, built_sample: Project
) -> dict[str, Outputs]:
    """Every sample contract built once, as `make contracts` does (the sample's build reused)."""
    contracts = [cid for cid in Project(ROOT).contract_ids() if cid != SAMPLE]

    def make(root: Path) -> None:
        _copy_tree(built_sample.root, root)
        for contract in contracts:
            shutil.copytree(ROOT / "contracts" / contract, root / "contracts" / contract)
        project = Project(root)
        for contract in contracts:
            build_contract(project, contract, library)

    project = Project(shared_folder(tmp_path_factory, "tous", make))
    outputs = {cid: Outputs.of(project.build / cid, cid) for cid in project.contract_ids()}
    assert all(path.is_file() for made in outputs.values() for path in made.paths())
    return outputs


@pytest.fixture
def scratch_project(tmp_path: Path) -> Callable[..., Project]:
    """A copy of the repository with one contract, free to modify (see copy_project)."""

    def make(contract: str = SAMPLE, locked: bool = False) -> Project:
        return copy_project(tmp_path, [contract], locked)

    return make


def plain(text: str) -> str:
    """Spaces and apostrophes as a drafter types them, whatever the typography put there."""
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2019", "'")


def docx_text(path: Path) -> str:
    """The Word file's paragraphs and table cells (« a | b » per row), as a drafter reads them."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return plain("\n".join(parts))


def annex_rows(project: Project) -> dict[str, list[str]]:
    """The sample's financial annex as composed: « section / label » → amounts per exercice."""
    from assemble.lifecycle.stages import assemble

    body = plain(assemble(project, SAMPLE)[1].article("annexe-financiere").body)
    rows: dict[str, list[str]] = {}
    section = ""
    for line in body.split("\n"):
        if line.startswith("### "):
            section = line[4:]
        elif line.startswith("| ") and "€" in line:
            cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
            rows[f"{section} / {cells[0]}"] = cells[1:]
    return rows


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact passage of a text file; fail loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} absent de {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_lines(path: Path, start: str) -> None:
    """Remove every line of a text file that starts with `start`; fail if there is none."""
    lines = path.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if not line.startswith(start)]
    assert len(kept) < len(lines), f"aucune ligne {start!r} dans {path}"
    path.write_text("\n".join(kept), encoding="utf-8")


# A FAM in a third département, for avenants and redlines that add an establishment.
LOZERE = """  - finess: "480780105"
    nom: Le Villaret
    categorie: FAM
    departement: "48"
    commune: Mende
    capacites:
      - {type: hebergement_permanent, places: 24}
    financements:
      - {financeur: ars-occitanie, dotation: 612000.00}
    autorisation: {date: 2027-03-02, autorites: [ars-occitanie]}

options:"""


def library_as_locked(project: Project, contract: str = SAMPLE) -> None:
    """Put a copy back in the state the contract's lock was made in: its clause versions in
    clauses/, and no later version of them in history/.

    The library then holds exactly what the sample was built with (clauses the lock does not
    use stay, at their latest version): a test can publish a new version of one clause and see
    that clause alone change.
    """
    lock = read_lock(project.lock_path(contract))
    for clause in load_library(project.clauses).clauses:
        pinned = lock.clause_versions().get(clause.id)
        if pinned is not None and pinned != clause.version:
            shutil.copyfile(project.history.clause_path(clause.id, pinned), clause.path)
            for later in range(pinned + 1, clause.version + 1):
                project.history.clause_path(clause.id, later).unlink(missing_ok=True)


def signed_copy(target: Path) -> Project:
    """The sample as signed (its committed archive v1), its draft back at that state."""
    made = copy_project(target, [SAMPLE])
    shutil.copytree(ROOT / "archive" / SAMPLE, made.archive / SAMPLE)
    for name in ("contract.yaml", "cpom.lock.json"):
        path = made.contracts / SAMPLE / name
        shutil.copyfile(made.archive / SAMPLE / "v1" / name, path)
        path.chmod(0o644)
    shutil.rmtree(made.contracts / SAMPLE / "avenants", ignore_errors=True)
    return made


@pytest.fixture(scope="session")
def built_repository(tmp_path_factory: pytest.TempPathFactory, built_sample: Project) -> Path:
    """A copy of the whole repository (archive included) with the sample already built once."""

    def make(folder: Path) -> None:
        root = folder / "depot"
        _copy_tree(built_sample.root, root)
        for contract in Project(ROOT).contract_ids():
            if contract != SAMPLE:
                shutil.copytree(ROOT / "contracts" / contract, root / "contracts" / contract)
        shutil.copytree(ROOT / "archive", root / "archive")

    return shared_folder(tmp_path_factory, "depot", make) / "depot"


@pytest.fixture
def repository(built_repository: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of `built_repository` to break, as the current folder."""
    root = tmp_path / "depot"
    shutil.copytree(built_repository, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def tree_state(root: Path, *folders: str) -> dict[str, tuple[int, str]]:
    """Every file and link under some folders: mode and content hash (or link target)."""
    state: dict[str, tuple[int, str]] = {}
    for folder in folders:
        base = root / folder
        if base.is_symlink() or base.is_file():
            state[folder] = (base.lstat().st_mode, _fingerprint(base))
            continue
        for path in sorted(base.rglob("*")) if base.exists() else []:
            state[str(path.relative_to(root))] = (path.lstat().st_mode, _fingerprint(path))
    return state


def _fingerprint(path: Path) -> str:
    if path.is_symlink():
        return "-> " + str(path.readlink())
    if path.is_dir():
        return "dossier"
    if not path.is_file():  # a named pipe a test put there: opening it would wait forever
        return "spécial"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except PermissionError:  # a test made it unreadable: its mode is in the state
        return "illisible"


def archive_first_version(project: Project) -> Project:
    """A built sample archived as signed (v1): its built PDF is the signed file."""
    import datetime as dt

    from assemble.archive.store import archive_version

    signed = project.root / "CPOM signé.pdf"
    signed.write_bytes(Outputs.of(project.build / SAMPLE, SAMPLE).pdf.read_bytes())
    archive_version(project, SAMPLE, signed, dt.date(2026, 12, 15))
    return project


def archive_second_version(project: Project) -> Project:
    """A sample archived as v1 (archive_first_version), its avenant n° 1 archived as v2."""
    import datetime as dt

    from assemble.archive.store import archive_version
    from assemble.pipeline import build_avenant

    target = project.root
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed_avenant = target / "avenant signé.pdf"
    signed_avenant.write_bytes(draft.rendered.pdf)
    archive_version(project, SAMPLE, signed_avenant, dt.date(2027, 6, 1))
    return project


def archive_two_versions(target: Path) -> Project:
    """The sample archived as signed (v1), then its avenant n° 1 archived too (v2)."""
    project = copy_project(target, [SAMPLE])
    build_contract(project, SAMPLE)
    return archive_second_version(archive_first_version(project))


@pytest.fixture(scope="session")
def archived_once(tmp_path_factory: pytest.TempPathFactory, built_sample: Project) -> Project:
    """The built sample archived as v1 (its built PDF as signed file); copy it to change it."""

    def make(folder: Path) -> None:
        _copy_tree(built_sample.root, folder / "depot")
        archive_first_version(Project(folder / "depot"))

    return Project(shared_folder(tmp_path_factory, "archive-v1", make) / "depot")


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory: pytest.TempPathFactory, archived_once: Project) -> Project:
    """A repository whose sample has two archived versions; copy it before changing it."""

    def make(folder: Path) -> None:
        _copy_tree(archived_once.root, folder / "depot")
        archive_second_version(Project(folder / "depot"))

    return Project(shared_folder(tmp_path_factory, "deux-versions", make) / "depot")


@pytest.fixture(scope="session")
def sample_avenant(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample with its committed archive (signed v1), its avenant n° 1 drafted by
    `make avenant`; read-only."""
    from assemble.pipeline import build_avenant

    def make(root: Path) -> None:
        project = copy_project(root, [SAMPLE])
        shutil.copytree(ROOT / "archive" / SAMPLE, project.archive / SAMPLE)
        assert build_avenant(project, SAMPLE) is not None

    return Project(shared_folder(tmp_path_factory, "avenant-en-cours", make))


@pytest.fixture(scope="session")
def composed_samples(
    tmp_path_factory: pytest.TempPathFactory, library: Library
) -> dict[str, Document]:
    """Each sample contract's draft composed (not read by pandoc yet); read-only."""
    from assemble.lifecycle.stages import compose_draft

    project = copy_project(tmp_path_factory.mktemp("composes"), Project(ROOT).contract_ids())
    return {cid: compose_draft(project, cid, library).document for cid in project.contract_ids()}


@pytest.fixture(scope="session")
def sample_avenant_documents(sample_avenant: Project) -> tuple[Document, Document]:
    """The sample's avenant n° 1 and the consolidated version it makes, as rendered."""
    from assemble.lifecycle.avenant import prepare_avenant

    draft = prepare_avenant(sample_avenant, SAMPLE)
    assert draft is not None
    return draft.rendered.document, draft.consolidated.rendered.document


def uncached(project: Project) -> Project:
    """The same repository with no cache: for the tests of reproducibility, whose two
    renderings must both be computed (the run's cache would make the second a copy)."""
    return dataclasses.replace(project, cache=Cache(None))


def copy_repository(project: Project, target: Path) -> Project:
    """A copy of a whole repository (archive included, modes and links kept), to tamper with."""
    shutil.copytree(project.root, target, symlinks=True)
    return Project(target)


def verify_cli(project: Project) -> tuple[int, str]:
    """`cpom verify` run from the repository, as a drafter does: exit code and error output."""
    import contextlib
    import io

    from assemble.cli import main

    err = io.StringIO()
    with (
        contextlib.chdir(project.root),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = main(["--racine", str(project.root), "verify"])
    return code, err.getvalue()


def located_errors(project: Project) -> set[tuple[str, str]]:
    """What verify finds, as (code, path from the root); each one printed by `cpom verify`
    as `path[:line]: message [code]` followed by its fix, and the command exits 1."""
    import os

    from assemble.archive.verify import verify_archive

    report = verify_archive(project)
    code, err = verify_cli(project)
    assert code == (1 if report.errors else 0), err
    root = Path(os.path.realpath(project.root))
    found = set()
    for problem in report.errors:
        assert problem.path is not None and problem.hint
        where = str((problem.path.parent.resolve() / problem.path.name).relative_to(root))
        located = f"{where}:{problem.line}" if problem.line else where
        assert f"{located}: {problem.message} [{problem.code}]\n    → {problem.hint}" in err
        found.add((problem.code, where))
    return found


def styled(document: docx.document.Document, *styles: str) -> list[Paragraph]:
    """The paragraphs of a Word document whose style is one of `styles`, in order."""
    return [p for p in document.paragraphs if p.style is not None and p.style.name in styles]
