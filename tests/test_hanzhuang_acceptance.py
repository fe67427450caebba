"""Issue 12's acceptance on the 韩庄 example: 17/27/27/16/1 per star, 1/4/15/11 per level
plus the villages with no star, Σ = 88, and the share at three stars or above, identically
through the API and the CLI's table, CSV, xlsx, JSON and HTML; the same villages as a GBK
CSV and as a UTF-8-with-BOM CSV give the same report."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import starrules
from starrules.cli import main
from starrules.inputs.villages import read_villages

ROOT = Path(__file__).resolve().parents[1]
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"
STARS = {"industry": 17, "civility": 27, "safety": 27, "ecology": 16, "branch": 1}
LEVELS = {5: 1, 4: 4, 3: 15, 2: 11, 1: 0, 0: 2}


def test_through_the_api() -> None:
    registry = starrules.Registry.default()
    assessments = [registry.evaluate(r.village) for r in read_villages(HANZHUANG)]
    report = starrules.report(assessments, by="township")
    total = report.to_dict()["total"]
    assert {s: total["stars"][s]["granted"] for s in STARS} == STARS
    assert {v["value"]: v["fewest"] for v in total["levels"]} == LEVELS
    assert {v["value"]: v["most"] for v in total["levels"]} == LEVELS
    assert sum(k * v for k, v in LEVELS.items()) == sum(STARS.values()) == 88
    assert total["three_plus"]["fewest"] == total["three_plus"]["most"] == 20
    assert round(total["three_plus"]["share"]["fewest"], 4) == 0.6061
    assert total["check"] == {"villages": 33, "levels": 88, "stars": 88, "holds": True}


def _json_report(capsys: pytest.CaptureFixture[str], *files: str) -> dict[str, object]:
    assert main(["report", *files, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_through_the_cli_json_table_and_html(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    total = _json_report(capsys, str(HANZHUANG))["total"]
    assert isinstance(total, dict)
    assert {s: total["stars"][s]["granted"] for s in STARS} == STARS
    assert main(["report", str(HANZHUANG)]) == 0
    table = capsys.readouterr().out
    assert "17/16/0" in table and "88 = 88 ✔" in table and "60.61%" in table
    pytest.importorskip("plotly")
    page = tmp_path / "r.html"
    assert main(["report", str(HANZHUANG), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    shown = dict(re.findall(r'data-metric="(/total/[^"]+)" data-value="([^"]*)"', html))
    for star, granted in STARS.items():
        assert shown[f"/total/stars/{star}/granted"] == str(granted)


def test_through_evaluate_csv_and_xlsx(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["evaluate", str(HANZHUANG), "--format", "csv", "--lang", "en"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 33
    levels = [int(r["Level"]) for r in rows]
    assert {k: levels.count(k) for k in LEVELS} == LEVELS
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "r.xlsx"
    assert main(["evaluate", str(HANZHUANG), "-o", str(book), "--lang", "en"]) == 0
    sheet = openpyxl.load_workbook(book, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    column = list(values[0]).index("Level")
    xlsx_levels = [int(row[column]) for row in values[1:]]
    assert sorted(xlsx_levels) == sorted(levels)


def test_gbk_and_bom_csv_give_the_same_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = HANZHUANG.read_text(encoding="utf-8-sig")
    gbk, bom = tmp_path / "韩庄-gbk.csv", tmp_path / "韩庄-bom.csv"
    gbk.write_bytes(text.encode("gbk"))
    bom.write_bytes(text.encode("utf-8-sig"))
    first, second = _json_report(capsys, str(gbk)), _json_report(capsys, str(bom))
    assert first == second == _json_report(capsys, str(HANZHUANG))


def test_report_shows_progress_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(HANZHUANG), "--progress", "--format", "json"]) == 0
    assert "reporting" in capsys.readouterr().err
    assert main(["report", str(HANZHUANG), "--format", "json"]) == 0
    assert "reporting" not in capsys.readouterr().err  # not a terminal, not asked
