"""Redlines: accepting every change gives the new version and rejecting every change the old
one, paragraph for paragraph, read with Word's rules (assemble.render.ooxml) and by LibreOffice; and
each kind of edit is marked as a drafter expects.

The signed sample (archive v1) is the FROM version of every scenario; each scenario edits a
copy of it and builds its draft (the TO version) and the redline once for the whole module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import io
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree

from assemble.core.errors import UsageError
from assemble.lifecycle.lock import read_lock
from assemble.lifecycle.redline import Summary
from assemble.lifecycle.stages import compose_version, render
from assemble.pipeline import build_contract, build_everything, build_redline, rebuild_version
from assemble.project import Project
from assemble.render import ooxml
from assemble.render.office import Job, office, run_jobs
from assemble.render.ooxml import w

from conftest import LOZERE, SAMPLE, copy_repository, drop_lines, edit, signed_copy
from pdf_text import pdf_text

AUTHOR = "Relectrice"
SIGNED = "2026-12-15T00:00:00Z"  # the sample's signature date, which its draft keeps


# --- the edits ----------------------------------------------------------------------------


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def one_word(project: Project) -> None:
    edit(_data(project), "délai moyen de quatorze mois", "délai moyen de douze mois")


def added_article(project: Project) -> None:
    """An article early in the contract: every later article is renumbered."""
    (project.clauses / "01-dispositions-generales" / "25-confidentialite.md").write_text(
        "---\nid: confidentialite\nversion: 1\ntitre: dispositions-generales\nordre: 25\n"
        "intitule: Confidentialité\n---\n"
        "Les parties s'engagent à ne pas divulguer les informations nominatives relatives aux "
        "personnes accompagnées dont elles ont connaissance dans l'exécution du contrat.\n",
        encoding="utf-8",
    )


def removed_annex(project: Project) -> None:
    edit(
        _data(project),
        "    modalite: evolution_encadree\n    date_autorisation: 2024-11-15\n"
        "    taux_plafond: 1.5\n    montant_annuel: 271800.00\n",
        "    modalite: aucun\n",
    )
    drop_lines(_data(project), "    quote_part_frais_de_siege:")


def changed_amount(project: Project) -> None:
    edit(_data(project), "dotation: 2870000.00", "dotation: 2915000.00")


IME = """  - finess: "340780121"
    nom: Les Tamaris
    categorie: IME
    departement: "34"
    commune: Montpellier
    capacites:
      - {type: internat, places: 24}
      - {type: semi_internat, places: 36}
    financements:
      - {financeur: ars-occitanie, dotation: 2870000.00}
    quote_part_frais_de_siege: 68900.00
"""
SAMSAH = """  - finess: "340780253"
    nom: Les Passerelles
    categorie: SAMSAH
    departement: "34"
    commune: Sète
    capacites:
      - {type: places, places: 20}
    financements:
      - {financeur: ars-occitanie, dotation: 236400.00}
      - {financeur: cd-herault, dotation: 118200.00}
    quote_part_frais_de_siege: 68900.00
"""
ESAT = """  - finess: "340780196"
    nom: Les Ateliers du Lez
    categorie: ESAT
    departement: "34"
    commune: Castelnau-le-Lez
    capacites:
      - {type: places, places: 85}
    financements:
      - {financeur: ars-occitanie, dotation: 1104150.00}
    quote_part_frais_de_siege: 26500.00
"""
CEVENNES = """  - finess: "300780368"
    nom: Cévennes
    categorie: SESSAD
    departement: "30"
    commune: Alès
    capacites:
      - {type: places, places: 24}
    financements:
      - {financeur: ars-occitanie, dotation: 498960.00}
    quote_part_frais_de_siege: 12000.00
"""


def replaced_item(project: Project) -> None:
    """The IME replaced by a SAMSAH at its place: a deletion and an insertion."""
    edit(_data(project), IME, SAMSAH)


def appended_item(project: Project) -> None:
    """A SAMSAH after the FAM, last of its département: the FAM's « . » becomes « ; »."""
    edit(_data(project), '  - finess: "300780335"', SAMSAH + '  - finess: "300780335"')
    edit(_data(project), "montant_annuel: 271800.00", "montant_annuel: 340700.00")


def reordered(project: Project) -> None:
    """The ESAT moved before the IME: the establishments it passes over stay unchanged."""
    edit(_data(project), ESAT, "")
    edit(_data(project), IME, ESAT + IME)


def added_row(project: Project) -> None:
    edit(_data(project), "\noptions:", "\n" + LOZERE)


