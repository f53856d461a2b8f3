"""A term that a clause defines designates nothing once no clause of the contract defines it.

The sample's avenant n° 1 replaces the article that allocated the « dotation globale commune »
(clauses/termes.yaml): an article, an annex or a data value that still speaks of it is
refused by `make avenant` and reported by `make check`, located at the line that wrote it;
a partial upgrade that would leave one behind is refused the same way. The avenant's visas
cite the legal basis of the contract as amended, and the avenant file's dates are checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assemble.cli import main
from assemble.compose.lint import lint_contract
from assemble.contract.regimes import code_visa
from assemble.library.clauses import load_library
from assemble.lifecycle.stages import compose_draft, compose_version
from assemble.project import Project
from assemble.text.french import NBSP, NNBSP

from conftest import ROOT, SAMPLE, copy_project, edit, tree_state
from pdf_text import pdf_pages

FICHE = "globalisée commune de l'Agence régionale de santé selon l'échéancier approuvé."


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample as committed: signed v1 archived, its avenant n° 1 in progress."""
    made = copy_project(tmp_path, [SAMPLE])
    shutil.copytree(ROOT / "archive" / SAMPLE, made.archive / SAMPLE)
    monkeypatch.chdir(made.root)  # problems name their files from the repository
    return made


def _data(project: Project) -> Path:
    return project.contracts / SAMPLE / "contract.yaml"


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _run(project: Project, *args: str) -> int:
    return main(["--racine", str(project.root), *args])


