"""Reading villages from spreadsheets: CSV (UTF-8 with or without BOM, GBK) and .xlsx
(inputs/spreadsheets.py and the sheet_rows, sheet_header, sheet_columns and sheet_cells
modules it reads with)."""

from __future__ import annotations

import re
import sys
import tracemalloc
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starrules import Registry
from starrules.errors import InputError
from starrules.i18n import Text
from starrules.indicators import Better, IndicatorKind, IndicatorSpec
from starrules.inputs.sheet_cells import cell_reader, parse_cell
from starrules.inputs.sheet_columns import template_columns
from starrules.inputs.sheet_rows import detect_encoding
from starrules.inputs.spreadsheets import RejectedRow, SheetError, read_sheet
from starrules.inputs.villages import read_villages

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "spreadsheets"
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"

VOLUNTEERS = IndicatorSpec(
    "extra.volunteer_team",
    IndicatorKind.BOOL,
    Better.HIGHER,
    Text(zh="组建志愿者服务队", en="Volunteer service team set up"),
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def dumps(path: Path, **kwargs: Any) -> list[dict[str, Any]]:
    return [r.village.model_dump(mode="json") for r in read_villages(path, **kwargs)]


# -- headers --------------------------------------------------------------------------


def test_zh_en_and_path_headers_read_the_same_villages() -> None:
    zh = dumps(FIXTURES / "villages_zh.csv")
    en = dumps(FIXTURES / "villages_en.csv")
    paths = dumps(FIXTURES / "villages_paths.csv")
    for village in paths:
        village["extra"] = {}
    assert zh == en == paths
    first, second = zh
    assert first["code"] == "410523105201" and first["kind"] == "rural"
    assert first["as_of"] == "2022-12-31" and second["as_of"] == "2022-12-31"
    assert first["industry"]["collective_income"] == 250000
    assert second["industry"]["collective_income"] == 85000  # 8.5万
    assert first["ecology"]["sanitary_toilet_rate"] == 0.89  # 89%
    assert first["industry"]["one_village_one_product"] is True
    assert second["industry"]["one_village_one_product"] is False
    assert first["safety"]["escalated_petitions"] == 0
    assert second["safety"]["escalated_petitions"] is None  # empty: unknown, not 0


def test_where_names_file_and_row() -> None:
    records = list(read_villages(FIXTURES / "villages_zh.csv"))
    assert [r.where for r in records] == [
        f"{FIXTURES / 'villages_zh.csv'}:2",
        f"{FIXTURES / 'villages_zh.csv'}:3",
    ]


def test_extra_paths_and_declared_labels(tmp_path: Path) -> None:
    by_path = dumps(FIXTURES / "villages_paths.csv")
    assert by_path[0]["extra"] == {"volunteer_team": True}  # declared as yes/no: 1 is yes
    assert by_path[1]["extra"] == {}
    path = write(tmp_path, "v.csv", "村名,辖区,类型,组建志愿者服务队\n甲村,cn-henan,rural,是\n")
    (village,) = dumps(path, indicators=[VOLUNTEERS])
    assert village["extra"] == {"volunteer_team": True}


def test_labels_of_bundled_extras_are_known_without_a_catalogue(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "村名,辖区,类型,组建志愿者服务队\n甲村,cn-henan,rural,否\n")
    (village,) = dumps(path)
    assert village["extra"] == {"volunteer_team": False}


def test_undeclared_extra_cells_are_typed_by_their_look(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "name,jurisdiction,kind,extra.a,extra.b,extra.c,extra.d,extra.e\n"
        "甲村,cn-henan,rural,5000000,是,香菇,12.5%,1\n",
    )
    (village,) = dumps(path)
    assert village["extra"] == {"a": 5000000, "b": True, "c": "香菇", "d": 0.125, "e": 1}


def test_headers_forgive_quotes_spaces_case_and_units(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        'NAME, jurisdiction ,Kind,有"一村一品"主导产业,村集体经济年收入（元）,'
        "Sanitary Toilet Rate (%)\n"
        "甲村,cn-henan,rural,是,100000,90%\n",
    )
    (village,) = dumps(path)
    assert village["industry"] == {
        **village["industry"],
        "one_village_one_product": True,
        "collective_income": 100000,
    }
    assert village["ecology"]["sanitary_toilet_rate"] == 0.9


def test_unknown_headers_are_all_named_with_suggestions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "村名,辖区,类型,村集体经济年收,industry.collective_incom,备注\n甲村,cn-henan,rural,1,1,x\n",
    )
    with pytest.raises(SheetError) as caught:
        list(read_villages(path))
    problems = caught.value.problems
    assert [(p.location.line, p.location.column) for p in problems] == [(1, 4), (1, 5), (1, 6)]
    assert "村集体经济年收入" in str(problems[0])
    assert "industry.collective_income" in str(problems[1])
    assert "unknown column" in str(problems[2]) and "#" in str(caught.value)


