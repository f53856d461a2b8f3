"""The problem-code registry: every code used is declared once, documented, and has a fix."""

from __future__ import annotations

import re
from pathlib import Path

from assemble.codes import CODES, codes_markdown

ROOT = Path(__file__).resolve().parent.parent
# A code is the first argument of Problem, CpomError.one & co.: a quoted "family.name" that
# opens a call or stands alone on its line.
FAMILIES = "|".join(sorted({c.split(".")[0] for c in CODES}))
USED = re.compile(r'(?:^\s*|\(\s*)"((?:' + FAMILIES + r')\.[a-z][a-z-]*)",', re.M)


def _used_codes() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((ROOT / "assemble").rglob("*.py")):
        if path.name == "codes.py":
            continue
        for code in USED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, path)
    return found


def test_every_code_used_in_the_source_is_registered() -> None:
    unknown = {code: str(path) for code, path in _used_codes().items() if code not in CODES}
    assert not unknown


def test_every_registered_code_has_a_french_fix() -> None:
    for code in CODES.values():
        assert code.fix and code.title, code.code
        assert code.severity in ("erreur", "avertissement")


def test_docs_list_every_code_and_are_up_to_date() -> None:
    doc = (ROOT / "docs" / "erreurs.md").read_text(encoding="utf-8")
    assert doc == codes_markdown(), "lancez `.venv/bin/cpom codes --doc`"
    for code in CODES:
        assert f"`{code}`" in doc
