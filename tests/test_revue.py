"""The way back from Word (issue #17): a built contract returned with changes made as Word
writes them — tracked runs, a deleted paragraph, an inserted table row, comments, an amount
changed in an annex table, an edit made without tracking — is reviewed, each change placed in
its article and traced to what produced it; the data changes are applied and the rebuilt
contract reads as the returned one with those changes accepted."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from assemble.cli import main
from assemble.pipeline import build_contract, write_review
from assemble.project import Project
from assemble.render.ooxml import Element, w
from assemble.review.apply import Edit, apply_edits
from assemble.review.returned import paragraphs, read_returned
from assemble.review.review import Review, review_file
from assemble.review.values import plain

from conftest import copy_project

CONTRACT = "chrs-gironde"
AUTHOR = "Préfecture de la Gironde"
DATE = "2026-12-02T09:30:00Z"
TODAY = dt.date(2026, 12, 3)


# --- editing a document.xml as Word does ------------------------------------------------------


def _paragraph(root: Element, starts: str) -> Element:
    for p in root.iter(w("p")):
        if plain("".join(t.text or "" for t in p.iter(w("t")))).startswith(starts):
            return p
    raise AssertionError(f"no paragraph starts with {starts!r}")


def _revision(tag: str, ident: int) -> Element:
    mark = etree.Element(w(tag))
    mark.set(w("id"), str(ident))
    mark.set(w("author"), AUTHOR)
    mark.set(w("date"), DATE)
    return mark


def _split_run(paragraph: Element, old: str) -> tuple[Element, Element]:
    """Split the run holding `old` into before / old / after; return the old run and its
    parent position."""
    for t in paragraph.iter(w("t")):
        text = t.text or ""
        at = plain(text).find(old)
        if at < 0:
            continue
        run = t.getparent()
        pieces = [text[:at], text[at : at + len(old)], text[at + len(old) :]]
        made = []
        for piece in pieces:
            clone = copy.deepcopy(run)
            clone.find(w("t")).text = piece
            clone.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            made.append(clone)
        for clone in made:
            run.addprevious(clone)
        run.getparent().remove(run)
        return made[1], made[2]
    raise AssertionError(f"no run holds {old!r}")


def tracked_replace(root: Element, starts: str, old: str, new: str, ident: int) -> None:
    """Replace `old` by `new` in a paragraph as Word tracks it: w:del then w:ins."""
    run, _ = _split_run(_paragraph(root, starts), old)
    deleted = _revision("del", ident)
    inserted = _revision("ins", ident + 1)
    run.addprevious(deleted)
    added = copy.deepcopy(run)
    added.find(w("t")).text = new
    run.find(w("t")).tag = w("delText")
    deleted.append(run)
    deleted.addnext(inserted)
    inserted.append(added)


def tracked_delete_paragraph(root: Element, starts: str, ident: int) -> None:
    """Delete a whole paragraph, its mark included (w:pPr/w:rPr/w:del)."""
    paragraph = _paragraph(root, starts)
    for run in list(paragraph.iter(w("r"))):  # hyperlinks' runs too
        deleted = _revision("del", ident)
        ident += 1
        run.addprevious(deleted)
        deleted.append(run)
        for t in run.iter(w("t")):
            t.tag = w("delText")
    properties = paragraph.find(w("pPr"))
    rpr = properties.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(properties, w("rPr"))
    rpr.insert(0, _revision("del", ident))


def tracked_insert_row(root: Element, starts: str, first: str, ident: int) -> None:
    """Insert, after the row whose first cell starts with `starts`, a copy of it whose first
    cell reads `first`, as Word tracks it (w:trPr/w:ins, its runs in w:ins)."""
    row = _paragraph(root, starts).getparent().getparent()
    added = copy.deepcopy(row)
    properties = added.find(w("trPr"))
    if properties is None:
        properties = etree.Element(w("trPr"))
        added.insert(0, properties)
    properties.append(_revision("ins", ident))
    for column, cell in enumerate(added.iter(w("tc"))):
        for p in cell.iter(w("p")):
            runs = [r for r in p if r.tag == w("r")]
            if column == 0:
                for extra in runs[1:]:
                    p.remove(extra)
                runs[0].find(w("t")).text = first
                runs = runs[:1]
            for run in runs:
                wrapper = _revision("ins", ident + 1)
                run.addprevious(wrapper)
                wrapper.append(run)
    row.addnext(added)


def comment(root: Element, notes: Element, starts: str, anchor: str, text: str, ident: int) -> None:
    """A comment on `anchor` (commentRangeStart/End, commentReference, word/comments.xml)."""
    run, after = _split_run(_paragraph(root, starts), anchor)
    start = etree.Element(w("commentRangeStart"))
    start.set(w("id"), str(ident))
    run.addprevious(start)
    end = etree.Element(w("commentRangeEnd"))
    end.set(w("id"), str(ident))
    run.addnext(end)
    reference = etree.Element(w("r"))
    etree.SubElement(reference, w("commentReference")).set(w("id"), str(ident))
    end.addnext(reference)
    note = etree.SubElement(notes, w("comment"))
    for key, value in (("id", str(ident)), ("author", AUTHOR), ("date", DATE)):
        note.set(w(key), value)
    etree.SubElement(etree.SubElement(note, w("p")), w("r")).append(etree.Element(w("t")))
    note.find(f"{w('p')}/{w('r')}/{w('t')}").text = text


def untracked_replace(root: Element, starts: str, old: str, new: str) -> None:
    run, _ = _split_run(_paragraph(root, starts), old)
    run.find(w("t")).text = new


def edit_docx(data: bytes, edit: Callable[[Element, Element], None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    notes = etree.fromstring(source.read("word/comments.xml"))
    edit(root, notes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            elif info.filename == "word/comments.xml":
                content = etree.tostring(notes, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, content)
    return out.getvalue()


def word_edits(root: Element, notes: Element) -> None:
    """The authority's round: three articles, an annex amount, a row, an untracked edit."""
    tracked_replace(root, "Le comité de suivi se réunit au moins", "une fois", "deux fois", 901)
    comment(
        root, notes, "Le comité de suivi se réunit au moins", "deux fois", "Rythme du SDAHI.", 951
    )
    tracked_delete_paragraph(root, "La dénonciation produit les effets prévus", 911)
    tracked_replace(root, "Pour les exercices suivants, la dotation", "évolue", "progresse", 921)
    comment(
        root, notes, "L'organisme gestionnaire s'engage à mettre", "s'engage", "À préciser.", 952
    )
    tracked_replace(root, "1 232 000,00", "1 232 000,00", "1 250 000,00", 931)
    tracked_insert_row(root, "Aménagement d'une cuisine", "Réfection des toitures", 941)
    untracked_replace(root, "CHRS « L'Estran » (Bordeaux), FINESS", "64 places", "66 places")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("revue"), [CONTRACT])
    build_contract(project, CONTRACT)
    return project


