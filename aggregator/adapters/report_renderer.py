"""The report as the cycle sees it (``ports.ReportRenderer``): the .docx template's preflight and rendering
(adapters/docx_report.py), the chart (adapters/chart.py) and the PDF through LibreOffice (adapters/pdf.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aggregator.adapters import chart, docx_report, pdf
from aggregator.errors import OutputError
from aggregator.models import Consolidation


class DocxReport:
    def problems(self, template: Path, context: dict[str, Any]) -> list[str]:
        return docx_report.template_problems(template, context)

    def render(self, template: Path, context: dict[str, Any], result: Consolidation, target: Path) -> Path:
        return docx_report.render_report(template, context, target, chart_png=chart.group_chart_png(result))

    def require_pdf(self) -> None:
        if pdf.soffice_path() is None:
            raise OutputError("--pdf needs LibreOffice (soffice), which is not installed; no output was written.",
                              pdf.INSTALL_HINT)

    def to_pdf(self, report: Path, out_dir: Path) -> Path:
        return pdf.convert_to_pdf(report, out_dir)
