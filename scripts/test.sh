#!/usr/bin/env bash
# The whole test suite: lint, format check, strict typing, pytest. CI runs exactly this.
# Creates .venv (with ${PYTHON:-python3}) and installs starrules[dev] into it when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${STARRULES_VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'

echo "== ruff check";  "$venv/bin/ruff" check src tests benchmarks
echo "== ruff format"; "$venv/bin/ruff" format --check src tests benchmarks
echo "== mypy";        "$venv/bin/mypy"
echo "== pytest"
set +e
"$venv/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure, not a pass" >&2
    exit 1
fi
exit "$status"