def test_comment_and_blank_header_columns_are_ignored(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "村名,辖区,类型,#备注,\n甲村,cn-henan,rural,随便写,\n乙村,cn-henan,rural,,\n",
    )
    assert [v["name"] for v in dumps(path)] == ["甲村", "乙村"]


def test_a_value_under_no_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "村名,辖区,类型\n甲村,cn-henan,rural,多余\n")
    with pytest.raises(SheetError, match=r"v.csv:2:4: .*no header"):
        list(read_villages(path))


def test_duplicate_and_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "村名,name,村集体经济年收入,industry.collective_income\n")
    with pytest.raises(SheetError) as caught:
        list(read_villages(path))
    text = str(caught.value)
    assert "v.csv:1:2" in text and "v.csv:1:4" in text and "same column" in text
    assert "jurisdiction" in text and "kind" in text  # required columns that are absent


def test_title_rows_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "韩庄镇2022年度“五星”支部创建指标,,\n\n村名,辖区,类型\n甲村,cn-henan,rural\n,,\n\n乙村,cn-henan,rural\n",
    )
    records = list(read_villages(path))
    assert [r.village.name for r in records] == ["甲村", "乙村"]
    assert [r.where.rsplit(":", 1)[1] for r in records] == ["4", "7"]


def test_an_empty_file_holds_no_village(tmp_path: Path) -> None:
    assert list(read_villages(write(tmp_path, "v.csv", ""))) == []
    assert list(read_villages(write(tmp_path, "w.csv", "村名,辖区,类型\n"))) == []


def test_tabs_and_semicolons_as_separators(tmp_path: Path) -> None:
    tsv = write(
        tmp_path, "v.tsv", "村名\t辖区\t类型\t村集体经济年收入\n甲村\tcn-henan\trural\t1,000\n"
    )
    semi = write(tmp_path, "v.csv", "村名;辖区;类型;村集体经济年收入\n甲村;cn-henan;rural;1000\n")
    assert dumps(tsv) == dumps(semi)
    assert dumps(tsv)[0]["industry"]["collective_income"] == 1000


# -- cells ------------------------------------------------------------------------------

C, M, R, B, N, S = (
    IndicatorKind.COUNT,
    IndicatorKind.MONEY,
    IndicatorKind.RATE,
    IndicatorKind.BOOL,
    IndicatorKind.NUMBER,
    IndicatorKind.STRING,
)


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        (C, "12", 12),
        (C, "12.0", 12),
        (C, "1,200", 1200),
        (C, "１２", 12),  # full-width digits
        (C, 3.0, 3),
        (C, 7, 7),
        (M, "250000", 250000),
        (M, "250,000.50", 250000.5),
        (M, "25万", 250000),
        (M, "25万元", 250000),
        (M, "2.5万", 25000),
        (M, "250000元", 250000),
        (M, 1.5e5, 150000.0),
        (R, "0.89", 0.89),
        (R, "89%", 0.89),
        (R, "89.5 %", 0.895),
        (R, "８９％", 0.89),
        (R, 0.89, 0.89),
        (N, "-3.5", -3.5),
        (N, "1e3", 1000.0),
        (B, "是", True),
        (B, "否", False),
        (B, "有", True),
        (B, "无", False),
        (B, "YES", True),
        (B, "no", False),
        (B, "True", True),
        (B, "false", False),
        (B, "1", True),
        (B, "0", False),
        (B, "√", True),
        (B, "×", False),
        (B, True, True),
        (B, 0, False),
        (S, "香菇", "香菇"),
        (S, 5, "5"),
        (None, "12", 12),
        (None, "1.5", 1.5),
        (None, "85%", 0.85),
        (None, "是", True),
        (None, "no", False),
        (None, "香菇", "香菇"),
    ],
)
def test_cells(kind: IndicatorKind | None, cell: object, value: object) -> None:
    parsed = parse_cell(kind, cell)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("cell", ["", "   ", None])
