"""Whole renderings kept between runs: a contract's Markdown, Word and PDF, by their inputs.

A rendering depends on the typed Document, the files of templates/ (fonts included), the tool's
code and the tools it runs (pandoc, typst, the Word libraries). The entry is named by the hash
of all of them, so that the same inputs rendered again anywhere (another folder, another
contract with the same text, a test) are a copy; anything else renders. The entry carries the
hash of its own content: a damaged one is rendered again, never used.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
from pathlib import Path

from ..compose.document import Document
from ..core.cache import Cache, code_identity
from ..core.errors import CpomError
from ..core.limits import TOOL_FILE_BYTES
from ..core.reading import read_bytes
from .pandoc import pandoc_identity
from .pdf import font_folders
from .template_files import TEMPLATE_FILES

KIND = "rendus"
# The libraries whose output ends in the files, besides pandoc (pandoc_identity).
TOOLS = ("typst", "python-docx", "docxtpl", "docxcompose", "lxml", "Jinja2")
_DIGEST = hashlib.sha256().digest_size


@functools.cache
def tools_identity() -> str:
    """The versions of the libraries that write the outputs, and the pandoc binary."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [pandoc_identity()]
    for name in TOOLS:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} ?")
    return "\n".join(parts)


def rendering_key(doc: Document, templates: Path, lock: str = "") -> str | None:
    """The name of a typed Document's rendering with `templates` and the lock fingerprint its
    files carry; None if a template file cannot be read (rendering then reports it, located)."""
    parts: list[str | bytes] = [code_identity(), tools_identity(), document_identity(doc), lock]
    files = list(TEMPLATE_FILES)
    for folder in font_folders(templates):  # typst reads every font of the folder
        files += sorted(str(p.relative_to(templates)) for p in Path(folder).rglob("*"))
    try:
        for name in dict.fromkeys(files):
            path = templates / name
            exists = path.exists() or path.is_symlink()
            parts += [name, read_bytes(path, TOOL_FILE_BYTES) if exists else b"<absent>"]
    except CpomError:
        return None
    return Cache.key(*parts)


def document_identity(doc: Document) -> str:
    """Everything a Document holds that a writer may print: every field but the paths of the
    clause files (a copy of the repository renders the same), the provenance of each word
    (metadata, with those paths) and the lint's promises."""
    titres = tuple(
        dataclasses.replace(
            titre,
            articles=tuple(
                dataclasses.replace(a, source=Path(), spans=(), heading_spans=())
                for a in titre.articles
            ),
        )
        for titre in doc.titres
    )
    return repr(dataclasses.replace(doc, titres=titres, promesses=()))


def kept_rendering(cache: Cache | None, key: str | None) -> tuple[str, bytes, bytes] | None:
    """The Markdown, Word and PDF rendered before under `key`, if whole."""
    if cache is None or key is None:
        return None
    entry = cache.get(KIND, key)
    if entry is None or hashlib.sha256(entry[_DIGEST:]).digest() != entry[:_DIGEST]:
        return None
    try:
        markdown, docx, pdf = pickle.loads(entry[_DIGEST:])  # noqa: S301 - the user's cache
    except Exception:  # noqa: BLE001 - an entry of another layout: rendered again
        return None
    if isinstance(markdown, str) and isinstance(docx, bytes) and isinstance(pdf, bytes):
        return markdown, docx, pdf
    return None


def keep_rendering(
    cache: Cache | None, key: str | None, markdown: str, docx: bytes, pdf: bytes
) -> None:
    if cache is None or key is None or cache.folder is None:
        return
    payload = pickle.dumps((markdown, docx, pdf), protocol=pickle.HIGHEST_PROTOCOL)
    cache.put(KIND, key, hashlib.sha256(payload).digest() + payload)
