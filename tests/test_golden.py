"""The assembled Markdown of each sample contract, compared with its reviewed golden file.

After an intended change of a clause or of the sample data, regenerate with
`.venv/bin/pytest tests/test_golden.py --update-golden` and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assemble.library.clauses import Library
from assemble.lifecycle.stages import assemble
from assemble.project import Project
from assemble.render.markdown import to_markdown

from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
CONTRACTS = Project(ROOT).contract_ids()


@pytest.mark.parametrize("contract_id", CONTRACTS)
def test_assembled_markdown_matches_golden(
    contract_id: str, library: Library, update_golden: bool
) -> None:
    markdown = to_markdown(assemble(Project(ROOT), contract_id, library)[1])
    golden = GOLDEN / f"{contract_id}.md"
    if update_golden:
        golden.write_text(markdown, encoding="utf-8")
    assert golden.is_file(), "pas de fichier de référence : lancez pytest --update-golden"
    assert markdown == golden.read_text(encoding="utf-8")
