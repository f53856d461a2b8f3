"""An amendment never renumbers the contract it amends: kept articles keep their number,
inserted ones take « bis », « ter »… after the article they follow (numbering.number)."""

from __future__ import annotations

from pathlib import Path

from assemble.compose.numbering import Selected, number, previous_numbers
from assemble.library.clauses import load_library
from assemble.text.french import NBSP

ROOT = Path(__file__).resolve().parent.parent


def _selection(keep: set[str] | None = None) -> tuple[list[Selected], object]:
    library = load_library(ROOT / "clauses")
    chosen = [Selected(c, None) for c in library.clauses if c.repeter is None]
    if keep is not None:
        chosen = [s for s in chosen if s.clause.id in keep]
    return chosen, library


def _labels(numbered: object) -> dict[str, str]:
    return {
        s.selected.clause.id: s.label.replace(NBSP, " ")
        for t in numbered  # type: ignore[attr-defined]
        for s in t.slots
        if s.label
    }


def test_unsigned_numbering_is_sequential_and_signed_keeps_its_numbers() -> None:
    everything, library = _selection()
    ids = [s.clause.id for s in everything]
    # The signed contract lacked two articles (the 2nd and 3rd numbered ones) and had one
    # the new version drops.
    plain = _labels(number(library.titres, everything))  # type: ignore[attr-defined]
    numbered_ids = [i for i in ids if plain.get(i, "").startswith("Article")]
    first, second, third, fourth = numbered_ids[:4]
    signed_sel = [s for s in everything if s.clause.id not in (second, third)]
    signed = _labels(number(library.titres, signed_sel))  # type: ignore[attr-defined]
    assert signed[first] == "Article 1" and signed[fourth] == "Article 2"
    previous = previous_numbers([(k, v) for k, v in signed.items()])
    amended_sel = [s for s in everything if s.clause.id != fourth]
    amended = _labels(number(library.titres, amended_sel, previous))  # type: ignore[attr-defined]
    assert amended[first] == "Article 1"
    assert amended[second] == "Article 1 bis"
    assert amended[third] == "Article 1 ter"
    # The number of the article removed (2) is not reused; the next keeps its own.
    assert "Article 2" not in amended.values()
    assert amended[numbered_ids[4]] == signed[numbered_ids[4]] == "Article 3"
    # A second amendment inherits « 1 bis » and inserts after it with the next suffix.
    again = previous_numbers([(k, v) for k, v in amended.items() if k != third])
    later = _labels(number(library.titres, amended_sel, again))  # type: ignore[attr-defined]
    assert later[second] == "Article 1 bis"
    assert later[third] == "Article 1 ter"
    assert later[numbered_ids[4]] == "Article 3"


def test_a_new_article_standing_where_a_removed_one_stood_takes_its_number() -> None:
    """The clause that takes a removed article's very place (same titre, between the same
    kept articles) is that article rewritten: it keeps the number; the next new one is
    « bis » after it. Without the removed clause's titre (a clause the library no longer
    knows), the number stays unused, as above."""
    everything, library = _selection()
    titre_of = {c.id: c.titre for c in library.clauses}  # type: ignore[attr-defined]
    ids = [s.clause.id for s in everything]
    plain = _labels(number(library.titres, everything))  # type: ignore[attr-defined]
    numbered_ids = [i for i in ids if plain.get(i, "").startswith("Article")]
    first, second, third, fourth = numbered_ids[:4]
    signed_sel = [s for s in everything if s.clause.id not in (second, third)]
    signed = _labels(number(library.titres, signed_sel))  # type: ignore[attr-defined]
    previous = previous_numbers([(k, v) for k, v in signed.items()])
    amended_sel = [s for s in everything if s.clause.id != fourth]
    amended = _labels(
        number(library.titres, amended_sel, previous, titre_of)  # type: ignore[attr-defined]
    )
    assert amended[first] == "Article 1"
    assert amended[second] == "Article 2" == signed[fourth]  # in the place of the removed one
    assert amended[third] == "Article 2 bis"
    assert amended[numbered_ids[4]] == "Article 3"
    # A removed article of another titre never gives its place to a new one.
    other = {**titre_of, fourth: "annexes"}
    amended = _labels(
        number(library.titres, amended_sel, previous, other)  # type: ignore[attr-defined]
    )
    assert amended[second] == "Article 1 bis" and "Article 2" not in amended.values()
