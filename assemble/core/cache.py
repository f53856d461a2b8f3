"""Results of deterministic steps kept between runs, named by the hash of their inputs.

A cache never decides an output. An entry is named by the SHA-256 of everything its result
depends on (tool, options, input text), is written to a temporary file then renamed, so that
it is whole or absent, and any problem reading or writing it only means computing again. It
lives outside the repository, in the user's cache folder (`$XDG_CACHE_HOME/cpom`, or the folder
named by CPOM_CACHE; CPOM_CACHE=non turns it off): a failed build still writes nothing in
build/, and deleting the folder only costs time.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ENTRIES = 400  # per kind: past this, the least recently written go (a few hundred Mio at most)
OFF = ("non", "off", "0", "")


@dataclass(frozen=True)
class Cache:
    """A folder of results by input hash; `folder` None: nothing kept, nothing read."""

    folder: Path | None

    @classmethod
    def of_user(cls, environ: Mapping[str, str] | None = None) -> Cache:
        """The user's cache folder, as the environment names it."""
        env = os.environ if environ is None else environ
        if "CPOM_CACHE" in env:
            return cls.named(env)
        base = env.get("XDG_CACHE_HOME") or (
            str(Path(env["HOME"]) / ".cache") if env.get("HOME") else ""
        )
        return cls(Path(base) / "cpom" if base else None)

    @classmethod
    def named(cls, environ: Mapping[str, str] | None = None) -> Cache:
        """The folder CPOM_CACHE names, if it names one; else no cache (library callers)."""
        env = os.environ if environ is None else environ
        named = env.get("CPOM_CACHE", "")
        return cls(None if named.strip().lower() in OFF else Path(named))

    @staticmethod
    def key(*parts: bytes | str) -> str:
        """The name of an entry: the hash of every part it depends on, each delimited."""
        import hashlib  # here: `cpom --help` imports this module, not OpenSSL

        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.hexdigest()

    def kind(self, name: str) -> Path | None:
        """The folder of one kind of entry, created; None if the cache is off or unwritable."""
        if self.folder is None:
            return None
        folder = self.folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        return folder

    def get(self, name: str, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / name / key).read_bytes()
        except OSError:
            return None

    def put(self, name: str, key: str, data: bytes) -> None:
        import tempfile  # here: `cpom --help` imports this module, not tempfile's random

        folder = self.kind(name)
        if folder is None:
            return
        with suppress(OSError):
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, folder / key)
            finally:
                with suppress(FileNotFoundError):
                    os.unlink(temporary)
            _prune(folder)

    def remembered(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave before for the same key. The key must name every
        input, the tool's own code included (`code_identity`)."""
        import pickle

        kept = self.get(name, key)
        if kept is not None:
            with suppress(Exception):  # a stale or damaged entry: computed again
                value: T = pickle.loads(kept)  # noqa: S301 - the user's own cache folder
                return value
        value = compute()
        with suppress(Exception):
            self.put(name, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


@functools.cache
def code_identity() -> str:
    """The tool's code as a cache key: every module of the package and the libraries that
    shape a composed text, so that no result outlives the code that computed it."""
    package = Path(__file__).resolve().parent.parent
    parts: list[Any] = [sys.version]
    for module in ("jinja2", "pydantic", "yaml", "babel"):
        parts.append(f"{module} {getattr(sys.modules.get(module), '__version__', '?')}")
    for path in sorted(package.rglob("*.py")):
        parts += [str(path.relative_to(package)), path.read_bytes()]
    return Cache.key(*parts)


def _prune(folder: Path) -> None:
    """Keep the ENTRIES most recently written entries of a kind."""
    entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
    if len(entries) <= ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - ENTRIES]:
        with suppress(OSError):
            os.unlink(entry.path)
