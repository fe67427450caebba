"""Reading villages from JSON and JSONL files."""

from __future__ import annotations

from pathlib import Path

import pytest

from starrules.errors import InputError
from starrules.inputs import read_villages

VILLAGE = '{"name": "甲村", "jurisdiction": "cn-henan", "kind": "rural"}'


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_streams_in_order_and_skips_blank_lines(tmp_path: Path) -> None:
    other = VILLAGE.replace("甲村", "乙村")
    path = write(tmp_path, "v.jsonl", f"{VILLAGE}\n\n{other}\n")
    records = list(read_villages(path))
    assert [r.village.name for r in records] == ["甲村", "乙村"]
    assert records[1].where == f"{path}:3"


def test_json_object_and_array(tmp_path: Path) -> None:
    single = write(tmp_path, "one.json", VILLAGE)
    many = write(tmp_path, "many.json", f"[{VILLAGE}, {VILLAGE}]")
    assert len(list(read_villages(single))) == 1
    records = list(read_villages(many))
    assert len(records) == 2 and records[1].where == f"{many}[1]"


def test_jsonl_is_lazy(tmp_path: Path) -> None:
    path = write(tmp_path, "v.jsonl", VILLAGE + "\n" + "{broken\n")
    records = read_villages(path)
    assert next(records).village.name == "甲村"
    with pytest.raises(InputError, match=r"v.jsonl:2:2: invalid JSON"):
        next(records)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "branch": '
            '{"reserve_cadres": "3"}}',
            "branch.reserve_cadres: Input should be a valid integer",
        ),
        ('{"name": "x", "jurisdiction": "cn-henan", "kind": "town"}', "kind:"),
        (
            '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "extra": {"a": NaN}}',
            "extra.a",
        ),
        (
            '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "industy": {}}',
            "industy: unknown field (did you mean 'industry'?)",
        ),
        ("[1, 2]", "a village must be a JSON object, not list"),
    ],
)
def test_errors_name_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "v.jsonl", line + "\n")
    with pytest.raises(InputError) as info:
        list(read_villages(path))
    assert f"{path}:1: " in str(info.value)
    assert message in str(info.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_villages(tmp_path / "none.jsonl"))
    path = write(tmp_path, "v.jsonl", b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_villages(path))
