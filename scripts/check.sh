#!/usr/bin/env bash
# Lint and test exactly as CI does (CI runs the README's test line through .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check aggregator tests scripts
.venv/bin/mypy  # --strict on aggregator/, as configured in pyproject.toml ([tool.mypy])
.venv/bin/python -m pytest -q "$@"
