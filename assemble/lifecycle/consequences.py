"""Consequences an avenant must carry: objectives and arrêté d'autorisation of a new
establishment, frais de siège, the acts its visas cite."""

from __future__ import annotations

from pathlib import Path

from ..compose.templating import liste
from ..contract.acts import autorisation_visa, deliberation_visa
from ..contract.acts_checks import deliberation_problems
from ..contract.load import LoadedContract
from ..contract.model import AvenantFile, ContractData
from ..core.errors import CpomError, Problem
from ..core.sources import Loc
from ..text.french import date_fr
from .avenant_checks import committee_problems
from .avenant_file import read_avenant_file
from .changes import Changes


def added_objectives(after: LoadedContract, avenant: AvenantFile) -> dict[str, list[str]]:
    """Per added establishment, the objectives that apply to it, by their number in the
    contract (axis.objective, as its article and its fiches number them): « 1.1 « Intitulé » »."""
    titles = {
        o.cle: f"{axis}.{rank} « {o.intitule} »"
        for axis, axe in enumerate(after.data.axes, 1)
        for rank, o in enumerate(axe.objectifs, 1)
    }
    return {
        finess: [titles.get(key, f"« {key} »") for key in keys]
        for finess, keys in avenant.objectifs.items()
    }


def check_consequences(changes: Changes, after: LoadedContract, path: Path) -> None:
    """A new establishment has objectives or a stated reason, and its arrêté d'autorisation;
    a perimeter change revises the frais de siège or says why they are unchanged; the acts
    the avenant visas precede its signature. Each problem names the line to correct: in the
    avenant file when it says something, in contract.yaml where the change is."""
    avenant, lines = read_avenant_file(path)
    keys = {o.cle for axe in after.data.axes for o in axe.objectifs}
    data = after.lines
    index = {e.finess: i for i, e in enumerate(after.data.etablissements)}
    problems = []
    for c in changes.etablissements:
        e = c.etablissement
        if c.kind != "ajout":
            continue
        where: Loc = ("etablissements", index[e.finess])
        if e.finess not in avenant.objectifs and avenant.objectifs_sans_objet is None:
            listed = "objectifs" in avenant.model_fields_set
            problems.append(
                Problem(
                    "avenant.objectifs",
                    f"aucun objectif pour l'établissement ajouté {e.categorie} « {e.nom} » "
                    f"({e.finess})",
                    path if listed else data.path,
                    lines.line_of(("objectifs",)) if listed else data.line_of(where),
                    f'ajoutez dans {_shown(path)} « objectifs: {{"{e.finess}": '
                    "[<clé d'objectif>]}} », ou « objectifs_sans_objet: <motif> »",
                )
            )
        if e.autorisation is None:
            problems.append(
                Problem(
                    "avenant.autorisation",
                    f"établissement ajouté {e.categorie} « {e.nom} » ({e.finess}) sans son "
                    "arrêté d'autorisation : l'avenant doit le viser",
                    data.path,
                    data.line_of(where),
                    "ajoutez à cet établissement « autorisation: {date: AAAA-MM-JJ, "
                    "autorites: [<clé>, <clé>]} » (deux clés pour un arrêté conjoint)",
                )
            )
        elif avenant.date_signature is not None and e.autorisation.date > avenant.date_signature:
            problems.append(
                Problem(
                    "data.act-after-signature",
                    f"arrêté d'autorisation du {date_fr(e.autorisation.date)}, postérieur à la "
                    f"signature de l'avenant ({date_fr(avenant.date_signature)}) qui le vise",
                    data.path,
                    data.line_of((*where, "autorisation", "date")),
                )
            )
    problems += deliberation_problems(
        avenant.deliberations, after.data, lines, avenant.date_signature, "l'avenant"
    )
    problems += committee_problems(avenant, lines.path, lines)
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
                data.path,
                data.line_of(("options", "frais_de_siege", "montant_annuel")),
                "donnez la quote-part des établissements ajoutés (quote_part_frais_de_siege) "
                f"ou dites pourquoi elle demeure inchangée, dans {_shown(path)} : "
                "« frais_de_siege_inchanges: <motif> »",
            )
        )
    if problems:
        raise CpomError(problems)


def avenant_visas(
    changes: Changes, before: ContractData, after: ContractData, avenant: AvenantFile
) -> list[str]:
    """The individual acts the avenant visas: the arrêté d'autorisation of each establishment
    it adds, the arrêté a capacity change records (an `autorisation` that differs from the
    signed one), then the délibérations of the avenant file."""
    signed = {e.finess: e.autorisation for e in before.etablissements}
    authorities = {a.cle: a for a in after.autorites}
    visas = []
    for c in changes.etablissements:
        e = c.etablissement
        if c.kind == "ajout" or (
            c.kind == "modification" and e.autorisation != signed.get(e.finess)
        ):
            visa = autorisation_visa(e, authorities)
            if visa is not None:
                visas.append(visa)
    for act in avenant.deliberations:
        visa = deliberation_visa(act, after)
        if visa is not None:
            visas.append(visa)
    return visas


def _shown(path: Path) -> str:
    return Problem("avenant.objectifs", "", path).location()


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
