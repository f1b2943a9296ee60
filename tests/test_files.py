from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.files import LEFTOVER_AGE_S, OutputFolder, atomic_write, remove_leftovers, write_json
from aggregator.app import wiring
from aggregator.errors import OutputError
from tests.conftest import REPO


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


def test_write_json_puts_each_list_item_on_its_own_line(tmp_path: Path) -> None:
    document = {"schema": 1, "totals": {"units": 2}, "units": [{"unit_id": "A", "metrics": {"x": None}},
                                                             {"unit_id": "B", "notes": ["khoảng 200"]}], "none": []}
    text = write_json(tmp_path / "status.json", document).read_text(encoding="utf-8")
    assert json.loads(text) == document
    assert '\n    {"unit_id":"B","notes":["khoảng 200"]}\n' in text and text.count("\n") == 9


def test_atomic_write_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="Cannot create files"):
        write_json(blocker / "status.json", {})


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from aggregator.adapters.files import atomic_write

def die(tmp):
    tmp.write_bytes(b"PK half a workbook")
    os.kill(os.getpid(), signal.SIGKILL)

atomic_write(Path(sys.argv[1]), die)
"""


def _killed_write(target: Path) -> Path:
    """Really kill -9 a process in the middle of an atomic write; return the temp file it left."""
    before = set(target.parent.iterdir())
    done = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(target)], cwd=REPO, check=False)
    assert done.returncode == -signal.SIGKILL
    (left,) = set(target.parent.iterdir()) - before
    return left


def _age(*paths: Path, seconds: float = LEFTOVER_AGE_S + 60) -> None:
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def test_leftovers_of_a_killed_cycle_are_removed_and_nothing_else(tmp_path: Path) -> None:
    left = _killed_write(tmp_path / "bang-tong-hop-nhatrang-2024.xlsx")
    assert left.name.endswith(".tmp.xlsx") and left.read_bytes() == b"PK half a workbook"
    digest_left = _killed_write(tmp_path / ".status-digest.json")  # a hidden file's: "..status-digest.….tmp.json"
    work = tmp_path / ".pdf-k3x_9q2a"  # a PDF conversion killed before its clean-up
    (work / "profile" / "user").mkdir(parents=True)
    (work / "bao-cao.pdf").write_bytes(b"%PDF-1.7")
    lookalikes = (".bang-tong-hop.tmp.xlsx", "ghi-chu.abcd1234.tmp.xlsx", ".ghi-chu.2024.tmp.docx",
                  ".status.abcd1234.tmp.json.bak", "status.json", ".status-digest.json")
    users = [tmp_path / name for name in lookalikes]
    for path in users:
        path.write_text("the user's", encoding="utf-8")
    own_folder = tmp_path / ".pdf-ab12cd34"  # named like ours, but holds the user's files
    own_folder.mkdir()
    (own_folder / "ghi-chu.docx").write_text("x", encoding="utf-8")
    _age(left, digest_left, work, own_folder, *users)
    running = _killed_write(tmp_path / "status.json")  # as fresh as a concurrent run's write: kept
    assert sorted(remove_leftovers(tmp_path)) == sorted([left, digest_left, work])
    assert sorted(tmp_path.iterdir()) == sorted([*users, own_folder, running])
    assert all(p.read_text(encoding="utf-8") == "the user's" for p in users)


def test_every_cycle_starts_by_removing_leftovers(tmp_path: Path) -> None:
    left = _killed_write(tmp_path / "status.json")
    _age(left)
    wiring.run_cycle(campaign_file.load(), out_dir=tmp_path, render_report=False,
                       now=dt.datetime(2024, 11, 11, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert not left.exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_json_text_writes_each_item_on_its_own_line_as_compact_json() -> None:
    from aggregator.adapters.files import json_text

    units = [{"unit_id": f"XA-Hòa-{i}", "metrics": {"citizens": 1.5, "meetings": None}, "rows": [3, 7],
              "note": "“trích dẫn”\n\t\\", "late": True, "big": 10**20, "small": 1e-7, "odd": "\ud800"}
             for i in range(3)]
    document = {"schema": 1, "units": units, "empty": [], "groups": ({"g": "x"},), "artifacts": {}}
    text = json_text(document)
    assert json.loads(text) == {**document, "groups": [{"g": "x"}]}
    lines = text.splitlines()
    unit_lines = [line for line in lines if line.startswith("    {\"unit_id")]
    assert [json.loads(line.rstrip(",")) for line in unit_lines] == units  # one unit per line, whole
    assert [line.endswith(",") for line in unit_lines] == [True, True, False]
    assert lines[:2] == ["{", '  "schema": 1,'] and lines[-1] == "}"
    assert '"metrics":{"citizens":1.5,"meetings":null}' in text  # compact
    assert json_text([1, "Hòa"]) == '[1,"Hòa"]\n' and json_text({}) == "{}\n"


def test_a_long_list_is_written_in_pieces_that_make_the_same_text_with_one_item_per_line(tmp_path: Path) -> None:
    from aggregator.adapters.files import json_bytes, write_json

    units = [{"unit_id": f"U{i:05d}", "name": "Xã Hòa", "metrics": {"citizens": i}} for i in range(1_234)]
    document = {"schema": 1, "units": units, "unmatched_rows": units[:501], "artifacts": {"dashboard": "x"}}
    written = write_json(tmp_path / "status.json", document).read_bytes()
    assert written == json_bytes(document) and json.loads(written) == document
    lines = written.decode("utf-8").splitlines()
    assert len(lines) == 1 + 1 + (1 + 1_234 + 1) + (1 + 501 + 1) + 1 + 1  # {, schema, units, unmatched, artifacts, }
    assert sum(line.startswith('    {"unit_id"') for line in lines) == 1_234 + 501
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]  # no temporary file left


def test_a_document_that_cannot_be_written_leaves_the_previous_file(tmp_path: Path) -> None:
    from aggregator.adapters.files import write_json

    write_json(tmp_path / "status.json", {"units": [1]})
    with pytest.raises(TypeError):
        write_json(tmp_path / "status.json", {"units": [1] * 600 + [object()]})  # fails after pieces were written
    assert json.loads((tmp_path / "status.json").read_text(encoding="utf-8")) == {"units": [1]}
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_a_digest_is_read_back_only_while_the_file_it_describes_is_unchanged(tmp_path: Path) -> None:
    state, status = OutputFolder(tmp_path), tmp_path / "status.json"
    state.write("status.json", {"units": [1, 2, 3]})
    state.write_digest(".digest.json", {"count": 3}, of="status.json")
    assert state.read_digest(".digest.json", of="status.json") == {"count": 3}
    assert state.read_digest(".digest.json", of="changes.json") is None  # describes another file
    state.write("status.json", {"units": [1, 2, 3]})  # the same content written again: another file
    assert state.read_digest(".digest.json", of="status.json") is None
    state.write_digest(".digest.json", {"count": 3}, of="status.json")
    time.sleep(0.05)  # a person's edit comes later than the file system's clock tick
    status.write_bytes(status.read_bytes().replace(b"3", b"4"))  # edited in place, same size
    assert state.read_digest(".digest.json", of="status.json") is None
    state.write_digest(".digest.json", {"count": 4}, of="status.json")
    status.unlink()
    assert state.read_digest(".digest.json", of="status.json") is None
