"""argparse in French: usage errors a drafter can read, raised rather than exiting the process."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn


class ArgumentsError(Exception):
    """Bad arguments on the command line; the CLI prints the message and the usage, exit 2."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


# argparse's own messages (Python 3.11), and what a French drafter reads instead.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french)
    for pattern, french in (
        (r"the following arguments are required: (.*)", r"argument obligatoire manquant : \1"),
        (r"unrecognized arguments: (.*)", r"argument inconnu : \1"),
        (r"invalid choice: '(.*)' \(choose from (.*)\)", r"choix « \1 » inconnu (possibles : \2)"),
        (r"invalid \S+ value: '(.*)'", r"valeur « \1 » invalide"),
        (r"expected one argument", r"une valeur est attendue après cette option"),
        (r"expected at most one argument", r"une seule valeur est admise"),
        (r"expected at least one argument", r"au moins une valeur est attendue"),
        (r"ambiguous option: (\S+) could match (.*)", r"option \1 ambiguë : \2 ?"),
        (r"not allowed with argument (.*)", r"incompatible avec l'argument \1"),
        (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
        (r"ignored explicit argument '(.*)'", r"valeur « \1 » inattendue"),
    )
)
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<message>.*)", re.DOTALL)


def french(message: str) -> str:
    """argparse's English message in French; an unknown one is kept as it is."""
    found = _ARGUMENT.fullmatch(message)
    if found:
        return f"argument {found['name']} : {french(found['message'])}"
    for pattern, replacement in _MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message).replace("'", "")
    return message


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")

    def format_usage(self) -> str:
        return _french_usage(super().format_usage())

    def format_help(self) -> str:
        return _french_usage(super().format_help())

    def error(self, message: str) -> NoReturn:
        raise ArgumentsError(french(message), self.format_usage())


def _french_usage(text: str) -> str:
    return text.replace("usage: ", "utilisation : ", 1)
