"""The consoles every command prints to: user text as written, tables wide enough.

rich is imported when something needs it (a table, a progress bar): most commands print lines
of plain text, written here as rich would write them, and a build spares the import.
"""

from __future__ import annotations

import functools
import shutil
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

# Tables stay readable when the output is a file or a pipe (rich assumes 80 columns there).
WIDTH = max(110, shutil.get_terminal_size((120, 24)).columns)


class Printer:
    """A rich console made on first need; plain text (markup=False) is written directly."""

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr

    @functools.cached_property
    def rich(self) -> Console:
        from rich.console import Console

        # User text (names, paths, values) is printed as written: no markup, no emoji codes.
        return Console(
            stderr=self.stderr,
            highlight=False,
            soft_wrap=True,
            width=WIDTH,
            markup=False,
            emoji=False,
        )

    def print(self, *objects: Any, markup: bool | None = None, **options: Any) -> None:
        if not options and markup is False and all(type(o) is str for o in objects):
            text = " ".join(objects)
            if "\t" not in text and "\x1b" not in text:  # what rich would rewrite
                stream = sys.stderr if self.stderr else sys.stdout
                stream.write(text + "\n")
                return
        self.rich.print(*objects, markup=markup, **options)


err = Printer(stderr=True)
out = Printer(stderr=False)
