"""The Document: the one representation of an assembled contract that every writer works on."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .ast import Block, Header

# The rendering profile of new builds. Each lock records the profile its version was built
# with, and writers honour it, so that a signed version rebuilds byte for byte after the
# rendering has improved. Raise it whenever a writer's output changes for the same Document.
RENDU = 4  # 2: where lines break (typography.line_breaks); 3: dates typed in clauses unbroken;
# 4: files say what they are (render/properties.py)


ABROGATED = "abroge"  # the instance of the place an abrogated article keeps


@dataclass(frozen=True)
class Origin:
    """What produced a passage of an article: a clause's text (its file, line, id, version
    and variant) or a value of the contract's data (its YAML path, file and line)."""

    kind: str  # "clause" or "donnee"
    path: Path
    line: int | None
    clause_id: str = ""  # for a clause's text (and the clause a data value was printed by)
    version: int = 0
    variant: str | None = None
    data_path: str = ""  # for a data value: « etablissements[2].capacites[0].places »

    @property
    def from_data(self) -> bool:
        return self.kind == "donnee"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        if self.from_data:
            return f"{self.data_path} ({where})"
        variant = f", variante « {self.variant} »" if self.variant else ""
        return f"clause « {self.clause_id} » v{self.version}{variant} ({where})"


@dataclass(frozen=True)
class Span:
    """A run of characters [start, end) of an article's heading or body Markdown, and what
    produced it."""

    start: int
    end: int
    origin: Origin


@dataclass(frozen=True)
class Article:
    """One clause as it reads in this contract."""

    clause_id: str
    instance: str | None  # for a clause repeated per item (a GCSMS member…): the item's key
    version: int
    variant: str | None
    clause_hash: str
    number: int | None  # None: an unnumbered block (parties, visas) or an annex
    label: str  # "Article 12", "Annexe 2", or "" for unnumbered blocks
    heading: str  # rendered Markdown
    body: str  # rendered Markdown, cross-references as links
    source: Path
    # The body as composed: Markdown text and the cross-references made by ref(…).
    text: tuple[str | Reference, ...] = ()
    source_line: int | None = None  # where the body starts in its clause file
    # Typed, once the Document is read (reader.read_document): the heading as a pandoc
    # header (label included) and the body as blocks, cross-references as ast.Ref nodes.
    header: Header | None = None
    blocks: tuple[Block, ...] = ()
    # Where each run of `body` and of `heading` comes from (metadata: never compared).
    spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    heading_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)

    def traced(self, heading: bool = False) -> tuple[Span, ...]:
        """The spans of the body (or the heading), if they still cover it: none for a text
        rewritten after composing (an article quoted in an avenant, a consolidated heading)."""
        spans, text = (self.heading_spans, self.heading) if heading else (self.spans, self.body)
        return spans if spans and spans[-1].end == len(text) else ()

    def origin_at(self, offset: int, heading: bool = False) -> Origin | None:
        """What produced the character at `offset` of the body (or the heading) Markdown."""
        spans = self.traced(heading)
        starts = [s.start for s in spans]
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and spans[index].start <= offset < spans[index].end:
            return spans[index].origin
        return None

    @property
    def abrogated(self) -> bool:
        """The place an abrogated article keeps in a consolidated version (no clause)."""
        return self.instance == ABROGATED

    @property
    def key(self) -> str:
        """Unique within a contract: the clause id, and the instance for repeated clauses."""
        return self.clause_id if self.instance is None else f"{self.clause_id}-{self.instance}"

    def plain_body(self) -> str:
        """The body's Markdown with each cross-reference as its label alone, not a link: for
        quoting the article in another document (an avenant), where its targets are not."""
        return "".join(p if isinstance(p, str) else p.label for p in self.text) or self.body


@dataclass(frozen=True)
class Reference:
    """A cross-reference made by ref(…): the keys of the articles it designates (several for
    « annexes 4 à 6 »), and its label in this composition."""

    targets: tuple[str, ...]
    label: str  # « article 12 », Markdown

    def markdown(self) -> str:
        return f"[{self.label}](#{self.targets[0]})"


@dataclass(frozen=True)
class Titre:
    key: str
    number: int | None  # roman-numbered titres only
    label: str  # "Titre III", or "" for the preamble and the annexes
    heading: str
    kind: str  # "preambule", "titre" or "annexes"
    articles: tuple[Article, ...]
    header: Header | None = None  # typed, once read: « Titre I – … » as a pandoc header


