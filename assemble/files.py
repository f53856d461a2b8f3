"""Writing files safely: a drafter never finds a half-written document."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_files(files: dict[Path, bytes]) -> None:
    """Write each file to a temporary name beside it, then rename: no half-written file."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
