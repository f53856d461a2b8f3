"""The typography and line-break passes of a rendering, done once per distinct article.

`typeset(ast, rendu, cache)` is `profile_breaks(french_typography(ast), rendu)`, computed
chunk by chunk: a chunk is a top-level heading and the blocks up to the next one (an article,
an annex, a titre's heading). Both passes decide from a block alone, except a label, which
looks at the block after it (typography._label_blocks); a chunk ends where the next begins
with a heading, never with the list or table a label introduces, so each chunk passes the
same alone as in the whole document (tests/test_passes.py checks it on every sample).

A chunk's result is kept in the process and in the cache, named by the tool's code, the
rendering profile and the chunk's text: a rebuild after one clause changed, or the next
contract of a batch, passes again only the articles that differ. An entry carries the hash
of its content: a damaged one is passed again, never used.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..core.cache import Cache, code_identity
from ..core.memo import Memo
from .typography import french_typography, profile_breaks

KIND = "typographie"
# A few contracts' articles: a batch keeps what the contracts share (most of each text).
_KEPT: Memo[str, str] = Memo(4096)
_DIGEST = hashlib.sha256().digest_size  # an entry starts with the hash of the rest


def typeset(ast: dict[str, Any], rendu: int, cache: Cache | None = None) -> dict[str, Any]:
    """The AST with French typography and the profile's line breaks (see module doc)."""
    identity = Cache.key(code_identity(), str(rendu))
    blocks: list[Any] = []
    for chunk in chunks(ast["blocks"]):
        text = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
        key = Cache.key(identity, text)
        done = _kept(key, cache)
        if done is None:
            passed = _passes(chunk, rendu)
            done = json.dumps(passed, ensure_ascii=False, separators=(",", ":"))
            _KEPT.put(key, done)
            if cache is not None:
                payload = done.encode("utf-8")
                cache.put(KIND, key, hashlib.sha256(payload).digest() + payload)
            blocks += passed
        else:
            blocks += json.loads(done)  # fresh objects: no caller shares the kept ones
    return {**ast, "blocks": blocks}


def chunks(blocks: list[Any]) -> list[list[Any]]:
    """The blocks cut before each top-level heading."""
    result: list[list[Any]] = []
    for block in blocks:
        if not result or block.get("t") == "Header":
            result.append([])
        result[-1].append(block)
    return result


def _passes(chunk: list[Any], rendu: int) -> list[Any]:
    passed = profile_breaks(french_typography({"blocks": list(chunk)}), rendu)
    return list(passed["blocks"])


def _kept(key: str, cache: Cache | None) -> str | None:
    done = _KEPT.get(key)
    if done is not None or cache is None:
        return done
    entry = cache.get(KIND, key)
    if entry is None or hashlib.sha256(entry[_DIGEST:]).digest() != entry[:_DIGEST]:
        return None  # absent, or damaged (even into other valid text): passed again
    try:
        text = entry[_DIGEST:].decode("utf-8")
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(b, dict) and "t" in b for b in value):
        return None
    return _KEPT.put(key, text)
