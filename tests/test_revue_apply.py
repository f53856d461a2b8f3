"""Applying a review (issue #17, item 4): the accepted changes of clause text become
contract-specific stipulations whose text is the clause's template with each change made in its
literal part (data bindings kept live), the data changes edits of contract.yaml; the rebuilt
contract then reads as the returned file with its changes accepted. A change straddling a Jinja
expression is left to the drafter, and nothing is written for its article."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from test_revue import (
    AUTHOR,
    edit_docx,
    tracked_delete_paragraph,
    tracked_replace,
    untracked_replace,
    with_properties,
)

from assemble.cli import main
from assemble.library.clauses import load_clause
from assemble.pipeline import build_contract, record_version, write_review
from assemble.project import Project
from assemble.render.ooxml import Element, w
from assemble.review.outputs import ReviewOutputs
from assemble.review.returned import Paragraph, paragraphs
from assemble.review.review import Review, review_file
from assemble.review.values import plain

from conftest import copy_project

CONTRACT = "chrs-gironde"
TODAY = dt.date(2026, 12, 3)
STRADDLING = (
    "La dénonciation produit les effets prévus",
    "article 22",
    "articles 22 et 23",
)


def text_edits(root: Element, notes: Element) -> None:
    """Clause text changed in four articles (words, tracked and not, and a paragraph deleted),
    and one change straddling a cross-reference."""
    tracked_replace(root, "Le comité de suivi se réunit au moins", "une fois", "deux fois", 901)
    tracked_replace(root, "Pour les exercices suivants, la dotation", "évolue", "progresse", 921)
    untracked_replace(
        root,
        "L'organisme gestionnaire s'engage à mettre",
        "dans le respect",
        "dans le strict respect",
    )
    tracked_replace(root, *STRADDLING, 911)
    tracked_delete_paragraph(root, "La désignation d'un administrateur provisoire", 961)


def authority_edits(root: Element, notes: Element) -> None:
    """The text edits, an annex amount and a number of places (untracked)."""
    text_edits(root, notes)
    tracked_replace(root, "1 232 000,00", "1 232 000,00", "1 250 000,00", 931)
    untracked_replace(root, "CHRS « L'Estran » (Bordeaux), FINESS", "64 places", "66 places")


def accept_all(root: Element, notes: Element) -> None:
    """Every tracked change accepted, as Word's « Accepter toutes les modifications »: a
    paragraph whose mark is deleted (all its runs deleted too, here) goes."""
    for mark in list(root.iter(w("del"))):
        properties = mark.getparent()
        if properties.tag == w("rPr") and properties.getparent().tag == w("pPr"):
            paragraph = properties.getparent().getparent()
            paragraph.getparent().remove(paragraph)
    for deleted in list(root.iter(w("del"))):
        deleted.getparent().remove(deleted)
    for inserted in list(root.iter(w("ins"))):
        parent = inserted.getparent()
        at = parent.index(inserted)
        for offset, child in enumerate(list(inserted)):
            parent.insert(at + offset, child)
        parent.remove(inserted)


@dataclass(frozen=True)
class Applied:
    project: Project
    returned: Path
    review: Review
    outputs: ReviewOutputs
    yaml_before: str
    rebuilt: list[Paragraph]


def _round(factory: pytest.TempPathFactory, edits: Callable[[Element, Element], None]) -> Applied:
    """Build, return with `edits`, review with --appliquer, rebuild."""
    project = copy_project(factory.mktemp("appliquer"), [CONTRACT])
    outputs = build_contract(project, CONTRACT)
    returned = factory.mktemp("retour") / "retour-prefecture.docx"
    returned.write_bytes(edit_docx(outputs.docx.read_bytes(), edits))
    data = project.contracts / CONTRACT / "contract.yaml"
    before = data.read_text(encoding="utf-8")
    review, written = write_review(project, CONTRACT, returned, TODAY, apply=True)
    rebuilt = build_contract(project, CONTRACT)
    body = zipfile.ZipFile(rebuilt.docx).read("word/document.xml")
    return Applied(project, returned, review, written, before, paragraphs(etree.fromstring(body)))


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Applied:
    return _round(tmp_path_factory, authority_edits)


@pytest.fixture(scope="module")
def text_only(tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """The same round without its data changes: nothing of the text then moves by derivation
    (totals, échéanciers), and the rebuild must read as the returned file, article for
    article."""
    return _round(tmp_path_factory, text_edits)


def _own(project: Project, clause_id: str) -> Path:
    return project.contracts / CONTRACT / "clauses" / f"{clause_id}.md"


def test_text_changes_become_stipulations_of_the_clause_template(applied: Applied) -> None:
    written = {p.name for p in applied.outputs.stipulations}
    assert written == {
        "comite-de-suivi.md",
        "financement-chrs.md",
        "engagements.md",
        "resiliation.md",
    }
    assert not _own(applied.project, "denonciation").exists()
    library = applied.project.root / "clauses"
    for name, folder, old, new in (
        ("comite-de-suivi", "05-titre-IV-suivi/20-comite-de-suivi.md", "une fois", "deux fois"),
        (
            "engagements",
            "03-titre-II-objectifs/30-engagements.md",
            "le respect",
            "le strict respect",
        ),
    ):
        clause = load_clause(library / folder)
        own = load_clause(_own(applied.project, name))
        assert own.contract is None and own.version == 1
        assert (own.titre, own.ordre, own.intitule) == (clause.titre, clause.ordre, clause.intitule)
        assert own.body == clause.body.replace(old, new, 1)  # bindings and loops kept live
        assert "{{" in own.body and "{% for" in own.body or name == "engagements"
        assert own.motif == (
            f"Modification demandée par {AUTHOR} le 2 décembre 2026 (revue du 3 décembre 2026)"
            if name == "comite-de-suivi"
            else "Modification faite sans suivi dans le fichier retourné (revue du 3 décembre 2026)"
        )


def test_a_deleted_paragraph_is_its_line_removed(applied: Applied) -> None:
    clause = load_clause(applied.project.root / "clauses/06-titre-V-duree/45-resiliation.md")
    own = load_clause(_own(applied.project, "resiliation"))
    line = next(x for x in clause.body.split("\n") if "administrateur provisoire" in x)
    assert own.body == clause.body.replace(line + "\n", "", 1)


def test_a_change_in_one_branch_of_a_condition_stays_in_that_branch(applied: Applied) -> None:
    """chrs-gironde has tarifs plafonds: the words changed are those of the {% if %} branch;
    the {% else %} branch, on the same line, keeps the library's words."""
    clause = load_clause(
        applied.project.root / "clauses/04-titre-III-moyens/14-financement-chrs.md"
    )
    own = load_clause(_own(applied.project, "financement-chrs"))
    line = next(x for x in clause.body.split("\n") if x.startswith("{% if plafonds %}Pour les"))
    changed = line.replace("plafond évolue selon", "plafond progresse selon", 1)
    assert changed != line and "la dotation évolue selon" in changed
    assert own.body == clause.body.replace(line, changed)


