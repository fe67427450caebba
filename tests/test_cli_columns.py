"""`--engine rows|columns` for `evaluate` and `report`, and Parquet in and out
(cli/columns.py, inputs/parquet.py, inputs/by_ruleset.py): both engines give the same table
and reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from starrules import Village  # noqa: E402
from starrules.cli import main  # noqa: E402
from starrules.columnar.tables import villages_table  # noqa: E402
from starrules.village import STANDARD_INDICATORS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
HANZHUANG = ROOT / "examples" / "hanzhuang.csv"
TARGETS = ROOT / "examples" / "hanzhuang-targets.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example villages as a Parquet file: a column per indicator path."""
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    villages = [Village.model_validate_json(line) for line in lines if line.strip()]
    path = tmp_path_factory.mktemp("parquet") / "villages.parquet"
    pq.write_table(villages_table(villages, STANDARD_INDICATORS), path)
    return path


@pytest.mark.parametrize("source", ["jsonl", "parquet"])
def test_both_engines_print_the_same_table(
    capsys: pytest.CaptureFixture[str], parquet: Path, source: str
) -> None:
    file = str(EXAMPLES if source == "jsonl" else parquet)
    code, rows, err = run(capsys, "evaluate", file, "--engine", "rows", "--lang", "en")
    assert code == 0, err
    code, columns, err = run(capsys, "evaluate", file, "--engine", "columns", "--lang", "en")
    assert code == 0, err
    assert columns == rows
    assert "Village" in rows.splitlines()[0]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json"],
        ["--format", "json", "--by", "county"],
        ["--format", "json", "--by", "total", "--nearest", "0"],
        ["--lang", "en"],
    ],
)
def test_both_engines_give_the_same_report(
    capsys: pytest.CaptureFixture[str], parquet: Path, args: list[str]
) -> None:
    code, rows, err = run(capsys, "report", str(EXAMPLES), "--engine", "rows", *args)
    assert code == 0, err
    code, columns, err = run(capsys, "report", str(parquet), "--engine", "columns", *args)
    assert code == 0, err
    assert columns == rows


def test_plans_are_met_alike(capsys: pytest.CaptureFixture[str]) -> None:
    common = ["report", str(HANZHUANG), "--targets", str(TARGETS), "--format", "json"]
    code, rows, err = run(capsys, *common, "--engine", "rows")
    assert code == 0, err
    code, columns, err = run(capsys, *common, "--engine", "columns")
    assert code == 0, err
    assert json.loads(columns) == json.loads(rows)
    assert json.loads(rows)["plans"]


def test_parquet_out_holds_every_village_in_order(
    capsys: pytest.CaptureFixture[str], parquet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rated.parquet"
    code, _, err = run(capsys, "evaluate", str(parquet), "-o", str(out))
    assert code == 0, err
    rated = pq.read_table(out)
    source = pq.read_table(parquet)
    assert rated.column("name").to_pylist() == source.column("name").to_pylist()
    assert {"star.industry", "level", "level_min", "level_max", "ruleset"} <= set(
        rated.column_names
    )
    assert set(rated.column("ruleset").to_pylist()) >= {"henan-rural@2022.1"}


def test_a_parquet_file_rates_with_the_row_engine_too(
    capsys: pytest.CaptureFixture[str], parquet: Path
) -> None:
    code, out, err = run(capsys, "evaluate", str(parquet), "--engine", "rows", "--format", "jsonl")
    assert code == 0, err
    assert len(out.splitlines()) == pq.read_table(parquet).num_rows


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["--engine", "columns", "--format", "json"], "--engine columns gives table or parquet"),
        (["--engine", "rows", "--format", "parquet", "-o", "x.parquet"], "columnar engine"),
        (["--engine", "quick"], "Invalid value for '--engine'"),
    ],
)
def test_engine_mistakes_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], args: list[str], wanted: str
) -> None:
    code, _, err = run(capsys, "evaluate", str(EXAMPLES), *args)
    assert code == 2
    assert wanted in err
    assert "Traceback" not in err


def test_a_bad_parquet_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    for engine in ("rows", "columns"):
        code, _, err = run(capsys, "evaluate", str(bad), "--engine", engine)
        assert code == 2
        assert "bad.parquet: not a readable Parquet file" in err


def test_a_bad_value_in_parquet_names_the_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "v.parquet"
    table = pa.table(
        {
            "name": ["甲", "乙"],
            "jurisdiction": ["cn-henan", "cn-henan"],
            "kind": ["rural", "rural"],
            "as_of": ["2023-12-31", "2023-12-31"],
            "ecology.sanitary_toilet_rate": [0.5, 1.5],
        }
    )
    pq.write_table(table, path)
    code, _, err = run(capsys, "evaluate", str(path), "--engine", "columns")
    assert code == 2 and "row 2" in err and "ecology.sanitary_toilet_rate" in err, err
    code, _, err = run(capsys, "evaluate", str(path), "--engine", "rows")
    assert code == 2 and f"{path}:2: " in err and "ecology.sanitary_toilet_rate" in err, err


def test_auto_takes_the_columnar_engine_for_parquet(
    capsys: pytest.CaptureFixture[str], parquet: Path
) -> None:
    import starrules.cli.columns as columns

    assert columns.choose_engine("evaluate", "auto", "table", [parquet]) == "columns"
    assert columns.choose_engine("evaluate", "auto", "jsonl", [parquet]) == "rows"
    assert columns.choose_engine("report", "auto", "json", [EXAMPLES]) == "rows"


def test_auto_keeps_the_row_engine_for_large_text_inputs(tmp_path: Path) -> None:
    """A JSONL, JSON or spreadsheet input is read village by village whichever engine rates
    it, and building a table of it on top made `evaluate --format table` and `report` over
    100,000 villages twice as slow and five times as large in memory (benchmarks/
    bench_cli.py): `auto` takes the columnar engine for Parquet input only."""
    import starrules.cli.columns as columns

    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    large = tmp_path / "large.jsonl"
    large.write_text("\n".join(lines * (60_000 // len(lines) + 1)) + "\n", encoding="utf-8")
    assert columns.choose_engine("evaluate", "auto", "table", [large]) == "rows"
    assert columns.choose_engine("report", "auto", "table", [large]) == "rows"
