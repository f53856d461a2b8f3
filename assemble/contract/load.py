"""Load `contracts/<id>/contract.yaml`: parse, validate, cross-check, every error located."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.codes import refusal_to_silence
from ..core.errors import CpomError, Problem
from ..core.limits import DATA_FILE_BYTES
from ..core.memo import Memo
from ..core.reading import read_text
from ..core.sources import LineMap, Loc, load_yaml

# Re-exported: avenant.py validates its avenant files with it.
from ..core.validation import validation_problems as validation_problems
from ..text.french import montant
from .acts_checks import reference_problems
from .facts import ONE_DAY, add_years
from .files import CONTRACT_FILE
from .model import ContractData
from .policy import policy_problems
from .policy_signature import signature_problems
from .prorogation import prorogation_problems
from .schedule import Echeancier

# A signed contract has its versions archived in <root>/archive/<id>/, beside
# <root>/contracts/<id>/ (see project.py), and only a signed contract has avenants.
ARCHIVE_FOLDER = "archive"
AVENANTS_FOLDER = "avenants"


@dataclass(frozen=True)
class LoadedContract:
    """A validated contract and where each of its values came from."""

    id: str
    path: Path
    data: ContractData
    lines: LineMap
    raw: dict[str, Any]
    # A version consolidated after an avenant: the schedule its amounts follow (splice.py).
    echeancier: Echeancier | None = None


def load_contract(folder: Path) -> LoadedContract:
    """Read and validate one contract's draft; raise CpomError listing every problem."""
    path = folder / CONTRACT_FILE
    if not path.is_file():
        raise CpomError.one(
            "contract.missing",
            "fichier de données introuvable",
            path,
            hint=f"créez {CONTRACT_FILE} dans ce dossier (voir docs/donnees.md)",
        )
    raw, lines = _parsed(read_text(path, DATA_FILE_BYTES), path)
    archived = folder.parent.parent / ARCHIVE_FOLDER / folder.name
    signed = archived.is_dir() or (folder / AVENANTS_FOLDER).is_dir()
    return validate_contract(folder.name, raw, lines, draft=True, signed=signed)


# Contract files parsed in this process (core/memo.py), by their text: a draft composed
# again (a batch, `cpom build` then its checks, a copy of the project) is not parsed again.
# Whoever receives the data gets a copy of it: LoadedContract.raw is theirs.
_PARSED: Memo[str, tuple[Any, LineMap]] = Memo(256)


def _parsed(text: str, path: Path) -> tuple[Any, LineMap]:
    kept = _PARSED.get(text)
    if kept is None:
        kept = _PARSED.put(text, load_yaml(text, path))
    raw, lines = kept
    if lines.path != path:
        lines = dataclasses.replace(lines, path=path)
    return copy.deepcopy(raw), lines


def validate_contract(
    contract_id: str, raw: Any, lines: LineMap, *, draft: bool = False, signed: bool = False
) -> LoadedContract:
    """Validate parsed data; `lines` locates each value in its file for the error messages.

    A `draft` is also held to the rules of the regimes and of the frais de siège (policy.py),
    and to what must be settled before signature (policy_signature.py), which recorded versions
    predate and are not held to. A `signed` contract (archived, or with avenants) keeps the
    identity it was signed with: an avenant, not a data error, rectifies it.
    """
    if not isinstance(raw, dict):
        raise CpomError.one(
            "data.type",
            "le fichier doit être un dictionnaire YAML",
            lines.path,
            1,
            hint="le fichier se compose des blocs contrat:, organisme:, autorites:… (voir "
            "docs/donnees.md)",
        )
    try:
        data = ContractData.model_validate(raw)
    except ValidationError as exc:
        raise CpomError(validation_problems(exc, lines)) from None
    problems = cross_check(data, lines)
    problems += prorogation_problems(data, lines, draft=draft, signed=signed)
    if draft and not problems:
        problems = policy_problems(data, lines) + signature_problems(data, lines, signed=signed)
    if problems:
        raise CpomError(problems)
    return LoadedContract(contract_id, lines.path, data, lines, raw)


