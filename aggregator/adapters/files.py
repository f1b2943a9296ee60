"""Atomic file writes: a crash at any moment leaves the previous file intact.

A write goes to a temporary file beside its target (``.<stem>.<8 random>.tmp<suffix>``, the name
``tempfile.mkstemp`` makes), and a PDF conversion works in a ``.pdf-<8 random>`` folder. Killed
(kill -9, power cut) before the final rename, a cycle leaves them behind; ``remove_leftovers`` clears
them at the start of a later cycle.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aggregator.errors import OutputError
from aggregator.rowjson import compact

log = logging.getLogger(__name__)
PDF_WORK_PREFIX = ".pdf-"  # adapters/pdf.py's work folders
# mkstemp/mkdtemp names: 8 characters of "a-z0-9_" between our prefix and suffix
_TEMP_FILE = re.compile(r"\.(?P<stem>.+)\.[a-z0-9_]{8}\.tmp(?:\.[A-Za-z0-9]+)?")
_PDF_WORK = re.compile(re.escape(PDF_WORK_PREFIX) + r"[a-z0-9_]{8}")
# Only what no cycle can still be writing counts as left over: a concurrent run into the same folder
# (a manual `aggregator run` beside the worker) keeps its files; a PDF conversion lasts at most 180 s.
LEFTOVER_AGE_S = 300
_ITEMS = 500  # list items of a JSON document written as one piece: few writes, little text held at once


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` (its result unused) on a temporary file beside ``path``, fsync it, then ``os.replace``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"Cannot create files in {path.parent} ({exc.strerror}).") from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates 0600; outputs are shared documents, so keep the old file's mode or use 0644
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"Cannot write {path} ({exc.strerror}); the previous version was kept.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json(path: Path, document: Any) -> Path:
    """``document`` as ``json_bytes`` writes it, atomically; written piece by piece (a unit of status.json at a
    time), so that a large document's text is never held whole: 20,000 units' text, joined, was held three
    times over (30 MB) at the cycle's busiest moment."""
    def write(tmp: Path) -> None:
        with tmp.open("wb") as out:
            out.writelines(_pieces(document))

    return atomic_write(path, write)


def json_text(document: Any) -> str:
    """``json_bytes`` as text."""
    return json_bytes(document).decode("utf-8")


def json_bytes(document: Any) -> bytes:
    """JSON in UTF-8 with one top-level key per line and one list item per line (a unit of status.json is
    one line), each written compactly by orjson (``rowjson.compact``; the standard library's C encoder
    took five times as long on 20,000 units, ``indent`` twenty times)."""
    return b"".join(_pieces(document))



def _pieces(document: Any) -> Iterator[bytes]:
    """``json_bytes``'s text in pieces, in order."""
    if not isinstance(document, dict) or not document:
        yield compact(document) + b"\n"
        return
    yield b"{\n"
    for at, (key, value) in enumerate(document.items()):
        yield (b",\n  " if at else b"  ") + compact(str(key)) + b": "
        if isinstance(value, list | tuple) and value:
            yield b"[\n    "
            for i in range(0, len(value), _ITEMS):
                yield (b",\n    " if i else b"") + b",\n    ".join([compact(item) for item in value[i:i + _ITEMS]])
            yield b"\n  ]"
        else:
            yield compact(value)
    yield b"\n}\n"


def read_json(path: Path) -> Any | None:
    """The JSON document at ``path``, or None when absent or unreadable (a state file, not input)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove_leftovers(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete our own temporary files and PDF work folders left in ``folder`` by a killed cycle.

    Only names that our writers make, and only those last touched ``LEFTOVER_AGE_S`` before ``now``
    (the current run's start); a PDF work folder only when it holds nothing but LibreOffice's
    ``profile`` and PDFs. Anything else, however it is named, is left alone. Best effort: a file that cannot be
    removed is logged and left. Returns what was removed.
    """
    cutoff = (time.time() if now is None else now) - LEFTOVER_AGE_S
    try:
        with os.scandir(folder) as found:
            entries = list(found)
    except OSError:
        return []  # no folder yet (first run) or unreadable: the writes will say so
    removed = []
    for entry in entries:
        try:
            if _is_leftover(entry, cutoff):
                _remove(entry)
                removed.append(Path(entry.path))
        except OSError as exc:
            log.warning("could not remove the leftover %s (%s)", entry.path, exc.strerror)
    return removed


def _is_leftover(entry: os.DirEntry[str], cutoff: float) -> bool:
    if entry.is_symlink() or entry.stat(follow_symlinks=False).st_mtime >= cutoff:
        return False
    if entry.is_file():
        return _TEMP_FILE.fullmatch(entry.name) is not None
    if entry.is_dir() and _PDF_WORK.fullmatch(entry.name):
        with os.scandir(entry.path) as inside:  # as the converter leaves it: a profile, maybe a PDF
            return all(e.name == "profile" or e.name.endswith(".pdf") for e in inside)
    return False


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


class OutputFolder:
    """The cycle's state files (status.json, changes.json) in its output folder: ``ports.StateFiles``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> Any | None:
        return read_json(self.folder / name)

    def write(self, name: str, document: Any) -> Path:
        return write_json(self.folder / name, document)

    def write_digest(self, name: str, document: Any, of: str) -> None:
        """Write ``document``, a digest of the state file ``of`` just written, with what identifies that file
        now; best effort (the next cycle then reads ``of`` itself), so a failure is only logged."""
        try:
            write_json(self.folder / name, {"of": _identity(self.folder / of), "digest": document})
        except (OSError, OutputError) as exc:
            log.warning("could not write %s (%s); the next cycle reads %s instead", name, exc, of)

    def read_digest(self, name: str, of: str) -> Any | None:
        """The digest at ``name`` while ``of`` is still the file it was made from; None otherwise (absent,
        unreadable, or ``of`` since replaced, edited, restored or removed)."""
        found = read_json(self.folder / name)
        try:
            current = _identity(self.folder / of)
        except OSError:
            return None
        return found.get("digest") if isinstance(found, dict) and found.get("of") == current else None

    def clean(self) -> None:
        remove_leftovers(self.folder)


def _identity(path: Path) -> list[int]:
    """What changes whenever ``path`` is replaced or edited: its inode, size, modification and change times."""
    found = path.stat()
    return [found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]
