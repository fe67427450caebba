"""The partition function under Spark: the example of docs/scale-out.md (`mapInArrow` over
`evaluate_arrow_batches`, Spark in local[2]) rates as one `evaluate_table` does. Skipped
where pyspark or Java is not installed."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("pandas")
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark)")
if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
    pytest.skip("Spark needs Java, which is not installed", allow_module_level=True)

import pyarrow.parquet as pq
from scale_out import (
    ON,
    henan,
    many_villages,
    run_doc_example,
    same_rows,
    villages_table,
)

pytestmark = [
    pytest.mark.slow,  # starts a JVM
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def test_the_documented_spark_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = henan()
    villages = [v.model_copy(update={"as_of": ON}) for v in many_villages(1500)]
    lines = [v.model_dump_json(exclude_none=True) for v in villages]
    (tmp_path / "villages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers that import starrules
    namespace: dict[str, object] = {}
    try:
        namespace = run_doc_example("spark")
        got = pq.read_table(tmp_path / "ratings-spark")
    finally:
        spark = namespace.get("spark")
        if spark is not None:
            spark.stop()  # type: ignore[attr-defined]
    expected = ruleset.evaluate_table(villages_table(villages, ruleset))
    # Spark reads `as_of` from JSON as text: the same dates
    assert got.column("as_of").to_pylist() == [ON.isoformat()] * len(villages)
    same_rows(got.drop_columns(["as_of"]), expected.drop_columns(["as_of"]), key="code")
