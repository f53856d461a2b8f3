"""The cache between runs never decides an output: the same bytes with it and without, and a
changed input is computed again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pytest

from assemble.core.cache import Cache
from assemble.core.errors import CpomError
from assemble.lifecycle.stages import compose_draft
from assemble.pipeline import build_contract, build_redline
from assemble.project import Project
from assemble.render.docx import _render_template
from assemble.render.kept import KIND, rendering_key
from assemble.render.markdown import to_markdown

from conftest import ROOT, SAMPLE, copy_project, edit, signed_copy

WHEN = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)


def test_a_key_names_each_part_apart() -> None:
    assert Cache.key("ab", "c") != Cache.key("a", "bc")
    assert Cache.key("a", b"b") == Cache.key(b"a", "b")


def test_entries_are_kept_whole_and_the_cache_can_be_off(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    cache.put("sorte", "cle", b"contenu")
    assert cache.get("sorte", "cle") == b"contenu"
    assert not [p for p in (tmp_path / "cache" / "sorte").iterdir() if p.name.startswith(".")]
    off = Cache(None)
    off.put("sorte", "cle", b"contenu")
    assert off.get("sorte", "cle") is None and off.kind("sorte") is None


def test_a_damaged_entry_is_computed_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.remembered("calcul", "k", lambda: [1, 2]) == [1, 2]
    assert cache.remembered("calcul", "k", lambda: [3]) == [1, 2]  # kept
    (tmp_path / "calcul" / "k").write_bytes(pickle.dumps([1, 2])[:-3])
    assert cache.remembered("calcul", "k", lambda: [3]) == [3]
    assert cache.remembered("calcul", "k", lambda: [4]) == [3]  # and kept again


def test_the_cache_folder_comes_from_the_environment(tmp_path: Path) -> None:
    assert Cache.of_user({"CPOM_CACHE": "non", "HOME": "/h"}).folder is None
    assert Cache.of_user({"CPOM_CACHE": str(tmp_path)}).folder == tmp_path
    assert Cache.of_user({"XDG_CACHE_HOME": "/x", "HOME": "/h"}).folder == Path("/x/cpom")
    assert Cache.of_user({"HOME": "/h"}).folder == Path("/h/.cache/cpom")
    assert Cache.of_user({}).folder is None
    # A Project made by a program (not the command line) keeps nothing unless CPOM_CACHE says.
    assert Cache.named({"HOME": "/h"}).folder is None
    assert Cache.named({"CPOM_CACHE": "non"}).folder is None
    assert Cache.named({"CPOM_CACHE": str(tmp_path)}).folder == tmp_path


def test_a_redline_is_the_same_with_the_cache_and_follows_a_changed_draft(
    tmp_path: Path,
) -> None:
    plain = dataclasses.replace(signed_copy(tmp_path / "depot"), cache=Cache(None))
    cached = dataclasses.replace(plain, cache=Cache(tmp_path / "cache"))
    edit(cached.contracts / SAMPLE / "contract.yaml", "preavis_mois: 6", "preavis_mois: 4")
    build_contract(plain, SAMPLE)

    def redline(project: Project) -> bytes:
        paths, _ = build_redline(project, SAMPLE, "v1", "projet", "Relecture", WHEN)
        return paths[0].read_bytes()

    without = redline(plain)
    assert redline(cached) == without  # computed, then kept
    assert len(list((tmp_path / "cache" / "redline-version").iterdir())) == 2  # v1 and projet
    assert redline(cached) == without  # read back
    edit(cached.contracts / SAMPLE / "contract.yaml", "preavis_mois: 4", "preavis_mois: 3")
    build_contract(plain, SAMPLE)
    changed = redline(plain)
    assert changed != without
    assert redline(cached) == changed  # the draft's files changed: composed again
    assert len(list((tmp_path / "cache" / "redline-version").iterdir())) == 3


def test_an_edited_clause_is_compiled_again_and_its_errors_stay_located(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "depot", ["gcsms-estuaire"], locked=False)
    cached = dataclasses.replace(project, cache=Cache(tmp_path / "cache"))
    clause = project.clauses / "06-titre-V-duree" / "10-duree.md"
    first = compose_draft(cached, "gcsms-estuaire", latest=True).document
    assert list((tmp_path / "cache").glob("jinja-*/*"))  # compiled clauses kept
    edit(clause, "et s'achève le", "et s'achève (fin du contrat) le")
    second = compose_draft(cached, "gcsms-estuaire", latest=True).document
    assert "(fin du contrat)" in to_markdown(second)
    assert "(fin du contrat)" not in to_markdown(first)
    edit(clause, "calcul.date_fin", "calcul.fin")
    with pytest.raises(CpomError) as caught:
        compose_draft(cached, "gcsms-estuaire", latest=True)
    problem = caught.value.problems[0]
    assert (problem.code, problem.path) == ("template.undefined", clause)
    assert problem.line == 15


def test_a_cover_follows_its_values(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    template = ROOT / "templates" / "signatures.docx"
    context = _signature_context()
    first = "\n".join(p.text for p in _render_template(template, context, cache).paragraphs)
    assert list((tmp_path / "parties-word").iterdir())
    renamed = {**context, "lieu": "Sète"}
    second = "\n".join(p.text for p in _render_template(template, renamed, cache).paragraphs)
    again = "\n".join(p.text for p in _render_template(template, renamed, cache).paragraphs)
    assert "Sète" in second and "Sète" not in first and again == second


def _signature_context() -> dict[str, object]:
    from assemble.render.body import read_document
    from assemble.render.parts import template_context

    project = Project(ROOT)
    return template_context(read_document(compose_draft(project, "gcsms-estuaire").document))


def test_a_rendering_is_kept_whole_and_follows_each_of_its_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assemble.lifecycle import stages

    project = dataclasses.replace(
        copy_project(tmp_path / "depot", ["chrs-gironde"]), cache=Cache(tmp_path / "cache")
    )
    doc = stages.assemble(project, "chrs-gironde")[1]
    first = stages.render(doc, project.templates, project.cache)
    entries = tmp_path / "cache" / KIND

    def not_rendered(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("rendu de nouveau")

    with monkeypatch.context() as patched:
        patched.setattr(stages, "typst_pdf", not_rendered)
        again = stages.render(doc, project.templates, project.cache)  # a copy
        assert (again.markdown, again.docx, again.pdf) == (first.markdown, first.docx, first.pdf)
        (entry,) = entries.iterdir()
        damaged = bytearray(entry.read_bytes())
        damaged[len(damaged) // 2] ^= 1
        entry.write_bytes(bytes(damaged))
        with pytest.raises(AssertionError, match="rendu de nouveau"):
            stages.render(doc, project.templates, project.cache)  # a damaged entry is not used
    repaired = stages.render(doc, project.templates, project.cache)
    assert (repaired.docx, repaired.pdf) == (first.docx, first.pdf)

    # Another copy of the repository renders the same Document under the same name...
    elsewhere = copy_project(tmp_path / "ailleurs", ["chrs-gironde"])
    other = stages.assemble(elsewhere, "chrs-gironde")[1]
    assert other.articles()[0].source != doc.articles()[0].source
    assert rendering_key(other, elsewhere.templates) == rendering_key(doc, project.templates)
    # ...and a changed word, a changed template or a font added to the PDF's folder do not.
    edit(elsewhere.contracts / "chrs-gironde" / "contract.yaml", "Bordeaux", "Bègles")
    changed = stages.assemble(elsewhere, "chrs-gironde")[1]
    assert rendering_key(changed, project.templates) != rendering_key(doc, project.templates)
    names = {rendering_key(doc, project.templates)}
    with (project.templates / "contrat.typ").open("a", encoding="utf-8") as typ:
        typ.write("\n// relu\n")
    names.add(rendering_key(doc, project.templates))
    (project.templates / "fonts" / "Autre.ttf").write_bytes(b"\0\1\0\0")
    names.add(rendering_key(doc, project.templates))
    assert None not in names and len(names) == 3
    kept = stages.render(doc, project.templates, project.cache)
    assert kept.pdf == first.pdf  # a comment in the layout prints nothing, but is rendered
    assert len(list(entries.iterdir())) == 2