@dataclass(frozen=True)
class Party:
    """A signatory: the organisme gestionnaire or an authority."""

    role: str  # "organisme", a GCSMS member's key or an authority's key
    kind: str  # "organisme", "membre" or "autorite"
    name: str  # « Agence régionale de santé Occitanie », as on the cover
    designation: str  # « l'Agence régionale de santé Occitanie », as in « Pour l'Agence… »
    signatory: str  # « M. Jean Dupont »
    office: str  # « Président »


@dataclass(frozen=True)
class Promise:
    """What a cross-reference says the text it points to contains: ref(…, promet="…")."""

    targets: tuple[str, ...]  # keys of the articles referred to (several for « annexes 6 à 8 »)
    label: str  # « annexe 6 », as printed
    phrases: tuple[str, ...]  # each must appear in the text referred to
    path: Path  # the clause that makes the promise
    line: int | None


@dataclass(frozen=True)
class Act:
    """A signed act a consolidated version integrates: the contract, then each avenant."""

    avenant: int | None  # None: the contract itself
    date_signature: dt.date | None  # None: an avenant not signed yet
    date_effet: dt.date


@dataclass(frozen=True)
class Amendment:
    """What one avenant did to an article of the contract: « remplacement » or « insertion »."""

    avenant: int
    nature: str


@dataclass(frozen=True)
class Abrogation:
    """An article (or annex) of the contract an avenant abrogated: the consolidated version
    keeps its place and its number, marked « (abrogé par l'avenant n° k) »."""

    key: str
    label: str  # « Article 9 », as the signed contract numbered it
    heading: str
    avenant: int
    titre: str  # the key of its titre
    # Its neighbours in that titre when it was abrogated (None: it was first, or last).
    after: str | None
    before: str | None


@dataclass(frozen=True)
class Consolidation:
    """What makes a contract a consolidated version: the acts it integrates, the date of the
    state it shows (the last avenant's date d'effet) and, per article key, what each avenant
    did to that article."""

    date: dt.date
    actes: tuple[Act, ...]
    articles: tuple[tuple[str, tuple[Amendment, ...]], ...] = ()
    abroges: tuple[Abrogation, ...] = ()

    @property
    def last(self) -> int:
        return max((a.avenant for a in self.actes if a.avenant is not None), default=0)

    def amendments(self) -> dict[str, tuple[Amendment, ...]]:
        return dict(self.articles)


@dataclass(frozen=True)
class Document:
    """An assembled contract: metadata for cover and signatures, titres and articles in order."""

    contract_id: str
    reference: str
    title: str
    organisme: str
    parties: tuple[Party, ...]
    place: str
    signature_date: dt.date | None
    effective_date: dt.date
    end_date: dt.date
    timestamp: dt.date  # fixed date for reproducible files, taken from the data
    titres: tuple[Titre, ...]
    kind: str = "contrat"  # "contrat", "avenant" or "consolide" (a contract and its avenants)
    avenant_number: int | None = None
    rendu: int = RENDU  # rendering profile: see RENDU
    promesses: tuple[Promise, ...] = ()  # checked by the drafting lint, never printed
    # Added for the cover (templates print them from the version that knows them):
    base_legale: str = ""  # « IV ter de l'article L. 313-12 du code de l'action sociale… »
    qualite_organisme: str = ""  # « gestionnaire des établissements et services désignés… »
    qualite_membres: str = ""  # « et ses membres, gestionnaires des… » (GCSMS), else ""
    consolidation: Consolidation | None = None  # for kind "consolide"
    # Once read (reader.read_document): pandoc's API version, the metadata block as pandoc
    # JSON text (the writers' title, reference, date) and the signature marker.
    api: tuple[int, ...] = ()
    meta: str = "{}"
    signatures: tuple[Block, ...] = ()

    @property
    def typed(self) -> bool:
        """Whether the titres and articles carry their typed blocks."""
        return bool(self.api)

    def authorities(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.kind == "autorite")

    def members(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.kind == "membre")

    def articles(self) -> tuple[Article, ...]:
        return tuple(a for t in self.titres for a in t.articles)

    def article_by_key(self) -> dict[str, Article]:
        return {a.key: a for a in self.articles()}

    def spans(self, key: str) -> tuple[Span, ...]:
        """Where each run of an article's body comes from, by its key (clause id, and
        instance for a repeated clause): (start, end, origin) over `Article.body`."""
        return self.article_by_key()[key].traced()

    def origin_at(self, number: int | str, offset: int, heading: bool = False) -> Origin | None:
        """What produced the character at `offset` of the body of the article numbered
        `number` (« Article 12 » is 12), or of the article of key `number`."""
        for article in self.articles():
            if article.number == number or article.key == number:
                return article.origin_at(offset, heading)
        raise KeyError(number)

    def article(self, clause_id: str) -> Article:
        for article in self.articles():
            if article.clause_id == clause_id:
                return article
        raise KeyError(clause_id)
