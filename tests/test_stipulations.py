"""Stipulations proper to one contract (contracts/<id>/clauses/): in place of a library article
or as a new one, numbered, locked, published, rebuilt and shown as the drafter reads them."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from assemble.cli import main
from assemble.core.errors import CpomError
from assemble.lifecycle.lock import read_lock
from assemble.pipeline import build_contract, rebuild_version, record_version, write_stipulation
from assemble.project import Outputs, Project

from conftest import copy_project, docx_text, plain

CHRS = "chrs-gironde"

LITIGES = """---
id: litiges
version: 1
motif: clause négociée avec la préfecture
titre: duree
ordre: 50
intitule: Règlement des litiges
---
Les parties recherchent une solution amiable à tout différend relatif au présent contrat. \
Avant toute action contentieuse, la partie la plus diligente saisit le comité de suivi, qui se \
réunit dans le délai d'un mois ; à défaut d'accord dans les trois mois de sa saisine, le \
litige est porté devant le tribunal administratif de Bordeaux.
"""

NOUVEL_ARTICLE = """---
id: hebergement-urgence
version: 1
titre: objectifs
ordre: 35
intitule: Places d'hébergement d'urgence
---
L'organisme gestionnaire réserve {{ 4 }} places au service intégré d'accueil et \
d'orientation de la Gironde pour l'hébergement d'urgence des personnes sans abri.
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path, [CHRS])


def _own(project: Project, name: str, text: str) -> Path:
    path = project.stipulations(CHRS) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _built_text(project: Project) -> str:
    return docx_text(build_contract(project, CHRS).docx)


def _paragraph_after(text: str, heading: str) -> str:
    lines = text.split("\n")
    at = lines.index(heading)
    return next(line for line in lines[at + 1 :] if line.strip())


def test_a_stipulation_replaces_the_library_article_for_this_contract_only(
    project: Project,
) -> None:
    before = read_lock(project.lock_path(CHRS))
    _own(project, "litiges.md", LITIGES)
    text = _built_text(project)
    # In its place, under the number the library article had, with its new text.
    assert "Article 23 – Règlement des litiges" in text
    after = _paragraph_after(text, "Article 23 – Règlement des litiges")
    assert after.startswith("Les parties recherchent une solution amiable")
    assert "tribunal administratif de Bordeaux" in after
    assert "au sein du comité de suivi. À défaut d'accord dans un délai de deux mois" not in text
    lock = read_lock(project.lock_path(CHRS))
    entry = next(a for a in lock.articles if a.clause == "litiges")
    assert (plain(entry.article), entry.version, entry.source, entry.remplace) == (
        "Article 23",
        1,
        "contrat",
        1,
    )
    assert '"source": "contrat"' in project.lock_path(CHRS).read_text(encoding="utf-8")
    # Every other article keeps its locked version and its number.
    others = [(a.article, a.clause, a.version) for a in lock.articles if a.clause != "litiges"]
    assert others == [
        (a.article, a.clause, a.version) for a in before.articles if a.clause != "litiges"
    ]
    assert all(a.source is None for a in lock.articles if a.clause != "litiges")
    published = project.root / "history" / "contracts" / CHRS / "clauses" / "litiges" / "v1.md"
    assert published.read_text(encoding="utf-8") == LITIGES
    # The library clause is untouched, and still published as it was.
    assert "tribunal administratif territorialement" in project.history.clause_path(
        "litiges", 1
    ).read_text(encoding="utf-8")


