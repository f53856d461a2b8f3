"""Build a contract end to end: load, compose, write Markdown, Word and PDF into build/<id>/."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .compose import compose
from .contract import CONTRACT_FILE, LoadedContract, load_contract
from .document import Document
from .errors import UsageError
from .files import write_files
from .library import Library, load_library
from .markdown import to_markdown
from .pandoc import markdown_to_ast
from .render_docx import render_docx
from .render_pdf import render_pdf
from .templating import ClauseRenderer


@dataclass(frozen=True)
class Project:
    """Where a drafters' repository keeps each kind of file."""

    root: Path
    output: Path | None = None  # where builds go; build/ under the root by default

    @property
    def clauses(self) -> Path:
        return self.root / "clauses"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def contracts(self) -> Path:
        return self.root / "contracts"

    @property
    def build(self) -> Path:
        return self.output or self.root / "build"

    def contract_ids(self) -> list[str]:
        return sorted(
            p.parent.name for p in self.contracts.glob(f"*/{CONTRACT_FILE}") if p.is_file()
        )

    def contract_folder(self, contract_id: str) -> Path:
        folder = self.contracts / contract_id
        if not (folder / CONTRACT_FILE).is_file():
            known = ", ".join(self.contract_ids()) or "aucun"
            raise UsageError.one(
                "usage.contract",
                f"contrat « {contract_id} » introuvable",
                self.contracts,
                hint=f"contrats connus : {known}",
            )
        return folder


@dataclass(frozen=True)
class Outputs:
    markdown: Path
    docx: Path
    pdf: Path


def epoch_of(day: dt.date) -> int:
    """The fixed timestamp of generated files: midnight UTC of the contract's own date."""
    return calendar.timegm(day.timetuple())


def assemble(
    project: Project, contract_id: str, library: Library | None = None
) -> tuple[LoadedContract, Document]:
    """Load and compose one contract, without writing anything."""
    library = library or load_library(project.clauses)
    contract = load_contract(project.contract_folder(contract_id))
    return contract, compose(library, contract, ClauseRenderer())


def build_contract(project: Project, contract_id: str, library: Library | None = None) -> Outputs:
    """Build the three files of a contract; nothing is written unless all three succeed."""
    _, doc = assemble(project, contract_id, library)
    markdown = to_markdown(doc)
    epoch = epoch_of(doc.timestamp)
    ast = markdown_to_ast(markdown, epoch)
    docx = render_docx(doc, ast, project.templates, epoch)
    pdf = render_pdf(doc, ast, project.templates, epoch)
    folder = project.build / contract_id
    outputs = Outputs(
        folder / f"{contract_id}.md", folder / f"{contract_id}.docx", folder / f"{contract_id}.pdf"
    )
    write_files(
        {
            outputs.markdown: markdown.encode("utf-8"),
            outputs.docx: docx,
            outputs.pdf: pdf,
        }
    )
    return outputs
