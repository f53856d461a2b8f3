"""A broken clause stops with `path:line: message`, pointing at the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from assemble.core.errors import CpomError
from assemble.library.clauses import load_library

TITRES = "titres:\n  - cle: suivi\n    intitule: Modalités de suivi\n"


def _library(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "titres.yaml").write_text(TITRES, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _problem(tmp_path: Path, files: dict[str, str]) -> tuple[str, int | None, str]:
    with pytest.raises(CpomError) as caught:
        load_library(_library(tmp_path, files))
    problem = caught.value.problems[0]
    assert problem.path is not None
    return problem.path.name, problem.line, problem.message


HEADER = "---\nid: a\nversion: 1\ntitre: suivi\nordre: 1\nintitule: A\n"


def test_valid_minimal_library(tmp_path: Path) -> None:
    library = load_library(_library(tmp_path, {"a.md": HEADER + "---\nTexte.\n"}))
    assert [c.id for c in library.clauses] == ["a"]
    assert library.clauses[0].body_line == 8


def test_missing_front_matter(tmp_path: Path) -> None:
    name, line, message = _problem(tmp_path, {"a.md": "Texte sans en-tête.\n"})
    assert (name, line) == ("a.md", 1)
    assert "en-tête YAML" in message


def test_unknown_field_is_located_on_its_line(tmp_path: Path) -> None:
    text = HEADER.replace("ordre: 1\n", "ordre: 1\nvariente: x\n") + "---\nTexte.\n"
    name, line, message = _problem(tmp_path, {"a.md": text})
    assert (name, line) == ("a.md", 6)
    assert "variente" in message and "champ inconnu" in message


def test_unknown_titre(tmp_path: Path) -> None:
    text = HEADER.replace("titre: suivi", "titre: moyens") + "---\nTexte.\n"
    name, line, message = _problem(tmp_path, {"a.md": text})
    assert (name, line) == ("a.md", 4)
    assert "moyens" in message


def test_unclosed_variant(tmp_path: Path) -> None:
    text = HEADER + "selon: options.x\n---\nIntro.\n\n::: variante un\nTexte un.\n"
    name, line, message = _problem(tmp_path, {"a.md": text})
    assert (name, line) == ("a.md", 11)
    assert "pas refermée" in message


def test_variants_without_selon(tmp_path: Path) -> None:
    text = HEADER + "---\n::: variante un\nTexte.\n:::\n"
    _, _, message = _problem(tmp_path, {"a.md": text})
    assert "selon" in message


def test_duplicate_id(tmp_path: Path) -> None:
    other = HEADER.replace("ordre: 1", "ordre: 2") + "---\nAutre.\n"
    name, line, message = _problem(tmp_path, {"a.md": HEADER + "---\nT.\n", "b.md": other})
    assert (name, line) == ("b.md", 2)
    assert "déjà" in message


def test_yaml_syntax_error_in_front_matter(tmp_path: Path) -> None:
    text = "---\nid: a\nversion: [1\ntitre: suivi\n---\nT.\n"
    name, line, message = _problem(tmp_path, {"a.md": text})
    assert name == "a.md" and line is not None and line >= 3
    assert "YAML invalide" in message
