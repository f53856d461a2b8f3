"""Where and how files are written: only in the command's places, whole, readable by the team."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from assemble.cli import main
from assemble.core.errors import CpomError, UsageError
from assemble.core.files import check_targets, write_files
from assemble.core.scope import Scope
from assemble.core.temporaries import clean_stale_temporaries, private_folder
from assemble.project import Project

from conftest import ROOT, SAMPLE, tree_state

OUTPUTS = (f"{SAMPLE}.md", f"{SAMPLE}.docx", f"{SAMPLE}.pdf")


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the scope of a build -------------------------------------------------------------------


def test_a_build_may_write_its_folder_and_its_lock_only(tmp_path: Path) -> None:
    project = Project(tmp_path)
    scope = project.draft_scope(SAMPLE)
    check_targets([tmp_path / "build" / SAMPLE / "x.pdf", project.lock_path(SAMPLE)], scope)
    for outside in (
        tmp_path / "build" / "autre-contrat" / "x.pdf",
        tmp_path / "contracts" / "autre-contrat" / "cpom.lock.json",
        tmp_path / "contracts" / SAMPLE / "contract.yaml",
        tmp_path / "archive" / SAMPLE / "v1" / "cpom.lock.json",
        tmp_path / "build" / SAMPLE / ".." / ".." / "archive" / "x",
        tmp_path / "build" / "status.html",
        tmp_path.parent / "ailleurs" / "x.pdf",
    ):
        with pytest.raises(UsageError) as caught:
            check_targets([outside], scope)
        assert caught.value.problems[0].code == "usage.path"


def test_history_only_grows(tmp_path: Path) -> None:
    scope = Scope.append_only(tmp_path, "history")
    entry = tmp_path / "history" / "blobs" / "abc.yaml"
    write_files({entry: b"un"}, scope)
    write_files({entry: b"un"}, scope)  # the same entry again: nothing to do
    with pytest.raises(CpomError) as caught:
        write_files({entry: b"autre"}, scope)
    assert caught.value.problems[0].code == "io.write"
    assert entry.read_bytes() == b"un"


def test_a_symlink_inside_the_area_that_stays_inside_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "build" / SAMPLE / "reel").mkdir(parents=True)
    (tmp_path / "build" / SAMPLE / "lien").symlink_to(tmp_path / "build" / SAMPLE / "reel")
    target = tmp_path / "build" / SAMPLE / "lien" / "x.md"
    write_files({target: b"x"}, Project(tmp_path).build_scope(SAMPLE))
    assert (tmp_path / "build" / SAMPLE / "reel" / "x.md").read_bytes() == b"x"


def test_traversal_on_main_rewrote_the_archive_now_refused(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three commands measured on main: each now exits 2 and the archive is untouched."""
    archive = tree_state(repository, "archive")
    outside = repository.parent / "outside" / "ext"
    commands = [
        ["build", f"../archive/{SAMPLE}/v1"],
        ["build", str(outside)],
        ["build", SAMPLE, "--version", f"../../archive/{SAMPLE}/v1"],
    ]
    for command in commands:
        assert main(["--racine", str(repository), *command]) == 2
    assert "usage.name" in capsys.readouterr().err
    assert tree_state(repository, "archive") == archive
    assert not outside.parent.exists()


# --- permissions ----------------------------------------------------------------------------


