"""The partition function under Ray Data: the example of docs/scale-out.md
(`map_batches(evaluate_partition)` on a local Ray) rates as one `evaluate_table` does.
Skipped where Ray Data is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("pandas")
pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'ray[data]')")

import pyarrow as pa
import pyarrow.parquet as pq
from scale_out import (
    ON,
    henan,
    many_villages,
    run_doc_example,
    same_rows,
    villages_table,
    write_parquet,
)

pytestmark = pytest.mark.slow  # starts a Ray cluster


def test_the_documented_ray_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    ruleset = henan()
    table = villages_table(many_villages(1500), ruleset)
    table = table.set_column(
        table.column_names.index("as_of"), "as_of", pa.array([ON] * table.num_rows)
    )
    write_parquet(table, tmp_path / "villages", parts=3)
    monkeypatch.chdir(tmp_path)
    try:
        run_doc_example("ray")
    finally:
        ray.shutdown()
    got = pq.read_table(tmp_path / "ratings-ray")
    assert got.num_rows == table.num_rows
    same_rows(got, ruleset.evaluate_table(table), key="code")
