"""`cpom build --all`: incremental (skipped while inputs and outputs are unchanged, rebuilt
with the reason when one changes), errors collected per contract, output fit for a log; and the
generator of synthetic contracts used by `make bench`."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assemble import batch
from assemble.batch import plan
from assemble.bench_batch import synthetic_project
from assemble.cli import main
from assemble.library.clauses import TITRES_FILE
from assemble.library.history import History
from assemble.lifecycle import freshness
from assemble.lifecycle.freshness import STAMP, Sources, stale_reasons, tool_fingerprint
from assemble.project import Project

from conftest import ROOT, copy_project, edit

BOCAGE, CHRS = "association-bocage", "chrs-gironde"
CHRS_CLAUSE = Path("clauses/04-titre-III-moyens/14-financement-chrs.md")


def _batch(project: Project, *extra: str) -> int:
    return main(["--racine", str(project.root), "build", "--all", "--jobs", "2", *extra])


def _mtimes(project: Project) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in project.build.rglob("*") if p.is_file()}


def _new_version(path: Path, motif: str) -> None:
    text = path.read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", text, re.MULTILINE)[1])  # type: ignore[index]
    text = re.sub(r"^motif: .*$", f"motif: {motif}", text, count=1, flags=re.MULTILINE)
    text = text.replace(f"version: {version}\n", f"version: {version + 1}\n", 1)
    path.write_text(text + "{# " + motif + " #}\n", "utf-8")


def test_a_batch_rebuilds_only_what_changed_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path, [BOCAGE, CHRS])
    assert _batch(project) == 0
    first = capsys.readouterr()
    assert f"construit {BOCAGE} — pas encore construit par lot" in first.err
    assert "2 construits, 0 à jour." in first.out
    for cid in (BOCAGE, CHRS):
        assert (project.build / cid / STAMP).is_file()
    built = _mtimes(project)

    # Nothing changed: nothing is rewritten, not even a stamp.
    assert _batch(project) == 0
    assert "rien à reconstruire : les 2 contrats sont à jour." in capsys.readouterr().out
    assert _mtimes(project) == built

    # A clause that only the CHRS contract uses: only it is rebuilt, and the reason names it.
    _new_version(project.root / CHRS_CLAUSE, "intitulé précisé")
    assert _batch(project) == 0
    output = capsys.readouterr()
    assert f"à jour, non reconstruits (1) : {BOCAGE}" in output.err
    assert f"construit {CHRS} — clause financement-chrs modifiée ({CHRS_CLAUSE})" in output.err
    assert all(_mtimes(project)[p] == t for p, t in built.items() if BOCAGE in p.parts)

    # The data of one contract, an output of the other deleted: both rebuilt, each with its cause.
    edit(project.contracts / BOCAGE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    (project.build / CHRS / f"{CHRS}.docx").unlink()
    assert _batch(project) == 0
    err = capsys.readouterr().err
    assert f"construit {BOCAGE} — contracts/{BOCAGE}/contract.yaml modifié" in err
    assert f"construit {CHRS} — fichier produit build/{CHRS}/{CHRS}.docx supprimé" in err
    assert (project.build / CHRS / f"{CHRS}.docx").is_file()
    assert "trois mois" in (project.build / BOCAGE / f"{BOCAGE}.md").read_text(encoding="utf-8")

    # Up to date again; --force and another tool rebuild everything, a modified output its own.
    fingerprint = tool_fingerprint()
    assert plan(project, [BOCAGE, CHRS], fingerprint, force=False) == {}
    assert set(plan(project, [BOCAGE, CHRS], fingerprint, force=True)) == {BOCAGE, CHRS}
    _no_op_imports_nothing_heavy(project)
    other = stale_reasons(project, CHRS, "0" * 64, Sources(project.root))
    assert other == ["outil modifié (code ou versions de pandoc, typst…)"]
    with (project.build / BOCAGE / f"{BOCAGE}.pdf").open("ab") as pdf:
        pdf.write(b"%")
    assert plan(project, [BOCAGE, CHRS], fingerprint, force=False) == {
        BOCAGE: [f"fichier produit build/{BOCAGE}/{BOCAGE}.pdf modifié"]
    }
    # The history lost a clause version the lock names (git clean): rebuilt, so republished.
    (project.root / "history" / "clauses" / "financement-chrs" / "v2.md").unlink()
    assert plan(project, [CHRS], fingerprint, force=False) == {
        CHRS: ["historique incomplet : history/clauses/financement-chrs/v2.md absent"]
    }


def _no_op_imports_nothing_heavy(project: Project) -> None:
    """The no-op batch as a drafter runs it: no pydantic, pandoc, typst, docx nor Jinja."""
    probe = (
        "import sys\n"
        "from assemble.cli import main\n"
        f"code = main(['--racine', {str(project.root)!r}, 'build', '--all'])\n"
        "heavy = {'pydantic', 'typst', 'pypandoc', 'docx', 'jinja2', 'lxml'} & set(sys.modules)\n"
        "print(code, sorted(heavy))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.split("\n")[-2] == "0 []", run.stderr
    assert "rien à reconstruire" in run.stdout


def test_history_and_titres_are_named_as_the_library_names_them(tmp_path: Path) -> None:
    history = History(tmp_path / "history")
    assert freshness.TITRES_FILE == TITRES_FILE
    clause = freshness.HISTORY_CLAUSE.format(clause="duree", version=3)
    assert tmp_path / clause == history.clause_path("duree", 3)
    own = freshness.HISTORY_STIPULATION.format(contract="chrs-gironde", clause="duree", version=2)
    assert tmp_path / own == history.clause_path("duree", 2, "chrs-gironde")
    blob = freshness.HISTORY_BLOB.format(digest="ab" * 32, suffix=".docx")
    assert tmp_path / blob == history.blob_path("ab" * 32, ".docx")


def test_a_failing_contract_does_not_stop_the_batch(tmp_path: Path) -> None:
    project = copy_project(tmp_path, [BOCAGE, CHRS])
    data = project.contracts / BOCAGE / "contract.yaml"
    edit(data, '"530780105"', '"530780106"')
    command = [sys.executable, "-m", "assemble", "--racine", str(project.root), "build", "--all"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 1
    assert (project.build / CHRS / f"{CHRS}.pdf").is_file()
    assert not (project.build / BOCAGE).exists()
    lines = run.stderr.rstrip("\n").split("\n")
    assert f"échec {BOCAGE} (1 problème, listé à la fin)" in lines
    # The error comes after the progress, located, then the count of failures.
    located = next(i for i, line in enumerate(lines) if "[data.finess]" in line)
    assert lines[located].startswith(f"{data}:")
    assert located > next(i for i, line in enumerate(lines) if line.startswith(f"construit {CHRS}"))
    assert lines[-1] == f"1 construit, 0 à jour, 1 en échec : {BOCAGE}."
    # A log, not a terminal: no cursor movements nor colours.
    assert "\x1b" not in run.stderr and "\r" not in run.stderr


def test_the_generator_makes_distinct_valid_contracts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = synthetic_project(Project(ROOT), tmp_path / "lot", 5)
    assert len(set(made)) == 5 and all(re.fullmatch(r"[a-z-]+-00[1-5]", m) for m in made)
    lot = Project(tmp_path / "lot")
    assert lot.contract_ids() == sorted(made)
    names = set()
    for cid in made:
        text = (lot.contracts / cid / "contract.yaml").read_text(encoding="utf-8")
        names.add(re.search(r"^  raison_sociale: (.+)$", text, re.MULTILINE)[1])  # type: ignore[index]
        assert f'"contrat": "{cid}"' in (lot.contracts / cid / "cpom.lock.json").read_text("utf-8")
    assert len(names) == 5
    assert main(["--racine", str(lot.root), "check", made[0], made[4]]) == 0
    capsys.readouterr()
    script = [sys.executable, "scripts/make_batch.py", str(ROOT / "contracts" / "lot")]
    refused = subprocess.run(script, capture_output=True, text=True, cwd=ROOT, check=False)
    assert refused.returncode == 2 and "hors du dossier contracts/" in refused.stderr
    assert not (ROOT / "contracts" / "lot").exists()


def test_each_worker_builds_a_few_contracts_then_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """typst's memory grows with each document a process compiles: a worker is replaced
    after TASKS_PER_WORKER contracts, and every contract still has its outcome."""
    project = copy_project(tmp_path, [BOCAGE])
    ids = [f"casse-{n}" for n in range(5)]
    for cid in ids:  # contracts that fail fast, in the worker, with a located problem
        (project.contracts / cid).mkdir()
        (project.contracts / cid / "contract.yaml").write_text("organisme: [\n", "utf-8")
    served: list[list[str]] = []  # per worker process started: the contracts it was given

    class Counted(ProcessPoolExecutor):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.given: list[str] = []
            served.append(self.given)

        def submit(self, *args: Any, **kwargs: Any) -> Any:
            self.given.append(args[2])  # build_one(project, contract_id, fingerprint)
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(batch, "TASKS_PER_WORKER", 2)
    outcomes = list(batch._pooled(project, ids, "empreinte", 2))
    assert sorted(o.contract_id for o in outcomes) == ids
    for outcome in outcomes:
        (problem,) = outcome.problems
        assert problem.path == project.contracts / outcome.contract_id / "contract.yaml"
        assert problem.line == 2
    assert sorted(c for given in served for c in given) == ids
    assert len(served) >= 3 and all(len(given) <= 2 for given in served)
