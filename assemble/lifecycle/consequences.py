"""Consequences an avenant must carry: objectives of a new establishment, frais de siège."""

from __future__ import annotations

from pathlib import Path

from ..compose.templating import liste
from ..contract.load import LoadedContract
from ..contract.model import AvenantFile
from ..core.errors import CpomError, Problem
from .avenant_file import read_avenant_file
from .changes import Changes


def added_objectives(after: LoadedContract, avenant: AvenantFile) -> dict[str, list[str]]:
    """Per added establishment, the objectives that apply to it: « « Intitulé » »."""
    titles = {o.cle: o.intitule for axe in after.data.axes for o in axe.objectifs}
    return {
        finess: [f"« {titles.get(key, key)} »" for key in keys]
        for finess, keys in avenant.objectifs.items()
    }


def check_consequences(changes: Changes, after: LoadedContract, path: Path) -> None:
    """A new establishment has objectives or a stated reason; a perimeter change revises the
    frais de siège or says why they are unchanged."""
    avenant, lines = read_avenant_file(path)
    keys = {o.cle for axe in after.data.axes for o in axe.objectifs}
    problems = []
    for c in changes.etablissements:
        e = c.etablissement
        if c.kind != "ajout":
            continue
        if e.finess not in avenant.objectifs and avenant.objectifs_sans_objet is None:
            problems.append(
                Problem(
                    "avenant.objectifs",
                    f"aucun objectif pour l'établissement ajouté {e.categorie} « {e.nom} » "
                    f"({e.finess})",
                    path,
                    None,
                    f'ajoutez « objectifs: {{"{e.finess}": [<clé d\'objectif>]}} », ou '
                    "« objectifs_sans_objet: <motif> »",
                )
            )
    for finess, wanted in avenant.objectifs.items():
        for key in wanted:
            if key not in keys:
                problems.append(
                    Problem(
                        "avenant.objectif-inconnu",
                        f"objectif « {key} » inconnu du contrat",
                        path,
                        lines.line_of(("objectifs", finess)),
                        "reprenez la clé (cle:) d'un objectif de contract.yaml",
                    )
                )
    fees = after.data.options.frais_de_siege
    perimeter = any(c.kind != "modification" for c in changes.etablissements)
    revised = any(
        "frais-de-siege" in article.clause_id
        for c in (*changes.articles, *changes.annexes)
        for article in (c.before, c.after)
        if article is not None
    )
    if (
        perimeter
        and fees.modalite != "aucun"
        and not revised
        and avenant.frais_de_siege_inchanges is None
    ):
        problems.append(
            Problem(
                "avenant.frais-de-siege",
                "le périmètre change mais ni la répartition des frais de siège ni leur "
                "montant ne changent",
                path,
                None,
                "donnez la quote-part des établissements ajoutés (quote_part_frais_de_siege) "
                "ou dites pourquoi elle demeure inchangée : « frais_de_siege_inchanges: "
                "<motif> »",
            )
        )
    if problems:
        raise CpomError(problems)


def perimeter_object(changes: Changes) -> list[str]:
    """« intégration du SAMSAH « Les Passerelles » », one phrase per kind of change."""
    phrases = []
    for kind, words in (
        ("ajout", "intégration"),
        ("fermeture", "retrait"),
        ("modification", "modification de la capacité autorisée"),
    ):
        own = [c.designation_du for c in changes.etablissements if c.kind == kind]
        if own:
            phrases.append(f"{words} {liste(own)}")
    return phrases
