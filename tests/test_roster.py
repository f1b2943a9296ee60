from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign.roster import parse_roster, roster_from_rows
from aggregator.errors import RosterError
from aggregator.textnorm import traditional
from tests.conftest import REPO

HEADER = "unit_id,group,name,short_name,aliases,email,source\n"


def test_roster_bundled_nhatrang_has_152_units_in_five_groups() -> None:
    units = read_roster(REPO / "config" / "roster-nhatrang-2024.csv")
    assert len(units) == 152
    assert {u.group for u in units} == {"dang_doanthe", "chuyenmon", "sunghiep", "truonghoc", "xaphuong"}
    tan_lap = next(u for u in units if u.unit_id == "TR-MN-TANLAP1")
    assert tan_lap.aliases == ("Trường Mầm non Tân Lập", "Trường Mầm non 8-3")


def test_roster_names_are_nfc() -> None:
    text = HEADER + "A,g,Pha\u0300ng Y te\u0302\u0301,,,,\n"
    assert parse_roster(text, origin="x")[0].name == "Phàng Y tế"


def test_roster_duplicate_ids_are_reported_together_with_unknown_groups() -> None:
    text = HEADER + "A,g,One,,,,\nA,g,Two,,,,\nB,zzz,Three,,,,\nC,g,,,,,\n"
    with pytest.raises(RosterError) as info:
        parse_roster(text, origin="r.csv", groups=["g"])
    message = str(info.value)
    assert "unit_id repeated: A" in message
    assert "group 'zzz' on line 4 is not one of the campaign's group codes (g)" in message
    assert "line 5: empty name" in message


def test_roster_one_message_per_unknown_group_with_its_lines_and_the_valid_codes() -> None:
    rows = [f"X{n},xaphuong2,Phường {n},,,," for n in range(19)] + ["Y,g,Một,,,,", "Z,khac,Hai,,,,", "W,,Ba,,,,",
                                                                    "V,,Bốn,,,,"]
    with pytest.raises(RosterError) as info:
        parse_roster(HEADER + "\n".join(rows) + "\n", origin="r.csv", groups=["g", "h"])
    message = str(info.value)
    assert "has 3 problem(s)" in message
    assert message.count("xaphuong2") == 1
    assert "group 'xaphuong2' on lines 2, 3, 4, 5, 6, 7, 8, 9 … (19 lines) is not one of the campaign's group " \
           "codes (g, h)" in message
    assert "group 'khac' on line 22" in message and "lines 23, 24: empty group" in message


def test_roster_missing_columns() -> None:
    with pytest.raises(RosterError, match="lacks the column"):
        parse_roster("id,name\n1,x\n", origin="r.csv")


def test_roster_absent_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(HEADER.encode() + "A,g,Phòng\n".encode("latin-1"))
    with pytest.raises(RosterError, match="not UTF-8"):
        read_roster(bad)


def test_roster_locality_column_is_optional_and_read() -> None:
    text = (HEADER.rstrip("\n") + ",locality\n"
            'A,xa,Xã Long Đức,,,,,"huyện Long Phú, tỉnh Sóc Trăng"\nB,xa,Xã An Hiệp,,,,,\n')
    units = parse_roster(text, origin="x")
    assert [u.locality for u in units] == ["huyện Long Phú, tỉnh Sóc Trăng", ""]
    assert parse_roster(HEADER + "A,g,Phòng Y tế,,,,\n", origin="x")[0].locality == ""


def test_roster_saved_with_semicolons_by_a_vietnamese_excel_is_read() -> None:
    text = ("\ufeffunit_id;group;name;short_name;aliases;email;source;locality\n"
            "A;xa;Xã Long Đức;;\"Long Đức cũ;Long Đức A\";a@x.vn;;huyện Long Phú, tỉnh Sóc Trăng\n"
            "B;xa;Phường 1, thành phố Sóc Trăng;P1;;;;\n")
    units = parse_roster(text, origin="x")
    assert [(u.unit_id, u.name, u.email, u.locality) for u in units] == [
        ("A", "Xã Long Đức", "a@x.vn", "huyện Long Phú, tỉnh Sóc Trăng"),
        ("B", "Phường 1, thành phố Sóc Trăng", "", ""),
    ]
    assert units[0].aliases == ("Long Đức cũ", "Long Đức A")


def _workbook_roster(path: Path, csv_path: Path, *, cover: bool = True, header_row: bool = True) -> Path:
    """The CSV's rows saved as an Excel workbook, as offices keep their list of units (numbers typed as
    numbers, empty cells empty), after a cover tab with a title and no roster columns."""
    import csv

    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    if cover:
        first.title = "Hướng dẫn"
        first.append(["DANH SÁCH ĐƠN VỊ NHẬN VĂN BẢN"])
        sheet = book.create_sheet("Danh sách")
    else:
        sheet = first
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[0 if header_row else 1:]:
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in row])
    book.save(path)
    return path


