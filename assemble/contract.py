"""Load `contracts/<id>/contract.yaml`: parse, validate, cross-check, every error located."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .codes import silenceable
from .errors import CpomError, Problem
from .facts import ONE_DAY, add_years
from .limits import DATA_FILE_BYTES, LENGTH_REASONS, REASONS
from .model import Contract
from .policy import policy_problems
from .reading import read_text
from .safe_yaml import dotted_path
from .sources import LineMap, Loc, load_yaml

CONTRACT_FILE = "contract.yaml"


@dataclass(frozen=True)
class LoadedContract:
    """A validated contract and where each of its values came from."""

    id: str
    path: Path
    data: Contract
    lines: LineMap
    raw: dict[str, Any]


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
    raw, lines = load_yaml(read_text(path, DATA_FILE_BYTES), path)
    return validate_contract(folder.name, raw, lines, draft=True)


def validate_contract(
    contract_id: str, raw: Any, lines: LineMap, *, draft: bool = False
) -> LoadedContract:
    """Validate parsed data; `lines` locates each value in its file for the error messages.

    A `draft` is also held to the rules of the regimes and of the frais de siège (policy.py),
    which recorded versions predate and are not held to.
    """
    if not isinstance(raw, dict):
        raise CpomError.one(
            "data.invalid", "le fichier doit être un dictionnaire YAML", lines.path, 1
        )
    try:
        data = Contract.model_validate(raw)
    except ValidationError as exc:
        raise CpomError(validation_problems(exc, lines)) from None
    problems = cross_check(data, lines)
    if draft and not problems:
        problems = policy_problems(data, lines)
    if problems:
        raise CpomError(problems)
    return LoadedContract(contract_id, lines.path, data, lines, raw)


def cross_check(data: Contract, lines: LineMap) -> list[Problem]:
    """Checks that span several fields: references between keys, duplicates, FINESS départements."""
    problems: list[Problem] = []

    def add(loc: Loc, message: str, hint: str) -> None:
        problems.append(Problem("data.invalid", message, lines.path, lines.line_of(loc), hint))

    authorities = {a.cle for a in data.autorites}
    for loc, key in _duplicates([a.cle for a in data.autorites], ("autorites",), "cle"):
        add(loc, f"autorites: la clé « {key} » est déjà utilisée", "donnez une clé unique")
    finess = [e.finess for e in data.etablissements]
    for loc, key in _duplicates(finess, ("etablissements",), "finess"):
        add(loc, f"etablissements: le FINESS {key} figure deux fois", "retirez le doublon")
    for i, etab in enumerate(data.etablissements):
        if not etab.finess.startswith(etab.departement):
            add(
                ("etablissements", i, "departement"),
                f"etablissements[{i}].departement: {etab.departement} ne correspond pas "
                f"au FINESS {etab.finess}",
                "le FINESS commence par le code du département de l'établissement",
            )
        for j, fin in enumerate(etab.financements):
            if fin.financeur not in authorities:
                add(
                    ("etablissements", i, "financements", j, "financeur"),
                    f"etablissements[{i}].financements[{j}].financeur: « {fin.financeur} » "
                    "n'est pas une autorité du contrat",
                    f"clés connues : {', '.join(sorted(authorities))}",
                )
    objectives = [o.cle for axe in data.axes for o in axe.objectifs]
    for key, count in Counter(objectives).items():
        if count > 1:
            add(("axes",), f"axes: l'objectif « {key} » est défini {count} fois", "clé unique")
    problems.extend(_check_departements(data, lines))
    problems.extend(_check_members(data, lines))
    problems.extend(_check_years(data, lines))
    problems.extend(_check_investments(data, lines))
    problems.extend(_check_head_office_fees(data, lines))
    problems.extend(_check_ignorer(data, lines))
    return problems


def _check_ignorer(data: Contract, lines: LineMap) -> list[Problem]:
    """Only the drafting review's warnings can be silenced, never an error."""
    problems = []
    for index, code in enumerate(data.ignorer):
        reason = silenceable(code)
        if reason is not None:
            line = lines.line_of(("ignorer", index))
            problems.append(
                Problem("data.ignorer", f"ignorer[{index}]: {reason}", lines.path, line)
            )
    return problems


