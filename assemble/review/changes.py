"""The changes a returned file proposes: its tracked changes, and the edits made without
tracking, found by comparing the text it was sent with its text as received (every tracked
change refused)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from .returned import Paragraph, Place, Returned
from .values import plain

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Change:
    """One change: what it removes and puts instead, in a paragraph of the text as sent."""

    kind: str  # « modification », « paragraphe supprimé », « ligne insérée »…
    old: str
    new: str
    author: str | None  # None: an edit made without tracking
    date: str | None
    place: Place
    text: str  # the paragraph as it was sent
    start: int  # `old` is text[start:end]
    end: int

    @property
    def tracked(self) -> bool:
        return self.author is not None

    def narrowed(self) -> Change:
        """The same change without the words it removes and puts back alike (« 45 places » →
        « 48 places » is « 45 » → « 48 »): what a reviewer who selected more than the value
        changed."""
        old, new = _TOKEN.findall(self.old), _TOKEN.findall(self.new)
        head = 0
        while head < min(len(old), len(new)) and plain(old[head]) == plain(new[head]):
            head += 1
        tail = 0
        while tail < min(len(old), len(new)) - head and plain(old[-1 - tail]) == plain(
            new[-1 - tail]
        ):
            tail += 1
        start = self.start + sum(len(t) for t in old[:head])
        kept_old = "".join(old[head : len(old) - tail])
        kept_new = "".join(new[head : len(new) - tail])
        return replace(self, old=kept_old, new=kept_new, start=start, end=start + len(kept_old))

    @property
    def whole(self) -> bool:
        """A change of a paragraph or a row as a whole, not of words within it."""
        return self.kind.startswith(("paragraphe", "ligne"))


def all_changes(returned: Returned, sent: list[Paragraph]) -> list[Change]:
    """Tracked changes in reading order, then the edits made without tracking."""
    found = []
    for revision in returned.revisions:
        received = returned.received
        text = received[revision.paragraph].text if revision.paragraph < len(received) else ""
        if revision.kind == "ligne insérée":
            start = end = 0
        elif revision.kind == "paragraphe inséré":  # where its mark splits the one received
            start = end = revision.start
        elif revision.kind in ("paragraphe supprimé", "ligne supprimée"):
            start, end = 0, len(text)
        else:
            start = revision.start
            end = start + (0 if revision.old == "¶" else len(revision.old))
        found.append(
            Change(
                revision.kind,
                revision.old,
                revision.new,
                revision.author,
                revision.date,
                revision.place,
                text,
                start,
                end,
            )
        )
    return found + untracked(sent, list(returned.received))


def untracked(sent: list[Paragraph], received: list[Paragraph]) -> list[Change]:
    """Edits made without tracking: where the text as received differs from the text sent
    (typographic spaces and apostrophes aside)."""
    before = [plain(p.text) for p in sent]
    after = [plain(p.text) for p in received]
    found: list[Change] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(a2 - a1, b2 - b1) if tag == "replace" else 0
        for offset in range(pairs):
            found += _within(sent[a1 + offset], received[b1 + offset])
        for paragraph in sent[a1 + pairs : a2]:
            found.append(_whole("paragraphe supprimé", paragraph, paragraph.text, ""))
        for paragraph in received[b1 + pairs : b2]:
            found.append(_whole("paragraphe inséré", paragraph, "", paragraph.text))
    return found


def _whole(kind: str, paragraph: Paragraph, old: str, new: str) -> Change:
    text = paragraph.text if old else ""
    return Change(kind, old, new, None, None, paragraph.place, text, 0, len(text))


def _within(sent: Paragraph, received: Paragraph) -> list[Change]:
    """The words changed in one paragraph, each run of changed words one change."""
    old_tokens = _TOKEN.findall(sent.text)
    new_tokens = _TOKEN.findall(received.text)
    matcher = difflib.SequenceMatcher(
        a=[plain(t) for t in old_tokens], b=[plain(t) for t in new_tokens], autojunk=False
    )
    found = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = sum(len(t) for t in old_tokens[:a1])
        old = "".join(old_tokens[a1:a2])
        new = "".join(new_tokens[b1:b2])
        found.append(
            Change(
                "modification",
                old,
                new,
                None,
                None,
                sent.place,
                sent.text,
                start,
                start + len(old),
            )
        )
    return found
