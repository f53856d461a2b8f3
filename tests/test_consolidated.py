"""Consolidated versions read back as a drafter checks them: the mention on the cover and on
every page, the table of acts, no signature, the amended articles marked; and the dates of an
avenant reconciled at archiving."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import pytest

from assemble.archive.listing import list_archive
from assemble.archive.store import archive_version
from assemble.compose.consolidated import amendment_note, numbers
from assemble.compose.document import Amendment
from assemble.core.errors import CpomError
from assemble.lifecycle.avenant import prepare_avenant
from assemble.lifecycle.lock import read_lock
from assemble.pipeline import build_avenant, build_everything, rebuild_version
from assemble.project import LOCK_FILE, Project

from conftest import SAMPLE, copy_repository, edit, signed_copy, uncached
from pdf_text import pdf_pages

MENTION_1 = (
    "Version consolidée au 1er septembre 2027 intégrant l’avenant n° 1 — sans valeur d’original"
)
OLD_COVER = "0dcfc77ca98744fcbb5a28cdbb6d8b638abc5a2533862e00bcbf2a500f536b71"  # before the mention
OLD_TYPST = "af0f3936368562b11ce351f140046e58aa6816dd8525eef43077b1b7e09319a1"


def _flat(text: str) -> str:
    """Text with its no-break spaces as plain spaces, for comparisons."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _avenant_file(project: Project, number: int = 1, extra: str = "") -> Path:
    path = project.contracts / SAMPLE / "avenants" / f"avenant-{number}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "motif: la prise en compte des évolutions du périmètre et des moyens.\n"
        "date_effet: 2027-09-01\n" + extra,
        encoding="utf-8",
    )
    return path


def _capacity(project: Project, before: int, after: int) -> None:
    edit(
        project.contracts / SAMPLE / "contract.yaml",
        f"      - {{type: hebergement_permanent, places: {before}}}",
        f"      - {{type: hebergement_permanent, places: {after}}}",
    )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return signed_copy(tmp_path)


# --- the wording -------------------------------------------------------------------------


def test_numbers_and_amendment_notes_read_as_french() -> None:
    assert [numbers(v) for v in ([1], [1, 2], [1, 2, 3], [1, 3, 4])] == [
        "n° 1",
        "n° 1 et 2",
        "n° 1 à 3",
        "n° 1, 3 et 4",
    ]
    replaced = (Amendment(1, "remplacement"),)
    assert amendment_note("Article 9", replaced) == "(modifié par l’avenant n° 1)"
    assert amendment_note("Annexe 1", replaced) == "(modifiée par l’avenant n° 1)"
    chain = (Amendment(1, "insertion"), Amendment(2, "remplacement"), Amendment(3, "remplacement"))
    assert amendment_note("Article 4", chain) == (
        "(inséré par l’avenant n° 1, modifié par les avenants n° 2 et 3)"
    )


# --- the archived consolidated version (v2 of the two_versions repository) ---------------


def _pdf_pages(path: Path) -> list[str]:
    return [_flat(page) for page in pdf_pages(path)]


def test_archived_consolidated_pdf_has_the_mention_on_every_page_and_no_signature(
    two_versions: Project,
) -> None:
    pages = _pdf_pages(two_versions.archive / SAMPLE / "v2" / f"{SAMPLE}.pdf")
    mention = _flat(MENTION_1)
    assert len(pages) > 10
    assert all(mention in page for page in pages), [
        i + 1 for i, page in enumerate(pages) if mention not in page
    ]
    cover = pages[0]
    assert "Actes intégrés à la présente version consolidée" in cover
    assert "Contrat 15 décembre 2026 1er janvier 2027" in cover
    assert "Avenant n° 1 1er juin 2027 1er septembre 2027" in cover
    text = " ".join(pages)
    for original in ("Fait à", "exemplaires originaux, dont", "Signature et cachet"):
        assert original not in text
    assert "Signatures des parties" not in text
    assert (
        "seuls font foi les exemplaires originaux du contrat (signé le 15 décembre 2026) et de "
        "l’avenant n° 1 (signé le 1er juin 2027)"
    ) in text
    # The avenant replaced the dénonciation article (notice of 6 then 3 months), only it.
    assert "– Dénonciation (modifié par l’avenant n° 1)" in text
    assert text.count("(modifié par l’avenant n° 1)") == 1