def _problem(lines: LineMap, loc: Loc, message: str, hint: str) -> Problem:
    return Problem("data.invalid", message, lines.path, lines.line_of(loc), hint)


def _check_departements(data: Contract, lines: LineMap) -> list[Problem]:
    several = len({e.departement for e in data.etablissements}) > 1
    if several and data.options.multi_departements is None:
        return [
            _problem(
                lines,
                ("options",),
                "options.multi_departements: exigé, le périmètre couvre plusieurs départements",
                "précisez critere (siege, plus_grand_etablissement, nombre_etablissements) "
                "et declinaison (declinaisons_departementales, avenants_par_enveloppe)",
            )
        ]
    return []


def _check_members(data: Contract, lines: LineMap) -> list[Problem]:
    gcsms = data.organisme.gcsms
    members = {m.cle for m in gcsms.membres} if gcsms else set()
    by_members = gcsms is not None and gcsms.autorisations == "membres"
    problems = []
    if by_members and not members:
        problems.append(
            _problem(
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
                        lines,
                        ("organisme", "gcsms", "membres", j),
                        f"organisme.gcsms.membres[{j}]: « {member.cle} » ne gère aucun "
                        "établissement du périmètre",
                        "rattachez-lui un établissement ou retirez-le",
                    )
                )
    return problems


def _check_years(data: Contract, lines: LineMap) -> list[Problem]:
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
                                lines,
                                (*base, field),
                                f"axes[{a}].objectifs[{o}].indicateurs[{n}].{field}: "
                                f"{year} hors de la durée du contrat ({first}-{last})",
                                "choisissez un exercice couvert par le contrat",
                            )
                        )
    return problems


def _check_investments(data: Contract, lines: LineMap) -> list[Problem]:
    known = {e.finess for e in data.etablissements}
    problems = []
    for i, operation in enumerate(data.investissements):
        if operation.finess not in known:
            problems.append(
                _problem(
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
                    lines,
                    ("investissements", i, "surcout_exploitation"),
                    f"investissements[{i}].surcout_exploitation: un surcoût "
                    "d'exploitation exige un plan pluriannuel d'investissement",
                    "passez options.investissement.modalite à ppi",
                )
            )
    return problems


