"""What the jurist's proof-reading of the unsigned samples asked for, read back in the built
contracts: no blank printed, EHPAD forfaits that add up, investment wording that follows the
financing sources, GCSMS stipulations per member, the author of the frais de siège arrêté and
the defined terms. The bad inputs behind these rules are in test_policy.py.
"""

from __future__ import annotations

import re
from decimal import Decimal

import docx
import pytest

from assemble.project import Outputs

UNSIGNED = ["association-bocage", "chrs-gironde", "gcsms-estuaire", "groupe-ker-avel"]


def _plain(text: str) -> str:
    """Spaces and apostrophes as a drafter types them, whatever the typography put there."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def _md(outputs: dict[str, Outputs], contract: str) -> str:
    return _plain(outputs[contract].markdown.read_text(encoding="utf-8"))


def _amount(text: str) -> Decimal:
    """« 464 343,60 € » → Decimal("464343.60")."""
    digits = re.sub(r"[\s\u202f\u00a0€]", "", text).replace(",", ".")
    return Decimal(digits)


@pytest.mark.parametrize("contract", UNSIGNED)
def test_no_blank_nor_undefined_term_is_printed(
    contract: str, all_outputs: dict[str, Outputs]
) -> None:
    text = _md(all_outputs, contract)
    assert "……" not in text
    assert "autorité signataire" not in text and "autorités signataires" not in text
    assert "fait l'objet de la fiche ci-après" not in text
    assert "fait l'objet d'une fiche ci-après" in text


def test_every_deliberation_visa_is_dated(all_outputs: dict[str, Outputs]) -> None:
    text = _md(all_outputs, "gcsms-estuaire")
    visas = [line for line in text.splitlines() if line.startswith("Vu la délibération")]
    assert len(visas) >= 4
    for visa in visas:
        assert re.search(r"en date du \d{1,2}(er)? \w+ 20\d\d", visa), visa
    assert "Fondation Les Genêts en date du 21 mai 2027" in text


def test_ehpad_forfait_soins_is_the_equation_result(all_outputs: dict[str, Outputs]) -> None:
    text = _md(all_outputs, "groupe-ker-avel")
    assert "étapes annuelles égales" not in text
    assert "Échéanciers de convergence" not in text
    assert (
        "Conformément à l'article R. 314-159 du code de l'action sociale et des familles, "
        "le forfait global relatif aux soins de chaque établissement est égal au résultat de "
        "l'équation tarifaire relative aux soins"
    ) in text
    # One point value per tariff option, as the yearly arrêté sets them.
    values = dict(
        re.findall(
            r"option tarifaire (partielle, (?:avec|sans)|globale, (?:avec|sans)) pharmacie"
            r"[^;]*?valeur du point ([\d,]+)",
            text,
        )
    )
    assert len(values) == 3 and len(set(values.values())) == 3, values


def test_ehpad_forfait_dependance_adds_up(all_outputs: dict[str, Outputs]) -> None:
    text = _md(all_outputs, "groupe-ker-avel")
    lines = re.findall(
        r"([\d ]+) points GIR à la valeur du point GIR départemental de ([\d,]+ €), "
        r"soit ([\d ,]+ €), dont sont déduites les participations des résidents, pour "
        r"([\d ,]+ €) ; forfait de ([\d ,]+ €)",
        text,
    )
    assert len(lines) == 3
    for points, value, gross, participations, forfait in lines:
        assert _amount(points) * _amount(value) == _amount(gross)
        assert _amount(gross) - _amount(participations) == _amount(forfait)
    assert "à la valeur du point départemental de 7,45 € ; forfait" not in text


def test_investment_wording_follows_the_financing_sources(
    all_outputs: dict[str, Outputs],
) -> None:
    chrs = _md(all_outputs, "chrs-gironde")  # autofinancement et subvention de l'État
    gcsms = _md(all_outputs, "gcsms-estuaire")  # … and an emprunt
    for text in (chrs, gcsms):
        assert "n'entraînent aucun surcoût d'exploitation" not in text
        assert "financés par les ressources propres" not in text
        assert "sous réserve de leur attribution" in text
        assert "La part autofinancée des investissements" in text
    assert "La part financée par emprunt figure au plan de financement" not in chrs
    assert "frais financiers des emprunts" not in chrs
    assert "La part financée par emprunt figure au plan de financement" in gcsms
    assert "leurs amortissements et les frais financiers des emprunts" in gcsms


def test_gcsms_stipulations_per_member(all_outputs: dict[str, Outputs]) -> None:
    text = _md(all_outputs, "gcsms-estuaire")
    assert "Chaque membre répartit librement" not in text
    assert (
        "Pour le CHRS « L'Escale », qui ne relève pas d'un état des prévisions de recettes et "
        "de dépenses, le membre qui en détient l'autorisation répartit librement"
    ) in text
    assert "et pour toutes les parties à la date de la dissolution du groupement" not in text
    assert "met fin de plein droit au présent contrat pour ce seul membre" in text
    assert "ne met pas fin au contrat entre ses membres et les autorités de tarification" in text
    assert "pour le groupement, son administratrice ou son délégataire" in text
    assert "son administrateur ou" not in text


def test_head_office_arrete_names_its_author(all_outputs: dict[str, Outputs]) -> None:
    chrs = _md(all_outputs, "chrs-gironde")
    assert "Vu l'arrêté du 12 décembre 2024 du préfet de la Gironde autorisant" in chrs
    ker_avel = docx.Document(str(all_outputs["groupe-ker-avel"].docx))
    paragraphs = [_plain(p.text) for p in ker_avel.paragraphs]
    visas = [p for p in paragraphs if p.startswith("Vu l'arrêté conjoint")]
    assert visas
    assert (
        "du directeur général de l'Agence régionale de santé Bretagne et du président du "
        "conseil départemental"
    ) in visas[0]
