"""Provenance down to the words: every run of an article's Markdown is traced to the data value
(its YAML path and line) or the clause line (id, version, variant) that produced it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from assemble.compose.composer import _tidy
from assemble.compose.document import Article, Document, Origin
from assemble.compose.spans import tidy
from assemble.compose.templating import ClauseRenderer, Source
from assemble.lifecycle.stages import Draft, compose_draft
from assemble.project import Project

from conftest import ROOT, SAMPLE


@pytest.fixture(scope="module")
def draft() -> Draft:
    """The sample's draft, composed from the repository as it stands (nothing written)."""
    return compose_draft(Project(ROOT), SAMPLE)


def _line(path: Path, line: int | None) -> str:
    assert line is not None
    return path.read_text(encoding="utf-8").split("\n")[line - 1]


def _data_span(article: Article, data_path: str) -> tuple[str, Origin]:
    for span in article.spans:
        if span.origin.from_data and span.origin.data_path == data_path:
            return article.body[span.start : span.end], span.origin
    raise AssertionError(f"{data_path} absent de {article.key}")


def test_spans_cover_every_article_exactly(draft: Draft) -> None:
    for article in draft.document.articles():
        for spans, text in (
            (article.spans, article.body),
            (article.heading_spans, article.heading),
        ):
            assert spans, article.key
            assert spans[0].start == 0 and spans[-1].end == len(text)
            assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))


def test_a_capacity_traced_to_its_places(draft: Draft) -> None:
    article = draft.document.article_by_key()["perimetre"]
    printed, origin = _data_span(article, "etablissements[0].capacites[1].places")
    assert printed == "36"
    assert origin.path == draft.contract.path
    assert _line(origin.path, origin.line).strip() == "- {type: semi_internat, places: 36}"
    # the words around the value are the clause's, on the line of the list item
    where = article.body.index("36 places en semi-internat")
    after = draft.document.origin_at("perimetre", where + 3)
    assert after is not None and after.kind == "clause" and after.clause_id == "perimetre"


def test_an_amount_a_date_and_a_name_traced_to_their_yaml_keys(draft: Draft) -> None:
    articles = draft.document.article_by_key()
    amount, origin = _data_span(articles["frais-de-siege"], "options.frais_de_siege.montant_annuel")
    assert amount == "271\u202f800,00\u00a0€"
    assert _line(origin.path, origin.line).strip() == "montant_annuel: 271800.00"
    date, origin = _data_span(articles["duree"], "contrat.date_effet")
    assert date == "1er\u00a0janvier 2027"
    assert _line(origin.path, origin.line).strip() == "date_effet: 2027-01-01"
    name, origin = _data_span(articles["perimetre"], "organisme.raison_sociale")
    assert name == "l'Association Horizons"  # printed by the filter le, from the name
    assert _line(origin.path, origin.line).strip() == "raison_sociale: Association Horizons"


def test_a_clause_sentence_traced_to_its_file_line_and_variant(draft: Draft) -> None:
    article = draft.document.article_by_key()["frais-de-siege"]
    assert article.variant is not None
    clause_spans = [s for s in article.spans if not s.origin.from_data]
    longest = max(clause_spans, key=lambda s: s.end - s.start)
    # A clause span may hold the output of an expression ({{ qui }}) beside the literal
    # words of its line: four words in a row of it stand on that line.
    words = article.body[longest.start : longest.end].split()
    origin = article.origin_at(longest.start + 1)
    assert origin is not None and origin is longest.origin
    assert (origin.clause_id, origin.version, origin.variant) == (
        "frais-de-siege",
        article.version,
        article.variant,
    )
    assert origin.path == article.source
    line = " ".join(_line(origin.path, origin.line).split())
    runs = [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]
    assert runs and any(run in line for run in runs), (runs[:3], line)
    assert str(origin).startswith(f"clause « frais-de-siege » v{article.version}, variante")


def test_origin_at_by_article_number(draft: Draft) -> None:
    document: Document = draft.document
    numbered = next(a for a in document.articles() if a.number == 2)
    for span in numbered.spans:
        assert document.origin_at(2, span.start) is span.origin
    assert document.origin_at(2, len(numbered.body) + 10) is None
    with pytest.raises(KeyError):
        document.origin_at(999, 0)
    # a body rewritten after composing (quoted in an avenant) no longer answers from the spans
    rewritten = dataclasses.replace(numbered, body=numbered.body + "Ajout.\n")
    assert rewritten.origin_at(0) is None and rewritten.traced() == ()


class _Party(BaseModel):
    nom: str
    places: int
    montant: Decimal
    debut: dt.date


class _Data(BaseModel):
    organisme: _Party
    autres: list[_Party]


def test_escaped_values_are_traced_whole_and_the_text_is_unchanged() -> None:
    data = _Data(
        organisme=_Party(
            nom="A*B {{ x }}", places=12, montant=Decimal("1500"), debut=dt.date(2027, 1, 1)
        ),
        autres=[_Party(nom="C_D", places=3, montant=Decimal(0), debut=dt.date(2027, 7, 1))],
    )
    renderer = ClauseRenderer()
    renderer.trace(data)
    source = Source(
        "Nom : {{ o.nom }} ({{ o.places | nombre_lettres }} places),\n"
        "{% for a in autres %}\n- {{ a.nom }} dès le {{ a.debut | date }} ;\n{% endfor %}\n"
        "Total : {{ (o.montant + 1) | montant }}.\n",
        Path("clause.md"),
        10,
    )
    context = {"o": data.organisme, "autres": data.autres}
    text, origins = renderer.render_traced("essai", source, context)
    assert text == (
        "Nom : A\\*B \\{\\{ x \\}\\} (douze places),\n"
        "- C\\_D dès le 1er\u00a0juillet 2027 ;\n"
        "Total : 1\u202f501,00\u00a0€.\n"
    )
    by_char = dict(zip(range(len(text)), origins, strict=True))
    start = text.index("A\\*B")
    assert {by_char[i] for i in range(start, start + len("A\\*B \\{\\{ x \\}\\}"))} == {
        ("donnee", ("organisme", "nom"))
    }
    assert by_char[text.index("douze")] == ("donnee", ("organisme", "places"))
    assert by_char[text.index("C\\_D")] == ("donnee", ("autres", 0, "nom"))
    assert by_char[text.index("1er\u00a0juillet")] == ("donnee", ("autres", 0, "debut"))
    assert by_char[text.index("Total")] == ("ligne", 5)
    assert by_char[text.index("1\u202f501")] == ("ligne", 5)  # computed: the expression's line
    assert by_char[text.index("dès le")] == ("ligne", 3)


@given(st.text(alphabet=" \t\nab\u00a0", max_size=60))
def test_tidy_keeps_each_character_with_its_origin(text: str) -> None:
    tidied, origins = tidy(text, [("ligne", i) for i in range(len(text))])
    assert tidied == _tidy(text)
    assert len(origins) == len(tidied)
    # every character but the final newline (added, with the last one's origin) is one of
    # the text's, at the place its origin names
    for char, origin in zip(tidied[:-1], origins[:-1], strict=True):
        assert origin is not None and text[origin[1]] == char
