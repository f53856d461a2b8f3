"""The parts of a redline, without building a contract: alignment, words, Word's rules for
tracked changes, and where paragraph-mark revisions go."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from assemble.lifecycle.align import align, tokens, word_similarity
from assemble.lifecycle.redline_blocks import diff_blocks
from assemble.lifecycle.redline_settle import marker, settle
from assemble.lifecycle.redline_words import Marks, diff_inlines
from assemble.render import ooxml
from assemble.render import pandoc_nodes as pn
from assemble.render.ooxml import W_NS, Stamp, w

STAMP = Stamp("Relectrice", "2027-03-01T00:00:00Z")
NBSP, NNBSP = "\u00a0", "\u202f"


# --- alignment --------------------------------------------------------------------------------


def _ops(old: list[str], new: list[str], threshold: float = 0.5) -> list[tuple[str, str, str]]:
    def similarity(a: str, b: str) -> float:
        return word_similarity(tokens(a), tokens(b))

    steps = align(old, new, key=lambda x: x, similarity=similarity, threshold=threshold)
    return [
        (s.op, "" if s.old is None else old[s.old], "" if s.new is None else new[s.new])
        for s in steps
    ]


def test_unchanged_items_stay_unchanged_whatever_moves_around_them() -> None:
    old = ["IME Les Tamaris", "SESSAD Les Tamaris", "ESAT du Lez", "FAM Mas des Oliviers"]
    new = ["ESAT du Lez", "IME Les Tamaris", "SESSAD Les Tamaris", "FAM Mas des Oliviers"]
    ops = _ops(old, new)
    assert [op for op, *_ in ops if op == "equal"] == ["equal"] * 3
    assert ("insert", "", "ESAT du Lez") in ops and ("delete", "ESAT du Lez", "") in ops


def test_replaced_item_is_deleted_and_inserted_and_a_similar_one_changed() -> None:
    ime = "IME « Les Oyats » à Challans, FINESS 850001231 : 60 places en internat ;"
    samsah = "SAMSAH « Les Mauges » à Cholet, FINESS 490005675 : 20 places ;"
    assert _ops([ime], [samsah]) == [("delete", ime, ""), ("insert", "", samsah)]
    bigger = ime.replace("60 places", "64 places")
    assert _ops([ime], [bigger]) == [("change", ime, bigger)]


def test_pairs_keep_their_order_and_deletions_come_first() -> None:
    old = ["a b c d", "e f g h", "x"]
    new = ["y", "a b c z", "e f g z"]
    assert _ops(old, new) == [
        ("insert", "", "y"),
        ("change", "a b c d", "a b c z"),
        ("change", "e f g h", "e f g z"),
        ("delete", "x", ""),
    ]


def test_words_and_signs_are_separate_tokens_amounts_whole() -> None:
    assert tokens("(quatre ans)") == ["(", "quatre", " ", "ans", ")"]
    assert tokens("l’établissement de Saint-Nazaire") == [
        "l’",
        "établissement",
        " ",
        "de",
        " ",
        "Saint-Nazaire",
    ]
    amount = f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert tokens(f"soit {amount}, 11,4 % et 86 400 euros.") == [
        "soit",
        " ",
        amount,
        ",",
        " ",
        "11,4 %",
        " ",
        "et",
        " ",
        "86 400 euros",
        ".",
    ]
    text = f"Vu l’article{NBSP}L.{NBSP}313-11 ; « ok » !"
    assert "".join(tokens(text)) == text


# --- words ------------------------------------------------------------------------------------


def _inlines(text: str) -> list[pn.Node]:
    result: list[pn.Node] = []
    for index, piece in enumerate(text.split(" ")):
        if index:
            result.append(pn.space())
        if piece:
            result.append(pn.text(piece))
    return result


def _changes(content: list[pn.Node]) -> list[tuple[str, str]]:
    """(deletion|insertion, text) of each change span, links looked into."""
    found: list[tuple[str, str]] = []
    for inline in content:
        inner = pn.inline_content(inline)
        if pn.kind(inline) == "Span" and {"insertion", "deletion"} & set(pn.classes(inline)):
            found.append((pn.classes(inline)[0], _text(inner or [])))
        elif inner is not None:
            found += _changes(inner)
    return found


def _text(content: list[pn.Node]) -> str:
    parts = []
    for inline in content:
        text = pn.str_text(inline)
        inner = pn.inline_content(inline)
        parts.append(text if text is not None else _text(inner or []))
    return "".join(parts)


def test_a_word_in_brackets_is_marked_without_its_bracket() -> None:
    merged = diff_inlines(
        _inlines("durée (quatre ans)"), _inlines("durée (cinq ans)"), Marks(STAMP)
    )
    assert _changes(merged) == [("deletion", "quatre"), ("insertion", "cinq")]


def test_a_run_of_changed_words_is_one_change() -> None:
    old, new = _inlines("de quatorze mois environ"), _inlines("de douze semaines environ")
    assert _changes(diff_inlines(old, new, Marks(STAMP))) == [
        ("deletion", "quatorze mois"),
        ("insertion", "douze semaines"),
    ]


def test_only_the_kind_of_a_space_changed_marks_that_space() -> None:
    old, new = _inlines("soit 86 400 euros"), [pn.text(f"soit{NBSP}86{NNBSP}400{NBSP}euros")]
    assert _changes(diff_inlines(old, new, Marks(STAMP))) == [
        ("deletion", " "),
        ("insertion", NBSP),
        ("deletion", " "),
        ("insertion", NNBSP),
        ("deletion", " "),
        ("insertion", NBSP),
    ]


def test_a_renumbered_reference_changes_its_number_inside_the_link() -> None:
    def link(text: str) -> pn.Node:
        return {"t": "Link", "c": [["", [], []], _inlines(text), ["#revision", ""]]}

    merged = diff_inlines([link("article 19")], [link("article 20")], Marks(STAMP))
    assert [pn.kind(i) for i in merged] == ["Link"]  # the changes are inside the link
    assert _changes(merged) == [("deletion", "19"), ("insertion", "20")]


# --- Word's rules on document.xml ----------------------------------------------------------


def _document(body: str) -> etree._Element:
    return etree.fromstring(f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')


def _p(text: str = "", mark: str = "", runs: str = "") -> str:
    marks = "".join(f"<w:{m} w:id='0' w:author='a' w:date='d'/>" for m in mark.split() if m)
    properties = f"<w:pPr><w:rPr>{marks}</w:rPr></w:pPr>" if marks else ""
    plain = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
    return f"<w:p>{properties}{plain}{runs}</w:p>"


INS = "<w:ins w:id='0' w:author='a' w:date='d'><w:r><w:t>{}</w:t></w:r></w:ins>"
DEL = "<w:del w:id='0' w:author='a' w:date='d'><w:r><w:delText>{}</w:delText></w:r></w:del>"


@pytest.mark.parametrize(
    ("body", "accepted", "rejected"),
    [
        # a paragraph inserted whole, then one deleted whole
        (_p("a") + _p(mark="ins", runs=INS.format("b")) + _p("c"), ["a", "b", "c"], ["a", "c"]),
        (_p("a") + _p(mark="del", runs=DEL.format("b")) + _p("c"), ["a", "c"], ["a", "b", "c"]),
        # a paragraph split: the first part's mark is inserted
        (_p("one ", mark="ins") + _p("two"), ["one ", "two"], ["one two"]),
        # a mark inserted and deleted exists in neither version
        (_p(mark="ins del") + _p("x"), ["x"], ["x"]),
        # the last paragraph of a container stays whatever its mark
        (_p("a") + _p(mark="del", runs=DEL.format("b")), ["a", ""], ["a", "b"]),
    ],
)
def test_word_rules_for_paragraph_marks(
    body: str, accepted: list[str], rejected: list[str]
) -> None:
    root = _document(body)
    assert ooxml.paragraph_texts(ooxml.accept_all(root)) == accepted
    assert ooxml.paragraph_texts(ooxml.reject_all(root)) == rejected


def test_word_rules_for_rows() -> None:
    def row(text: str, mark: str = "") -> str:
        revision = f"<w:trPr><w:{mark} w:id='0' w:author='a' w:date='d'/></w:trPr>" if mark else ""
        return f"<w:tr>{revision}<w:tc>{_p(text)}</w:tc></w:tr>"

    root = _document(f"<w:tbl>{row('a')}{row('b', 'ins')}{row('c', 'del')}</w:tbl>{_p('z')}")
    assert ooxml.paragraph_texts(ooxml.accept_all(root)) == ["a", "b", "z"]
    assert ooxml.paragraph_texts(ooxml.reject_all(root)) == ["a", "c", "z"]
    gone = _document(f"<w:tbl>{row('b', 'ins')}</w:tbl>{_p('z')}")
    assert etree.tostring(ooxml.reject_all(gone)).count(b"w:tbl") == 0


def test_markers_become_marks_and_disappear() -> None:
    def bookmark(number: int, name: str) -> str:
        return f"<w:bookmarkStart w:id='{number}' w:name='{name}'/><w:bookmarkEnd w:id='{number}'/>"

    deleted = bookmark(7, ooxml.marker_name("p", "del", 1))
    style = "<w:pPr><w:pStyle w:val='Compact'/></w:pPr>"
    paragraph = f"<w:p>{style}{deleted}<w:r><w:t>x</w:t></w:r></w:p>"
    inserted = _p(runs=bookmark(8, ooxml.marker_name("tr", "ins", 2)))
    row = f"<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc>{inserted}</w:tc></w:tr>"
    root = _document(f"{paragraph}<w:tbl>{row}</w:tbl><w:bookmarkStart w:id='9' w:name='kept'/>")
    assert ooxml.apply_markers(root, STAMP) == 2
    ooxml.renumber_revisions(root)
    mark = root.find(f".//{w('pPr')}/{w('rPr')}/{w('del')}")
    assert mark is not None and (mark.get(w("author")), mark.get(w("date"))) == (
        "Relectrice",
        "2027-03-01T00:00:00Z",
    )
    properties = root.find(f".//{w('trPr')}")
    assert properties is not None and [etree.QName(c).localname for c in properties] == [
        "cantSplit",
        "ins",
    ]
    names = [b.get(w("name")) for b in root.iter(w("bookmarkStart"))]
    assert names == ["kept"]
    ids = [m.get(w("id")) for m in root.iter(w("ins"), w("del"))]
    assert len(set(ids)) == 2 and "9" not in ids


# --- where paragraph-mark revisions go --------------------------------------------------------


def _para(*content: pn.Node) -> pn.Node:
    return {"t": "Para", "c": list(content)}


def _marks(blocks: list[pn.Node]) -> list[str | None]:
    return [marker(b) for b in blocks]


def test_inserted_paragraphs_at_a_cell_end_move_their_revision_before_them() -> None:
    marks = Marks(STAMP)
    merged = diff_blocks([_para(pn.text("a"))], [_para(pn.text("a")), _para(pn.text("b"))], marks)
    assert _marks(merged) == [None, "ins"]
    assert _marks(settle(merged, marks)) == ["ins", None]  # « a¶ » inserted before « b »


def test_a_replaced_last_paragraph_shares_the_last_mark() -> None:
    marks = Marks(STAMP)
    old = [_para(pn.text("a")), _para(pn.text("gone"))]
    new = [_para(pn.text("a")), _para(pn.text("new"))]
    settled = settle(diff_blocks(old, new, marks), marks)
    assert _marks(settled) == [None, "ins", None]  # the emptied one: inserted, then deleted
    assert _changes(pn.inlines(settled[2])) == [("deletion", "gone"), ("insertion", "new")]


def test_a_paragraph_before_a_table_passes_its_revision_on() -> None:
    marks = Marks(STAMP)
    table: dict[str, Any] = {
        "t": "Table",
        "c": [["", [], []], [None, []], [], [["", [], []], []], [], [["", [], []], []]],
    }
    old = [_para(pn.text("a")), _para(pn.text("gone")), table]
    new = [_para(pn.text("a")), table]
    assert _marks(settle(diff_blocks(old, new, marks), marks)[:2]) == ["del", None]


def test_an_insertion_ending_a_paragraph_before_an_inserted_one_goes_first() -> None:
    marks = Marks(STAMP)
    old = [_para(pn.text("jour.")), _para(pn.text("Le détail"))]
    new = [_para(pn.text("jour;")), _para(pn.text("SAMSAH.")), _para(pn.text("Le détail"))]
    settled = settle(diff_blocks(old, new, marks), marks)
    assert _changes(pn.inlines(settled[0])) == [("insertion", ";"), ("deletion", ".")]
