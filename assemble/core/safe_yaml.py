"""YAML read safely: PyYAML's safe loader, bounded, every refusal located.

The composer refuses unknown tags, nesting deeper than a contract ever needs and overlong
texts before building anything; the builder turns nodes into plain values under a budget for
what aliases copy, and refuses cycles. Bounds and their reasons are in limits.py.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .limits import TEXT_CHARACTERS, YAML_ALIAS_NODES, YAML_DEPTH, YAML_NODES

Loc = tuple[str | int, ...]


def dotted_path(loc: Loc) -> str:
    """A location as a drafter reads it: etablissements[1].finess."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(racine)"


# PyYAML's most frequent complaints, as a drafter reads them; others are kept as they are.
_YAML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french)
    for pattern, french in (
        (r"mapping values are not allowed here", "deux-points inattendu (« : » dans une valeur ?)"),
        (
            r"found character '\\t' that cannot start any token",
            "tabulation : indentez avec des espaces",
        ),
        (
            r"found character '(.)' that cannot start any token",
            r"« \1 » ne peut pas commencer une valeur : mettez-la entre guillemets",
        ),
        (r"expected ',' or '(.)', but got .*", r"« \1 » fermant attendu"),
        (r"found unexpected end of stream", "guillemet non refermé"),
        (r"expected <block end>, but found .*", "indentation incohérente"),
        (r"could not find expected ':'", "« : » attendu après la clé"),
        (r"found undefined alias '(.*)'", r"alias « *\1 » sans ancre « &\1 »"),
        (r"second occurrence", "ancre définie deux fois"),
        (
            r"but found another document",
            "un second document YAML (ligne « --- ») : un seul est admis",
        ),
        (r"found unexpected document separator", "ligne « --- » inattendue"),
        (r"expected '<document start>', but found .*", "contenu inattendu après le document"),
        (r"expected a comment or a line break, but found .*", "texte inattendu en fin de ligne"),
        (r"found unknown escape character '(.*)'", r"séquence « \\\1 » inconnue entre guillemets"),
        (
            r"expected escape sequence of \d+ hexadecimal numbers, but found .*",
            "séquence « \\x », « \\u » ou « \\U » incomplète entre guillemets",
        ),
        (r"expected the node content, but found .*", "valeur attendue"),
        (r"sequence entries are not allowed here", "tiret de liste inattendu (indentation ?)"),
        (r"mapping keys are not allowed here", "clé inattendue : vérifiez l'indentation"),
        (
            r"expected alphabetic or numeric character, but found .*",
            "nom d'ancre ou d'alias invalide après « & » ou « * »",
        ),
        (r"found undefined tag handle .*", "étiquette « ! » inconnue"),
        (r"found duplicate key", "clé en double"),
        (
            r"expected chomping or indentation indicators, but found .*",
            "après « | » ou « > », seuls « + », « - » ou un chiffre sont admis",
        ),
        (
            r"expected indentation indicator in the range 1-9, but found 0",
            "indentation de bloc entre 1 et 9",
        ),
        (r"did not find expected key", "clé attendue : vérifiez l'indentation"),
        (r"did not find expected '-' indicator", "tiret de liste attendu (indentation ?)"),
        (r"found a tab character that violates? indentation", "tabulation : indentez par espaces"),
    )
)


def yaml_problem(problem: str) -> str:
    """PyYAML's message in French when it is a known one; otherwise quoted as PyYAML says it."""
    for pattern, french in _YAML_PROBLEMS:
        found = pattern.fullmatch(problem)
        if found:
            return found.expand(french) if "\\1" in french else french
    return f"erreur de syntaxe (PyYAML : « {problem} »)"


# Tags a contract may carry, spelled out or implied: plain values and collections only.
_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
)


_MERGE = "tag:yaml.org,2002:merge"


