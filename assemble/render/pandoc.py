"""Run the pandoc of the pypandoc-binary wheel: Markdown → AST with French typography → formats."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import functools
import importlib.util
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from ..core.cache import Cache
from ..core.errors import ToolError
from .template_files import pandoc_template_error
from .typography import french_typography

READER = "markdown-citations-raw_html-raw_attribute"
GHC_HEAP = "-H16m"  # pandoc's suggested heap (see pandoc_env)


def epoch_of(day: dt.date) -> int:
    """The fixed timestamp of generated files: midnight UTC of the contract's own date."""
    return calendar.timegm(day.timetuple())


@functools.cache
def pandoc_path() -> str:
    """The pandoc of the pypandoc-binary wheel, found without importing pypandoc (which loads
    urllib and probes every pandoc on the PATH with a process each); pypandoc's own search
    when the wheel ships no binary."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(folder) / "files" / "pandoc"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def pandoc_env(epoch: int) -> dict[str, str]:
    """pandoc's environment: a fixed SOURCE_DATE_EPOCH, so that its output is reproducible,
    and a smaller initial heap than the 64 MiB it is built to take (GHC's `-H64m`), which
    only costs memory and page faults: a batch runs several pandocs at once. A pandoc built
    without RTS options ignores GHCRTS with a warning."""
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "GHCRTS": GHC_HEAP}


def run_pandoc(args: list[str], data: bytes, epoch: int) -> bytes:
    """Run pandoc (see `pandoc_env`)."""
    env = pandoc_env(epoch)
    proc = subprocess.run(
        [pandoc_path(), *args], input=data, capture_output=True, env=env, check=False
    )
    return _checked(args, proc.returncode, proc.stdout, proc.stderr)


class Background:
    """A pandoc run started now, while the caller does other work: the process is started
    by the calling thread (it inherits no resource bound set later, see compose.sandbox) and
    a helper thread only feeds it and collects its output. Use it in a `with` block: leaving
    it early stops pandoc."""

    def __init__(self, args: list[str], data: bytes, epoch: int) -> None:
        env = pandoc_env(epoch)
        self._args = args
        self._proc = subprocess.Popen(
            [pandoc_path(), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self._output: tuple[bytes, bytes] = (b"", b"")
        self._thread = threading.Thread(target=self._collect, args=(data,), daemon=True)
        self._thread.start()

    def _collect(self, data: bytes) -> None:
        self._output = self._proc.communicate(data)

    def result(self) -> bytes:
        """pandoc's output, once it has finished; a located ToolError if it failed."""
        self._thread.join()
        return _checked(self._args, self._proc.returncode, *self._output)

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._thread.join()


def _checked(args: list[str], returncode: int, stdout: bytes, stderr_bytes: bytes) -> bytes:
    if returncode != 0:
        stderr = stderr_bytes.decode("utf-8", "replace")
        template = _option(args, "--template")
        located = pandoc_template_error(stderr, template) if template else None
        if located is not None:
            raise ToolError([located])
        raise ToolError.one(
            "tool.pandoc",
            f"pandoc a échoué : {_without_backtrace(stderr)}",
            hint="signalez-le à l'équipe : l'entrée produite par l'outil est en cause",
        )
    return stdout


def _option(args: list[str], name: str) -> Path | None:
    return Path(args[args.index(name) + 1]) if name in args[:-1] else None


def _without_backtrace(stderr: str) -> str:
    """pandoc's message without the Haskell call stack a drafter cannot use."""
    kept = []
    for line in stderr.strip().split("\n"):
        if line.startswith(("CallStack", "HasCallStack")):
            break
        kept.append(line)
    return "\n".join(kept).strip()


@functools.cache
def pandoc_identity() -> str:
    """What names the pandoc binary in a cache key: its path, size and modification time."""
    path = pandoc_path()
    try:
        status = os.stat(path)
    except OSError:
        return path
    return f"{path}|{status.st_size}|{status.st_mtime_ns}"


def read_markdown(markdown: str, cache: Cache | None = None) -> dict[str, Any]:
    """pandoc's reading of Markdown as JSON; kept in `cache` by the pandoc and the text, since
    reading is most of what pandoc spends (a signed version's text never changes)."""
    data = markdown.encode("utf-8")
    key = Cache.key(pandoc_identity(), READER, data)
    kept = cache.get("pandoc-lecture", key) if cache else None
    if kept is not None:
        try:
            found = json.loads(kept)
        except ValueError:
            found = None
        if isinstance(found, dict) and "blocks" in found:
            return found
    raw = run_pandoc(["-f", READER, "-t", "json"], data, 0)
    if cache:
        cache.put("pandoc-lecture", key, raw)
    parsed: dict[str, Any] = json.loads(raw)
    return parsed


def markdown_to_ast(markdown: str, epoch: int) -> dict[str, Any]:
    """Parse assembled Markdown once; the typography filter runs on the AST, as pandoc intends."""
    raw = run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8"), epoch)
    return french_typography(json.loads(raw))


def ast_to(ast: dict[str, Any], fmt: str, epoch: int, *extra: str | Path) -> bytes:
    """Write the AST in `fmt` (docx, typst…) with pandoc."""
    return run_pandoc(_writer_args(fmt, extra), json.dumps(ast).encode("utf-8"), epoch)


def start_ast_to(ast: dict[str, Any], fmt: str, epoch: int, *extra: str | Path) -> Background:
    """`ast_to` started in the background (see `Background`)."""
    return Background(_writer_args(fmt, extra), json.dumps(ast).encode("utf-8"), epoch)


def _writer_args(fmt: str, extra: tuple[str | Path, ...]) -> list[str]:
    args = ["-f", "json", "-t", fmt, *(str(e) for e in extra)]
    if fmt == "docx":
        args += ["-o", "-"]
    return args


def without_meta(ast: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of the AST lacking some metadata fields."""
    result = copy.copy(ast)
    result["meta"] = {k: v for k, v in ast["meta"].items() if k not in keys}
    return result


def with_meta(ast: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A copy of the AST with extra metadata given as plain strings, lists and mappings."""
    result = copy.copy(ast)
    result["meta"] = {**ast["meta"], **{k: _meta_value(v) for k, v in values.items()}}
    return result


def _meta_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, str):
        return {"t": "MetaString", "c": value}
    if isinstance(value, list | tuple):
        return {"t": "MetaList", "c": [_meta_value(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: _meta_value(v) for k, v in value.items()}}
    return {"t": "MetaString", "c": str(value)}
