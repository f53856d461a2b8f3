"""The legal regime of each establishment, derived from its category and its funders.

A contract may combine regimes: each part of its perimeter is contracted under its own legal
basis, which Article 1, the visas and the cover name. The regime is derived, never typed,
except to attach an establishment to the contract of another regime where the law allows it
(`etablissements[].regime`, checked by `policy.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .categories import ARS, DEPARTEMENT, DOMICILE, EHPAD_LIKE, L313_12_2, PREFET
from .model import ContractData, Etablissement

CODE = "code de l'action sociale et des familles"


@dataclass(frozen=True)
class Regime:
    """A kind of CPOM and its legal basis."""

    cle: str
    base: str  # « IV ter de l'article L. 313-12 », « article L. 313-12-2 »
    de_base: str  # « du IV ter de l'article L. 313-12 », « de l'article L. 313-12-2 »
    eprd: bool  # its establishments present an état des prévisions de recettes et de dépenses
    obligatoire: bool  # the law requires the contract


REGIMES: Mapping[str, Regime] = {
    r.cle: r
    for r in (
        # key, legal basis, « en application … », EPRD, compulsory
        Regime(
            "ehpad", "IV ter de l'article L. 313-12", "du IV ter de l'article L. 313-12", True, True
        ),
        Regime("handicap", "article L. 313-12-2", "de l'article L. 313-12-2", True, True),
        Regime("chrs", "article L. 313-11-2", "de l'article L. 313-11-2", False, True),
        Regime("domicile", "article L. 313-11-1", "de l'article L. 313-11-1", False, False),
        Regime("volontaire", "article L. 313-11", "de l'article L. 313-11", False, False),
    )
}
ORDER = tuple(REGIMES)


def derived_regime(etab: Etablissement, funder_types: Mapping[str, str]) -> str:
    """The regime the law gives this establishment, from its category and funders."""
    category = etab.categorie
    types = {funder_types.get(f.financeur) for f in etab.financements}
    if category in EHPAD_LIKE:
        return "ehpad"
    if category == "CHRS":
        return "chrs"
    if category in DOMICILE:
        return "domicile"
    if category in L313_12_2 and ARS in types:
        return "handicap"
    return "volontaire"


def regime_of(etab: Etablissement, funder_types: Mapping[str, str]) -> str:
    """The regime the establishment is contracted under: the derived one, or the override."""
    return etab.regime or derived_regime(etab, funder_types)


def override_refusal(
    etab: Etablissement, data: ContractData, funder_types: Mapping[str, str]
) -> str:
    """Why `etab.regime` cannot be chosen, or "" when the law allows it."""
    wanted = etab.regime
    derived = derived_regime(etab, funder_types)
    if wanted is None or wanted == derived:
        return ""
    types = {funder_types.get(f.financeur) for f in etab.financements}
    if wanted == "ehpad":
        # IV ter A: other establishments of the same manager in the same territory.
        homes = {e.departement for e in data.etablissements if e.categorie in EHPAD_LIKE}
        if PREFET in types or not homes:
            return (
                "le IV ter de l'article L. 313-12 n'accueille, à côté d'un EHPAD, que les "
                "établissements autorisés par le directeur général de l'ARS ou le président "
                "du conseil départemental"
            )
        if etab.departement not in homes:
            return (
                "un établissement rattaché au contrat d'un EHPAD est situé dans le même "
                "département qu'un EHPAD du contrat"
            )
        return ""
    if wanted == "chrs":
        # L. 313-11-2: establishments tarified by the préfet de région or by the PCD alone.
        has_chrs = any(e.categorie == "CHRS" for e in data.etablissements)
        if has_chrs and types in ({PREFET}, {DEPARTEMENT}):
            return ""
        return (
            "l'article L. 313-11-2 n'accueille, à côté d'un CHRS, que des établissements "
            "financés par le seul préfet ou le seul Département"
        )
    if wanted == "handicap" and etab.categorie == "CAMSP" and ARS in types:
        return ""
    return f"la catégorie {etab.categorie} relève, avec ces financeurs, du régime « {derived} »"


def cover_line(keys: Iterable[str]) -> str:
    """The legal basis printed on the cover: « Conclu en application de l'article L. 313-11-2 du
    code… »."""
    wanted = set(keys)
    present = [k for k in ORDER if k in wanted]
    articles = sorted(
        (REGIMES[k].base.removeprefix("article ") for k in present if k != "ehpad"),
        key=_article_key,
    )
    parts = []
    if "ehpad" in present:
        parts.append(f"du {REGIMES['ehpad'].base}")
    if articles:
        parts.append(("de l'article " if len(articles) == 1 else "des articles ") + _and(articles))
    return f"Conclu en application {' et '.join(parts)} du {CODE}" if parts else ""


def code_visa(keys: Iterable[str]) -> str:
    """What a visa of the code cites for the regimes of a contract, after « Vu le code de
    l'action sociale et des familles, notamment »: « ses articles L. 313-12-2, R. 314-43-1 et
    R. 314-210 et suivants » (the dotation globalisée commune, the EPRD articles when a regime
    has one), « le IV ter de son article L. 313-12 et … »; « son article L. 313-11 » for a
    contract that states no regime."""
    wanted = set(keys)
    present = [k for k in ORDER if k in wanted]
    articles = sorted(
        (REGIMES[k].base.removeprefix("article ") for k in present if k != "ehpad"),
        key=_article_key,
    )
    if "handicap" in present:
        articles.append("R. 314-43-1")  # the dotation globalisée commune
    if any(REGIMES[k].eprd for k in present):
        articles.append("R. 314-210 et suivants")
    parts = ["le IV ter de son article L. 313-12"] if "ehpad" in present else []
    if articles:
        parts.append(("son article " if len(articles) == 1 else "ses articles ") + _and(articles))
    return _and(parts) if parts else "son article L. 313-11"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _article_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.removeprefix("L. ").split("-"))