class Refused(Exception):
    """A bound or rule broken while reading YAML; turned into a located CpomError."""

    def __init__(self, code: str, message: str, line: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.hint = code, message, line, hint


class _Bounds(Composer):
    """PyYAML's composer, refusing unknown tags, deep nesting and overlong texts early."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[attr-defined]
        line = event.start_mark.line + 1 if event.start_mark else 1
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _TAGS and tag != "!":
            raise Refused(
                "yaml.tag",
                f"étiquette YAML « {tag} » inconnue",
                line,
                "retirez l'étiquette ; pour un texte qui commence par « ! », mettez-le entre "
                "guillemets",
            )
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > TEXT_CHARACTERS.value:
            raise Refused(
                "data.text-too-long",
                f"texte de {len(event.value)} caractères, au-delà de la limite de "
                f"{TEXT_CHARACTERS.value} : {TEXT_CHARACTERS.why}",
                line,
            )
        self.depth += 1
        try:
            if self.depth > YAML_DEPTH.value:
                raise Refused(
                    "yaml.depth",
                    f"plus de {YAML_DEPTH.value} niveaux d'imbrication : {YAML_DEPTH.why}",
                    line,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class BoundedLoader(_Bounds, yaml.SafeLoader):
    """The bounded composer over PyYAML's pure-Python scanner and parser: its messages are
    the ones translated above, so every refusal is reported through it."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)


class FastBoundedLoader(_Bounds, CParser, SafeConstructor, Resolver):
    """The same bounded composer over libyaml's scanner and parser (about ten times faster).

    Only events come from libyaml: tags, depth, text length and aliases are bounded by the
    same Python code. A document it refuses is read again by `BoundedLoader`, whose messages
    the drafter gets.
    """

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


class Builder:
    """Turns composed nodes into plain values, with lines, under a budget for aliases."""

    def __init__(self, lines: dict[Loc, int]) -> None:
        self.lines = lines
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()  # nodes already built once: meeting one again is an alias
        self.open: set[int] = set()  # collections being built: meeting one is a cycle
        self.nodes = 0
        self.alias_nodes = 0

    def build(self, node: yaml.Node, loc: Loc, line: int, via_alias: bool) -> Any:
        key = id(node)
        via_alias = via_alias or key in self.seen
        self.seen.add(key)
        self._count(line, via_alias)
        self.lines[loc] = node.start_mark.line + 1 if not via_alias else line
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc, line if via_alias else node.start_mark.line + 1)
        if key in self.open:
            raise Refused(
                "yaml.alias-budget",
                "référence YAML circulaire : un alias désigne le bloc qui le contient",
                line,
            )
        self.open.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc, via_alias)
            return [
                self.build(item, (*loc, index), self._line(item, line, via_alias), via_alias)
                for index, item in enumerate(node.value)
            ]
        finally:
            self.open.discard(key)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, via_alias: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                raise Refused(
                    "yaml.merge",
                    "clé de fusion « <<: » : les données ne recopient pas d'autres blocs",
                    key_line,
                    "écrivez chaque champ en entier dans ce bloc, sans « <<: »",
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise Refused(
                    "yaml.value",
                    "une clé doit être un nom simple, pas une liste ni un bloc",
                    key_line,
                    "écrivez « nom: valeur », une clé par ligne",
                )
            key = self._scalar(key_node, loc, key_line)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise Refused(
                    "yaml.duplicate-key",
                    f"la clé « {key} » apparaît deux fois",
                    key_line,
                    "supprimez ou renommez l'une des deux occurrences",
                )
            child = (*loc, key)
            result[key] = self.build(value_node, child, key_line, via_alias)
            if not via_alias:
                self.lines[child] = key_line
        return result

    def _line(self, node: yaml.Node, parent: int, via_alias: bool) -> int:
        # An alias has no position of its own: its node's is the anchor's; use the parent's.
        return parent if via_alias or id(node) in self.seen else node.start_mark.line + 1

    def _count(self, line: int, via_alias: bool) -> None:
        self.nodes += 1
        if self.nodes > YAML_NODES.value:
            raise Refused(
                "input.too-large",
                f"plus de {YAML_NODES.value} valeurs : {YAML_NODES.why}",
                line,
                "vérifiez que c'est le bon fichier",
            )
        if via_alias:
            self.alias_nodes += 1
            if self.alias_nodes > YAML_ALIAS_NODES.value:
                raise Refused(
                    "yaml.alias-budget",
                    f"les alias recopient plus de {YAML_ALIAS_NODES.value} valeurs : "
                    f"{YAML_ALIAS_NODES.why}",
                    line,
                )

    def _scalar(self, node: yaml.ScalarNode, loc: Loc, line: int) -> Any:
        try:
            return self.constructor.construct_object(node)
        except Exception as exc:  # noqa: BLE001 - PyYAML raises ValueError, OverflowError…
            where = f"{dotted_path(loc)}: " if loc else ""
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise Refused(
                    "data.date",
                    f"{where}« {node.value} » n'est pas une date du calendrier",
                    line,
                    "écrivez une date qui existe, AAAA-MM-JJ (le 30 février n'existe pas)",
                ) from exc
            raise Refused(
                "yaml.value",
                f"{where}valeur « {node.value[:40]} » illisible",
                line,
                "mettez la valeur entre guillemets si c'est un texte",
            ) from exc