def cross_check(data: ContractData, lines: LineMap) -> list[Problem]:
    """Checks that span several fields: references between keys, duplicates, FINESS départements."""
    problems: list[Problem] = []

    def add(code: str, loc: Loc, message: str, hint: str) -> None:
        problems.append(_problem(code, lines, loc, message, hint))

    authorities = {a.cle for a in data.autorites}
    for loc, key in _duplicates([a.cle for a in data.autorites], ("autorites",), "cle"):
        message = f"autorites: la clé « {key} » est déjà utilisée"
        add("data.duplicate", loc, message, "donnez une clé unique")
    finess = [e.finess for e in data.etablissements]
    for loc, key in _duplicates(finess, ("etablissements",), "finess"):
        message = f"etablissements: le FINESS {key} figure deux fois"
        add("data.duplicate", loc, message, "retirez le doublon")
    for i, etab in enumerate(data.etablissements):
        if not etab.finess.startswith(etab.departement):
            add(
                "data.finess-departement",
                ("etablissements", i, "departement"),
                f"etablissements[{i}].departement: {etab.departement} ne correspond pas "
                f"au FINESS {etab.finess}",
                "le FINESS commence par le code du département de l'établissement",
            )
        for j, fin in enumerate(etab.financements):
            if fin.financeur not in authorities:
                add(
                    "data.unknown-reference",
                    ("etablissements", i, "financements", j, "financeur"),
                    f"etablissements[{i}].financements[{j}].financeur: « {fin.financeur} » "
                    "n'est pas une autorité du contrat",
                    f"clés connues : {', '.join(sorted(authorities))}",
                )
    objectives = [o.cle for axe in data.axes for o in axe.objectifs]
    for key, count in Counter(objectives).items():
        if count > 1:
            message = f"axes: l'objectif « {key} » est défini {count} fois"
            add("data.duplicate", ("axes",), message, "donnez une clé unique")
    problems.extend(_check_departements(data, lines))
    problems.extend(_check_members(data, lines))
    problems.extend(_check_years(data, lines))
    problems.extend(_check_investments(data, lines))
    problems.extend(_check_head_office_fees(data, lines))
    problems.extend(_check_ignorer(data, lines))
    problems.extend(reference_problems(data, lines))
    return problems


def _check_ignorer(data: ContractData, lines: LineMap) -> list[Problem]:
    """Only warnings on a contract's text can be silenced, never an error nor an unknown code."""
    problems = []
    for index, code in enumerate(data.ignorer):
        refusal = refusal_to_silence(code)
        if refusal is not None:
            problem_code, reason, hint = refusal
            line = lines.line_of(("ignorer", index))
            message = f"ignorer[{index}]: {reason}"
            problems.append(Problem(problem_code, message, lines.path, line, hint))
    return problems


def _problem(code: str, lines: LineMap, loc: Loc, message: str, hint: str) -> Problem:
    return Problem(code, message, lines.path, lines.line_of(loc), hint)


def _check_departements(data: ContractData, lines: LineMap) -> list[Problem]:
    several = len({e.departement for e in data.etablissements}) > 1
    if several and data.options.multi_departements is None:
        return [
            _problem(
                "data.requires",
                lines,
                ("options",),
                "options.multi_departements: exigé, le périmètre couvre plusieurs départements",
                "précisez critere (siege, plus_grand_etablissement, nombre_etablissements) "
                "et declinaison (declinaisons_departementales, avenants_par_enveloppe)",
            )
        ]
    return []


def _check_members(data: ContractData, lines: LineMap) -> list[Problem]:
    gcsms = data.organisme.gcsms
    members = {m.cle for m in gcsms.membres} if gcsms else set()
    by_members = gcsms is not None and gcsms.autorisations == "membres"
    problems = []
    if by_members and not members:
        problems.append(
            _problem(
                "data.requires",
                lines,
                ("organisme", "gcsms"),
                "organisme.gcsms.membres: liste vide",
                "un GCSMS sans autorisation signe avec ses membres : listez-les",
            )
        )
    for i, etab in enumerate(data.etablissements):
        loc = ("etablissements", i, "membre")
        if by_members and etab.membre not in members:
            problems.append(
                _problem(
                    "data.unknown-reference",
                    lines,
                    loc if etab.membre else ("etablissements", i),
                    f"etablissements[{i}].membre: « {etab.membre or ''} » n'est pas un "
                    "membre du groupement",
                    f"membres déclarés : {', '.join(sorted(members)) or 'aucun'}",
                )
            )
        elif not by_members and etab.membre is not None:
            problems.append(
                _problem(
                    "data.requires",
                    lines,
                    loc,
                    f"etablissements[{i}].membre: sans objet ici",
                    "le champ membre ne sert qu'à un GCSMS dont les membres détiennent "
                    "les autorisations",
                )
            )
    if by_members:
        used = {e.membre for e in data.etablissements}
        for j, member in enumerate(gcsms.membres if gcsms else []):
            if member.cle not in used:
                problems.append(
                    _problem(
                        "data.unused",
                        lines,
                        ("organisme", "gcsms", "membres", j),
                        f"organisme.gcsms.membres[{j}]: « {member.cle} » ne gère aucun "
                        "établissement du périmètre",
                        "rattachez-lui un établissement ou retirez-le",
                    )
                )
    return problems


