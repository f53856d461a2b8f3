"""Word by word: two runs of pandoc inlines merged into one, with insertion and deletion spans.

Text is cut into tokens (`align.tokens`: words, amounts, single signs and spaces) and compared
with every kind of space folded into one; where the two versions differ only by the kind of a
space (a no-break space that a newer rendering profile puts before « % »), only that space is
marked, so that accepting or rejecting every change gives each version exactly. Emphasis,
links and other inline containers are tokens of their own; two of the same kind and target
facing each other are compared inside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..render import pandoc_nodes as pn
from ..render.ooxml import DELETED, INSERTED, Kind, Stamp, Target, marker_name
from ..render.pandoc_nodes import Node
from .align import Step, align, fold, tokens

_CLASS = {INSERTED: "insertion", DELETED: "deletion"}


class Marks:
    """Makes the change spans and the paragraph and row markers, with the reviser's stamp."""

    def __init__(self, stamp: Stamp) -> None:
        self.stamp = stamp
        self._markers = 0

    def change(self, content: list[Node], kind: Kind) -> list[Node]:
        """Words inserted or deleted, as spans that pandoc writes as tracked runs. A link gets
        the span inside it: Word has no hyperlink inside a tracked run, and LibreOffice loses
        the link's words when it rejects one."""
        attributes = [["author", self.stamp.author], ["date", self.stamp.date]]
        result: list[Node] = []
        run: list[Node] = []
        for inline in [*content, None]:
            if inline is not None and not _holds_link(inline):
                run.append(inline)
                continue
            if run:
                result.append(pn.span(("", [_CLASS[kind]], attributes), run))
                run = []
            if inline is not None:
                inner = pn.inline_content(inline) or []
                result.append(pn.with_inline_content(inline, self.change(inner, kind)))
        return result

    def marker(self, target: Target, kind: Kind) -> Node:
        """An empty span whose bookmark marks its paragraph or table row (see ooxml)."""
        self._markers += 1
        return pn.span((marker_name(target, kind, self._markers), [], []), [])


def _holds_link(inline: Node) -> bool:
    if pn.kind(inline) == "Link":
        return True
    inner = pn.inline_content(inline)
    return inner is not None and any(_holds_link(i) for i in inner)


def change_kind(inline: Node) -> Kind | None:
    """Whether an inline is a span of inserted or deleted words, and which."""
    if pn.kind(inline) != "Span":
        return None
    classes = pn.classes(inline)
    return next((kind for kind, name in _CLASS.items() if name in classes), None)


def starts_inserted(content: list[Node]) -> bool:
    """Whether a paragraph's words start with an insertion."""
    return bool(content) and change_kind(content[0]) == INSERTED


def end_apart(content: list[Node], marks: Marks) -> list[Node]:
    """A paragraph that ends with an insertion, made to end with a deletion: LibreOffice would
    join its insertion with one that starts the next paragraph, paragraph break included. The
    deletion it follows goes after it, or else the word before it joins the change."""
    if not content or change_kind(content[-1]) != INSERTED:
        return content
    inserted = pn.inline_content(content[-1]) or []
    if len(content) >= 2 and change_kind(content[-2]) == DELETED:
        return [*content[:-2], content[-1], content[-2]]
    if len(content) >= 2 and change_kind(content[-2]) is None:
        word = content[-2]
        changed = [*marks.change([word, *inserted], INSERTED), *marks.change([word], DELETED)]
        return [*content[:-2], *changed]
    return content


@dataclass(frozen=True)
class _Atom:
    """A token of text, or an inline that is not text (emphasis, link, line break…)."""

    key: str
    text: str | None = None
    node: Node | None = None


def diff_inlines(old: list[Node], new: list[Node], marks: Marks) -> list[Node]:
    """The inlines of a changed paragraph: unchanged words as they are, each changed run of
    words as one deletion followed by one insertion."""
    before, after = _atoms(old), _atoms(new)
    steps = _absorb_spaces(
        align(before, after, key=lambda a: a.key, similarity=_same_container, threshold=1.0),
        before,
    )
    result: list[Node] = []
    deleted: list[_Atom] = []
    inserted: list[_Atom] = []

    def flush() -> None:
        if deleted:
            result.extend(marks.change(_inlines(deleted), DELETED))
        if inserted:
            result.extend(marks.change(_inlines(inserted), INSERTED))
        deleted.clear()
        inserted.clear()

    for step in steps:
        if step.op == "delete" and step.old is not None:
            deleted.append(before[step.old])
        elif step.op == "insert" and step.new is not None:
            inserted.append(after[step.new])
        elif step.old is not None and step.new is not None:
            flush()
            result += _same_place(before[step.old], after[step.new], marks)
    flush()
    return _joined(result)


def _same_place(old: _Atom, new: _Atom, marks: Marks) -> list[Node]:
    """Two tokens at the same place: the same, or differing in their spaces, or two containers
    of the same kind compared inside."""
    if old == new:
        return _inlines([new])
    if old.text is not None and new.text is not None:
        return _spaces_changed(old.text, new.text, marks)
    assert old.node is not None and new.node is not None
    inner_old, inner_new = pn.inline_content(old.node), pn.inline_content(new.node)
    if inner_old is None or inner_new is None:
        return [*marks.change([old.node], DELETED), *marks.change([new.node], INSERTED)]
    return [pn.with_inline_content(new.node, diff_inlines(inner_old, inner_new, marks))]


