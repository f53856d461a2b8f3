"""The field types of the contract data: FINESS, département, amounts, dates, rates, texts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..core.limits import MAX_AMOUNT, MAX_DATE, MAX_YEAR, MIN_DATE, MIN_YEAR
from ..core.validation import RuleError
from ..text.departements import DEPARTEMENTS

FINESS_PATTERN = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])[0-9A-Z]*$"


def _finess(value: str) -> str:
    value = value.replace(" ", "")
    if len(value) != 9:
        raise RuleError(
            "data.finess",
            f"un numéro FINESS compte 9 caractères, « {value} » en compte {len(value)}",
        )
    if not re.match(FINESS_PATTERN, value) or not value[2:].isdigit():
        raise RuleError(
            "data.finess",
            f"« {value} » n'est pas un numéro FINESS : deux caractères de département "
            "(01 à 95, 2A, 2B, 971 à 976) suivis de chiffres",
        )
    if value[:2].isdigit() and not _luhn_valid(value):
        raise RuleError(
            "data.finess", f"la clé de contrôle du numéro FINESS « {value} » est fausse"
        )
    return value


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# La Poste's SIREN breaks the rule: its offices share it, and the key is checked on the SIRET.
SIREN_LA_POSTE = "356000000"


def siren_key_error(value: str) -> str | None:
    """Why a nine-digit SIREN is not one, or None: its last digit is a Luhn key."""
    if value == SIREN_LA_POSTE or _luhn_valid(value):
        return None
    return f"la clé de contrôle du SIREN « {value} » est fausse (formule de Luhn)"


Finess = Annotated[
    str,
    AfterValidator(_finess),
    Field(description="Numéro FINESS à 9 caractères (département, numéro d'ordre, clé)."),
]


def _departement(code: str) -> str:
    if code not in DEPARTEMENTS:
        raise RuleError(
            "data.departement",
            f"« {code} » n'est pas un code de département (01 à 95, 2A, 2B, 971 à 976)",
        )
    return code


Departement = Annotated[
    str,
    AfterValidator(_departement),
    Field(description='Code du département, entre guillemets : "34", "2A", "974".'),
]
Montant = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_AMOUNT,
        decimal_places=2,
        description="Montant en euros, deux décimales au plus.",
    ),
]
Date = Annotated[
    dt.date, Field(ge=MIN_DATE, le=MAX_DATE, description="Date AAAA-MM-JJ, entre 2000 et 2100.")
]
Annee = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Taux = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=3, description="Taux en pour cent : 1.5 pour 1,5 %."),
]


def _whole_number_as_text(value: object) -> object:
    # « echeance: 2027 » or « cible: 8 » are text for the drafter; a decimal is not accepted,
    # since 11.4 would print in the English form.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        raise RuleError(
            "data.type", f'« {value} » : écrivez ce nombre entre guillemets, « "11,4 %" »'
        )
    return value


Texte = Annotated[str, BeforeValidator(_whole_number_as_text), Field(min_length=1)]
Cle = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Identifiant court en minuscules et tirets, repris ailleurs dans le fichier.",
    ),
]
DefiniteArticle = Literal["le", "la", "l'", "les", ""]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
