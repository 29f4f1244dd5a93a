#!/usr/bin/env bash
# Sets up the test environment (system packages + venv) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh
.venv/bin/ruff check kg tests
exec .venv/bin/pytest "$@"