def test_archived_consolidated_word_has_the_mention_on_cover_and_every_header(
    two_versions: Project,
) -> None:
    document = docx.Document(str(two_versions.archive / SAMPLE / "v2" / f"{SAMPLE}.docx"))
    paragraphs = [_flat(p.text) for p in document.paragraphs]
    mention = _flat(MENTION_1)
    assert mention in paragraphs[:8]  # under the title on the cover
    for section in document.sections:
        # every w:t: the reference is the cached result of a DOCPROPERTY field
        header = [_flat("".join(p._p.xpath(".//w:t/text()"))) for p in section.header.paragraphs]
        assert header[0] == mention and "CPOM-OCC-2027-014" in header[1]
        assert not section.first_page_header.paragraphs or mention not in " ".join(
            p.text for p in section.first_page_header.paragraphs
        )
    [acts] = [t for t in document.tables if t.rows[0].cells[0].text == "Acte"]
    rows = [[_flat(c.text) for c in row.cells] for row in acts.rows]
    assert rows == [
        ["Acte", "Date de signature", "Date d'effet"],
        ["Contrat", "15 décembre 2026", "1er janvier 2027"],
        ["Avenant n° 1", "1er juin 2027", "1er septembre 2027"],
    ]
    text = "\n".join(paragraphs)
    assert "Fait à" not in text and "Signature et cachet" not in text
    headings = [
        _flat(p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Heading 2"
    ]
    marked = [h for h in headings if "modifié" in h]
    assert len(marked) == 1 and marked[0].endswith("– Dénonciation (modifié par l’avenant n° 1)")


def test_archived_consolidated_markdown_and_lock_say_what_it_is(two_versions: Project) -> None:
    folder = two_versions.archive / SAMPLE / "v2"
    markdown = (folder / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert f'consolidation: "{MENTION_1}"' in _flat(markdown)
    assert "{#signatures" not in markdown and "{#sans-signatures}" in markdown
    lock = read_lock(folder / LOCK_FILE)
    assert lock.consolidation is not None and lock.consolidation.last == 1
    assert [(a.avenant, a.date_signature) for a in lock.consolidation.actes] == [
        (None, dt.date(2026, 12, 15)),
        (1, dt.date(2027, 6, 1)),
    ]
    # The contract signed (v1) stays an original: its lock has no consolidation.
    assert read_lock(two_versions.archive / SAMPLE / "v1" / LOCK_FILE).consolidation is None


def test_archived_consolidated_version_rebuilds_identically(
    two_versions: Project, tmp_path: Path
) -> None:
    project = uncached(copy_repository(two_versions, tmp_path / "depot"))
    outputs, differ = rebuild_version(project, SAMPLE, "v2")
    assert differ == []
    assert (
        outputs.pdf.read_bytes() == (project.archive / SAMPLE / "v2" / f"{SAMPLE}.pdf").read_bytes()
    )


def test_make_list_names_each_version_and_its_avenant(two_versions: Project) -> None:
    entries, _ = list_archive(two_versions)
    assert [_flat(e.title) for e in entries if e.contract == SAMPLE] == [
        "v1 — contrat du 15 décembre 2026",
        "v2 — avenant n° 1 du 1er juin 2027",
    ]


# --- a chain of avenants -------------------------------------------------------------------


def test_second_avenant_consolidates_both_and_marks_each_article_with_its_avenants(
    project: Project, tmp_path: Path
) -> None:
    _capacity(project, 40, 44)
    _avenant_file(project, 1, "date_signature: 2027-08-20\n")
    first = build_avenant(project, SAMPLE)
    assert first is not None
    signed = tmp_path / "avenant-1-signe.pdf"
    signed.write_bytes(first.rendered.pdf)
    archive_version(project, SAMPLE, signed)  # DATE from the avenant file
    _capacity(project, 44, 46)
    edit(project.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 3")
    (project.contracts / SAMPLE / "avenants" / "avenant-2.yaml").write_text(
        "motif: la capacité et le préavis.\ndate_effet: 2028-01-01\n", encoding="utf-8"
    )
    second = build_avenant(project, SAMPLE)
    assert second is not None and second.number == 2
    markdown = second.consolidated.rendered.markdown.replace("\u00a0", " ")
    assert (
        'consolidation: "Version consolidée au 1er janvier 2028 intégrant les avenants n° 1 et 2 '
        '— sans valeur d’original"'
    ) in markdown
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert any(
        "Établissements et services" in h and "(modifiée par les avenants n° 1 et 2)" in h
        for h in headings
    ), headings
    assert any("(modifié par l’avenant n° 2)" in h for h in headings)
    rows = [
        [_flat(c.text) for c in row.cells]
        for t in docx.Document(io.BytesIO(second.consolidated.rendered.docx)).tables
        if t.rows[0].cells[0].text == "Acte"
        for row in t.rows
    ]
    assert rows[1:] == [
        ["Contrat", "15 décembre 2026", "1er janvier 2027"],
        ["Avenant n° 1", "20 août 2027", "1er septembre 2027"],
        ["Avenant n° 2", "non encore signé", "1er janvier 2028"],
    ]


# --- old templates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "digest"), [("couverture.docx", OLD_COVER), ("contrat.typ", OLD_TYPST)]
)
def test_a_template_without_the_mention_refuses_to_print_a_consolidated_version(
    project: Project, name: str, digest: str
) -> None:
    target = project.templates / name
    shutil.copyfile(project.history.blob(digest, Path(name).suffix), target)
    _capacity(project, 40, 44)
    _avenant_file(project)
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == ("template.consolidation", target)


# --- dates -----------------------------------------------------------------------------------


def _ready(project: Project, tmp_path: Path, extra: str = "") -> Path:
    _capacity(project, 40, 44)
    _avenant_file(project, 1, extra)
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    signed = tmp_path / "avenant-signe.pdf"
    signed.write_bytes(draft.rendered.pdf)
    return signed


def test_archive_refuses_a_date_other_than_the_printed_one(
    project: Project, tmp_path: Path
) -> None:
    signed = _ready(project, tmp_path, "date_signature: 2027-08-20\n")
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, signed, dt.date(2027, 8, 19))
    [problem] = caught.value.problems
    assert problem.code == "archive.date-mismatch"
    assert problem.path == project.contracts / SAMPLE / "avenants" / "avenant-1.yaml"
    assert problem.line == 3
    assert "DATE=2027-08-19" in _flat(problem.message) and "20 août 2027" in _flat(problem.message)
    assert "DATE=2027-08-20" in (problem.hint or "")
    assert not (project.archive / SAMPLE / "v2").exists()
    archived = archive_version(project, SAMPLE, signed, dt.date(2027, 8, 20))
    assert archived.version == "v2"


def test_archive_refuses_a_contract_date_other_than_the_printed_one(tmp_path: Path) -> None:
    from conftest import copy_project

    project = copy_project(tmp_path / "depot", [SAMPLE])
    from assemble.pipeline import build_contract

    signed = tmp_path / "signe.pdf"
    signed.write_bytes(build_contract(project, SAMPLE).pdf.read_bytes())
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, signed, dt.date(2026, 12, 14))
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == (
        "archive.date-mismatch",
        project.contracts / SAMPLE / "contract.yaml",
    )
    text = (project.contracts / SAMPLE / "contract.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[(problem.line or 0) - 1].strip() == "date_signature: 2026-12-15"


def test_a_retroactive_date_d_effet_must_be_declared_with_its_motif(
    project: Project, tmp_path: Path
) -> None:
    _capacity(project, 40, 44)
    path = _avenant_file(project, 1, "date_signature: 2027-09-15\n")
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.path, problem.line) == ("avenant.retroactive", path, 2)
    assert "1er septembre 2027" in _flat(problem.message)
    assert "15 septembre 2027" in _flat(problem.message)

    _avenant_file(project, 1, "date_signature: 2027-09-15\nretroactif: true\n")
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("avenant.retroactive", 4)

    _avenant_file(
        project,
        1,
        "date_signature: 2027-09-15\nretroactif: true\n"
        "motif_retroactivite: l'ouverture du service le 1er septembre 2027\n",
    )
    draft = build_avenant(project, SAMPLE)
    assert draft is not None
    assert _flat(
        "Le présent avenant prend effet le 1er septembre 2027, date antérieure à sa signature : "
        "les parties conviennent de cet effet rétroactif, motivé par l'ouverture du service le "
        "1er septembre 2027."
    ) in _flat(draft.rendered.markdown)


