from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from aggregator.app.cli import cli
from aggregator.consolidation.changes import ChangeLog, diff
from aggregator.models import UnitStatus
from aggregator.outputs.dashboard import layout
from aggregator.outputs.status import digest, status_document
from tests.builders import TZ, make_result, make_unit
from tests.conftest import REPO

NAMES = {"citizens": "Số người dân được tuyên truyền"}
# the previous cycle as the next one reads it back: its status.json, or the digest kept beside it
READ_BACK: dict[str, Callable[[dict[str, Any]], Any]] = {"status.json": lambda doc: json.loads(json.dumps(doc)),
             "digest": lambda doc: json.loads(json.dumps(digest(doc)))}


ReadBack = Callable[[dict[str, Any]], Any]


@pytest.fixture(params=list(READ_BACK))
def read_back(request: pytest.FixtureRequest) -> ReadBack:
    return READ_BACK[request.param]


def _previous() -> dict[str, object]:
    return status_document(make_result(), {})


def test_changes_none_without_a_previous_cycle_or_for_another_campaign(read_back: ReadBack) -> None:
    assert diff(None, make_result(), NAMES) == ()
    other = {**_previous(), "campaign": {"id": "other"}}
    assert diff(read_back(other), make_result(), NAMES) == ()
    assert diff(read_back(_previous()), make_result(), NAMES) == ()
    odd_documents: list[Any] = [[], "x", {"campaign": "x"}, {"campaign": ["demo"]}]
    for odd in odd_documents:
        assert diff(odd, make_result(), NAMES) == ()  # a state file edited by hand: nothing to compare
        doc = status_document(make_result(), {}, odd)
        assert doc["figures_at"] == doc["generated_at"]


def test_changes_new_late_moved_and_gone_units(read_back: ReadBack) -> None:
    previous = read_back(_previous())
    units = (
        make_unit("A", UnitStatus.MISSING),
        make_unit("B", UnitStatus.LATE, metrics={"citizens": 25}),
        make_unit("C", UnitStatus.LATE, metrics={"citizens": 3}),
    )
    lines = diff(previous, make_result(units), NAMES)
    assert lines == (
        "Mới báo cáo (1): Đơn vị C.",
        "Thay đổi số liệu (1): Đơn vị B (Số người dân được tuyên truyền: 10 → 25).",
        "Không còn dòng báo cáo, có thể dòng đã bị xóa hoặc sửa nhầm (xem lại bằng lệnh `aggregator history`) (1): "
        "Đơn vị A.",
    )


def test_changes_reported_to_late_and_long_lists_are_cut(read_back: ReadBack) -> None:
    before = make_result(tuple(make_unit(f"U{i}", UnitStatus.MISSING) for i in range(12)))
    after = make_result(tuple(make_unit(f"U{i}") for i in range(12)))
    lines = diff(read_back(status_document(before, {})), after, NAMES)
    assert lines[0].startswith("Mới báo cáo (12): Đơn vị U0,") and lines[0].endswith("và 4 đơn vị khác.")
    late = make_result((dataclasses.replace(after.units[0], status=UnitStatus.LATE),))
    assert diff(read_back(status_document(make_result((after.units[0],)), {})), late, NAMES) == (
        "Chuyển sang báo cáo muộn (1): Đơn vị U0.",)


def test_changes_round_trip_and_dashboard_block() -> None:
    log = ChangeLog(dt.datetime(2024, 11, 20, 16, 30, tzinfo=TZ), ("Mới báo cáo (1): Đơn vị C.",))
    assert ChangeLog.from_json(log.to_json()) == log
    assert ChangeLog.from_json({"at": "garbage"}) is None
    grid = layout(make_result(), "T", {}, log).grid
    flat = [cell for row in grid for cell in row]
    assert "Thay đổi gần nhất (lần tổng hợp lúc 16:30 20/11/2024)" in flat
    assert "Mới báo cáo (1): Đơn vị C." in flat


