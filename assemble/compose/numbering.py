"""Number titres in roman numerals, articles continuously, annexes apart; resolve references.

A version that amends a signed contract (an avenant's consolidated version) never renumbers it:
each article keeps the number it had in the version in force (`previous`), an inserted one takes
the number of the article it follows with « bis », « ter »… (« article 3 bis », « annexe 6 bis »),
and the numbers of removed articles are not reused (see docs/avenants.md) — except by the clause
that takes a removed article's very place: a new article standing, in the same titre, exactly
where a removed one stood (between the same kept articles) is that article rewritten (« l'article
9 est remplacé par les dispositions suivantes »), and keeps its number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..library.clauses import Clause, TitreDef
from ..text.french import NBSP, romain


@dataclass(frozen=True)
class Selected:
    """A clause kept for this contract, with the variant its data chose."""

    clause: Clause
    variant: str | None
    item: Any = None  # for a repeated clause: the item this article is about
    instance: str | None = None  # and its key, unique within the clause


@dataclass(frozen=True)
class Slot:
    """Where an article stands in the contract once numbered."""

    selected: Selected
    number: int | None
    label: str  # "Article 12", "Annexe 2", ""
    reference: str  # how other clauses cite it: "article 12", "annexe 2"
    shown: str = ""  # the number as printed: "12", "3 bis" (stable numbering), "" if none


@dataclass(frozen=True)
class NumberedTitre:
    titre: TitreDef
    number: int | None
    label: str
    slots: tuple[Slot, ...]


# Latin multiplicative adverbs, as French legislative drafting uses them for inserted articles.
SUFFIXES = (
    "bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "nonies", "decies",
    "undecies", "duodecies", "terdecies", "quaterdecies", "quindecies", "sexdecies",
    "septdecies", "octodecies", "novodecies", "vicies",
)  # fmt: skip
BEFORE_FIRST = "A"  # an article inserted before the first one: « article 1 A »


def number(
    titres: Sequence[TitreDef],
    selected: Sequence[Selected],
    previous: Mapping[str, str] | None = None,
    titre_of: Mapping[str, str] | None = None,
) -> tuple[NumberedTitre, ...]:
    """Give each titre and article its number; empty titres are left out.

    `previous`: « article:key » or « annexe:key » → number as printed in the version in force
    (« 3 », « 3 bis »; see `previous_numbers`), in the order of that version,
    for a version that amends it: those articles keep their number, new ones take the place of
    a removed article of the same titre standing where they stand, or are numbered after the
    one they follow; without it, articles and annexes are numbered 1, 2, 3….
    `titre_of`: clause id → the key of its titre, for every clause the library knows (a removed
    article whose clause it does not know keeps its number unused)."""
    result = []
    titre_no = 0
    counters = {"article": 0, "annexe": 0}
    stable = (
        _Stable(previous, {_key(s) for s in selected}, titre_of or {})
        if previous is not None
        else None
    )
    for titre in titres:
        members = [s for s in selected if s.clause.titre == titre.cle]
        if not members:
            continue
        slots = []
        for member in members:
            if titre.genre == "annexes" or titre.articles_numerotes:
                kind = "annexe" if titre.genre == "annexes" else "article"
                counters[kind] += 1
                ordinal = counters[kind]
                shown = (
                    str(ordinal)
                    if stable is None
                    else stable.shown(kind, _key(member), member.clause.titre)
                )
                word = kind.capitalize()
                slots.append(
                    Slot(member, ordinal, f"{word}{NBSP}{shown}", f"{kind}{NBSP}{shown}", shown)
                )
            else:
                slots.append(Slot(member, None, "", member.clause.intitule))
        if titre.genre == "titre":
            titre_no += 1
            label = f"Titre{NBSP}{romain(titre_no)}"
            result.append(NumberedTitre(titre, titre_no, label, tuple(slots)))
        else:
            result.append(NumberedTitre(titre, None, "", tuple(slots)))
    return tuple(result)


def _key(selected: Selected) -> str:
    """The article key (Article.key): clause id, plus the instance of a repeated clause."""
    clause_id = selected.clause.id
    return clause_id if selected.instance is None else f"{clause_id}-{selected.instance}"


class _Stable:
    """Numbers kept from the version in force; a removed article's number for the new one that
    takes its place; otherwise new ones after the article they follow."""

    def __init__(
        self, previous: Mapping[str, str], present: set[str], titre_of: Mapping[str, str]
    ) -> None:
        self.previous = previous
        self.used = set(previous.values())
        self.last: dict[str, str | None] = {"article": None, "annexe": None}
        # Per kind, the version in force's entries in order: (key, number, still present).
        self.order: dict[str, list[tuple[str, str, bool]]] = {"article": [], "annexe": []}
        for entry, shown in previous.items():
            kind, _, key = entry.partition(":")
            if kind in self.order:
                self.order[kind].append((key, shown, key in present))
        self.titre_of = titre_of
        self.taken: set[str] = set()  # removed articles whose place a new one took

    def shown(self, kind: str, key: str, titre: str) -> str:
        kept = self.previous.get(f"{kind}:{key}")
        if kept is None:
            kept = self._vacated(kind, titre) or self._inserted(self.last[kind])
            self.used.add(kept)
        self.last[kind] = kept
        return kept

    def _vacated(self, kind: str, titre: str) -> str | None:
        """The number of a removed article of `titre` standing right after the last numbered
        one (among the removed articles that follow it, before the next kept article)."""
        entries = self.order[kind]
        last = self.last[kind]
        start = 0
        if last is not None:
            start = next((i + 1 for i, (_, n, _) in enumerate(entries) if n == last), len(entries))
        for key, shown, present in entries[start:]:
            if present:
                return None
            if key not in self.taken and self._titre(key) == titre:
                self.taken.add(key)
                return shown
        return None

    def _titre(self, key: str) -> str | None:
        """The titre of an article key (clause id, or clause id and instance)."""
        clause_id = key
        while clause_id:
            if clause_id in self.titre_of:
                return self.titre_of[clause_id]
            clause_id = clause_id.rpartition("-")[0]
        return None

    def _inserted(self, after: str | None) -> str:
        if after is None:
            base, start = "1", 0
            candidates = [f"{base}{NBSP}{chr(ord(BEFORE_FIRST) + i)}" for i in range(26)]
        else:
            base, _, suffix = after.partition(NBSP)
            start = SUFFIXES.index(suffix) + 1 if suffix in SUFFIXES else 0
            candidates = [f"{base}{NBSP}{s}" for s in SUFFIXES[start:]]
        for candidate in candidates:
            if candidate not in self.used:
                return candidate
        raise ValueError(f"too many articles inserted after {after}")


def previous_numbers(labels: Sequence[tuple[str, str]]) -> dict[str, str]:
    """`previous` for `number` from a lock's (key, label) pairs: « Article 3 bis » →
    « article:key » → « 3 bis »; unnumbered blocks are left out."""
    found = {}
    for key, label in labels:
        word, _, shown = label.replace(" ", NBSP).partition(NBSP)
        if word in ("Article", "Annexe") and shown:
            found[f"{word.lower()}:{key}"] = shown
    return found


def reference_table(numbered: Sequence[NumberedTitre]) -> Mapping[str, tuple[Slot, ...]]:
    """Clause id → its slots (several for a repeated clause), for `ref()`."""
    table: dict[str, tuple[Slot, ...]] = {}
    for titre in numbered:
        for slot in titre.slots:
            key = slot.selected.clause.id
            table[key] = (*table.get(key, ()), slot)
    return table