def _check_years(data: ContractData, lines: LineMap) -> list[Problem]:
    first = data.contrat.date_effet.year
    last = (add_years(data.contrat.date_effet, data.contrat.duree_annees) - ONE_DAY).year
    problems = []
    for a, axe in enumerate(data.axes):
        for o, objectif in enumerate(axe.objectifs):
            for n, indicateur in enumerate(objectif.indicateurs):
                base = ("axes", a, "objectifs", o, "indicateurs", n)
                years = [("echeance", indicateur.echeance)] + [
                    ("cibles", year) for year in indicateur.cibles
                ]
                for field, year in years:
                    if not first <= year <= last:
                        problems.append(
                            _problem(
                                "data.year-outside",
                                lines,
                                (*base, field),
                                f"axes[{a}].objectifs[{o}].indicateurs[{n}].{field}: "
                                f"{year} hors de la durée du contrat ({first}-{last})",
                                "choisissez un exercice couvert par le contrat",
                            )
                        )
    return problems


def _check_investments(data: ContractData, lines: LineMap) -> list[Problem]:
    known = {e.finess for e in data.etablissements}
    problems = []
    for i, operation in enumerate(data.investissements):
        if operation.finess not in known:
            problems.append(
                _problem(
                    "data.unknown-reference",
                    lines,
                    ("investissements", i, "finess"),
                    f"investissements[{i}].finess: {operation.finess} n'est pas un "
                    "établissement du périmètre",
                    "reprenez le FINESS d'un établissement",
                )
            )
        if operation.annee_fin < operation.annee_debut:
            problems.append(
                _problem(
                    "data.period-order",
                    lines,
                    ("investissements", i, "annee_fin"),
                    f"investissements[{i}].annee_fin: antérieure à annee_debut",
                    "l'opération s'achève au plus tôt l'année où elle commence",
                )
            )
        if data.options.investissement.modalite == "tableau_previsionnel" and (
            operation.surcout_exploitation > 0
        ):
            problems.append(
                _problem(
                    "data.requires",
                    lines,
                    ("investissements", i, "surcout_exploitation"),
                    f"investissements[{i}].surcout_exploitation: un surcoût "
                    "d'exploitation exige un plan pluriannuel d'investissement",
                    "passez options.investissement.modalite à ppi",
                )
            )
    return problems


def _check_head_office_fees(data: ContractData, lines: LineMap) -> list[Problem]:
    fees = data.options.frais_de_siege
    shares = [
        (i, e.quote_part_frais_de_siege)
        for i, e in enumerate(data.etablissements)
        if e.quote_part_frais_de_siege is not None
    ]
    if fees.modalite == "aucun":
        return [
            _problem(
                "data.requires",
                lines,
                ("etablissements", i, "quote_part_frais_de_siege"),
                f"etablissements[{i}].quote_part_frais_de_siege: sans frais de siège autorisés",
                "retirez ce champ ou choisissez une modalité de frais de siège",
            )
            for i, _ in shares
        ]
    total = sum((share for _, share in shares if share is not None), Decimal(0))
    if shares and fees.montant_annuel is not None and total != fees.montant_annuel:
        return [
            _problem(
                "data.sum-mismatch",
                lines,
                ("options", "frais_de_siege", "montant_annuel"),
                f"options.frais_de_siege.montant_annuel: {montant(fees.montant_annuel)} "
                f"autorisés, mais les quotes-parts des établissements totalisent {montant(total)}",
                "corrigez le montant ou les quotes-parts pour qu'ils concordent",
            )
        ]
    return []


def _duplicates(values: list[str], base: Loc, field: str) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append(((*base, index, field), value))
        seen.add(value)
    return found
