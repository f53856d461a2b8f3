"""Where lines may break: the format-neutral rule on pandoc's AST (rendering profile 2)."""

from __future__ import annotations

from typing import Any

from assemble.render.columns import CELL_PADDING, TEXT_WIDTH, text_width
from assemble.render.pandoc import markdown_to_ast
from assemble.render.typography import (
    KEEP_TOGETHER,
    KEEP_WITH_NEXT,
    UNBREAKABLE,
    line_breaks,
)
from assemble.text.french import NBSP, NNBSP


def _blocks(markdown: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = line_breaks(markdown_to_ast(markdown, 0))["blocks"]
    return blocks


def _flat(inlines: list[dict[str, Any]]) -> str:
    """Inline text, with unbreakable spans shown as [brackets]."""
    out = ""
    for node in inlines:
        if node["t"] == "Str":
            out += node["c"]
        elif node["t"] in ("Space", "SoftBreak"):
            out += " "
        elif node["t"] == "Span" and UNBREAKABLE in node["c"][0][1]:
            out += "[" + _flat(node["c"][1]) + "]"
        elif node["t"] in ("Span", "Link"):
            out += _flat(node["c"][1])
        elif node["t"] in ("Strong", "Emph"):
            out += _flat(node["c"])
    return out


def _para(markdown: str) -> str:
    return _flat(_blocks(markdown)[0]["c"])


def test_citations_stay_with_their_numbers() -> None:
    text = _para("Vu les articles L. 313-11 et R. 314-39 à R. 314-43-1 du code.")
    assert text == (
        f"Vu les articles{NBSP}L.{NBSP}[313-11] et R.{NBSP}[314-39] à R.{NBSP}[314-43-1] du code."
    )
    assert _para("la loi n° 2015-1776 du 28 décembre 2015") == (
        f"la loi n°{NBSP}[2015-1776] du 28 décembre 2015"
    )
    assert _para("prévue à l'annexe 3 et au titre III") == (
        f"prévue à l’annexe{NBSP}3 et au titre{NBSP}III"
    )


def test_cross_references_keep_their_number_inside_the_link() -> None:
    text = _para("selon l'[article 12](#revision) du contrat")
    assert f"article{NBSP}12" in text


def test_ordinary_words_are_left_breakable() -> None:
    text = _para("au titre de la dotation, pour 2027 et les exercices suivants")
    assert NBSP not in text and "[" not in text
    assert _para("un service médico-social et semi-internat") == (
        "un service médico-social et semi-internat"
    )


def test_hyphenated_names_never_break_at_their_hyphens() -> None:
    assert _para("à Castelnau-le-Lez, préfet de la Loire-Atlantique") == (
        "à [Castelnau-le-Lez], préfet de la [Loire-Atlantique]"
    )
    assert _para("le Département d’Ille-et-Vilaine") == "le Département d’[Ille-et-Vilaine]"


def test_numbers_stay_with_their_groups_and_units() -> None:
    assert _para("une cible de 95 % en 2029") == f"une cible de 95{NBSP}% en 2029"
    assert _para("un déficit de −150 000 euros") == f"un déficit de −150{NNBSP}000{NBSP}euros"
    assert _para("soit 1 250 000 € en 2027 200 places") == (
        f"soit 1{NNBSP}250{NNBSP}000{NBSP}€ en 2027 200 places"
    )


def test_names_in_table_cells_never_break_at_their_hyphens() -> None:
    table = _blocks("| Commune | Places |\n| --- | --- |\n| Castelnau-le-Lez (34) | 85 |\n")
    group = table[0]
    assert group["t"] == "Div" and KEEP_TOGETHER in group["c"][0][1]
    _, _, _, _, bodies, _ = group["c"][1][0]["c"]
    first_row_cells = bodies[0][3][0][1]  # body: attr, row head columns, head rows, rows
    assert _flat(first_row_cells[0][4][0]["c"]) == "[Castelnau-le-Lez] (34)"


def test_long_tables_may_break_across_pages() -> None:
    rows = "".join(f"| ligne {n} | {n} |\n" for n in range(12))
    table = _blocks(f"| A | B |\n| --- | --- |\n{rows}")[0]
    assert table["t"] == "Table"


def test_a_label_stays_with_the_list_it_opens() -> None:
    blocks = _blocks("**4. Actions.**\n\n- former les équipes ;\n- évaluer.\n\nSuite.\n")
    assert blocks[0]["t"] == "Div" and KEEP_WITH_NEXT in blocks[0]["c"][0][1]
    assert blocks[1]["t"] == "BulletList"
    intro = _blocks("Il a pour objet :\n\n- de fixer les objectifs.\n")
    assert intro[0]["t"] == "Div"
    plain = _blocks("**Gras.** Suivi d'un texte.\n\n- liste\n")
    assert plain[0]["t"] == "Para"


def test_the_rule_is_idempotent() -> None:
    ast = markdown_to_ast("les articles L. 313-11 et R. 314-43-1\n", 0)
    once = line_breaks(ast)
    assert line_breaks(once) == once


def _widths(table: dict[str, Any]) -> list[float]:
    return [spec[1]["c"] for spec in table["c"][2]]


def test_a_column_is_widened_to_its_widest_name() -> None:
    dashes = "| " + " | ".join(["-" * 40, "-" * 6, "-" * 40]) + " |"
    row = "| un texte assez long pour prendre la place | Saint-Jean-de-Védas | 2027 |"
    markdown = f"| Objet | Commune | Année |\n{dashes}\n{row}\n"
    before = markdown_to_ast(markdown, 0)["blocks"][0]
    after = _blocks(markdown)[0]["c"][1][0]
    assert after["t"] == "Table"
    old, new = _widths(before), _widths(after)
    name = text_width("Saint-Jean-de-Védas")
    assert old[1] * TEXT_WIDTH < name + CELL_PADDING <= new[1] * TEXT_WIDTH
    assert new[0] < old[0] and new[2] < old[2]  # the others give up the width
    assert abs(sum(new) - sum(old)) < 0.001


def test_text_width_follows_the_font() -> None:
    assert text_width("mmmm") > text_width("iiii") * 2
    assert text_width("Total", bold=True) > text_width("Total")
    assert text_width("Évian") == text_width("Evian")


def test_dates_typed_in_a_clause_stay_on_one_line_from_profile_3() -> None:
    markdown = "Vu le décret du 12 novembre 2021 et l'arrêté du 1er juillet 2025 ; en mai, rien."
    ast = markdown_to_ast(markdown, 0)
    joined = _flat(line_breaks(ast, dates=True)["blocks"][0]["c"])
    assert f"du 12{NBSP}novembre{NBSP}2021 et" in joined
    assert f"du 1er{NBSP}juillet{NBSP}2025" in joined
    assert "en mai, rien" in joined  # a month without a day nor a year is left alone
    # Profile 2 (signed versions) renders as it did: the date may break.
    assert "du 12 novembre 2021" in _flat(line_breaks(ast)["blocks"][0]["c"])
