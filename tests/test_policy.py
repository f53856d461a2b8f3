"""Every combination the law does not allow is refused, located at the line to correct.

Each case edits a sample's contract.yaml as a drafter would, validates it as a draft and checks
the problem's code and that its line is the one the drafter must change. Recorded versions are
not held to these rules (they predate them): the last test checks that.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assemble.contract.load import validate_contract
from assemble.core.errors import CpomError, Problem
from assemble.core.sources import LineMap, load_yaml

from conftest import ROOT


@dataclass(frozen=True)
class Case:
    contract: str
    edits: tuple[tuple[str, str], ...]
    code: str
    marker: str  # text of the line the problem must point at


def _edited(contract: str, edits: tuple[tuple[str, str], ...]) -> tuple[object, LineMap, list[str]]:
    """The sample's data with the drafter's edits: parsed value, line map, and its lines."""
    path = ROOT / "contracts" / contract / "contract.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"{old!r} absent de {contract}"
        text = text.replace(old, new, 1)
    raw, lines = load_yaml(text, path)
    return raw, lines, text.split("\n")


def _validate(contract: str, edits: tuple[tuple[str, str], ...], draft: bool = True) -> None:
    raw, lines, _ = _edited(contract, edits)
    validate_contract(contract, raw, lines, draft=draft)


def _problems(case: Case) -> tuple[list[Problem], list[str]]:
    raw, lines, text = _edited(case.contract, case.edits)
    with pytest.raises(CpomError) as caught:
        validate_contract(case.contract, raw, lines, draft=True)
    return list(caught.value.problems), text


CASES = {
    "Département finançant un IME": Case(
        "gcsms-estuaire",
        (
            (
                "- {financeur: ars-pdl, dotation: 3186400.00}",
                "- {financeur: cd-44, dotation: 3186400.00}",
            ),
        ),
        "regime.funder-not-allowed",
        "financeur: cd-44, dotation: 3186400.00",
    ),
    "ARS finançant un SAD d'aide (2° de L. 313-1-3)": Case(
        "association-bocage",
        (
            (
                "autorites:\n",
                "autorites:\n"
                + """  - cle: ars-pdl
    type: ars
    nom: Agence régionale de santé Pays de la Loire
    article: "l'"
    adresse: 17 boulevard Gaston Doumergue, 44262 Nantes Cedex 2
    representant: {civilite: Mme, nom: Catherine Morel, qualite: directrice générale}