def test_a_data_value_speaking_of_a_replaced_term_stops_the_avenant(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(_data(project), FICHE, "globale commune selon l'échéancier approuvé.")
    # A folded value is located at its key, the line before its text.
    line = _line(_data(project), "surcoûts d'exploitation couverts par la dotation") - 1
    before = tree_state(project.root, "build", "contracts", "history")
    assert _run(project, "avenant", SAMPLE) == 1
    err = capsys.readouterr().err.replace(NBSP, " ")
    assert f"contracts/{SAMPLE}/contract.yaml:{line}: Annexe 2 :" in err
    assert "« dotation globale commune » ne désigne plus rien" in err
    assert "[lint.terme-orphelin]" in err and "clauses/termes.yaml" in err
    assert tree_state(project.root, "build", "contracts", "history") == before
    # make check says the same, at the same line.
    assert _run(project, "check", SAMPLE) == 1
    assert f"contracts/{SAMPLE}/contract.yaml:{line}:" in capsys.readouterr().err


def test_a_partial_upgrade_leaving_the_term_behind_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """Back to the signed articles 10, 12 and 19 (as a partial upgrade of the financing
    clause alone left them): each is located at its clause line."""
    lock = project.lock_path(SAMPLE)
    text = lock.read_text(encoding="utf-8")
    for clause, version in (("versement", 4), ("investissement", 3), ("revision", 2)):
        text = text.replace(
            f'"clause": "{clause}",\n      "instance": null,\n      "version": {version},',
            f'"clause": "{clause}",\n      "instance": null,\n      "version": 1,',
        )
    lock.write_text(text, encoding="utf-8")
    before = tree_state(project.root, "build", "contracts")
    assert _run(project, "avenant", SAMPLE) == 1
    err = capsys.readouterr().err
    for clause, label in (("versement", "10"), ("investissement", "12"), ("revision", "19")):
        assert f"history/clauses/{clause}/v1.md:" in err, clause
        assert f"Article {label} :" in err.replace(NBSP, " ")
    assert err.count("[lint.terme-orphelin]") == 3
    assert tree_state(project.root, "build", "contracts") == before
    # Upgrading them with the financing clause is what resolves it.
    assert _run(project, "upgrade", SAMPLE, "--clause", "versement", "--clause",
                "investissement", "--clause", "revision") == 0  # fmt: skip
    out = capsys.readouterr().out.replace(NBSP, " ")
    assert "Article 10 (clause « versement ») : v1 → v4" in out


def test_a_contract_keeping_the_defining_clause_has_no_finding(project: Project) -> None:
    contract, doc, _ = compose_version(project, SAMPLE, "v1")
    library = load_library(project.clauses)
    found = lint_contract(contract, doc, library, terms_only=True)
    assert "dotation globale commune" in " ".join(a.body for a in doc.articles()).lower()
    assert found == []
    draft = compose_draft(project, SAMPLE, library)
    assert lint_contract(draft.contract, draft.document, draft.library, terms_only=True) == []


@pytest.mark.parametrize(
    ("content", "line", "code"),
    [
        ("- terme: dotation\n", 1, "library.termes"),
        ("termes:\n  - terme: dotation globale commune\n    clause: [x]\n", 3, None),
        ("termes:\n  - terme: dotation globale commune\n    clauses: []\n", 3, None),
    ],
)
def test_a_malformed_terms_file_is_located(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    content: str,
    line: int,
    code: str | None,
) -> None:
    (project.clauses / "termes.yaml").write_text(content, encoding="utf-8")
    assert _run(project, "check", SAMPLE) == 1
    err = capsys.readouterr().err
    assert f"clauses/termes.yaml:{line}:" in err
    if code is not None:
        assert f"[{code}]" in err


def test_the_avenant_visas_cite_the_basis_of_the_amended_contract(sample_avenant: Project) -> None:
    from assemble.lifecycle.avenant import avenant_folder

    folder = avenant_folder(sample_avenant, SAMPLE, 1)
    text = (folder / f"{SAMPLE}-avenant-1.md").read_text("utf-8")
    text = text.replace(NBSP, " ").replace(NNBSP, " ")
    assert (
        "Vu le code de l'action sociale et des familles, notamment ses articles L. 313-12-2, "
        "R. 314-43-1 et R. 314-210 et suivants ;"
    ) in text
    assert "L. 313-11" not in text.split("## Exposé")[0]
    assert "Vu l'avis du comité de suivi du contrat en date du 10 juin 2027.\n" in text
    assert (
        "- le fondement juridique du contrat, désormais conclu en application de l'article "
        "L. 313-12-2 du code de l'action sociale et des familles, et la mise en conformité de "
        "ses stipulations avec ce régime ;"
    ) in text
    assert (
        "- les moyens financiers alloués par le contrat, à compter du 1er septembre 2027 ;" in text
    )
    assert "la part de l'exercice 2027 qui précède cette date demeure régie par les" in text
    # Three motifs, listed; the regime's consequences carried into the replaced articles.
    assert "signé le 15 décembre 2026, pour les motifs suivants : l'intégration au" in text
    assert "; la rectification d'une erreur matérielle affectant le numéro SIREN" in text
    flat = " ".join(text.split())
    assert (
        "au moins égal au plus faible des taux d'actualisation des dotations arrêtés par les "
        "autorités de tarification" in flat
    )
    assert (
        "dans la limite des dotations régionales limitatives ou, pour les crédits du "
        "Département, des crédits inscrits à son budget, et ces établissements" in flat
    )
    assert "| quote-part de la dotation globalisée commune | 78 800,00 |" in flat
    # The avenant's cover states the basis of the contract as amended, not the signed one's.
    first = pdf_pages(folder / f"{SAMPLE}-avenant-1.pdf")[0]
    cover = " ".join(first.replace(NBSP, " ").replace("’", "'").split())
    assert "Conclu en application de l'article L. 313-12-2 du code de l'action sociale" in cover
    assert "L. 313-11 et suivants" not in cover


def test_a_committee_opinion_after_the_signature_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.contracts / SAMPLE / "avenants" / "avenant-1.yaml"
    edit(path, "comite_de_suivi: 2027-06-10\n", "comite_de_suivi: 2027-08-30\n"
         "date_signature: 2027-07-20\n")  # fmt: skip
    assert _run(project, "check", SAMPLE) == 1
    err = capsys.readouterr().err
    line = _line(path, "comite_de_suivi:")
    assert f"contracts/{SAMPLE}/avenants/avenant-1.yaml:{line}: comite_de_suivi: avis du " in err
    assert "[data.act-after-signature]" in err


@pytest.mark.parametrize(
    ("regimes", "visa"),
    [
        ((), "son article L. 313-11"),
        (("volontaire",), "son article L. 313-11"),
        (("handicap",), "ses articles L. 313-12-2, R. 314-43-1 et R. 314-210 et suivants"),
        (("ehpad",), "le IV ter de son article L. 313-12 et son article R. 314-210 et suivants"),
        (("chrs", "domicile"), "ses articles L. 313-11-1 et L. 313-11-2"),
    ],
)
def test_code_visa_names_each_regime(regimes: tuple[str, ...], visa: str) -> None:
    assert code_visa(regimes) == visa
