from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.adapters.files import atomic_write, write_json
from aggregator.errors import OutputError


def test_atomic_write_failure_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "status.json"
    write_json(target, {"version": 1})

    def crash(tmp: Path) -> None:
        tmp.write_text('{"version": 2, "half', encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="previous version was kept"):
        atomic_write(target, crash)
    assert json.loads(target.read_text(encoding="utf-8")) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_write_json_is_utf8_nfc_friendly(tmp_path: Path) -> None:
    target = write_json(tmp_path / "a" / "s.json", {"name": "Khánh Hòa"})
    assert "Khánh Hòa" in target.read_text(encoding="utf-8")


def test_atomic_write_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="Cannot create files"):
        write_json(blocker / "status.json", {})
