"""Templates under a budget: a clause or a Word model can neither hang nor exhaust memory.

Jinja's sandbox forbids reaching Python's internals, but not a loop that never ends
(`range(100000)` nested in itself), a text repeated three billion times or a power with a
hundred million digits. Every render here runs under four bounds (values in limits.py):
- operators that build huge values from small ones (`*` on a text or a list, `**`, `%` with
  a field width) are checked before they run;
- the text produced is counted as it is produced;
- the render is stopped after a number of seconds (an alarm, in the main thread);
- the memory the process may take is capped for the time of the render (Linux), so that an
  allocation no check foresaw fails at once instead of swapping the machine.
Going over a bound raises Exhausted, which the caller reports at the template's line.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..core.limits import TEMPLATE_MEMORY, TEMPLATE_OUTPUT, TEMPLATE_SECONDS


class Exhausted(BaseException):
    """A template went over its budget. A BaseException, like KeyboardInterrupt: no library's
    `except Exception` may swallow it on its way out of the template."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_FIELD_WIDTH = re.compile(r"%[-+ #0]*(\d+)?(?:\.(\d+))?")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the operators that multiply sizes checked first."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        check_operation(operator, left, right)
        return super().call_binop(context, operator, left, right)


def check_operation(operator: str, left: Any, right: Any) -> None:
    """Refuse, before computing it, a value far beyond what any contract text needs."""
    limit = TEMPLATE_OUTPUT.value
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            repeated = isinstance(sequence, str | list | tuple) and _is_int(count)
            if repeated and len(sequence) * max(count, 0) > limit:
                raise Exhausted(
                    f"répétition de {len(sequence)} × {count} éléments, au-delà de "
                    f"{limit} caractères"
                )
    elif operator == "**" and _is_number(left) and _is_int(right) and right > 0:
        if abs(left) > 1 and right * math.log10(abs(left)) > _MAX_DIGITS:
            raise Exhausted(f"puissance démesurée (plus de {_MAX_DIGITS} chiffres)")
    elif operator == "%" and isinstance(left, str):
        for width, precision in _FIELD_WIDTH.findall(left):
            if int(width or 0) > limit or int(precision or 0) > limit:
                raise Exhausted(f"largeur de champ démesurée dans « {left[:40]} »")


_MAX_DIGITS = 1000  # an amount has at most a dozen digits


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def bounded_output(chunks: Iterator[str]) -> str:
    """Join a template's output, stopping as soon as it is longer than any contract text."""
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > TEMPLATE_OUTPUT.value:
            raise Exhausted(
                f"le texte produit dépasse {TEMPLATE_OUTPUT.value} caractères : "
                f"{TEMPLATE_OUTPUT.why}"
            )
        parts.append(chunk)
    return "".join(parts)


@contextlib.contextmanager
def budget() -> Iterator[None]:
    """Run the enclosed render under the time and memory bounds."""
    with _time_bound(TEMPLATE_SECONDS.value), _memory_bound(TEMPLATE_MEMORY.value):
        yield


@contextlib.contextmanager
def _time_bound(seconds: int) -> Iterator[None]:
    """An alarm that interrupts the render; only where signals can be received."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no signals here, or an enclosing render's alarm already runs
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise Exhausted(f"le rendu dure plus de {seconds} secondes : {TEMPLATE_SECONDS.why}")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_bound(extra: int) -> Iterator[None]:
    """Cap the address space at what the process uses now plus `extra` bytes (Linux only)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", "rb") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    cap = used + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already bounded at least as tightly
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def exhausted_by(exc: BaseException) -> str | None:
    """Why a render failed for lack of resources, or None when it failed otherwise."""
    if isinstance(exc, Exhausted):
        return exc.message
    if isinstance(exc, MemoryError):
        return f"le rendu demande plus de {TEMPLATE_MEMORY.value // 2**20} Mo de mémoire"
    if isinstance(exc, RecursionError):
        return "appels imbriqués sans fin (une macro qui s'appelle elle-même ?)"
    if isinstance(exc, OverflowError):
        return "nombre ou intervalle démesuré (un range() va jusqu'à 100 000 au plus)"
    return None