def test_data_changes_edit_contract_yaml(applied: Applied) -> None:
    after = (applied.project.contracts / CONTRACT / "contract.yaml").read_text(encoding="utf-8")
    changed = [
        (a.strip(), b.strip())
        for a, b in zip(applied.yaml_before.split("\n"), after.split("\n"), strict=True)
        if a != b
    ]
    assert changed == [
        (
            "- {type: hebergement_permanent, places: 64}",
            "- {type: hebergement_permanent, places: 66}",
        ),
        ("dotation: 1232000.00", "dotation: 1250000.00"),
    ]


def test_a_change_straddling_an_expression_is_left_to_the_drafter(applied: Applied) -> None:
    manual = applied.outputs.manual
    assert [(m.trace.article.clause_id if m.trace.article else None) for m in manual] == [
        "denonciation"
    ]
    where = manual[0].where(applied.project.root)
    source = (applied.project.root / where.rsplit(":", 1)[0]).read_text(encoding="utf-8")
    line = source.split("\n")[int(where.rsplit(":", 1)[1]) - 1]
    assert where.startswith("clauses/06-titre-V-duree/40-denonciation.md:")
    assert 'ref("fin-du-contrat")' in line
    assert "expression" in manual[0].why


def _articles(review: Review, texts: list[Paragraph]) -> dict[str, list[str]]:
    """The paragraphs of each article, by its key."""
    keys = review.document.article_by_key()
    found: dict[str, list[str]] = {}
    for paragraph in texts:
        key = next((m for m in reversed(paragraph.place.marks) if m in keys), None)
        if key is not None:
            found.setdefault(key, []).append(plain(paragraph.text))
    return found


def test_the_rebuild_reads_as_the_returned_text_with_its_changes_accepted(
    text_only: Applied,
) -> None:
    review = text_only.review
    rebuilt = _articles(review, text_only.rebuilt)
    returned = _articles(review, list(review.returned))
    sent = _articles(review, list(review.sent))
    changed = {k for k in returned if returned[k] != sent.get(k)}
    assert changed == {
        "comite-de-suivi",
        "financement-chrs",
        "engagements",
        "resiliation",
        "denonciation",
    }
    assert rebuilt == {**returned, "denonciation": sent["denonciation"]}
    assert any("au moins deux fois par an" in p for p in rebuilt["comite-de-suivi"])


def test_with_data_changes_each_accepted_paragraph_is_rebuilt(applied: Applied) -> None:
    review = applied.review
    rebuilt = _articles(review, applied.rebuilt)
    for trace in review.traces:
        change = trace.change
        if trace.article is None or trace.article.clause_id == "denonciation":
            continue
        if change.kind == "paragraphe supprimé":
            assert plain(change.text) not in rebuilt[trace.article.key]
            continue
        accepted = plain(change.text[: change.start] + change.new + change.text[change.end :])
        assert accepted in rebuilt[trace.article.key], (accepted, rebuilt[trace.article.key])


