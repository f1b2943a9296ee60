"""The cyclic garbage collector around a cycle and at the end of the process.

A 100,000-row cycle makes millions of short-lived objects, which reference counting frees as it goes;
the cyclic collector only finds garbage that reference counting cannot, and each of its full passes
walks the whole heap. Two places pay for such passes without need: during a cycle (about an eighth of
a large cycle's time) and while the interpreter shuts down (a third of a second after a large cycle,
to tidy memory the operating system takes back at once). This module is light: the command line
imports it before anything else (``aggregator --help`` needs no pandas).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def gc_paused(step: Callable[P, T]) -> Callable[P, T]:
    """Run ``step`` with the cyclic garbage collector paused (as it was again afterwards).

    What a cycle leaves in reference cycles is collected by the next collection.
    """

    @functools.wraps(step)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        if not gc.isenabled():
            return step(*args, **kwargs)
        gc.disable()
        try:
            return step(*args, **kwargs)
        finally:
            gc.enable()

    return paused


def spare_exit_collections() -> None:
    """Called when the process is about to end: the shutdown's collections skip what exists now.

    Everything alive is moved to the collector's permanent generation (``gc.freeze``), so the full
    passes the interpreter makes while it shuts down skip it. Objects are still released as modules
    are cleared (reference counting, finalizers, buffered files flushed); what only the collector
    could free is memory, which the operating system reclaims with the process.
    """
    gc.freeze()
