"""Issue 7, "done when": a never-seen campaign from `init` with nothing but the basic options, through `check`
(refusing the TODOs, then passing once they are plain text) to `run` with exact figures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner

from aggregator.app.cli import cli
from tests.report_builders import all_text
from tests.test_new_campaign import ROSTER, write_sheet

TITLE = "Tháng hành động vì trẻ em năm 2025"
FILLED = {  # what the office types in place of each placeholder
    "CƠ QUAN CẤP TRÊN": "UBND HUYỆN BẮC MÊ", "CƠ QUAN BÁO CÁO": "PHÒNG VĂN HÓA VÀ THÔNG TIN",
    "tên cơ quan báo cáo": "Phòng Văn hóa và Thông tin huyện Bắc Mê", "VIẾT TẮT": "VHTT", "địa danh": "Bắc Mê",
    "nơi nhận báo cáo": "Sở Lao động - Thương binh và Xã hội tỉnh Hà Giang", "CHỨC VỤ": "TRƯỞNG PHÒNG",
    "họ và tên": "Hoàng Văn C", "xa": "UBND các xã", "truong": "Các trường học",
}


def _fill_in(path: Path) -> None:
    def plain(match: re.Match[str]) -> str:
        return f'"{FILLED[match.group(1)]}"'

    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        value, hash_, comment = ("", "", line) if line.lstrip().startswith("#") else line.partition("  # ")
        lines.append(re.sub(r'"TODO: ([^"]*)"', plain, value) + hash_ + comment)  # comments stay as they are
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def init_to_run(runner: CliRunner, folder: Path, sheet: Path, campaign_id: str, title: str) -> dict[str, Any]:
    """`init` on ``sheet`` with the ROSTER, `check` refusing the TODOs, the TODOs filled in, `check`, `run`."""
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    campaign = folder / "campaign.yaml"
    init = runner.invoke(cli, ["init", "--source", str(sheet), "--roster", str(folder / "roster.csv"),
                               "--id", campaign_id, "--title", title, "--deadline", "2025-06-10T17:00:00+07:00",
                               "--output", str(campaign)])
    proposed = campaign.read_text(encoding="utf-8") if campaign.exists() else ""
    refused = runner.invoke(cli, ["check", "--config", str(campaign)])
    _fill_in(campaign)
    checked = runner.invoke(cli, ["check", "--config", str(campaign)])
    out = folder / "out"
    ran = runner.invoke(cli, ["run", "--config", str(campaign), "--out", str(out),
                              "--now", "2025-06-15T08:00:00+07:00"])
    status = json.loads((out / "status.json").read_text(encoding="utf-8")) if ran.exit_code == 0 else {}
    return {"init": init, "proposed": proposed, "refused": refused, "checked": checked, "run": ran, "status": status,
            "out": out, "campaign": campaign}


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("init-e2e")
    return init_to_run(runner, folder, write_sheet(folder), "thang-tre-em-2025", TITLE)


def test_init_e2e_proposes_every_role_and_type_from_the_sheet_alone(path: dict[str, Any]) -> None:
    assert path["init"].exit_code == 0, path["init"].output + path["init"].stderr
    data = yaml.safe_load(path["proposed"])
    assert data["source"]["header_row"] == 3
    columns = {c["header"]: (c["type"], c.get("role")) for c in data["columns"]}
    assert columns == {
        "STT": ("ignored", None), "Đơn vị báo cáo": ("text", "unit_name"), "Thời điểm gửi": ("date", "submitted_at"),
        "Số trẻ em được hỗ trợ": ("count", None), "Kinh phí thực hiện (đồng)": ("money", None),
        "Tỷ lệ hộ gia đình được thăm hỏi (%)": ("percent", None), "Số giờ sinh hoạt hè bình quân": ("decimal", None),
        "Khó khăn, vướng mắc": ("text", "difficulties"), "Đề xuất, kiến nghị": ("text", "proposals"),
        "Người báo cáo, SĐT": ("text", "contact"),
    }
    labels = {c["header"]: c.get("label") for c in data["columns"]}
    assert labels["Kinh phí thực hiện (đồng)"] == "kinh phí thực hiện"  # the sentence carries "đồng"
    assert "  # role unit_name: 4 of its 4 distinct names match a unit of the roster" in path["proposed"]


def test_init_e2e_check_refuses_the_todos_then_passes(path: dict[str, Any]) -> None:
    refused = path["refused"]
    assert refused.exit_code == 2 and "still the placeholder 'TODO: CƠ QUAN CẤP TRÊN'" in refused.stdout
    assert path["checked"].exit_code == 0, path["checked"].stdout


def test_init_e2e_run_counts_units_and_figures_exactly(path: dict[str, Any]) -> None:
    assert path["run"].exit_code == 0, path["run"].output + path["run"].stderr
    status = path["status"]
    totals = status["totals"]
    assert (totals["units_reported"], totals["units_late"], totals["units_missing"], totals["rows_superseded"]) == (
        4, 1, 2, 1)
    metrics = {key: status["metrics"][key] for key in ("so_tre_em_duoc_ho_tro", "kinh_phi_thuc_hien_dong",
                                                      "so_gio_sinh_hoat_he_binh_quan")}
    assert metrics == {"so_tre_em_duoc_ho_tro": 440, "kinh_phi_thuc_hien_dong": 86_300_000,
                       "so_gio_sinh_hoat_he_binh_quan": pytest.approx(38.5)}
    key = "ty_le_ho_gia_dinh_duoc_tham_hoi"
    assert status["metrics"][key] == pytest.approx((85 + 72.5 + 63 + 80) / 4)  # a mean, never a sum
    assert status["metric_stats"][key] == {"n": 4, "min": 63.0, "max": 85.0}


def test_init_e2e_report_has_both_free_texts_money_in_dong_and_no_bundled_wording(path: dict[str, Any]) -> None:
    text = all_text(docx.Document(str(path["out"] / "bao-cao-thang-tre-em-2025.docx")))
    assert "86.300.000 đồng kinh phí thực hiện" in text
    assert "Thiếu kinh phí (UBND xã Minh Tân, UBND xã Thuận Hòa)" in text  # difficulties
    assert "Đề nghị hỗ trợ thêm sách vở (UBND xã Minh Tân, UBND xã Thuận Hòa)" in text  # proposals
    for bundled in ("lừa đảo", "tuyên truyền", "Nha Trang", "Khánh Hòa", "TODO"):
        assert bundled not in text, bundled


def test_init_e2e_counts_the_todos_as_check_does(path: dict[str, Any]) -> None:
    """init's next steps name as many TODO values as `check` refuses, never a TODO in a comment."""
    said = re.search(r'Replace the (\d+) "TODO: …" values \(([^)]*)\)', path["init"].output)
    assert said, path["init"].output
    refused = [line for line in path["refused"].stdout.splitlines() if "still the placeholder" in line]
    listed = path["refused"].stdout.count("still the placeholder")
    assert int(said[1]) == listed and refused
    assert "title" not in said[2].split(", ")  # the title was given on the command line
