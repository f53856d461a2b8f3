"""French drafting: a name with its article and contractions, agreement, lists, colons.

Standard library only, so that the module can move into a text/ package and be used alone.

A name is written in the data as it is registered. Its `article` is the definite article that
running text puts in front of it (« l'Association Horizons »), or "" when there is none or when
the name carries its own (« Les Ateliers du Maine », « Le Mans »). A name that begins with
Le, La, L' or Les carries that article: it contracts with à and de like a place name
(« au Mans », « des Ateliers du Maine »), keeps its capital elsewhere (« à La Rochelle »), and
is never given a second article, whatever the `article` field says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Genre = Literal["masculin", "feminin"]
ARTICLES = ("le", "la", "l'", "les")


def words(text: str) -> frozenset[str]:
    """A set of words written as one string, separated by spaces and line breaks."""
    return frozenset(text.split())


class GrammarError(ValueError):
    """A form that cannot be written without more data: a gender, a plural, an article."""


# « Le Mans », « Les Herbiers », « La Rochelle », « L'Isle-Jourdain »: the article of the name.
_CARRIED = re.compile(r"^\s*(?:(?P<word>(?i:les|le|la))\s+|(?P<elided>(?i:l)['’]))(?=\w)")


@dataclass(frozen=True)
class Nom:
    """A name as French grammar sees it."""

    texte: str  # as written, with the article it carries: « Le Mans », « Association Horizons »
    article: str  # « le », « la », « l' », « les » or "" (no article)
    porte: bool  # the article is part of the name (Le Mans, Les Ateliers du Maine)
    genre: Genre | None  # None when neither the article nor the data tells

    @property
    def pluriel(self) -> bool:
        return self.article == "les"

    @property
    def reste(self) -> str:
        """The name without the article it carries: « Mans », « Ateliers du Maine »."""
        if not self.porte:
            return self.texte
        found = _CARRIED.match(self.texte)
        return self.texte[found.end() :] if found else self.texte


def nom(texte: str, article: str = "", genre: str | None = None) -> Nom:
    """Read a name and its article; a name that carries an article keeps its own."""
    texte = str(texte)
    if not texte.strip():
        raise GrammarError("nom vide")
    if genre not in (None, "masculin", "feminin"):
        raise GrammarError(f"genre « {genre} » : écrivez masculin ou feminin")
    chosen: Genre | None = "feminin" if genre == "feminin" else "masculin" if genre else None
    found = _CARRIED.match(texte)
    if found:
        carried = (found.group("word") or "l'").lower()
        return Nom(texte, carried, True, chosen or _gender(carried, texte[found.end() :]))
    article = str(article).strip().lower().replace("’", "'")
    if article not in (*ARTICLES, ""):
        raise GrammarError(f"article « {article} » : écrivez le, la, l', les ou rien")
    return Nom(texte, article, False, chosen or _gender(article, texte))


# --- the name with its article, after à and after de -----------------------------------------


def le(n: Nom) -> str:
    """« l'Association Horizons », « le Département du Gard », « Le Mans », « Paris »."""
    if n.porte or not n.article:
        return n.texte
    return f"l'{n.texte}" if n.article == "l'" else f"{n.article} {n.texte}"


def de(n: Nom) -> str:
    """« de l'Association », « du Département », « des Ateliers du Maine », « du Mans »,
    « de La Rochelle », « d'Angers », « de Paris »."""
    if n.porte:
        return _contracted(n, "du", "des", "de")
    if not n.article:
        return ("d'" if elides(n.texte) else "de ") + n.texte
    return {"le": "du ", "la": "de la ", "l'": "de l'", "les": "des "}[n.article] + n.texte


def a(n: Nom) -> str:
    """« à l'Association », « au Département », « aux Herbiers », « au Mans », « à La Rochelle »."""
    if n.porte:
        return _contracted(n, "au", "aux", "à")
    if not n.article:
        return f"à {n.texte}"
    return {"le": "au ", "la": "à la ", "l'": "à l'", "les": "aux "}[n.article] + n.texte


def _contracted(n: Nom, singular: str, plural: str, plain: str) -> str:
    # The article a name carries contracts and disappears (« au Mans »); la and l' do not.
    if n.article == "le":
        return f"{singular} {n.reste}"
    if n.article == "les":
        return f"{plural} {n.reste}"
    return f"{plain} {n.texte}"


_VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
# Names that begin with a silent h take the elision (« d'Harmonie Mutuelle »); any other h is
# taken as aspirated (« de Haguenau »), the safer guess for a proper name.
_SILENT_H = ("habitat", "harmonie", "hébergement", "hôpital", "horizon", "hospital", "hyères")