def test_empty_cells_are_unknown(cell: object) -> None:
    for kind in (C, M, R, B, N, S, None):
        assert parse_cell(kind, cell) is None


@pytest.mark.parametrize(
    ("kind", "cell", "message"),
    [
        (C, "很多", "not a number"),
        (C, "12.5", "whole number"),
        (C, "12%", "percentage"),
        (C, True, "yes/no"),
        (M, "nan", "not a number"),
        (M, "inf", "not a number"),
        (M, "1,00", "not a number"),
        (R, "high", "not a number"),
        (B, "maybe", "yes/no"),
        (B, "2", "yes/no"),
        (B, 0.5, "yes/no"),
        (C, datetime(2022, 1, 1), "date"),
    ],
)
def test_bad_cells(kind: IndicatorKind, cell: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_cell(kind, cell)


def test_three_bad_cells_are_all_named() -> None:
    path = FIXTURES / "three_bad.csv"
    with pytest.raises(SheetError) as caught:
        list(read_villages(path))
    problems = caught.value.problems
    assert [(p.location.file, p.location.line, p.location.column) for p in problems] == [
        (str(path), 3, 4),
        (str(path), 5, 5),
        (str(path), 5, 6),
    ]
    text = str(caught.value)
    assert f"{path}:3:4: 村集体经济年收入 (industry.collective_income" in text
    assert "很多" in text
    assert f"{path}:5:5: 卫生厕所普及率 (ecology.sanitary_toilet_rate" in text
    assert "89%" in text  # the hint for a rate written as a percentage without %
    assert f"{path}:5:6: 越级上访件数 (safety.escalated_petitions" in text
    assert "3 problems in 2 rows" in text
    assert isinstance(caught.value, InputError)


def test_good_rows_come_first_and_the_errors_at_the_end() -> None:
    records = read_villages(FIXTURES / "three_bad.csv")
    assert next(records).village.name == "甲村"
    assert next(records).village.name == "丙村"
    with pytest.raises(SheetError):
        next(records)


def test_on_reject_collects_bad_rows_and_goes_on() -> None:
    rejected: list[RejectedRow] = []
    names = [
        r.village.name for r in read_villages(FIXTURES / "three_bad.csv", on_reject=rejected.append)
    ]
    assert names == ["甲村", "丙村"]
    assert [r.row for r in rejected] == [3, 5]
    assert rejected[0].cells == ("乙村", "cn-henan", "rural", "很多", "0.9", "0")
    assert rejected[0].header[0] == "村名"
    assert len(rejected[1].problems) == 2


def test_identity_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "村名,辖区,类型,数据截止日期,统计用区划代码\n"
        "甲村,cn-henan,城市社区,2022年12月31日,\n"
        "乙村,cn-henan,农村,2022/1/5,411323100201\n",
    )
    first, second = dumps(path)
    assert first["kind"] == "urban_community" and first["as_of"] == "2022-12-31"
    assert first["code"] is None
    assert second["as_of"] == "2022-01-05" and second["code"] == "411323100201"


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("数据截止日期", "31.12.2022", "date"),
        ("数据截止日期", "2022-02-30", "date"),
        ("统计用区划代码", "4105", "code"),
        ("类型", "乡村", "rural"),
    ],
)
def test_bad_identity_cells(tmp_path: Path, header: str, cell: str, message: str) -> None:
    path = write(tmp_path, "v.csv", f"村名,辖区,类型,{header}\n甲村,cn-henan,rural,{cell}\n")
    if header == "类型":
        path = write(tmp_path, "v.csv", f"村名,辖区,类型\n甲村,cn-henan,{cell}\n")
    with pytest.raises(SheetError, match=message) as caught:
        list(read_villages(path))
    assert caught.value.problems[0].location.line == 2


