"""Read YAML so that every value keeps the line it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import safe_yaml
from .errors import CpomError
from .safe_yaml import BoundedLoader, Builder, FastBoundedLoader, Refused, yaml_problem

Loc = safe_yaml.Loc


@dataclass(frozen=True)
class LineMap:
    """Line numbers of the values of a YAML document, by path of keys and indexes."""

    path: Path
    lines: Mapping[Loc, int] = field(default_factory=dict)
    offset: int = 0

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its closest parent that has one."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found + self.offset
        return 1 + self.offset


def load_yaml(text: str, path: Path, line_offset: int = 0) -> tuple[Any, LineMap]:
    """Parse one YAML document; values are plain Python, lines go in the LineMap.

    The document is bounded (depth, tags, text length, alias expansion; see limits.py), so
    that a mistyped or hostile file is a located error, never a crash or an endless build.
    """
    try:
        node = FastBoundedLoader(text).get_single_node()
    except (yaml.YAMLError, Refused):
        node = None  # read again below, for PyYAML's own messages and lines
    else:
        return _built(node, path, line_offset)
    try:
        node = BoundedLoader(text).get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        raise CpomError.one(
            "input.control-character",
            f"caractère de contrôle U+{exc.character:04X} interdit dans un fichier texte"
            if isinstance(exc.character, int)
            else "caractère illisible",
            path,
            line,
            "supprimez ce caractère invisible (souvent issu d'un copier-coller)",
        ) from None
    except Refused as exc:
        raise CpomError.one(exc.code, exc.message, path, exc.line + line_offset, exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise CpomError.one(
            "yaml.syntax",
            f"YAML invalide : {yaml_problem(str(exc.problem or exc))}",
            path,
            line,
            "vérifiez l'indentation, les deux-points et les guillemets de cette ligne",
        ) from None
    return _built(node, path, line_offset)


def _built(node: yaml.Node | None, path: Path, line_offset: int) -> tuple[Any, LineMap]:
    """Plain values and their lines from a composed document, under the alias budget."""
    lines: dict[Loc, int] = {}
    if node is None:
        return {}, LineMap(path, lines, line_offset)
    builder = Builder(lines)
    try:
        data = builder.build(node, (), node.start_mark.line + 1, False)
    except Refused as exc:
        raise CpomError.one(exc.code, exc.message, path, exc.line + line_offset, exc.hint) from None
    return data, LineMap(path, lines, line_offset)


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Split `---` front matter from a Markdown body; returns (yaml, body, body's first line)."""
    if not text.startswith("---\n"):
        raise CpomError.one(
            "clause.front-matter",
            "la clause ne commence pas par un en-tête YAML délimité par ---",
            path,
            1,
            "ajoutez en tête du fichier un bloc --- id, version, titre, ordre, intitule ---",
        )
    end = text.find("\n---\n", 3)
    if end < 0:
        raise CpomError.one(
            "clause.front-matter",
            "l'en-tête YAML n'est pas refermé par une ligne ---",
            path,
            1,
            "ajoutez une ligne --- après le dernier champ de l'en-tête",
        )
    header = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = header.count("\n") + 3
    return header, body, body_line
