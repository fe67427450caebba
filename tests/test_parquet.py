"""Parquet files of villages (inputs/parquet.py): a table read or written, and the villages
of a file one at a time, each error naming the file (and the row and field)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from starrules.errors import InputError  # noqa: E402
from starrules.inputs.parquet import parquet_records, read_parquet, write_parquet  # noqa: E402

VILLAGES = {
    "name": ["韩庄村", "李庄村"],
    "jurisdiction": ["henan/anyang/tangyin", "henan/anyang/tangyin"],
    "kind": ["rural", "rural"],
    "industry.collective_income": [120_000.0, None],
}


def test_a_table_written_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "villages.parquet"
    write_parquet(pa.table(VILLAGES), path)
    assert read_parquet(path).to_pydict() == VILLAGES


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_parquet(tmp_path / "none.parquet")
    assert codes(caught.value) == ["SR503"]


def test_a_file_that_is_no_parquet_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_parquet(path)
    assert codes(caught.value) == ["SR598"] and str(path) in str(caught.value)


def test_writing_into_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_parquet(pa.table(VILLAGES), tmp_path / "no" / "such" / "out.parquet")
    assert codes(caught.value) == ["SR642"]


def test_records_are_the_villages_with_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "villages.parquet"
    pq.write_table(pa.table(VILLAGES), path)
    records = list(parquet_records(path))
    assert [r.village.name for r in records] == ["韩庄村", "李庄村"]
    # file:row, as a spreadsheet's rows are placed: no English word in a Chinese message
    assert [r.where for r in records] == [f"{path}:1", f"{path}:2"]
    assert records[0].village.industry.collective_income == 120_000
    assert records[1].village.industry.collective_income is None


def test_a_column_of_no_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "villages.parquet"
    pq.write_table(pa.table({**VILLAGES, "income": [1, 2]}), path)
    with pytest.raises(InputError) as caught:
        list(parquet_records(path))
    assert codes(caught.value) == ["SR599"] and "income" in str(caught.value)


def test_a_bad_row_names_the_row_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "villages.parquet"
    pq.write_table(pa.table({**VILLAGES, "kind": ["rural", "castle"]}), path)
    records = parquet_records(path)
    assert next(records).village.name == "韩庄村"
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:2: kind: ") as caught:
        next(records)
    assert codes(caught.value) == ["SR500"]
    assert caught.value.render("zh").startswith(f"{path}:2: kind：")


def codes(error: InputError) -> list[str | None]:
    return [problem.code for problem in error.problems]


def test_the_columnar_engine_reads_no_files_and_chooses_no_rulesets() -> None:
    """Layering: columnar (below inputs and the Ruleset facade) imports neither."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("starrules", include_external_packages=False)
    columnar = {m for m in graph.modules if m.split(".")[:2] == ["starrules", "columnar"]}
    imported = {i for m in columnar for i in graph.find_modules_directly_imported_by(m)}
    above = {m for m in imported if m.split(".")[1] in ("inputs", "ruleset")}
    assert not above, sorted(above)
