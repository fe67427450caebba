"""Villages for the scale-out tests (Dask, Spark, Ray): a few thousand made from the example
villages, the serial result they are held to, and the examples of docs/scale-out.md."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

from conftest import ROOT, provincial_example_lines

import starrules
from starrules import Village

DOC = ROOT / "docs" / "scale-out.md"
ON = date(2023, 12, 31)
SECTIONS = ("branch", "industry", "ecology", "safety", "civility")


def henan() -> starrules.Ruleset:
    """The province's ruleset for rural villages (the examples are all in Henan)."""
    return starrules.Registry.default().resolve("cn-henan", "rural")


def many_villages(count: int, seed: int = 14) -> list[Village]:
    """`count` villages after the examples: in three townships per example township, each
    indicator unknown one time in twelve, the collective income scaled now and then, and
    one village in seven without `as_of` (judged on ON)."""
    rows = [json.loads(line) for line in provincial_example_lines()]
    rng = random.Random(seed)
    villages = []
    for i in range(count):
        row = json.loads(json.dumps(rows[i % len(rows)]))
        row["code"] = f"4105{i:08d}"
        row["name"] = f"{row['name']}{i}"
        row["township"] = f"{row['township']}{i % 3}"
        row["as_of"] = None if i % 7 == 0 else ON.isoformat()
        for section in SECTIONS:
            values = row.get(section) or {}
            for key in list(values):
                if rng.random() < 1 / 12:
                    del values[key]
        income = row["industry"].get("collective_income")
        if income is not None and rng.random() < 0.3:
            row["industry"]["collective_income"] = income * rng.choice([0.01, 0.2, 3.0])
        villages.append(Village.model_validate(row))
    return villages


def villages_table(villages: list[Village], ruleset: starrules.Ruleset) -> Any:
    from starrules.columnar.tables import villages_table as table_of

    return table_of(villages, ruleset.tree.indicators)


def write_parquet(table: Any, folder: Path, parts: int) -> None:
    """The table as `parts` Parquet files in `folder`, in order (part-0, part-1, …)."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True)
    size = -(-table.num_rows // parts)
    for part in range(parts):
        pq.write_table(table.slice(part * size, size), folder / f"part-{part}.parquet")


def doc_example(name: str) -> str:
    """The Python block of docs/scale-out.md under `<!-- example: NAME -->`."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)\n```", text, re.S)
    assert found, f"docs/scale-out.md has no example {name!r}"
    return found.group(1)


def run_doc_example(name: str) -> dict[str, Any]:
    """Run an example of docs/scale-out.md (in the current folder): its namespace."""
    namespace: dict[str, Any] = {"__name__": f"scale_out_{name}"}
    exec(compile(doc_example(name), f"docs/scale-out.md:{name}", "exec"), namespace)
    return namespace


def same_rows(got: Any, expected: Any, key: str | None = None) -> None:
    """Two Arrow tables hold the same values column by column (statuses compared as text),
    in the same order, or both ordered by `key`."""
    import pyarrow as pa

    def plain(table: Any) -> Any:
        if key is not None:
            table = table.sort_by(key)
        columns = {}
        for name in table.column_names:
            column = table.column(name)
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            if pa.types.is_large_string(column.type):
                column = column.cast(pa.string())
            columns[name] = column.to_pylist()
        return columns

    assert got.column_names == expected.column_names
    left, right = plain(got), plain(expected)
    for name in expected.column_names:
        assert left[name] == right[name], name