""",
            ),
            (
                "        tarif_horaire: {tarif: 26.80, heures: 61500}",
                "        tarif_horaire: {tarif: 26.80, heures: 61500}\n"
                "      - {financeur: ars-pdl, dotation: 180000.00}",
            ),
        ),
        "regime.funder-not-allowed",
        "financeur: ars-pdl, dotation: 180000.00",
    ),
    "enveloppe étrangère au financeur": Case(
        "association-horizons",
        (
            (
                "- {financeur: ars-occitanie, dotation: 2870000.00}",
                "- {financeur: ars-occitanie, dotation: 2870000.00, enveloppe: etat_ahi}",
            ),
        ),
        "regime.envelope-not-allowed",
        "enveloppe: etat_ahi",
    ),
    "tarif horaire pour un SAVS": Case(
        "association-bocage",
        (
            (
                "- {financeur: cd-mayenne, dotation: 412800.00}",
                "- {financeur: cd-mayenne, tarif_horaire: {tarif: 30.00, heures: 9000}}",
            ),
        ),
        "regime.kind-not-allowed",
        "tarif_horaire: {tarif: 30.00, heures: 9000}",
    ),
    "même financeur deux fois": Case(
        "association-horizons",
        (
            (
                "      - {financeur: cd-herault, dotation: 1684300.00}",
                "      - {financeur: cd-herault, dotation: 1684300.00}\n"
                "      - {financeur: cd-herault, dotation: 1000.00}",
            ),
        ),
        "regime.duplicate-funder",
        "financeur: cd-herault, dotation: 1000.00",
    ),
    "régime choisi que la loi ne permet pas": Case(
        "association-horizons",
        (("    categorie: IME\n", "    categorie: IME\n    regime: volontaire\n"),),
        "regime.override-refused",
        "regime: volontaire",
    ),
    "EHPAD sans le Département de son département": Case(
        "groupe-ker-avel",
        (
            (
                '    departement: "35"\n    nom: Département',
                '    departement: "22"\n    nom: Département',
            ),
        ),
        "regime.ehpad-signatories",
        "categorie: EHPAD",
    ),
    "EHPAD sans forfait dépendance": Case(
        "groupe-ker-avel",
        (
            (
                "        forfait_dependance: {montant: 285300.00, points_gir: 44516, "
                "valeur_point: 7.45, participations: 46344.20}",
                "        hebergement: {places_habilitees: 10, tarif_journalier: 70.00}",
            ),
        ),
        "regime.ehpad-forfaits",
        "financements:",
    ),
    "CHRS financé par le Département": Case(
        "gcsms-estuaire",
        (("      - financeur: etat-44\n", "      - financeur: cd-44\n"),),
        "regime.chrs-funder",
        "financements:",
    ),
    "SAD sans le Département": Case(
        "association-bocage",
        (
            (
                "autorites:\n",
                "autorites:\n"
                + """  - cle: ars-pdl
    type: ars
    nom: Agence régionale de santé Pays de la Loire
    article: "l'"
    adresse: 17 boulevard Gaston Doumergue, 44262 Nantes Cedex 2
    representant: {civilite: Mme, nom: Catherine Morel, qualite: directrice générale}
""",
            ),
            ("    sad: aide\n", "    sad: aide_et_soins\n"),
            (
                """      - financeur: cd-mayenne
        tarif_horaire: {tarif: 26.80, heures: 61500}""",
                "      - {financeur: ars-pdl, dotation: 180000.00}",
            ),
        ),
        "regime.domicile-funder",
        "financements:",
    ),
    "SAD sans son 1° ou son 2°": Case(
        "association-bocage",
        (("    sad: aide\n", ""),),
        "regime.sad-mode",
        "categorie: SAD",
    ),
    "autorité qui ne finance rien": Case(
        "chrs-gironde",
        (
            (
                "etablissements:\n",
                """  - cle: cd-gironde
    type: departement
    departement: "33"
    nom: Département de la Gironde
    article: le
    adresse: 1 esplanade Charles de Gaulle, 33074 Bordeaux Cedex
    representant: {civilite: M., nom: Jean Galand, qualite: président du conseil départemental}

