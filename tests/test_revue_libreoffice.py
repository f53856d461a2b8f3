"""The way back from LibreOffice (issue #17, item 5): a built contract is edited in LibreOffice
itself, change recording on, through its UNO API (tests/office_edit.py) — words replaced in
three articles, a paragraph deleted, a number of places changed in an article, an amount
changed in an annex table, a table row inserted, two comments — and saved as .docx as
LibreOffice writes it (its own runs, bookmarks, page breaks and revision marks). The review
places each change in its article, table cell or data field with its author; the data changes
and the changes of literal clause text applied (contract.yaml, stipulations) and the contract
rebuilt, its text is the returned one with those changes accepted."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import subprocess
from pathlib import Path

import pytest
from test_revue import by_article

from assemble.pipeline import build_contract, write_review
from assemble.project import Project
from assemble.render.office import office
from assemble.render.ooxml import read_part
from assemble.review.returned import Paragraph, paragraphs, read_returned
from assemble.review.review import Review, review_file
from assemble.review.values import plain

from conftest import copy_project

CONTRACT = "association-bocage"
AUTHOR = "Département de la Mayenne"
TODAY = dt.date(2026, 12, 3)
EDITOR = Path(__file__).with_name("office_edit.py")
COMITE = "Le comité de suivi se réunit au moins"
EDITS: list[dict[str, object]] = [
    {"op": "replace", "paragraph": COMITE, "old": "une fois", "new": "deux fois"},
    {"op": "comment", "paragraph": COMITE, "anchor": "deux fois", "text": "Rythme du schéma."},
    {
        "op": "replace",
        "paragraph": "La dénonciation est notifiée",
        "old": "six mois",
        "new": "trois mois",
    },
    {"op": "delete-paragraph", "paragraph": "La désignation d'un administrateur provisoire"},
    {
        "op": "insert-paragraph",
        "paragraph": "La dénonciation produit les effets",
        "text": "Les parties peuvent convenir d'un préavis plus court.",
    },
    {
        "op": "replace",
        "paragraph": "Le présent contrat peut être révisé",
        "old": "de l'une des parties",
        "new": "de l'une ou l'autre des parties",
        "tracked": False,
    },
    {
        "op": "replace",
        "paragraph": "SAVS « Les Chênes du Bocage » (Laval), FINESS",
        "old": "45 places",
        "new": "48 places",
    },
    {"op": "replace", "paragraph": "186,40 €", "old": "186,40", "new": "190,00"},
    {
        "op": "insert-row",
        "paragraph": "Aménagement de deux chambres",
        "cells": [
            "Mise aux normes de la cuisine",
            "Foyer de vie « Le Grand Chêne »",
            "2029",
            "45 000,00 €",
            "autofinancement",
        ],
    },
    {
        "op": "comment",
        "paragraph": "Le dialogue de gestion donne lieu",
        "anchor": "dans un délai d'un mois",
        "text": "Délai à confirmer.",
    },
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("revue-lo"), [CONTRACT])
    build_contract(project, CONTRACT)
    return project


@pytest.fixture(scope="module")
def returned_file(
    built: Project, tmp_path_factory: pytest.TempPathFactory, office_profile: Path
) -> Path:
    """The built .docx edited by one LibreOffice run, every edit of this module in it."""
    found = office()
    if isinstance(found, str):
        pytest.skip(f"{found} : retour par LibreOffice sauté")
    soffice, python = found
    folder = tmp_path_factory.mktemp("retour-lo")
    target = folder / "retour-departement.docx"
    spec = {
        "source": str(built.build / CONTRACT / f"{CONTRACT}.docx"),
        "target": str(target),
        "author": AUTHOR,
        "edits": EDITS,
    }
    (folder / "edits.json").write_text(json.dumps(spec), encoding="utf-8")
    command = [python, str(EDITOR), soffice, office_profile.as_uri()]
    done = subprocess.run(
        [*command, str(folder / "edits.json")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(json.loads(done.stdout)) == len(EDITS)
    return target


@pytest.fixture(scope="module")
def review(built: Project, returned_file: Path) -> Review:
    return review_file(built, CONTRACT, returned_file)


def test_the_file_is_libreoffice_s_own(returned_file: Path) -> None:
    app = read_part(returned_file.read_bytes(), "docProps/app.xml")
    assert "LibreOffice" in "".join(app.itertext())


def test_each_change_is_placed_in_its_article(review: Review) -> None:
    assert by_article(review) == {
        "perimetre": ["modification: 45 places → 48 places"],
        "comite-de-suivi": ["modification: une fois → deux fois"],
        "denonciation": [
            "modification: six mois → trois mois",
            "paragraphe inséré:  → Les parties peuvent convenir d'un préavis plus court.",
        ],
        "revision": ["modification:  →  ou l'autre"],
        "resiliation": [
            "paragraphe supprimé: La désignation d'un administrateur provisoire dans les "
            "conditions de l'article L. 313-14-1 du code de l'action sociale et des familles "
            "ne met pas fin au contrat. → "
        ],
        "annexe-investissements": [
            "ligne insérée:  → Mise aux normes de la cuisine | Foyer de vie « Le Grand Chêne » "
            "| 2029 | 45 000,00 € | autofinancement"
        ],
        "annexe-financiere": ["modification: 186,40 → 190,00"],
    }
    tracked = [t for t in review.traces if t.change.tracked]
    assert {t.change.author for t in tracked} == {AUTHOR}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+Z", t.change.date or "") for t in tracked)
    untracked = [t.article for t in review.traces if not t.change.tracked]
    assert [a.key for a in untracked if a is not None] == ["revision"]
    row = next(t.change.place for t in review.traces if t.change.kind == "ligne insérée")
    assert (row.row, row.column) == (4, 1)  # below the two operations, above the total


def test_data_changes_name_the_field_and_the_new_value(review: Review) -> None:
    data = {t.value.field: t for t in review.data_changes() if t.value is not None}
    assert set(data) == {
        "etablissements[1].capacites[0].places",
        "etablissements[0].financements[0].prix_de_journee.tarif",
        "options.denonciation.preavis_mois",  # « six mois » printed from the data, in words
    }
    notice = data["options.denonciation.preavis_mois"]
    assert notice.new_value == 3 and notice.line == 110
    places = data["etablissements[1].capacites[0].places"]
    assert places.new_value == 48 and places.line == 79
    tarif = data["etablissements[0].financements[0].prix_de_journee.tarif"]
    assert str(tarif.new_value) == "190.00" and tarif.line == 68
    assert tarif.path is not None and tarif.path.name == "contract.yaml"
    cell = tarif.change.place
    assert (cell.article, cell.row, cell.column) == ("tarifs", 2, 4)


def test_text_changes_name_the_clause_line(review: Review) -> None:
    expected = {
        "deux fois": "une fois par an",
        "": "administrateur",
        " ou l'autre": "à la demande de l'une des parties",
    }
    for trace in review.traces:
        if trace.data:
            continue
        assert trace.path is not None and trace.line is not None, trace.change
        assert trace.article is not None and trace.path.stem.endswith(trace.article.clause_id)
        if trace.change.kind in ("ligne insérée", "paragraphe inséré"):
            continue  # no text sent there: the article's clause is all there is to name
        source = trace.path.read_text(encoding="utf-8").splitlines()[trace.line - 1]
        assert expected[trace.change.new] in source, (trace.change, source)


def test_comments_keep_author_and_anchor(review: Review) -> None:
    found = {(c.place.marks[-1], plain(c.anchor), c.text, c.author) for c in review.comments}
    assert found == {
        ("comite-de-suivi", "deux fois", "Rythme du schéma.", AUTHOR),
        ("dialogue-de-gestion", "dans un délai d'un mois", "Délai à confirmer.", AUTHOR),
    }


def _texts(paragraphs: list[Paragraph]) -> list[str]:
    return [plain(p.text) for p in paragraphs]


def test_apply_then_rebuild_gives_the_returned_text(
    built: Project, returned_file: Path, tmp_path: Path
) -> None:
    project = copy_project(tmp_path, [CONTRACT])
    data = project.contracts / CONTRACT / "contract.yaml"
    before = data.read_text(encoding="utf-8").splitlines()
    review, outputs = write_review(project, CONTRACT, returned_file, TODAY, apply=True)
    # The words changed in the comité and révision articles and the paragraph deleted in the
    # résiliation are literal clause text: each becomes a stipulation. The dénonciation's
    # « six mois » is printed from the data by a filter, a paragraph is inserted there, a row
    # in the investments annex: those articles are left to the drafter.
    written = {p.stem for p in outputs.stipulations}
    assert written == {"comite-de-suivi", "revision", "resiliation"}
    left = {m.trace.article.clause_id for m in outputs.manual if m.trace.article}
    assert left == {"denonciation", "annexe-investissements"}
    after = data.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "        prix_de_journee: {tarif: 186.40, journees: 14235}",
            "        prix_de_journee: {tarif: 190.00, journees: 14235}",
        ),
        ("      - {type: places, places: 45}", "      - {type: places, places: 48}"),
        ("    preavis_mois: 6", "    preavis_mois: 3"),
    ]
    rebuilt = paragraphs(read_part(build_contract(project, CONTRACT).docx.read_bytes()))
    returned = read_returned(returned_file.read_bytes(), returned_file)
    # The returned text with the changes applied accepted and the others refused…
    expected = _texts(list(review.sent))
    applied = [t for t in review.traces if t.article and t.article.clause_id in written]
    for trace in [*review.data_changes(), *applied]:
        change = trace.change
        at = expected.index(plain(change.text))
        if change.kind == "paragraphe supprimé":
            del expected[at]
            continue
        expected[at] = plain(change.text[: change.start] + change.new + change.text[change.end :])
        assert expected[at] in _texts(list(returned.returned))  # as LibreOffice saved it
    # … is the rebuilt text, but for the totals and amounts computed from the changed values.
    differences = []
    matcher = difflib.SequenceMatcher(a=expected, b=_texts(rebuilt), autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            differences += list(zip(expected[a1:a2], _texts(rebuilt)[b1:b2], strict=True))
    assert differences, "the totals follow the changed values"
    for old, new in differences:
        assert _numbers_only(old, new), (old, new)
    assert any("94 places" in new for _, new in differences)  # 91 + 3 places at the SAVS


def _numbers_only(old: str, new: str) -> bool:
    """Whether two texts differ only in numbers (derived totals and amounts)."""
    digits = re.compile(r"[\d ,.\u2212-]+")
    return digits.sub("#", old) == digits.sub("#", new)
