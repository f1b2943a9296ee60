"""The report's settings: letterhead, addressees, signer, and every word the report prints that is not data.

The office changes words here, never in the template (which stays editable for layout). The defaults are
neutral, so a campaign that sets nothing gets a correct letter without any other campaign's wording;
the bundled campaign files set their own headings ("2. Kết quả triển khai tuyên truyền").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from aggregator.campaign.file_checks import refuse_number_as_date


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reference(_Frozen):
    """A letter this report answers, cited in the opening sentence."""

    kind: str = "Công văn"
    number: str
    date: dt.date
    issuer: str
    summary: str = ""

    @field_validator("date", mode="before")
    @classmethod
    def _not_a_number(cls, value: Any) -> Any:
        return refuse_number_as_date(value)


class Signer(_Frozen):
    authority: str = ""  # "KT. TRƯỞNG PHÒNG", "TM. ỦY BAN NHÂN DÂN", "" when the head signs
    title: str  # "PHÓ TRƯỞNG PHÒNG"
    name: str


class Headings(_Frozen):
    """Every section heading, numbered as the office wants it."""

    direction: str = "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"
    results: str = "II. KẾT QUẢ THỰC HIỆN"
    participation: str = "1. Tình hình báo cáo của các cơ quan, đơn vị"
    figures: str = "2. Kết quả thực hiện"
    assessment: str = "III. ĐÁNH GIÁ CHUNG"
    strengths: str = "1. Ưu điểm"
    weaknesses: str = "2. Tồn tại, hạn chế"
    proposals: str = "IV. ĐỀ XUẤT, KIẾN NGHỊ"


class Sentences(_Frozen):
    """Lead-in sentences around the figures and the lists built from the data."""

    results_lead: str = "Các cơ quan, đơn vị đã báo cáo với các kết quả chủ yếu sau (chi tiết tại Phụ lục kèm theo):"
    missing_lead: str = "Các cơ quan, đơn vị chưa báo cáo:"
    late_lead: str = "Các cơ quan, đơn vị báo cáo sau thời hạn ({deadline}):"
    chart_caption: str = "Biểu đồ: Tình hình báo cáo của các cơ quan, đơn vị theo khối"
    difficulties_lead: str = "Khó khăn, vướng mắc các cơ quan, đơn vị nêu:"
    proposals_lead: str = "Tổng hợp đề xuất, kiến nghị của các cơ quan, đơn vị:"
    unknown_metric: str = "{label}: chưa có số liệu"
    no_proposals: str = "Không có đề xuất, kiến nghị."  # section IV when neither the office nor a unit proposes
    # Section I when the campaign file has no `direction` paragraphs of its own ({issuer}: report.issuer_name).
    direction_fallback: str = ("{issuer} đề nghị các cơ quan, đơn vị báo cáo kết quả trên bảng tính dùng chung; "
                               "theo dõi, tổng hợp và đôn đốc các cơ quan, đơn vị chưa báo cáo.")


class AutoSentences(_Frozen):
    """A switch for each sentence the report writes by itself from the data (all on by default)."""

    participation: bool = True  # "Có 131/152 cơ quan, đơn vị đã báo cáo …"
    groups: bool = True  # one line per group
    missing_units: bool = True  # the units that have not reported, by group
    late_units: bool = True  # the units that reported late, by group
    chart: bool = True  # the chart by group
    on_time: bool = True  # strengths: "N/M cơ quan, đơn vị đã báo cáo đúng thời hạn"
    full_groups: bool = True  # strengths: "Các khối có 100 % cơ quan, đơn vị báo cáo"
    shortcomings: bool = True  # weaknesses: missing, late, problem cells, unidentified rows
    agency_difficulties: bool = True  # weaknesses: what the difficulties columns say, with the units
    agency_proposals: bool = True  # proposals: what the proposals columns say, with the units


class ReportSettings(_Frozen):
    template: Path = Path("../templates/report.docx")
    filename: str = ""  # default: bao-cao-<campaign id>.docx
    parent_body: str  # "UBND THÀNH PHỐ NHA TRANG"
    issuing_body: str  # "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    issuer_name: str  # "Phòng Văn hóa và Thông tin thành phố Nha Trang", for sentences
    abbreviation: str  # "VHTT" → "Số:      /BC-VHTT"
    place: str  # "Nha Trang"
    summary: str  # trích yếu under "BÁO CÁO"
    recipients: tuple[str, ...]  # Kính gửi
    references: tuple[Reference, ...] = ()
    direction: tuple[str, ...] = ()  # section I paragraphs
    strengths: tuple[str, ...] = ()  # the office's own paragraphs under "Ưu điểm"
    weaknesses: tuple[str, ...] = ()  # … under "Tồn tại, hạn chế"
    proposals: tuple[str, ...] = ()  # … under "Đề xuất, kiến nghị"
    headings: Headings = Headings()
    sentences: Sentences = Sentences()
    auto: AutoSentences = AutoSentences()
    signer: Signer
    cc: tuple[str, ...] = ("Như trên;", "Lưu: VT.")

    @model_validator(mode="before")
    @classmethod
    def _assessment_is_strengths(cls, data: Any) -> Any:
        """`assessment` (before `strengths` existed) still works: its paragraphs open "Ưu điểm"."""
        if isinstance(data, dict) and "assessment" in data:
            data = dict(data)
            old = data.pop("assessment") or []
            data["strengths"] = [*(old if isinstance(old, list | tuple) else [old]), *data.get("strengths", [])]
        return data

    @model_validator(mode="after")
    def _nonempty(self) -> ReportSettings:
        blank = [name for name in ("parent_body", "issuing_body", "issuer_name", "abbreviation", "place", "summary")
                 if not getattr(self, name).strip()]
        if not any(r.strip() for r in self.recipients):
            blank.append("recipients")
        if not self.signer.title.strip() or not self.signer.name.strip():
            blank.append("signer")
        if blank:
            raise ValueError(f"the letter needs {', '.join(blank)}: fill in the letterhead, the recipients "
                             "(Kính gửi) and the signer")
        return self
