from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    """The one CLI runner every command-line test uses (stdout and stderr kept apart)."""
    return CliRunner()
