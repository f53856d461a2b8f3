"""Aligning two sequences by equality, then by similarity; cutting text into word tokens.

Pure functions over sequences, for any diff of versions: blocks, list items, table rows or
words. `align` keeps what is equal (a longest common subsequence, via difflib), then, in each
run that differs, pairs the items that resemble each other enough (in order, the pairing of
highest total similarity): a pair is one item changed, the rest are deletions and insertions.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

T = TypeVar("T")
Op = Literal["equal", "change", "delete", "insert"]

# Blocks that share at least half of their words are one block changed, not one deleted and
# another inserted (Dice coefficient of their words, see word_similarity). Table rows with the
# same label (first cell) are one row; others must share three quarters of their words, since
# a row of a few values may share half of them with another establishment's.
SIMILAR = 0.5
SIMILAR_ROW = 0.75


@dataclass(frozen=True)
class Step:
    """One step of an alignment: `old` and `new` index the two sequences (None: absent)."""

    op: Op
    old: int | None
    new: int | None


def align(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], Hashable],
    similarity: Callable[[T, T], float] | None = None,
    threshold: float = 0.5,
) -> list[Step]:
    """Align `old` with `new`: equal keys first; in a differing run, pairs whose similarity
    reaches `threshold` are changes (without `similarity`, none are). Within a run, deletions
    come before the insertions they stand between, as a reader expects."""
    old_keys, new_keys = [key(x) for x in old], [key(x) for x in new]
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    steps: list[Step] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Step("equal", a1 + i, b1 + i) for i in range(a2 - a1)]
            continue
        pairs: list[tuple[int, int]] = []
        if similarity is not None and a2 > a1 and b2 > b1:
            pairs = _pairs(old[a1:a2], new[b1:b2], similarity, threshold)
        steps += _run(a1, a2, b1, b2, [(a1 + i, b1 + j) for i, j in pairs])
    return steps


def _run(a1: int, a2: int, b1: int, b2: int, pairs: list[tuple[int, int]]) -> list[Step]:
    """A differing run with its pairs: what lies between two pairs is deleted, then inserted."""
    steps: list[Step] = []
    i, j = a1, b1
    for pi, pj in [*pairs, (a2, b2)]:
        steps += [Step("delete", k, None) for k in range(i, pi)]
        steps += [Step("insert", None, k) for k in range(j, pj)]
        if (pi, pj) != (a2, b2):
            steps.append(Step("change", pi, pj))
        i, j = pi + 1, pj + 1
    return steps


def _pairs(
    old: Sequence[T], new: Sequence[T], similarity: Callable[[T, T], float], threshold: float
) -> list[tuple[int, int]]:
    """The order-keeping pairing of highest total similarity, among pairs above `threshold`
    (a weighted longest common subsequence; runs are short, so O(n·m) is cheap)."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[similarity(a, b) for b in new] for a in old]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sims[i][j] >= threshold:
                best = max(best, sims[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sims[i][j] >= threshold and score[i][j] == sims[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# --- words ------------------------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f]"
# An amount is one token with its digit groups and its unit (« 1 234 567,89 € », « 11,4 % »,
# « 86 400 euros »), whatever spaces separate them: a changed amount is one changed value.
# Words keep their hyphens and their elided apostrophe (« l’ », « Saint-Nazaire »); every
# other sign is a token of its own, so that « (quatre » → « (cinq » changes the word only.
_TOKEN = re.compile(
    rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:,\d+)?(?:{_SPACE}?(?:€|%|euros?\b))?"
    rf"|\d+(?:,\d+)?{_SPACE}?(?:€|%|euros?\b)"
    r"|\w+(?:[-‑]\w+)*[’']?"
    r"|\s"
    r"|.",
    re.DOTALL,
)
_WORD = re.compile(r"\w")


def tokens(text: str) -> list[str]:
    """Cut text into words, amounts, single spaces and single signs; joined back, the text."""
    return _TOKEN.findall(text)


def fold(text: str) -> str:
    """Text with every kind of space as an ordinary space: how tokens are compared, so that
    a no-break space where a line must not break is not a changed word."""
    return re.sub(r"\s", " ", text)


def is_word(token: str) -> bool:
    """A token a reader counts as a word (an amount, a number or a word, not a sign)."""
    return bool(_WORD.search(token))


def word_similarity(old: Sequence[str], new: Sequence[str]) -> float:
    """How much two texts share, from 0 to 1: the Dice coefficient of their words (as
    multisets), signs and spaces aside."""
    return bag_similarity(word_bag(old), word_bag(new))


def word_bag(tokens: Sequence[str]) -> Counter[str]:
    """The words of a text as a multiset, as `word_similarity` counts them: an item aligned
    against many others computes it once."""
    return Counter(fold(t) for t in tokens if is_word(t))


def bag_similarity(a: Counter[str], b: Counter[str]) -> float:
    """`word_similarity` of two texts given by their `word_bag`s."""
    total = a.total() + b.total()
    if total == 0:
        return 1.0
    return 2 * (a & b).total() / total
