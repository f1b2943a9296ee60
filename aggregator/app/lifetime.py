"""The cyclic garbage collector around a cycle and at the end of the process.

A 100,000-row cycle makes millions of short-lived objects, which reference counting frees as it goes;
the cyclic collector only finds garbage that reference counting cannot, and each of its full passes
walks the whole heap. Two places pay for such passes without need: during a cycle (about an eighth of
a large cycle's time) and while the interpreter shuts down (a third of a second after a large cycle,
to tidy memory the operating system takes back at once). The shutdown also releases, one by one, every
object still alive: a one-shot command ends without it (``end_process``). This module is light: the
command line imports it before anything else (``aggregator --help`` needs no pandas).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
# Whether the process ends when its command does (set by the command line's main, not by a test runner or a
# program calling the commands), and whether that command runs one cycle and ends (``aggregator run``).
_ENDS_WITH_COMMAND = [False]
_ONE_SHOT = [False]


def gc_paused(step: Callable[P, T]) -> Callable[P, T]:
    """Run ``step`` with the cyclic garbage collector paused (as it was again afterwards).

    What a cycle leaves in reference cycles is collected by the next collection, except in a process that ends
    after this cycle (``ending_after_this_cycle``): there, everything then alive is left out of collections.
    """

    @functools.wraps(step)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        if not gc.isenabled():
            return step(*args, **kwargs)
        gc.disable()
        try:
            return step(*args, **kwargs)
        finally:
            if _ONE_SHOT[0]:  # the process ends next: what the step left alive is never collected
                gc.freeze()  # (its first collection walked all of it: 0.2 s after a large cycle)
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


_KEPT: list[object] = []  # what keep_until_exit holds


def ends_with_its_command() -> None:
    """Called by the command line's main: this process ends once its command is done."""
    _ENDS_WITH_COMMAND[0] = True


def ending_after_this_cycle() -> None:
    """Called by a command that runs one cycle and ends: when the process ends with it (``ends_with_its_command``),
    what the cycle lets go of (``done_with``) and what it keeps (``keep_until_exit``) are held until then, and
    what it leaves alive is left out of collections. Elsewhere (a test runner invoking the command, ``serve``)
    the process goes on and nothing changes."""
    _ONE_SHOT[0] = _ENDS_WITH_COMMAND[0]


def done_with(obj: object) -> None:
    """The caller no longer needs ``obj`` (and drops its own reference next). A process that ends after this
    cycle keeps it until it ends: releasing a large sheet's 1.6 million cells one by one took 75 ms, for memory
    the operating system takes back at once. A process that goes on (``serve``) lets it be released now."""
    if _ONE_SHOT[0]:
        _KEPT.append(obj)


def keep_until_exit(*objects: object) -> None:
    """Hold ``objects`` until the process ends: a one-shot command's result (a large cycle's 20,000 outcomes),
    whose release object by object would only cost time (a tenth of a second) on the way out. Only in a process
    that ends after this cycle (``ending_after_this_cycle``): what is kept is never released."""
    if _ONE_SHOT[0]:
        _KEPT.extend(objects)


def end_process(code: object) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, but without the interpreter's teardown when it has
    nothing to wait for: output and log handlers are flushed, then ``os._exit``. Releasing a large
    cycle's objects and clearing every module took 0.2 s more after a 100,000-row cycle.

    A process running other threads (``serve``'s scheduler, whose thread pool waits for a running
    cycle) ends the usual way, as do exit handlers other code relies on there.
    """
    if threading.active_count() > 1:
        raise SystemExit(code)
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, int | None):
        print(code, file=sys.stderr)  # as the interpreter does with sys.exit("message")
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`aggregator … | head`): nothing to lose
            stream.flush()
    os._exit(status & 0xFF)
