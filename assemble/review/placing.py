"""Placing a returned file's paragraphs on the version it was sent as.

Word keeps the bookmarks pandoc puts around each article, but LibreOffice rewrites them when it
saves: it ends an article's bookmark in another paragraph, repeats bookmarks inside tables and
drops those of the articles that open right after a table (the annexes). The paragraphs come
back in the same order, though: each paragraph as received (every tracked change refused) takes
the place of the paragraph sent that it stands for, found by aligning the two texts; a
paragraph edited without tracking, of the one it replaces; a paragraph or a row the other party
inserted, of the one it follows. The bookmarks of the returned file are then not needed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from .returned import Comment, Paragraph, Place, Returned, Revision
from .values import plain

_INSERTED = ("paragraphe inséré", "ligne insérée")


def placed_on(returned: Returned, sent: Sequence[Paragraph]) -> Returned:
    """The returned file with its paragraphs, changes and comments placed as the text sent."""
    places = received_places(returned.received, sent)
    if not places:
        return returned
    received = tuple(replace(p, place=places[i]) for i, p in enumerate(returned.received))
    revisions = tuple(replace(r, place=_revision_place(r, places)) for r in returned.revisions)
    comments = tuple(replace(c, place=_comment_place(c, places)) for c in returned.comments)
    return replace(returned, received=received, revisions=revisions, comments=comments)


def received_places(received: Sequence[Paragraph], sent: Sequence[Paragraph]) -> list[Place]:
    """The place of each paragraph as received: that of the paragraph sent it matches, or
    replaces, or follows."""
    matcher = difflib.SequenceMatcher(
        a=[plain(p.text) for p in sent], b=[plain(p.text) for p in received], autojunk=False
    )
    places: list[Place | None] = [None] * len(received)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        paired = b2 - b1 if tag == "equal" else min(a2 - a1, b2 - b1)
        for offset in range(paired if tag in ("equal", "replace") else 0):
            places[b1 + offset] = sent[a1 + offset].place
    found: list[Place] = []
    for index, place in enumerate(places):
        if place is None:  # a paragraph added without tracking: where the one before stands
            before = found[-1] if found else next((p for p in places if p is not None), None)
            place = replace(before, heading=False) if before else received[index].place
        found.append(place)
    return found


def _revision_place(revision: Revision, places: list[Place]) -> Place:
    index = revision.paragraph
    if revision.kind != "ligne insérée":  # an inserted paragraph: the one it joins, refused
        found = places[index] if index < len(places) else revision.place
        return replace(found, heading=False) if revision.kind in _INSERTED else found
    # Not in the text as received: placed in the table of the row before it, numbered as the
    # returned file numbers its rows and columns.
    before = places[index - 1] if 0 < index <= len(places) else None
    if before is None or before.table is None:
        return places[index] if index < len(places) else revision.place
    own = revision.place
    return replace(before, heading=False, row=own.row, column=own.column)


def _comment_place(comment: Comment, places: list[Place]) -> Place:
    index = comment.paragraph
    return places[index] if 0 <= index < len(places) else comment.place
