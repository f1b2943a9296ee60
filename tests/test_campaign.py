from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.adapters import campaign_file as campaign
from aggregator.errors import ConfigError
from aggregator.models import ColumnType, SourceKind

BUNDLED = campaign.BUNDLED_CONFIG_DIR


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["nhatrang-2024.yaml", "travinh-2024.yaml"])
def test_campaign_bundled_files_load(name: str) -> None:
    c = campaign.load(BUNDLED / name)
    assert c.source.kind is SourceKind.XLSX
    assert c.resolve(c.roster).is_file()
    assert c.deadline.utcoffset() is not None
    assert c.column("unit_name") is not None and c.column("unit_name").required
    assert all(col.label for col in c.metric_columns), "every count column needs a report label"


def test_campaign_default_is_nhatrang() -> None:
    c = campaign.load()
    assert c.id == "nhatrang-2024"
    assert c.deadline.isoformat() == "2024-11-10T23:59:59+07:00"
    assert c.report.recipients == ("Sở Thông tin và Truyền thông tỉnh Khánh Hòa",)
    assert c.metric_columns[0].type is ColumnType.COUNT


def test_campaign_reports_every_problem_with_key_paths(tmp_path: Path) -> None:
    text = _text(BUNDLED / "nhatrang-2024.yaml")
    text = text.replace("timezone: Asia/Ho_Chi_Minh", "timezone: Asia/Saigonn")
    text = text.replace("sync_minutes: 10", "sync_minutes: 0")
    text = text.replace('drafts: ["07:30", "16:30"]', 'drafts: ["7h30"]')
    text = text.replace("resubmission: {policy: latest}", "resubmision: {policy: latest}")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    message = str(info.value)
    assert len(info.value.problems) == 4, info.value.problems
    assert "timezone" in message and "Asia/Saigonn" in message
    assert "schedule.sync_minutes" in message
    assert "schedule.drafts" in message and "7h30" in message
    assert "resubmision: unknown key" in message


def test_campaign_missing_unit_name_column(tmp_path: Path) -> None:
    text = _text(BUNDLED / "nhatrang-2024.yaml").replace("    role: unit_name\n", "")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    assert "role: unit_name" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("id: [unclosed", "not valid YAML at line 1"), ("- just\n- a list\n", "must be a mapping")],
    ids=["broken-yaml", "not-a-mapping"],
)
def test_campaign_unreadable_yaml_gives_one_clear_message(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        campaign.load(path)


def test_campaign_absent_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        campaign.load(tmp_path / "nope.yaml")


def test_campaign_google_source_needs_spreadsheet(tmp_path: Path) -> None:
    text = _text(BUNDLED / "nhatrang-2024.yaml").replace("kind: xlsx\n  path: samples/nhatrang-2024.xlsx",
                                                         "kind: google_sheets")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="needs `spreadsheet`"):
        campaign.load(path)


@pytest.mark.parametrize(
    ("origin", "start"),
    [("--now", "The option --now is wrong: x."), ("AGGREGATOR_SHEETS_ENDPOINT", "The environment variable"),
     ("source.spreadsheet", "The campaign setting `source.spreadsheet` is wrong"),
     ("config/c.yaml", "The campaign file config/c.yaml has 1 problem(s): x.")],
    ids=["option", "environment", "setting", "file"],
)
def test_config_error_names_where_the_problem_is(origin: str, start: str) -> None:
    assert ConfigError(origin, ["x"]).message.startswith(start)


def _write(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = _text(BUNDLED / "nhatrang-2024.yaml")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace("path: samples/", f"path: {BUNDLED / 'samples'}/").replace(
        "roster: roster-", f"roster: {BUNDLED}/roster-")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_campaign_todo_values_are_refused_but_todo_comments_are_not(tmp_path: Path) -> None:
    path = _write(tmp_path, ('place: "Nha Trang"', 'place: "TODO: địa danh"  # TODO, e.g. "Nha Trang"'),
                  ('- "Như trên;"', '- "TODO"'), ("    label: \"lượt người dân", "    label: \"TODO lượt người dân"))
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    assert info.value.exit_code == 2
    assert info.value.problems == (  # in file order
        'column 6 ("Số người dân được tuyên truyền").label: still the placeholder '
        "'TODO lượt người dân được tuyên truyền'; replace it with the real text",
        "report.place: still the placeholder 'TODO: địa danh'; replace it with the real text",
        "report.cc item 1: still the placeholder 'TODO'; replace it with the real text",
    )
    draft = campaign.parse(_text(path), origin="init", base_dir=tmp_path, placeholders=True)
    assert (draft.report.place, draft.report.cc[0]) == ("địa danh", "")  # each placeholder read as its example
    commented = _write(tmp_path, ('place: "Nha Trang"', 'place: "Nha Trang"  # TODO: check'))
    assert campaign.load(commented).report.place == "Nha Trang"


def test_campaign_todo_and_other_problems_come_in_one_message(tmp_path: Path) -> None:
    path = _write(tmp_path, ('place: "Nha Trang"', 'place: "TODO"'), ("sync_minutes: 10", "sync_minutes: 0"))
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    assert [p.split(":")[0] for p in info.value.problems] == ["report.place", "schedule.sync_minutes"]


@pytest.mark.parametrize("value", ["12345", "'12345'", "1731258000.5", "20241110"])
def test_campaign_a_number_is_never_a_deadline(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, ("deadline: 2024-11-10T23:59:59+07:00", f"deadline: {value}"))
    with pytest.raises(ConfigError, match="is a number, not a date") as info:
        campaign.load(path)
    assert info.value.exit_code == 2 and "1970" not in str(info.value)


def test_campaign_a_number_is_never_a_reference_date(tmp_path: Path) -> None:
    path = _write(tmp_path, ("date: 2024-10-13", "date: 20027"))
    with pytest.raises(ConfigError, match=r"report\.references item 1\.date: 20027 is a number"):
        campaign.load(path)


def test_campaign_column_problems_count_from_one_and_name_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, ("    header: \"Số người dân được tuyên truyền\"\n    type: count",
                             "    header: \"Số người dân được tuyên truyền\"\n    type: number"))
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    (problem,) = info.value.problems
    assert problem.startswith('column 6 ("Số người dân được tuyên truyền").type: Input should be')
    assert "(it is 'number')" in problem and "columns[5]" not in problem


