"""The report's chart: units reported on time / late / missing, per group. PNG bytes, deterministic.

Drawn on a bare ``Figure`` with the Agg canvas (no pyplot, no global state, safe in the worker),
in DejaVu Sans, which ships with matplotlib and has every Vietnamese glyph, so the picture is the
same on every machine. ``metadata={"Software": None}`` keeps version strings out of the PNG.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from aggregator.models import Consolidation, GroupSummary
from aggregator.vnformat import percent

FONT = "DejaVu Sans"
DPI = 200
WIDTH_IN = 6.3  # 16 cm; inserted at 15 cm
LABEL_CHARS = 30
SERIES = (  # (legend, colour, hatch): distinct when printed in black and white too
    ("Báo cáo đúng hạn", "#1f4e79", ""),
    ("Báo cáo muộn", "#f2a93b", "//"),
    ("Chưa báo cáo", "#d9d9d9", ".."),
)


def _segments(group: GroupSummary) -> tuple[int, int, int]:
    return group.reported - group.late, group.late, group.missing


def _draw(fig: Figure, groups: tuple[GroupSummary, ...]) -> None:
    ax = fig.add_subplot(1, 1, 1)
    labels = [textwrap.fill(g.label, LABEL_CHARS) for g in groups]
    positions = list(range(len(groups)))[::-1]  # first group at the top
    left = [0] * len(groups)
    for index, (legend, colour, hatch) in enumerate(SERIES):
        values = [_segments(g)[index] for g in groups]
        bars = ax.barh(positions, values, left=left, color=colour, hatch=hatch, edgecolor="#404040",
                       linewidth=0.5, label=legend, height=0.6)
        largest = max([g.expected for g in groups] + [1])
        texts = [str(v) if v >= largest * 0.05 else "" for v in values]  # no digits in slivers
        ax.bar_label(bars, labels=texts, label_type="center", fontsize=7,
                     color="white" if index == 0 else "black")
        left = [a + b for a, b in zip(left, values, strict=True)]
    largest = max([g.expected for g in groups] + [1])
    for y, g in zip(positions, groups, strict=True):
        share = f"{g.reported}/{g.expected} ({percent(g.reported, g.expected)})"
        ax.text(g.expected + largest * 0.01, y, share, va="center", fontsize=7)
    ax.set_yticks(positions, labels, fontsize=7.5)
    ax.set_xlim(0, largest * 1.22)
    ax.set_xlabel("Số cơ quan, đơn vị", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.16 - 0.02 * (6 - min(len(groups), 6))), ncol=3,
              fontsize=7.5, frameon=False)


def group_chart_png(result: Consolidation) -> bytes:
    """Stacked horizontal bars per group; same result → same bytes."""
    groups = tuple(result.groups)
    with matplotlib.rc_context({"font.family": FONT, "hatch.linewidth": 0.5, "svg.hashsalt": "aggregator"}):
        fig = Figure(figsize=(WIDTH_IN, 1.3 + 0.5 * max(len(groups), 1)), dpi=DPI)
        FigureCanvasAgg(fig)
        if groups:
            _draw(fig, groups)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