def _spaces_changed(old: str, new: str, marks: Marks) -> list[Node]:
    """Equal text but for the kind of some spaces (equal once folded): those spaces marked."""
    result: list[Node] = []
    kept = ""
    for a, b in zip(old, new, strict=True):
        if a == b:
            kept += b
            continue
        result += _text_inlines(kept)
        kept = ""
        result += [
            *marks.change(_text_inlines(a), DELETED),
            *marks.change(_text_inlines(b), INSERTED),
        ]
    return result + _text_inlines(kept)


def _absorb_spaces(steps: list[Step], before: list[_Atom]) -> list[Step]:
    """A lone space between two changed runs joins them: « quatorze mois » → « douze
    semaines » reads as one change, not two."""
    result: list[Step] = []
    for index, step in enumerate(steps):
        between = 0 < index < len(steps) - 1 and {steps[index - 1].op, steps[index + 1].op} <= {
            "delete",
            "insert",
        }
        if step.op == "equal" and step.old is not None and between and _is_space(before[step.old]):
            result += [Step("delete", step.old, None), Step("insert", None, step.new)]
        else:
            result.append(step)
    return _deletions_first(result)


def _deletions_first(steps: list[Step]) -> list[Step]:
    """Within each run of deletions and insertions, the deletions first."""
    result: list[Step] = []
    run: list[Step] = []
    for step in [*steps, Step("equal", None, None)]:
        if step.op in ("delete", "insert"):
            run.append(step)
            continue
        result += [s for s in run if s.op == "delete"] + [s for s in run if s.op == "insert"]
        run = []
        if step.old is not None or step.new is not None:
            result.append(step)
    return result


def _is_space(atom: _Atom) -> bool:
    return atom.text is not None and atom.text.isspace()


def _same_container(old: _Atom, new: _Atom) -> float:
    if old.node is None or new.node is None or pn.inline_content(old.node) is None:
        return 0.0
    return 1.0 if _label(old.node) == _label(new.node) else 0.0


# --- tokens and keys --------------------------------------------------------------------------


def _atoms(content: list[Node]) -> list[_Atom]:
    atoms: list[_Atom] = []
    run: list[str] = []
    for inline in [*content, None]:
        text = None if inline is None else pn.str_text(inline)
        if text is not None:
            run.append(text)
            continue
        atoms += [_Atom(fold(t), text=t) for t in tokens("".join(run))]
        run = []
        if inline is not None:
            atoms.append(_Atom(inline_key([inline]), node=inline))
    return atoms


def inline_key(content: list[Node]) -> str:
    """What two runs of inlines must share to be equal: their text with spaces folded, their
    containers and what those hold; a cross-reference by its target alone, since the number
    it shows follows the numbering."""
    parts: list[str] = []
    run: list[str] = []
    for inline in content:
        text = pn.str_text(inline)
        if text is not None:
            run.append(text)
            continue
        parts.append(fold("".join(run)))
        run = []
        inner = pn.inline_content(inline)
        if inner is None:
            parts.append(json.dumps(inline, sort_keys=True, ensure_ascii=False))
        elif pn.is_cross_reference(inline):
            parts.append(f"<{_label(inline)}/>")  # « article 12 » renumbered is the same
        else:
            parts.append(f"<{_label(inline)}>{inline_key(inner)}</>")
    parts.append(fold("".join(run)))
    return "".join(parts)


def inline_tokens(content: list[Node]) -> list[str]:
    """Every token of text in a run of inlines, containers included: for similarity."""
    found: list[str] = []
    run: list[str] = []
    for inline in content:
        text = pn.str_text(inline)
        if text is not None:
            run.append(text)
            continue
        inner = pn.inline_content(inline)
        if inner is not None:
            run.append(" ")
            found += tokens("".join(run))
            run = [" "]
            found += inline_tokens(inner)
    return found + tokens("".join(run))


def _label(node: Node) -> str:
    """A container without its content: its kind, attributes and target."""
    return json.dumps(pn.with_inline_content(node, []), sort_keys=True, ensure_ascii=False)


# --- back to inlines --------------------------------------------------------------------------


def _inlines(atoms: list[_Atom]) -> list[Node]:
    result: list[Node] = []
    for atom in atoms:
        if atom.node is not None:
            result.append(atom.node)
        elif atom.text is not None:
            result += _text_inlines(atom.text)
    return _joined(result)


def _text_inlines(text: str) -> list[Node]:
    """Text as pandoc writes it: Str for words and other spaces, Space for ordinary ones."""
    result: list[Node] = []
    for index, piece in enumerate(text.split(" ")):
        if index:
            result.append(pn.space())
        if piece:
            result.append(pn.text(piece))
    return result


def _joined(content: list[Node]) -> list[Node]:
    """Adjacent Str merged, as pandoc's reader would have them."""
    result: list[Node] = []
    for inline in content:
        if result and pn.kind(inline) == "Str" and pn.kind(result[-1]) == "Str":
            result[-1] = pn.text(f"{pn.str_text(result[-1])}{pn.str_text(inline)}")
        else:
            result.append(inline)
    return result
