"""The same inputs give byte-identical files; a hostile name prints as written everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx

from assemble.library.clauses import Library
from assemble.pipeline import build_contract
from assemble.project import Outputs, Project

from conftest import SAMPLE, copy_project, edit, uncached
from pdf_text import pdf_text

HOSTILE = "Association *Étoile* _Nord_ #1 <Cie> [x](y) {{ nom }} & Co"


def test_rebuild_is_byte_identical(
    tmp_path: Path, library: Library, sample_outputs: Outputs
) -> None:
    again = build_contract(uncached(copy_project(tmp_path, [SAMPLE])), SAMPLE, library)
    for first, second in zip(
        (sample_outputs.markdown, sample_outputs.docx, sample_outputs.pdf),
        (again.markdown, again.docx, again.pdf),
        strict=True,
    ):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_hostile_name_prints_as_written(scratch_project: Callable[..., Project]) -> None:
    project = scratch_project()
    edit(
        project.contracts / SAMPLE / "contract.yaml",
        "  raison_sociale: Association Horizons\n",
        f'  raison_sociale: "{HOSTILE}"\n',
    )
    outputs = build_contract(project, SAMPLE)
    document = docx.Document(str(outputs.docx))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert HOSTILE in paragraphs  # the cover
    assert any(p.startswith(HOSTILE.replace("Association", "L’Association", 1)) for p in paragraphs)
    assert any(c.startswith(f"Pour l’{HOSTILE}") for c in cells)  # the signature block
    pdf = pdf_text(outputs.pdf)
    for fragment in ("*Étoile*", "_Nord_", "#1", "<Cie>", "[x](y)", "{{ nom }}", "& Co"):
        assert fragment in pdf