@pytest.fixture(scope="module")
def returned_file(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sent = (built.build / CONTRACT / f"{CONTRACT}.docx").read_bytes()
    path = tmp_path_factory.mktemp("retour") / "retour-prefecture.docx"
    path.write_bytes(edit_docx(sent, word_edits))
    return path


@pytest.fixture(scope="module")
def review(built: Project, returned_file: Path) -> Review:
    return review_file(built, CONTRACT, returned_file)


# --- the review -------------------------------------------------------------------------------


def by_article(review: Review) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for trace in review.traces:
        key = trace.article.key if trace.article is not None else "non placée"
        found.setdefault(key, []).append(
            f"{trace.change.kind}: {plain(trace.change.old)} → {plain(trace.change.new)}"
        )
    return found


def test_each_change_is_placed_in_its_article(review: Review) -> None:
    assert by_article(review) == {
        "perimetre": ["modification: 64 → 66"],
        "financement-chrs": ["modification: évolue → progresse"],
        "comite-de-suivi": ["modification: une fois → deux fois"],
        "denonciation": [
            "paragraphe supprimé: La dénonciation produit les effets prévus à l'article 22. → "
        ],
        "annexe-investissements": [
            "ligne insérée:  → Réfection des toitures | CHRS « L'Estran » | 2028 | 86 000,00 € | "
            "autofinancement et subvention de l'État"
        ],
        "annexe-financiere": ["modification: 1 232 000,00 → 1 250 000,00"],
    }
    tracked = [t for t in review.traces if t.change.tracked]
    assert {t.change.author for t in tracked} == {AUTHOR}
    assert [t.change.kind for t in review.traces if not t.change.tracked] == ["modification"]


def test_data_changes_name_the_field_and_the_new_value(review: Review) -> None:
    data = {t.value.field: t for t in review.data_changes() if t.value is not None}
    assert set(data) == {
        "etablissements[0].capacites[0].places",
        "etablissements[0].financements[0].dotation",
    }
    places = data["etablissements[0].capacites[0].places"]
    assert places.new_value == 66 and places.path is not None
    assert places.path.name == "contract.yaml" and places.line == 52
    amount = data["etablissements[0].financements[0].dotation"]
    assert str(amount.new_value) == "1250000.00" and amount.line == 55
    cell = amount.change.place
    assert (cell.table, cell.row, cell.column) == (1, 2, 3)


def test_text_changes_name_the_clause_line(review: Review, built: Project) -> None:
    clause = next(t for t in review.traces if t.change.new == "deux fois")
    assert clause.article is not None and clause.article.clause_id == "comite-de-suivi"
    assert clause.path is not None and clause.line is not None
    source = clause.path.read_text(encoding="utf-8").splitlines()[clause.line - 1]
    assert "une fois par an" in source


def test_comments_keep_author_and_anchor(review: Review) -> None:
    found = {(c.place.marks[-1], plain(c.anchor), c.text, c.author) for c in review.comments}
    assert ("comite-de-suivi", "deux fois", "Rythme du SDAHI.", AUTHOR) in found
    assert ("engagements", "s'engage", "À préciser.", AUTHOR) in found


def test_report_lists_every_change_by_article(built: Project, returned_file: Path) -> None:
    review, outputs = write_review(built, CONTRACT, returned_file, TODAY)
    md = outputs.report[0].read_text(encoding="utf-8")
    page = outputs.report[1].read_text(encoding="utf-8")
    assert outputs.report[0].name == "revue-2026-12-03.md"
    assert "## Article 15 – Comité de suivi" in md
    assert "modifier la donnée etablissements[0].financements[0].dotation" in md
    assert "Rythme du SDAHI." in md and "clauses/05-titre-IV-suivi/20-comite-de-suivi.md:" in md
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "src=" not in page
    assert "<del>une fois</del> → <ins>deux fois</ins>" in page
    assert not outputs.edits  # nothing applied without --appliquer


def test_apply_then_rebuild_gives_the_returned_text(
    built: Project, returned_file: Path, tmp_path: Path
) -> None:
    project = copy_project(tmp_path, [CONTRACT])
    data = project.contracts / CONTRACT / "contract.yaml"
    before = data.read_text(encoding="utf-8").splitlines()
    review, outputs = write_review(project, CONTRACT, returned_file, TODAY, apply=True)
    after = data.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "      - {type: hebergement_permanent, places: 64}",
            "      - {type: hebergement_permanent, places: 66}",
        ),
        ("        dotation: 1232000.00", "        dotation: 1250000.00"),
    ]
    rebuilt = build_contract(project, CONTRACT)
    texts = paragraphs(etree.fromstring(zipfile.ZipFile(rebuilt.docx).read("word/document.xml")))
    for trace in review.data_changes():
        change = trace.change
        accepted = plain(change.text[: change.start] + change.new + change.text[change.end :])
        at = [plain(p.text) for p in texts if p.place == change.place]
        assert accepted in at, (accepted, at[:3])
    returned = read_returned(returned_file.read_bytes(), returned_file)
    for trace in review.data_changes():
        same_place = [plain(p.text) for p in returned.returned if p.place == trace.change.place]
        assert any(plain(p.text) in same_place for p in texts if p.place == trace.change.place)