etablissements:
""",
            ),
        ),
        "regime.idle-party",
        "cle: cd-gironde",
    ),
    "modulation sans objectif d'activité": Case(
        "gcsms-estuaire",
        (
            (
                "  taux_actualisation: 1.0\n",
                "  taux_actualisation: 1.0\n  modulation_activite: true\n",
            ),
        ),
        "regime.activity-objective",
        "categorie: SAMSAH",
    ),
    "plus de places habilitées que de places": Case(
        "groupe-ker-avel",
        (("places_habilitees: 20,", "places_habilitees: 120,"),),
        "regime.authorised-places",
        "places_habilitees: 120",
    ),
    "forfait dépendance au-delà des points GIR": Case(
        "groupe-ker-avel",
        (("forfait_dependance: {montant: 402600.00,", "forfait_dependance: {montant: 500000.00,"),),
        "regime.dependance-over-points",
        "montant: 500000.00",
    ),
    "convergence après la fin du contrat": Case(
        "chrs-gironde",
        (("echeance: 2030}", "echeance: 2035}"),),
        "regime.convergence-year",
        "echeance: 2035}",
    ),
    "forfait soins encore en convergence": Case(
        "groupe-ker-avel",
        (
            (
                "          valeur_point: 10.87\n",
                "          valeur_point: 10.87\n          resultat_equation: 950000.00\n"
                "          convergence_echeance: 2029\n",
            ),
        ),
        "regime.soins-convergence",
        "montant: 922697.78",
    ),
    "même valeur du point pour deux options tarifaires": Case(
        "groupe-ker-avel",
        (("valeur_point: 11.62", "valeur_point: 10.87"),),
        "regime.soins-point-value",
        "valeur_point: 10.87",
    ),
    "forfait dépendance qui ne retombe pas sur les participations": Case(
        "groupe-ker-avel",
        (("participations: 61743.60", "participations: 60000.00"),),
        "regime.dependance-sum",
        "participations: 60000.00",
    ),
    "SIREN à la clé fausse": Case(
        "chrs-gironde",
        (('siren: "775612849"', 'siren: "775612840"'),),
        "data.siren",
        'siren: "775612840"',
    ),
    "délibération d'un membre sans date": Case(
        "gcsms-estuaire",
        (
            (
                "deliberation: {article: le, nom: conseil d'administration, date: 2027-05-21}",
                "deliberation: {article: le, nom: conseil d'administration}",
            ),
        ),
        "data.deliberation-date",
        "deliberation: {article: le, nom: conseil d'administration}",
    ),
    "délibération du Département sans date": Case(
        "groupe-ker-avel",
        (
            (
                "      numero: CP 2026-11-045\n      date: 2026-11-23\n",
                "      numero: CP 2026-11-045\n",
            ),
        ),
        "data.deliberation-date",
        "    deliberation:",
    ),
    "arrêté des frais de siège sans auteur": Case(
        "groupe-ker-avel",
        (("    autorites: [ars-bretagne, cd-ille-et-vilaine]\n", ""),),
        "data.requires",
        "modalite: plafond_charges",
    ),
    "auteur de l'arrêté des frais de siège inconnu": Case(
        "chrs-gironde",
        (("autorites: [etat-33]", "autorites: [prefet-33]"),),
        "data.unknown-reference",
        "autorites: [prefet-33]",
    ),
    "tarif plafond sans son arrêté": Case(
        "chrs-gironde",
        (("  tarifs_plafonds:\n    date: 2026-05-18\n    annee: 2026\n", ""),),
        "regime.ceiling-arrete",
        "tarif_plafond: {groupe: GHAM 6",
    ),
    "Département pilote non partie": Case(
        "association-horizons",
        (
            ("critere: siege", "critere: plus_grand_etablissement"),
            (
                "      - {type: hebergement_permanent, places: 40}",
                "      - {type: hebergement_permanent, places: 140}",
            ),
        ),
        "regime.pilot-not-party",
        "critere: plus_grand_etablissement",
    ),
    "frais de siège au-delà du plafond": Case(
        "groupe-ker-avel",
        (("    taux_initial: 1.91\n", "    taux_initial: 2.7\n"),),
        "siege.over-ceiling",
        "taux_initial: 2.7",
    ),
    "taux initial contredit par l'assiette": Case(
        "groupe-ker-avel",
        (("assiette_montant: 13000000.00", "assiette_montant: 10000000.00"),),
        "siege.rate-mismatch",
        "taux_initial: 1.91",
    ),
    "plancher au-dessus du plafond": Case(
        "association-horizons",
        (("    taux_plafond: 1.5\n", "    taux_plafond: 1.5\n    taux_plancher: 2.0\n"),),
        "siege.floor-above-ceiling",
        "taux_plancher: 2.0",
    ),
    "arrêté sans durée": Case(
        "groupe-ker-avel",
        (("    duree_annees: 5\n    taux_plafond_charges", "    taux_plafond_charges"),),
        "siege.incomplete-authorisation",
        "date_debut: 2025-07-01",
    ),
    "autorisation expirée": Case(
        "groupe-ker-avel",
        (("    date_debut: 2025-07-01\n", "    date_debut: 2020-07-01\n"),),
        "siege.expired",
        "date_debut: 2020-07-01",
    ),
    "prorata par mois sans premier du mois": Case(
        "association-bocage",
        (("  date_effet: 2027-04-01\n", "  date_effet: 2027-04-15\n"), ("  prorata: jours\n", "")),
        "data.prorata-months",
        "date_effet: 2027-04-15",
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_forbidden_combination_is_located(case: Case) -> None:
    problems, lines = _problems(case)
    found = [p for p in problems if p.code == case.code]
    assert found, f"{case.code} absent : {[p.code for p in problems]}"
    for problem in found[:1]:
        assert problem.line is not None
        assert case.marker in lines[problem.line - 1], (problem, lines[problem.line - 1])
        assert problem.hint  # every problem says what to do
        assert problem.path is not None and problem.path.name == "contract.yaml"


def test_ehpad_forfait_soins_from_the_ars_only() -> None:
    """An ARS dotation for an EHPAD, or a forfait paid by the wrong funder, is refused."""
    case = Case(
        "groupe-ker-avel",
        (
            (
                """        forfait_soins:
          montant: 922697.78
          option_tarifaire: partielle
          gmp: 705
          pmp: 196
          valeur_point: 10.87""",
                "        dotation: 922697.78",
            ),
        ),
        "regime.kind-not-allowed",
        "dotation: 922697.78",
    )
    test_forbidden_combination_is_located(case)


def test_allowed_attachment_to_an_ehpad_contract() -> None:
    """A SSIAD of the same manager in the same département joins the EHPAD's contract (IV ter A)."""
    ssiad = """  - finess: "350781258"
    nom: Ker Avel Domicile
    categorie: SSIAD
    regime: ehpad
    departement: "35"
    commune: Rennes
    capacites:
      - {type: places, places: 45}
    financements:
      - {financeur: ars-bretagne, dotation: 598000.00}

options:"""
    _validate("groupe-ker-avel", (("\noptions:", "\n" + ssiad),))


