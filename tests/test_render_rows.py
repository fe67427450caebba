"""Assessments as spreadsheet rows: `evaluate --format csv|xlsx`."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from starrules import Registry, Village
from starrules.errors import InputError, StarrulesError
from starrules.explain.assessment import Assessment
from starrules.inputs.villages import read_villages
from starrules.render.rows import (
    CsvWriter,
    XlsxWriter,
    assessment_header,
    open_writer,
    write_assessments,
)

ROOT = Path(__file__).resolve().parents[1]
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"


@pytest.fixture(scope="module")
def assessments() -> list[Assessment]:
    registry = Registry.default()
    return [registry.evaluate(r.village) for r in read_villages(HANZHUANG)]


def _village(**more: object) -> Village:
    data = {
        "name": "甲村",
        "jurisdiction": "cn-henan/anyang/tangyin",
        "kind": "rural",
        "as_of": "2022-12-31",
        **more,
    }
    return Village.model_validate(data)


def csv_rows(assessments: list[Assessment], lang: str = "zh") -> list[list[str]]:
    buffer = io.BytesIO()
    write_assessments(iter(assessments), CsvWriter(buffer), lang)  # type: ignore[arg-type]
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_header_in_both_languages(assessments: list[Assessment]) -> None:
    assert assessment_header(assessments[0], "zh") == [
        "统计用区划代码", "村名", "乡镇", "辖区",
        "产业兴旺星", "生态宜居星", "平安法治星", "文明幸福星", "支部过硬星",
        "等级", "最低等级", "最高等级", "缺少的指标",
    ]  # fmt: skip
    assert assessment_header(assessments[0], "en") == [
        "Division code", "Village", "Township", "Jurisdiction",
        "Thriving Industry", "Ecological Livability", "Safety and Rule of Law",
        "Civility and Happiness", "Strong Branch",
        "Level", "Level (min)", "Level (max)", "Missing indicators",
    ]  # fmt: skip


def test_a_row_per_village(assessments: list[Assessment]) -> None:
    rows = csv_rows(assessments)
    assert len(rows) == 34
    first = rows[1]
    assert first[:4] == ["410523105201", "部落村", "韩庄镇", "cn-henan/anyang/tangyin"]
    assert first[4:9] == ["获得"] * 5
    assert first[9:] == ["5", "5", "5", ""]
    en = csv_rows(assessments, "en")
    assert en[1][4:9] == ["granted"] * 5
    assert {row[4] for row in en[1:]} == {"granted", "denied"}


def test_an_undetermined_village(assessments: list[Assessment]) -> None:
    registry = Registry.default()
    village = _village(
        ecology={
            "sewage_treatment_rate": 0.6,
            "garbage_system": True,
            "cleaning_days_per_month": 4,
            "greening_rate": 0.4,
        }
    )
    rows = csv_rows([registry.evaluate(village)])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["生态宜居星"] == "待定" and row["产业兴旺星"] == "待定"
    assert row["等级"] == "" and row["最低等级"] == "0" and row["最高等级"] == "5"
    assert "卫生厕所普及率" in row["缺少的指标"] and "、" in row["缺少的指标"]
    en = csv_rows([registry.evaluate(village)], "en")
    assert "Sanitary toilet rate" in dict(zip(en[0], en[1], strict=True))["Missing indicators"]


def test_formulas_in_names_are_not_formulas() -> None:
    registry = Registry.default()
    rows = csv_rows([registry.evaluate(_village(name="=1+1", township="@SUM(A1)"))])
    assert rows[1][1] == "'=1+1" and rows[1][2] == "'@SUM(A1)"


def test_stars_of_another_ruleset_are_refused() -> None:
    registry = Registry.default()
    rural = registry.evaluate(_village())
    urban = registry.evaluate(
        Village.model_validate(
            {"name": "乙社区", "jurisdiction": "cn-henan", "kind": "urban_community"}
        )
    )
    with pytest.raises(StarrulesError, match=r"乙社区.*共建共享星"):
        csv_rows([rural, urban])


def test_no_village_writes_the_header_only() -> None:
    rows = csv_rows([])
    assert rows == [
        ["统计用区划代码", "村名", "乡镇", "辖区", "等级", "最低等级", "最高等级", "缺少的指标"]
    ]


def _interrupted(assessments: list[Assessment], after: int) -> Iterator[Assessment]:
    yield from assessments[:after]
    raise KeyboardInterrupt


def test_an_interrupted_csv_holds_whole_rows(assessments: list[Assessment]) -> None:
    buffer = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        write_assessments(_interrupted(assessments, 3), CsvWriter(buffer), "zh")
    text = buffer.getvalue().decode("utf-8-sig")
    assert text.endswith("\n")
    assert len(list(csv.reader(io.StringIO(text)))) == 4


def test_xlsx_has_the_rows_of_the_csv(tmp_path: Path, assessments: list[Assessment]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    write_assessments(iter(assessments), open_writer("xlsx", path), "zh")
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    cells = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == csv_rows(assessments)
    levels = [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(level, int) for level in levels)


def test_an_interrupted_xlsx_is_a_workbook_of_whole_rows(
    tmp_path: Path, assessments: list[Assessment]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    with pytest.raises(KeyboardInterrupt):
        write_assessments(_interrupted(assessments, 5), open_writer("xlsx", path), "en")
    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows())
    assert len(rows) == 6


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path)
    writer.write(["=1+1", "bad\x01char", 3, None])
    writer.close()
    (row,) = openpyxl.load_workbook(path).worksheets[0].iter_rows()
    assert row[0].data_type == "s" and row[0].value == "=1+1"
    assert row[1].value == "bad\ufffdchar" and row[2].value == 3 and len(row) == 3


def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputError, match=r"pip install 'starrules\[xlsx\]'"):
        open_writer("xlsx", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_writing_csv_is_streamed(assessments: list[Assessment]) -> None:
    """The writer keeps nothing per row: the peak memory of 3,300 rows is that of 330."""
    import tracemalloc

    class Sink:
        def write(self, data: bytes, /) -> int:
            return len(data)

        def flush(self) -> None:
            pass

        def close(self) -> None:
            pass

    def peak(times: int) -> int:
        tracemalloc.start()
        try:
            rows = (a for _ in range(times) for a in assessments)
            assert write_assessments(rows, CsvWriter(Sink()), "zh") == times * len(assessments)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(1)
    assert peak(100) < peak(10) + 50_000