def test_an_empty_name_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "村名,辖区,类型\n,cn-henan,rural\n")
    with pytest.raises(
        SheetError, match=r"v.csv:2:1: 村名 \(name, cell A2\): required, but the cell is empty"
    ):
        list(read_villages(path))


# -- encodings --------------------------------------------------------------------------

TEXT = "村名,辖区,类型,卫生厕所普及率\n韩庄村,cn-henan,rural,89%\n"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write(tmp_path, "v.csv", TEXT, encoding)
    assert detect_encoding(path) == detected
    (village,) = dumps(path)
    assert village["name"] == "韩庄村" and village["ecology"]["sanitary_toilet_rate"] == 0.89


def test_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", TEXT, "utf-16-le")  # no byte order mark: not detected
    (village,) = dumps(path, encoding="utf-16-le")
    assert village["name"] == "韩庄村"
    with pytest.raises(InputError, match="unknown encoding 'no-such'"):
        list(read_villages(path, encoding="no-such"))
    gbk = write(tmp_path, "g.csv", TEXT, "gbk")
    with pytest.raises(InputError, match=r"g.csv:1: not utf-8 text"):
        list(read_villages(gbk, encoding="utf-8"))


def test_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(b"name,jurisdiction,kind\n\xff\xfe\xfd\x80,cn-henan,rural\n")
    with pytest.raises(InputError, match=r"v.csv:2: neither UTF-8 nor GBK.*--encoding"):
        list(read_villages(path))


def test_gbk_and_bom_files_give_the_same_assessments(tmp_path: Path) -> None:
    text = HANZHUANG.read_text(encoding="utf-8-sig")
    gbk = write(tmp_path, "gbk.csv", text, "gbk")
    bom = write(tmp_path, "bom.csv", text, "utf-8-sig")
    registry = Registry.default()
    one = [registry.evaluate(r.village).to_json() for r in read_villages(gbk)]
    two = [registry.evaluate(r.village).to_json() for r in read_villages(bom)]
    assert one == two and len(one) == 33


def test_huge_fields_are_located(tmp_path: Path) -> None:
    big = write(tmp_path, "b.csv", "村名,辖区,类型\n" + '"' + "x" * 200_000 + '",cn-henan,rural\n')
    with pytest.raises(InputError, match=r"b.csv:2"):
        list(read_villages(big))


def test_old_excel_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "v.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xls.*save it as \.xlsx"):
        list(read_villages(path))


# -- streaming --------------------------------------------------------------------------


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_villages(path))
        assert count > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_csv_is_streamed(tmp_path: Path) -> None:
    row = "甲村,cn-henan,rural,250000,0.9,是\n"
    head = "村名,辖区,类型,村集体经济年收入,卫生厕所普及率,有“一村一品”主导产业\n"
    small = write(tmp_path, "small.csv", head + row * 500)
    large = write(tmp_path, "large.csv", head + row * 5000)
    _peak(small)  # warm caches (regexes, the bundled catalogue) before measuring
    assert _peak(large) < 2 * _peak(small) + 200_000


# -- xlsx -------------------------------------------------------------------------------


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["韩庄镇“五星”支部创建指标表"])
    sheet.append(
        ["统计用区划代码", "村名", "乡镇", "辖区", "类型", "数据截止日期", "村集体经济年收入",
         "卫生厕所普及率", "有“一村一品”主导产业", "越级上访件数"]
    )  # fmt: skip
    sheet.append(
        [410523105201, "甲村", "韩庄镇", "cn-henan/anyang/tangyin", "农村", datetime(2022, 12, 31),
         250000, 0.89, True, 0]
    )  # fmt: skip
    sheet.append(
        ["410523105202", "乙村", "韩庄镇", "cn-henan/anyang/tangyin", "rural", "2022-12-31",
         "8.5万", "91%", "否", None]
    )  # fmt: skip
    path = tmp_path / "v.xlsx"
    workbook.save(path)
    records = list(read_villages(path))
    assert [r.where for r in records] == [f"{path}:3", f"{path}:4"]
    assert [r.village.model_dump(mode="json") for r in records] == dumps(
        FIXTURES / "villages_zh.csv"
    )


