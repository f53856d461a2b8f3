"""French typography as a pandoc AST filter: no-break spaces and « guillemets »."""

from __future__ import annotations

import re
from typing import Any

from .french import NBSP, NNBSP

# Thin no-break space before ; ! ? and a word no-break space before : and inside « ».
_THIN_BEFORE = ";!?"
_WORD_BEFORE = ":»"
_GLUED = re.compile(r"(?<=[\w)»])([;!?])(?=$)")


def french_typography(ast: dict[str, Any]) -> dict[str, Any]:
    """Return the AST with French spacing applied to every run of inline elements."""
    ast["blocks"] = _walk(ast["blocks"])
    return ast


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        items = [_walk(item) for item in node]
        if items and all(isinstance(i, dict) and "t" in i for i in items):
            return _inlines(items)
        return items
    if isinstance(node, dict):
        if node.get("t") in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math"):
            return node
        return {key: _walk(value) for key, value in node.items()}
    return node


def _str(text: str) -> dict[str, Any]:
    return {"t": "Str", "c": text}


def _inlines(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = []
    for item in items:
        if item["t"] == "Quoted" and item["c"][0]["t"] == "DoubleQuote":
            expanded += [_str("«" + NBSP), *item["c"][1], _str(NBSP + "»")]
        elif item["t"] == "Str":
            expanded.append(_str(_GLUED.sub(NNBSP + r"\1", item["c"])))
        else:
            expanded.append(item)
    result: list[dict[str, Any]] = []
    for index, item in enumerate(expanded):
        if item["t"] in ("Space", "SoftBreak"):
            after = expanded[index + 1] if index + 1 < len(expanded) else None
            before = result[-1] if result else None
            next_text = after["c"] if after and after["t"] == "Str" else ""
            prev_text = before["c"] if before and before["t"] == "Str" else ""
            if next_text[:1] and next_text[0] in _THIN_BEFORE:
                result.append(_str(NNBSP))
                continue
            if (next_text[:1] and next_text[0] in _WORD_BEFORE) or prev_text.endswith("«"):
                result.append(_str(NBSP))
                continue
        result.append(item)
    return result