def test_outputs_lock_history_and_status_follow_the_umask(
    repository: Path, umask_022: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clause = repository / "clauses" / "06-titre-V-duree" / "50-litiges.md"  # still version 1
    text = clause.read_text(encoding="utf-8")
    text = text.replace("version: 1\n", "version: 2\nmotif: délai de règlement amiable allongé\n")
    clause.write_text(text.replace("délai de deux mois", "délai de trois mois"), "utf-8")
    (repository / "contracts" / SAMPLE / "cpom.lock.json").chmod(0o600)  # as main left it

    assert main(["--racine", str(repository), "build", SAMPLE]) == 0
    assert main(["--racine", str(repository), "status"]) == 0

    written = [repository / "build" / SAMPLE / name for name in OUTPUTS]
    written += [
        repository / "contracts" / SAMPLE / "cpom.lock.json",
        repository / "history" / "clauses" / "litiges" / "v2.md",
        repository / "build" / "status.html",
    ]
    assert {str(p.relative_to(repository)): _mode(p) for p in written} == {
        str(p.relative_to(repository)): 0o644 for p in written
    }


def test_a_colleagues_unreadable_lock_is_a_located_error(
    repository: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = repository / "contracts" / SAMPLE / "cpom.lock.json"
    real_open = os.open

    def refusing(file: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
        if Path(file) == lock:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args, **kw)

    monkeypatch.setattr(os, "open", refusing)
    assert main(["--racine", str(repository), "status"]) == 1
    err = capsys.readouterr().err
    assert f"contracts/{SAMPLE}/cpom.lock.json: lecture refusée" in err
    assert "chmod a+r" in err


# --- temporaries ----------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_cleaned_live_ones_kept(tmp_path: Path) -> None:
    from assemble.core.temporaries import _HOST

    folder = tmp_path / "build" / SAMPLE
    folder.mkdir(parents=True)
    dead = folder / f".{SAMPLE}.pdf.cpom-{_HOST}-{_dead_pid()}-0badcafe.tmp"
    live = folder / f".{SAMPLE}.pdf.cpom-{_HOST}-{os.getppid()}-0badcafe.tmp"
    other_host = folder / f".{SAMPLE}.pdf.cpom-00000000-{_dead_pid()}-0badcafe.tmp"
    legacy = folder / f".{SAMPLE}.pdf.k3j2h_9a"
    recent_legacy = folder / f".{SAMPLE}.docx.a1b2c3d4"
    drafter = folder / ".notes-du-redacteur.txt"
    for path in (dead, live, other_host, legacy, recent_legacy, drafter):
        path.write_bytes(b"partiel")
    os.utime(legacy, (0, 0))

    assert sorted(clean_stale_temporaries(folder)) == sorted([dead, legacy])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (live, other_host, recent_legacy, drafter)
    )


def test_private_folders_of_killed_builds_are_removed_live_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """typst's sources and a recorded version's templates live in the system's temporary
    folder: a kill -9 leaves them there, the next build removes them."""
    import tempfile

    from assemble.core.temporaries import _HOST

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"cpom-typst-{_HOST}-{_dead_pid()}-abc123"
    live = tmp_path / f"cpom-typst-{_HOST}-{os.getppid()}-abc123"
    other_host = tmp_path / f"cpom-typst-00000000-{_dead_pid()}-abc123"
    someone_else = tmp_path / "pytest-de-quelquun"
    for folder in (dead, live, other_host, someone_else):
        folder.mkdir()
        (folder / "contrat.typ").write_text("partiel", encoding="utf-8")
    linked = tmp_path / f"cpom-modeles-{_HOST}-{_dead_pid()}-lien"
    linked.symlink_to(someone_else)

    with private_folder("typst") as mine:
        assert mine.parent == tmp_path and mine.is_dir()
        assert not dead.exists()
        assert live.is_dir() and other_host.is_dir() and someone_else.is_dir()
        assert linked.is_symlink() and (someone_else / "contrat.typ").exists()
    assert not mine.exists()


def test_disk_full_midway_replaces_nothing_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assemble.core.files

    folder = tmp_path / "build" / SAMPLE
    old = {folder / name: f"ancien {name}".encode() for name in OUTPUTS}
    scope = Project(tmp_path).build_scope(SAMPLE)
    write_files(old, scope)
    real_write = assemble.core.files._write_new
    calls = []

    def fill_the_disk(temp: Path, data: bytes) -> None:
        calls.append(temp)
        if len(calls) == 2:
            with open(temp, "wb") as handle:
                handle.write(data[:3])
            raise OSError(errno.ENOSPC, "No space left on device", str(temp))
        real_write(temp, data)

    monkeypatch.setattr(assemble.core.files, "_write_new", fill_the_disk)
    with pytest.raises(CpomError) as caught:
        write_files({path: b"nouveau" for path in old}, scope)
    assert caught.value.problems[0].code == "io.disk-full"
    assert {p: p.read_bytes() for p in folder.iterdir()} == old


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from assemble.cli import main
real_replace = os.replace
def replace(source, target):
    # Killed at the moment the first finished output would replace the old one.
    if Path(target).parent.name == sys.argv[2]:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target)
os.replace = replace
sys.exit(main(["--racine", sys.argv[1], "build", sys.argv[2]]))
"""


def test_kill_9_during_a_build_leaves_no_partial_output(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = repository / "build" / SAMPLE
    lock = repository / "contracts" / SAMPLE / "cpom.lock.json"
    data = repository / "contracts" / SAMPLE / "contract.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("preavis_mois: 6", "preavis_mois: 3"), "utf-8"
    )
    before = {p.name: p.read_bytes() for p in build.iterdir()}
    lock_before = lock.read_bytes()

    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_BUILD), str(repository), SAMPLE],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    left = {p.name: p.read_bytes() for p in build.iterdir() if not p.name.startswith(".")}
    assert left == before  # every output still the previous, whole one
    assert lock.read_bytes() == lock_before
    assert any(p.name.startswith(".") for p in build.iterdir())  # its temporaries stayed

    assert main(["--racine", str(repository), "build", SAMPLE]) == 0
    assert sorted(p.name for p in build.iterdir()) == sorted(OUTPUTS)
    assert "un préavis de trois mois" in (build / f"{SAMPLE}.md").read_text(encoding="utf-8")
    capsys.readouterr()


TERMINATED_BUILD = """
import os, signal, sys
from pathlib import Path
from assemble.cli import main
real_replace = os.replace
contract = sys.argv[2]
def replace(source, target):
    # Terminated (kill, a closed terminal) as the first finished output would replace the old.
    if Path(target).parent.name == contract:
        os.kill(os.getpid(), signal.SIGTERM)
    real_replace(source, target)
os.replace = replace
sys.argv = ["cpom", "--racine", sys.argv[1], "build", sys.argv[2]]
sys.exit(main())
"""


def test_a_terminated_build_cleans_its_temporaries(repository: Path) -> None:
    build = repository / "build" / SAMPLE
    data = repository / "contracts" / SAMPLE / "contract.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("preavis_mois: 6", "preavis_mois: 3"), "utf-8"
    )
    before = {p.name: p.read_bytes() for p in build.iterdir()}

    terminated = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(TERMINATED_BUILD), str(repository), SAMPLE],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert terminated.returncode == 130, terminated.stderr
    assert "interrompu" in terminated.stderr.decode("utf-8")
    assert {p.name: p.read_bytes() for p in build.iterdir()} == before


def test_help_and_usage_errors_are_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("utilisation : cpom")
    assert "affiche cette aide" in help_text and "show this help" not in help_text
    assert main(["build", "--version"]) == 2
    err = capsys.readouterr().err
    assert "argument --version : une valeur est attendue après cette option" in err
    assert "[usage.arguments]" in err and "expected" not in err