def test_a_new_article_takes_its_place_and_the_numbering_follows(project: Project) -> None:
    _own(project, "hebergement-urgence.md", NOUVEL_ARTICLE)
    text = _built_text(project)
    # After « engagements » (Article 8, ordre 30), before the financing (was Article 9).
    assert "Article 9 – Places d'hébergement d'urgence" in text
    body = _paragraph_after(text, "Article 9 – Places d'hébergement d'urgence")
    assert plain(body) == (
        "L'organisme gestionnaire réserve 4 places au service intégré d'accueil et "
        "d'orientation de la Gironde pour l'hébergement d'urgence des personnes sans abri."
    )
    assert "Article 8 – " in text and "Article 24 – Règlement des litiges" in text
    labels = {a.clause: a.article for a in read_lock(project.lock_path(CHRS)).articles}
    assert plain(labels["hebergement-urgence"]) == "Article 9"
    assert plain(labels["financement-chrs"]) == "Article 10"
    entry = next(a for a in read_lock(project.lock_path(CHRS)).articles if a.source)
    assert (entry.clause, entry.remplace) == ("hebergement-urgence", None)
    pdf = Outputs.of(project.build / CHRS, CHRS).pdf
    assert pdf.is_file()


def test_variants_and_conditions_work_as_in_the_library(project: Project) -> None:
    _own(
        project,
        "litiges.md",
        LITIGES.replace(
            "intitule: Règlement des litiges\n",
            "intitule: Règlement des litiges\nselon: organisme.forme_juridique\n",
        ).split("---\nLes parties")[0]
        + "---\n::: variante association\nTexte pour une association.\n:::\n\n"
        "::: variante gcsms\nTexte pour un groupement.\n:::\n",
    )
    _own(
        project,
        "hebergement-urgence.md",
        NOUVEL_ARTICLE.replace(
            "ordre: 35\n", "ordre: 35\ncondition: organisme.forme_juridique == 'gcsms'\n"
        ),
    )
    text = _built_text(project)
    assert _paragraph_after(text, "Article 23 – Règlement des litiges") == (
        "Texte pour une association."
    )
    assert "groupement" not in _paragraph_after(text, "Article 23 – Règlement des litiges")
    assert "Places d'hébergement d'urgence" not in text  # its condition is false here
    clauses = {a.clause for a in read_lock(project.lock_path(CHRS)).articles}
    assert "hebergement-urgence" not in clauses and "litiges" in clauses
    entry = next(a for a in read_lock(project.lock_path(CHRS)).articles if a.clause == "litiges")
    assert entry.variante == "association"