def removed_row(project: Project) -> None:
    edit(_data(project), CEVENNES, "")
    edit(_data(project), "montant_annuel: 271800.00", "montant_annuel: 259800.00")


def split_and_merged(project: Project) -> None:
    """The first paragraph of a clause split after its first sentence, its second half merged
    with the next paragraph; the clause gets a new version, which the draft takes."""
    path = project.clauses / "06-titre-V-duree" / "30-revision.md"
    # The signed text (version 1, from the history), republished as the next version.
    latest = max(project.history.versions("revision"))
    signed = project.history.clause_path("revision", 1).read_text(encoding="utf-8")
    path.write_text(signed, encoding="utf-8")
    edit(
        path,
        "version: 1\n",
        f"version: {latest + 1}\nmotif: les deux alinéas sont redécoupés\n",
    )
    edit(path, "des parties. Toute révision", "des parties.\n\nToute révision")
    edit(path, "l'ensemble des parties.\n\nDonne lieu", "l'ensemble des parties. Donne lieu")
    lock_path = project.lock_path(SAMPLE)
    lock = read_lock(lock_path)
    articles = tuple(
        dataclasses.replace(a, version=latest + 1) if a.clause == "revision" else a
        for a in lock.articles
    )
    lock_path.write_text(dataclasses.replace(lock, articles=articles).to_json(), encoding="utf-8")


EDITS: dict[str, Callable[[Project], None]] = {
    f.__name__: f
    for f in (
        one_word,
        added_article,
        removed_annex,
        changed_amount,
        replaced_item,
        appended_item,
        reordered,
        added_row,
        removed_row,
        split_and_merged,
    )
}


# --- building once per module -------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    project: Project
    before: Path  # the FROM version built as `make contract VERSION=v1` does
    after: Path  # the TO version built as `make contract` does
    redline: Path
    summary: Summary


