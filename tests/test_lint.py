"""The drafting lint: each pattern, reintroduced by a clause or a data value, is reported with
its code, the file and line that produced it, and a message a drafter can act on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assemble.cli import main
from assemble.compose.lint import lint_contract
from assemble.core.errors import CpomError, Problem
from assemble.lifecycle.stages import compose_draft
from assemble.project import Project

from conftest import ROOT, SAMPLE, edit

ESSAI = Path("clauses") / "05-titre-IV-suivi" / "90-essai.md"
HEADER = "---\nid: essai\nversion: 1\ntitre: suivi\nordre: 90\nintitule: Essai\n---\n"
FIRST = 8  # the first line of the body, after the six lines of the header


def label_of_essai(project: Project) -> str:
    """The number the test clause takes in the sample: last of Titre IV, after the library's."""
    return compose_draft(project, SAMPLE).document.article("essai").label.replace("\u00a0", " ")


def write_clause(project: Project, body: str) -> Path:
    path = project.root / ESSAI
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def lint(project: Project, contract: str = SAMPLE) -> list[Problem]:
    draft = compose_draft(project, contract)
    return lint_contract(draft.contract, draft.document, draft.library)


def only(problems: list[Problem], code: str, path: Path | None = None) -> Problem:
    """The one problem of `code` (in the file `path`, if given)."""
    found = [p for p in problems if p.code == code and path in (None, p.path)]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


# Each case: a clause body whose second line reintroduces one pattern; the code, severity and
# the words the message must contain.
CASES = [
    (
        "La dotation revenant à les Tilleuls est versée chaque mois.",
        "lint.contraction",
        "avertissement",
        "« La dotation revenant à les Tilleuls » : écrivez « aux Tilleuls »",
    ),
    (
        "Le siège est situé à Le Mans, dans le ressort de la cour.",
        "lint.contraction",
        "avertissement",
        "« siège est situé à Le Mans » : écrivez « au Mans »",
    ),
    (
        "Les comptes de le présent contrat sont tenus par exercice.",
        "lint.contraction",
        "avertissement",
        "« Les comptes de le présent » : écrivez « du présent »",
    ),
    (
        "Les Ateliers du Maine sont représentés par les Les Ateliers du Maine.",
        "lint.article-double",
        "avertissement",
        "« sont représentés par les Les » : article doublé devant un nom qui porte le sien",
    ),
    (
        "Conformément à l'article L.313-11 du code de l'action sociale et des familles.",
        "lint.citation",
        "avertissement",
        "« Conformément à l'article L.313-11 » : point collé au numéro",
    ),
    (
        "Conformément à l'article L.\n313-11 du code de l'action sociale et des familles.",
        "lint.citation",
        "avertissement",
        "« Conformément à l'article L. 313-11 » : citation coupée par un retour à la ligne",
    ),
    (
        "Vu la loi n°2015-1776 du 28 décembre 2015.",
        "lint.citation",
        "avertissement",
        "« Vu la loi n°2015-1776 » : espace manquante après n°",
    ),
    (
        "Les membres, ci-après « le comité technique », se réunissent.",
        "lint.terme-inutilise",
        "avertissement",
        "« Les membres, ci-après « le comité technique » » : terme défini mais jamais employé",
    ),
    (
        "Le rapport est remis à l'« instance de concertation » chaque année.",
        "lint.terme-non-defini",
        "avertissement",
        "« est remis à l'« instance de concertation » » : terme employé comme défini",
    ),
    (
        "Le calendrier des travaux figure à l'annexe 12 du présent contrat.",
        "lint.annexe-inconnue",
        "erreur",
        "« travaux figure à l'annexe 12 » : le contrat n'a pas d'annexe 12 "
        "(annexes : 1, 2, 3, 4, 5, 6)",
    ),
    (
        "Le calendrier des travaux figure en annexe du présent contrat.",
        "lint.promesse-implicite",
        "avertissement",
        "« calendrier des travaux figure en annexe du présent contrat » : promesse que rien "
        "ne vérifie",
    ),
    (
        "Pilote : Le directeur général de l'association.",
        "lint.majuscule",
        "avertissement",
        "« Pilote : Le » : minuscule après un deux-points",
    ),
    (
        "**Contexte :** les projets sont nombreux.",
        "lint.intertitre",
        "avertissement",
        "« **Contexte :** » : intertitre en ligne suivi d'un deux-points, "
        "écrivez « **Contexte.** »",
    ),
    (
        "L'organisme gestionnaire s'engage :\n\n- porter le taux à 97 % ;\n- former les équipes.",
        "lint.liste-introduction",
        "avertissement",
        "« L'organisme gestionnaire s'engage : » : devant des infinitifs, écrivez « s'engage à : »",
    ),
    (
        "- le taux d'occupation\n- les dépenses d'intérim.",
        "lint.liste-ponctuation",
        "avertissement",
        "« le taux d'occupation » : élément de liste à terminer par « ; »",
    ),
]


