"""Each rule of the contract data has its own code: one contract edit per code, located.

Every case edits a sample contract as a drafter would and checks the one problem it causes: its
code, the line it points at, and what the message says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assemble.contract.load import validate_contract
from assemble.core.codes import CODES
from assemble.core.errors import CpomError, Problem
from assemble.core.sources import load_yaml
from assemble.library.clauses import load_library

from conftest import ROOT, SAMPLE

GCSMS = "gcsms-estuaire"


@dataclass(frozen=True)
class Case:
    code: str
    edits: tuple[tuple[str, str], ...]
    marker: str  # text of the line the problem points at
    says: str  # what the message says
    contract: str = SAMPLE


CASES = [
    Case("data.missing", (("  lieu_signature: Montpellier\n", ""),), "contrat:", "manquant"),
    Case(
        "data.unknown-field",
        (("  lieu_signature: Montpellier\n", "  lieu_signature: Montpellier\n  lieux: Sète\n"),),
        "  lieux: Sète",
        "contrat.lieux: champ inconnu",
    ),
    Case(
        "data.type",
        (("    nom: Bernard Castel", "    nom: [Bernard, Castel]"),),
        "nom: [Bernard, Castel]",
        "un texte est attendu",
    ),
    Case(
        "data.choice",
        (("modalite: ppi", "modalite: plan"),),
        "modalite: plan",
        "« plan » non admise",
    ),
    Case(
        "data.format",
        (('siren: "782345672"', 'siren: "78234567"'),),
        'siren: "78234567"',
        "organisme.siren: « 78234567 » n'a pas la forme attendue",
    ),
    Case(
        "data.empty",
        (("  lieu_signature: Montpellier", '  lieu_signature: ""'),),
        'lieu_signature: ""',
        "texte vide",
    ),
    Case(
        "data.number",
        (("  duree_annees: 5\n  lieu", "  duree_annees: cinq\n  lieu"),),
        "duree_annees: cinq",
        "« cinq » n'est pas un nombre entier",
    ),
    Case(
        "data.decimals",
        (("taux_actualisation: 1.2", "taux_actualisation: 1.2345"),),
        "taux_actualisation: 1.2345",
        "trop de décimales",
    ),
    Case(
        "data.date",
        (("date_effet: 2027-01-01", 'date_effet: "janvier 2027"'),),
        "date_effet:",
        "« janvier 2027 » n'est pas une date",
    ),
    Case(
        "data.out-of-range",
        (("  duree_annees: 5\n  lieu", "  duree_annees: 7\n  lieu"),),
        "duree_annees: 7",
        "hors limites : au plus 5",
    ),
    Case(
        "data.finess",
        (('"340780154"', '"340780155"'),),
        '"340780155"',
        "la clé de contrôle du numéro FINESS « 340780155 » est fausse",
    ),
    Case(
        "data.departement",
        (('  departement: "34"\n  finess', '  departement: "99"\n  finess'),),
        'departement: "99"',
        "« 99 » n'est pas un code de département",
    ),
    Case(
        "data.finess-departement",
        (('    departement: "30"\n    commune: Alès', '    departement: "34"\n    commune: Alès'),),
        '    departement: "34"\n    commune: Alès',
        "ne correspond pas au FINESS 300780368",
    ),
    Case(
        "data.requires",
        (("    taux_plafond: 1.5\n", ""),),
        "  frais_de_siege:",
        "la modalité « evolution_encadree » exige : taux_plafond",
    ),
    Case(
        "data.requires",
        (
            (
                "  multi_departements:\n    critere: siege\n"
                "    declinaison: declinaisons_departementales\n",
                "",
            ),
        ),
        "options:",
        "options.multi_departements: exigé",
    ),
    Case(
        "data.financing-kind",
        (("{financeur: ars-occitanie, dotation: 2870000.00}", "{financeur: ars-occitanie}"),),
        "{financeur: ars-occitanie}",
        "précisez la nature du financement",
    ),
    Case(
        "data.duplicate",
        (('"340780154"', '"340780121"'),),
        '- finess: "340780121"\n    nom: Les Tamaris\n    categorie: SESSAD',
        "le FINESS 340780121 figure deux fois",
    ),
    Case(
        "data.unknown-reference",
        (
            (
                "{financeur: cd-herault, dotation: 1684300.00}",
                "{financeur: cd-gard, dotation: 1684300.00}",
            ),
        ),
        "financeur: cd-gard",
        "« cd-gard » n'est pas une autorité du contrat",
    ),
    Case(
        "data.unused",
        (("    membre: fondation-genets", "    membre: trajectoires-44"),),
        "- cle: fondation-genets",
        "« fondation-genets » ne gère aucun établissement",
        contract=GCSMS,
    ),
    Case(
        "data.year-outside",
        (("            echeance: 2029\n", "            echeance: 2035\n"),),
        "echeance: 2035",
        "2035 hors de la durée du contrat (2027-2031)",
    ),
    Case(
        "data.period-order",
        (("    annee_fin: 2031\n", "    annee_fin: 2028\n"),),
        "annee_fin: 2028",
        "annee_fin: antérieure à annee_debut",
    ),
    Case(
        "data.sum-mismatch",
        (("    montant_annuel: 271800.00", "    montant_annuel: 271900.00"),),
        "montant_annuel: 271900.00",
        "271\u202f900,00\xa0€ autorisés, mais les quotes-parts des établissements totalisent "
        "271\u202f800,00\xa0€",
    ),
]


def _edited(case: Case) -> tuple[Path, str]:
    path = ROOT / "contracts" / case.contract / "contract.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in case.edits:
        assert text.count(old) == 1, f"{old!r} n'est pas unique dans {case.contract}"
        text = text.replace(old, new)
    return path, text


def _problems(contract: str, path: Path, text: str) -> list[Problem]:
    raw, lines = load_yaml(text, path)
    with pytest.raises(CpomError) as caught:
        validate_contract(contract, raw, lines, draft=True)
    return list(caught.value.problems)


def _line(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1 + marker.startswith("\n")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.code}:{c.says[:30]}")
def test_each_data_rule_has_its_code(case: Case) -> None:
    path, text = _edited(case)
    [problem] = _problems(case.contract, path, text)
    assert (problem.code, problem.line) == (case.code, _line(text, case.marker))
    assert case.says in problem.message
    assert str(problem).endswith(f"[{case.code}]\n    → {problem.hint}")


def test_every_data_code_is_exercised() -> None:
    covered = {c.code for c in CASES}
    # Declared elsewhere with their own tests: prorata (test_policy), text length and
    # impossible dates (test_bad_inputs), the draft rules of policy_signature (test_policy),
    # and the codes of `ignorer:` below.
    tested_elsewhere = {
        "data.prorata-months",
        "data.siren",
        "data.deliberation-date",
        "data.act-after-signature",  # test_avenant_files
        "data.text-too-long",
        "data.ignorer-unknown",
        "data.ignorer-refused",
        "data.prorogation",  # test_prorogation
        "data.prorogation-unsigned",
    }
    data_codes = {code for code in CODES if code.startswith("data.")}
    assert data_codes - tested_elsewhere == covered


def test_ignorer_refuses_errors_and_unknown_codes_at_their_line() -> None:
    path, text = _edited(Case("", (), "", ""))
    text += "\nignorer:\n  - lint.majuscule\n  - lint.annexe-inconnue\n  - lint.majuscul\n"
    text += "  - archive.staging\n"
    found = [(p.code, p.line, p.message, p.hint) for p in _problems(SAMPLE, path, text)]
    first = _line(text, "  - lint.annexe-inconnue")
    assert [(code, line) for code, line, _, _ in found] == [
        ("data.ignorer-refused", first),
        ("data.ignorer-unknown", first + 1),
        ("data.ignorer-refused", first + 2),
    ]
    error, unknown, archive = found
    assert "« lint.annexe-inconnue » est une erreur : elle se corrige" in error[2]
    assert error[3] is not None and "ref(" in error[3]  # the error's own fix
    assert unknown[2].endswith("vouliez-vous dire « lint.majuscule » ?")
    assert unknown[3] is not None and "lint.promesse-implicite" in unknown[3]
    assert "« archive.staging » est un avertissement qui ne porte pas sur le texte" in archive[2]


def test_only_warnings_are_silenceable() -> None:
    silenceable = {c.code for c in CODES.values() if c.silenceable}
    assert silenceable == {
        c.code for c in CODES.values() if c.family == "lint" and c.severity == "avertissement"
    }
    # The archive's warnings are about the state of the archive, not about one contract's text.
    assert {"archive.staging", "archive.uncommitted"}.isdisjoint(silenceable)


def test_a_new_clause_version_without_motif_has_its_code(tmp_path: Path) -> None:
    (tmp_path / "titres.yaml").write_text(
        "titres:\n  - cle: suivi\n    intitule: Modalités de suivi\n", encoding="utf-8"
    )
    header = "---\nid: a\nversion: 2\ntitre: suivi\nordre: 1\nintitule: A\n---\nTexte.\n"
    (tmp_path / "a.md").write_text(header, encoding="utf-8")
    with pytest.raises(CpomError) as caught:
        load_library(tmp_path)
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("clause.motif", 2)  # the header's first line
    assert "la version 2 exige un « motif: »" in problem.message
