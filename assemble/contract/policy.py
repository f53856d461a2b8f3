"""Rules of the regimes and of the frais de siège, checked on drafts only.

Recorded versions are recomposed from their own data with today's code: these rules came
with the regime-aware clauses and would refuse data that was valid when it was signed, so
`validate_contract(..., draft=True)` alone applies them (see docs/versions.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from ..core.errors import Problem
from ..core.safe_yaml import dotted_path
from ..core.sources import LineMap, Loc
from .categories import (
    ARS,
    CATEGORIES,
    DEPARTEMENT,
    DOMICILE,
    EHPAD_LIKE,
    PREFET,
    envelopes,
)
from .exercices import end_of, month_aligned
from .facts import derive
from .model import ContractData, Etablissement
from .model_financing import Financement
from .regimes import override_refusal, regime_of
from .territory import pilot_code

TYPE_NAMES = {ARS: "l'ARS", DEPARTEMENT: "le Département", PREFET: "le préfet"}
# The kinds of financement each category and type of funder admits (dotation: everyone else).
FORFAITS = {"forfait_soins": ARS, "forfait_dependance": DEPARTEMENT, "hebergement": DEPARTEMENT}
TWO_PLACES = Decimal("0.01")


def policy_problems(data: ContractData, lines: LineMap) -> list[Problem]:
    """Every rule of the regimes and of the frais de siège this draft breaks."""
    checker = _Checker(data, lines)
    for check in (
        checker.funders,
        checker.overrides,
        checker.ehpad,
        checker.sole_funders,
        checker.parties,
        checker.activity,
        checker.convergence,
        checker.pilot,
        checker.head_office,
        checker.calendar,
    ):
        check()
    return checker.problems


class _Checker:
    def __init__(self, data: ContractData, lines: LineMap) -> None:
        self.data = data
        self.lines = lines
        self.types = {a.cle: a.type for a in data.autorites}
        self.problems: list[Problem] = []

    def add(self, code: str, loc: Loc, message: str, hint: str | None = None) -> None:
        where = dotted_path(loc)
        self.problems.append(
            Problem(code, f"{where}: {message}", self.lines.path, self.lines.line_of(loc), hint)
        )

    def establishments(self) -> Iterator[tuple[int, Etablissement, str]]:
        for i, etab in enumerate(self.data.etablissements):
            yield i, etab, regime_of(etab, self.types)

    # --- who funds what, and how -----------------------------------------------------------

    def funders(self) -> None:
        for i, etab, _ in self.establishments():
            seen: set[str] = set()
            for j, f in enumerate(etab.financements):
                base: Loc = ("etablissements", i, "financements", j)
                kind = self.types.get(f.financeur)
                if kind is None:
                    continue  # an unknown key: reported by the schema rules
                if f.financeur in seen:
                    self.add(
                        "regime.duplicate-funder",
                        (*base, "financeur"),
                        f"« {f.financeur} » finance deux fois {etab.categorie} « {etab.nom} »",
                    )
                seen.add(f.financeur)
                allowed = envelopes(etab.categorie, kind)
                if not allowed or (etab.categorie == "SAD" and kind == ARS and etab.sad == "aide"):
                    self.add(
                        "regime.funder-not-allowed",
                        (*base, "financeur"),
                        f"{TYPE_NAMES[kind]} ne finance pas un {CATEGORIES[etab.categorie].libelle}"
                        + (" relevant du 2° de l'article L. 313-1-3" if etab.sad == "aide" else ""),
                        f"financeurs admis : {_funder_names(etab.categorie)}",
                    )
                    continue
                if f.enveloppe is not None and f.enveloppe not in allowed:
                    self.add(
                        "regime.envelope-not-allowed",
                        (*base, "enveloppe"),
                        f"l'enveloppe « {f.enveloppe} » ne finance pas ce {etab.categorie}",
                        f"enveloppes admises : {', '.join(allowed)}",
                    )
                reason = _kind_refusal(etab, kind, f)
                if reason:
                    self.add("regime.kind-not-allowed", (*base, f.nature), reason)
            self._sad_mode(i, etab)

    def _sad_mode(self, i: int, etab: Etablissement) -> None:
        if (etab.categorie == "SAD") != (etab.sad is not None):
            self.add(
                "regime.sad-mode",
                ("etablissements", i, "sad" if etab.sad else "categorie"),
                "un service autonomie à domicile précise « sad: aide_et_soins » (1° de "
                "l'article L. 313-1-3) ou « sad: aide » (2°) ; les autres catégories, non",
            )

    def overrides(self) -> None:
        for i, etab, _ in self.establishments():
            reason = override_refusal(etab, self.data, self.types)
            if reason:
                self.add(
                    "regime.override-refused",
                    ("etablissements", i, "regime"),
                    f"régime « {etab.regime} » impossible : {reason}",
                )

    def ehpad(self) -> None:
        ars = any(t == ARS for t in self.types.values())
        signing = {a.departement for a in self.data.autorites if a.type == DEPARTEMENT}
        for i, etab, regime in self.establishments():
            if regime != "ehpad":
                continue
            if not ars or etab.departement not in signing:
                self.add(
                    "regime.ehpad-signatories",
                    ("etablissements", i, "categorie"),
                    f"le contrat du IV ter de l'article L. 313-12 qui couvre {etab.categorie} "
                    f"« {etab.nom} » est signé par le directeur général de l'ARS et par le "
                    f"président du conseil départemental du département {etab.departement}",
                    "ajoutez à `autorites` l'ARS et le Département (type departement, avec "
                    "son code), parties au contrat",
                )
            if etab.categorie not in EHPAD_LIKE:
                continue
            natures = {f.nature for f in etab.financements}
            if not {"forfait_soins", "forfait_dependance"} <= natures:
                self.add(
                    "regime.ehpad-forfaits",
                    ("etablissements", i, "financements"),
                    f"{etab.categorie} « {etab.nom} » : l'ARS verse un forfait_soins et le "
                    "Département un forfait_dependance (article L. 314-2)",
                )

    def sole_funders(self) -> None:
        rules = {
            "CHRS": (PREFET, "regime.chrs-funder", "un CHRS est financé par l'État (préfet)"),
            "SAAD": (
                DEPARTEMENT,
                "regime.domicile-funder",
                "un SAAD contracte avec le Département",
            ),
            "SAD": (DEPARTEMENT, "regime.domicile-funder", "un SAD contracte avec le Département"),
        }
        for i, etab, _ in self.establishments():
            rule = rules.get(etab.categorie)
            if rule is None:
                continue
            kind, code, message = rule
            if not any(self.types.get(f.financeur) == kind for f in etab.financements):
                self.add(code, ("etablissements", i, "financements"), f"{message}")

    def parties(self) -> None:
        funding = {f.financeur for e in self.data.etablissements for f in e.financements}
        for k, autorite in enumerate(self.data.autorites):
            if autorite.cle not in funding:
                self.add(
                    "regime.idle-party",
                    ("autorites", k, "cle"),
                    f"{autorite.nom} ne finance aucun établissement du périmètre",
                )

    def activity(self) -> None:
        modulation = self.data.options.modulation_activite
        for i, etab, regime in self.establishments():
            modulated = regime == "handicap" or (
                regime == "ehpad" and etab.categorie not in EHPAD_LIKE
            )
            missing = modulation and modulated and etab.objectif_activite is None
            idle = etab.objectif_activite is not None and not (modulation and modulated)
            if missing or idle:
                self.add(
                    "regime.activity-objective",
                    ("etablissements", i, "objectif_activite" if idle else "categorie"),
                    "objectif d'activité manquant : options.modulation_activite est retenue"
                    if missing
                    else "objectif d'activité sans objet : la modulation selon l'activité "
                    "(R. 314-43-2) ne vaut que pour les établissements des articles L. 313-12-2 "
                    "et IV ter de L. 313-12 (hors EHPAD) et si options.modulation_activite",
                )

    def convergence(self) -> None:
        first = self.data.contrat.date_effet.year
        last = end_of(self.data.contrat.date_effet, self.data.contrat.duree_annees).year
        for i, etab, _ in self.establishments():
            for j, f in enumerate(etab.financements):
                base: Loc = ("etablissements", i, "financements", j)
                self._places(base, etab, f)
                due = None
                if f.forfait_soins and f.forfait_soins.convergence_echeance is not None:
                    due = (
                        ("forfait_soins", "convergence_echeance"),
                        f.forfait_soins.convergence_echeance,
                    )
                if f.tarif_plafond and f.tarif_plafond.echeance is not None:
                    due = (("tarif_plafond", "echeance"), f.tarif_plafond.echeance)
                if due is not None and not first < due[1] <= last:
                    self.add(
                        "regime.convergence-year",
                        (*base, *due[0]),
                        f"{due[1]} : la convergence s'achève au cours du contrat, "
                        f"entre {first + 1} et {last}",
                    )
                if f.tarif_plafond is not None and self.data.options.tarifs_plafonds is None:
                    self.add(
                        "regime.ceiling-arrete",
                        (*base, "tarif_plafond"),
                        "un tarif plafond cite l'arrêté annuel qui le fixe",
                        "ajoutez options.tarifs_plafonds (date de l'arrêté et année)",
                    )

    def _places(self, base: Loc, etab: Etablissement, f: Financement) -> None:
        if f.hebergement is not None:
            lodging = sum(
                c.places
                for c in etab.capacites
                if c.type in ("hebergement_permanent", "hebergement_temporaire", "places")
            )
            if f.hebergement.places_habilitees > lodging:
                self.add(
                    "regime.authorised-places",
                    (*base, "hebergement", "places_habilitees"),
                    f"{f.hebergement.places_habilitees} places habilitées à l'aide sociale pour "
                    f"{lodging} places d'hébergement autorisées",
                )
        dep = f.forfait_dependance
        if dep and dep.points_gir is not None and dep.valeur_point is not None:
            gross = (dep.points_gir * dep.valeur_point).quantize(TWO_PLACES, ROUND_HALF_UP)
            if dep.montant > gross:
                self.add(
                    "regime.dependance-over-points",
                    (*base, "forfait_dependance", "montant"),
                    f"{dep.montant} € excède les points GIR valorisés ({dep.points_gir} × "
                    f"{dep.valeur_point} = {gross} €), avant même la déduction des participations",
                )

    def pilot(self) -> None:
        rule = self.data.options.multi_departements
        signing = {a.departement for a in self.data.autorites if a.type == DEPARTEMENT}
        if rule is None or not signing:
            return
        facts = derive(self.data)
        code = pilot_code(self.data, facts.etablissements)
        if code not in signing:
            self.add(
                "regime.pilot-not-party",
                ("options", "multi_departements", "critere"),
                f"le critère « {rule.critere} » désigne le département {code}, dont le "
                "Département n'est pas partie au contrat",
                "ajoutez ce Département aux autorités, ou choisissez un autre critère",
            )

    # --- frais de siège and calendar ----------------------------------------------------------

    def head_office(self) -> None:
        fees = self.data.options.frais_de_siege
        base: Loc = ("options", "frais_de_siege")
        if fees.modalite == "aucun":
            return
        floor, top = fees.taux_plancher, fees.taux_plafond
        if floor is not None and top is not None and floor > top:
            self.add(
                "siege.floor-above-ceiling",
                (*base, "taux_plancher"),
                f"plancher de {floor} % au-dessus du plafond de {top} %",
            )
        ceiling = fees.taux_plafond_charges
        if ceiling is not None and fees.taux_initial is not None and fees.taux_initial > ceiling:
            self.add(
                "siege.over-ceiling",
                (*base, "taux_initial"),
                f"le taux initial de {fees.taux_initial} % dépasse le plafond de {ceiling} %",
            )
        if fees.assiette_montant is not None and fees.montant_annuel is not None:
            self._rate(fees.assiette_montant, fees.montant_annuel, fees.taux_initial, ceiling)
        if (fees.date_debut is None) != (fees.duree_annees is None):
            self.add(
                "siege.incomplete-authorisation",
                (*base, "date_debut" if fees.date_debut else "duree_annees"),
                "l'arrêté fixe ensemble la date de début et la durée de l'autorisation",
            )
        elif fees.date_debut is not None and fees.duree_annees is not None:
            until = end_of(fees.date_debut, fees.duree_annees)
            if until < self.data.contrat.date_effet:
                self.add(
                    "siege.expired",
                    (*base, "date_debut"),
                    f"l'autorisation a pris fin le {until.isoformat()}, avant la prise d'effet "
                    "du contrat",
                )

    def _rate(
        self, basis: Decimal, amount: Decimal, initial: Decimal | None, ceiling: Decimal | None
    ) -> None:
        base: Loc = ("options", "frais_de_siege")
        if basis == 0:
            self.add("siege.rate-mismatch", (*base, "assiette_montant"), "assiette nulle")
            return
        rate = (amount * 100 / basis).quantize(TWO_PLACES, ROUND_HALF_UP)
        if initial is not None and abs(rate - initial) > TWO_PLACES:
            self.add(
                "siege.rate-mismatch",
                (*base, "taux_initial"),
                f"taux initial de {initial} %, mais {amount} € rapportés à l'assiette de "
                f"{basis} € donnent {rate} %",
            )
        if ceiling is not None and rate > ceiling:
            self.add(
                "siege.over-ceiling",
                (*base, "assiette_montant"),
                f"{amount} € représentent {rate} % de l'assiette, au-delà du plafond de "
                f"{ceiling} %",
            )

    def calendar(self) -> None:
        contrat = self.data.contrat
        end = end_of(contrat.date_effet, contrat.duree_annees)
        if contrat.prorata == "mois" and not month_aligned(contrat.date_effet, end):
            self.add(
                "data.prorata-months",
                ("contrat", "date_effet"),
                f"prorata par mois impossible : le contrat prend effet le "
                f"{contrat.date_effet.isoformat()}, pas un premier du mois",
                "choisissez contrat.prorata: jours, ou une prise d'effet au premier du mois",
            )


def _kind_refusal(etab: Etablissement, kind: str, f: Financement) -> str:
    """Why this kind of financement does not fit this establishment and funder, or ""."""
    category = etab.categorie
    nature = f.nature
    if category in EHPAD_LIKE:
        expected = "forfait_soins" if kind == ARS else "forfait_dependance"
        if nature != expected and not (kind == DEPARTEMENT and nature == "hebergement"):
            return (
                f"{TYPE_NAMES[kind]} finance un {category} par un {expected}, non par « {nature} »"
            )
        return ""
    if nature in FORFAITS:
        return f"« {nature} » est réservé aux EHPAD et aux petites unités de vie"
    if f.tarif_plafond is not None and category != "CHRS":
        return "le tarif plafond de l'article L. 314-4 ne vaut que pour un CHRS"
    if nature == "tarif_horaire" and category not in DOMICILE:
        return "un tarif horaire ne finance qu'un service d'aide à domicile"
    if nature == "prix_de_journee" and kind != DEPARTEMENT:
        return "seul le Département finance ici par prix de journée"
    return ""


def _funder_names(category: str) -> str:
    return ", ".join(TYPE_NAMES[t] for t in CATEGORIES[category].financeurs) or "aucun"
