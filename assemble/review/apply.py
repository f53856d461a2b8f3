"""Carrying the data changes of a review into contract.yaml, its comments and layout kept.

ruamel.yaml's composer gives, for each value, where its characters start and end in the file;
only those characters are replaced, in the style the value was written in (quoted or not, as
many decimals), so that `git diff` shows the changed values and nothing else. The result is
validated as a contract before it is returned; the caller writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..contract.load import validate_contract
from ..core.errors import CpomError
from ..core.sources import Loc, load_yaml


@dataclass(frozen=True)
class Edit:
    """A data value to change: where it is, the value it must have held, the new one."""

    loc: Loc
    field: str
    old: Any
    new: Any


def apply_edits(text: str, path: Path, contract_id: str, edits: list[Edit]) -> str:
    """contract.yaml's text with each edit made; a value that is no longer the one the
    reviewed version printed is refused, as is a result the data model refuses."""
    root = YAML(typ="rt").compose(text)
    spans: list[tuple[int, int, str]] = []
    for edit in edits:
        node = _node(root, edit.loc)
        if not isinstance(node, ScalarNode):
            raise _stale(path, edit, "cette donnée n'est plus une valeur simple")
        current = text[node.start_mark.index : node.end_mark.index]
        if not _same(node.value, edit.old):
            raise _stale(path, edit, f"elle vaut « {node.value} » dans le fichier", node)
        spans.append((node.start_mark.index, node.end_mark.index, _written(edit.new, current)))
    for start, end, written in sorted(spans, reverse=True):
        text = text[:start] + written + text[end:]
    raw, lines = load_yaml(text, path)
    validate_contract(contract_id, raw, lines, draft=True)
    return text


def _node(root: Node | None, loc: Loc) -> Node | None:
    node = root
    for part in loc:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _same(written: str, old: Any) -> bool:
    if isinstance(old, dt.date):
        return written == old.isoformat()
    if isinstance(old, float | Decimal | int) and not isinstance(old, bool):
        try:
            return Decimal(written) == Decimal(str(old))
        except ArithmeticError:
            return False
    return " ".join(written.split()) == " ".join(str(old).split())


def _written(new: Any, current: str) -> str:
    """The new value in the style of the characters it replaces."""
    if isinstance(new, dt.date):
        return new.isoformat()
    if isinstance(new, Decimal | int | float) and not isinstance(new, bool):
        decimals = len(current.split(".", 1)[1]) if "." in current else 0
        number = Decimal(str(new))
        if decimals:
            return f"{number:.{decimals}f}"
        return str(int(number)) if number == number.to_integral_value() else str(number)
    text = str(new)
    if current[:1] == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if current[:1] == "'" or _needs_quotes(text):
        return "'" + text.replace("'", "''") + "'"
    return text


def _needs_quotes(text: str) -> bool:
    return (
        not text
        or text[0] in "!&*?|>'\"%@`{[#-,: "
        or any(s in text for s in (": ", " #", "\n"))
        or text != text.strip()
    )


def _stale(path: Path, edit: Edit, why: str, node: Node | None = None) -> CpomError:
    line = node.start_mark.line + 1 if node is not None else None
    return CpomError.one(
        "review.apply-stale",
        f"{edit.field} : la valeur revue était « {edit.old} », {why}",
        path,
        line,
    )
