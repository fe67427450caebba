"""`starrules report`: the command end to end (cli/report.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules.cli import main
from starrules.cli.choose import Chooser
from starrules.inputs.villages import read_villages
from starrules.load.registry import Registry
from starrules.reports import report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "report"
RULES = FIXTURES / "rules.yaml"
VILLAGES = FIXTURES / "villages.jsonl"
TARGETS = FIXTURES / "targets.yaml"
EXAMPLES = ROOT / "examples" / "villages.jsonl"
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def api_report(by: Any = "township", targets: Path | None = None) -> dict[str, Any]:
    ruleset = starrules.load_ruleset(RULES)
    assessments = (ruleset.evaluate(r.village) for r in read_villages(VILLAGES))
    return report(assessments, by=by, targets=targets).to_dict()


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", str(VILLAGES), "--ruleset", str(RULES))
    assert code == 0, err
    assert out.startswith("五星支部创建情况（按乡镇，5 个村）")
    assert "各星获得村数" in out and "各等级村数" in out and "短板" in out
    assert err == ""


def test_json_is_the_api_report(capsys: pytest.CaptureFixture[str]) -> None:
    for by in ("township", "county", "jurisdiction"):
        code, out, err = run(
            capsys, "report", str(VILLAGES), "--ruleset", str(RULES), "--by", by, "--format", "json"
        )
        assert code == 0, err
        assert json.loads(out) == api_report(by)
    code, out, _ = run(
        capsys,
        "report",
        str(VILLAGES),
        "--ruleset",
        str(RULES),
        "--by",
        "total",
        "--format",
        "json",
    )
    assert json.loads(out) == api_report(None)


def test_targets(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(VILLAGES), "--ruleset", str(RULES), "--targets", str(TARGETS)]
    code, out, _ = run(capsys, *args, "--format", "json")
    assert code == 0
    assert json.loads(out) == api_report(targets=TARGETS)
    code, out, _ = run(capsys, *args, "--lang", "en")
    assert code == 0 and "Plan vs result" in out and "short by 1" in out


def test_nearest_option(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(VILLAGES), "--ruleset", str(RULES), "--by", "total"]
    code, out, _ = run(capsys, *args, "--nearest", "1", "--format", "json")
    assert code == 0
    nearest = json.loads(out)["total"]["nearest"]
    assert [v["name"] for v in nearest["villages"]] == ["缺收入村"]
    code, out, _ = run(capsys, *args, "--nearest", "0")
    assert code == 0 and "差 1 条的 4 个村" in out and "缺收入村" not in out


def test_output_file_format_by_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "r.json"
    code, out, _ = run(
        capsys, "report", str(VILLAGES), "--ruleset", str(RULES), "-o", str(out_file)
    )
    assert code == 0 and out == ""
    assert json.loads(out_file.read_text(encoding="utf-8")) == api_report()
    table = tmp_path / "r.txt"
    code, _, _ = run(capsys, "report", str(VILLAGES), "--ruleset", str(RULES), "-o", str(table))
    assert code == 0 and table.read_text(encoding="utf-8").startswith("五星支部创建情况")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("targets:\n  - {townshp: 东镇, levels: {3: 1}}\n", "t.yaml:2:6: unknown key 'townshp'"),
        ("targets: [\n", "t.yaml:"),
    ],
)
def test_bad_targets_are_one_located_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    # the targets are read first: the (missing) villages file is never reached
    code, out, err = run(
        capsys,
        "report",
        str(tmp_path / "none.jsonl"),
        "--ruleset",
        str(RULES),
        "--targets",
        str(path),
    )
    assert code == 2 and out == ""
    assert err.startswith("error: ") and expected in err.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_targets_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "report",
        str(VILLAGES),
        "--ruleset",
        str(RULES),
        "--targets",
        str(tmp_path / "x.csv"),
    )
    assert code == 2 and "x.csv: no such file" in err


def test_bad_village_is_one_located_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(
        VILLAGES.read_text(encoding="utf-8") + '{"name": "坏村", "kind": "rural"}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "report", str(path), "--ruleset", str(RULES))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}:6: ") and "jurisdiction" in err
    assert "Traceback" not in err


def test_township_target_in_two_counties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - {township: 西镇, levels: {3: 1}}\n", encoding="utf-8")
    code, out, err = run(
        capsys, "report", str(VILLAGES), "--ruleset", str(RULES), "--targets", str(path)
    )
    assert code == 2 and out == "" and f"{path}:2:5: township 西镇 is in 2 counties" in err


def test_unknown_by_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", str(VILLAGES), "--by", "village")
    assert code == 2 and "village" in err


def test_ctrl_c_leaves_a_complete_partial_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = 0
    assess = Chooser.assess

    def interrupted(self: Chooser, record: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return assess(self, record)

    monkeypatch.setattr(Chooser, "assess", interrupted)
    code, out, err = run(
        capsys, "report", str(VILLAGES), "--ruleset", str(RULES), "--format", "json"
    )
    assert code == 130
    data = json.loads(out)  # complete JSON
    assert data["partial"] is True and data["total"]["villages"] == 2
    assert "interrupted" in err and "2 villages" in err
    calls = 0
    code, out, _ = run(capsys, "report", str(VILLAGES), "--ruleset", str(RULES))
    assert code == 130 and "输入中断" in out.splitlines()[0]


def test_examples_with_the_bundled_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", str(EXAMPLES), "--format", "json", "--by", "county")
    assert code == 0, err
    data = json.loads(out)
    assert [(g["name"], g["villages"]) for g in data["groups"]] == [
        ("cn-henan/anyang/tangyin", 33),
        ("cn-henan/nanyang/xixia", 7),
    ]
    chooser = Chooser(None, (), None, None)
    expected = report((chooser.assess(r) for r in read_villages(EXAMPLES)), by="county").to_dict()
    assert data == expected


def test_streams_a_generator_of_records(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the command reads villages lazily: a failure on the last one comes after the others
    # were assessed, with nothing written
    seen: list[str] = []
    assess = Chooser.assess

    def spy(self: Chooser, record: Any) -> Any:
        seen.append(record.village.name)
        return assess(self, record)

    monkeypatch.setattr(Chooser, "assess", spy)
    code, _, _ = run(capsys, "report", str(VILLAGES), "--ruleset", str(RULES))
    assert code == 0 and len(seen) == 5


@pytest.mark.skipif(not HANZHUANG.exists(), reason="examples/hanzhuang.csv not built yet")
def test_hanzhuang_counts_match_the_report_of_2023(capsys: pytest.CaptureFixture[str]) -> None:
    # seed 001: 17 产业兴旺星, 27 文明幸福星, 27 平安法治星, 16 生态宜居星, 1 支部过硬星;
    # 五星 1, 四星 4, 三星 15, 二星 11; 17+27+27+16+1 = 88 = 5·1+4·4+3·15+2·11
    code, out, err = run(capsys, "report", str(HANZHUANG), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    (group,) = data["groups"]
    assert group["name"] == "韩庄镇" and group["villages"] == 33
    granted = {sid: s["granted"] for sid, s in group["stars"].items()}
    assert granted == {"industry": 17, "civility": 27, "safety": 27, "ecology": 16, "branch": 1}
    levels = {lv["value"]: (lv["fewest"], lv["most"]) for lv in group["levels"]}
    assert [levels[v] for v in (5, 4, 3, 2)] == [(1, 1), (4, 4), (15, 15), (11, 11)]
    assert levels[1][0] + levels[0][0] == 2  # the villages with no star or one
    assert group["check"] == {"villages": 33, "levels": 88, "stars": 88, "holds": True}
    assert group["three_plus"]["fewest"] == group["three_plus"]["most"] == 20
    assert group["three_plus"]["share"]["fewest"] == 20 / 33
    # the API gives the same
    chooser = Chooser(None, (), None, None)
    api = report(chooser.assess(r) for r in read_villages(HANZHUANG, indicators=_extras()))
    assert api.to_dict() == data
    # and the table shows the same figures
    code, table, _ = run(capsys, "report", str(HANZHUANG))
    row = next(line for line in table.splitlines() if line.startswith("韩庄镇") and "%" in line)
    assert row.split()[:9] == ["韩庄镇", "33", "1", "4", "15", "11", "0", "2", "0"]
    assert "20" in row.split() and "60.61%" in row and "88 = 88 ✔" in row
    stars = next(line for line in table.splitlines() if line.startswith("韩庄镇"))
    assert stars.split()[2:] == ["17/16/0", "16/17/0", "27/6/0", "27/6/0", "1/32/0"]


def _extras() -> Any:
    from starrules.inputs.sheet_columns import indicators_of

    return indicators_of(rs.tree.indicators for rs in Registry.default().rulesets)


def test_report_html(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    out = tmp_path / "r.html"
    assert main(["report", str(EXAMPLES), "-o", str(out), "--list-villages", "5"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'data-metric="/total/villages"' in text


def test_report_html_without_plotly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in [m for m in sys.modules if m == "plotly" or m.startswith("plotly.")]:
        monkeypatch.delitem(sys.modules, name)  # else plotly.io is found in the cache
    monkeypatch.setitem(sys.modules, "plotly", None)
    out = tmp_path / "r.html"
    assert main(["report", str(EXAMPLES), "--format", "html", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "starrules[html]" in err and "Traceback" not in err and len(err.splitlines()) == 1
