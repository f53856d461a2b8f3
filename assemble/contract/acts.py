"""The visas of individual acts, worded from the data: the arrêté that authorised each
establishment, the délibérations of the parties' organs.

« l'arrêté conjoint du 12 mai 2027 de la directrice générale de l'Agence régionale de santé
Occitanie et du président du conseil départemental de l'Hérault autorisant la création du
service d'accompagnement médico-social pour adultes handicapés « Les Passerelles » à Sète »
"""

from __future__ import annotations

from collections.abc import Mapping

from ..text import grammar
from ..text.departements import DEPARTEMENTS
from ..text.french import date_fr
from .categories import CATEGORIES
from .model import ContractData, Etablissement
from .model_acts import Deliberation
from .model_parties import Autorite, Personne

# Heads of the full category labels that are feminine (« la maison d'accueil spécialisée »).
_FEMININE_HEADS = frozenset({"maison", "résidence", "petite"})


def _named(text: str, feminine: bool) -> grammar.Nom:
    first = text.split()[0]
    article = "l'" if grammar.elides(first) else "la" if feminine else "le"
    return grammar.nom(text, article, "feminin" if feminine else "masculin")


def establishment_name(etab: Etablissement) -> grammar.Nom:
    """« service d'accompagnement médico-social pour adultes handicapés « Les Passerelles » »."""
    label = CATEGORIES[etab.categorie].libelle
    return _named(f"{label} « {etab.nom} »", label.split()[0] in _FEMININE_HEADS)


def _title(person: Personne, masculine: str, feminine: str) -> str:
    return feminine if person.civilite == "Mme" else masculine


def authority_office(autorite: Autorite) -> str:
    """Who, within an authority, signs its arrêtés: « de la directrice générale de l'Agence
    régionale de santé Occitanie », « du président du conseil départemental de l'Hérault »."""
    person = autorite.representant
    party = grammar.nom(autorite.nom, autorite.article, autorite.genre)
    dep = DEPARTEMENTS[autorite.departement] if autorite.departement else None
    where = f" {grammar.de(grammar.nom(dep.nom, dep.article))}" if dep else ""
    if autorite.type == "ars":
        return f"{_title(person, 'du directeur général', 'de la directrice générale')} " + (
            grammar.de(party)
        )
    if autorite.type == "departement":
        office = _title(person, "du président", "de la présidente")
        return f"{office} du conseil départemental{where}"
    return f"{_title(person, 'du préfet', 'de la préfète')}{where}"


def autorisation_visa(etab: Etablissement, authorities: Mapping[str, Autorite]) -> str | None:
    """The visa of the establishment's arrêté d'autorisation, without « Vu » and « ; »;
    None when the data does not give it (or names an authority the contract lacks)."""
    act = etab.autorisation
    if act is None or any(key not in authorities for key in act.autorites):
        return None
    offices = [authority_office(authorities[key]) for key in act.autorites]
    authors = offices[0] if len(offices) == 1 else f"{', '.join(offices[:-1])} et {offices[-1]}"
    conjoint = " conjoint" if len(offices) > 1 else ""
    objet = act.objet or (
        f"autorisant la création {grammar.de(establishment_name(etab))} à {etab.commune}"
    )
    return f"l'arrêté{conjoint} du {date_fr(act.date)} {authors} {objet}"


def deliberation_visa(act: Deliberation, data: ContractData) -> str | None:
    """« la délibération de la commission permanente du conseil départemental de l'Hérault
    en date du 8 juillet 2027 autorisant son président à signer le présent avenant »; None
    when the délibération names a party the contract lacks."""
    organ = grammar.nom(act.organe, act.organ_article)
    author = _author(act.partie, data)
    if author is None:
        return None
    if act.organe == "conseil départemental":
        author = author.replace(" du conseil départemental", "", 1)  # « de l'Hérault »
    kind = "la délibération" if act.acte == "deliberation" else "la décision"
    number = f" n° {act.numero}" if act.numero else ""
    objet = f" {act.objet}" if act.objet else ""
    return f"{kind}{number} {grammar.de(organ)}{author} en date du {date_fr(act.date)}{objet}"


def _author(partie: str | None, data: ContractData) -> str | None:
    """« de l'Association Horizons », « du conseil départemental de l'Hérault »: whose organ."""
    if partie is None:
        o = data.organisme
        return " " + grammar.de(grammar.nom(o.raison_sociale, o.article, o.genre))
    for a in data.autorites:
        if a.cle == partie:
            if a.type == "departement" and a.departement:
                dep = DEPARTEMENTS[a.departement]
                return f" du conseil départemental {grammar.de(grammar.nom(dep.nom, dep.article))}"
            return " " + grammar.de(grammar.nom(a.nom, a.article, a.genre))
    gcsms = data.organisme.gcsms
    for m in gcsms.membres if gcsms else []:
        if m.cle == partie:
            return " " + grammar.de(grammar.nom(m.raison_sociale, m.article, m.genre))
    return None


def party_keys(data: ContractData) -> list[str]:
    """The keys a délibération or an arrêté may name."""
    gcsms = data.organisme.gcsms
    return [a.cle for a in data.autorites] + [m.cle for m in (gcsms.membres if gcsms else [])]
