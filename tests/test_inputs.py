"""Reading villages from JSON and JSONL files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starrules.errors import InputError
from starrules.inputs.villages import read_villages

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


# ----------------------------------------------------------------------------- hostile files
# Whatever a file holds, reading it ends in villages or in one InputError naming the file,
# the line (JSONL) and the field: never RecursionError, ValueError, OSError or a hang.

HEAD = '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", '


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_deep_nesting_is_an_input_error(tmp_path: Path, suffix: str) -> None:
    if suffix == "json":  # an array on line 1 holding the deep part on line 2
        text, line, depth = "[\n" + "[" * 100_000 + "]" * 100_001, 2, 100_001
    else:
        text, line, depth = "[" * 100_000, 1, 100_000
    path = write(tmp_path, f"v.{suffix}", text + "\n")
    with pytest.raises(InputError) as info:
        list(read_villages(path))
    assert str(info.value) == (
        f"{path}:{line}:100000: invalid JSON: nested too deeply "
        f"({depth} levels of arrays and objects)"
    )


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
@pytest.mark.parametrize(
    ("tail", "field"),
    [
        ('"branch": {"reserve_cadres": ' + "9" * 5000 + "}}", "branch.reserve_cadres"),
        ('"extra": {"bags": -' + "9" * 5000 + "}}", "extra.bags"),
        ('"extra": {"bags": ' + "9" * 400 + "}}", "extra.bags"),
        ('"industry": {"collective_income": 1e400}}', "industry.collective_income"),
        ('"extra": {"bags": -1e400}}', "extra.bags"),
        ('"extra": {"bags": Infinity}}', "extra.bags"),
        ('"township": ' + "9" * 5000 + "}", "township"),
    ],
    ids=["long count", "long extra", "400 digits", "1e400", "-1e400", "Infinity", "as text"],
)
def test_numbers_beyond_float_range_name_the_field(
    tmp_path: Path, suffix: str, tail: str, field: str
) -> None:
    path = write(tmp_path, f"v.{suffix}", HEAD + tail + "\n")
    with pytest.raises(InputError) as info:
        list(read_villages(path))
    place = f"{path}:1" if suffix == "jsonl" else f"{path}"
    assert str(info.value).startswith(f"{place}: {field}: "), str(info.value)[:300]


def test_a_whole_float_count_is_read_as_an_int(tmp_path: Path) -> None:
    path = write(tmp_path, "v.jsonl", HEAD + '"branch": {"reserve_cadres": 3.0}}\n')
    (record,) = read_villages(path)
    assert record.village.branch.reserve_cadres == 3
    assert type(record.village.branch.reserve_cadres) is int


@pytest.mark.parametrize(
    ("tail", "field"),
    [
        ('"name": "\\ud800"}', "name"),
        ('"township": "乡\\udfff"}', "township"),
        ('"extra": {"brand": "\\udc00x"}}', "extra.brand"),
    ],
)
def test_a_lone_surrogate_escape_names_the_field(tmp_path: Path, tail: str, field: str) -> None:
    path = write(tmp_path, "v.jsonl", HEAD + tail + "\n")
    with pytest.raises(InputError, match="surrogate") as info:
        list(read_villages(path))
    assert str(info.value).startswith(f"{path}:1: {field}: ")


def test_a_surrogate_pair_escape_is_a_character(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.jsonl",
        '{"name": "\\ud840\\udc00村", "jurisdiction": "cn-henan", "kind": "rural"}\n',
    )
    (record,) = read_villages(path)
    assert record.village.name == "𠀀村"


@pytest.mark.parametrize(
    ("suffix", "text"), [("jsonl", f"{VILLAGE}\n{VILLAGE}\n"), ("json", VILLAGE)]
)
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, suffix: str, text: str) -> None:
    # Windows tools (Notepad, Excel's "CSV UTF-8") start UTF-8 files with a BOM.
    path = write(tmp_path, f"v.{suffix}", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [r.village.name for r in read_villages(path)] == ["甲村"] * text.count("甲村")


def test_a_bom_inside_a_jsonl_file_is_invalid_json(tmp_path: Path) -> None:
    path = write(tmp_path, "v.jsonl", (VILLAGE + "\n\ufeff" + VILLAGE + "\n").encode("utf-8"))
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:2:1: invalid JSON"):
        list(read_villages(path))


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_bad_utf8_names_the_line(tmp_path: Path, suffix: str) -> None:
    text = f"[{VILLAGE},\n{VILLAGE}]" if suffix == "json" else f"{VILLAGE}\n{VILLAGE}\n"
    data = text.encode("utf-8")
    second = data.rindex("甲村".encode())
    path = write(tmp_path, f"v.{suffix}", data[:second] + b"\xff" + data[second + 1 :])
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:2: not UTF-8 text"):
        list(read_villages(path))


def test_a_file_name_too_long_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / ("v" * 5000 + ".jsonl")
    with pytest.raises(InputError, match="cannot read the file: File name too long"):
        list(read_villages(path))


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "villages.jsonl"
    folder.mkdir()
    with pytest.raises(
        InputError, match=rf"^{re.escape(str(folder))}: is a directory, not a file$"
    ):
        list(read_villages(folder))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_a_fifo_is_refused_not_read_forever(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"v.{suffix}"
    os.mkfifo(fifo)  # opening it would block until a writer comes
    with pytest.raises(InputError, match=rf"^{re.escape(str(fifo))}: not a regular file"):
        list(read_villages(fifo))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_not_read_forever() -> None:
    with pytest.raises(InputError, match=r"^/dev/zero: not a regular file"):
        list(read_villages("/dev/zero"))


def test_a_field_name_with_a_line_break_stays_on_its_located_line(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(
        json.dumps({"name": "村", "jurisdiction": "cn-henan", "kind": "rural", "a\nb": 1}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        list(read_villages(path))
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"{path}:1: 'a\\nb': unknown field"


# ----------------------------------------------------------------------------- one pass
# A JSONL line is validated straight from its bytes (pydantic's JSON parser); when that
# fails, the line goes through json.loads + model_validate, which words the error. So the
# messages above are unchanged, and every line the fast path accepts must give the village
# the slow path gives.


def _slow(line: str) -> object:
    from starrules.inputs.villages import _loads, parse_village

    try:
        return repr(parse_village(_loads(line), "w").model_dump())
    except (InputError, ValueError):  # a ValueError: not JSON
        return InputError


def test_a_valid_jsonl_line_is_validated_from_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starrules import Village

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("validated from a dict")

    monkeypatch.setattr(Village, "model_validate", refuse)
    path = write(tmp_path, "v.jsonl", f"{VILLAGE}\n\n{VILLAGE}\n")
    assert [r.where for r in read_villages(path)] == [f"{path}:1", f"{path}:3"]


TRICKY = [
    HEAD + '"township": "a", "township": "b"}',
    HEAD + '"branch": {"reserve_cadres": 1}, "branch": {"reserve_cadres": 2}}',
    HEAD + '"industry": {"collective_income": 0.1000000000000000055511151231257827}}',
    HEAD + '"industry": {"collective_income": 123456789012345678901234567890.5e-3}}',
    HEAD + '"extra": {"b": 123456789012345678901234567890, "c": -0, "d": -0.0, "e": 1e-320}}',
    HEAD + '"branch": {"reserve_cadres": 1e2}}',
    HEAD + '"township": "\\u97e9\\/x\\u0000"}',
    "  " + HEAD + '"township": "a"}  \r',
    HEAD + '"as_of": "2023-02-29"}',
    HEAD + '"as_of": "2024-02-29"}',
    HEAD + '"township": "a"} x',
    HEAD + '"township": "a\tb"}',
]


@pytest.mark.parametrize("line", TRICKY)
def test_the_one_pass_agrees_with_the_slow_path(tmp_path: Path, line: str) -> None:
    path = write(tmp_path, "v.jsonl", line + "\n")
    try:
        got: object = repr(next(read_villages(path)).village.model_dump())
    except InputError:
        got = InputError
    assert got == _slow(line)


def test_the_one_pass_agrees_on_every_example_village(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples" / "villages.jsonl"
    lines = [line for line in examples.read_text("utf-8").splitlines() if line.strip()]
    got = [repr(r.village.model_dump()) for r in read_villages(examples)]
    assert got == [_slow(line) for line in lines]


_NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
)


@settings(max_examples=int(os.environ.get("STARRULES_FUZZ_EXAMPLES", "60")), deadline=None)
@given(
    income=_NUMBERS,
    cadres=_NUMBERS,
    extra=st.dictionaries(st.text(max_size=4), st.one_of(_NUMBERS, st.text(), st.booleans())),
    township=st.text(max_size=8),
)
def test_the_one_pass_agrees_with_the_slow_path_on_generated_values(
    income: object, cadres: object, extra: dict[str, object], township: str
) -> None:
    def number(value: object) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    body = ", ".join(
        [
            f'"township": {json.dumps(township)}',
            f'"industry": {{"collective_income": {number(income)}}}',
            f'"branch": {{"reserve_cadres": {number(cadres)}}}',
            '"extra": {'
            + ", ".join(f"{json.dumps(k)}: {number(v)}" for k, v in extra.items())
            + "}",
        ]
    )
    line = HEAD + body + "}"
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), "v.jsonl", line + "\n")
        try:
            got: object = repr(next(read_villages(path)).village.model_dump())
        except InputError:
            got = InputError
    assert got == _slow(line)
