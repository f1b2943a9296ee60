"""A piece of a cycle's work done beside it, by a forked copy of the process, on another core.

A large sheet's first-seen step (app/pipeline.py) writes every new row version to the SQLite history:
most of a second for 100,000 rows that nothing needs until the rows are matched, which takes as long
again. A thread cannot share that work: SQLite lets go of the interpreter for a step at a time, and a
thread that must win the interpreter back for every statement and fetched row starved beside name
matching (measured: 0.8 s of history work took 2.1 s, nothing gained). A forked copy sees the cycle's
data as it stands (the pages are shared until written), does the work and sends its result back.

A copy is made only where it is safe and can help:

- on Linux (``os.fork``; macOS discourages forking a process with system frameworks loaded, Windows
  has no fork), in a process that runs one thread: ``aggregator run``. ``serve`` runs its scheduler's
  threads, and a copy of a process with threads may hold a lock that no thread of the copy will ever
  release, so the worker does the work in line (it keeps its name matchers between cycles instead);
- for work whose effects, if any, are in files (the SQLite history), never in the copied memory, which
  is lost with the copy.

The copy ends with ``os._exit``: no exit handlers, and the parent's unflushed output is not written
twice. Whatever goes wrong with the copy (it cannot start, dies, sends nothing readable), the parent does
the work itself, with the same result; an ``AggregatorError`` the work raised in the copy is raised again.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from aggregator.work import Task, in_line

T = TypeVar("T")

_OK, _RAISED = "ok", "raised"
# Pieces of work cheaper than this (work.py's cost: cells read) are not shared: a copy of a large process costs
# a few milliseconds to make, and its results as long again to send back (measured: 10,000 rows of 14 columns
# gain about 20 ms).
_WORTH_A_COPY = 400_000
# A copy also pays for being made, for the pages it copies as it goes and for sending its results back: it takes
# a little less than half of the work (measured on 100,000 rows: with half, the cycle waited 0.05–0.2 s for it).
_COPY_SHARE = 0.45


class Beside(Generic[T]):
    """``work`` started now, beside the caller when a copy of the process can do it, else at once."""

    def __init__(self, work: Callable[[], T], *, may_fork: bool) -> None:
        """``may_fork``: the work changes nothing in memory the caller needs (its effects, if any, are in
        files): a copy's memory is lost with it."""
        self._work = work
        self._done: tuple[T] | None = None
        self._copy: tuple[int, int] | None = _fork(work) if may_fork and can_fork() else None
        if self._copy is None:
            self._done = (work(),)

    def result(self) -> T:
        """The work's result (waits for the copy); an AggregatorError it raised is raised here."""
        if self._done is None:
            self._done = (self._collect(),)
        return self._done[0]

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *failure: object) -> None:
        """Leaving early (the caller failed): the copy is let finish (its files stay whole) and is reaped."""
        if self._copy is not None:
            self._sent_back()

    def _collect(self) -> T:
        kind, value = self._sent_back()
        if kind == _OK:
            return cast(T, value)
        if kind == _RAISED and isinstance(value, BaseException):
            raise value
        return self._work()  # the copy failed: the work is done again here (it is idempotent: files, once)

    def _sent_back(self) -> tuple[str, object]:
        """What the copy sent, once it ended; ("", None) when it failed or sent nothing readable."""
        assert self._copy is not None
        pid, pipe = self._copy
        self._copy = None
        sent, status = b"", 1
        try:
            with os.fdopen(pipe, "rb") as reader:
                sent = reader.read()
        except OSError:
            pass
        finally:
            try:
                status = os.waitpid(pid, 0)[1]
            except ChildProcessError:  # reaped by someone else: only what it sent tells
                status = 0 if sent else 1
        try:
            sent_back: tuple[str, object] = pickle.loads(sent) if status == 0 else ("", None)
        except Exception:  # a copy that died while sending
            sent_back = ("", None)
        return sent_back


def share(tasks: Sequence[Task[Any]]) -> list[Any]:
    """The tasks' results, in their order, as ``work.in_line`` gives them; when they are worth it, a copy of the
    process runs movable ones (those whose results are cheapest to send back), the largest first, up to a little
    less than half of the whole cost (``_COPY_SHARE``), while this process runs the others."""
    total = sum(task.cost for task in tasks)
    moved = _for_the_copy(tasks, total * _COPY_SHARE) if total >= _WORTH_A_COPY and can_fork() else []
    if not moved:
        return in_line(tasks)
    with Beside(lambda: [tasks[i].run() for i in moved], may_fork=True) as copy:
        here = {i: task.run() for i, task in enumerate(tasks) if i not in moved}
        there = dict(zip(moved, copy.result(), strict=True))
    return [here[i] if i in here else there[i] for i in range(len(tasks))]


def _for_the_copy(tasks: Sequence[Task[Any]], budget: float) -> list[int]:
    """Which movable tasks a copy runs: the largest first, as long as their cost stays within ``budget``."""
    chosen, spent = [], 0.0
    for i in sorted((i for i, task in enumerate(tasks) if task.movable), key=lambda i: -tasks[i].cost):
        if spent + tasks[i].cost <= budget:
            chosen.append(i)
            spent += tasks[i].cost
    return sorted(chosen)


def can_fork() -> bool:
    """Whether a copy of this process may do work beside it (see the module's docstring); on one core it
    would only add its cost."""
    return (sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1
            and len(os.sched_getaffinity(0)) > 1)


def _fork(work: Callable[[], object]) -> tuple[int, int] | None:
    """Start a copy doing ``work``: (its pid, the pipe its result comes through), or None."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the copy
        os.close(reader)
        _do_and_send(work, writer)
    os.close(writer)
    return pid, reader


def _do_and_send(work: Callable[[], object], pipe: int) -> None:
    """In the copy: do the work, send its result or the AggregatorError it raised, and end."""
    from aggregator.errors import AggregatorError

    code = 1
    try:
        try:
            sent = pickle.dumps((_OK, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except AggregatorError as exc:
            sent = pickle.dumps((_RAISED, exc), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(pipe, "wb") as writer:
            writer.write(sent)
        code = 0
    finally:  # anything else (Ctrl+C included): end with a failure; the parent does the work
        os._exit(code)