def test_roster_kept_as_a_workbook_reads_as_its_csv(tmp_path: Path) -> None:
    csv_path = REPO / "config" / "roster-travinh-2024.csv"
    workbook = _workbook_roster(tmp_path / "danh-sach.xlsx", csv_path)
    assert read_roster(workbook) == read_roster(csv_path)
    renamed = tmp_path / "danh-sach.csv"  # a workbook saved under a .csv name
    renamed.write_bytes(workbook.read_bytes())
    assert read_roster(renamed) == read_roster(csv_path)


def test_a_roster_workbook_with_its_groups_merged_over_their_units_reads_as_its_csv(tmp_path: Path) -> None:
    """A group merged over its units is in the first cell only: each other unit's line had "empty group"."""
    import csv

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with (REPO / "config" / "roster-travinh-2024.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    firsts = list(dict.fromkeys(row[1] for row in rows))
    ordered = tmp_path / "ordered.csv"  # each group's units together, as an office's list has them
    with ordered.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *sorted(rows, key=lambda row: firsts.index(row[1]))])
    path = _workbook_roster(tmp_path / "danh-sach.xlsx", ordered)
    book = load_workbook(path)
    sheet = book["Danh sách"]  # after the cover tab
    blocks = []
    for key in ("group", "source"):  # and a text column merged all the way down
        letter, start = get_column_letter(header.index(key) + 1), 2
        for line in range(3, sheet.max_row + 2):
            if line > sheet.max_row or sheet[f"{letter}{line}"].value != sheet[f"{letter}{start}"].value:
                if line - start > 1:
                    blocks.append(f"{letter}{start}:{letter}{line - 1}")
                start = line
    for block in blocks:
        sheet.merge_cells(block)
    book.save(path)
    assert sum(block.startswith("B") for block in blocks) == len(firsts)  # every group: it has two units or more
    assert read_roster(path) == read_roster(ordered)


def test_roster_workbook_problems_say_what_to_do(tmp_path: Path) -> None:
    csv_path = REPO / "config" / "roster-nhatrang-2024.csv"
    headless = _workbook_roster(tmp_path / "no-header.xlsx", csv_path, header_row=False)
    with pytest.raises(RosterError) as info:
        read_roster(headless)
    assert "'Hướng dẫn', 'Danh sách'" in info.value.what and "unit_id, group, name" in info.value.what
    assert "first row" in info.value.hint
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tmp_path / "none.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_text("unit_id,group,name\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        read_roster(broken)
    assert info.value.what.startswith(f"The roster file {broken} is CSV or other text")
    assert "save it as .xlsx" in info.value.hint
    with_errors = _workbook_roster(tmp_path / "groups.xlsx", csv_path, cover=False)
    with pytest.raises(RosterError, match=r"tab 'Sheet'\)"):
        read_roster(with_errors, groups=["xaphuong"])  # a problem names the file and its tab


_PIECES = ["Hòa", "Hoà", "Ủy", "U\u0309y", "\u0301", "\u0323a", "Đ", "ư\u0309", " ", "  x", '"', ",", ";", "\u00a0",
           "A"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(_PIECES), max_size=4).map("".join), min_size=8, max_size=8),
                min_size=1, max_size=6))
def test_roster_text_read_at_once_gives_each_field_as_read_alone(fields: list[list[str]]) -> None:
    """The roster's text is made NFC as a whole: each field must come out as its own NFC, stripped, even
    beside combining marks, quotes and delimiters (the csv module writes the quoting)."""
    import csv
    import io
    import unicodedata

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["unit_id", "group", "name", "short_name", "aliases", "email", "source", "locality"])
    rows = [[f"U{i}", "g", f"N{i}{row[2]}", *row[3:]] for i, row in enumerate(fields)]
    writer.writerows(rows)
    units = parse_roster(out.getvalue(), origin="t")
    field = lambda text: unicodedata.normalize("NFC", text).strip()  # noqa: E731
    assert [(u.name, u.short_name, u.email, u.source, u.locality) for u in units] == [
        (traditional(field(row[2])), field(row[3]), field(row[5]), field(row[6]), field(row[7])) for row in rows]
    assert [u.aliases for u in units] == [tuple(a.strip() for a in field(row[4]).split(";") if a.strip())
                                          for row in rows]


def test_a_roster_kept_as_a_tab_says_to_fix_the_tab_not_a_csv() -> None:
    rows = [["unit_id", "group", "name"], ["A", "g", "Phòng Y tế"], ["B", "", "Phòng Tư pháp"]]
    with pytest.raises(RosterError) as info:
        roster_from_rows(rows, origin="tab 'Danh sách'", groups=["g"])
    assert "line 3: empty group" in info.value.what
    assert "roster's tab" in info.value.hint and "CSV" not in info.value.hint
    with pytest.raises(RosterError) as csv_info:  # a CSV keeps the CSV's hint
        parse_roster("unit_id,group,name\nA,g,Phòng Y tế\nB,,Phòng Tư pháp\n", origin="r.csv", groups=["g"])
    assert "roster CSV" in csv_info.value.hint
