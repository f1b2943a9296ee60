"""Atomic file writes: a crash at any moment leaves the previous file intact."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aggregator.errors import OutputError


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, fsync it, then ``os.replace``."""
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
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_json(path: Path) -> Any | None:
    """The JSON document at ``path``, or None when absent or unreadable (a state file, not input)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
