"""libyaml's parser reads YAML ten times faster; what it reads must be what PyYAML's reads.

`load_yaml` takes libyaml's events through the same bounded composer (tags, depth, text
length, aliases), and reads a refused document again with PyYAML's pure-Python parser, whose
messages the drafter gets. These tests compare both readings, value for value and line for
line, over every YAML text of the repository and over documents that probe the differences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assemble.core.errors import CpomError
from assemble.core.safe_yaml import BoundedLoader, Builder, FastBoundedLoader, Loc, Refused
from assemble.core.sources import load_yaml, split_front_matter

from conftest import ROOT


def _read(loader: type[BoundedLoader] | type[FastBoundedLoader], text: str) -> Any:
    """Values and lines as one loader reads them, or the refusal it raises."""
    try:
        node = loader(text).get_single_node()
        lines: dict[Loc, int] = {}
        if node is None:
            return None, lines
        return Builder(lines).build(node, (), node.start_mark.line + 1, False), lines
    except Refused as exc:
        return ("refused", exc.code, exc.line)
    except yaml.YAMLError:
        return ("syntax",)


def _texts() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(ROOT.glob("contracts/**/*.yaml")) + sorted(ROOT.glob("history/**/*.yaml")):
        found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for path in sorted(ROOT.glob("clauses*/**/*.md")):
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        found.append((str(path.relative_to(ROOT)), front))
    for path in sorted(ROOT.glob("clauses*/*.yaml")):
        found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return found


def test_every_yaml_text_of_the_repository_reads_the_same_with_libyaml() -> None:
    texts = _texts()
    assert len(texts) > 60  # contracts, recorded data, clause front matter, titres
    for name, text in texts:
        fast = _read(FastBoundedLoader, text)
        assert fast[0] not in ("refused", "syntax"), name
        assert fast == _read(BoundedLoader, text), name


PROBES = [
    "a: &x {b: 1, c: [1, 2]}\nd: *x\n",  # an alias: same values, lines of the alias's key
    "texte: |\n  deux lignes\n  de texte\nautre: >-\n  plié\n  ici\n",
    "date: 2027-01-01\nmontant: 1234.50\nvide:\noui: yes\nnombre: 0x1F\n",
    "liste:\n- un\n-   deux\n- - trois\n  - quatre\n",
    "'clé entre guillemets': \"valeur\\técrite\"\n",
    "a: 1\n# un commentaire\nb:\n  c: 2\n",
    "a: !!str 12\nb: !!int '7'\n",
    "a: !etiquette x\n",  # refused by the bounds, in both readings
    "a:\n" + "".join("  " * depth + f"n{depth}:\n" for depth in range(1, 40)),  # too deep
    "a: [1, 2\n",  # syntax
    "a: 1\n\tb: 2\n",  # a tab
    "a: b: c\n",
    "- a\nb: 1\n",
    "a: 1\na: 2\n",  # duplicate key, refused by the builder
    "<<: {a: 1}\n",
    "a: 'non refermé\n",
    "a: 2027-02-30\n",
    "",
    "---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "x: \u00e9t\u00e9 \u2019 \u00a0\n",
]


@pytest.mark.parametrize("text", PROBES)
def test_libyaml_reads_what_pyyaml_reads_or_leaves_it_to_pyyaml(text: str) -> None:
    """Where libyaml accepts, the values and lines are PyYAML's; where either refuses,
    load_yaml gives PyYAML's located error."""
    pure = _read(BoundedLoader, text)
    fast = _read(FastBoundedLoader, text)
    if fast[0] not in ("refused", "syntax"):
        assert fast == pure
    path = Path("contrat.yaml")
    try:
        data, lines = load_yaml(text, path)
    except CpomError as exc:
        assert pure[0] in ("refused", "syntax")
        problem = exc.problems[0]
        assert problem.path == path and problem.line is not None
        return
    assert (data, dict(lines.lines)) == (pure[0] or {}, pure[1])


def test_a_control_character_is_reported_as_pyyaml_reports_it() -> None:
    with pytest.raises(CpomError) as caught:
        load_yaml("a: 1\nb: x\x07y\n", Path("contrat.yaml"))
    problem = caught.value.problems[0]
    assert (problem.code, problem.line) == ("input.control-character", 2)
    assert "U+0007" in problem.message