def test_a_second_review_finds_only_what_was_left_to_the_drafter(
    text_only: Applied, tmp_path: Path
) -> None:
    accepted = tmp_path / "retour-accepte.docx"
    accepted.write_bytes(edit_docx(text_only.returned.read_bytes(), accept_all))
    second = review_file(text_only.project, CONTRACT, accepted)
    left = [
        (t.article.clause_id if t.article else None, plain(t.change.new)) for t in second.traces
    ]
    assert {clause for clause, _ in left} == {"denonciation"}  # the words compare one by one
    assert "".join(new for _, new in left) == "articles et 23"
    assert not any(t.change.tracked for t in second.traces)


def test_status_shows_the_stipulations_as_proper_to_the_contract(applied: Applied) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--racine", str(applied.project.root), "status"])
    assert code == 0, err.getvalue()
    rows = {line.split("│")[1].strip(): line for line in out.getvalue().split("\n") if "│" in line}
    for clause_id in ("comite-de-suivi", "financement-chrs", "engagements", "resiliation"):
        assert "v1 (propre au contrat)" in rows[clause_id], rows[clause_id]
    assert "propre au contrat" not in rows["denonciation"]


def test_the_terminal_names_what_was_written_and_what_is_left(applied: Applied) -> None:
    from assemble.review.outputs import terminal

    lines = terminal(applied.review, applied.outputs, applied.project.root, TODAY)
    assert (
        "stipulation propre au contrat : contracts/chrs-gironde/clauses/comite-de-suivi.md"
        in "\n".join(lines)
    )
    left = [line for line in lines if line.startswith("à reprendre à la main")]
    assert len(left) == 1 and "40-denonciation.md:" in left[0] and "articles 22 et 23" in left[0]


COMITE_OWN = """---
id: comite-de-suivi
version: 1
titre: suivi
ordre: 20
intitule: Comité de suivi
---
Le comité de suivi réunit {{ autorites | length }} autorités et l'organisme gestionnaire.

Le comité de suivi se réunit au moins une fois par an, à l'occasion du dialogue de gestion.
"""


def _comite_round(tmp_path: Path, new: str = "deux fois") -> tuple[Project, Path, Path]:
    """A contract whose comité article is already its own stipulation, built and returned
    with « une fois » → `new`."""
    project = copy_project(tmp_path / "projet", [CONTRACT])
    own = _own(project, "comite-de-suivi")
    own.parent.mkdir()
    own.write_text(COMITE_OWN, encoding="utf-8")
    outputs = build_contract(project, CONTRACT)
    returned = tmp_path / "retour.docx"

    def edits(root: Element, notes: Element) -> None:
        tracked_replace(root, "Le comité de suivi se réunit", "une fois", new, 901)

    returned.write_bytes(edit_docx(outputs.docx.read_bytes(), edits))
    return project, own, returned


def test_a_stipulation_changes_to_its_next_version(tmp_path: Path) -> None:
    project, own, returned = _comite_round(tmp_path)
    _, outputs = write_review(project, CONTRACT, returned, TODAY, apply=True)
    assert outputs.stipulations == (own,)
    clause = load_clause(own)
    assert clause.version == 2 and clause.motif is not None
    assert clause.body == COMITE_OWN.split("---\n", 2)[2].replace("une fois", "deux fois")


def _as_version(data: bytes, version: str) -> bytes:
    """The file as if built from a recorded version: its cpom-version property says so."""

    def change(content: bytes) -> bytes:
        pattern = rb'(name="cpom-version"><vt:lpwstr>)[^<]*'
        content = re.sub(pattern, rb"\g<1>" + version.encode(), content)
        assert version.encode() in content
        return content

    return with_properties(data, change)


def test_a_stipulation_changed_since_the_version_sent_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A returned file of a recorded version (v1) whose stipulation has moved on since: the
    review reads it against v1, and writing v1's text edited would undo the newer version."""
    project, own, returned = _comite_round(tmp_path)
    assert record_version(project, CONTRACT) == "v1"
    returned.write_bytes(_as_version(returned.read_bytes(), "v1"))
    changed = COMITE_OWN.replace("version: 1", "version: 2\nmotif: réunion semestrielle")
    own.write_text(changed.replace("au moins une fois par an", "chaque semestre"), "utf-8")
    data = project.contracts / CONTRACT / "contract.yaml"
    before = data.read_bytes()
    root = ["--racine", str(project.root)]
    assert main([*root, "review", CONTRACT, str(returned), "--appliquer"]) == 1
    message = capsys.readouterr().err
    assert "[review.stipulation-stale]" in message and "comite-de-suivi.md:" in message
    assert data.read_bytes() == before  # nothing written: neither the data nor the report
    assert own.read_text("utf-8").startswith(changed[:40])
    assert not list((project.build / CONTRACT).glob("revue-*"))


def test_words_that_a_template_would_read_as_code_are_left_to_the_drafter(tmp_path: Path) -> None:
    project, own, returned = _comite_round(
        tmp_path, "{% for x in autorites %}deux{% endfor %} fois"
    )
    before = own.read_bytes()
    _, outputs = write_review(project, CONTRACT, returned, TODAY, apply=True)
    assert outputs.stipulations == ()
    assert [m.why for m in outputs.manual] == [
        "le texte proposé contient des accolades : à reporter à la main"
    ]
    assert own.read_bytes() == before