def _check_head_office_fees(data: Contract, lines: LineMap) -> list[Problem]:
    fees = data.options.frais_de_siege
    shares = [
        (i, e.quote_part_frais_de_siege)
        for i, e in enumerate(data.etablissements)
        if e.quote_part_frais_de_siege is not None
    ]
    if fees.modalite == "aucun":
        return [
            _problem(
                lines,
                ("etablissements", i, "quote_part_frais_de_siege"),
                f"etablissements[{i}].quote_part_frais_de_siege: sans frais de siège autorisés",
                "retirez ce champ ou choisissez une modalité de frais de siège",
            )
            for i, _ in shares
        ]
    total = sum((share for _, share in shares if share is not None), Decimal(0))
    if shares and total != fees.montant_annuel:
        return [
            _problem(
                lines,
                ("options", "frais_de_siege", "montant_annuel"),
                f"options.frais_de_siege.montant_annuel: {fees.montant_annuel} € "
                f"autorisés, mais les quotes-parts des établissements totalisent {total} €",
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


def validation_problems(exc: ValidationError, lines: LineMap) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        dotted = dotted_path(loc)
        message, hint = _french_message(error)
        code = "data.out-of-range" if error["type"] in _OUT_OF_RANGE else "data.invalid"
        problems.append(Problem(code, f"{dotted}: {message}", lines.path, lines.line_of(loc), hint))
    return problems


_RANGE_KINDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_OUT_OF_RANGE = _RANGE_KINDS | {"finite_number", "int_parsing_size", "too_long", "list_too_long"}


def _french_message(error: Any) -> tuple[str, str | None]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "champ obligatoire manquant", "ajoutez ce champ (voir contracts/schema.json)"
    if kind == "extra_forbidden":
        return "champ inconnu", "vérifiez l'orthographe ; le schéma liste les champs admis"
    if kind == "literal_error":
        return f"valeur « {value} » non admise", f"valeurs possibles : {ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), None
    if kind == "string_pattern_mismatch":
        return f"« {value} » n'a pas la forme attendue", _PATTERN_HINTS.get(str(ctx.get("pattern")))
    if kind in ("too_short", "list_too_short", "string_too_short") and isinstance(value, str):
        return "texte vide", "écrivez le texte, ou retirez le champ s'il est facultatif"
    if kind in ("too_short", "list_too_short"):
        return "la liste est vide", "ajoutez au moins un élément"
    if kind in ("too_long", "list_too_long"):
        limit = str(ctx.get("max_length"))
        why = LENGTH_REASONS.get(limit)
        return f"{ctx.get('actual_length')} éléments, au plus {limit}" + (
            f" ({why})" if why else ""
        ), "vérifiez la liste : des éléments répétés ?"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"« {value} » n'est pas un nombre entier", None
    if kind in ("decimal_parsing", "decimal_type"):
        return f"« {value} » n'est pas un montant", "écrivez par exemple 1234567.89"
    if kind == "decimal_max_places":
        return f"« {value} » a trop de décimales", "deux décimales au plus pour un montant"
    if kind.startswith("date"):
        return f"« {value} » n'est pas une date", "écrivez la date sous la forme AAAA-MM-JJ"
    if kind in _RANGE_KINDS:
        return _out_of_range(value, ctx)
    if kind == "finite_number":
        return f"« {value} » n'est pas un nombre fini", "écrivez un nombre, par exemple 1234567.89"
    if kind == "int_parsing_size":
        return "nombre bien trop grand", "vérifiez la valeur : des chiffres en trop ?"
    if kind in ("bool_parsing", "bool_type"):
        return f"« {value} » n'est pas oui/non", "écrivez true ou false"
    if kind in ("float_parsing", "float_type"):
        return f"« {value} » n'est pas un nombre", "écrivez par exemple 1.5"
    if kind in ("string_type", "model_type", "dict_type", "list_type"):
        expected = {
            "string_type": "un texte",
            "model_type": "un bloc de champs",
            "dict_type": "un bloc de champs",
            "list_type": "une liste",
        }[kind]
        return f"type inattendu : {expected} est attendu", None
    return f"valeur non admise (« {str(value)[:40]} »)", None


_BOUNDS = {"ge": "au moins", "le": "au plus", "gt": "plus de", "lt": "moins de"}


def _out_of_range(value: Any, ctx: dict[str, Any]) -> tuple[str, str]:
    """Which bound a value exceeds, and why the bound exists (see limits.py)."""
    key, bound = next(((k, ctx[k]) for k in _BOUNDS if k in ctx), ("le", "?"))
    why = REASONS.get(str(bound))
    message = f"« {value} » hors limites : {_BOUNDS[key]} {_number(bound)}"
    if why:
        message += f" ({why})"
    return (
        message,
        "vérifiez la valeur (unité, zéros en trop, année) ; docs/donnees.md donne les limites",
    )


def _number(bound: object) -> str:
    if isinstance(bound, int | Decimal) and not isinstance(bound, bool) and bound >= 10_000:
        return f"{bound:,}".replace(",", "\u202f")
    return str(bound)


_PATTERN_HINTS = {
    r"^[0-9]{9}$": "un SIREN compte 9 chiffres",
    r"^[a-z0-9][a-z0-9-]*$": "minuscules, chiffres et tirets, par exemple « ars-occitanie »",
}
