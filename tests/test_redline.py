"""Redlines: accepting every change gives the new version, rejecting every change the old one."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from assemble.avenant import build_everything
from assemble.build import Project, build_contract, rebuild_version
from assemble.errors import UsageError
from assemble.pandoc import pandoc_path
from assemble.redline import build_redline

from conftest import LOZERE, SAMPLE, drop_lines, edit, signed_copy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NEW_CLAUSE = """---
id: confidentialite
version: 1
titre: duree
ordre: 45
intitule: Confidentialité
---
Les parties s'engagent à ne pas divulguer les informations nominatives relatives aux personnes
accompagnées dont elles ont connaissance dans l'exécution du contrat.
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return signed_copy(tmp_path)


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def one_word(project: Project) -> None:
    edit(_data(project), "délai moyen de quatorze mois", "délai moyen de douze mois")


def added_article(project: Project) -> None:
    (project.clauses / "06-titre-V-duree" / "45-confidentialite.md").write_text(
        NEW_CLAUSE, encoding="utf-8"
    )


def added_establishment(project: Project) -> None:
    edit(_data(project), "\noptions:", "\n" + LOZERE)


def changed_amount(project: Project) -> None:
    edit(_data(project), "dotation: 2870000.00", "dotation: 2915000.00")


def removed_annex(project: Project) -> None:
    edit(
        _data(project),
        "    modalite: evolution_encadree\n    date_autorisation: 2024-11-15\n"
        "    taux_plafond: 1.5\n    montant_annuel: 271800.00\n",
        "    modalite: aucun\n",
    )
    drop_lines(_data(project), "    quote_part_frais_de_siege:")


def _words(docx: Path, mode: str | None = None) -> list[str]:
    args = [pandoc_path(), str(docx), "-t", "json"]
    if mode:
        args.append(f"--track-changes={mode}")
    ast = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    # The words as written: formatting (small capitals of older templates) and layout aside.
    text = " ".join(_strings(ast["blocks"]))
    return [w for w in text.split() if not re.fullmatch(r"[-+=|:]+", w)]


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return [str(node["c"])]
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


@pytest.mark.parametrize(
    "change",
    [one_word, added_article, added_establishment, changed_amount, removed_annex],
    ids=lambda f: f.__name__,
)
def test_accept_all_gives_new_reject_all_gives_old(
    project: Project, change: Callable[[Project], None]
) -> None:
    before = rebuild_version(project, SAMPLE, "v1")[0].docx
    change(project)
    after = build_contract(project, SAMPLE).docx
    [redline], _ = build_redline(project, SAMPLE, "v1", "projet", "Relecteur")
    assert redline == project.build / SAMPLE / "redline-v1-projet.docx"
    assert _words(redline, "accept") == _words(after)
    assert _words(redline, "reject") == _words(before)


def _revisions(docx: Path) -> list[etree._Element]:
    xml = zipfile.ZipFile(docx).read("word/document.xml")
    root = etree.fromstring(xml)
    return [e for e in root.iter(f"{W}ins", f"{W}del")]


def _text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))


def test_one_word_is_one_word(project: Project) -> None:
    build_contract(project, SAMPLE)
    one_word(project)
    build_contract(project, SAMPLE)
    [redline], summary = build_redline(project, SAMPLE, "v1", "projet", "Relecteur")
    revisions = _revisions(redline)
    assert [(e.tag, _text_of(e)) for e in revisions] == [
        (f"{W}del", "quatorze"),
        (f"{W}ins", "douze"),
    ]
    assert (summary.changed, summary.added, summary.removed) == (1, 0, 0)


def test_changed_amount_marks_only_the_changed_values(project: Project) -> None:
    changed_amount(project)
    [redline], summary = build_redline(project, SAMPLE, "v1", "projet", "Relecteur")
    changed = {_text_of(e) for e in _revisions(redline)}
    assert "2\u202f870\u202f000,00\u00a0€" in changed and "2\u202f915\u202f000,00\u00a0€" in changed
    assert not any("Tamaris" in text for text in changed)  # the row's other cells are kept
    assert summary.annexes_changed == 2  # establishments table and financial annex


def test_renumbered_article_is_not_a_rewrite(project: Project) -> None:
    added_article(project)
    [redline], summary = build_redline(project, SAMPLE, "v1", "projet", "Relecteur")
    assert (summary.changed, summary.added) == (0, 1)
    texts = [_text_of(e) for e in _revisions(redline)]
    assert any("Confidentialité" in t for t in texts)
    assert "Règlement des litiges" not in " ".join(texts)  # Article 21 → 22: the number only


def test_revisions_are_valid_and_attributed(project: Project) -> None:
    added_establishment(project)
    [redline], _ = build_redline(project, SAMPLE, "v1", "projet", "Mme Relectrice")
    root = etree.fromstring(zipfile.ZipFile(redline).read("word/document.xml"))
    revision_ids = [e.get(f"{W}id") for e in root.iter(f"{W}ins", f"{W}del")]
    other_ids = {e.get(f"{W}id") for e in root.iter(f"{W}bookmarkStart", f"{W}commentRangeStart")}
    assert len(revision_ids) == len(set(revision_ids)) > 10
    assert not set(revision_ids) & other_ids
    assert {e.get(f"{W}author") for e in root.iter(f"{W}ins", f"{W}del")} == {"Mme Relectrice"}
    assert {e.get(f"{W}date") for e in root.iter(f"{W}ins")} == {"2026-12-15T00:00:00Z"}
    comments = zipfile.ZipFile(redline).read("word/comments.xml").decode()
    assert "1 article ajouté" not in comments and "3 articles modifiés" in comments


def test_identical_versions_are_a_usage_error(project: Project) -> None:
    with pytest.raises(UsageError):
        build_redline(project, SAMPLE, "projet", "draft")


def test_pdf_shows_the_changes(project: Project) -> None:
    one_word(project)
    paths, _ = build_redline(project, SAMPLE, "v1", "projet", "Relecteur", pdf=True)
    pdf = next(p for p in paths if p.suffix == ".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "quatorze" in text and "douze" in text
    assert "Comparaison de la version v1 et de la version projet : 1 article modifié" in (
        text.replace("\n", " ")
    )
    source = io.BytesIO(pdf.read_bytes())
    assert PdfReader(source).metadata is not None


def test_make_contracts_writes_the_redline_since_signature(project: Project) -> None:
    changed_amount(project)
    built = build_everything(project, SAMPLE)
    assert f"{SAMPLE} redline-v1-projet.docx" in built
    assert (project.build / SAMPLE / "redline-v1-projet.docx").is_file()


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent : test d'ouverture sauté")
def test_libreoffice_shows_the_tracked_changes(project: Project, tmp_path: Path) -> None:
    one_word(project)
    [redline], _ = build_redline(project, SAMPLE, "v1", "projet", "Relecteur")
    profile = tmp_path / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(redline),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / f"{redline.stem}.pdf").pages)
    assert "quatorzedouze" in text.replace(" ", "") or ("quatorze" in text and "douze" in text)
