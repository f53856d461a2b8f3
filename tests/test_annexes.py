"""Annexes are generated from data, and every total in them matches the data."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from assemble.compose.document import Document
from assemble.contract.facts import derive
from assemble.contract.financing import annual_amount
from assemble.contract.load import LoadedContract
from assemble.library.clauses import Library
from assemble.lifecycle.stages import assemble
from assemble.project import Project

from conftest import ROOT

CONTRACTS = Project(ROOT).contract_ids()
PLACEHOLDERS = re.compile(r"\b(TODO|XXX|FIXME|TBD|lorem|ipsum)\b|à compléter|\?\?\?", re.I)


def _tables(markdown: str) -> list[list[list[str]]]:
    """Pipe tables of a Markdown text, as rows of cells (separator lines left out)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in markdown.split("\n") + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|[:\- |]+\|", line):
                current.append([cell.strip(" *") for cell in line.strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def _euros(cell: str) -> Decimal:
    digits = cell.replace("\u202f", "").replace("\u00a0", "").replace("€", "").replace(",", ".")
    return Decimal(digits.strip("* "))


def _column_sums_match_total_row(table: list[list[str]], columns: range) -> None:
    body, total = table[1:-1], table[-1]
    for column in columns:
        assert sum(_euros(row[column]) for row in body) == _euros(total[column]), table[0][column]


@pytest.fixture(scope="module", params=CONTRACTS)
def contract(request: pytest.FixtureRequest, library: Library) -> tuple[LoadedContract, Document]:
    return assemble(Project(ROOT), request.param, library)


def _legacy(doc: Document, annex: str = "annexe-financiere") -> bool:
    """A draft pinned to the first version of an annex (the signed sample's avenant)."""
    return doc.article(annex).version == 1


def _annual(loaded: LoadedContract) -> Decimal:
    """The first exercice's total: the data's amounts, or for a version consolidated after an
    avenant its schedule's (a new service opening during that exercice is prorated)."""
    if loaded.echeancier is not None:
        return derive(loaded.data, loaded.echeancier).total_dotation
    return sum(
        (
            annual_amount(f) or Decimal(0)
            for e in loaded.data.etablissements
            for f in e.financements
        ),
        Decimal(0),
    )


def test_establishments_annex_totals(contract: tuple[LoadedContract, Document]) -> None:
    data, doc = contract[0].data, contract[1]
    tables = _tables(doc.article("annexe-etablissements").body)
    places = sum(c.places for e in data.etablissements for c in e.capacites)
    establishments = tables[0]
    assert len(establishments) == len(data.etablissements) + 2  # header and total
    assert establishments[-1][3] == f"{places} places".replace(" places", " places")
    if _legacy(doc, "annexe-etablissements"):
        expected = _annual(contract[0])
        _column_sums_match_total_row(establishments, range(5, 6))
        assert _euros(establishments[-1][5]) == expected
    for table in tables[1:]:  # by category, then by département when there are several
        # A service at home authorised without places shows « – », never « 0 ».
        counts = [row[2].replace("\u202f", "") for row in table[1:-1]]
        assert "0" not in counts
        assert sum(int(c) for c in counts if c != "–") == places
        if _legacy(doc, "annexe-etablissements"):
            _column_sums_match_total_row(table, range(3, 4))
    if not _legacy(doc, "annexe-etablissements"):
        # No amount at all: an establishment's money comes from several funders and envelopes,
        # which are never added together (annexe financière).
        assert "€" not in doc.article("annexe-etablissements").body


def test_financial_annex_totals(contract: tuple[LoadedContract, Document]) -> None:
    loaded, doc = contract
    data = loaded.data
    tables = _tables(doc.article("annexe-financiere").body)
    if _legacy(doc):
        years = len(tables[0][0]) - 1
        for table in tables:
            _column_sums_match_total_row(table, range(1, years + 1))
        assert _euros(tables[-1][-1][1]) == _annual(loaded)
        rate = 1 + data.options.taux_actualisation / 100
        first_row = tables[0][1]
        assert _euros(first_row[2]) == (_euros(first_row[1]) * rate).quantize(Decimal("0.01"))
        return
    facts = derive(data, loaded.echeancier)  # a consolidated version: its schedule's amounts
    groups = tables[: len(facts.enveloppes)]
    for table, group in zip(groups, facts.enveloppes, strict=True):
        years = len(table[0]) - 2
        _column_sums_match_total_row(table, range(2, years + 2))
        assert len(table) == len(group.lignes) + 2
        assert [_euros(c) for c in table[-1][2:]] == list(group.totaux)
    # Every amount of every financement appears once, in its envelope's table.
    rows = sum(len(t) - 2 for t in groups)
    assert rows == len([r for r in facts.financements if r.annuel is not None])


def test_head_office_fees_annex(contract: tuple[LoadedContract, Document]) -> None:
    data, doc = contract[0].data, contract[1]
    fees = data.options.frais_de_siege
    ids = {a.clause_id for a in doc.articles()}
    if fees.modalite == "aucun" or not any(
        e.quote_part_frais_de_siege for e in data.etablissements
    ):
        assert "annexe-frais-de-siege" not in ids
        return
    [table] = _tables(doc.article("annexe-frais-de-siege").body)
    body = table[1:-1]
    priced = [row for row in body if "€" in row[2]]
    assert sum(_euros(row[2]) for row in priced) == _euros(table[-1][2]) == fees.montant_annuel
    shares = [Decimal(row[3].replace("\u00a0%", "").replace(",", ".")) for row in priced]
    assert abs(sum(shares, Decimal(0)) - 100) <= Decimal("0.05")
    if not _legacy(doc, "annexe-frais-de-siege"):
        # Every establishment is listed: its share, or the statement that it bears none.
        assert len(body) == len(data.etablissements)
        assert all(row in priced or row[2] == "aucune quote-part" for row in body)


def test_investment_annex(contract: tuple[LoadedContract, Document]) -> None:
    data, doc = contract[0].data, contract[1]
    [table] = _tables(doc.article("annexe-investissements").body)
    assert len(table) == len(data.investissements) + 2
    _column_sums_match_total_row(table, range(3, 4))
    if data.options.investissement.modalite == "ppi":
        _column_sums_match_total_row(table, range(5, 6))


def test_fiches_and_dashboard_cover_every_objective(
    contract: tuple[LoadedContract, Document],
) -> None:
    data, doc = contract[0].data, contract[1]
    fiches = doc.article("annexe-fiches-objectifs").body
    objectives = [o for axe in data.axes for o in axe.objectifs]
    assert fiches.count("\n## Fiche ") == len(objectives)
    for heading in (
        "Contexte",
        "Problématique",
        "Enjeux et risques",
        "Actions",
        "Mise en œuvre",
        "Calendrier",
        "Moyens",
        "Indicateurs de suivi",
    ):
        assert fiches.count(f". {heading}.**") == len(objectives), heading
    [dashboard] = _tables(doc.article("annexe-tableau-de-bord").body)
    indicators = [i for o in objectives for i in o.indicateurs]
    assert len(dashboard) == len(indicators) + 1
    assert dashboard[0][3:-1] == [
        str(y)
        for y in range(
            data.contrat.date_effet.year, data.contrat.date_effet.year + len(dashboard[0]) - 4
        )
    ]


def test_member_annexes_add_up_to_the_contract(library: Library) -> None:
    loaded, doc = assemble(Project(ROOT), "gcsms-estuaire", library)
    annexes = [a for a in doc.articles() if a.clause_id == "annexe-membre"]
    paid = Decimal(0)
    for annex in annexes:
        [table] = _tables(annex.body)
        members = [row for row in table[1:-1]]
        assert len(members) == sum(
            1 for e in loaded.data.etablissements if e.membre == annex.instance
        )
        # One line per funder and envelope, « versés directement » to the member.
        amounts = re.findall(r"crédits[^:]*: ([\d\u202f]+,\d\d\u00a0€)", annex.body)
        paid += sum((_euros(a) for a in amounts), Decimal(0))
    assert paid == _annual(loaded)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "clauses").rglob("*.md")) + sorted((ROOT / "contracts").rglob("*.yaml")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_placeholder_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = PLACEHOLDERS.search(text)
    assert found is None, f"texte provisoire « {found.group()} »" if found else ""
