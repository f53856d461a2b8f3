"""Redlines: the TO version of a contract as a .docx where every difference from the FROM
version is a Word tracked change, exact enough that « Tout accepter » gives the TO version and
« Tout refuser » the FROM version, paragraph for paragraph.

Both versions are composed from their locks as typed Documents; which articles changed is the
article diff's verdict (`article_diff`); each version's AST is written from its Document and
filtered as its own Word build does (each with its rendering profile), then merged block by
block and word by word (`redline_blocks`). The redline renders with the TO version's
templates, recorded in its lock; its revisions bear the TO version's date. pandoc writes the
words as tracked runs; `ooxml` then adds the paragraph-mark and row revisions that pandoc
cannot write.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compose.document import Article, Document
from ..core.cache import Cache, code_identity
from ..core.errors import UsageError
from ..core.temporaries import private_folder
from ..project import DRAFT, LOCK_FILE, Project
from ..render import ooxml
from ..render import pandoc_nodes as pn
from ..render.body import to_pandoc
from ..render.docx import docx_body, render_docx
from ..render.pandoc import epoch_of, pandoc_identity
from ..render.passes import typeset
from ..render.pdf import render_pdf, visible_changes
from ..render.typography import UNBREAKABLE
from .article_diff import changed, diff_documents
from .redline_blocks import SectionChange, merge_body
from .redline_cover import track_cover
from .redline_settle import is_marker
from .redline_words import Marks

MANIFEST = "manifeste.json"  # lifecycle/manifest.py's, without importing its models
AVENANT_CLAUSES = "clauses-avenant"  # lifecycle/avenant.py's LIBRARY

ALIASES = {"draft": DRAFT, "projet": DRAFT}


@dataclass(frozen=True)
class Summary:
    changed: int
    added: int
    removed: int
    annexes_changed: int

    @classmethod
    def of(cls, changes: list[SectionChange]) -> Summary:
        articles = [c.change for c in changes if c.kind == "article"]
        annexes = sum(c.kind == "annexe" for c in changes)
        count = articles.count
        return cls(count("changed"), count("added"), count("removed"), annexes)

    def text(self, before: str, after: str) -> str:
        def count(n: int, noun: str, participle: str) -> str:
            plural = "s" if n > 1 else ""
            return f"{n} {noun}{plural} {participle}{plural}"

        return (
            f"Comparaison de la version {before} et de la version {after} : "
            f"{count(self.changed, 'article', 'modifié')}, "
            f"{count(self.added, 'article', 'ajouté')}, "
            f"{count(self.removed, 'article', 'supprimé')}, "
            f"{count(self.annexes_changed, 'annexe', 'modifiée')}."
        )


@dataclass(frozen=True)
class Version:
    """A version as a redline uses it: its document, its date and its templates."""

    name: str  # v1, v2… or projet
    document: Document
    date: dt.date  # its signature date when signed, else the date its build records
    templates: dict[str, str] | None  # recorded template hashes; None: the project's own


@dataclass(frozen=True)
class Redline:
    document: Document  # the TO version: cover, parties and signatures come from it
    ast: dict[str, Any]  # its AST merged with the FROM version's, with revisions and markers
    summary: Summary
    before: str
    after: str
    stamp: ooxml.Stamp  # the reviser and the TO version's date, on every revision
    templates: dict[str, str] | None  # the TO version's recorded templates
    changes: tuple[SectionChange, ...] = ()  # each article and annex changed, added, removed
    previous: Document | None = None  # the FROM version, whose cover the redline marks


def loaded_version(
    project: Project, contract_id: str, version: str
) -> tuple[Version, dict[str, Any]]:
    """A version and its Word AST (`_word_ast`), kept in the cache by everything they are
    made of and the tool's code: a recorded version's lock and manifest, or every file the
    draft is composed from. What a lock describes is composed once, and an unchanged draft
    is not composed again (nor are its modules imported)."""
    name = ALIASES.get(version, version)
    if project.cache.folder is None:
        found = load_version(project, contract_id, version)
        return found, _word_ast(found.document)
    parts: list[str | bytes] = [code_identity(), pandoc_identity(), contract_id, name]
    if name == DRAFT:
        parts += _draft_inputs(project, contract_id)
    else:
        archived = project.archive / contract_id / name
        for path in (archived / LOCK_FILE, project.version_lock_path(contract_id, name)):
            parts.append(path.read_bytes() if path.is_file() else b"")
        manifest = archived / MANIFEST
        parts.append(manifest.read_bytes() if manifest.is_file() else b"")

    def compute() -> tuple[Version, dict[str, Any]]:
        found = load_version(project, contract_id, version)
        return found, _word_ast(found.document)

    return project.cache.remembered("redline-version", Cache.key(*parts), compute)


def _draft_inputs(project: Project, contract_id: str) -> list[str | bytes]:
    """Every file a draft is composed from, by name and content: the library and the avenant
    clauses, the published clause versions, the contract's folder (data, lock, avenant files,
    own clauses) and its archive (signed versions' locks and data, for a consolidation)."""
    found: list[str | bytes] = []
    for folder in (
        project.clauses,
        project.root / AVENANT_CLAUSES,
        project.root / "history" / "clauses",
        project.contract_folder(contract_id),
        project.archive / contract_id,
    ):
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        found.append(str(folder.relative_to(project.root)))
        for path in files:
            found += [str(path.relative_to(folder)), path.read_bytes()]
    return found


def load_version(project: Project, contract_id: str, version: str) -> Version:
    """A version as recorded (from its lock and the history), or the working draft."""
    from .stages import assemble, compose_version

    version = ALIASES.get(version, version)
    if version == DRAFT:
        doc = assemble(project, contract_id)[1]
        return Version(DRAFT, doc, doc.timestamp, None)
    _, doc, lock = compose_version(project, contract_id, version)
    return Version(version, doc, _signature_date(project, contract_id, version, doc), lock.modeles)


def _signature_date(project: Project, contract_id: str, version: str, doc: Document) -> dt.date:
    """An archived version's signature date is its manifest's (an avenant's date, not the
    contract data's); a version recorded but not signed has its document's date."""
    from .manifest import parse_manifest

    path = project.archive / contract_id / version / MANIFEST
    if path.is_file():
        manifest = parse_manifest(path.read_bytes(), path)
        if not isinstance(manifest, list):
            return manifest.date_signature
    return doc.signature_date or doc.timestamp


def default_author() -> str:
    """The reviewer's name from git, as Word would show it."""
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        name = ""
    return name or "cpom"


def make_redline(
    project: Project,
    contract_id: str,
    before: str,
    after: str,
    author: str | None = None,
    date: dt.datetime | None = None,
) -> Redline:
    """Compare two versions of a contract and mark every difference as a tracked change."""
    if ALIASES.get(before, before) == ALIASES.get(after, after):
        raise UsageError.one(
            "usage.redline",
            f"les versions comparées sont identiques ({before})",
            project.contracts / contract_id,
            hint="FROM et TO désignent deux versions différentes (v1, v2… ou projet)",
        )
    old, old_ast = loaded_version(project, contract_id, before)
    new, new_ast = loaded_version(project, contract_id, after)
    when = date or dt.datetime.combine(new.date, dt.time(), tzinfo=dt.UTC)
    stamp = ooxml.Stamp.of(author or default_author(), when)
    verdicts = {
        d.key: ("annexe" if d.part == "annexes" else "article", d.kind)
        for d in changed(diff_documents(old.document, new.document, units=False))
    }
    blocks, changes = merge_body(old_ast["blocks"], new_ast["blocks"], Marks(stamp), verdicts)
    summary = Summary.of(changes)
    blocks = _commented(blocks, changes, old, new, summary, stamp)
    merged = {**new_ast, "blocks": blocks}
    return Redline(
        new.document,
        merged,
        summary,
        old.name,
        new.name,
        stamp,
        new.templates,
        tuple(changes),
        old.document,
    )


def _word_ast(doc: Document) -> dict[str, Any]:
    """A version's AST as its own Word build renders it, from its typed Document. Unbreakable
    spans, which only the PDF honours, are dropped, so that text compares as text."""
    ast = docx_body(doc, typeset(to_pandoc(doc), doc.rendu), broken=True)
    result: dict[str, Any] = pn.replace_spans(
        ast, lambda s: pn.inline_content(s) if UNBREAKABLE in pn.classes(s) else None
    )
    return result


# --- comments ---------------------------------------------------------------------------------


def _commented(
    blocks: list[pn.Node],
    changes: list[SectionChange],
    old: Version,
    new: Version,
    summary: Summary,
    stamp: ooxml.Stamp,
) -> list[pn.Node]:
    """A Word comment on each changed article and annex naming its clause and versions, and
    the summary on the first heading."""
    notes: dict[int, str] = {}
    first = next((i for i, b in enumerate(blocks) if pn.kind(b) == "Header"), None)
    if first is not None:
        notes[first] = summary.text(old.name, new.name)
    before = {a.key: a for a in old.document.articles()}
    after = {a.key: a for a in new.document.articles()}
    for change in changes:
        if change.kind in ("article", "annexe"):
            text = _change_note(change, before.get(change.key), after.get(change.key), old, new)
            notes[change.start] = "\n".join(filter(None, (notes.get(change.start), text)))
    result = list(blocks)
    for number, (index, text) in enumerate(sorted(notes.items())):
        if pn.is_paragraph(result[index]):
            result[index] = _with_comment(result[index], text, number, stamp)
    return result


def _change_note(
    change: SectionChange, before: Article | None, after: Article | None, old: Version, new: Version
) -> str:
    """« Article 9 — clause « dotation-globale-commune », version 1 en v1 → version 2 en
    projet »: which clause produced the article, in which version on each side."""
    article = after or before
    if article is None:
        return f"{change.key} : modifié entre {old.name} et {new.name}"
    name = f"{article.label or article.heading} — clause « {article.clause_id} »"
    if after is None or before is None:
        verb = "supprimée" if after is None else "ajoutée"
        return f"{name} version {article.version} : {verb} ({old.name} → {new.name})"
    if before.version == after.version:
        return f"{name}, version {after.version} en {old.name} comme en {new.name}"
    return f"{name}, version {before.version} en {old.name} → version {after.version} en {new.name}"


def _with_comment(block: pn.Node, text: str, number: int, stamp: ooxml.Stamp) -> pn.Node:
    """A Word comment anchored on a heading (pandoc comment spans), after its marker if any."""
    attributes = [["id", str(number)], ["author", stamp.author], ["date", stamp.date]]
    start = pn.span(("", ["comment-start"], attributes), [pn.text(text)])
    end = pn.span(("", ["comment-end"], [["id", str(number)]]), [])
    content = pn.inlines(block)
    lead = 1 if content and is_marker(content[0]) else 0
    return pn.with_inlines(block, [*content[:lead], start, *content[lead:], end])


# --- writing ----------------------------------------------------------------------------------


def render_redline(project: Project, redline: Redline) -> bytes:
    """The redline as .docx bytes, in the TO version's templates, every revision marked."""
    epoch = epoch_of(redline.document.timestamp)
    with version_templates(project, redline.templates) as templates:
        docx = render_docx(
            redline.document, redline.ast, templates, epoch, filtered=True, cache=project.cache
        )
        root = ooxml.read_part(docx)
        if redline.previous is not None:
            track_cover(
                root, redline.previous, redline.document, templates, redline.stamp, project.cache
            )
    ooxml.apply_markers(root, redline.stamp)
    ooxml.renumber_revisions(root)
    return ooxml.replace_part(docx, root)


@contextmanager
def version_templates(project: Project, recorded: dict[str, str] | None) -> Iterator[Path]:
    """A folder holding a version's templates: the ones its lock recorded, from the history,
    or the project's own for the draft."""
    if recorded is None:
        yield project.templates
        return
    with private_folder("modeles") as tmp:
        for name, digest in recorded.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project.history.blob(digest, Path(name).suffix), target)
        yield tmp


