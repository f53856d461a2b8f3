"""`make bench`'s measures: whole processes, alternating, each against its reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assemble.bench import Row, _runner, alternate, drafter_env, run_processes
from assemble.lifecycle import avenant, manifest, redline


def test_a_goal_on_the_ratio_and_a_goal_on_the_value() -> None:
    build = Row("build", 1.2, 1.0, "s", 1.15)
    assert build.ratio == pytest.approx(1.2) and build.met is False
    assert Row("build", 1.1, 1.0, "s", 1.15).met is True
    start = Row("démarrage", 0.12, 0.03, "s", 0.15, absolute=True)
    assert start.ratio == pytest.approx(4.0) and start.met is True  # the goal is on seconds
    assert Row("plancher", 0.5, 1.0, "s", None).met is None  # a measure, no goal


def test_a_process_is_timed_whole_with_its_peak_memory() -> None:
    small = run_processes([[sys.executable, "-c", "pass"]])
    large = run_processes(
        [[sys.executable, "-c", "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096])"]]
    )
    assert small.seconds > 0 and 1 < small.peak_mib < 100
    assert large.peak_mib >= small.peak_mib + 100  # 120 Mio touched, counted as /usr/bin/time does
    both = run_processes([[sys.executable, "-c", "pass"]] * 2)
    assert both.seconds > small.seconds / 4  # two processes, one after the other


def test_a_failing_process_fails_the_bench() -> None:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_processes([[sys.executable, "-c", "import sys; sys.stderr.write('non'); sys.exit(3)"]])
    assert caught.value.returncode == 3 and caught.value.stderr == b"non"


def test_ours_and_the_reference_take_turns() -> None:
    order: list[str] = []

    def ours() -> object:
        order.append("A")
        from assemble.bench import Run

        return Run(2.0, 10.0)

    def reference() -> object:
        order.append("B")
        from assemble.bench import Run

        return Run(1.0, 20.0)

    mine, theirs = alternate(ours, reference, 4)  # type: ignore[arg-type]
    assert "".join(order) == "ABBAABBA"
    assert (mine.seconds, theirs.seconds, mine.peak_mib, theirs.peak_mib) == (2.0, 1.0, 10.0, 20.0)


def test_the_drafters_environment_keeps_compiled_modules_and_names_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = drafter_env(None)
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["CPOM_CACHE"] == "non"


def test_the_redlines_names_of_files_are_those_of_their_modules() -> None:
    # redline.py names them without importing the modules (and pydantic) for a cached draft.
    assert redline.MANIFEST == manifest.MANIFEST
    assert redline.AVENANT_CLAUSES == avenant.LIBRARY


def test_a_rendering_to_redo_is_forgotten_before_each_run(tmp_path: Path) -> None:
    """The row « rendu refait » empties the kept renderings before each build it times, so
    that it never measures a copy."""
    kept = tmp_path / "cache" / "rendus"
    probe = f"import pathlib, sys; sys.exit(pathlib.Path({str(kept)!r}).exists())"
    for _ in range(2):
        kept.mkdir(parents=True, exist_ok=True)
        (kept / "entrée").write_bytes(b"rendu")
        _runner([[sys.executable, "-c", probe]], {}, forget=kept)()  # exit 1 would raise
    kept.mkdir(parents=True)
    with pytest.raises(subprocess.CalledProcessError):
        _runner([[sys.executable, "-c", probe]], {})()
