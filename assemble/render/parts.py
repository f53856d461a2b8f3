"""Values of the parts designed as templates (cover, signature page), shared by Word and PDF."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..compose.consolidated import act_label, act_signature, mention
from ..compose.document import Document
from ..text.french import date_fr, nombre_lettres

# Left blank for a handwritten date when the signature date is not yet in the data.
BLANK_DATE = "…………………………"


def template_context(doc: Document) -> dict[str, Any]:
    """What the Word templates (cover, signatures) may print."""
    context = {
        "reference": doc.reference,
        "titre": doc.title,
        "organisme": doc.organisme,
        "parties": [asdict(p) for p in doc.parties],
        "autorites": [asdict(p) for p in doc.authorities()],
        "membres": [asdict(p) for p in doc.members()],
        "lieu": doc.place,
        "date": date_fr(doc.signature_date) if doc.signature_date else BLANK_DATE,
        "exemplaires": nombre_lettres(len(doc.parties)),
        "debut": date_fr(doc.effective_date),
        "fin": date_fr(doc.end_date),
        "titre_document": (
            f"Avenant n° {doc.avenant_number}"
            if doc.kind == "avenant"
            else "Contrat pluriannuel d’objectifs et de moyens"
        ),
        "periode": (
            f"Prise d’effet le {date_fr(doc.effective_date)}"
            if doc.kind == "avenant"
            else f"Période du {date_fr(doc.effective_date)} au {date_fr(doc.end_date)}"
        ),
        # Added with the regimes; a template that predates them keeps its own fixed lines.
        "base_legale": doc.base_legale,
        "qualite_organisme": doc.qualite_organisme,
        "qualite_membres": doc.qualite_membres,
        # Added with consolidated versions: empty for a contract or an avenant.
        **consolidation_context(doc),
    }
    typographic: dict[str, Any] = _typographic(context)
    return typographic


def _typographic(value: Any) -> Any:
    # These values bypass pandoc's smart quotes: give them the typographic apostrophe.
    if isinstance(value, str):
        return value.replace("'", "’")
    if isinstance(value, list):
        return [_typographic(v) for v in value]
    if isinstance(value, dict):
        return {k: _typographic(v) for k, v in value.items()}
    return value


def consolidation_context(doc: Document) -> dict[str, Any]:
    """The mention and the table of acts of a consolidated version (empty otherwise)."""
    consolidation = doc.consolidation
    if consolidation is None:
        return {"mention": "", "actes": []}
    return {
        "mention": mention(consolidation),
        "actes": [
            {
                "acte": act_label(act),
                "signature": act_signature(act),
                "effet": date_fr(act.date_effet),
            }
            for act in consolidation.actes
        ],
    }