def test_retroactivity_is_checked_against_the_date_given_at_archiving(
    project: Project, tmp_path: Path
) -> None:
    signed = _ready(project, tmp_path)  # no date in the file: printed blank
    with pytest.raises(CpomError) as caught:
        archive_version(project, SAMPLE, signed, dt.date(2027, 9, 2))
    assert [p.code for p in caught.value.problems] == ["avenant.retroactive"]


def test_a_declared_retroactivity_that_is_not_one_is_refused(project: Project) -> None:
    _capacity(project, 40, 44)
    _avenant_file(
        project, 1, "date_signature: 2027-08-01\nretroactif: true\nmotif_retroactivite: x\n"
    )
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    assert [(p.code, p.line) for p in caught.value.problems] == [("avenant.retroactive", 4)]


@pytest.mark.parametrize(("number", "gap"), [(2, False), (3, True)])
def test_an_avenant_file_out_of_sequence_is_an_error(
    project: Project, number: int, gap: bool
) -> None:
    _capacity(project, 40, 44)
    path = _avenant_file(project, number)
    with pytest.raises(CpomError) as caught:
        build_everything(project, SAMPLE)
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == ("avenant.sequence", path)
    assert f"avenant n° {number} hors séquence" in problem.message
    assert ("il manquerait les n° 1 à 2" in problem.message) is gap
    assert "avenant-1.yaml" in (problem.hint or "")
    _avenant_file(project, 1)
    with pytest.raises(CpomError) as caught:
        prepare_avenant(project, SAMPLE)
    assert [p.code for p in caught.value.problems] == ["avenant.sequence"]
