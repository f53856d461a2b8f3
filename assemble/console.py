"""The consoles every command prints to: user text as written, tables wide enough."""

from __future__ import annotations

import shutil

from rich.console import Console

# Tables stay readable when the output is a file or a pipe (rich assumes 80 columns there).
WIDTH = max(110, shutil.get_terminal_size((120, 24)).columns)
# User text (names, paths, values) is printed as written: no markup, no emoji codes like :100:.
err = Console(stderr=True, highlight=False, soft_wrap=True, width=WIDTH, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, width=WIDTH, markup=False, emoji=False)
