"""What is kept per process (core/memo.py): compiled clause code, parsed clause files, the
facts the static checks read. Nothing kept may outlive the text it was made from, and a kept
template's errors are located as a fresh one's."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

from assemble.compose import compiled
from assemble.compose.checks import check_library
from assemble.compose.templating import ClauseRenderer, Source
from assemble.core.cache import Cache
from assemble.core.errors import CpomError
from assemble.library.clauses import load_clause, load_library

from conftest import ROOT

CLAUSE = "06-titre-V-duree/10-duree.md"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str | None]]:
    """The names of the templates Jinja compiles (None: an expression)."""
    seen: list[str | None] = []
    original = Environment.compile

    def counting(self: Environment, source: Any, name: str | None = None, *args: Any) -> Any:
        seen.append(name)
        return original(self, source, name, *args)

    monkeypatch.setattr(Environment, "compile", counting)
    yield seen


def _unique(text: str) -> str:
    """A text no other test of this process has compiled."""
    return f"{text} <!-- {uuid.uuid4().hex} -->"


def test_a_clause_is_compiled_once_per_process_without_a_disk_cache(
    tmp_path: Path, compiles: list[str | None]
) -> None:
    text = _unique("Durée de {{ duree }} ans.")
    source = Source(text, tmp_path / "a.md", 3)
    first = ClauseRenderer(None).render("a:", source, {"duree": 5})
    assert compiles == ["a:"]
    second = ClauseRenderer(Cache(None)).render("a:", source, {"duree": 7})
    assert compiles == ["a:"]  # the code compiled for the first renderer
    assert (first, second) == (text.replace("{{ duree }}", "5"), text.replace("{{ duree }}", "7"))


def test_a_changed_text_is_compiled_again_under_the_same_name(
    tmp_path: Path, compiles: list[str | None]
) -> None:
    renderer = ClauseRenderer(None)
    before, after = _unique("Préavis de {{ n }} mois."), _unique("Préavis de {{ n }} semaines.")
    assert renderer.render("p:", Source(before, tmp_path, 1), {"n": 6}).startswith(
        "Préavis de 6 mois"
    )
    # The same renderer, the same name, another text (a clause edited): never the old one.
    changed = renderer.render("p:", Source(after, tmp_path, 1), {"n": 6})
    assert changed.startswith("Préavis de 6 semaines")
    assert (
        ClauseRenderer(None)
        .render("p:", Source(before, tmp_path, 1), {"n": 2})
        .startswith("Préavis de 2 mois")
    )
    assert compiles == ["p:", "p:"]


def test_a_kept_template_locates_its_errors_at_its_own_file_and_line(
    tmp_path: Path, compiles: list[str | None]
) -> None:
    text = _unique("Ligne un.\nLigne deux.\nFin : {{ calcul.fin }}.")
    for path, first_line in ((tmp_path / "a.md", 10), (tmp_path / "b.md", 20)):
        with pytest.raises(CpomError) as caught:
            ClauseRenderer(None).render("e:", Source(text, path, first_line), {"calcul": {}})
        problem = caught.value.problems[0]
        assert (problem.code, problem.path, problem.line) == (
            "template.undefined",
            path,
            first_line + 2,
        )
    assert compiles == ["e:"]


def test_a_syntax_error_is_located_each_time(tmp_path: Path) -> None:
    text = _unique("Un.\n{% if x %}\nDeux.")
    for _ in range(2):
        with pytest.raises(CpomError) as caught:
            ClauseRenderer(None).render("s:", Source(text, tmp_path / "s.md", 5), {"x": 1})
        problem = caught.value.problems[0]
        assert (problem.code, problem.line) == ("template.syntax", 7)


def test_current_line_reads_the_file_of_the_renderer_that_runs_the_kept_code(
    tmp_path: Path, compiles: list[str | None]
) -> None:
    text = _unique("Un.\nDeux {{ ou() }}.")
    found = []
    for path, first_line in ((tmp_path / "a.md", 4), (tmp_path / "b.md", 40)):
        renderer = ClauseRenderer(None)
        renderer.render(
            "w:",
            Source(text, path, first_line),
            {"ou": lambda r=renderer: found.append(r.current_line())},
        )
    assert found == [(tmp_path / "a.md", 5), (tmp_path / "b.md", 41)]
    assert compiles == ["w:"]


def test_the_budget_still_applies_to_a_kept_template(tmp_path: Path) -> None:
    text = _unique(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    )
    for _ in range(2):
        with pytest.raises(CpomError) as caught:
            ClauseRenderer(None).render("b:", Source(text, tmp_path / "b.md", 8), {})
        problem = caught.value.problems[0]
        assert (problem.code, problem.line) == ("template.budget", 8)
        assert "caractères" in problem.message


def test_an_expression_is_compiled_once_and_a_changed_one_is_seen(
    tmp_path: Path, compiles: list[str | None]
) -> None:
    marker = uuid.uuid4().hex
    expression = f"options.modalite == 'aucun' and '{marker}'"
    context = {"options": {"modalite": "aucun"}}
    assert ClauseRenderer(None).evaluate(expression, context, tmp_path, 3) == marker
    assert ClauseRenderer(None).evaluate(expression, context, tmp_path, 3) == marker
    assert compiles == [None]
    changed = expression.replace("'aucun'", "'forfait'")
    assert ClauseRenderer(None).evaluate(changed, context, tmp_path, 3) is False
    with pytest.raises(CpomError) as caught:
        ClauseRenderer(None).evaluate(f"{expression} ==", context, tmp_path / "c.md", 4)
    problem = caught.value.problems[0]
    assert (problem.code, problem.path, problem.line) == (
        "template.expression",
        tmp_path / "c.md",
        4,
    )


def test_code_kept_in_memory_still_reaches_another_disk_cache(tmp_path: Path) -> None:
    source = Source(_unique("Texte {{ a }}."), tmp_path, 1)
    ClauseRenderer(Cache(tmp_path / "un")).render("d:", source, {"a": 1})
    ClauseRenderer(Cache(tmp_path / "deux")).render("d:", source, {"a": 1})
    assert len(list((tmp_path / "un").glob("jinja-*/*"))) == 1
    assert len(list((tmp_path / "deux").glob("jinja-*/*"))) == 1


def test_the_shaping_names_the_filters(tmp_path: Path) -> None:
    renderer = ClauseRenderer(None)
    assert compiled.shaping(renderer.env) == renderer.shaping
    renderer.env.filters["autre"] = lambda value: value
    assert compiled.shaping(renderer.env) != renderer.shaping


def _library(tmp_path: Path) -> Path:
    clauses = tmp_path / "clauses"
    shutil.copytree(ROOT / "clauses", clauses)
    return clauses


def test_a_clause_edited_in_the_same_second_is_read_again(tmp_path: Path) -> None:
    clauses = _library(tmp_path)
    path = clauses / CLAUSE
    first = load_library(clauses).clause("duree")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("et s'achève le", "et prend fin le"), encoding="utf-8")
    second = load_library(clauses).clause("duree")
    assert "prend fin le" in second.body and "prend fin le" not in first.body
    assert second.hash != first.hash
    path.write_text(text, encoding="utf-8")
    assert load_library(clauses).clause("duree") == first


def test_the_same_text_read_from_two_places_keeps_each_its_path(tmp_path: Path) -> None:
    here = load_clause(ROOT / "clauses" / CLAUSE)
    copy = tmp_path / "copie.md"
    shutil.copyfile(ROOT / "clauses" / CLAUSE, copy)
    there = load_clause(copy)
    assert (here.path, here.header_lines.path) == (ROOT / "clauses" / CLAUSE,) * 2
    assert (there.path, there.header_lines.path) == (copy, copy)
    assert (there.body, there.hash, there.header_lines.lines) == (
        here.body,
        here.hash,
        here.header_lines.lines,
    )


def test_a_broken_clause_is_reported_at_each_load(tmp_path: Path) -> None:
    clauses = _library(tmp_path)
    path = clauses / CLAUSE
    path.write_text(path.read_text(encoding="utf-8").replace("version: ", "version: zéro #"))
    for _ in range(2):
        with pytest.raises(CpomError) as caught:
            load_library(clauses)
        assert [(p.path, p.code) for p in caught.value.problems] == [(path, "data.number")]


def test_check_library_sees_an_edited_clause(tmp_path: Path) -> None:
    clauses = _library(tmp_path)
    path = clauses / CLAUSE
    assert check_library(load_library(clauses)) == []
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("calcul.date_fin", "calcul_fin"), encoding="utf-8")
    problems = check_library(load_library(clauses))
    assert [(p.code, p.path) for p in problems] == [("template.unknown-name", path)]
    line = next(i for i, t in enumerate(path.read_text().split("\n"), 1) if "calcul_fin" in t)
    assert problems[0].line == line
    path.write_text(text, encoding="utf-8")
    assert check_library(load_library(clauses)) == []


def test_a_contract_edited_in_the_same_second_is_read_again_and_its_data_is_the_callers(
    tmp_path: Path,
) -> None:
    from assemble.contract.load import load_contract

    folder = tmp_path / "chrs-gironde"
    shutil.copytree(ROOT / "contracts" / "chrs-gironde", folder)
    path = folder / "contract.yaml"
    first = load_contract(folder)
    first.raw["contrat"]["reference"] = "modifiée par qui l'a reçue"
    again = load_contract(folder)
    assert again.raw["contrat"]["reference"] == first.data.contrat.reference
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("preavis_mois: 3", "preavis_mois: 4"), encoding="utf-8")
    elsewhere = tmp_path / "ailleurs" / "chrs-gironde"
    shutil.copytree(folder, elsewhere)
    assert load_contract(elsewhere).lines.path == elsewhere / "contract.yaml"
    assert first.lines.path == path
    reread = load_contract(folder).data.options.denonciation.preavis_mois
    assert (first.data.options.denonciation.preavis_mois, reread) == (3, 4)


def test_an_amount_kept_formatted_keeps_its_sign() -> None:
    from decimal import Decimal

    from assemble.text.french import montant

    assert [montant(v) for v in (Decimal("-0.00"), 0, Decimal("-0.00"), Decimal("-12.5"))] == [
        "-0,00\u00a0€",
        "0,00\u00a0€",
        "-0,00\u00a0€",
        "-12,50\u00a0€",
    ]
    assert montant(1234567.891, symbole=False) == "1\u202f234\u202f567,89"


def test_a_memo_keeps_the_most_recently_used_and_not_failures() -> None:
    from assemble.core.memo import Memo

    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "b" is now the least recently used
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c"), len(memo)) == (1, None, 3, 2)

    def failing() -> int:
        raise ValueError("calcul impossible")

    with pytest.raises(ValueError):
        memo.get_or("d", failing)
    assert memo.get_or("d", lambda: 4) == 4