class Scenarios:
    """Each scenario built on first use, from one signed copy whose v1 is rebuilt once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = signed_copy(root / "base")
        self.before = rebuild_version(self.base, SAMPLE, "v1")[0].docx
        self.built: dict[str, Built] = {}

    def __getitem__(self, name: str) -> Built:
        if name not in self.built:
            project = Project(self.root / name)
            shutil.copytree(self.base.root, project.root)
            EDITS[name](project)
            after = build_contract(project, SAMPLE).docx
            [redline], summary = build_redline(project, SAMPLE, "v1", "projet", AUTHOR)
            self.built[name] = Built(project, self.before, after, redline, summary)
        return self.built[name]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Scenarios:
    return Scenarios(tmp_path_factory.mktemp("redlines"))


# --- reading ------------------------------------------------------------------------------


def _root(path: Path) -> etree._Element:
    return ooxml.read_part(path.read_bytes())


def _paragraphs(path: Path) -> list[str]:
    return ooxml.paragraph_texts(_root(path))


def _differences(got: list[str], expected: list[str]) -> list[str]:
    """Where two lists of paragraphs differ, in a readable form (empty: identical)."""
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    return [
        f"{tag}: {expected[a1:a2]!r} → {got[b1:b2]!r}"
        for tag, a1, a2, b1, b2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _revisions(path: Path) -> list[tuple[str, str]]:
    """Every revision holding words, in order: (ins|del, its text)."""
    root = _root(path)
    found = []
    for element in root.iter(w("ins"), w("del")):
        if element.getparent().tag in (w("rPr"), w("trPr")):
            continue
        text = "".join(t.text or "" for t in element.iter(w("t"), w("delText")))
        found.append((etree.QName(element).localname, text))
    return found


def _words(path: Path) -> list[tuple[str, str]]:
    """The revisions that change words, not only the kind of a space."""
    return [(kind, text) for kind, text in _revisions(path) if text.strip()]


def _paragraph(path: Path, start: str) -> etree._Element:
    """The first paragraph whose text (both versions' words) starts with `start`."""
    for paragraph in _root(path).iter(w("p")):
        text = "".join(t.text or "" for t in paragraph.iter(w("t"), w("delText")))
        if text.startswith(start):
            return paragraph
    raise AssertionError(f"aucun paragraphe ne commence par {start!r}")


def _paragraph_revisions(path: Path, start: str) -> list[str]:
    """The revisions in a paragraph (see `_paragraph`), its mark's included."""
    paragraph = _paragraph(path, start)
    return [etree.QName(e).localname for e in paragraph.iter(w("ins"), w("del"))]


def _changes_in(paragraph: etree._Element) -> list[tuple[str, str]]:
    """The revisions holding words in one paragraph: (ins|del, text)."""
    return [
        (etree.QName(e).localname, "".join(t.text or "" for t in e.iter(w("t"), w("delText"))))
        for e in paragraph.iter(w("ins"), w("del"))
        if e.getparent().tag != w("rPr")
    ]


def _mark(paragraph: etree._Element) -> list[str]:
    """The revisions of a paragraph's mark."""
    marks = paragraph.findall(f"{w('pPr')}/{w('rPr')}/*")
    return [etree.QName(m).localname for m in marks if m.tag in (w("ins"), w("del"))]


# --- accept all, reject all: Word's rules -------------------------------------------------


@pytest.mark.parametrize("name", list(EDITS))
def test_accept_all_gives_the_new_version(scenarios: Scenarios, name: str) -> None:
    built = scenarios[name]
    accepted = ooxml.paragraph_texts(ooxml.accept_all(_root(built.redline)))
    assert _differences(accepted, _paragraphs(built.after)) == []


@pytest.mark.parametrize("name", list(EDITS))
def test_reject_all_gives_the_old_version(scenarios: Scenarios, name: str) -> None:
    built = scenarios[name]
    rejected = ooxml.paragraph_texts(ooxml.reject_all(_root(built.redline)))
    assert _differences(rejected, _paragraphs(built.before)) == []


# --- accept all, reject all: LibreOffice --------------------------------------------------


@pytest.fixture(scope="module")
def office_results(
    scenarios: Scenarios, tmp_path_factory: pytest.TempPathFactory, office_profile: Path
) -> Path:
    """Every scenario's redline accepted and rejected by LibreOffice, and the versions as
    LibreOffice reads and saves them, in one office session."""
    found = office()
    if isinstance(found, str):
        pytest.skip(f"{found} : relecture par LibreOffice sautée")
    out = tmp_path_factory.mktemp("libreoffice")
    jobs = [Job(scenarios.before, None, out / "before.docx")]
    for name in EDITS:
        built = scenarios[name]
        jobs += [
            Job(built.after, None, out / f"{name}-after.docx"),
            Job(built.redline, "accept", out / f"{name}-accepted.docx"),
            Job(built.redline, "reject", out / f"{name}-rejected.docx"),
        ]
    run_jobs(jobs, office_profile)
    return out


# LibreOffice cannot remove a paragraph that stands between two tables, tracked as deleted
# or not: the heading of an annex that followed another annex's table and opened its own
# table stays behind, empty (python-redlines/Docxodus leaves it the same). Word removes it.
LIBREOFFICE_KEEPS: dict[str, tuple[list[str], list[str]]] = {
    "removed_annex": (["insert: [] → ['']"], [])
}


@pytest.mark.parametrize("name", list(EDITS))
def test_libreoffice_accepts_and_rejects_exactly(office_results: Path, name: str) -> None:
    accepted = _paragraphs(office_results / f"{name}-accepted.docx")
    rejected = _paragraphs(office_results / f"{name}-rejected.docx")
    after = _differences(accepted, _paragraphs(office_results / f"{name}-after.docx"))
    before = _differences(rejected, _paragraphs(office_results / "before.docx"))
    assert (after, before) == LIBREOFFICE_KEEPS.get(name, ([], []))


# --- what each edit shows -----------------------------------------------------------------


def test_one_word_is_one_word(scenarios: Scenarios) -> None:
    built = scenarios["one_word"]
    assert _words(built.redline) == [("del", "quatorze"), ("ins", "douze")]
    # v1 was built before the rendering profile 2 and its no-break spaces: those differences
    # are marked too (the only other revisions), a changed space each, never a word.
    spaces = [text for _, text in _revisions(built.redline) if not text.strip()]
    assert spaces and all(len(text) == 1 for text in spaces)
    assert (built.summary.changed, built.summary.added, built.summary.removed) == (1, 0, 0)


def test_an_added_article_renumbers_nothing(scenarios: Scenarios) -> None:
    built = scenarios["added_article"]
    assert (built.summary.changed, built.summary.added) == (0, 1)
    words = [text for _, text in _words(built.redline)]
    new = [t for t in words if "Confidentialité" in t or "divulguer" in t]
    assert len(new) == 2  # its heading and its paragraph
    # The draft amends a signed contract: the new article takes « bis » after the one it
    # follows and the signed articles keep their numbers, so nothing else is marked.
    assert re.search(r"Article\s\d+\sbis", next(t for t in new if "Confidentialité" in t))
    assert [t for t in words if t not in new] == []


def test_removed_annex_is_deleted_whole(scenarios: Scenarios) -> None:
    built = scenarios["removed_annex"]
    deleted = " ".join(text for kind, text in _words(built.redline) if kind == "del")
    assert "Répartition des frais de siège" in deleted
    rows = _root(built.redline).findall(f".//{w('trPr')}/{w('del')}")
    assert len(rows) >= 7  # the annex's table, row by row


def test_changed_amount_marks_only_the_changed_values(scenarios: Scenarios) -> None:
    built = scenarios["changed_amount"]
    changed = {text for _, text in _words(built.redline)}
    assert "2\u202f870\u202f000,00\u00a0€" in changed and "2\u202f915\u202f000,00\u00a0€" in changed
    assert not any("Tamaris" in text for text in changed)  # the row's other cells are kept
    assert not _root(built.redline).findall(f".//{w('trPr')}/{w('ins')}")  # no row replaced
    assert built.summary.annexes_changed == 2  # establishments table and financial annex


def test_replaced_item_is_a_deletion_and_an_insertion(scenarios: Scenarios) -> None:
    built = scenarios["replaced_item"]
    words = _words(built.redline)
    item_old = "IME «\u00a0Les Tamaris\u00a0» à Montpellier, FINESS 340780121"
    item_new = "SAMSAH «\u00a0Les Passerelles\u00a0» à Sète, FINESS 340780253"
    assert any(kind == "del" and text.startswith(item_old) for kind, text in words)
    assert any(kind == "ins" and text.startswith(item_new) for kind, text in words)
    assert ("del", "IME") not in words and ("del", "Tamaris") not in words
    # The items around it are untouched.
    for unchanged in ("SESSAD «\u00a0Les Tamaris", "ESAT «", "FAM «"):
        assert _paragraph_revisions(built.redline, unchanged) == []
    # The deleted item's paragraph mark is deleted, the inserted one's inserted.
    assert _mark(_paragraph(built.redline, item_old)) == ["del"]
    assert _mark(_paragraph(built.redline, item_new)) == ["ins"]


def test_appended_item_keeps_the_previous_one(scenarios: Scenarios) -> None:
    built = scenarios["appended_item"]
    fam = _paragraph(built.redline, "FAM «")
    assert _mark(fam) == []  # the FAM stays; only its final sign changes
    # Its insertion comes first: LibreOffice would join an insertion ending the FAM with the
    # SAMSAH inserted after it, and rejecting both would merge the FAM with what follows.
    assert _changes_in(fam) == [("ins", "\u202f;"), ("del", ".")]
    samsah = _paragraph(built.redline, "SAMSAH «")
    assert _mark(samsah) == ["ins"]


def test_reordered_establishments_leave_the_others_unchanged(scenarios: Scenarios) -> None:
    built = scenarios["reordered"]
    for unchanged in ("IME «", "SESSAD «\u00a0Les Tamaris", "FAM «"):
        assert _paragraph_revisions(built.redline, unchanged) == []
    esat = [kind for kind, text in _words(built.redline) if text.startswith("ESAT «")]
    assert esat[:2] == ["ins", "del"]  # moved: inserted before the IME, deleted after it


def test_rows_added_and_removed_carry_row_revisions(scenarios: Scenarios) -> None:
    cases = (("added_row", "ins", "480780105"), ("removed_row", "del", "300780368"))
    for name, kind, finess in cases:
        root = _root(scenarios[name].redline)
        rows = [m.getparent().getparent() for m in root.iter(w(kind)) if _is_row_mark(m)]
        assert any(finess in "".join(r.itertext()) for r in rows), name


def _is_row_mark(mark: etree._Element) -> bool:
    return bool(mark.getparent().tag == w("trPr"))


def test_every_revision_is_attributed_dated_and_numbered(scenarios: Scenarios) -> None:
    root = _root(scenarios["replaced_item"].redline)
    marks = list(root.iter(w("ins"), w("del")))
    assert {(m.get(w("author")), m.get(w("date"))) for m in marks} == {(AUTHOR, SIGNED)}
    ids = [m.get(w("id")) for m in marks]
    others = {e.get(w("id")) for e in root.iter(w("bookmarkStart"), w("commentRangeStart"))}
    assert len(ids) == len(set(ids)) > 10 and not set(ids) & others
    names = [b.get(w("name"), "") for b in root.iter(w("bookmarkStart"))]
    assert not [n for n in names if ooxml.parse_marker(n)]  # markers all turned into marks
    paragraph_marks = root.findall(f".//{w('pPr')}/{w('rPr')}/{w('ins')}")
    assert paragraph_marks  # the inserted item's mark


def test_comments_name_each_changed_article(scenarios: Scenarios) -> None:
    built = scenarios["added_article"]
    comments = ooxml.read_part(built.redline.read_bytes(), "word/comments.xml")
    texts = ["".join(c.itertext()) for c in comments.iter(w("comment"))]
    assert texts[0].startswith("Comparaison de la version v1 et de la version projet")
    assert any("clause « confidentialite » version 1 : ajoutée (v1 → projet)" in t for t in texts)


def test_the_redline_rebuilds_byte_for_byte(scenarios: Scenarios) -> None:
    built = scenarios["replaced_item"]
    first = built.redline.read_bytes()
    build_redline(built.project, SAMPLE, "v1", "projet", AUTHOR)
    assert built.redline.read_bytes() == first


# --- dates and templates of the TO version ------------------------------------------------


@pytest.fixture(scope="module")
def between_signed(two_versions: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample signed twice (v1 on 2026-12-15, its avenant as v2 on 2027-06-01), whose
    cover template has changed since."""
    project = copy_repository(two_versions, tmp_path_factory.mktemp("v2") / "depot")
    cover = project.templates / "couverture.docx"
    document = docx.Document(str(cover))
    document.add_paragraph("Modèle de couverture modifié après la signature")
    out = io.BytesIO()
    document.save(out)
    cover.write_bytes(out.getvalue())
    return project


def _contract_text(project: Project, version: str, folder: Path) -> Path:
    """A recorded version rendered with its templates but without the marks of a consolidated
    version (mention, table of acts, no signatures): the contract text a redline compares."""
    _, doc, lock = compose_version(project, SAMPLE, version)
    for name, digest in lock.modeles.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.history.blob(digest, Path(name).suffix), folder / name)
    path = folder / "texte.docx"
    path.write_bytes(render(doc, folder).docx)
    return path


def test_redline_between_two_signed_versions(between_signed: Project, tmp_path: Path) -> None:
    [redline], summary = build_redline(between_signed, SAMPLE, "v1", "v2", AUTHOR)
    root = _root(redline)
    dates = {m.get(w("date")) for m in root.iter(w("ins"), w("del"))}
    assert dates == {"2027-06-01T00:00:00Z"}  # v2's signature date, not v1's
    assert summary.changed == 1  # the notice period of the dénonciation
    before = rebuild_version(between_signed, SAMPLE, "v1")[0].docx
    after = _contract_text(between_signed, "v2", tmp_path)
    accepted = ooxml.paragraph_texts(ooxml.accept_all(root))
    rejected = ooxml.paragraph_texts(ooxml.reject_all(root))
    # v2's recorded templates, not today's cover: the text is v2's, paragraph for paragraph.
    assert "Modèle de couverture modifié après la signature" not in accepted
    assert _differences(accepted, _paragraphs(after)) == []
    assert _differences(rejected, _paragraphs(before)) == []


# --- the command --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    yield signed_copy(tmp_path)


def test_identical_versions_are_a_usage_error(project: Project) -> None:
    with pytest.raises(UsageError):
        build_redline(project, SAMPLE, "projet", "draft")


def test_pdf_shows_the_changes(project: Project) -> None:
    one_word(project)
    paths, _ = build_redline(project, SAMPLE, "v1", "projet", AUTHOR, pdf=True)
    pdf = next(p for p in paths if p.suffix == ".pdf")
    text = pdf_text(pdf)
    assert "quatorze" in text and "douze" in text
    assert "Comparaison de la version v1 et de la version projet : 1 article modifié" in (
        text.replace("\n", " ")
    )


def test_make_contracts_writes_the_redline_since_signature(project: Project) -> None:
    changed_amount(project)
    built = build_everything(project, SAMPLE)
    assert f"{SAMPLE} redline-v1-projet.docx" in built
    assert (project.build / SAMPLE / "redline-v1-projet.docx").is_file()


def test_explicit_date_overrides_the_version_date(scenarios: Scenarios, tmp_path: Path) -> None:
    project = Project(tmp_path / "depot")
    shutil.copytree(scenarios["one_word"].project.root, project.root)
    when = dt.datetime(2027, 2, 3, 10, 30, tzinfo=dt.UTC)
    [redline], _ = build_redline(project, SAMPLE, "v1", "projet", AUTHOR, when)
    dates = {m.get(w("date")) for m in _root(redline).iter(w("ins"), w("del"))}
    assert dates == {"2027-02-03T10:30:00Z"}
