"""The typst source of a contract, its body written once per distinct article.

pandoc's typst writer lays out each block on its own: the body of a document is the text
of each chunk (a top-level heading and its blocks, passes.chunks), each followed by the
separator pandoc puts after its last block, whatever comes next. So a chunk's text is
written once and kept, in the process and in the cache, named by pandoc and the chunk's
JSON; a build writes only the chunks it lacks, in ONE pandoc run with a marker (a raw typst
comment) after each, and pandoc then fills the template with the body as one raw block:
the same source as writing the whole document (tests/test_typst_pieces.py).

A chunk to write with anything whose writing depends on more than its block (code, which
turns on highlighting definitions in the template; images, fetched for their size; math;
citations; anything not in the lists below) has the whole document written, as before; so
has a template whose `$body$` does not begin its line (pandoc would wrap the body to its
indentation). A kept chunk was checked when it was written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.cache import Cache, code_identity
from ..core.limits import TOOL_FILE_BYTES
from ..core.memo import Memo
from ..core.reading import read_text
from .pandoc import Background, pandoc_identity, start_ast_to
from .passes import chunks

KIND = "typst-morceau"
WRITER = ("-f", "json", "-t", "typst")
_MARKER = "// cpom-fin-de-morceau"
_KEPT: Memo[str, str] = Memo(4096)
_DIGEST = hashlib.sha256().digest_size
_BLOCKS = frozenset(
    {"Para", "Plain", "Header", "BulletList", "OrderedList", "Div", "Table", "BlockQuote"}
    | {"HorizontalRule", "LineBlock", "DefinitionList", "RawBlock"}
)
_INLINES = frozenset(
    {"Str", "Space", "SoftBreak", "LineBreak", "Emph", "Strong", "Underline", "Strikeout"}
    | {"Superscript", "Subscript", "SmallCaps", "Quoted", "Span", "Link", "RawInline", "Note"}
)
# Tags of values inside blocks: alignments, widths, quote and list styles.
_ENUMS = frozenset(
    {"AlignDefault", "AlignLeft", "AlignRight", "AlignCenter", "ColWidth", "ColWidthDefault"}
    | {"SingleQuote", "DoubleQuote", "DefaultStyle", "Example", "Decimal", "LowerRoman"}
    | {"UpperRoman", "LowerAlpha", "UpperAlpha", "DefaultDelim", "Period", "OneParen"}
    | {"TwoParens"}
)
_BODY_LINE = re.compile(r"^\$body\$", re.MULTILINE)


class TypstSource:
    """pandoc's typst source of `ast` with `template`, started now, collected by `result`
    (the chunks it lacks are being written while the caller makes the Word file). Use it in
    a `with` block: leaving early stops pandoc."""

    def __init__(
        self,
        ast: dict[str, Any],
        template: Path,
        epoch: int,
        cache: Cache | None,
        prepare: Callable[[list[Any]], list[Any]] | None = None,
    ):
        """`prepare`: what is done to the blocks before pandoc writes them (the typst line
        breaks of pdf.py), done to the chunks written only; kept ones are named by it."""
        self._ast = ast
        self._template = template
        self._epoch = epoch
        self._cache = cache
        self._prepare = prepare or (lambda blocks: blocks)
        self._texts: list[str | None] = []
        self._keys: list[str] = []
        self._writing: Background | None = None
        self._filling: Background | None = None
        parts = chunks(ast["blocks"]) if _body_line(template) else []
        identity = Cache.key(pandoc_identity(), *WRITER, code_identity() if prepare else "")
        for part in parts:
            key = Cache.key(identity, _dumps(part))
            self._keys.append(key)
            self._texts.append(_kept(key, cache))
        missing = [
            self._prepare(part)
            for part, text in zip(parts, self._texts, strict=True)
            if text is None
        ]
        if not parts or not _plain(missing):
            self._filling = self._whole()
        elif missing:
            marked = [block for part in missing for block in (*part, _raw(_MARKER))]
            document = {**ast, "meta": {}, "blocks": marked}
            self._writing = Background(list(WRITER), _dumps(document).encode("utf-8"), epoch)
        else:
            self._filling = self._fill()

    def _whole(self) -> Background:
        document = {**self._ast, "blocks": self._prepare(self._ast["blocks"])}
        return start_ast_to(document, "typst", self._epoch, "--template", self._template)

    def result(self) -> bytes:
        """The typst source; a located ToolError if pandoc failed."""
        if self._writing is not None:
            written = self._writing.result().decode("utf-8").split(_MARKER + "\n")
            missing = [i for i, text in enumerate(self._texts) if text is None]
            if len(written) != len(missing) + 1 or written[-1]:
                # a marker where none was put: the whole document, as before
                self._writing = None
                self._filling = self._whole()
                return self.result()
            for index, text in zip(missing, written, strict=False):
                self._texts[index] = _keep(self._keys[index], text, self._cache)
            self._writing = None
            self._filling = self._fill()
        assert self._filling is not None
        return self._filling.result()

    def _fill(self) -> Background:
        body = "".join(text or "" for text in self._texts).rstrip("\n") + "\n"
        document = {**self._ast, "blocks": [_raw(body)]}
        return start_ast_to(document, "typst", self._epoch, "--template", self._template)

    def __enter__(self) -> TypstSource:
        return self

    def __exit__(self, *exc: object) -> None:
        for job in (self._writing, self._filling):
            if job is not None:
                job.__exit__()


def _body_line(template: Path) -> bool:
    """Whether the template's `$body$` begins its line (see the module's doc)."""
    try:
        text = read_text(template, TOOL_FILE_BYTES)
    except Exception:  # noqa: BLE001 - pandoc reports an unreadable template, located
        return False
    return bool(_BODY_LINE.search(text))


def _plain(node: Any) -> bool:
    if isinstance(node, list):
        return all(_plain(item) for item in node)
    if not isinstance(node, dict):
        return True
    kind = node.get("t")
    if kind in ("RawBlock", "RawInline") and node["c"][0] != "typst":
        return False
    if kind is not None and kind not in _BLOCKS | _INLINES | _ENUMS:
        return False
    return _plain(node.get("c"))


def _raw(text: str) -> dict[str, Any]:
    return {"t": "RawBlock", "c": ["typst", text]}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _keep(key: str, text: str, cache: Cache | None) -> str:
    _KEPT.put(key, text)
    if cache is not None:
        payload = text.encode("utf-8")
        cache.put(KIND, key, hashlib.sha256(payload).digest() + payload)
    return text


def _kept(key: str, cache: Cache | None) -> str | None:
    text = _KEPT.get(key)
    if text is not None or cache is None:
        return text
    entry = cache.get(KIND, key)
    if entry is None or hashlib.sha256(entry[_DIGEST:]).digest() != entry[:_DIGEST]:
        return None  # absent, or damaged (even into other valid text): written again
    try:
        return _KEPT.put(key, entry[_DIGEST:].decode("utf-8"))
    except UnicodeDecodeError:
        return None
