"""Draft rules on what a contract must settle before it is signed: the identity of the
organisme, the dates of the acts its visas cite, and forfaits of the EHPAD that add up.

Like policy.py, these rules apply to drafts only (`validate_contract(..., draft=True)`):
recorded versions predate them and are rebuilt as they were signed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from ..core.errors import Problem
from ..core.safe_yaml import dotted_path
from ..core.sources import LineMap, Loc
from ..text.french import montant
from .acts_checks import deliberation_problems
from .fields import siren_key_error
from .model import ContractData
from .model_financing import ForfaitDependance
from .model_parties import DeliberationDepartement, DeliberationOrganisme

Add = Callable[[str, Loc, str], None]


def signature_problems(data: ContractData, lines: LineMap, *, signed: bool) -> list[Problem]:
    """Every rule of this module the draft breaks; `signed`: the contract has a signed version,
    whose identity and visas an avenant alone can rectify (its SIREN and the author of its frais
    de siège arrêté are then not re-judged)."""
    problems: list[Problem] = []

    def add(code: str, loc: Loc, message: str) -> None:
        where = dotted_path(loc)
        problems.append(Problem(code, f"{where}: {message}", lines.path, lines.line_of(loc)))

    reason = siren_key_error(data.organisme.siren)
    if reason and not signed:
        add("data.siren", ("organisme", "siren"), reason)
    for loc, act in _deliberations(data):
        if act.date is None:
            add(
                "data.deliberation-date",
                loc,
                "la date de la délibération visée manque : le contrat imprimerait un blanc",
            )
    problems += deliberation_problems(data.deliberations, data, lines, data.contrat.date_signature)
    _forfaits(data, add)
    if not signed:
        _head_office_author(data, add)
    return problems


def _head_office_author(data: ContractData, add: Add) -> None:
    """The visa of the frais de siège arrêté names its author: an authority of the contract."""
    fees = data.options.frais_de_siege
    if fees.modalite == "aucun":
        return
    base: Loc = ("options", "frais_de_siege")
    if not fees.autorites:
        add(
            "data.requires",
            (*base, "modalite"),
            "autorites: exigé, le visa de l'arrêté des frais de siège nomme l'autorité qui l'a "
            "pris (clé de l'une des autorités ; deux pour un arrêté conjoint)",
        )
    known = {a.cle for a in data.autorites}
    for k, key in enumerate(fees.autorites):
        if key not in known:
            add(
                "data.unknown-reference",
                (*base, "autorites", k),
                f"« {key} » n'est pas une autorité du contrat ({', '.join(sorted(known))})",
            )


def _deliberations(
    data: ContractData,
) -> Iterator[tuple[Loc, DeliberationOrganisme | DeliberationDepartement]]:
    if data.organisme.deliberation is not None:
        yield ("organisme", "deliberation"), data.organisme.deliberation
    gcsms = data.organisme.gcsms
    for i, membre in enumerate(gcsms.membres if gcsms else []):
        if membre.deliberation is not None:
            yield ("organisme", "gcsms", "membres", i, "deliberation"), membre.deliberation
    for k, autorite in enumerate(data.autorites):
        if autorite.deliberation is not None:
            yield ("autorites", k, "deliberation"), autorite.deliberation


def _forfaits(data: ContractData, add: Add) -> None:
    options: dict[tuple[str, bool], Decimal] = {}
    for i, etab in enumerate(data.etablissements):
        for j, f in enumerate(etab.financements):
            base: Loc = ("etablissements", i, "financements", j)
            soins = f.forfait_soins
            if soins is not None:
                if soins.convergence_echeance is not None or (
                    soins.resultat_equation is not None and soins.resultat_equation != soins.montant
                ):
                    add(
                        "regime.soins-convergence",
                        (*base, "forfait_soins", "montant"),
                        f"forfait de {montant(soins.montant)} présenté en convergence vers "
                        f"{montant(soins.resultat_equation or soins.montant)} : la convergence "
                        "s'est achevée et le forfait est le résultat de l'équation tarifaire",
                    )
                if soins.valeur_point is not None:
                    _point_value(
                        options,
                        (soins.option_tarifaire, soins.pui),
                        soins.valeur_point,
                        (*base, "forfait_soins", "valeur_point"),
                        add,
                    )
            dep = f.forfait_dependance
            if dep is not None:
                _dependance_sum(dep, (*base, "forfait_dependance", "participations"), add)


def _dependance_sum(dep: ForfaitDependance, loc: Loc, add: Add) -> None:
    """Points GIR × valeur du point − participations = forfait (I of R. 314-173)."""
    gross = dep.points_valorises
    if gross is None or dep.participations is None or dep.valeur_point is None:
        return
    if gross - dep.participations != dep.montant:
        add(
            "regime.dependance-sum",
            loc,
            f"{dep.points_gir} points × {montant(dep.valeur_point)} = {montant(gross)}, moins "
            f"{montant(dep.participations)} de participations, font "
            f"{montant(gross - dep.participations)}, non {montant(dep.montant)}",
        )


def _point_value(
    options: dict[tuple[str, bool], Decimal],
    option: tuple[str, bool],
    value: Decimal,
    loc: Loc,
    add: Add,
) -> None:
    """The yearly arrêté sets one point value per tariff option (partielle or globale, with or
    without pharmacie à usage intérieur): the same option has one value in a contract, and two
    options never share one."""
    known = options.setdefault(option, value)
    if known != value:
        add(
            "regime.soins-point-value",
            loc,
            f"valeur du point de {montant(value)} pour l'option {_option(option)}, qui a "
            f"ailleurs la valeur de {montant(known)}",
        )
        return
    for other, other_value in options.items():
        if other != option and other_value == value:
            add(
                "regime.soins-point-value",
                loc,
                f"valeur du point de {montant(value)} pour l'option {_option(option)} comme pour "
                f"l'option {_option(other)} : l'arrêté annuel fixe une valeur par option",
            )
            return


def _option(option: tuple[str, bool]) -> str:
    return f"{option[0]} {'avec' if option[1] else 'sans'} PUI"
