"""Compiled clause templates and expressions, kept for the process and between runs.

Compiling is most of composing's time: the code Jinja compiles for a clause text is kept in
the process (core/memo.py) in front of the disk cache (core/cache.py), or alone when there is
none (CPOM_CACHE=non). Entries are named by what shapes the compiled code (`shaping`), the
template's name (its frame name, which locates errors) and its whole text.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, TemplateSyntaxError, nodes
from jinja2.bccache import Bucket
from jinja2.parser import Parser
from jinja2.utils import _PassArg

from ..core.cache import Cache
from ..core.memo import Memo
from . import sandbox, tracing
from .sandbox import BoundedSandbox

# Compiled code kept for the life of the process, in front of the disk cache (or alone when
# there is none, CPOM_CACHE=non): named like the disk's entries, by what shapes the compiled
# code (`shaping`), the template's name (its frame name, which locates errors) and its
# whole text. Code objects are shared, never Template objects: a Template is bound to its
# environment, and the filters of each ClauseRenderer are bound to that renderer.
TEMPLATES: Memo[tuple[str, str, str], types.CodeType] = Memo(1024)
EXPRESSIONS: Memo[tuple[str, str], types.CodeType] = Memo(1024)


def shaping(env: BoundedSandbox) -> str:
    """What shapes the compiled code besides a template's name and text: Jinja, Python, the
    sandbox and its options, the names of the filters and tests and how they are called,
    and the source of this module, of templating.py, of the sandbox and of the tracing."""
    options = (
        f"{type(env).__module__}.{type(env).__qualname__}",
        repr(sorted(env.intercepted_binops)),
        repr(
            (
                env.trim_blocks,
                env.lstrip_blocks,
                env.keep_trailing_newline,
                env.autoescape,
                env.optimized,
                sorted(env.extensions),
            )
        ),
        repr(sorted((name, _pass_arg(f)) for name, f in env.filters.items())),
        repr(sorted((name, _pass_arg(f)) for name, f in env.tests.items())),
    )
    return _shaping_of(options)


def _pass_arg(function: Any) -> str:
    """What Jinja passes a filter or test before its value (context, environment…), which
    the compiled call spells out."""
    return str(_PassArg.from_obj(function))


@functools.cache
def _shaping_of(options: tuple[str, ...]) -> str:
    return Cache.key(
        jinja2.__version__,
        sys.version,
        *options,
        Path(__file__).read_bytes(),
        Path(__file__).with_name("templating.py").read_bytes(),
        Path(sandbox.__file__).read_bytes(),
        Path(tracing.__file__).read_bytes(),
    )


def bytecode_cache(shaping: str, cache: Cache | None) -> _Compiled:
    """Compiled clause templates kept in this process and, with a disk cache, between runs
    (compiling is most of composing's time). The disk's folder is named by the shaping."""
    folder = None if cache is None else cache.kind(f"jinja-{shaping[:16]}")
    return _Compiled(shaping, None if folder is None else _ByText(str(folder)))


class _ByText(FileSystemBytecodeCache):
    """Entries named by the template's name and text: two versions of a clause, used by two
    contracts, keep an entry each instead of replacing each other's."""

    def bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        checksum = self.get_source_checksum(source)
        return Bucket(environment, self.get_cache_key(f"{name}|{checksum}", filename), checksum)

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        bucket = self.bucket(environment, name, filename, source)
        self.load_bytecode(bucket)
        return bucket

    def keep(self, bucket: Bucket) -> None:
        """Write `bucket`'s code unless its entry is there already (compiled or read for
        another cache folder earlier in this process)."""
        if not os.path.exists(self._get_cache_filename(bucket)):
            self.set_bucket(bucket)


class _Memorised(Bucket):
    """A bucket that knows its template, to keep what is compiled for it."""

    def __init__(self, environment: Environment, key: tuple[str, str, str], filename: str | None):
        super().__init__(environment, key[1], "")
        self.memo_key = key
        self.filename = filename


class _Compiled(BytecodeCache):
    """The process's compiled templates (`TEMPLATES`), then the disk's (`disk`)."""

    def __init__(self, shaping: str, disk: _ByText | None) -> None:
        self.shaping = shaping
        self.disk = disk

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        bucket = _Memorised(environment, (self.shaping, name, source), filename)
        code = TEMPLATES.get(bucket.memo_key)
        if code is not None:
            self._on_disk(bucket, code, written=False)
        elif self.disk is not None:
            code = self.disk.get_bucket(environment, name, filename, source).code
            if code is not None:
                TEMPLATES.put(bucket.memo_key, code)
        bucket.code = code
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if isinstance(bucket, _Memorised) and bucket.code is not None:
            TEMPLATES.put(bucket.memo_key, bucket.code)
            self._on_disk(bucket, bucket.code, written=True)

    def _on_disk(self, bucket: _Memorised, code: types.CodeType, written: bool) -> None:
        """The disk cache gets the code too: just compiled (`written`), or kept in memory
        and perhaps not yet in this folder."""
        if self.disk is None:
            return
        _, name, source = bucket.memo_key
        stored = self.disk.bucket(bucket.environment, name, bucket.filename, source)
        stored.code = code
        if written:
            self.disk.set_bucket(stored)
        else:
            self.disk.keep(stored)


def expression_code(env: Environment, expression: str) -> types.CodeType:
    """The code Environment.compile_expression compiles (jinja2/environment.py), to be bound
    to each renderer's environment."""
    parser = Parser(env, expression, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError(
            "chunk after expression", parser.stream.current.lineno, None, None
        )
    expr.set_environment(env)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return env.compile(nodes.Template(body, lineno=1))
