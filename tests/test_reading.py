"""What counts as a text file: UTF-8 as editors save it, and nothing invisible."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assemble.core.errors import CpomError
from assemble.core.reading import read_text
from assemble.library.clauses import load_clause

from conftest import ROOT

CLAUSE = "clauses/06-titre-V-duree/10-duree.md"


def test_a_clause_saved_with_a_byte_order_mark_and_old_mac_line_ends_is_the_same_clause(
    tmp_path: Path,
) -> None:
    original = ROOT / CLAUSE
    text = original.read_text(encoding="utf-8")
    saved = tmp_path / original.name
    saved.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r").encode("utf-8"))
    expected = dataclasses.replace(load_clause(original), path=saved)
    loaded = load_clause(saved)
    assert (loaded.id, loaded.version, loaded.body, loaded.hash) == (
        expected.id,
        expected.version,
        expected.body,
        expected.hash,
    )


def test_data_saved_with_a_byte_order_mark_reads_without_it(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(b"\xef\xbb\xbfcontrat:\r\n  duree_annees: 5\r\n")
    assert read_text(path) == "contrat:\r\n  duree_annees: 5\r\n"


@pytest.mark.parametrize(("character", "column"), [("\x00", 9), ("\x1b", 9), ("\x7f", 9)])
def test_a_control_character_in_a_text_is_located_at_its_line_and_column(
    tmp_path: Path, character: str, column: int
) -> None:
    path = tmp_path / "clause.md"
    path.write_text(f"---\nid: x\n---\nIl prend{character} effet.\n", encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        read_text(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.path, problem.line) == ("input.control-character", path, 4)
    assert f"U+{ord(character):04X} (colonne {column})" in problem.message


def test_tabs_and_line_ends_are_not_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "clause.md"
    path.write_bytes(b"a\tb\r\nc\rd\n")
    assert read_text(path) == "a\tb\r\nc\rd\n"
