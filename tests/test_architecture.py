"""Meta-tests that guard the house rules: a pure core, thin roots, documented commands."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from tests.conftest import REPO

PACKAGE = REPO / "aggregator"
CORE = ["abbreviations", "aggregate", "campaign", "cells", "cells_dates", "changes", "dashboard", "errors",
        "init_campaign", "matching", "models", "normalize", "ports", "reminders", "report_context", "resolve", "roster",
        "schema", "status", "textnorm", "vnformat"]
IO_LIBRARIES = {"gspread", "google", "docxtpl", "docx", "apscheduler", "click", "rich", "requests", "openpyxl",
                "sqlite3", "matplotlib", "subprocess", "lxml"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0] if not node.module.startswith("aggregator") else node.module)
    return found


@pytest.mark.parametrize("module", CORE)
def test_architecture_core_modules_do_no_io(module: str) -> None:
    imported = _imports(PACKAGE / f"{module}.py")
    assert not imported & IO_LIBRARIES, f"{module} imports {imported & IO_LIBRARIES}"
    assert not {m for m in imported if m.startswith("aggregator.adapters")}, f"{module} imports an adapter"


def test_architecture_only_adapters_and_roots_import_third_party_io() -> None:
    roots = {"cli", "service", "pipeline", "preflight", "history_view", "delivery", "__main__"}
    for path in PACKAGE.glob("*.py"):
        if path.stem in roots or path.stem in CORE or path.stem == "__init__":
            continue
        raise AssertionError(f"{path.name} is neither core, root nor adapter: classify it in this test")


def _imports_devtools(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.startswith("aggregator.devtools") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            if "devtools" in module.split(".") or any(a.name == "devtools" for a in node.names):
                return True
    return False


def test_architecture_devtools_are_never_imported_by_the_worker() -> None:
    """aggregator/devtools/* (the Sheets emulator) may import anything; core, adapters and roots never import it."""
    devtools = PACKAGE / "devtools"
    assert (devtools / "__init__.py").exists()
    worker = [p for p in PACKAGE.rglob("*.py") if devtools not in p.parents]
    offenders = [str(p.relative_to(PACKAGE)) for p in worker if _imports_devtools(p)]
    assert not offenders, f"the run path imports aggregator.devtools: {offenders}"
    assert _imports_devtools(REPO / "tests" / "fake_sheets.py")  # the check does find such an import
    subpackages = {p.parent.name for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE} - {"adapters", "devtools"}
    assert not subpackages, f"classify the subpackage(s) {subpackages} in this test"


def test_architecture_modules_stay_readable() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > 420}
    assert not too_long, too_long


def test_architecture_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"aggregator {name}" in readme, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.stdout