def test_changes_between_two_runs_are_printed_and_kept(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    sample = REPO / "config" / "samples" / "nhatrang-2024.xlsx"
    first = runner.invoke(cli, ["run", "--out", str(out), "--now", "2024-11-20T08:00:00+07:00"])
    assert first.exit_code == 0, first.stderr
    before = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert next(u for u in before["units"] if u["unit_id"] == "DT-HCTD")["status"] == "missing"
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(sample)
    sheet = wb["Báo cáo"]
    sheet.append([999, "Hội Chữ thập đỏ thành phố Nha Trang", None, 5, None, 40, 1, 2, 1, 0])
    wb.save(edited)
    second = runner.invoke(cli, ["run", "--source", str(edited), "--out", str(out),
                                      "--now", "2024-11-20T09:00:00+07:00"])
    assert second.exit_code == 0, second.stderr
    assert "Mới báo cáo (1): Hội Chữ thập đỏ thành phố Nha Trang." in second.stdout
    assert (out / "changes.json").is_file()
    third = runner.invoke(cli, ["run", "--source", str(edited), "--out", str(out),
                                     "--now", "2024-11-20T10:00:00+07:00"])
    assert "Mới báo cáo" not in third.stdout  # nothing new this time; the dashboard keeps the last change
    dash = load_workbook(out / "bang-tong-hop-nhatrang-2024.xlsx")["Tổng hợp tiến độ"]
    cells = [c.value for row in dash.iter_rows() for c in row if c.value]
    assert "Thay đổi gần nhất (lần tổng hợp lúc 09:00 20/11/2024)" in cells


def test_changes_new_only_when_the_winning_row_appeared_since_the_last_cycle(read_back: ReadBack) -> None:
    previous = _previous()  # generated at make_result()'s time
    since = dt.datetime.fromisoformat(str(previous["generated_at"]))
    before = make_result(tuple(make_unit(u, UnitStatus.MISSING) for u in "ABC"))
    units = (make_unit("A", first_seen=since - dt.timedelta(days=1)),  # its row was there, unmatched until now
             make_unit("B", first_seen=since + dt.timedelta(hours=1)),  # typed since the last cycle
             make_unit("C"))  # no history: as before, new
    lines = diff(read_back({**status_document(before, {}), "generated_at": since.isoformat()}), make_result(units),
                 NAMES)
    assert lines == ("Mới báo cáo (2): Đơn vị B, Đơn vị C.",
                     "Đã xác định được đơn vị (dòng báo cáo đã có từ trước) (1): Đơn vị A.")


def test_changes_an_alias_added_rematches_a_row_without_calling_it_new(runner: CliRunner, tmp_path: Path) -> None:
    sample = REPO / "config" / "samples" / "nhatrang-2024.xlsx"
    edited, out = tmp_path / "edited.xlsx", tmp_path / "o"
    wb = load_workbook(sample)
    wb["Báo cáo"].append([998, "Hội CTĐ phường Vĩnh Nguyên cũ", None, 5, None, 40, 1, 2, 1, 0])
    wb.save(edited)
    roster = (REPO / "config" / "roster-nhatrang-2024.csv").read_text(encoding="utf-8")
    with_alias = tmp_path / "roster.csv"
    with_alias.write_text(roster.replace(",Hội CTĐ TP,,", ",Hội CTĐ TP,Hội CTĐ phường Vĩnh Nguyên cũ,"),
                          encoding="utf-8")
    args = ["run", "--source", str(edited), "--out", str(out)]
    assert runner.invoke(cli, [*args, "--now", "2024-11-20T08:00:00+07:00"]).exit_code == 0
    second = runner.invoke(cli, [*args, "--roster", str(with_alias), "--now", "2024-11-20T09:00:00+07:00"])
    assert second.exit_code == 0, second.stderr
    assert "Đã xác định được đơn vị (dòng báo cáo đã có từ trước) (1): Hội Chữ thập đỏ thành phố Nha Trang." \
        in second.stdout
    assert "Mới báo cáo" not in second.stdout
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert next(u for u in status["units"] if u["unit_id"] == "DT-HCTD")["status"] == "reported"


def test_changes_a_figure_that_was_not_valid_is_not_called_empty(read_back: ReadBack) -> None:
    """A corrected "2,5" → "2,5 triệu" reads "“2,5” (chưa hợp lệ) → 2.500.000", not "trống → …"."""
    from aggregator.models import Problem

    header = NAMES["citizens"]
    invalid = make_unit("B", metrics={"citizens": None}, problems=(Problem(2, header, "2,5", "…"),))
    fixed = make_unit("B", metrics={"citizens": 2_500_000})
    empty = make_unit("B", metrics={"citizens": None})
    assert diff(read_back(status_document(make_result((invalid,)), {})), make_result((fixed,)), NAMES) == (
        f"Thay đổi số liệu (1): Đơn vị B ({header}: “2,5” (chưa hợp lệ) → 2.500.000).",)
    assert diff(read_back(status_document(make_result((fixed,)), {})), make_result((invalid,)), NAMES) == (
        f"Thay đổi số liệu (1): Đơn vị B ({header}: 2.500.000 → “2,5” (chưa hợp lệ)).",)
    assert diff(read_back(status_document(make_result((empty,)), {})), make_result((fixed,)), NAMES) == (
        f"Thay đổi số liệu (1): Đơn vị B ({header}: trống → 2.500.000).",)


def test_changes_a_figure_under_another_key_is_a_change_even_with_the_same_value(read_back: ReadBack) -> None:
    """The digest keeps each unit's values under keys named once: equal values under other keys (a column's key
    renamed in the campaign file) still differ, and units whose keys differ from the others' are kept whole."""
    before = make_result((make_unit("A", metrics={"citizens": 10}), make_unit("B", metrics={"citizens": 7})))
    renamed = make_result((make_unit("A", metrics={"students": 10}), make_unit("B", metrics={"citizens": 7})))
    assert diff(read_back(status_document(before, {})), renamed, NAMES) == (
        "Thay đổi số liệu (1): Đơn vị A (students: trống → 10).",)
    uneven = make_result((make_unit("A", metrics={"citizens": 10}), make_unit("B", metrics={"citizens": 7, "x": 1})))
    assert diff(read_back(status_document(uneven, {})), uneven, NAMES) == ()
    moved = make_result((make_unit("A", metrics={"citizens": 10}), make_unit("B", metrics={"citizens": 8})))
    assert diff(read_back(status_document(uneven, {})), moved, NAMES) == (
        "Thay đổi số liệu (1): Đơn vị B (Số người dân được tuyên truyền: 7 → 8).",)


def _run(runner: CliRunner, out: Path, now: str, *more: str) -> Any:
    done = runner.invoke(cli, ["run", "--out", str(out), "--now", now, *more])
    assert done.exit_code == 0, done.stderr
    return done


def test_changes_the_digest_kept_beside_status_json_says_what_status_json_says(runner: CliRunner,
                                                                               tmp_path: Path) -> None:
    """A cycle keeps a digest of its status.json for the next one to compare with; the next cycle finds the same
    changes and the same ``figures_at`` with it as from status.json itself."""
    sample = REPO / "config" / "samples" / "nhatrang-2024.xlsx"
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(sample)
    wb["Báo cáo"].append([999, "Hội Chữ thập đỏ thành phố Nha Trang", None, 5, None, 40, 1, 2, 1, 0])
    wb["Báo cáo"]["F5"] = 12345  # a unit's figure edited
    wb.save(edited)
    with_digest, without = tmp_path / "a", tmp_path / "b"
    for out in (with_digest, without):
        _run(runner, out, "2024-11-20T08:00:00+07:00")
    kept = json.loads((with_digest / ".status-digest.json").read_text(encoding="utf-8"))
    assert kept["digest"]["campaign"]["id"] == "nhatrang-2024" and len(kept["digest"]["unit_figures"]["units"]) == 152
    (without / ".status-digest.json").unlink()
    found = [_run(runner, out, "2024-11-20T09:00:00+07:00", "--source", str(edited)) for out in (with_digest, without)]
    lines = [json.loads((out / "changes.json").read_text(encoding="utf-8"))["lines"] for out in (with_digest, without)]
    assert lines[0] == lines[1] and len(lines[0]) == 2  # one unit new, one unit's figure changed
    assert "Mới báo cáo (1): Hội Chữ thập đỏ thành phố Nha Trang." in found[0].stdout
    assert "→ 12.345" in lines[0][1]
    again = [_run(runner, out, "2024-11-20T10:00:00+07:00", "--source", str(edited)) for out in (with_digest, without)]
    assert all("Mới báo cáo" not in done.stdout for done in again)
    figures_at = {json.loads((out / "status.json").read_text(encoding="utf-8"))["figures_at"]
                  for out in (with_digest, without)}
    assert figures_at == {"2024-11-20T09:00:00+07:00"}  # nothing changed at 10:00: the figures are 9:00's


def test_changes_a_status_json_replaced_since_is_read_itself_not_its_old_digest(runner: CliRunner,
                                                                               tmp_path: Path) -> None:
    """status.json edited or restored from a copy after the cycle wrote it: the digest no longer describes it,
    so the next cycle compares with status.json as it now is."""
    out = tmp_path / "o"
    _run(runner, out, "2024-11-20T08:00:00+07:00")
    status_path = out / "status.json"
    restored = json.loads(status_path.read_text(encoding="utf-8"))
    unit = next(u for u in restored["units"] if u["status"] == "reported")
    unit["status"] = "missing"  # as an older status.json had it
    status_path.write_text(json.dumps(restored, ensure_ascii=False), encoding="utf-8")
    done = _run(runner, out, "2024-11-20T09:00:00+07:00")  # its row was there before: "identified", not "new"
    assert f"Đã xác định được đơn vị (dòng báo cáo đã có từ trước) (1): {unit['name']}." in done.stdout


def test_changes_a_digest_that_cannot_be_written_costs_the_cycle_nothing(runner: CliRunner, tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "o"
    (out / ".status-digest.json").mkdir(parents=True)  # in the way: the digest cannot replace it
    _run(runner, out, "2024-11-20T08:00:00+07:00")
    assert "could not write .status-digest.json" in caplog.text and "reads status.json instead" in caplog.text
    assert json.loads((out / "status.json").read_text(encoding="utf-8"))["campaign"]["id"] == "nhatrang-2024"
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(REPO / "config" / "samples" / "nhatrang-2024.xlsx")
    wb["Báo cáo"].append([999, "Hội Chữ thập đỏ thành phố Nha Trang", None, 5, None, 40, 1, 2, 1, 0])
    wb.save(edited)
    second = _run(runner, out, "2024-11-20T09:00:00+07:00", "--source", str(edited))
    assert "Mới báo cáo (1): Hội Chữ thập đỏ thành phố Nha Trang." in second.stdout  # from status.json