def redline_files(
    project: Project,
    contract_id: str,
    before: str,
    after: str,
    author: str | None = None,
    date: dt.datetime | None = None,
    pdf: bool = False,
) -> tuple[dict[Path, bytes], Summary]:
    """build/<id>/redline-<from>-<to>.docx (and .pdf), in memory: tracked changes from one to
    the other."""
    redline = make_redline(project, contract_id, before, after, author, date)
    stem = project.build / contract_id / f"redline-{redline.before}-{redline.after}"
    files = {stem.with_suffix(".docx"): render_redline(project, redline)}
    if pdf:
        summary = redline.summary.text(redline.before, redline.after)
        shown = visible_changes(_without_markers(redline.ast), summary)
        with version_templates(project, redline.templates) as templates:
            epoch = epoch_of(redline.document.timestamp)
            files[stem.with_suffix(".pdf")] = render_pdf(redline.document, shown, templates, epoch)
    return files, redline.summary


def _without_markers(ast: dict[str, Any]) -> dict[str, Any]:
    """The AST without paragraph and row markers and comments, which only Word reads."""

    def replace(span: pn.Node) -> list[pn.Node] | None:
        identifier, classes, _ = pn.attr(span)
        if ooxml.parse_marker(identifier) or {"comment-start", "comment-end"} & set(classes):
            return []
        return None

    result: dict[str, Any] = pn.replace_spans(ast, replace)
    return result
