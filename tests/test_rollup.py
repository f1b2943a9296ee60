"""Roll-up: a province instance consolidates the status.json files of district instances.

Two children are real `aggregator run` outputs of the Nha Trang demo (the second under another
campaign id, with a smaller roster so its figures differ); the parent reads them through
`source.kind: status_files` and must add their figures up exactly.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.app.cli import cli
from aggregator.errors import ConfigError
from tests.conftest import REPO

NOW = "2024-11-21T08:00:00+07:00"
PARENT_NOW = "2024-11-22T08:00:00+07:00"
CONFIG = campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
ROSTER = CONFIG.parent / "roster-nhatrang-2024.csv"
TAB = "Số liệu cấp dưới"
PARENT_UNITS = [("KH-NHATRANG", "Phòng Văn hóa và Thông tin thành phố Nha Trang", "nhatrang-2024"),
                ("KH-CAMRANH", "Phòng Văn hóa và Thông tin thành phố Cam Ranh", "camranh-2024"),
                ("KH-NINHHOA", "Phòng Văn hóa và Thông tin thị xã Ninh Hòa", "ninhhoa-2024")]


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _child_campaign(folder: Path, child_id: str) -> Path:
    """The demo campaign under another id, with absolute paths so it runs from anywhere."""
    text = CONFIG.read_text(encoding="utf-8").replace("id: nhatrang-2024", f"id: {child_id}")
    text = text.replace("path: samples/nhatrang-2024.xlsx", f"path: {CONFIG.parent / 'samples' / 'nhatrang-2024.xlsx'}")
    text = text.replace("roster: roster-nhatrang-2024.csv", f"roster: {ROSTER}")
    text = text.replace("template: ../templates/report.docx", f"template: {REPO / 'templates' / 'report.docx'}")
    path = folder / f"{child_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def districts(runner: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """districts/nhatrang/status.json (the full demo) and districts/camranh/status.json (40 units)."""
    root = tmp_path_factory.mktemp("rollup")
    lines = ROSTER.read_text(encoding="utf-8").splitlines()
    subset = root / "roster-subset.csv"
    subset.write_text("\n".join(lines[:41]) + "\n", encoding="utf-8")
    for folder, child_id, roster in (("nhatrang", "nhatrang-2024", None), ("camranh", "camranh-2024", subset)):
        args = ["run", "--config", str(_child_campaign(root, child_id)), "--out", str(root / "districts" / folder),
                "--now", NOW]
        code, _, err = _invoke(runner, *args, *(["--roster", str(roster)] if roster else []))
        assert code == 0, err
    return root / "districts"


def _parent(tmp_path: Path, paths: list[str]) -> Path:
    """A province campaign: same count columns as Nha Trang, a 3-unit roster, a province letterhead."""
    demo = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    with (tmp_path / "roster-tinh.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "group", "name", "short_name", "aliases", "email", "source"])
        writer.writerows([uid, "huyen", name, "", alias, "", "test"] for uid, name, alias in PARENT_UNITS)
    columns = [{"key": "unit_name", "header": "Đơn vị cấp huyện", "type": "text", "required": True},
               *[c for c in demo["columns"] if c.get("type") == "count"],
               {"key": "submitted_at", "header": "Thời điểm tổng hợp", "type": "date"}]
    report = {**demo["report"], "template": str(REPO / "templates" / "report.docx"), "filename": "",
              "parent_body": "UBND TỈNH KHÁNH HÒA", "issuing_body": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
              "issuer_name": "Sở Thông tin và Truyền thông tỉnh Khánh Hòa", "abbreviation": "STTTT",
              "place": "Khánh Hòa", "recipients": ["Bộ Thông tin và Truyền thông"]}
    parent = {"id": "khanhhoa-2024", "title": demo["title"], "deadline": "2024-11-25T23:59:59+07:00",
              "source": {"kind": "status_files", "paths": paths, "tab": TAB}, "roster": "roster-tinh.csv",
              "groups": [{"code": "huyen", "label": "Phòng Văn hóa và Thông tin cấp huyện"}],
              "columns": columns, "report": report}
    path = tmp_path / "parent.yaml"
    path.write_text(yaml.safe_dump(parent, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _status(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "status.json").read_text(encoding="utf-8"))


def test_rollup_parent_sums_the_children(runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    out = tmp_path / "out"
    parent = _parent(tmp_path, [str(districts / "*" / "status.json")])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(out), "--now", PARENT_NOW)
    assert code == 0, err
    doc = _status(out)
    children = [_status(districts / "nhatrang"), _status(districts / "camranh")]
    assert children[0]["metrics"] != children[1]["metrics"]  # the subset roster made them differ
    assert doc["metrics"] == {k: sum(c["metrics"][k] for c in children) for k in children[0]["metrics"]}
    assert doc["totals"]["units_reported"] == 2 and doc["totals"]["units_missing"] == 1
    assert doc["totals"]["rows_unmatched"] == 0 and doc["source"]["kind"] == "status_files"
    units = {u["unit_id"]: u for u in doc["units"]}
    assert units["KH-NINHHOA"]["status"] == "missing"
    assert units["KH-NHATRANG"]["metrics"] == children[0]["metrics"]
    assert units["KH-CAMRANH"]["submitted_at"] == children[1]["generated_at"] == NOW
    assert (out / doc["artifacts"]["report_docx"]).exists()
    workbook = load_workbook(out / doc["artifacts"]["dashboard"])
    assert workbook.sheetnames == ["Tổng hợp tiến độ", TAB]


def test_rollup_paths_are_relative_to_the_campaign_file(runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    parent = _parent(tmp_path, ["nowhere/*.json", str(districts / "nhatrang" / "status.json")])
    campaign = campaign_file.load(parent)
    assert campaign.source.paths[0] == "nowhere/*.json"
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 0, err
    assert _status(tmp_path / "o")["totals"]["units_reported"] == 1


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "is not valid JSON"),
    (json.dumps({"schema": 1, "campaign": {"id": "ninhhoa-2024"}, "metrics": {}}), "no `totals` object"),
])
def test_rollup_broken_child_is_a_clear_error(runner: CliRunner, tmp_path: Path, districts: Path, content: str,
                                              needle: str) -> None:
    broken = tmp_path / "ninhhoa" / "status.json"
    broken.parent.mkdir()
    broken.write_text(content, encoding="utf-8")
    parent = _parent(tmp_path, [str(districts / "*" / "status.json"), "ninhhoa/status.json"])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 3 and "Traceback" not in err
    assert str(broken) in err and needle in err, err
    assert not (tmp_path / "o" / "status.json").exists()


def test_rollup_no_matching_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    parent = _parent(tmp_path, ["../no-such-districts/*/status.json"])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 3 and "Traceback" not in err
    assert "No status.json file matches" in err and "../no-such-districts/*/status.json" in err, err


def test_rollup_source_needs_paths(tmp_path: Path) -> None:
    text = _parent(tmp_path, ["x"]).read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("  paths:\n  - x\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match="status_files source needs `paths`"):
        campaign_file.load(bad)


def test_rollup_a_district_that_runs_again_unchanged_keeps_its_submission_time(
        runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    """A district worker keeps running after the deadline: its figures are the same, so it is not late."""
    again = tmp_path / "again"
    shutil.copytree(districts / "camranh", again)
    child = _child_campaign(tmp_path, "camranh-2024")
    roster = tmp_path / "roster-subset.csv"
    roster.write_text("\n".join(ROSTER.read_text(encoding="utf-8").splitlines()[:41]) + "\n", encoding="utf-8")
    later = "2024-11-28T08:00:00+07:00"  # after the province deadline of 2024-11-25
    code, _, err = _invoke(runner, "run", "--config", str(child), "--out", str(again), "--now", later,
                           "--roster", str(roster))
    assert code == 0, err
    rerun = _status(again)
    assert rerun["generated_at"] == later and rerun["figures_at"] == NOW  # nothing changed since
    parent = _parent(tmp_path, [str(again / "status.json")])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", later)
    assert code == 0, err
    unit = next(u for u in _status(tmp_path / "o")["units"] if u["unit_id"] == "KH-CAMRANH")
    assert unit["status"] == "reported" and unit["submitted_at"] == NOW


def test_rollup_never_reads_its_own_status_json(runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    """The province's output folder sits beside the districts' and matches the same pattern."""
    root = tmp_path / "kids"
    shutil.copytree(districts, root)
    parent = _parent(tmp_path, [str(root / "*" / "status.json")])
    for _ in range(2):  # the second cycle finds the province's own status.json among the children
        code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(root / "province"),
                               "--now", PARENT_NOW)
        assert code == 0, err
    doc = _status(root / "province")
    assert doc["totals"]["rows_unmatched"] == 0 and doc["totals"]["units_reported"] == 2


def test_rollup_every_broken_child_is_named_at_once(runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    for name in ("ninhhoa", "vanninh"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "status.json").write_text("{not json", encoding="utf-8")
    parent = _parent(tmp_path, [str(districts / "*" / "status.json"), "*/status.json"])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 3 and "2 roll-up files cannot be used" in err
    assert "ninhhoa" in err and "vanninh" in err


def test_rollup_two_copies_of_a_child_at_the_same_moment_with_other_figures_stop_the_cycle(
        runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    doc = _status(districts / "camranh")
    doc["metrics"] = {key: 999 for key in doc["metrics"]}
    (copy / "status.json").write_text(json.dumps(doc), encoding="utf-8")
    parent = _parent(tmp_path, [str(districts / "*" / "status.json"), "copy/status.json"])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 3 and "nobody can tell which one counts" in err and "camranh-2024" in err, err


def test_rollup_the_virtual_tab_says_which_file_each_row_came_from(
        runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    parent = _parent(tmp_path, [str(districts / "*" / "status.json")])
    out = tmp_path / "o"
    assert _invoke(runner, "run", "--config", str(parent), "--out", str(out), "--now", PARENT_NOW)[0] == 0
    sheet = load_workbook(out / _status(out)["artifacts"]["dashboard"])[TAB]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Tệp status.json"
    assert sorted(Path(str(r[-1])).parent.name for r in rows[1:]) == ["camranh", "nhatrang"]


def test_rollup_words_speak_of_children_not_of_a_spreadsheet(runner: CliRunner, tmp_path: Path,
                                                             districts: Path) -> None:
    import docx

    from tests.report_builders import all_text

    parent = _parent(tmp_path, [str(districts / "*" / "status.json")])
    data = yaml.safe_load(parent.read_text(encoding="utf-8"))
    data["columns"].insert(1, {"key": "so_vu", "header": "Số vụ vi phạm được xử lý", "type": "count"})
    data["report"]["direction"] = []  # section I falls back to its default sentence
    parent.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, err = _invoke(runner, "check", "--config", str(parent))
    assert code == 0, err
    assert "No child status.json has a figure for 'Số vụ vi phạm được xử lý'" in out and "header" not in out.split(
        "Số vụ vi phạm được xử lý")[1].split("\n")[0]
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(tmp_path / "o"), "--now", PARENT_NOW)
    assert code == 0, err
    text = all_text(docx.Document(str(tmp_path / "o" / _status(tmp_path / "o")["artifacts"]["report_docx"])))
    assert "đơn vị cấp dưới tổng hợp, báo cáo kết quả" in text and "bảng tính dùng chung" not in text


def test_rollup_says_how_much_of_each_child_its_figures_stand_for(runner: CliRunner, tmp_path: Path,
                                                                  districts: Path) -> None:
    """A district's figures may cover only part of its own units: status.json carries each child's
    (reported, expected), the dashboard notes an incomplete one beside it, the letter lists them."""
    import docx

    from tests.report_builders import all_text

    out = tmp_path / "out"
    parent = _parent(tmp_path, [str(districts / "*" / "status.json")])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(out), "--now", PARENT_NOW)
    assert code == 0, err
    units = {u["unit_id"]: u for u in _status(out)["units"]}
    expected = {}
    for unit_id, folder in (("KH-NHATRANG", "nhatrang"), ("KH-CAMRANH", "camranh")):
        totals = _status(districts / folder)["totals"]
        expected[unit_id] = (totals["units_reported"], totals["units_expected"])
        assert units[unit_id]["coverage"] == {"reported": totals["units_reported"],
                                              "expected": totals["units_expected"]}
    assert all(r < e for r, e in expected.values())  # both demo districts still miss some of their units
    assert "coverage" not in units["KH-NINHHOA"]  # no status.json: nothing to say
    sheet = load_workbook(out / _status(out)["artifacts"]["dashboard"])["Tổng hợp tiến độ"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1] in expected}
    for unit_id, (reported, total) in expected.items():
        assert f"Số liệu mới tổng hợp từ {reported}/{total} đơn vị cấp dưới" in str(rows[unit_id][8])
    # and all together: the province's figures stand for so many of the districts' own units
    together = f"{sum(r for r, _ in expected.values())}/{sum(e for _, e in expected.values())} đơn vị trực thuộc"
    document = _status(out)
    assert document["coverage"] == {"reported": sum(r for r, _ in expected.values()),
                                    "expected": sum(e for _, e in expected.values()), "children": 2}
    assert list(document).index("coverage") == list(document).index("totals") + 1
    assert "coverage" not in _status(districts / "nhatrang")  # a district reads a sheet: not a roll-up
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(c.startswith("Số liệu của 2 đơn vị cấp dưới đã báo cáo tổng hợp từ " + together) for c in cells)
    text = all_text(docx.Document(str(out / _status(out)["artifacts"]["report_docx"])))
    assert "Số liệu của 2 đơn vị cấp dưới chưa đầy đủ, mới tổng hợp từ một phần các đơn vị trực thuộc:" in text
    for unit_id, name, _ in PARENT_UNITS[:2]:
        reported, total = expected[unit_id]
        assert f"{name} ({reported}/{total} đơn vị)" in text
    assert f"(số liệu chung của các đơn vị cấp dưới đã báo cáo mới tổng hợp từ {together})." in text


@pytest.mark.parametrize(("totals", "coverage"), [
    ({"units_reported": 24, "units_expected": 27}, (24, 27)),
    ({"units_reported": 27, "units_expected": 27}, (27, 27)),
    ({"units_reported": 24}, None), ({"units_reported": True, "units_expected": 27}, None),
    ({"units_reported": -1, "units_expected": 27}, None), ({"units_reported": 28, "units_expected": 27}, None),
    ({"units_reported": 0, "units_expected": 0}, None), ({"units_reported": "24", "units_expected": 27}, None)])
def test_rollup_coverage_is_read_only_from_sound_totals(totals: dict[str, Any],
                                                        coverage: tuple[int, int] | None) -> None:
    from aggregator.adapters.status_files import _coverage

    assert _coverage({"totals": totals}) == coverage


def test_rollup_a_pattern_that_would_take_any_status_file_leaves_the_childrens_digests_alone(
        runner: CliRunner, tmp_path: Path, districts: Path) -> None:
    """Each district keeps a digest of its status.json for its own next cycle; hidden, no pattern takes it."""
    assert (districts / "nhatrang" / ".status-digest.json").is_file()
    out = tmp_path / "out"
    parent = _parent(tmp_path, [str(districts / "*" / "*status*.json")])
    code, _, err = _invoke(runner, "run", "--config", str(parent), "--out", str(out), "--now", PARENT_NOW)
    assert code == 0, err
    assert _status(out)["totals"]["units_reported"] == 2 and _status(out)["totals"]["rows_unmatched"] == 0