def test_campaign_area_is_optional_and_set_in_the_bundled_files(tmp_path: Path) -> None:
    assert campaign.load(BUNDLED / "nhatrang-2024.yaml").area == "thành phố Nha Trang, tỉnh Khánh Hòa"
    assert campaign.load(BUNDLED / "travinh-2024.yaml").area == "tỉnh Trà Vinh"
    text = "\n".join(line for line in _text(BUNDLED / "travinh-2024.yaml").splitlines() if not line.startswith("area:"))
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "roster-travinh-2024.csv").write_text("unit_id,group,name\nA,huyen,UBND huyện Cầu Kè\n")
    assert campaign.load(tmp_path / "c.yaml").area == ""


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2024-11-10", "Asia/Ho_Chi_Minh", "2024-11-10T23:59:59+07:00"),  # a day: the whole day
        ("'10/11/2024'", "Asia/Ho_Chi_Minh", "2024-11-10T23:59:59+07:00"),  # day first, as Vietnamese write it
        ("'10/11/2024 17:00'", "Asia/Ho_Chi_Minh", "2024-11-10T17:00:00+07:00"),
        ("'17h00 ngày 10/11/2024'", "Asia/Ho_Chi_Minh", "2024-11-10T17:00:00+07:00"),  # as the letter says it
        ("'trước 17 giờ 30 ngày 10/11/2024'", "Asia/Ho_Chi_Minh", "2024-11-10T17:30:00+07:00"),
        ("'10/11/2024 lúc 17h'", "Asia/Ho_Chi_Minh", "2024-11-10T17:00:00+07:00"),
        ("'5 giờ chiều ngày 10/11/2024'", "Asia/Ho_Chi_Minh", "2024-11-10T17:00:00+07:00"),
        ("'10/11/2024 23:59:59'", "Asia/Ho_Chi_Minh", "2024-11-10T23:59:59+07:00"),
        ("2024-11-10T17:00:00", "Asia/Bangkok", "2024-11-10T17:00:00+07:00"),  # no offset: the campaign's zone
        ("2024-11-10T17:00:00", "Europe/Berlin", "2024-11-10T17:00:00+01:00"),
        ("2024-11-10T23:59:59+07:00", "Europe/Berlin", "2024-11-10T23:59:59+07:00"),  # an offset is kept
    ],
)
def test_campaign_a_deadline_may_be_a_day_or_a_time_of_the_campaigns_zone(
        tmp_path: Path, value: str, zone: str, expected: str) -> None:
    path = _write(tmp_path, ("deadline: 2024-11-10T23:59:59+07:00", f"deadline: {value}"),
                  ("timezone: Asia/Ho_Chi_Minh", f"timezone: {zone}"))
    assert campaign.load(path).deadline.isoformat() == expected


@pytest.mark.parametrize("value", ["'ngày mai'", "'31/02/2025'", "'2024-13-01'", "'10/11/2024 hoặc 12/11/2024'",
                                   "'25h ngày 10/11/2024'", "'10/11/2024 trở đi'"])
def test_campaign_a_deadline_that_is_no_date_names_the_key_and_the_forms(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, ("deadline: 2024-11-10T23:59:59+07:00", f"deadline: {value}"))
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    (problem,) = info.value.problems
    assert problem.startswith("deadline: ") and "is not a date: write 2024-11-10 (the whole day)" in problem


def test_campaign_a_lower_case_todo_is_a_placeholder_too(tmp_path: Path) -> None:
    path = _write(tmp_path, ('place: "Nha Trang"', 'place: "todo: Nha Trang"'))
    with pytest.raises(ConfigError) as info:
        campaign.load(path)
    assert info.value.problems == ("report.place: still the placeholder 'todo: Nha Trang'; replace it with the "
                                   "real text",)
