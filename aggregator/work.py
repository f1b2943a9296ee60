"""Pieces of work the pure core hands to the shell to run: all in line, or some beside the caller.

Reading a large sheet is a dozen independent pieces (each column read by its type, the rows'
fingerprints). The core says what each piece is, what it costs and whether its result is cheap to
send between processes; the shell decides where each runs (``in_line`` here; app/beside.py shares them
with a copy of the process). Results come back in the order of the pieces, whoever ran them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Task(Generic[T]):
    """One piece: ``run`` computes its result from memory only (no files, no network)."""

    run: Callable[[], T]
    cost: float  # about how long it takes, in a unit shared by the pieces run together (cells read)
    movable: bool  # its result is plain data (numbers, short texts): cheap to send back from a copy


Share = Callable[[Sequence[Task[Any]]], list[Any]]  # the pieces' results, in their order


def in_line(tasks: Sequence[Task[Any]]) -> list[Any]:
    """Every piece run here, one after the other."""
    return [task.run() for task in tasks]
