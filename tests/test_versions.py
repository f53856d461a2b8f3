"""Clause versions: locks, drift guard, exact rebuild of recorded versions, status, upgrade."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.library.clauses import load_library
from assemble.library.history import sha256
from assemble.lifecycle.lock import read_lock
from assemble.lifecycle.stages import assemble
from assemble.lifecycle.versions import clause_history, collect_status, status_html
from assemble.pipeline import build_contract, rebuild_version, record_version, upgrade_contract
from assemble.project import Project

from conftest import ROOT, SAMPLE, copy_project, edit, library_as_locked, uncached

# The clause the scenarios publish a new version of: one the sample uses, still at version 1.
LITIGES = Path("clauses/06-titre-V-duree/50-litiges.md")
OLD = "le litige est porté devant le tribunal administratif"
NEW = "le litige est porté par la partie la plus diligente devant le tribunal administratif"
MOTIF = "saisine par la partie la plus diligente"


def _bump(project: Project, text: bool = True, reason: bool = True) -> Path:
    """Publish version 2 of the litiges clause (or change it without a new version)."""
    path = project.root / LITIGES
    if reason:
        edit(path, "version: 1\n", f"version: 2\nmotif: {MOTIF}\n")
    if text:
        edit(path, OLD, NEW)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    made = copy_project(tmp_path, [SAMPLE])
    library_as_locked(made)
    return made


def test_lock_records_every_article_and_the_inputs(project: Project) -> None:
    outputs = build_contract(project, SAMPLE)
    lock = read_lock(project.lock_path(SAMPLE))
    doc = assemble(project, SAMPLE)[1]
    assert [(a.clause, a.instance, a.version, a.variante) for a in lock.articles] == [
        (a.clause_id, a.instance, a.version, a.variant) for a in doc.articles()
    ]
    frais = next(a for a in lock.articles if a.clause == "frais-de-siege")
    assert (frais.article, frais.variante) == ("Article\u00a013", "evolution_encadree")
    assert frais.sha256 == sha256(
        (project.clauses / "04-titre-III-moyens/30-frais-de-siege.md").read_bytes()
    )
    assert lock.donnees == sha256((project.contracts / SAMPLE / "contract.yaml").read_bytes())
    assert set(lock.modeles) == {
        "reference.docx",
        "couverture.docx",
        "signatures.docx",
        "contrat.typ",
        "fonts/LiberationSerif-Regular.ttf",
        "fonts/LiberationSerif-Bold.ttf",
        "fonts/LiberationSerif-Italic.ttf",
        "fonts/LiberationSerif-BoldItalic.ttf",
    }
    for name, digest in lock.modeles.items():
        assert digest == sha256((project.templates / name).read_bytes())
        assert project.history.blob_path(digest, Path(name).suffix).is_file()
    for kind, path in (("md", outputs.markdown), ("docx", outputs.docx), ("pdf", outputs.pdf)):
        assert lock.sorties[kind] == sha256(path.read_bytes())


def test_committed_lock_rebuilds_from_the_repository_alone(project: Project) -> None:
    """What a fresh clone holds (locks, history) is enough to rebuild the sample exactly."""
    committed = read_lock(ROOT / "contracts" / SAMPLE / "cpom.lock.json")
    outputs, differ = rebuild_version(project, SAMPLE, "projet")
    assert differ == []
    assert sha256(outputs.pdf.read_bytes()) == committed.sorties["pdf"]


def test_changed_clause_scenario(project: Project) -> None:
    first = build_contract(project, SAMPLE)
    original = {p.suffix: p.read_bytes() for p in (first.markdown, first.docx, first.pdf)}
    before = assemble(project, SAMPLE)[1]
    assert record_version(project, SAMPLE) == "v1"
    _bump(project)

    # The recorded version rebuilds byte for byte with the clause texts it used.
    outputs, differ = rebuild_version(uncached(project), SAMPLE, "v1")
    assert differ == []
    for path in (outputs.markdown, outputs.docx, outputs.pdf):
        assert path.read_bytes() == original[path.suffix], path.name

    # The draft stays on its locked versions until it is upgraded.
    again = build_contract(project, SAMPLE)
    assert again.pdf.read_bytes() == original[".pdf"]

    # On the latest library, only the dénonciation article differs.
    latest = assemble(project, SAMPLE, latest=True)[1]
    changed = [
        a.key
        for a, b in zip(before.articles(), latest.articles(), strict=True)
        if (a.version, a.body) != (b.version, b.body)
    ]
    assert changed == ["litiges"]
    assert NEW in latest.article("litiges").body

    # Status marks every version of the contract as behind on that clause.
    statuses = collect_status(project, load_library(project.clauses))
    assert {(s.version, tuple(u.clause for u in s.outdated)) for s in statuses} == {
        ("projet", ("litiges",)),
        ("v1", ("litiges",)),
    }
    page = status_html(statuses, load_library(project.clauses))
    assert page.count('class="outdated"') == 2 and "dernière : v2" in page

    # Upgrading says which article changed and rewrites the lock.
    changes = upgrade_contract(project, SAMPLE)
    assert [(c.clause, c.before, c.after, c.text_changed) for c in changes] == [
        ("litiges", 1, 2, True)
    ]
    assert changes[0].label == "Article\u00a025"  # 21 signed, 3 bis, 10 bis, 20 bis, 20 ter
    assert read_lock(project.lock_path(SAMPLE)).clause_versions()["litiges"] == 2
    draft = next(
        s for s in collect_status(project, load_library(project.clauses)) if s.version == "projet"
    )
    assert draft.outdated == ()


def test_text_change_without_new_version_fails_check_naming_the_file(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    _bump(project, reason=False)
    assert main(["--racine", str(project.root), "check"]) == 1
    err = capsys.readouterr().err
    assert f"{LITIGES}:3: le texte de « litiges » a changé" in err
    assert "version: 2" in err  # the hint gives the next version number
    with pytest.raises(CpomError):
        build_contract(project, SAMPLE)


def test_version_going_backwards_is_refused(project: Project) -> None:
    path = _bump(project)
    build_contract(project, SAMPLE, latest=True)  # publishes version 2
    edit(path, "version: 2\n", "version: 1\n")
    edit(path, NEW, OLD)
    edit(path, f"motif: {MOTIF}\n", "")
    edit(path, "intitule: Règlement des litiges", "intitule: Règlement des différends")
    with pytest.raises(CpomError) as caught:
        build_contract(project, SAMPLE)
    assert {p.code for p in caught.value.problems} == {"clause.drift"}
    edit(path, "intitule: Règlement des différends", "intitule: Règlement des litiges")
    with pytest.raises(CpomError) as caught:
        build_contract(project, SAMPLE)
    assert [p.code for p in caught.value.problems] == ["clause.version-backwards"]


def test_new_version_needs_a_reason(project: Project) -> None:
    edit(project.root / LITIGES, "version: 1\n", "version: 2\n")
    with pytest.raises(CpomError) as caught:
        load_library(project.clauses)
    [problem] = caught.value.problems
    assert problem.path == project.root / LITIGES and problem.line == 2
    assert "motif" in problem.message


def test_history_lists_versions_with_their_reasons(project: Project) -> None:
    _bump(project)
    library = load_library(project.clauses)
    assert clause_history(project, library, "litiges") == [
        (1, "création"),
        (2, f"{MOTIF} (non publiée)"),
    ]
    build_contract(project, SAMPLE)
    assert clause_history(project, load_library(project.clauses), "litiges")[-1] == (
        2,
        MOTIF,
    )


def test_cli_status_history_and_unknown_version(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    run: Callable[..., int] = lambda *args: main(["--racine", str(project.root), *args])  # noqa: E731
    assert run("record", SAMPLE) == 0
    _bump(project)
    assert run("build", SAMPLE) == 0
    capsys.readouterr()
    assert run("status", "--clause", "litiges") == 0
    listing = capsys.readouterr().out
    assert "v1 ⚠" in listing and "enregistrée" in listing
    assert run("status") == 0
    matrix = capsys.readouterr().out
    row = next(line for line in matrix.split("\n") if "litiges" in line)
    assert "v2" in row and row.count("v1 ⚠") == 2  # the draft and v1 behind the library
    assert "objet" in matrix  # every clause in use has its row
    assert (project.build / "status.html").is_file()
    assert run("build", SAMPLE, "--version", "v1") == 0
    assert "reconstruite à l'identique" in capsys.readouterr().out
    assert run("build", SAMPLE, "--version", "v9") == 2
    assert "version « v9 »" in capsys.readouterr().err
    assert run("upgrade", f"C={SAMPLE}") == 0  # the Makefile's spelling is accepted too
    assert "litiges) : v1 → v2" in capsys.readouterr().out


def test_failed_build_writes_no_lock_and_publishes_nothing(project: Project) -> None:
    lock = project.lock_path(SAMPLE).read_bytes()
    _bump(project)
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 60")
    with pytest.raises(CpomError):
        build_contract(project, SAMPLE)
    assert project.lock_path(SAMPLE).read_bytes() == lock
    assert project.history.versions("litiges") == [1]