def test_apply_refuses_a_value_changed_since(tmp_path: Path) -> None:
    text = "a:\n  # kept\n  b: 12  # here\n"
    edit = Edit(("a", "b"), "a.b", 13, 14)
    with pytest.raises(Exception) as caught:
        apply_edits(text, tmp_path / "contract.yaml", CONTRACT, [edit])
    assert "review.apply-stale" in str(getattr(caught.value, "problems", [caught.value])[0])


def test_cli_review_and_its_errors(
    built: Project, returned_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ["--racine", str(built.root)]
    assert main([*root, "review", CONTRACT, str(returned_file)]) == 0
    shown = capsys.readouterr().out
    assert "Article 15 – Comité de suivi : 2" in shown and "revue-" in shown
    sent = built.build / CONTRACT / f"{CONTRACT}.docx"
    assert main([*root, "review", CONTRACT, str(sent)]) == 0
    assert "revenu tel quel" in capsys.readouterr().out
    pdf = tmp_path / "retour.docx"
    pdf.write_bytes(b"%PDF-1.7 not a docx")
    assert main([*root, "review", CONTRACT, str(pdf)]) == 1
    assert "[review.not-docx]" in capsys.readouterr().err
    broken = tmp_path / "casse.docx"
    broken.write_bytes(returned_file.read_bytes()[:3000])
    assert main([*root, "review", CONTRACT, str(broken)]) == 1
    assert "[review.corrupt]" in capsys.readouterr().err
    other = tmp_path / "autre.docx"
    other.write_bytes(_with_reference(returned_file.read_bytes(), "CPOM-AUTRE-2027"))
    assert main([*root, "review", CONTRACT, str(other)]) == 1
    message = capsys.readouterr().err
    assert "[review.other-contract]" in message and "CPOM-AUTRE-2027" in message


def _with_reference(data: bytes, reference: str) -> bytes:
    return with_properties(
        data, lambda xml: xml.replace(b"CPOM-AHI-33-2027-002", reference.encode())
    )


def with_properties(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The .docx with its custom properties (docProps/custom.xml) rewritten by `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/custom.xml":
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()