@pytest.mark.parametrize(("line", "code", "severity", "message"), CASES)
def test_a_clause_that_reintroduces_a_pattern_is_reported_at_its_line(
    scratch_project: Callable[..., Project], line: str, code: str, severity: str, message: str
) -> None:
    project = scratch_project()
    path = write_clause(project, f"Premier alinéa de l'article d'essai.\n\n{line}\n")
    problem = only(lint(project), code, path)
    assert (problem.line, problem.severity) == (FIRST + 2, severity)
    label = label_of_essai(project)
    assert problem.message.startswith(f"{label} : {message}"), problem.message


def test_the_sample_as_written_gives_no_contraction_nor_annex_problem(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    codes = {p.code for p in lint(project)}
    assert not codes & {"lint.contraction", "lint.annexe-inconnue", "lint.terme-inutilise"}


def test_pronouns_before_a_verb_and_annexes_of_other_texts_are_not_reported(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    write_clause(
        project,
        "Les parties s'attachent à les accompagner et à le faire savoir, afin de les informer.\n"
        "Le cahier des charges figure à l'annexe 3 de l'arrêté du 3 mars 2017.\n"
        "Les objectifs, ci-après « les engagements », sont suivis ; les engagements sont datés.\n"
        "Le plan de retour à l'équilibre figure à l'{{ ref('annexe-financiere') }}.\n"
        "Conformément à l'article L. 313-11 et au décret n° 2016-1815 du 21 décembre 2016.\n",
    )
    assert [str(p) for p in lint(project) if p.path == project.root / ESSAI] == []


def test_a_contraction_error_in_a_data_value_points_at_the_data(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    data = project.contracts / SAMPLE / "contract.yaml"
    text = data.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.split("\n"), 1) if t.lstrip().startswith("resultats:"))
    edit(data, "  resultats: ", "  resultats: Le déficit de les Tamaris est résorbé. ")
    problem = only(lint(project), "lint.contraction")
    assert (problem.path, problem.line) == (data, line)
    assert "« Le déficit de les Tamaris » : écrivez « des Tamaris »" in problem.message


def test_a_name_that_carries_its_article_prints_once_with_the_filters(
    scratch_project: Callable[..., Project],
) -> None:
    # « Les Ateliers du Maine » written in full, with article: "" : the filters never double
    # nor misplace the article; a clause that prints the two fields side by side is reported.
    project = scratch_project()
    data = project.contracts / SAMPLE / "contract.yaml"
    edit(
        data,
        'raison_sociale: Association Horizons\n  article: "l\'"',
        ('raison_sociale: Les Ateliers du Maine\n  article: ""'),
    )
    path = write_clause(
        project,
        "Le siège {{ organisme | du }} est à Montpellier ; la dotation revenant "
        "{{ organisme | au }} est versée.\n"
        "Fait pour {{ organisme.article }} les {{ organisme.raison_sociale }}.\n",
    )
    draft = compose_draft(project, SAMPLE)
    body = draft.document.article("essai").body
    assert "Le siège des Ateliers du Maine est à Montpellier" in body
    assert "la dotation revenant aux Ateliers du Maine est versée" in body
    problems = lint_contract(draft.contract, draft.document, draft.library)
    assert not [p for p in problems if p.code == "lint.contraction"]
    doubled = only(problems, "lint.article-double")
    assert (doubled.path, doubled.line) == (path, FIRST + 1)
    parties = draft.document.article("parties").body
    assert parties.startswith("Les Ateliers du Maine, association")
    assert "les Les" not in draft.document.article("perimetre").body


def test_a_promise_made_by_ref_is_checked_against_the_annex(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    path = write_clause(
        project,
        "Les dotations par financeur figurent à "
        "l'{{ ref('annexe-financiere', promet='Récapitulatif par financeur') }}.\n"
        "L'échéancier figure à "
        "l'{{ ref('annexe-financiere', promet=['calendrier des travaux']) }}.\n",
    )
    draft = compose_draft(project, SAMPLE)
    assert [(p.line, p.phrases) for p in draft.document.promesses] == [
        (FIRST, ("Récapitulatif par financeur",)),
        (FIRST + 1, ("calendrier des travaux",)),
    ]
    problem = only(lint_contract(draft.contract, draft.document, draft.library), "lint.promesse")
    assert (problem.path, problem.line, problem.severity) == (path, FIRST + 1, "erreur")
    assert problem.message == (
        "l'annexe 6 ne contient pas « calendrier des travaux », que promet ce renvoi"
    )
    body = draft.document.article("essai").body
    assert "figurent à l'[annexe\u00a06](#annexe-financiere)." in body


def test_a_data_value_that_starts_with_a_capital_after_a_colon_points_at_the_clause(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    path = write_clause(project, "Texte.\nQualité : {{ diagnostic.qualite }}\n")
    problem = only(lint(project), "lint.majuscule", path)
    assert problem.line == FIRST + 1


def test_the_filter_minuscule_fixes_what_the_lint_reports(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    path = write_clause(project, "Texte.\nQualité : {{ diagnostic.qualite | minuscule }}\n")
    assert not [p for p in lint(project) if p.path == path]
    assert (
        "Qualité : les évaluations conduites"
        in compose_draft(project, SAMPLE).document.article("essai").body
    )


# --- silencing warnings; exit codes of make check ---------------------------------------------


def test_a_contract_can_silence_a_warning_but_not_an_error(
    scratch_project: Callable[..., Project],
) -> None:
    project = scratch_project()
    write_clause(project, "Texte.\nPilote : Le directeur, selon l'annexe 12.\n")
    assert {"lint.majuscule", "lint.annexe-inconnue"} <= {p.code for p in lint(project)}
    data = project.contracts / SAMPLE / "contract.yaml"
    with data.open("a", encoding="utf-8") as stream:
        stream.write("\nignorer:\n  - lint.majuscule\n")
    codes = {p.code for p in lint(project)}
    assert "lint.majuscule" not in codes and "lint.annexe-inconnue" in codes
    line = len(data.read_text(encoding="utf-8").rstrip("\n").split("\n")) + 1
    with data.open("a", encoding="utf-8") as stream:
        stream.write("  - lint.annexe-inconnue\n  - lint.inexistant\n")
    with pytest.raises(CpomError) as caught:
        lint(project)
    problems = [(p.code, p.line, p.message) for p in caught.value.problems]
    assert problems[0] == (
        "data.ignorer-refused",
        line,
        "ignorer[1]: « lint.annexe-inconnue » est une erreur : elle se corrige, "
        "elle ne s'ignore pas",
    )
    assert problems[1][:2] == ("data.ignorer-unknown", line + 1)
    assert problems[1][2].startswith("ignorer[2]: « lint.inexistant » n'est pas un code connu")
    hint = caught.value.problems[1].hint or ""
    assert "lint.majuscule" in hint and "lint.annexe-inconnue" not in hint
    assert len(problems) == 2


def test_check_prints_warnings_and_exits_zero_then_one_for_an_error(
    scratch_project: Callable[..., Project],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = scratch_project()
    monkeypatch.chdir(project.root)
    (project.contracts / "schema.json").write_text(
        (ROOT / "contracts" / "schema.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    write_clause(project, "Texte.\nPilote : Le directeur.\n")
    label = label_of_essai(project)
    assert main(["--racine", str(project.root), "check"]) == 0
    captured = capsys.readouterr()
    assert f"{ESSAI}:{FIRST + 1}: avertissement : {label} : « Pilote : Le »" in captured.err
    assert "aucune erreur, " in captured.out
    write_clause(project, "Texte.\nPilote : Le directeur, selon l'annexe 12.\n")
    assert main(["--racine", str(project.root), "check"]) == 1
    err = capsys.readouterr().err
    assert f"{ESSAI}:{FIRST + 1}: {label} : « Le directeur, selon l'annexe 12 »" in err
    assert "[lint.annexe-inconnue]" in err and "[lint.majuscule]" in err


# --- the samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("contract", Project(ROOT).contract_ids())
def test_samples_have_no_lint_error(contract: str) -> None:
    project = Project(ROOT)
    problems = lint(project, contract)
    assert [str(p) for p in problems if p.severity == "erreur"] == []
    for problem in problems:
        assert problem.path is not None and problem.line is not None
        # A draft pinned to older clause versions (a signed contract's) reads them from history.
        assert any(
            problem.path.is_relative_to(ROOT / folder)
            for folder in ("clauses", "history/clauses", f"contracts/{contract}")
        ), str(problem)


def test_a_member_whose_name_carries_its_article_is_written_right_and_not_reported(
    scratch_project: Callable[..., Project],
) -> None:
    # The defect of issue 13: « revenant à Les Ateliers du Maine », « dont les Ateliers du Maine
    # détient ». The member annex now prints names with the filters au, du and verbe.
    project = scratch_project("gcsms-estuaire")
    data = project.contracts / "gcsms-estuaire" / "contract.yaml"
    edit(
        data,
        'raison_sociale: Association Trajectoires 44\n        article: "l\'"',
        'raison_sociale: Les Ateliers du Maine\n        article: ""',
    )
    problems = lint(project, "gcsms-estuaire")
    grammar = {"lint.contraction", "lint.article-double"}
    assert [str(p) for p in problems if p.code in grammar] == []
    articles = compose_draft(project, "gcsms-estuaire").document.articles()
    annex = next(a for a in articles if a.key == "annexe-membre-trajectoires-44")
    assert annex.heading == "Annexe propre aux Ateliers du Maine"
    for wrong in ("à Les Ateliers", "à les Ateliers", "de Les Ateliers", "Les Les"):
        assert wrong not in annex.body
    assert "Ateliers du Maine détiennent" in annex.body, annex.body


def test_a_list_may_end_with_a_comma_only_when_the_sentence_goes_on(
    scratch_project: Callable[..., Project],
) -> None:
    # The parties of a GCSMS: « et ses membres : - l'Association… ; - la Fondation…, ci-après
    # ensemble « les membres », » — the documented puces(",") form, never reported.
    project = scratch_project()
    goes_on = "Ses membres :\n\n- l'un ;\n- l'autre,\n\nci-après ensemble « les membres ».\n"
    write_clause(project, goes_on)
    assert [p for p in lint(project) if p.code == "lint.liste-ponctuation"] == []
    # A list that ends the sentence with a comma, followed by a new sentence, is reported.
    path = write_clause(project, "Ses membres :\n\n- l'un ;\n- l'autre,\n\nIls signent.\n")
    problem = only(lint(project), "lint.liste-ponctuation", path)
    assert problem.line == FIRST + 3 and "« . »" in problem.message


@pytest.mark.parametrize(
    "contract", ["association-bocage", "chrs-gironde", "gcsms-estuaire", "groupe-ker-avel"]
)
def test_the_unsigned_samples_read_without_a_single_warning(contract: str) -> None:
    # Promises made without a reference (« inscrit à l'annexe financière ») and lists closed by
    # the wrong sign are reworded at their source, not silenced with `ignorer`.
    assert [str(p) for p in lint(Project(ROOT), contract)] == []
