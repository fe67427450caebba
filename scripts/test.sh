#!/usr/bin/env bash
# The whole test suite: lint, format check, strict typing, pytest. CI runs exactly this.
# Creates .venv (with ${PYTHON:-python3}) and installs starrules[dev,rete] into it (the rete
# extra only where durable-rules builds).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${STARRULES_VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
# The rete backend's tests need durable-rules (a C extension, no wheels, Python < 3.13).
# Where it cannot be built they are skipped, and pytest's summary shows the reason.
if ! "${pip[@]}" -e '.[dev,rete]'; then
    echo "warning: durable-rules (starrules[rete]) could not be installed;" \
         "the rete backend tests will be skipped" >&2
    "${pip[@]}" -e '.[dev]'
fi

if "$venv/bin/python" -c "import durable.engine" 2>/dev/null; then
    echo "== rete backend: durable-rules installed, its tests run"
else
    echo "== rete backend: durable-rules NOT installed, its tests are skipped"
fi
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
