"""Work done beside the cycle by a forked copy of the process (aggregator/app/beside.py).

Each check runs in a fresh interpreter: a copy is made only by a process with one thread, and the test
runner may have others (servers of other tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="a copy of the process is made on Linux only"),
              pytest.mark.skipif(len(getattr(os, "sched_getaffinity", lambda _: ())(0)) < 2,
                                 reason="a copy of the process is made with two cores or more")]


def _run(body: str) -> dict[str, object]:
    script = textwrap.dedent("""
        import json, os, sys, threading
        from aggregator.app.beside import Beside, can_fork
        from aggregator.errors import OutputError
        out = {}
    """) + textwrap.dedent(body) + "\nprint(json.dumps(out))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_work_is_done_by_a_copy_and_its_result_comes_back() -> None:
    out = _run("""
        parent = os.getpid()
        out["single"] = can_fork()
        work = Beside(lambda: {"pid": os.getpid(), "rows": list(range(100_000))}, may_fork=True)
        got = work.result()
        out["other_process"] = got["pid"] != parent
        out["rows"] = len(got["rows"])
        out["again"] = work.result() is got  # asked twice: one result
    """)
    assert out == {"single": True, "other_process": True, "rows": 100_000, "again": True}


def test_an_aggregator_error_in_the_copy_is_raised_with_its_hint() -> None:
    out = _run("""
        def fails():
            raise OutputError("Cannot update the history file h.sqlite (disk I/O error).", "Free some space.")
        work = Beside(fails, may_fork=True)
        try:
            work.result()
        except OutputError as exc:
            out["what"], out["hint"] = exc.what, exc.hint
    """)
    assert out == {"what": "Cannot update the history file h.sqlite (disk I/O error).", "hint": "Free some space."}


def test_a_copy_that_dies_leaves_the_work_to_the_parent() -> None:
    out = _run("""
        parent = os.getpid()
        def work():
            if os.getpid() != parent:
                os._exit(9)  # killed before it could answer
            return "done here"
        out["result"] = Beside(work, may_fork=True).result()
    """)
    assert out == {"result": "done here"}


def test_a_caller_that_fails_lets_the_copy_finish_its_files_and_reaps_it() -> None:
    out = _run("""
        import pathlib, tempfile, time
        done = pathlib.Path(tempfile.mkdtemp()) / "done"

        def work():
            time.sleep(0.3)
            done.write_text("written")
            return 1
        try:
            with Beside(work, may_fork=True) as beside:
                pid = beside._copy[0]
                raise ValueError("the cycle failed while the copy worked")
        except ValueError:
            out["file"] = done.read_text() if done.exists() else None
        try:
            os.waitpid(pid, os.WNOHANG)
            out["reaped"] = False
        except ChildProcessError:
            out["reaped"] = True
    """)
    assert out == {"file": "written", "reaped": True}


def test_no_copy_for_memory_work_or_beside_other_threads() -> None:
    out = _run("""
        parent = os.getpid()
        out["memory"] = Beside(os.getpid, may_fork=False).result() == parent
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        out["can_fork_with_a_thread"] = can_fork()
        out["threads"] = Beside(os.getpid, may_fork=True).result() == parent
        stop.set()
        thread.join()
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core: a copy would only add its cost
        out["one_core"] = Beside(os.getpid, may_fork=True).result() == parent
    """)
    assert out == {"memory": True, "can_fork_with_a_thread": False, "threads": True, "one_core": True}


def test_a_cycle_remembers_the_same_beside_it_as_in_line(tmp_path: object) -> None:
    """Two cycles of the demo sheet (the second with its rows reversed) with the history written by a copy, and
    again in line (a thread running): the same status, the same history file content."""
    out = _run(f"""
        import datetime as dt, sqlite3
        from pathlib import Path
        from aggregator.adapters import campaign_file
        from aggregator.adapters.history import History
        from aggregator.adapters.roster_file import read_roster
        from aggregator.adapters.xlsx import XlsxSource
        from aggregator.app.pipeline import compute
        from aggregator.models import RawTab
        from aggregator.outputs.status import status_document

        campaign = campaign_file.load()
        roster = read_roster(campaign.roster_path)
        snapshot = XlsxSource(campaign.resolve(campaign.source.path), campaign.source.tab).read()
        head, rows = snapshot.tab.rows[:campaign.source.header_row], snapshot.tab.rows[campaign.source.header_row:]
        flipped = snapshot.__class__(**{{**snapshot.__dict__, "tab": RawTab(snapshot.tab.title,
                                                                             (*head, *reversed(rows)))}})

        class Traced(History):  # which process remembered
            def remember(self, *args):
                with open(self.path.parent / "pids", "a") as pids:
                    pids.write(str(os.getpid()) + chr(10))
                return super().remember(*args)

        def cycles(folder):
            Path(folder).mkdir()
            history = Traced(Path(folder) / "history.sqlite")
            found = []
            for day, shot in ((8, snapshot), (9, flipped)):
                now = dt.datetime(2024, 11, day, 8, 0, tzinfo=campaign.tz)
                found.append(json.dumps(status_document(compute(campaign, roster, shot, now, history), {{}}),
                                        sort_keys=True, default=str))
            with sqlite3.connect(Path(folder) / "history.sqlite") as conn:
                found.append(conn.execute("SELECT tab, fingerprint, at, seq FROM first_seen ORDER BY seq").fetchall())
                found.append(conn.execute("SELECT * FROM row_versions ORDER BY rowid").fetchall())
            return found

        out["forks"] = can_fork()
        beside = cycles({str(tmp_path)!r} + "/beside")
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        in_line = cycles({str(tmp_path)!r} + "/in-line")
        stop.set()
        thread.join()
        out["same"] = beside == in_line
        top = Path({str(tmp_path)!r})
        pids = {{name: set((top / name / "pids").read_text().split()) for name in ("beside", "in-line")}}
        out["by_copies"] = str(os.getpid()) not in pids["beside"] and len(pids["beside"]) == 2
        out["in_line"] = pids["in-line"] == {{str(os.getpid())}}
        out["rows_remembered"] = len(beside[2])
    """)
    assert out["forks"] is True and out["same"] is True
    assert out["by_copies"] is True and out["in_line"] is True
    assert isinstance(out["rows_remembered"], int) and out["rows_remembered"] > 100


def test_shared_pieces_come_back_in_order_the_movable_ones_partly_from_a_copy() -> None:
    out = _run("""
        from aggregator.app.beside import share
        from aggregator.work import Task, in_line
        parent = os.getpid()
        tasks = [Task(lambda i=i: (i, os.getpid()), 300_000.0 if i % 2 else 200_000.0, movable=i % 2 == 0)
                 for i in range(6)]
        got = share(tasks)
        out["order"] = [i for i, _ in got]
        out["by_copy"] = sorted(i for i, pid in got if pid != parent)
        out["small"] = {pid for _, pid in share(tasks[:1])} == {parent}  # too little work to be worth a copy
        out["same_as_in_line"] = [i for i, _ in in_line(tasks)] == out["order"]

        def fails():
            raise OutputError("Cannot read the sheet (it changed).", "Run again.")
        try:
            share([Task(fails, 500_000.0, movable=True), Task(lambda: 1, 500_000.0, movable=False)])
        except OutputError as exc:
            out["raised"] = exc.hint
    """)
    # a little less than half of the 1,500,000 (675,000) the copy may take: the movable tasks 0, 2, 4 (600,000)
    assert out == {"order": [0, 1, 2, 3, 4, 5], "by_copy": [0, 2, 4], "small": True, "same_as_in_line": True,
                   "raised": "Run again."}


def test_the_copy_takes_the_largest_movable_pieces_up_to_half_the_cost() -> None:
    from aggregator.app.beside import _for_the_copy
    from aggregator.work import Task

    def tasks(*costs: tuple[float, bool]) -> list[Task[None]]:
        return [Task(lambda: None, cost, movable) for cost, movable in costs]

    # total 42: up to 21 for the copy; the fingerprints (13), then counts (3) while they fit, never a text
    found = _for_the_copy(tasks((1, False), (3, True), (3, True), (3, True), (3, True), (2, True), (13, True),
                                (14, False)), 21)
    assert found == [1, 2, 5, 6]  # 13 + 3 + 3 + 2 = 21; a third count (22 before the date) would pass half
    assert _for_the_copy(tasks((5, False), (5, False)), 5) == []
    assert _for_the_copy(tasks((30, True), (4, True)), 17) == [1]  # a piece larger than half stays here


def test_a_large_frame_read_on_two_cores_is_the_frame_read_in_line() -> None:
    """30,000 rows of the demo campaign, with every kind of finding, read in line and with a copy of the process
    reading part of the columns and the fingerprints: the same frame."""
    out = _run("""
        import random
        import pandas as pd
        from aggregator.adapters import campaign_file
        from aggregator.app import beside
        from aggregator.cells.frame import Zones, build_frame
        from aggregator.models import RawTab
        from aggregator.sheet.headers import map_headers

        campaign = campaign_file.load()
        header = tuple(c.header for c in campaign.columns)
        rng = random.Random(8)
        forms = [lambda n: n, lambda n: f"{n:,}".replace(",", "."), lambda n: f"khoảng {n}", lambda n: "",
                 lambda n: "1,5", lambda n: "abc", lambda n: True]
        dates = ["08/11/2024", "11/08/2024", 45604.5, "32/11/2024", "", None]
        rows = [tuple(rng.choice(forms)(rng.randrange(3000)) if c.type.value == "count" else
                      rng.choice(dates) if c.type.value == "date" else f"Đơn vị {rng.randrange(500)}"
                      for c in campaign.columns) for _ in range(30_000)]
        tab = RawTab("Báo cáo", (header, *rows))
        header_map = map_headers(tab.title, header, campaign.columns)
        zones = Zones(campaign.tz, None, (campaign.start_date, campaign.deadline.date()), False)
        forks = []
        fork = beside._fork
        beside._fork = lambda work: forks.append(1) or fork(work)
        two = build_frame(tab, 1, header_map, campaign.columns, zones, share=beside.share).table
        one = build_frame(tab, 1, header_map, campaign.columns, zones).table
        pd.testing.assert_frame_equal(one, two)
        out["copies"] = len(forks)
        out["findings"] = sum(map(len, one["_problems"])) > 1000 and sum(map(len, one["_notes"])) > 1000
    """)
    assert out == {"copies": 1, "findings": True}


def test_another_offices_large_sheet_reads_the_same_on_two_cores() -> None:
    """Another office's layout read in line and on two cores: money, a percent column with %-formatted cells and a
    roll-up's weights, decimals, a sheet set to Los Angeles time and a month-first locale, and the communes of a
    province the bundled campaigns do not cover (the shared official list, when it is beside the repository)."""
    out = _run("""
        import random
        import pandas as pd
        from zoneinfo import ZoneInfo
        from aggregator.app import beside
        from aggregator.campaign import ColumnSettings
        from aggregator.cells.frame import Zones, build_frame
        from aggregator.models import RawTab
        from aggregator.sheet.headers import map_headers
        from tests.redteam.admin import ADMIN_LIST, load_provinces, units_of

        provinces = load_provinces() if ADMIN_LIST.exists() else {}
        province = next((p for p in provinces.values() if "Khánh Hòa" not in p.official and
                         "Trà Vinh" not in p.official), None)
        names = [u.official for u in units_of(province)] if province else [f"Xã Số {i}" for i in range(300)]
        columns = (ColumnSettings(key="unit", header="Tên đơn vị", role="unit_name", required=True),
                   ColumnSettings(key="sent", header="Dấu thời gian", type="date", role="submitted_at"),
                   ColumnSettings(key="budget", header="Kinh phí (đồng)", type="money"),
                   ColumnSettings(key="share", header="Tỷ lệ hoàn thành", type="percent"),
                   ColumnSettings(key="hours", header="Số giờ", type="decimal"),
                   ColumnSettings(key="people", header="Số lượt người", type="count"),
                   ColumnSettings(key="contact", header="Người liên hệ", role="contact"))
        header = tuple(c.header for c in columns)
        rng = random.Random(61)
        money = [lambda: "2,5 triệu", lambda: 1500000, lambda: "1.200.000 đ", lambda: "", lambda: "khoảng 3 tỷ"]
        share = [lambda: 0.85, lambda: "85%", lambda: "85,5", lambda: 120, lambda: ""]
        hours = [lambda: "2,5", lambda: 3.25, lambda: "1.234,5", lambda: "abc", lambda: None]
        sent = [lambda: 45604.875, lambda: "11/08/2024 20:00:00", lambda: "08/11/2024", lambda: ""]
        rows = [(rng.choice(names), rng.choice(sent)(), rng.choice(money)(), rng.choice(share)(), rng.choice(hours)(),
                 rng.randrange(500), "Trần Thị B") for _ in range(30_000)]
        formatted = frozenset((r, 3) for r in range(1, 30_001) if rows[r - 1][3] == 0.85 and r % 2)
        weights = {3: (1, *(rng.randrange(1, 4) for _ in range(30_000)))}
        tab = RawTab("Form Responses 1", (header, *rows), percent_cells=formatted, weights=weights)
        header_map = map_headers(tab.title, header, columns)
        tz = ZoneInfo("Asia/Ho_Chi_Minh")
        zones = Zones(tz, ZoneInfo("America/Los_Angeles"), (dt.date(2024, 9, 1), dt.date(2024, 11, 20)), True)
        forks = []
        fork = beside._fork
        beside._fork = lambda work: forks.append(1) or fork(work)
        two = build_frame(tab, 1, header_map, columns, zones, share=beside.share).table
        one = build_frame(tab, 1, header_map, columns, zones).table
        pd.testing.assert_frame_equal(one, two)
        out["copies"] = len(forks)
        out["read"] = all(one[k].notna().sum() > 1000 for k in ("sent", "budget", "share", "hours", "people"))
        out["problems"] = sum(map(len, one["_problems"])) > 1000
    """.replace("import random", "import datetime as dt, random"))
    assert out == {"copies": 1, "read": True, "problems": True}
