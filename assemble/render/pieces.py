"""pandoc's reading of the assembled Markdown, piece by piece, each piece kept by its text.

The assembled Markdown (markdown.py) is a metadata block, then pieces that each begin with a
top-level heading (a titre, an article, an annex) or the signatures marker. A rebuild after
one clause changed, or the next contract of a batch, differs from what was read before by a
few pieces: `read_pieces` reads only those, all in ONE pandoc run, and keeps each piece's
blocks in the process and in the cache, named by pandoc and the piece's text.

The result equals pandoc's reading of the whole text (tests/test_pieces.py), because a
piece is only read alone when its reading cannot depend on the rest of the document:
- it closes everything it opens: a marker (an empty div) read after each piece must come
  out at the top level, or nothing is kept and the whole text is read; and it opens
  nothing that a line of a later piece could close instead (code fences, tables ruled by
  dashes), since the marker would not tell;
- it uses nothing pandoc's reader shares across the document: notes, example lists,
  reference links and implicit heading references (a `]` not opening a link's target or a
  span's attributes), TeX macros (a backslash before a letter), metadata blocks;
- headings without an identifier get theirs afterwards, over the whole document in order
  (identifiers.py), as pandoc's `auto_identifiers` gives them.
Anything else: None, and the caller reads the whole text as before.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..core.cache import Cache
from ..core.memo import Memo
from .identifiers import Declined, assign_identifiers
from .pandoc import READER, pandoc_identity, run_pandoc

KIND = "pandoc-morceau"
PIECE_READER = READER + "-auto_identifiers"
# A few contracts' pieces: a batch keeps what its contracts share (most of each text).
_KEPT: Memo[str, str] = Memo(4096)
_DIGEST = hashlib.sha256().digest_size  # an entry starts with the hash of the rest
_MARKER = "cpom-fin-de-morceau"

# What makes a piece's reading depend on other pieces (see the module's doc).
_SHARED = re.compile(
    r"\[\^|\(@|\\[A-Za-z]|\](?![({])"  # notes, examples, references, macros
    r"|^[ \t]*(?:`{3,}|~{3,})"  # a code fence: a later piece may hold the line closing it
    r"|^[ \t]*-{3,}[- \t]*\n(?![ \t]*\n)",  # a metadata block, a table ruled by dashes
    re.MULTILINE,
)


def read_pieces(pieces: list[str]) -> list[str] | None:
    """The texts to read for `"\\n".join(pieces).rstrip() + "\\n"` (to_markdown's text),
    or None when a piece is not closed on its own line (see the module's doc)."""
    texts = list(pieces)
    while texts and not texts[-1].strip():
        texts.pop()
    if not texts:
        return None
    texts[-1] = texts[-1].rstrip() + "\n"
    if not all(t.endswith("\n") for t in texts if t):
        return None  # the next piece's heading would continue this piece's last line
    return [t for t in texts if t]


def read_by_piece(pieces: list[str], cache: Cache | None = None) -> dict[str, Any] | None:
    """pandoc's JSON reading of the text `pieces` make (see `read_pieces`), read piece by
    piece; None when the whole text must be read at once. The first piece is the metadata."""
    texts = read_pieces(pieces)
    if texts is None or not texts[0].startswith("---\n"):
        return None
    head, *rest = texts
    if any(_SHARED.search(text) for text in rest):
        return None
    found: dict[int, str] = {}
    for index, text in enumerate(texts):
        kept = _kept(_key(text), cache)
        if kept is not None:
            found[index] = kept
    missing = [index for index in range(len(texts)) if index not in found]
    if missing:
        read = _read_missing([texts[i] for i in missing])
        if read is None:
            return None
        for index, value in zip(missing, read, strict=True):
            found[index] = _keep(_key(texts[index]), value, cache)
    whole = json.loads(found[0])
    if whole["blocks"]:
        return None
    blocks: list[Any] = []
    for index in range(1, len(texts)):
        blocks += json.loads(found[index])
    try:
        assign_identifiers(blocks)
    except Declined:
        return None
    return {**whole, "blocks": blocks}


def _key(text: str) -> str:
    return Cache.key(pandoc_identity(), PIECE_READER, text)


def _read_missing(texts: list[str]) -> list[str] | None:
    """Each text's reading, from one pandoc run: the metadata piece as pandoc's whole JSON,
    the others as their list of blocks; None when a marker is not where it should be."""
    marked = "\n".join(f"{text}\n::: {{#{_MARKER}}}\n:::\n" for text in texts)
    raw = json.loads(run_pandoc(["-f", PIECE_READER, "-t", "json"], marked.encode("utf-8"), 0))
    result: list[str] = []
    current: list[Any] = []
    for block in raw["blocks"]:
        if block == {"t": "Div", "c": [[_MARKER, [], []], []]}:
            result.append(_dumps(current))
            current = []
        else:
            current.append(block)
    if current or len(result) != len(texts):
        return None
    if texts[0].startswith("---\n"):
        result[0] = _dumps({**raw, "blocks": json.loads(result[0])})
    elif raw["meta"]:
        return None
    return result


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _keep(key: str, value: str, cache: Cache | None) -> str:
    _KEPT.put(key, value)
    if cache is not None:
        payload = value.encode("utf-8")
        cache.put(KIND, key, hashlib.sha256(payload).digest() + payload)
    return value


def _kept(key: str, cache: Cache | None) -> str | None:
    done = _KEPT.get(key)
    if done is not None or cache is None:
        return done
    entry = cache.get(KIND, key)
    if entry is None or hashlib.sha256(entry[_DIGEST:]).digest() != entry[:_DIGEST]:
        return None  # absent, or damaged (even into other valid text): read again
    try:
        text = entry[_DIGEST:].decode("utf-8")
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list | dict):
        return None
    return _KEPT.put(key, text)
