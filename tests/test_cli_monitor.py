"""End-to-end tests of `starrules monitor`."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from starrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
FIXTURES = Path(__file__).parent / "fixtures" / "monitor"
EVENTS = FIXTURES / "events.jsonl"

try:
    import durable.engine  # noqa: F401

    BACKENDS = ["native", "rete"]
except ImportError:
    BACKENDS = ["native"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("backend", BACKENDS)
def test_changes_as_jsonl(capsys: pytest.CaptureFixture[str], backend: str) -> None:
    code, out, err = run(
        capsys,
        "monitor",
        str(EVENTS),
        "--villages",
        str(EXAMPLES),
        "--format",
        "jsonl",
        "--backend",
        backend,
    )
    assert (code, err) == (0, "")
    changes = [json.loads(line) for line in out.splitlines()]
    first = changes[0]
    assert (first["kind"], first["star"], first["before"], first["after"]) == (
        "star_revoked",
        "safety",
        "granted",
        "denied",
    )
    assert first["cause"]["id"] == "case-1" and first["incidents"][0]["note"] == "入室盗窃"
    assert first["explanation"]["status"] == "denied"
    kinds = [(c["kind"], c.get("star"), c["trigger"]) for c in changes]
    assert ("level_down", None, "event") in kinds
    assert ("star_granted", "safety", "ruleset_change") in kinds  # 2023: counts reset


def test_changes_as_text_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "monitor", str(EVENTS), "--villages", str(EXAMPLES))
    assert code == 0
    assert "2022-12-31 · 部落村 (410523105201) · 平安法治星：获得 → 未获得 (撤星)" in out
    assert "起因：发生事件 2022-12-31 刑事案件（入室盗窃） [case-1]" in out
    assert "[否决] 发生刑事案件的，一票否决" in out
    code, out, _ = run(capsys, "monitor", str(EVENTS), "--villages", str(EXAMPLES), "--lang", "en")
    assert "Safety and Rule of Law: granted → denied (star revoked)" in out
    assert "cause: incident 2022-12-31 criminal case (入室盗窃) [case-1]" in out
    assert "level: 5-star (5) → 3-star (3) (down)" in out


def test_events_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(EVENTS.read_text(encoding="utf-8")))
    code, out, _ = run(capsys, "monitor", "-", "--villages", str(EXAMPLES), "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) >= 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_capabilities(capsys: pytest.CaptureFixture[str], backend: str) -> None:
    code, out, _ = run(
        capsys, "monitor", "--villages", str(EXAMPLES), "--capabilities", "--backend", backend
    )
    assert code == 0
    assert "henan-rural@2022.1 (cn-henan/anyang/tangyin)" in out
    if backend == "rete":
        assert "fallback safety / safety.disputes-resolved: it calls ratio()" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [str(FIXTURES / "out_of_order.jsonl")],
            r"out_of_order.jsonl:2: event dated 2023-03-01 for village '410523105201' comes "
            r"after its event of 2023-05-02",
        ),
        ([str(FIXTURES / "bad_json.jsonl")], r"bad_json.jsonl:2:\d+: invalid JSON"),
        ([str(FIXTURES / "nope.jsonl")], r"nope.jsonl: no such file"),
        ([], r"give the EVENTS file"),
        ([str(EVENTS), "--backend", "reet"], r"Invalid value for '--backend'"),
    ],
)
def test_bad_input_is_one_located_error(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "monitor", *args, "--villages", str(EXAMPLES))
    assert code == 2
    assert "Traceback" not in err
    assert re.search(message, err), err


def test_changes_before_an_error_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "monitor", str(FIXTURES / "out_of_order.jsonl"), "--villages", str(EXAMPLES)
    )
    assert code == 2 and "平安法治星" in out and "error:" in err


def test_a_village_file_error_names_the_village(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    village = json.loads((FIXTURES / "village.json").read_text(encoding="utf-8"))
    village.pop("as_of")
    path = tmp_path / "v.jsonl"
    path.write_text(json.dumps(village, ensure_ascii=False) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "monitor", str(EVENTS), "--villages", str(path))
    assert code == 2 and f"{path}:1: village '部落村': no date" in err
    code, out, _ = run(
        capsys, "monitor", str(EVENTS), "--villages", str(path), "--on", "2022-12-31"
    )
    assert code == 0 and "平安法治星" in out


@pytest.mark.slow
def test_rete_without_durable_rules_names_the_extra(tmp_path: Path) -> None:
    """As on a machine without the extra (or on Python 3.13): durable cannot be imported."""
    script = tmp_path / "no_durable.py"
    script.write_text(
        "import sys\n"
        "sys.modules['durable'] = None  # import durable fails, as when not installed\n"
        "sys.modules['durable.engine'] = None\n"
        "from starrules.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            "monitor",
            str(EVENTS),
            "--villages",
            str(EXAMPLES),
            "--backend",
            "rete",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "pip install 'starrules[rete]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rete_without_durable_rules_is_a_monitor_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from starrules import Monitor, MonitorError

    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    with pytest.raises(MonitorError, match=r"pip install 'starrules\[rete\]'"):
        Monitor(backend="rete")


# ----------------------------------------------------------------------------- hostile events

GOOD = '{"type": "review", "date": "2023-01-01"}'
UPDATE = '{"type": "update", "village": "410523105201", "date": "2023-01-02", '


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"x"', ":2: an event must be a JSON object, not str"),
        ("null", ":2: an event must be a JSON object, not NoneType"),
        ("[1]", ":2: an event must be a JSON object, not list"),
        ("[" * 100_000, ":2:100000: invalid JSON: nested too deeply"),
        (GOOD[:-1] + ', "id": "\\ud800"}', ":2: id: Input should be text without lone"),
        (GOOD[:-1] + ', "note": "\\udfff"}', ":2: note: Input should be text without lone"),
        (
            UPDATE + '"field": "extra.x", "value": -1' + "0" * 400 + "}",
            ":2: value: Input should be a finite number",
        ),
        (
            UPDATE + '"field": "branch.reserve_cadres", "value": ' + "9" * 5000 + "}",
            ":2: value: Input should be a finite number",
        ),
        (UPDATE + '"field": "extra.x", "value": 1e400}', ":2: value: Input should be a finite"),
        (UPDATE + '"field": "extra.x", "value": NaN}', ":2: value: Input should be a finite"),
        (
            UPDATE + '"field": "industry.collective_income", "value": Infinity}',
            ":2: value: Input should be a finite",
        ),
        ('{"type": "review", "date": "2023-01-01T00:00:00"}', ":2: date: "),
    ],
    ids=lambda x: x[:30] if isinstance(x, str) else None,
)
def test_a_hostile_event_is_one_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(f"{GOOD}\n{line}\n{GOOD}\n", encoding="utf-8")
    for fmt in ("text", "jsonl"):
        code, out, err = run(
            capsys, "monitor", str(events), "--villages", str(EXAMPLES), "--format", fmt
        )
        assert code == 2
        assert err.startswith(f"error: {events}{message}"), err[:300]
        assert "Traceback" not in err + out


def test_events_with_a_byte_order_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\xef\xbb\xbf" + EVENTS.read_bytes())
    code, out, _ = run(capsys, "monitor", str(events), "--villages", str(EXAMPLES))
    assert code == 0 and "平安法治星" in out
    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + EVENTS.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = run(capsys, "monitor", "-", "--villages", str(EXAMPLES))
    assert code == 0 and "平安法治星" in out


def test_bad_utf8_on_stdin_names_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = f'{GOOD}\n{GOOD[:-1]}, "note": "x"}}\n'.encode().replace(b"x", b"\xff")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, err = run(capsys, "monitor", "-", "--villages", str(EXAMPLES))
    assert code == 2 and err.startswith("error: <stdin>:2: not UTF-8 text"), err
    assert "Traceback" not in err + out


def test_an_events_path_that_is_not_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [(tmp_path, "is a directory"), (tmp_path / ("e" * 5000), "File name too long")]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        cases.append((tmp_path / "fifo", "not a regular file"))
    for path, message in cases:
        code, out, err = run(capsys, "monitor", str(path), "--villages", str(EXAMPLES))
        assert code == 2 and message in err, err[:300]
        assert "Traceback" not in err + out