def elides(word: str) -> bool:
    """Whether de, le, que… drop their vowel before this word: « d'Angers », « de Haguenau »."""
    lower = word.lower()
    if not lower:
        return False
    if lower[0] == "y":
        return len(lower) > 1 and lower[1] not in _VOWELS
    if lower[0] == "h":
        return lower.startswith(_SILENT_H)
    return lower[0] in _VOWELS


# --- gender and number -----------------------------------------------------------------------

# The head noun of a name gives its gender when the article does not (l', les, none).
_FEMININE = words(
    """administration agence amicale association caisse clinique collectivité commune
    communauté compagnie confédération congrégation coopérative croix-rouge délégation direction
    entraide entreprise fédération fondation institution ligue maison mairie métropole mission
    mutualité mutuelle œuvre oeuvre organisation plateforme préfecture providence région
    résidence société structure union unité université ville"""
)
_MASCULINE = words(
    """atelier ccas centre cias comité conseil département domaine ehpad ensemble esat
    établissement état foyer gcsms gip gie groupe groupement hôpital ime institut ministère
    office pôle préfet relais réseau secours service sessad syndicat village"""
)


def _gender(article: str, texte: str) -> Genre | None:
    if article == "le":
        return "masculin"
    if article == "la":
        return "feminin"
    words = texte.split()
    head = words[0].lower().strip(",") if words else ""
    for candidate in (head, head.removesuffix("s"), head.removesuffix("x")):
        if candidate in _FEMININE:
            return "feminin"
        if candidate in _MASCULINE:
            return "masculin"
    return None


def genre(n: Nom) -> Genre:
    """The gender of `n`, or a GrammarError that says which data to add."""
    if n.genre is None:
        raise GrammarError(
            f"le genre de « {le(n)} » ne se déduit ni de son article ni de son nom : "
            "ajoutez genre: masculin ou genre: feminin à ses données"
        )
    return n.genre


def accorde(n: Nom, *formes: str) -> str:
    """An adjective or participle agreed with `n`.

    One form, the masculine singular, derives the others (« habilité » → habilitée, habilités,
    habilitées); four forms are taken as m. s., f. s., m. p., f. p.
    """
    if len(formes) == 1:
        formes = _adjective_forms(formes[0])
    if len(formes) != 4:
        raise GrammarError(
            "donnez une forme (masculin singulier) ou quatre (m. s., f. s., m. p., f. p.)"
        )
    masculine, feminine = (formes[2], formes[3]) if n.pluriel else (formes[0], formes[1])
    if masculine == feminine:
        return masculine
    return feminine if genre(n) == "feminin" else masculine


def _adjective_forms(masculine: str) -> tuple[str, str, str, str]:
    feminine = _feminine(masculine)
    return masculine, feminine, _plural(masculine), _plural(feminine)


_FEMININE_ENDINGS = (
    ("eau", "elle"),
    ("eux", "euse"),
    ("if", "ive"),
    ("el", "elle"),
    ("eil", "eille"),
    ("en", "enne"),
    ("on", "onne"),
    ("er", "ère"),
)


def _feminine(word: str) -> str:
    if word.endswith("e") and not word.endswith("é"):
        return word
    for ending, replacement in _FEMININE_ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    return word + "e"


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith("al"):
        return word[:-2] + "aux"
    if word.endswith("eau"):
        return word + "x"
    return word + "s"


def conjugue(n: Nom, singulier: str, pluriel: str | None = None) -> str:
    """A verb in the third person agreed with `n`: « détient » → « détiennent » for a plural name.
    The plural is derived for regular and common irregular verbs, or given."""
    if not n.pluriel:
        return singulier
    return pluriel if pluriel is not None else verb_plural(singulier)


# Third person singular → plural, by ending; compounds follow (détient, souscrit, transmet…).
_VERB_ENDINGS = (
    ("tient", "tiennent"),
    ("vient", "viennent"),
    ("prend", "prennent"),
    ("met", "mettent"),
    ("çoit", "çoivent"),
    ("crit", "crivent"),
    ("duit", "duisent"),
    ("truit", "truisent"),
    ("voit", "voient"),
    ("suit", "suivent"),
    ("naît", "naissent"),
    ("paraît", "paraissent"),
    ("end", "endent"),
    ("ond", "ondent"),
)
_VERBS = {
    "est": "sont",
    "a": "ont",
    "va": "vont",
    "fait": "font",
    "peut": "peuvent",
    "doit": "doivent",
    "veut": "veulent",
    "sait": "savent",
    "dit": "disent",
    "vaut": "valent",
    "sert": "servent",
    "part": "partent",
    "sort": "sortent",
}
# Second-group verbs (« établit » → « établissent »); other endings in -it are not guessed.
_SECOND_GROUP = words(
    """aboutit accomplit agit avertit choisit définit enrichit établit finit fournit garantit
    investit réfléchit remplit réunit saisit unit"""
)


