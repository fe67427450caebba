"""End-to-end tests of the `starrules` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from starrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_table_of_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "evaluate", str(EXAMPLES))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["村", "乡镇", "等级"]
    assert "产业兴旺星" in lines[0] and "支部过硬星" in lines[0]
    village_lines = [line for line in lines if "韩庄镇" in line or "寨根乡" in line]
    assert len(village_lines) == 40
    undetermined = [line for line in village_lines if "?" in line]
    assert undetermined and all("–" in line for line in undetermined)
    assert "40 个村" in out and "待定" in out


def test_evaluate_english_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--lang", "en")
    assert code == 0
    assert out.splitlines()[0].startswith("Village")
    assert "Thriving Industry" in out and "40 villages" in out


def test_evaluate_jsonl_and_json_agree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--format", "jsonl", "--detail", "full")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--format", "json")
    assert code == 0
    assert json.loads(out) == records
    assert len(records) == 40
    first = records[0]
    assert set(first) == {
        "format",
        "village",
        "as_of",
        "ruleset",
        "stars",
        "level",
        "missing",
        "next_steps",
        "ignored",
    }
    assert first["format"] == "full/1"
    assert len(first["ruleset"]["fingerprint"]) == 64


def test_evaluate_with_explicit_ruleset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    provincial = write(
        tmp_path,
        "v.jsonl",
        "".join(
            json.dumps({k: v for k, v in row.items() if k != "extra"}, ensure_ascii=False) + "\n"
            for row in rows
        ),
    )
    code, out, _ = run(
        capsys,
        "evaluate",
        str(provincial),
        "--ruleset",
        str(HENAN),
        "--format",
        "jsonl",
        "--detail",
        "full",
    )
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 40
    assert all(
        r["ruleset"]["layers"]
        == [{"id": "henan-rural", "version": "2022.1", "jurisdiction": "cn-henan"}]
        for r in records
    )
    # County data carries indicators only the county's overlay declares: the province
    # alone ignores them and says which (--strict refuses them: test_ignored_extras.py).
    code, _, err = run(capsys, "evaluate", str(EXAMPLES), "--ruleset", str(HENAN))
    assert code == 0
    assert "extra.volunteer_team" in err and "--strict" in err


def test_explain_one_village(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", str(EXAMPLES), "--village", "程庄村")
    assert code == 0
    assert "程庄村" in out and "待定" in out and "卫生厕所普及率" in out


def test_explain_by_code_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    first = json.loads(EXAMPLES.read_text(encoding="utf-8").splitlines()[0])
    code, out, _ = run(capsys, "explain", str(EXAMPLES), "--village", first["code"], "--lang", "en")
    assert code == 0
    assert first["name"] in out and "Level" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", str(EXAMPLES)], "choose one with --village"),
        (["explain", str(EXAMPLES), "--village", "成庄村"], "did you mean"),
        (["evaluate", "no-such-file.jsonl"], "no such file"),
        (["evaluate", str(EXAMPLES), "--on", "2023-13-01"], "is not a date"),
        (["evaluate", str(EXAMPLES), "--format", "xml"], "'xml' is not one of"),
        (["schema", "town"], "'town' is not one of"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_bad_village_names_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = EXAMPLES.read_text(encoding="utf-8").splitlines()[0]
    bad = (
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", '
        '"branch": {"reserv_cadres": 3}, "ecology": {"sanitary_toilet_rate": 1.5}}'
    )
    path = write(tmp_path, "v.jsonl", good + "\n" + bad + "\n")
    code, _, err = run(capsys, "evaluate", str(path))
    assert code == 2
    assert f"{path}:2: branch.reserv_cadres: unknown field (did you mean 'reserve_cadres'?)" in err
    assert f"{path}:2: ecology.sanitary_toilet_rate:" in err


def test_invalid_json_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "v.json", '{"name": "x",\n')
    code, _, err = run(capsys, "evaluate", str(path))
    assert code == 2
    assert f"{path}:2:1: invalid JSON" in err


def test_no_ruleset_for_jurisdiction_lists_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "v.jsonl",
        '{"name": "x", "jurisdiction": "cn-hubei", "kind": "rural", "as_of": "2023-12-31"}\n',
    )
    code, _, err = run(capsys, "evaluate", str(path))
    assert code == 2
    assert "no rural ruleset in force on 2023-12-31 for cn-hubei" in err
    assert "henan-rural@2022.1" in err


def test_evaluate_with_broken_ruleset_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ruleset = write(tmp_path, "r.yaml", "starrules: 1\nid: x\nstras: []\n")
    code, _, err = run(capsys, "evaluate", str(EXAMPLES), "--ruleset", str(ruleset))
    assert code == 2
    assert f"{ruleset}:3:1: unknown key 'stras'" in err


def test_lint_bundled_rulesets_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", str(ROOT / "rulesets"), "--lang", "en")
    assert code == 0
    assert out.startswith("ok: ") and "henan-rural@2022.1" in out


def test_lint_reports_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ruleset = write(tmp_path, "r.yaml", "starrules: 1\nid: x\nstras: []\n")
    code, out, err = run(capsys, "lint", "--lang", "en", str(ruleset))
    assert code == 1
    assert f"{ruleset}:3:1: [SR201] unknown key 'stras' (did you mean 'stars'" in out
    assert "missing required key 'jurisdiction'" in out
    assert "problems in 1 file" in err


def test_lint_empty_directory_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "lint", str(tmp_path))
    assert code == 2
    assert "no ruleset files" in err


def test_lint_rejects_code_in_a_test_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    text = HENAN.read_text(encoding="utf-8").replace(
        "test: industry.collective_income >= 100000",
        f"test: \"__import__('os').system('touch {marker}')\"",
        1,
    )
    assert text != HENAN.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "lint", str(write(tmp_path, "r.yaml", text)))
    assert code == 1
    assert "r.yaml:" in out
    assert not marker.exists()


@pytest.mark.parametrize("what", ["village", "ruleset", "assessment", "change"])
def test_schema(capsys: pytest.CaptureFixture[str], what: str) -> None:
    code, out, _ = run(capsys, "schema", what)
    assert code == 0
    document = json.loads(out)
    assert document["type"] == "object" and document["properties"]


def test_event_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "event")
    assert code == 0
    document = json.loads(out)
    assert set(document["discriminator"]["mapping"]) == {"update", "incident", "review"}


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "starrules" in out
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "evaluate" in out and "lint" in out


@pytest.mark.slow
def test_python_dash_m_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "starrules", "evaluate", str(EXAMPLES), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 40
    bad = subprocess.run(
        [sys.executable, "-m", "starrules", "evaluate", "missing.jsonl"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: missing.jsonl: no such file")
    assert "Traceback" not in bad.stderr


def test_test_command_passes_on_bundled_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", str(ROOT / "rulesets"), "--lang", "en")
    assert code == 0
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_test_command_shows_a_readable_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HENAN.read_text(encoding="utf-8")
    marker = "    expect:\n      level: 5\n"
    assert marker in text
    path = write(tmp_path, "r.yaml", text.replace(marker, "    expect:\n      level: 4\n", 1))
    code, out, _ = run(capsys, "test", str(path), "--lang", "en", "-v")  # -v: the explanation
    assert code == 1
    assert f"FAIL {path}:" in out
    assert "level: expected 4, got 5" in out
    assert "Thriving Industry [granted]" in out
    assert out.splitlines()[-1].endswith(" passed, 1 failed")


def test_test_command_accepts_a_test_file_named_directly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases = ROOT / "rulesets" / "cn-henan" / "henan-rural.test.yaml"
    code, out, _ = run(capsys, "test", str(cases))
    assert code == 0, out
    assert out.splitlines()[-1].endswith(" 项通过，0 项未通过")


def test_an_explicit_overlay_follows_each_villages_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xixia = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
    row = next(
        json.loads(line)
        for line in EXAMPLES.read_text(encoding="utf-8").splitlines()
        if "寨根乡" in line
    )
    villages = write(
        tmp_path,
        "v.jsonl",
        "".join(
            json.dumps({**row, "as_of": day}, ensure_ascii=False) + "\n"
            for day in ("2022-12-31", "2023-12-31")
        ),
    )
    code, out, err = run(
        capsys,
        "evaluate",
        str(villages),
        "--ruleset",
        str(xixia),
        "--format",
        "jsonl",
        "--detail",
        "full",
    )
    assert code == 0, err
    layers = [
        [la["version"] for la in json.loads(line)["ruleset"]["layers"]] for line in out.splitlines()
    ]
    assert layers == [["2022.1", "2022.1"], ["2022.1", "2023.1", "2022.1"]]


# ----------------------------------------------------------------------------- hostile villages
# Every command that reads villages answers a bad file with one located error and exit 2.

HEAD = '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", '
HOSTILE: list[tuple[str, str | bytes, str]] = [
    ("deep", "[" * 100_000 + "]" * 100_000, ":1:100000: invalid JSON: nested too deeply"),
    (
        "long int",
        HEAD + '"branch": {"reserve_cadres": ' + "9" * 5000 + "}}",
        ":1: branch.reserve_cadres: Input should be a finite number",
    ),
    (
        "1e400",
        HEAD + '"industry": {"collective_income": 1e400}}',
        ":1: industry.collective_income: Input should be a finite number",
    ),
    (
        "extra -10**400",
        HEAD + '"extra": {"bags": -1' + "0" * 400 + "}}",
        ":1: extra.bags: Input should be a finite number",
    ),
    ("NaN", HEAD + '"ecology": {"greening_rate": NaN}}', ":1: ecology.greening_rate: "),
    ("surrogate", HEAD + '"township": "\\ud800"}', ":1: township: Input should be text"),
    ("full-width code", HEAD + '"code": "４１１３２３１００２０１"}', ":1: code: "),
    ("date-time", HEAD + '"as_of": "2023-12-31T00:00:00"}', ":1: as_of: "),
    ("timestamp", HEAD + '"as_of": 1703980800}', ":1: as_of: "),
    ("not UTF-8", HEAD.encode() + b'"township": "\xff"}', ":1: not UTF-8 text"),
    ("not an object", "[1]", ":1: a village must be a JSON object"),
]


def _village_commands(path: Path) -> list[list[str]]:
    return [
        ["evaluate", str(path)],
        ["evaluate", str(path), "--format", "jsonl", "--progress"],
        ["explain", str(path)],
        ["diff", str(HENAN), str(HENAN), "--villages", str(path)],
        ["monitor", "--villages", str(path), "--capabilities"],
    ]


@pytest.mark.parametrize(
    ("text", "message"), [(t, m) for _, t, m in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_a_hostile_village_file_is_one_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, message: str
) -> None:
    path = tmp_path / "v.jsonl"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8") + b"\n")
    for args in _village_commands(path):
        code, out, err = run(capsys, *args)
        assert code == 2, args
        # (after the progress bar's label, with --progress)
        assert f"error: {path}{message}" in err, (args, err[:300])
        assert err.count("error:") == 1
        assert "Traceback" not in err + out


def test_a_village_file_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLES.read_bytes())
    code, out, _ = run(capsys, "evaluate", str(path), "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 40


def _not_files(tmp_path: Path) -> list[tuple[Path, str]]:
    cases = [
        (tmp_path / ("v" * 5000 + ".jsonl"), "File name too long"),
        (tmp_path / "missing.jsonl", "no such file"),
    ]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.jsonl")  # reading it would wait for a writer forever
        cases.append((tmp_path / "fifo.jsonl", "not a regular file"))
    if Path("/dev/zero").exists():
        cases.append((Path("/dev/zero"), "not a regular file"))
    return cases


def test_what_is_not_a_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, message in _not_files(tmp_path):
        for args in _village_commands(path):
            code, out, err = run(capsys, *args)
            assert code == 2, args
            assert message in err, (args, err[:300])
            assert "Traceback" not in err + out
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    for args in _village_commands(folder):
        code, out, err = run(capsys, *args)
        assert code == 2 and "is a directory" in err and "Traceback" not in err + out


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "a\x00b.yaml"],
        ["evaluate", "v\x00.jsonl"],
        ["list", "--rulesets", "r\x00"],
    ],
)
def test_a_nul_in_an_argument_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "NUL" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------- records and catalogue


def test_evaluate_jsonl_writes_compact_records_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "evaluate", str(EXAMPLES), "--format", "jsonl")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 40
    assert {r["format"] for r in records} == {"compact/1"}
    assert all(len(line.encode()) <= 3_000 for line in out.splitlines())
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--format", "json", "--detail", "compact")
    assert code == 0
    assert json.loads(out) == records


def test_evaluate_json_writes_full_records_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--format", "json")
    assert code == 0
    assert {r["format"] for r in json.loads(out)} == {"full/1"}


def test_detail_with_the_table_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "evaluate", str(EXAMPLES), "--detail", "full")
    assert code == 2
    assert "--detail" in err and "Traceback" not in err


def test_rules_prints_the_catalogue_a_compact_record_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES), "--format", "jsonl")
    assert code == 0
    record = json.loads(out.splitlines()[0])
    fingerprint = record["ruleset"]["fingerprint"]
    code, out, err = run(capsys, "rules", fingerprint, "--format", "json")
    assert code == 0, err
    catalogue = json.loads(out)
    assert catalogue["fingerprint"] == fingerprint
    for star_id, star in record["stars"].items():
        assert catalogue["stars"][star_id]["criteria"] == list(star["criteria"])
        for criterion_id in star["criteria"]:
            assert catalogue["criteria"][criterion_id]["text"]["zh"]
    code, again, _ = run(capsys, "rules", fingerprint[:8].upper())  # a prefix, any case
    assert code == 0 and json.loads(again) == catalogue


def test_rules_finds_rulesets_of_other_folders(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = ROOT / "tests" / "fixtures" / "eval_registry"
    import starrules

    registry = starrules.Registry.from_paths([fixtures], base=starrules.Registry.default())
    mine = next(rs for rs in registry.rulesets if str(fixtures) in rs.file)
    code, _, err = run(capsys, "rules", mine.fingerprint)
    assert code == 2 and "--rulesets" in err
    code, out, err = run(capsys, "rules", mine.fingerprint, "--rulesets", str(fixtures))
    assert code == 0, err
    assert json.loads(out)["id"] == mine.id


@pytest.mark.parametrize(
    ("fingerprint", "message"),
    [
        ("0" * 64, "no ruleset has fingerprint"),
        ("abc", "is not a fingerprint"),
        ("not-hex-at-all", "is not a fingerprint"),
        ("f" * 65, "is not a fingerprint"),
    ],
)
def test_rules_with_an_unknown_fingerprint_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fingerprint: str, message: str
) -> None:
    code, out, err = run(capsys, "rules", fingerprint)
    assert code == 2
    assert message in err and not out and "Traceback" not in err


def test_rules_with_an_ambiguous_prefix_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import starrules
    from starrules.cli import catalogue

    rulesets = starrules.Registry.default().rulesets
    first, second = rulesets[0], rulesets[1]

    class Fake:
        def __init__(self, ruleset: starrules.Ruleset, fingerprint: str) -> None:
            self.ruleset, self.fingerprint = ruleset, fingerprint
            self.id, self.version = ruleset.id, ruleset.version

    class Registry:
        rulesets = (Fake(first, "ab" * 32), Fake(second, "ab" * 4 + "cd" * 28))

    monkeypatch.setattr(catalogue, "registry_of", lambda _paths: Registry())
    code, _, err = run(capsys, "rules", "ab" * 4)
    assert code == 2 and "ambiguous" in err
