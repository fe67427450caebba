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
# The HTML report's browser test (tests/test_render_report_html.py) needs a headless Chromium,
# and its screenshots a Chinese font. Where we are root and have apt-get, install them (about
# a minute); never fail the run over it: without a browser that test is skipped and says why.
have_browser() {
    command -v chromium || command -v chromium-browser || command -v google-chrome
} >/dev/null 2>&1
if ! have_browser && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (apt-get) for the HTML report's browser test"
    if ! DEBIAN_FRONTEND=noninteractive timeout 600 bash -c \
        'apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei' \
        >/dev/null 2>&1; then
        echo "warning: chromium could not be installed; the browser test will be skipped" >&2
    fi
fi
if have_browser; then
    echo "== chromium: installed, the HTML report's browser test runs"
else
    echo "== chromium: NOT installed, the HTML report's browser test is skipped"
fi
echo "== ruff check";  "$venv/bin/ruff" check src tests benchmarks
echo "== ruff format"; "$venv/bin/ruff" format --check src tests benchmarks
echo "== mypy";        "$venv/bin/mypy"
echo "== pytest"
set +e
# In parallel (pytest-xdist): one worker per CPU unless STARRULES_TEST_WORKERS says (0: none).
"$venv/bin/python" -m pytest -n "${STARRULES_TEST_WORKERS:-auto}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure, not a pass" >&2
    exit 1
fi
exit "$status"
