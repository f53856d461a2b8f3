"""Read YAML so that every value keeps the line it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import CpomError

Loc = tuple[str | int, ...]


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
    """Parse one YAML document; values are plain Python, lines go in the LineMap."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise CpomError.one(
            "yaml.syntax",
            f"YAML invalide : {exc.problem or exc}",
            path,
            line,
            "vérifiez l'indentation, les deux-points et les guillemets de cette ligne",
        ) from None
    lines: dict[Loc, int] = {}
    if node is None:
        return {}, LineMap(path, lines, line_offset)
    constructor = SafeConstructor()
    data = _construct(node, (), lines, constructor, path, line_offset)
    return data, LineMap(path, lines, line_offset)


def _construct(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    constructor: SafeConstructor,
    path: Path,
    offset: int,
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise CpomError.one(
                    "yaml.duplicate-key",
                    f"la clé « {key} » apparaît deux fois",
                    path,
                    key_node.start_mark.line + 1 + offset,
                    "supprimez ou renommez l'une des deux occurrences",
                )
            child = (*loc, key)
            result[key] = _construct(value_node, child, lines, constructor, path, offset)
            lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*loc, index), lines, constructor, path, offset)
            for index, item in enumerate(node.value)
        ]
    return constructor.construct_object(node)


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
