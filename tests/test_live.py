"""Opt-in smoke test against a real Google spreadsheet; never runs in CI.

    AGGREGATOR_LIVE_SHEET=<spreadsheet URL or id> \\
    GOOGLE_APPLICATION_CREDENTIALS=/path/key.json .venv/bin/python -m pytest -m live tests/test_live.py

It reads the sheet (tab "Báo cáo", the demo campaign's layout) and checks the header row and
template (`aggregator check`); it writes nothing to the spreadsheet.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from aggregator.app.cli import cli

SHEET = os.environ.get("AGGREGATOR_LIVE_SHEET")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not SHEET or not os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"),
                       reason="set AGGREGATOR_LIVE_SHEET and GOOGLE_APPLICATION_CREDENTIALS to run against Google"),
]


def test_live_check_reads_a_real_sheet(runner: CliRunner) -> None:
    args = ["check", "--source", str(SHEET)]
    result = runner.invoke(cli, args)
    assert "✓ source reachable" in result.stdout, result.stdout + result.stderr
    assert result.exit_code == 0, result.stdout
