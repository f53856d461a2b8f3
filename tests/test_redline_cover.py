"""The cover page in a redline: a value that changes on it (the legal basis of the sample,
moved to article L. 313-12-2 by its avenant) is a tracked change like any other."""

from __future__ import annotations

from assemble.lifecycle.redline import make_redline, render_redline
from assemble.project import Project
from assemble.render import ooxml

from conftest import SAMPLE

OLD = "Articles L. 313-11 et suivants du code de l’action sociale et des familles"
NEW = "Conclu en application de l’article L. 313-12-2 du code de l’action sociale et des familles"


def test_a_changed_cover_line_is_a_tracked_change(sample_avenant: Project) -> None:
    redline = make_redline(sample_avenant, SAMPLE, "v1", "projet", "Relectrice")
    part = ooxml.read_part(render_redline(sample_avenant, redline))
    accepted = ooxml.paragraph_texts(ooxml.accept_all(part))
    rejected = ooxml.paragraph_texts(ooxml.reject_all(ooxml.read_part(render_redline(
        sample_avenant, redline))))  # fmt: skip
    head = 15  # the cover's paragraphs
    assert NEW in accepted[:head] and OLD not in accepted[:head]
    assert OLD in rejected[:head] and NEW not in rejected[:head]
    # One paragraph, the old line deleted and the new one inserted, by the reviser.
    body = part.find(ooxml.w("body"))
    assert body is not None
    marked = [
        p
        for p in list(body)[:head]
        if p.find(ooxml.w("del")) is not None and p.find(ooxml.w("ins")) is not None
    ]
    assert len(marked) == 1
    deleted = "".join(t.text or "" for t in marked[0].iter(ooxml.w("delText")))
    assert deleted == OLD
    inserted = marked[0].find(ooxml.w("ins"))
    assert inserted is not None and inserted.get(ooxml.w("author")) == "Relectrice"
    # The rest of the cover is unchanged: no other revision among its paragraphs.
    others = [p for p in list(body)[:head] if p is not marked[0]]
    assert not [p for p in others if p.find(f".//{ooxml.w('ins')}") is not None]
