"""The sheet's own time zone and locale (CONTRACT §3; issue 8 item 5), and dates that look swapped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.app.pipeline import compute
from aggregator.models import RawTab, Snapshot, SourceKind, UnitStatus
from aggregator.outputs.dashboard import layout

CAMPAIGN = campaign_file.load()  # deadline 10/11/2024 23:59:59 +07:00
ROSTER = read_roster(CAMPAIGN.resolve(CAMPAIGN.roster))
HEADER = tuple(c.header for c in CAMPAIGN.columns)
NOW = dt.datetime(2024, 11, 12, 8, 0, tzinfo=CAMPAIGN.tz)
YTE, TUPHAP = "Phòng Y tế thành phố Nha Trang", "Phòng Tư pháp thành phố Nha Trang"


def serial(moment: dt.datetime) -> float:
    """What UNFORMATTED_VALUE + SERIAL_NUMBER returns for a wall-clock date-time typed in the sheet."""
    return (moment - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)


def _row(name: str, date: Any) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER, None)
    values.update({"Tên cơ quan, đơn vị": name, "Số người dân được tuyên truyền": 10, "Ngày báo cáo": date})
    return tuple(values.values())


def _result(*rows: tuple[Any, ...], timezone: str | None = None, locale: str | None = None, now: dt.datetime = NOW,
            campaign: Any = CAMPAIGN) -> Any:
    snapshot = Snapshot(SourceKind.GOOGLE_SHEETS, "sid", RawTab("Báo cáo", (HEADER, *rows)), ("Báo cáo",),
                        timezone=timezone, locale=locale)
    return compute(campaign, ROSTER, snapshot, now, None)


def _unit(result: Any, name: str) -> Any:
    return next(u for u in result.units if u.name == name)


def test_a_date_time_typed_in_a_los_angeles_sheet_is_read_in_its_zone_and_judged_in_the_campaigns() -> None:
    # 10/11 20:00 in Los Angeles is 11/11 11:00 in Vietnam: after the deadline.
    result = _result(_row(YTE, serial(dt.datetime(2024, 11, 10, 20, 0))), timezone="America/Los_Angeles")
    yte = _unit(result, YTE)
    assert yte.status is UnitStatus.LATE
    assert yte.submitted_at == dt.datetime(2024, 11, 11, 11, 0, tzinfo=CAMPAIGN.tz)


def test_the_same_date_time_in_a_vietnamese_sheet_is_on_time() -> None:
    result = _result(_row(YTE, serial(dt.datetime(2024, 11, 10, 20, 0))), timezone="Asia/Ho_Chi_Minh")
    assert _unit(result, YTE).status is UnitStatus.REPORTED


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati", "Europe/London"])
def test_date_only_values_are_calendar_dates_and_never_shift(zone: str) -> None:
    result = _result(_row(YTE, serial(dt.datetime(2024, 11, 10))), _row(TUPHAP, "10/11/2024"), timezone=zone)
    for name in (YTE, TUPHAP):
        unit = _unit(result, name)
        assert unit.status is UnitStatus.REPORTED  # the deadline day itself counts as on time
        assert unit.submitted_at.date() == dt.date(2024, 11, 10)


def test_typed_date_time_text_is_also_read_in_the_sheets_zone() -> None:
    result = _result(_row(YTE, "10/11/2024 20:00"), timezone="America/Los_Angeles")
    assert _unit(result, YTE).status is UnitStatus.LATE


def test_a_month_first_date_is_a_problem_not_a_silent_value() -> None:
    # An en_US sheet turned a typed 08/11/2024 into 11 August: outside the campaign window, inside once swapped.
    result = _result(_row(YTE, serial(dt.datetime(2024, 8, 11))), locale="en_US")
    yte = _unit(result, YTE)
    assert yte.submitted_at is None
    (problem,) = yte.problems
    assert "08/11/2024" in problem.message and "đổi chỗ ngày và tháng" in problem.message


@pytest.mark.parametrize(("locale", "shown"), [("en_US", "08/11/2024"), ("vi_VN", "11/08/2024"), (None, "11/08/2024")])
def test_a_swapped_looking_date_the_sheet_stored_is_quoted_as_it_shows(locale: str | None, shown: str) -> None:
    # Google sends 11 August 2024 as the serial 45515: the clerk saw (and typed) the date, never that number
    result = _result(_row(YTE, serial(dt.datetime(2024, 8, 11))), locale=locale)
    (problem,) = _unit(result, YTE).problems
    assert problem.value == shown and f"Ngày “{shown}” nằm ngoài" in problem.message
    assert "45515" not in problem.message


def test_dates_inside_the_window_or_not_swappable_stay_as_they_are() -> None:
    result = _result(_row(YTE, serial(dt.datetime(2024, 11, 8))), _row(TUPHAP, serial(dt.datetime(2024, 3, 25))))
    assert _unit(result, YTE).problems == () and _unit(result, YTE).submitted_at is not None
    assert _unit(result, TUPHAP).problems == ()  # day 25 cannot be a month: an odd date, not a swapped one


@pytest.mark.parametrize("typed", ["11-Aug-2024", "Aug 11, 2024", "ngày 11 tháng 8 năm 2024", "11 tháng 08/2024"])
def test_a_date_whose_text_names_its_month_is_never_taken_for_a_swapped_one(typed: str) -> None:
    # 11 August lies outside the window and 8 November inside, but the clerk named the month: no swap is possible
    result = _result(_row(YTE, typed), _row(TUPHAP, "11/08/2024"), locale="en_US")
    assert _unit(result, YTE).submitted_at.date() == dt.date(2024, 8, 11)
    assert not any("đổi chỗ" in p.message for p in _unit(result, YTE).problems)
    (problem,) = _unit(result, TUPHAP).problems  # the same date typed with numbers may be swapped
    assert "đổi chỗ ngày và tháng" in problem.message


def test_the_campaign_start_setting_moves_the_window() -> None:
    early = CAMPAIGN.model_copy(update={"start": dt.date(2024, 8, 1)})
    result = _result(_row(YTE, serial(dt.datetime(2024, 8, 11))), campaign=early)
    assert _unit(result, YTE).problems == ()  # 11 August is inside a window that opened on 1 August
    assert CAMPAIGN.start_date == dt.date(2024, 9, 11)  # by default 60 days before the deadline


def test_dashboard_says_the_sheet_reads_dates_month_first_and_how_to_change_it() -> None:
    result = _result(_row(YTE, "08/11/2024"), locale="en_US")
    texts = [cell for row in layout(result, "Tổng hợp tiến độ", CAMPAIGN.group_labels).grid for cell in row]
    warning = next(t for t in texts if isinstance(t, str) and "en_US" in t)
    assert "Tệp → Cài đặt → Khu vực: Việt Nam" in warning


def test_a_vietnamese_locale_gets_no_warning() -> None:
    result = _result(_row(YTE, "08/11/2024"), locale="vi_VN")
    texts = [cell for row in layout(result, "Tổng hợp tiến độ", CAMPAIGN.group_labels).grid for cell in row]
    assert not any(isinstance(t, str) and "Khu vực" in t for t in texts)


def test_through_the_google_api_a_los_angeles_sheet_makes_an_evening_row_late(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from aggregator.app.wiring import run_cycle
    from tests.fake_sheets import FakeSheets, service_account_key

    sid = "1LosAngelesZoneSheetOnTheFakeGoogleApi00"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "key.json")))
    fake = FakeSheets()
    rows = [list(HEADER), list(_row(YTE, dt.datetime(2024, 11, 10, 20, 0))), list(_row(TUPHAP, dt.date(2024, 11, 10)))]
    fake.add_spreadsheet(sid, {"Báo cáo": rows}, timezone="America/Los_Angeles", locale="en_US")
    with fake.activate():
        report = run_cycle(CAMPAIGN, out_dir=tmp_path / "out", source_override=sid, now=NOW, render_report=False)
    status = json.loads(report.status_path.read_text(encoding="utf-8"))
    units = {u["name"]: u for u in status["units"]}
    assert units[YTE]["status"] == "late" and units[YTE]["submitted_at"] == "2024-11-11T11:00:00+07:00"
    assert units[TUPHAP]["status"] == "reported"  # a date alone is a calendar date: never shifted
