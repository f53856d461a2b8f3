"""Stipulations proper to one contract: `contracts/<id>/clauses/`, in the library's format.

A file whose id is a library clause's replaces that article for this contract only; a file with
a new id adds an article at its titre and order. Each is versioned like a library clause (a new
text needs a new `version:` and a `motif:`), locked with `source: contrat` and published under
`history/contracts/<id>/clauses/`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from ..core.errors import CpomError, Problem, ProblemCollector
from ..core.names import within
from ..core.sources import load_yaml, split_front_matter
from .clauses import Clause, Library, clause_text, load_clause

FOLDER = "clauses"  # contracts/<id>/clauses/
PLACEMENT = ("titre", "ordre", "intitule")  # what places an article, required in every file


def load_stipulations(folder: Path, contract_id: str, library: Library) -> tuple[Clause, ...]:
    """Every stipulation of a contract's folder, checked against the library; one CpomError
    with all the problems found. No folder: no stipulation."""
    if not folder.is_dir():
        return ()
    within(folder, folder.parent)  # the contract's own folder, not a link to another one
    problems = ProblemCollector()
    found: list[Clause] = []
    for path in sorted(folder.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        within(path, folder)  # read from the contract's folder, never through a link out of it
        try:
            _check_placement(path, library)
            clause = load_clause(path)
        except CpomError as exc:
            problems.absorb(exc)
            continue
        found.append(dataclasses.replace(clause, contract=contract_id))
    problems.extend(_titre_problems(found, library))
    problems.extend(_duplicates(found, library))
    problems.raise_if_any()
    return tuple(found)


def with_stipulations(library: Library, contract_id: str, folder: Path) -> Library:
    """The library as one contract composes it: its stipulations in place of the clauses of the
    same id, its new articles added. Called twice for a contract, it returns the first result."""
    if library.contract == contract_id:
        return library
    if library.contract is not None:
        raise ValueError(f"library already composed for {library.contract}")
    stipulations = load_stipulations(folder, contract_id, library)
    return overlaid(library, contract_id, stipulations)


def overlaid(library: Library, contract_id: str, stipulations: tuple[Clause, ...]) -> Library:
    """`library` with `stipulations` in place of the clauses of the same id."""
    own = {c.id for c in stipulations}
    kept = [c for c in library.clauses if c.id not in own]
    replaced = tuple((c.id, c.version) for c in library.clauses if c.id in own)
    order = {t.cle: i for i, t in enumerate(library.titres)}
    clauses = sorted(
        [*kept, *stipulations], key=lambda c: (order.get(c.titre, len(order)), c.ordre, c.id)
    )
    return dataclasses.replace(
        library,
        clauses=tuple(clauses),
        contract=contract_id,
        replaced=(*library.replaced, *replaced),
    )


def _check_placement(path: Path, library: Library) -> None:
    """A stipulation names its titre, order and heading, even where it replaces a library
    clause: its text is published alone, and must place itself when rebuilt years later."""
    try:
        header_text, _, _ = split_front_matter(clause_text(path), path)
        raw, lines = load_yaml(header_text, path, line_offset=1)
    except CpomError:
        return  # load_clause reports it, with the library's wording
    if not isinstance(raw, dict):
        return
    missing = [key for key in PLACEMENT if raw.get(key) in (None, "")]
    if not missing:
        return
    clause_id = raw.get("id")
    base = next((c for c in library.clauses if c.id == clause_id), None)
    fields = ", ".join(f"« {key} »" for key in missing)
    if base is None:
        raise CpomError.one(
            "stipulation.placement",
            f"« {clause_id} » n'est l'identifiant d'aucune clause de la bibliothèque, et "
            f"l'en-tête ne donne pas {fields} : impossible de placer ce nouvel article",
            path,
            lines.line_of(("id",)) if "id" in raw else 1,
            "pour remplacer un article, reprenez l'identifiant exact de sa clause (champ id) ; "
            "pour ajouter un article, donnez « titre: », « ordre: » et « intitule: »",
        )
    given = {"titre": base.titre, "ordre": base.ordre, "intitule": base.intitule}
    copy = " ; ".join(f"{key}: {given[key]}" for key in missing)
    raise CpomError.one(
        "stipulation.placement",
        f"l'en-tête ne donne pas {fields} de l'article qu'il remplace",
        path,
        1,
        f"recopiez-les de la clause « {base.id} » de la bibliothèque ({base.path.name}) : {copy}",
    )


def _titre_problems(found: list[Clause], library: Library) -> list[Problem]:
    keys = {t.cle for t in library.titres}
    return [
        Problem(
            "clause.titre",
            f"titre « {clause.titre} » inconnu",
            clause.path,
            clause.header_lines.line_of(("titre",)),
            f"titres définis dans clauses/titres.yaml : {', '.join(sorted(keys))}",
        )
        for clause in found
        if clause.titre not in keys
    ]


def _duplicates(found: list[Clause], library: Library) -> list[Problem]:
    """Two stipulations with one id, or two articles at one place (titre and order) once the
    stipulations stand in the library: the order of the articles would be left to chance."""
    problems: list[Problem] = []
    by_id: dict[str, Clause] = {}
    for clause in found:
        other = by_id.setdefault(clause.id, clause)
        if other is not clause:
            problems.append(
                Problem(
                    "clause.duplicate-id",
                    f"l'identifiant « {clause.id} » est déjà celui de {other.path}",
                    clause.path,
                    clause.header_lines.line_of(("id",)),
                    "un contrat a une stipulation au plus par identifiant",
                )
            )
    own = set(by_id)
    places: dict[tuple[str, int], Clause] = {
        (c.titre, c.ordre): c for c in library.clauses if c.id not in own and c.condition is None
    }
    for clause in by_id.values():
        place = (clause.titre, clause.ordre)
        taken = places.get(place)
        if taken is not None and clause.condition is None:
            where = "la clause" if taken.contract is None else "la stipulation"
            problems.append(
                Problem(
                    "stipulation.order",
                    f"même titre et même ordre ({clause.ordre}) que {where} « {taken.id} » "
                    f"({taken.path})",
                    clause.path,
                    clause.header_lines.line_of(("ordre",)),
                    "donnez un « ordre: » libre dans ce titre (entre ceux des articles qui "
                    "l'entourent), ou reprenez l'identifiant de la clause pour la remplacer",
                )
            )
        if clause.condition is None:
            places.setdefault(place, clause)
    return problems


def stipulation_base(library: Library, own: tuple[Clause, ...], clause_id: str) -> Clause:
    """What a new text of the article `clause_id` follows: the contract's stipulation of that
    id, else the library clause it will replace (one article, not one per item)."""
    base = next((c for c in own if c.id == clause_id), None)
    base = base or next((c for c in library.clauses if c.id == clause_id), None)
    if base is not None and base.repeter is None:
        return base
    what = "n'est ni une clause de la bibliothèque ni une stipulation de ce contrat"
    if base is not None:
        what = "se répète (un article par élément) : une stipulation n'en remplace pas un seul"
    raise CpomError.one(
        "stipulation.unknown-clause",
        f"« {clause_id} » {what}",
        library.root,
        hint="nommez l'identifiant (champ id) d'un article unique du contrat",
    )


def stipulation_text(
    base: Clause, version: int, body: str, motif: str, source: Clause | None = None
) -> str:
    """A stipulation file in the library's format: `base`'s id, place and heading (the clause
    or stipulation it follows), `body` as the article's text. A body that a template would
    read as code ({{ }}, {% %}) is kept as written; unless it is `source`'s body edited (a
    template whose data bindings, conditions and variants stay live), whose choice of variant
    it then keeps."""
    header: dict[str, object] = {
        "id": base.id,
        "version": version,
        "motif": " ".join(motif.split()),
        "titre": base.titre,
        "ordre": base.ordre,
        "intitule": base.intitule,
    }
    if base.condition is not None and base.contract is not None:
        header["condition"] = base.condition
    if source is not None and source.selon is not None:
        header["selon"] = source.selon
    lines = [
        yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, sort_keys=False).strip()
        for key, value in header.items()
    ]
    text = body.strip("\n").replace("\r\n", "\n")
    if source is None and any(mark in text for mark in ("{{", "{%", "{#")):
        text = "{% raw %}" + text + "{% endraw %}"
    return "---\n" + "\n".join(lines) + "\n---\n" + text + "\n"
