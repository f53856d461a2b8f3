"""Data values print as written: never Markdown, HTML or template code."""

from __future__ import annotations

from pathlib import Path

import pytest

from assemble.compose.templating import ClauseRenderer, Source, escape_markdown
from assemble.render.pandoc import run_pandoc

HOSTILE = [
    "Association *Étoile* du _Nord_",
    "# Pas un titre",
    "<b>gras</b> & <script>",
    "[lien](http://exemple.fr) ![image](x.png)",
    "{{ organisme.siren }} {% if true %}",
    "1. pas une liste",
    "- pas une puce",
    "@citation ~barré~ ^exp^ $x$ a|b \\ `code`",
    "::: div",
]


def _plain(markdown: str) -> str:
    return run_pandoc(
        ["-f", "markdown", "-t", "plain", "--wrap=none"], markdown.encode(), 0
    ).decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_pandoc_reads_escaped_value_as_written(value: str) -> None:
    assert _plain(escape_markdown(value)).strip() == value


def test_template_prints_data_escaped_and_never_evaluates_it(tmp_path: Path) -> None:
    renderer = ClauseRenderer()
    source = Source("Nom : {{ nom }}.", tmp_path, 1)
    out = renderer.render("t", source, {"nom": "{{ 7 * 7 }} *x*"})
    assert out == "Nom : \\{\\{ 7 \\* 7 \\}\\} \\*x\\*."
    assert "49" not in out


def test_leading_space_of_a_value_is_kept() -> None:
    assert escape_markdown(" ;") == " ;"
