"""Shared fixtures: the repository as a Project, builds into temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assemble.build import Outputs, Project, build_contract
from assemble.library import Library, load_library

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "association-horizons"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="réécrit les fichiers de référence de tests/golden au lieu de les comparer",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(ROOT / "clauses")


@pytest.fixture(scope="session")
def sample_outputs(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Outputs:
    """The sample contract built once for the whole session, into a temporary folder."""
    project = Project(ROOT, output=tmp_path_factory.mktemp("build"))
    return build_contract(project, SAMPLE, library)


@pytest.fixture(scope="session")
def all_outputs(tmp_path_factory: pytest.TempPathFactory, library: Library) -> dict[str, Outputs]:
    """Every sample contract built once, as `make contracts` does."""
    project = Project(ROOT, output=tmp_path_factory.mktemp("all"))
    return {cid: build_contract(project, cid, library) for cid in project.contract_ids()}


@pytest.fixture
def scratch_project(tmp_path: Path) -> Callable[..., Project]:
    """A copy of the repository's clauses, templates and one contract, free to modify."""

    def make(contract: str = SAMPLE) -> Project:
        for folder in ("clauses", "templates"):
            shutil.copytree(ROOT / folder, tmp_path / folder)
        target = tmp_path / "contracts" / contract
        shutil.copytree(ROOT / "contracts" / contract, target)
        return Project(tmp_path)

    return make


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
