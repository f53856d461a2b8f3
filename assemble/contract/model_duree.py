"""The durée of a contract beyond its initial term: its prorogation by avenant."""

from __future__ import annotations

from pydantic import Field

from .fields import Date, Strict


class Prorogation(Strict):
    """Prorogation du contrat signé, par avenant, une seule fois (voir docs/avenants.md)."""

    jusqu_au: Date = Field(
        description="Nouvelle échéance du contrat (AAAA-MM-JJ), postérieure à la fin de sa "
        "durée et dans la limite d'une année (article L. 313-11 : une sixième année au plus) ; "
        "au prorata des mois, le dernier jour d'un mois. Se déclare avec l'avenant de "
        "prorogation d'un contrat signé."
    )
