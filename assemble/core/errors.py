"""One error hierarchy: every problem carries where it comes from and what to do about it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .codes import lookup


@dataclass(frozen=True)
class Problem:
    """A located problem found in a clause, a contract or a template."""

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        # Every code is registered; a problem without its own hint takes the code's fix.
        registered = lookup(self.code)
        if self.hint is None:
            object.__setattr__(self, "hint", registered.fix)

    @property
    def severity(self) -> str:
        return lookup(self.code).severity

    def location(self) -> str:
        if self.path is None:
            return "cpom"
        where = _display_path(self.path)
        return f"{where}:{self.line}" if self.line else where

    def __str__(self) -> str:
        warning = "avertissement : " if self.severity == "avertissement" else ""
        text = f"{self.location()}: {warning}{self.message} [{self.code}]"
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


class CpomError(Exception):
    """Bad input: the CLI prints every problem as `path:line: message` and exits 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(
        cls,
        code: str,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> CpomError:
        return cls([Problem(code, message, path, line, hint)])

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


class UsageError(CpomError):
    """Bad usage of the command line (unknown contract, missing argument): exit 2."""

    exit_code = 2


class ToolError(CpomError):
    """An external tool (pandoc, typst, docx templates) failed on input we produced."""

    exit_code = 1


class ProblemCollector:
    """Gathers problems so that a check reports all of them at once, not just the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def absorb(self, error: CpomError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise CpomError(self.problems)


def _display_path(path: Path) -> str:
    # Symlinks are not followed: a problem about a link names the link, not where it leads.
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.realpath(os.getcwd()))
    except (ValueError, OSError):
        return str(path)
    return absolute if relative.split(os.sep)[0] == os.pardir else relative