def _cli(project: Project, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with (
        contextlib.chdir(project.root),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = main(["--racine", str(project.root), *args])
    return code, err.getvalue()


BAD = {
    "en-tête non refermé": (
        "a.md",
        "---\nid: litiges\nversion: 1\nTexte.\n",
        "clause.front-matter",
        1,
        "n'est pas refermé",
    ),
    "titre inconnu": (
        "a.md",
        NOUVEL_ARTICLE.replace("titre: objectifs", "titre: finances"),
        "clause.titre",
        4,
        "titre « finances » inconnu",
    ),
    "même rang qu'un article": (
        "a.md",
        NOUVEL_ARTICLE.replace("ordre: 35", "ordre: 30"),
        "stipulation.order",
        5,
        "même titre et même ordre (30) que la clause « engagements »",
    ),
    "nouvel identifiant sans titre": (
        "a.md",
        NOUVEL_ARTICLE.replace("titre: objectifs\nordre: 35\n", ""),
        "stipulation.placement",
        2,
        "« hebergement-urgence » n'est l'identifiant d'aucune clause de la bibliothèque",
    ),
    "remplacement sans intitulé": (
        "a.md",
        LITIGES.replace("intitule: Règlement des litiges\n", ""),
        "stipulation.placement",
        1,
        "l'en-tête ne donne pas « intitule » de l'article qu'il remplace",
    ),
    "motif manquant en version 2": (
        "a.md",
        LITIGES.replace("version: 1\nmotif: clause négociée avec la préfecture\n", "version: 2\n"),
        "clause.motif",
        2,
        "exige un « motif: »",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_stipulation_is_located_and_nothing_is_written(project: Project, case: str) -> None:
    name, text, code, line, message = BAD[case]
    path = _own(project, name, text)
    lock = project.lock_path(CHRS).read_bytes()
    status, err = _cli(project, "build", CHRS)
    assert status == 1, err
    where = f"contracts/{CHRS}/clauses/{name}:{line}: "
    first = next(row for row in err.split("\n") if f"[{code}]" in row)
    assert first.startswith(where) and message in first, err
    assert err.split("\n")[err.split("\n").index(first) + 1].startswith("    → ")
    assert not (project.build / CHRS).exists()
    assert project.lock_path(CHRS).read_bytes() == lock
    assert not (project.root / "history" / "contracts" / CHRS).exists()
    assert path.read_text(encoding="utf-8") == text


def test_two_stipulations_at_one_place_or_with_one_id_are_refused(project: Project) -> None:
    _own(project, "a.md", NOUVEL_ARTICLE)
    _own(project, "b.md", NOUVEL_ARTICLE.replace("id: hebergement-urgence", "id: autre"))
    _own(project, "c.md", LITIGES)
    _own(project, "d.md", LITIGES.replace("ordre: 50", "ordre: 60"))
    status, err = _cli(project, "check", CHRS)
    assert status == 1
    assert (
        f"contracts/{CHRS}/clauses/b.md:5: même titre et même ordre (35) que la stipulation" in err
    )
    assert f"contracts/{CHRS}/clauses/d.md:2: l'identifiant « litiges » est déjà celui de" in err
    assert "[clause.duplicate-id]" in err and "[stipulation.order]" in err


def test_a_changed_text_needs_a_new_version(project: Project) -> None:
    path = _own(project, "litiges.md", LITIGES)
    build_contract(project, CHRS)
    path.write_text(LITIGES.replace("d'un mois", "de quinze jours"), encoding="utf-8")
    status, err = _cli(project, "build", CHRS)
    assert status == 1
    assert f"contracts/{CHRS}/clauses/litiges.md:3: le texte de « litiges » a changé" in err
    assert "[clause.drift]" in err
    path.write_text(
        LITIGES.replace("d'un mois", "de quinze jours").replace(
            "version: 1\nmotif: clause négociée avec la préfecture",
            "version: 2\nmotif: délai réduit",
        ),
        encoding="utf-8",
    )
    assert "quinze jours" in _built_text(project)
    entry = next(a for a in read_lock(project.lock_path(CHRS)).articles if a.clause == "litiges")
    assert (entry.version, entry.source) == (2, "contrat")
    folder = project.root / "history" / "contracts" / CHRS / "clauses" / "litiges"
    assert sorted(p.name for p in folder.iterdir()) == ["v1.md", "v2.md"]


def test_a_recorded_version_rebuilds_from_the_history_alone(project: Project) -> None:
    _own(project, "litiges.md", LITIGES)
    _own(project, "hebergement-urgence.md", NOUVEL_ARTICLE)
    name = record_version(project, CHRS)
    recorded = Outputs.of(project.build / CHRS, CHRS)
    pdf, docx = recorded.pdf.read_bytes(), recorded.docx.read_bytes()
    # The drafter then removes both stipulations: the draft goes back to the library...
    shutil.rmtree(project.stipulations(CHRS))
    text = _built_text(project)
    assert "tribunal administratif territorialement compétent" in text
    assert "hébergement d'urgence" not in text
    lock = read_lock(project.lock_path(CHRS))
    assert not any(a.source for a in lock.articles)
    assert next(a for a in lock.articles if a.clause == "litiges").version == 1
    # ...and the recorded version still rebuilds byte for byte, from the history.
    outputs, differ = rebuild_version(project, CHRS, name)
    assert differ == []
    assert outputs.pdf.read_bytes() == pdf and outputs.docx.read_bytes() == docx
    assert "tribunal administratif de Bordeaux" in docx_text(outputs.docx)


def test_status_names_them_proper_to_the_contract(project: Project) -> None:
    _own(project, "litiges.md", LITIGES)
    _own(project, "hebergement-urgence.md", NOUVEL_ARTICLE)
    build_contract(project, CHRS)
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--racine", str(project.root), "status"])
    assert code == 0, err.getvalue()
    rows = {line.split("│")[1].strip(): line for line in out.getvalue().split("\n") if "│" in line}
    assert "v1 (propre au contrat)" in rows["litiges"]
    assert rows["hebergement-urgence"].split("│")[2].strip() == "propre au contrat"
    page = (project.build / "status.html").read_text(encoding="utf-8")
    assert '<td class="own">v1 (propre au contrat)</td>' in page


def test_write_stipulation_from_an_accepted_text(project: Project) -> None:
    body = (
        "Les parties recherchent une solution amiable ; à défaut, le litige est porté devant "
        "le tribunal administratif de Bordeaux.\n\nLes accolades {{ restent }} telles quelles."
    )
    path = write_stipulation(project, CHRS, "litiges", body, "texte accepté de la préfecture")
    assert path == project.stipulations(CHRS) / "litiges.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nid: litiges\nversion: 1\nmotif: texte accepté de la préfecture\n")
    assert "titre: duree\nordre: 50\nintitule: Règlement des litiges\n---\n" in text
    built = _built_text(project)
    assert "Les accolades {{ restent }} telles quelles." in built
    # Built: v1 is published, so the next text is v2 in the same file.
    again = write_stipulation(project, CHRS, "litiges", "Nouveau texte.", "second tour")
    assert again == path
    assert "version: 2\nmotif: second tour\n" in path.read_text(encoding="utf-8")
    assert "Nouveau texte." in _paragraph_after(
        _built_text(project), "Article 23 – Règlement des litiges"
    )


def test_write_stipulation_refuses_what_it_cannot_place(project: Project) -> None:
    with pytest.raises(CpomError) as caught:
        write_stipulation(project, CHRS, "inconnue", "Texte.", "motif")
    assert caught.value.problems[0].code == "stipulation.unknown-clause"
    with pytest.raises(CpomError) as caught:
        write_stipulation(project, CHRS, "annexe-membre", "Texte.", "motif")
    assert "se répète" in caught.value.problems[0].message
    with pytest.raises(CpomError) as caught:
        write_stipulation(project, CHRS, "litiges", "Texte.", "  ")
    assert caught.value.problems[0].code == "clause.motif"
    # A text the library format refuses is located in the file it would have been written to.
    with pytest.raises(CpomError) as caught:
        write_stipulation(project, CHRS, "litiges", "::: variante x\nTexte.\n:::", "motif")
    problem = caught.value.problems[0]
    assert (problem.code, problem.path) == (
        "clause.variant",
        project.stipulations(CHRS) / "litiges.md",
    )
    assert not project.stipulations(CHRS).exists()
    _own(project, "litiges.md", NOUVEL_ARTICLE)  # another stipulation in litiges.md
    with pytest.raises(CpomError) as caught:
        write_stipulation(project, CHRS, "litiges", "Texte.", "motif")
    assert caught.value.problems[0].code == "stipulation.file-taken"
    assert project.stipulations(CHRS).joinpath("litiges.md").read_text(encoding="utf-8") == (
        NOUVEL_ARTICLE
    )
    assert not (project.root / "history" / "contracts" / CHRS).exists()


def test_an_avenant_carries_stipulations_and_its_archive_rebuilds(tmp_path: Path) -> None:
    """On a signed contract, a stipulation that replaces an article gives « l'article k est
    remplacé », a new one « il est inséré un article k bis » ; archived, the consolidated
    version rebuilds byte for byte and the archive verifies."""
    import datetime as dt

    from assemble.archive.store import archive_version
    from assemble.pipeline import build_avenant

    from conftest import SAMPLE, signed_copy, verify_cli

    project = signed_copy(tmp_path / "depot")
    avenant = project.contracts / SAMPLE / "avenants" / "avenant-1.yaml"
    avenant.parent.mkdir(exist_ok=True)
    avenant.write_text(
        "motif: la prise en compte des stipulations négociées.\ndate_effet: 2027-09-01\n",
        encoding="utf-8",
    )
    folder = project.stipulations(SAMPLE)
    folder.mkdir(parents=True)
    (folder / "litiges.md").write_text(LITIGES.replace("Bordeaux", "Montpellier"), "utf-8")
    (folder / "astreinte.md").write_text(
        NOUVEL_ARTICLE.replace("hebergement-urgence", "astreinte")
        .replace("Places d'hébergement d'urgence", "Astreinte de direction")
        .split("---\nL'organisme")[0]
        + "---\nL'association organise une astreinte de direction commune à ses "
        "établissements.\n",
        "utf-8",
    )
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    text = plain(draft.rendered.markdown)
    assert "- l'insertion dans le contrat de l'article 8 bis (Astreinte de direction)." in text
    assert "Il est inséré, après l'article 8 du contrat, un article 8 bis ainsi rédigé :" in text
    replaced = text.split("L'article 21 du contrat est remplacé par les dispositions suivantes :")
    assert len(replaced) == 2
    assert "> **Article 21 – Règlement des litiges**" in replaced[1]
    assert "tribunal administratif de Montpellier" in replaced[1].split("## Article 3")[0]
    consolidated = read_lock(project.lock_path(SAMPLE))
    own = {a.clause: (plain(a.article), a.source) for a in consolidated.articles if a.source}
    assert own == {"astreinte": ("Article 8 bis", "contrat"), "litiges": ("Article 21", "contrat")}
    signed = tmp_path / "avenant signé.pdf"
    signed.write_bytes(draft.rendered.pdf)
    archive_version(project, SAMPLE, signed, dt.date(2027, 8, 20))
    shutil.rmtree(folder)  # the history alone rebuilds what was signed
    _, differ = rebuild_version(project, SAMPLE, "v2")
    assert differ == []
    assert verify_cli(project) == (0, "")


def test_check_reads_a_stipulation_as_it_reads_a_library_clause(project: Project) -> None:
    """A name no contract has, in a variant this contract does not choose, is still found."""
    _own(
        project,
        "litiges.md",
        LITIGES.replace(
            "intitule: Règlement des litiges\n",
            "intitule: Règlement des litiges\nselon: organisme.forme_juridique\n",
        ).split("---\nLes parties")[0]
        + "---\n::: variante association\nTexte.\n:::\n\n"
        "::: variante gcsms\nTexte pour {{ groupement_inconnu }}.\n:::\n",
    )
    status, err = _cli(project, "check", CHRS)
    assert status == 1
    line = next(row for row in err.split("\n") if "groupement_inconnu" in row)
    assert line.startswith(f"contracts/{CHRS}/clauses/litiges.md:15: ")
    assert line.endswith("[template.unknown-name]")


def test_the_redline_marks_the_stipulation_as_any_changed_article(project: Project) -> None:
    """From a recorded version on the library's text to the draft with its stipulations:
    accepting every change gives the draft, rejecting them the recorded version."""
    import copy

    from assemble.pipeline import build_redline
    from assemble.render import ooxml

    name = record_version(project, CHRS)
    before = ooxml.paragraph_texts(
        ooxml.read_part(Outputs.of(project.build / CHRS, CHRS).docx.read_bytes())
    )
    _own(project, "litiges.md", LITIGES)
    _own(project, "hebergement-urgence.md", NOUVEL_ARTICLE)
    after = ooxml.paragraph_texts(ooxml.read_part(build_contract(project, CHRS).docx.read_bytes()))
    paths, _ = build_redline(project, CHRS, name, "projet")
    root = ooxml.read_part(paths[0].read_bytes())
    accepted = ooxml.paragraph_texts(ooxml.accept_all(copy.deepcopy(root)))
    rejected = ooxml.paragraph_texts(ooxml.reject_all(copy.deepcopy(root)))
    assert _from_article_1(accepted) == _from_article_1(after)
    assert _from_article_1(rejected) == _from_article_1(before)
    inserted = "".join(t.text or "" for t in root.iter(ooxml.w("t")) if _in(t, "ins"))
    deleted = "".join(t.text or "" for t in root.iter(ooxml.w("delText")))
    assert "de Bordeaux" in plain(inserted)  # word by word, as for any changed article
    assert "Places d'hébergement d'urgence" in plain(inserted)
    assert "territorialement compétent" in plain(deleted)


def _in(element: object, tag: str) -> bool:
    from assemble.render import ooxml

    parent = getattr(element, "getparent", lambda: None)()
    while parent is not None:
        if parent.tag == ooxml.w(tag):
            return True
        parent = parent.getparent()
    return False


def _from_article_1(paragraphs: list[str]) -> list[str]:
    texts = [plain(p) for p in paragraphs]
    return texts[next(i for i, p in enumerate(texts) if p.startswith("Article 1 –")) :]


def test_a_batch_rebuilds_a_contract_whose_stipulation_changed(project: Project) -> None:
    from assemble.lifecycle.freshness import Sources, stale_reasons, tool_fingerprint
    from assemble.pipeline import build_stamped

    fingerprint = tool_fingerprint()
    path = _own(project, "litiges.md", LITIGES)
    build_stamped(project, CHRS, fingerprint)
    assert stale_reasons(project, CHRS, fingerprint, Sources(project.root)) == []
    path.write_text(LITIGES.replace("version: 1", "version: 2"), encoding="utf-8")
    reasons = stale_reasons(project, CHRS, fingerprint, Sources(project.root))
    assert reasons == [f"contracts/{CHRS}/clauses/litiges.md modifié"]
    # The history the lock names must be there too.
    build_stamped(project, CHRS, fingerprint)
    published = project.history.clause_path("litiges", 2, CHRS)
    published.unlink()
    reasons = stale_reasons(project, CHRS, fingerprint, Sources(project.root))
    assert reasons == [
        f"historique incomplet : history/contracts/{CHRS}/clauses/litiges/v2.md absent"
    ]


def test_a_clauses_folder_linked_out_of_the_contract_is_refused(
    project: Project, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "litiges.md").write_text(LITIGES, encoding="utf-8")
    project.stipulations(CHRS).symlink_to(elsewhere, target_is_directory=True)
    status, err = _cli(project, "build", CHRS)
    assert status == 2
    assert f"contracts/{CHRS}/clauses: lien symbolique vers {elsewhere}" in err
    assert "[usage.path]" in err
    assert not (project.build / CHRS).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source", '"ailleurs"', "source d'article invalide : « ailleurs »"),
        ("remplace", '"../../etc"', "version remplacée invalide : « ../../etc »"),
    ],
)
def test_a_lock_naming_an_unknown_source_is_refused(
    project: Project, field: str, value: str, message: str
) -> None:
    _own(project, "litiges.md", LITIGES)
    build_contract(project, CHRS)
    lock = project.lock_path(CHRS)
    text = lock.read_text(encoding="utf-8")
    lock.write_text(
        text.replace(
            '"source": "contrat",\n      "remplace": 1',
            f'"source": "contrat",\n      "{field}": {value}',
        )
        if field == "remplace"
        else text.replace('"source": "contrat"', f'"source": {value}'),
        encoding="utf-8",
    )
    with pytest.raises(CpomError) as caught:
        read_lock(lock)
    problem = caught.value.problems[0]
    assert (problem.code, problem.path, problem.message) == ("lock.invalid", lock, message)
