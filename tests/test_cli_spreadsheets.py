"""The command line with spreadsheets: `evaluate` reading CSV / xlsx and writing csv / xlsx,
--encoding, --skip-invalid, --rejects, and `template`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from starrules.cli import main
from starrules.cli.choose import Chooser

ROOT = Path(__file__).resolve().parents[1]
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"
FIXTURES = ROOT / "tests" / "fixtures" / "spreadsheets"
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
LEVELS = {5: 1, 4: 4, 3: 15, 2: 11, 0: 2}
STARS = {"industry": 17, "civility": 27, "safety": 27, "ecology": 16, "branch": 1}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_bytes(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def parse_csv(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"))))


def test_evaluate_the_hanzhuang_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "evaluate", str(HANZHUANG))
    assert code == 0, err
    assert "33 个村: 五星 1, 四星 4, 三星 15, 二星 11" in out
    assert "待定" not in out.split("33 个村")[1].splitlines()[0]


def test_outputs_agree_on_stars_and_levels(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    code, out, _ = run(capsys, "evaluate", str(HANZHUANG), "--format", "json")
    assert code == 0
    records = json.loads(out)
    from_json = {
        r["village"]["name"]: (
            r["level"]["value"],
            tuple(sid for sid, s in r["stars"].items() if s["status"] == "granted"),
        )
        for r in records
    }
    assert Counter(level for level, _ in from_json.values()) == LEVELS
    assert Counter(s for _, stars in from_json.values() for s in stars) == STARS

    code, out, _ = run(capsys, "evaluate", str(HANZHUANG), "--format", "csv", "--lang", "en")
    assert code == 0
    names = ["industry", "ecology", "safety", "civility", "branch"]
    columns = ["Thriving Industry", "Ecological Livability", "Safety and Rule of Law",
               "Civility and Happiness", "Strong Branch"]  # fmt: skip
    from_csv = {
        row["Village"]: (
            int(row["Level"]),
            tuple(n for n, c in zip(names, columns, strict=True) if row[c] == "granted"),
        )
        for row in parse_csv(out)
    }
    assert from_csv == from_json

    workbook = tmp_path / "out.xlsx"
    code, _, err = run(capsys, "evaluate", str(HANZHUANG), "-o", str(workbook))
    assert code == 0, err
    rows = list(openpyxl.load_workbook(workbook, read_only=True).worksheets[0].values)
    head = list(rows[0])
    from_xlsx = {
        row[1]: (
            row[head.index("等级")],
            tuple(n for n, s in zip(names, row[4:9], strict=True) if s == "获得"),
        )
        for row in rows[1:]
    }
    assert from_xlsx == from_json

    code, out, _ = run(capsys, "evaluate", str(HANZHUANG))
    table = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) == 8 and cells[1] == "韩庄镇":
            table[cells[0]] = (
                int(cells[2]),
                tuple(n for n, mark in zip(names, cells[3:], strict=True) if mark == "✔"),
            )
    assert table == from_json


def test_csv_to_a_file_and_jsonl_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, "evaluate", str(HANZHUANG), "-o", str(target))
    assert code == 0 and out == "", err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(parse_csv(target.read_text(encoding="utf-8"))) == 33
    lines = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "evaluate", str(HANZHUANG), "-o", str(lines))
    assert code == 0 and len(lines.read_text(encoding="utf-8").splitlines()) == 33


def test_detail_applies_to_json_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "evaluate", str(HANZHUANG), "--format", "csv", "--detail", "full")
    assert code == 2 and "--detail" in err


def test_gbk_and_bom_csv_give_the_same_assessments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = HANZHUANG.read_text(encoding="utf-8-sig")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    outputs = []
    for path, more in ((gbk, []), (bom, []), (gbk, ["--encoding", "gbk"])):
        code, out, err = run(capsys, "evaluate", str(path), "--format", "jsonl", *more)
        assert code == 0, err
        outputs.append([{k: v for k, v in json.loads(line).items()} for line in out.splitlines()])
    assert outputs[0] == outputs[1] == outputs[2] and len(outputs[0]) == 33


def test_a_wrong_encoding(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "evaluate", str(HANZHUANG), "--encoding", "nonesuch")
    assert code == 2 and "unknown encoding 'nonesuch'" in err and "Traceback" not in err


def test_three_bad_cells_are_all_named(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "three_bad.csv"
    code, _, err = run(capsys, "evaluate", str(path))
    assert code == 2
    assert err.startswith(f"error: 3 problems in 2 rows of {path}:")
    for place, field in (
        ("3:4", "村集体经济年收入 (industry.collective_income, cell D3)"),
        ("5:5", "卫生厕所普及率 (ecology.sanitary_toilet_rate, cell E5)"),
        ("5:6", "越级上访件数 (safety.escalated_petitions, cell F5)"),
    ):
        assert f"{path}:{place}: {field}" in err


def test_skip_invalid_rates_the_rest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = FIXTURES / "three_bad.csv"
    code, out, err = run(
        capsys, "evaluate", str(path), "--skip-invalid", "--format", "csv", "--ruleset", str(HENAN)
    )
    assert code == 0, err
    assert [row["村名"] for row in parse_csv(out)] == ["甲村", "丙村"]
    assert err.count("skipped: ") == 3 and "skipped 2 invalid rows" in err


def test_rejects_are_written_to_fix_and_read_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = FIXTURES / "three_bad.csv"
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("an old file\n", encoding="utf-8")
    code, out, err = run(
        capsys, "evaluate", str(path), "--rejects", str(rejects), "--ruleset", str(HENAN)
    )
    assert code == 0, err  # --rejects implies --skip-invalid
    assert f"written to {rejects}" in err
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["#文件", "#行", "#问题", "村名", "辖区", "类型", "村集体经济年收入",
                       "卫生厕所普及率", "越级上访件数"]  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["3", "5"]
    assert "很多" in rows[1][2] and rows[1][3:] == ["乙村", "cn-henan", "rural", "很多", "0.9", "0"]
    fixed = rejects.read_text(encoding="utf-8-sig").replace("很多", "120000")
    fixed = fixed.replace(",89,-1", ",89%,1")
    rejects.write_text(fixed, encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(rejects), "--ruleset", str(HENAN))
    assert code == 0, err
    assert "乙村" in out and "丁村" in out


def test_no_rejects_leaves_an_empty_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("stale\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(HANZHUANG), "--rejects", str(rejects))
    assert code == 0 and "skipped" not in err
    assert rejects.read_bytes() == b"\xef\xbb\xbf"


def test_labels_of_a_ruleset_extra_name_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = ROOT / "tests" / "fixtures" / "with_extra.yaml"  # declares 香菇种植袋数, a count
    path = tmp_path / "v.csv"
    path.write_text('村名,辖区,类型,香菇种植袋数\n甲村,cn-henan,rural,"5,000"\n', encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(path), "--ruleset", str(rules), "--format", "json")
    assert code == 0, err
    (record,) = json.loads(out)
    criteria = {c["id"]: c for c in record["stars"]["industry"]["criteria"]}
    assert criteria["industry.mushrooms"]["observed"] == {"extra.mushroom_bags": 5000}


def test_xlsx_in_and_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    workbook = tmp_path / "villages.xlsx"
    code, _, err = run(capsys, "template", "cn-henan/anyang/tangyin", "--on", "2022-12-31",
                       "-o", str(workbook))  # fmt: skip
    assert code == 0, err
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    sheet = book.worksheets[0]
    for row in csv.reader(io.StringIO(HANZHUANG.read_text(encoding="utf-8-sig"))):
        if row[0] != "统计用区划代码":
            sheet.append(row)
    book.save(workbook)
    code, out, err = run(capsys, "evaluate", str(workbook), "--format", "jsonl")
    assert code == 0, err
    levels = Counter(json.loads(line)["level"]["value"] for line in out.splitlines())
    assert levels == LEVELS


def test_xlsx_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    pytest.importorskip("openpyxl")
    code, out, err = run_bytes(capsysbinary, "evaluate", str(HANZHUANG), "--format", "xlsx")
    assert code == 0, err
    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(out), read_only=True).worksheets[0].values)
    assert len(rows) == 34


def test_without_openpyxl_xlsx_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    for args in (
        ["evaluate", str(HANZHUANG), "-o", str(tmp_path / "out.xlsx")],
        ["evaluate", str(HANZHUANG), "--format", "xlsx"],
        ["evaluate", str(tmp_path / "in.xlsx")],
        ["template", "cn-henan", "-o", str(tmp_path / "t.xlsx")],
    ):
        (tmp_path / "in.xlsx").write_bytes(b"PK")
        code, out, err = run(capsys, *args)
        assert code == 2, args
        assert "pip install 'starrules[xlsx]'" in err and "Traceback" not in err
        assert out == ""
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "t.xlsx").exists()


def test_an_interrupted_csv_holds_whole_rows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assess = Chooser.assess
    calls = 0

    def interrupted(self: Chooser, record: object) -> object:
        nonlocal calls
        calls += 1
        if calls > 10:
            raise KeyboardInterrupt
        return assess(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(Chooser, "assess", interrupted)
    code, out, err = run(capsys, "evaluate", str(HANZHUANG), "--format", "csv")
    assert code == 130 and "aborted" in err
    assert out.endswith("\r\n") and len(parse_csv(out)) == 10


# -- template ----------------------------------------------------------------------------


def test_template_is_the_header_of_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "template", "cn-henan/anyang/tangyin", "--on", "2022-12-31")
    assert code == 0, err
    header = HANZHUANG.read_text(encoding="utf-8-sig").splitlines()[0]
    assert out.removeprefix("\ufeff").rstrip("\r\n") == header


def test_template_in_english_reads_back(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    code, _, err = run(capsys, "template", str(HENAN), "--lang", "en", "-o", str(target))
    assert code == 0, err
    header = target.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["Division code", "Village", "Township"]
    assert "Sanitary toilet rate" in header
    code, out, err = run(capsys, "evaluate", str(target), "--format", "jsonl")
    assert code == 0 and out == "", err  # no village, and every header understood


def test_template_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "template", "cn-hennan")
    assert code == 2 and "did you mean 'cn-henan'" in err
    code, _, err = run(capsys, "template", "Not A Place")
    assert code == 2 and "neither a ruleset file nor a jurisdiction" in err
    code, _, err = run(capsys, "template", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "template", "cn-henan", "-o", str(tmp_path / "t.txt"))
    assert code == 2 and ".csv or .xlsx" in err
    code, _, err = run(capsys, "template", "cn-henan/anyang/nowhere")
    assert code == 0 and "cn-henan's applies" in err


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json", "txt"])
def test_an_output_that_cannot_be_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    if suffix == "xlsx":
        pytest.importorskip("openpyxl")
    target = tmp_path / "missing-folder" / f"out.{suffix}"
    code, _, err = run(capsys, "evaluate", str(HANZHUANG), "-o", str(target))
    assert code == 2 and "cannot write the file" in err and "Traceback" not in err
    if Path("/dev/full").exists() and suffix != "xlsx":
        code, _, err = run(capsys, "evaluate", str(HANZHUANG), "--format", suffix.replace(
            "txt", "table"), "-o", "/dev/full")  # fmt: skip
        assert code == 2 and "No space left" in err


def test_the_cli_loads_openpyxl_only_for_xlsx() -> None:
    probe = (
        "import sys, starrules, starrules.cli\n"
        "import starrules.inputs.spreadsheets, starrules.render.rows\n"
        "from starrules.cli import main\n"
        f"assert main(['evaluate', {str(HANZHUANG)!r}, '--format', 'csv']) == 0\n"
        "assert 'openpyxl' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
