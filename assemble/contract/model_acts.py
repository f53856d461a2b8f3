"""Acts the visas cite: the arrêté that authorised an establishment, the délibérations of the
parties' assemblies (in contract.yaml and in an avenant file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..core.validation import RuleError
from .fields import Cle, Date, DefiniteArticle, Strict, Texte

# The organs whose article a drafter need not give; any other organ names its article.
ORGAN_ARTICLES = {
    "conseil d'administration": "le",
    "conseil de surveillance": "le",
    "directoire": "le",
    "bureau": "le",
    "assemblée générale": "l'",
    "assemblée délibérante": "l'",
    "commission permanente": "la",
    "conseil départemental": "le",
}


class Autorisation(Strict):
    """The arrêté that authorised an establishment (or the last one that modified it)."""

    date: Date = Field(description="Date de l'arrêté d'autorisation (AAAA-MM-JJ).")
    autorites: list[Cle] = Field(
        min_length=1,
        description="Clés des autorités qui l'ont pris (deux pour un arrêté conjoint), "
        "nommées au visa de l'arrêté.",
    )
    objet: Texte | None = Field(
        default=None,
        description="Objet de l'arrêté tel que le visa le cite, à la suite des autorités "
        "(« portant extension de 12 places de l'institut médico-éducatif « Les Tamaris » ») ; "
        "par défaut : « autorisant la création » de l'établissement, avec sa commune.",
    )


class Deliberation(Strict):
    """A délibération (or decision) of a party's organ cited in the visas."""

    partie: Cle | None = Field(
        default=None,
        description="Clé de l'autorité ou du membre du groupement dont l'organe a délibéré ; "
        "sans clé, l'organisme gestionnaire.",
    )
    organe: Texte = Field(
        description="« conseil d'administration », « commission permanente », « assemblée "
        "générale »…"
    )
    article: DefiniteArticle | None = Field(
        default=None,
        description="Article devant l'organe (le, la, l') quand l'outil ne le connaît pas.",
    )
    acte: Literal["deliberation", "decision"] = "deliberation"
    numero: Texte | None = None
    date: Date = Field(description="Date de la délibération (AAAA-MM-JJ).")
    objet: Texte | None = Field(
        default=None,
        description="Ce que la délibération décide, à la suite de sa date (« autorisant son "
        "président à signer le présent avenant »).",
    )

    @model_validator(mode="after")
    def _known_article(self) -> Deliberation:
        if self.article is None and self.organe not in ORGAN_ARTICLES:
            raise RuleError(
                "data.requires",
                f"article : exigé pour l'organe « {self.organe} » (le, la ou l'), que l'outil "
                f"ne connaît pas ({', '.join(ORGAN_ARTICLES)})",
            )
        return self

    @property
    def organ_article(self) -> str:
        return self.article if self.article is not None else ORGAN_ARTICLES[self.organe]
