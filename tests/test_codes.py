"""The problem-code registry: every code used is declared once, documented, and has a fix."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from assemble.core.codes import CODES, codes_markdown

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = "|".join(sorted({c.split(".")[0] for c in CODES}))
# A code in the source is a quoted "family.name"; "contract.yaml" and the like are file names.
QUOTED = re.compile(r'"((?:' + FAMILIES + r')\.[a-z][a-z-]*)"')
FILE_NAME = re.compile(r"\.(yaml|json|md|py|txt|pdf)$")


def _quoted_codes() -> Counter[tuple[str, str]]:
    """How often each code is quoted, by module: (code, module name) → count."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted((ROOT / "assemble").rglob("*.py")):
        for code in QUOTED.findall(path.read_text(encoding="utf-8")):
            if not FILE_NAME.search(code):
                found[code, path.name] += 1
    return found


def test_every_code_used_in_the_source_is_registered() -> None:
    unknown = {code: module for code, module in _quoted_codes() if code not in CODES}
    assert not unknown


def test_every_registered_code_is_used() -> None:
    # Quoted once in codes.py to declare it, and at least once more where it is raised.
    found = _quoted_codes()
    uses = Counter[str]()
    for (code, module), count in found.items():
        uses[code] += count - 1 if module == "codes.py" else count
    assert [code for code in CODES if uses[code] < 1] == []


def test_every_registered_code_has_a_french_fix() -> None:
    for code in CODES.values():
        assert code.fix and code.title, code.code
        assert code.severity in ("erreur", "avertissement")


def test_docs_list_every_code_and_are_up_to_date() -> None:
    doc = (ROOT / "docs" / "erreurs.md").read_text(encoding="utf-8")
    assert doc == codes_markdown(), "lancez `.venv/bin/cpom codes --doc`"
    for code in CODES:
        assert f"`{code}`" in doc
