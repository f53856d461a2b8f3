"""The version a returned file was sent as: which one it is, and its text as we sent it.

The text sent is the version's Word file rendered again in memory (the same writer, the same
templates), so that an edit made without tracking shows as a difference from it. Which version
a file is comes from its custom properties when it has them (`version_of`); the per-file
identity of issue #17 (review/identity.py) replaces that one function when it lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose.document import Document
from ..contract.load import LoadedContract
from ..core.errors import CpomError
from ..library.clauses import Library, load_titres
from ..lifecycle.lock import locked_library
from ..lifecycle.redline import version_templates
from ..lifecycle.stages import compose_draft, compose_version
from ..project import DRAFT, Project
from ..render.body import read_document, to_pandoc
from ..render.docx import render_docx
from ..render.ooxml import read_part
from ..render.pandoc import epoch_of
from ..render.passes import typeset
from .returned import Paragraph, Returned, paragraphs

# Custom properties a built file carries: its contract reference (today), its contract id and
# version (issue #17, item 1).
CONTRACT_PROPERTIES = ("contrat", "cpom-contrat", "contract")
VERSION_PROPERTIES = ("version", "cpom-version")


@dataclass(frozen=True)
class Sent:
    """A version as it was sent: composed, and its paragraphs as its Word file has them."""

    version: str
    contract: LoadedContract
    document: Document
    library: Library
    paragraphs: tuple[Paragraph, ...]


def version_of(project: Project, contract_id: str, returned: Returned) -> str:
    """The version the returned file says it is, or the draft; a file of another contract is
    refused."""
    props = returned.properties
    named = next((props[k] for k in CONTRACT_PROPERTIES if props.get(k)), None)
    if named is not None and named != contract_id:
        raise CpomError.one(
            "review.other-contract",
            f"ce fichier est le contrat « {named} », pas « {contract_id} »",
            returned.path,
            None,
        )
    version = next((props[k] for k in VERSION_PROPERTIES if props.get(k)), DRAFT)
    return (
        version if version == DRAFT or version in project.recorded_versions(contract_id) else DRAFT
    )


def sent_version(project: Project, contract_id: str, version: str) -> Sent:
    """Compose a version and render its Word file in memory (no PDF, nothing written)."""
    if version == DRAFT:
        draft = compose_draft(project, contract_id)
        contract, library = draft.contract, draft.library
        doc = read_document(draft.document, project.cache)
        templates = None
    else:
        contract, doc, lock = compose_version(project, contract_id, version)
        history = project.history
        library = locked_library(lock, history, load_titres(history.blob(lock.titres, ".yaml")))
        templates = lock.modeles
    ast = typeset(to_pandoc(doc), doc.rendu, project.cache)
    with version_templates(project, templates) as folder:
        data = render_docx(doc, ast, folder, epoch_of(doc.timestamp), broken=True)
    return Sent(version, contract, doc, library, tuple(paragraphs(read_part(data))))


def check_reference(returned: Returned, sent: Sent) -> None:
    """A file whose recorded reference is another contract's is not this contract."""
    reference = returned.properties.get("reference")
    if reference and reference != sent.document.reference:
        raise CpomError.one(
            "review.other-contract",
            f"ce fichier porte la référence « {reference} », celle du contrat est "
            f"« {sent.document.reference} »",
            returned.path,
            None,
        )
