"""The package's layout: subpackages whose dependencies point one way, modules of a readable size.

A module may import from its own subpackage and from the subpackages before it in LAYERS, never
from one after it: the core knows nothing of contracts, the contract data nothing of rendering,
rendering nothing of the archive, and only the pipeline and the command line see everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assemble"

# Lowest first. Top-level modules are layers of their own.
LAYERS = (
    "core",
    "text",
    "library",
    "contract",
    "project",
    "compose",
    "render",
    "lifecycle",
    "archive",
    "review",
    "pipeline",
    "console",
    "arguments",
    "batch",
    "bench_batch",
    "bench_stages",
    "bench",
    "reviewing",
    "commands",
    "cli",
    "__main__",
)
MAX_LINES = 420  # about 400: a module read in one sitting
# Tables rather than code: one declaration after another, read by search, not end to end.
TABLES = {"core/codes.py"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported_layers(source: str, here: tuple[str, ...]) -> set[tuple[str, int]]:
    """The layers a module imports from, with the line of each import; `here` is the module's
    subpackage (empty for a top-level module)."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = (*base, *(node.module.split(".") if node.module else ()))
            elif node.module and node.module.split(".")[0] == "assemble":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            if target:
                found.add((target[0], node.lineno))
            else:  # `from . import x` at the root: each name is a layer
                found.update((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "assemble" and len(parts) > 1:
                    found.add((parts[1], node.lineno))
    return found


def test_every_module_has_a_layer() -> None:
    assert {_layer(p) for p in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_down(path: Path) -> None:
    layer = LAYERS.index(_layer(path))
    here = path.relative_to(PACKAGE).parts[:-1]
    imported = _imported_layers(path.read_text(encoding="utf-8"), here)
    upward = [
        f"{path.relative_to(PACKAGE)}:{line} imports {target}"
        for target, line in sorted(imported)
        if target in LAYERS and LAYERS.index(target) > layer
    ]
    assert upward == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_readable(path: Path) -> None:
    relative = path.relative_to(PACKAGE).as_posix()
    if relative in TABLES:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{relative}: {lines} lines; split it by responsibility"


def test_the_layer_check_reads_every_form_of_import() -> None:
    """The check itself, on imports written each way the package writes them."""
    source = (
        "from ..pipeline import build_contract\n"
        "from .errors import CpomError\n"
        "def late():\n"
        "    from ..render import ooxml\n"
        "import assemble.cli\n"
        "from assemble.archive.verify import verify_contract\n"
    )
    assert _imported_layers(source, ("core",)) == {
        ("pipeline", 1),
        ("core", 2),
        ("render", 4),
        ("cli", 5),
        ("archive", 6),
    }
    assert _imported_layers("from . import cli, pipeline\n", ()) == {("cli", 1), ("pipeline", 1)}
