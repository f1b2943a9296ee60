"""mypy --strict passes on aggregator/ with the settings of pyproject.toml ([tool.mypy]), as check.sh runs it."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import REPO


def test_typing_mypy_strict_finds_no_error_in_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        from mypy import api
    except ImportError as exc:  # part of the test extra: a missing mypy is a failure, never a skip
        pytest.fail(f"mypy is not installed ({exc}); install the test extra: pip install -e '.[test]'")
    monkeypatch.chdir(REPO)  # `files` in pyproject.toml and the .mypy_cache folder are relative to the checkout
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml")])
    assert status == 0, f"mypy --strict on aggregator/ failed (exit {status}):\n{stdout}{stderr}"


def test_typing_configuration_stays_strict_on_the_whole_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["aggregator"]
    for override in config.get("overrides", []):  # only third-party packages without types are let off
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert not [m for m in modules if m.startswith("aggregator")], override
        assert set(override) == {"module", "ignore_missing_imports"}, override
