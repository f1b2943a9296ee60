"""Meta-tests that guard the house rules: a pure core, thin roots, documented commands."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.app.cli import cli
from tests.conftest import REPO

PACKAGE = REPO / "aggregator"
# The walk of the data, in order: each pure package may import the shared modules and the packages
# before it, never one after it (sheet → cells → names → decisions → consolidation → outputs; app wires them).
SHARED = ["errors", "many_texts", "models", "ports", "questions", "rowjson", "textnorm", "timeofday", "vnformat",
          "work"]
WALK = ["campaign", "sheet", "cells", "names", "decisions", "consolidation", "outputs"]
IO_LIBRARIES = {"gspread", "google", "docxtpl", "docx", "apscheduler", "click", "rich", "requests", "openpyxl",
                "sqlite3", "matplotlib", "subprocess", "lxml", "smtplib", "socket", "http", "urllib"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] if not alias.name.startswith("aggregator") else alias.name
                      for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "aggregator":
                found |= {f"aggregator.{alias.name}" for alias in node.names}
            else:
                found.add(node.module.split(".")[0] if not node.module.startswith("aggregator") else node.module)
    return found


def _layer(module: str) -> str:
    """"aggregator.cells.frame" → "cells"; "aggregator.errors" → "shared"."""
    part = module.split(".")[1] if module.count(".") else ""
    return "shared" if part in SHARED else part


def _pure_modules() -> list[Path]:
    files = [PACKAGE / f"{name}.py" for name in SHARED]
    return files + [p for layer in WALK for p in sorted((PACKAGE / layer).glob("*.py"))]


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_architecture_core_modules_do_no_io_and_follow_the_walk(path: Path) -> None:
    imported = _imports(path)
    assert not imported & IO_LIBRARIES, f"{path.name} imports {imported & IO_LIBRARIES}"
    own = path.parent.name if path.parent != PACKAGE else "shared"
    allowed = {"shared", *WALK[: WALK.index(own) + 1]} if own in WALK else {"shared"}
    inward = {m for m in imported if m.startswith("aggregator.")}
    wrong = {m for m in inward if _layer(m) not in allowed}
    assert not wrong, f"{path.relative_to(PACKAGE)} imports {wrong}, which come later in the walk or do I/O"


def test_architecture_every_module_belongs_to_a_layer() -> None:
    layers = {*WALK, "app", "adapters", "devtools"}
    for path in PACKAGE.rglob("*.py"):
        top = path.relative_to(PACKAGE).parts
        if len(top) == 1:
            assert path.stem in {*SHARED, "__init__", "__main__"}, f"{path.name}: classify it in this test"
        else:
            assert top[0] in layers, f"{top[0]}/ is no layer: classify it in this test"


def test_architecture_adapters_never_import_the_app_layer() -> None:
    for path in (PACKAGE / "adapters").glob("*.py"):
        wrong = {m for m in _imports(path) if m.startswith("aggregator.app")}
        assert not wrong, f"adapters/{path.name} imports {wrong}"


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


def test_architecture_modules_stay_readable() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > 420}
    assert not too_long, too_long


def test_architecture_every_command_has_help_and_is_in_the_readme(runner: CliRunner) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"aggregator {name}" in readme, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("module", ["pipeline", "settling"])
def test_architecture_the_cycle_imports_no_adapter(module: str) -> None:
    """The cycle talks to ports (aggregator/ports.py); app/wiring.py plugs the adapters in."""
    wrong = {m for m in _imports(PACKAGE / "app" / f"{module}.py") if m.startswith("aggregator.adapters")}
    assert not wrong, f"app/{module}.py imports {wrong}"
    assert not _imports(PACKAGE / "app" / f"{module}.py") & IO_LIBRARIES