def test_recorded_versions_are_not_held_to_the_new_rules() -> None:
    """The rules came with the regime clauses: a recorded version (draft=False) still validates."""
    edits = (("places_habilitees: 20,", "places_habilitees: 120,"),)
    _validate("groupe-ker-avel", edits, draft=False)
    with pytest.raises(CpomError):
        _validate("groupe-ker-avel", edits, draft=True)


def test_siren_key_follows_luhn_with_the_la_poste_exception() -> None:
    """La Poste's SIREN (356000000) has no Luhn key and is accepted; a valid key is too."""
    _validate("chrs-gironde", (('siren: "775612849"', 'siren: "356000000"'),))
    _validate("chrs-gironde", ())
    with pytest.raises(CpomError):
        _validate("chrs-gironde", (('siren: "775612849"', 'siren: "356000001"'),))


def test_a_signed_contract_keeps_the_siren_it_was_signed_with() -> None:
    """A signed contract whose SIREN has a wrong key (as the sample's v1 had): an avenant, not
    a data error, rectifies it; an unsigned draft with the same SIREN is refused."""
    raw, lines, _ = _edited("association-horizons", (('siren: "782345672"', 'siren: "782345671"'),))
    validate_contract("association-horizons", raw, lines, draft=True, signed=True)
    with pytest.raises(CpomError) as caught:
        validate_contract("association-horizons", raw, lines, draft=True, signed=False)
    assert "data.siren" in [p.code for p in caught.value.problems]


def test_recorded_versions_keep_their_blanks_and_convergences() -> None:
    """Rules of this review bind drafts only: a recorded version with an undated
    délibération, a convergence or a bad SIREN key still validates."""
    edits = (
        ('siren: "512836479"', 'siren: "512836470"'),
        (
            "      numero: CP 2026-11-045\n      date: 2026-11-23\n",
            "      numero: CP 2026-11-045\n",
        ),
        (
            "          valeur_point: 10.87\n",
            "          valeur_point: 10.87\n          resultat_equation: 950000.00\n"
            "          convergence_echeance: 2029\n",
        ),
    )
    _validate("groupe-ker-avel", edits, draft=False)