def verb_plural(singular: str) -> str:
    """The third person plural: « s'engage » → « s'engagent », « souscrit » → « souscrivent »."""
    head, _, verb = singular.rpartition(" ")
    prefix, apostrophe, word = verb.rpartition("'") if "'" in verb else ("", "", verb)
    plural = _verb_plural_word(word)
    if plural is None:
        raise GrammarError(
            f"pluriel de « {singular} » inconnu : donnez-le en second argument, "
            f'verbe("{singular}", "…")'
        )
    return (f"{head} " if head else "") + prefix + apostrophe + plural


def _verb_plural_word(word: str) -> str | None:
    if word in _VERBS:
        return _VERBS[word]
    if word in _SECOND_GROUP:
        return word[:-1] + "ssent"
    if word.endswith("e"):
        return word + "nt"
    for ending, replacement in _VERB_ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    return None


def pronom(n: Nom) -> str:
    """« il », « elle », « ils », « elles »: the subject pronoun standing for `n`."""
    feminine = genre(n) == "feminin"
    return ("elles" if feminine else "ils") if n.pluriel else ("elle" if feminine else "il")


# --- lists and colons ------------------------------------------------------------------------


def ponctue(items: Iterable[str], fin: str = ".") -> list[str]:
    """The items of a list as French drafting writes them: each in lower case unless it begins
    with a proper noun, each ending with « ; » and the last with `fin` (« . » by default)."""
    cleaned = [minuscule(_without_end(str(item))) for item in items]
    cleaned = [item for item in cleaned if item]
    return [
        item + (fin if index == len(cleaned) - 1 else " ;") for index, item in enumerate(cleaned)
    ]


def _without_end(item: str) -> str:
    return re.sub(r"[\s;,.:]+$", "", " ".join(item.split()))


_FIRST_WORD = re.compile(r"^([^\w«\"]*)(\w+(?:['’]|\b))")


def minuscule(text: str) -> str:
    """The first letter in lower case after a colon or in a list item, when the first word is a
    common one (« Un taux » → « un taux »); a proper noun, an acronym or a quotation is kept."""
    found = _FIRST_WORD.match(text)
    if found is None:
        return text
    word = found.group(2)
    if not is_common_capitalised(word):
        return text
    start = found.start(2)
    return text[:start] + word[0].lower() + text[start + 1 :]


def is_common_capitalised(word: str) -> bool:
    """A capitalised word that is not a proper noun: « Un », « Les », « L' », « Porter »."""
    if len(word) < 1 or not word[0].isupper() or word[1:] != word[1:].lower():
        return False
    return word.lower().replace("’", "'") in COMMON_WORDS


def is_infinitive(word: str) -> bool:
    """A lower-case word that reads as an infinitive: « porter », « réduire », « prévoir »."""
    if not word.islower() or len(word) < 4 or word in _NOT_INFINITIVES:
        return False
    return word.endswith(("er", "ir", "re"))


# Common words with an infinitive's ending.
_NOT_INFINITIVES = words(
    """autre cadre centre chiffre contre dernier entre libre lettre membre nombre notre offre
    ordre premier propre quatre titre votre"""
)


# Closed classes of French words (articles, determiners, pronouns, prepositions, conjunctions,
# adverbs, numbers) and common infinitives: never proper nouns, so their capital after a colon
# is a mistake.
COMMON_WORDS = words(
    """le la les l' un une des du au aux de d' ce cet cette ces son sa ses leur leurs notre nos
    votre vos chaque tout toute tous toutes aucun aucune plusieurs certains certaines quelques
    autre autres même mêmes il elle ils elles on qui que qu' quoi dont où celui celle ceux celles
    cela ceci en dans par pour avec sans sous sur vers chez entre après avant depuis pendant
    selon dès parmi contre et ou mais donc ni car si s' lorsque lorsqu' quand puisque comme
    ainsi aussi puis ensuite enfin notamment également toutefois cependant néanmoins afin non
    pas plus moins très peu déjà encore deux trois quatre cinq six sept huit neuf dix onze douze
    vingt trente cent mille accompagner adapter améliorer assurer atteindre conduire consolider
    constituer créer définir déployer développer diversifier élaborer engager établir évaluer
    éviter favoriser formaliser former garantir généraliser harmoniser informer inscrire
    maintenir mesurer mettre moderniser optimiser organiser ouvrir porter poursuivre préserver
    prévenir promouvoir ramener réaliser recruter réduire renforcer réorganiser respecter
    sécuriser structurer suivre transformer transmettre valoriser"""
)
