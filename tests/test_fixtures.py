"""The test suite's own machinery: states shared by every test are made once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_folder


def test_a_shared_folder_is_made_once_and_made_again_after_a_failure(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    made: list[Path] = []

    def make(folder: Path) -> None:
        made.append(folder)
        folder.mkdir()
        (folder / "contenu").write_text("fait", encoding="utf-8")

    first = shared_folder(tmp_path_factory, "essai-unique", make)
    again = shared_folder(tmp_path_factory, "essai-unique", make)
    assert first == again and made == [first]
    assert (first / "contenu").read_text(encoding="utf-8") == "fait"

    def failing(folder: Path) -> None:
        folder.mkdir()
        (folder / "moitie").write_text("interrompu", encoding="utf-8")
        raise RuntimeError("construction interrompue")

    with pytest.raises(RuntimeError):
        shared_folder(tmp_path_factory, "essai-echec", failing)
    retried = shared_folder(tmp_path_factory, "essai-echec", make)
    assert made[-1] == retried
    assert sorted(p.name for p in retried.iterdir()) == ["contenu"]  # the half-made one is gone