def test_xlsx_bad_cells_are_located(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["村名", "辖区", "类型", "卫生厕所普及率", "越级上访件数"])
    sheet.append(["甲村", "cn-henan", "rural", 89, "#N/A"])
    sheet.append(["乙村", "cn-henan", "rural", date(2022, 1, 1), 0])
    path = tmp_path / "v.xlsx"
    workbook.save(path)
    with pytest.raises(SheetError) as caught:
        list(read_villages(path))
    assert [(p.location.line, p.location.column) for p in caught.value.problems] == [
        (2, 4),
        (2, 5),
        (3, 4),
    ]
    assert "cell D2" in str(caught.value)


def test_not_a_workbook(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "v.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"v.xlsx: not an Excel workbook"):
        list(read_villages(path))


def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v.xlsx"
    path.write_bytes(b"PK")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    with pytest.raises(InputError, match=r"pip install 'starrules\[xlsx\]'"):
        list(read_villages(path))


# -- templates and the example ------------------------------------------------------------


def test_template_columns_are_what_the_ruleset_reads() -> None:
    registry = Registry.default()
    tangyin = registry.resolve("cn-henan/anyang/tangyin", "rural", date(2022, 12, 31))
    columns = template_columns(tangyin)
    assert columns[:6] == ["code", "name", "township", "jurisdiction", "kind", "as_of"]
    assert "industry.collective_income" in columns and "extra.volunteer_team" in columns
    assert "branch.themed_party_days" not in columns  # no criterion reads it
    assert len(columns) == len(set(columns))


def test_hanzhuang_example_gives_the_reported_counts() -> None:
    registry = Registry.default()
    assessments = [registry.evaluate(r.village) for r in read_villages(HANZHUANG)]
    assert len(assessments) == 33
    stars = Counter(s for a in assessments for s in a.granted)
    assert stars == {"industry": 17, "civility": 27, "safety": 27, "ecology": 16, "branch": 1}
    levels = Counter(a.level.value for a in assessments)
    assert levels == {5: 1, 4: 4, 3: 15, 2: 11, 0: 2}
    assert all(a.ruleset.jurisdiction == "cn-henan/anyang/tangyin" for a in assessments)
    assert {a.as_of for a in assessments} == {date(2022, 12, 31)}
    header = HANZHUANG.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("统计用区划代码,村名,乡镇,辖区,类型,数据截止日期,")


def test_read_sheet_is_read_villages_for_spreadsheets() -> None:
    one = [r.village for r in read_sheet(FIXTURES / "villages_zh.csv")]
    two = [r.village for r in read_villages(FIXTURES / "villages_zh.csv")]
    assert one == two


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from([C, M, R, B, N, S, None]),
    cell=st.one_of(
        st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?%?", fullmatch=True),
        st.sampled_from(["是", "否", "YES", "No", "TRUE", "1", "0", "√", "", " 12 ", "1,200"]),
        st.text(max_size=8),
    ),
)
def test_the_fast_path_reads_cells_as_parse_cell_does(
    kind: IndicatorKind | None, cell: str
) -> None:
    """Columns read common cells on a fast path: the values (or the errors) are the same."""
    fast = cell_reader("extra.x" if kind is None else "industry.x", kind)
    try:
        expected: object = parse_cell(kind, cell)
    except ValueError as exc:
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            fast(cell)
        return
    got = fast(cell)
    assert got == expected and type(got) is type(expected)


def test_extra_keys_may_hold_dots(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "name,jurisdiction,kind,extra.a.b\n甲村,cn-henan,rural,7\n")
    (village,) = dumps(path)
    assert village["extra"] == {"a.b": 7}
