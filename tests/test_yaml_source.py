"""Safe YAML reading with positions (starrules.load: source_document, scalar_places,
yaml_parse, yaml_compose, yaml_one_pass, yaml_mend, yaml_files, yaml_limits): every value and
key knows its 1-based line and column, so that every load-time problem can say
file:line:column (spec §2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import starrules
from starrules import RulesetError
from starrules.errors import Location, Problem
from starrules.load import yaml_compose, yaml_files, yaml_parse
from starrules.load.source_document import PathKey, Position, SourceDocument
from starrules.load.yaml_files import read_yaml
from starrules.load.yaml_parse import parse_yaml

DOC = """\
a: 1
b:
  c: [x, 'y', "z"]
  d: |
    text
  e: >
    more
list:
  - name: first
    value: 10
  -   name: second
      value: 20
title: {zh: 测试标准, en: Test}
"""


def problems(text: str, file: str = "f.yaml") -> tuple[Problem, ...]:
    with pytest.raises(RulesetError) as info:
        parse_yaml(text, file)
    return info.value.problems


def only_problem(text: str) -> Problem:
    (problem,) = problems(text)
    return problem


# -- data --------------------------------------------------------------------------------------


def test_data_is_plain_python() -> None:
    doc = parse_yaml(DOC, "f.yaml")
    assert doc.file == "f.yaml"
    assert doc.data == {
        "a": 1,
        "b": {"c": ["x", "y", "z"], "d": "text\n", "e": "more\n"},
        "list": [{"name": "first", "value": 10}, {"name": "second", "value": 20}],
        "title": {"zh": "测试标准", "en": "Test"},
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: 2023-01-16", dt.date(2023, 1, 16)),
        ("v: 100_000", 100000),
        ("v: 1.5", 1.5),
        ("v: '2022.1'", "2022.1"),
        ("v: true", True),
        ("v: ~", None),
        ("v: null", None),
        ("v: 产业兴旺星", "产业兴旺星"),
        ("v: industry.collective_income >= 100000", "industry.collective_income >= 100000"),
    ],
)
def test_core_schema_scalars(text: str, value: object) -> None:
    assert parse_yaml(text, "f.yaml").data == {"v": value}


def test_the_result_is_a_source_document() -> None:
    assert isinstance(parse_yaml("a: 1", "f.yaml"), SourceDocument)


# -- positions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "line", "column", "style"),
    [
        ((), 1, 1, None),
        (("a",), 1, 4, None),
        (("b",), 3, 3, None),
        (("b", "c"), 3, 6, None),
        (("b", "c", 0), 3, 7, None),
        (("b", "c", 1), 3, 10, "'"),
        (("b", "c", 2), 3, 15, '"'),
        (("b", "d"), 4, 6, "|"),
        (("b", "e"), 6, 6, ">"),
        (("list", 0), 9, 5, None),
        (("list", 0, "name"), 9, 11, None),
        (("list", 1, "value"), 12, 14, None),
        (("title", "zh"), 13, 13, None),
        # columns count characters, not bytes: 测试标准 is 4 columns wide here
        (("title", "en"), 13, 23, None),
    ],
)
def test_value_positions(path: PathKey, line: int, column: int, style: str | None) -> None:
    doc = parse_yaml(DOC, "f.yaml")
    assert doc.values[path] == Position(line, column, style)
    assert doc.location(path) == Location("f.yaml", line, column)


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("a",), 1, 1),
        (("b",), 2, 1),
        (("b", "c"), 3, 3),
        (("b", "e"), 6, 3),
        (("list", 0, "name"), 9, 5),
        (("list", 1, "value"), 12, 7),
        (("title", "en"), 13, 19),
    ],
)
def test_key_positions(path: PathKey, line: int, column: int) -> None:
    doc = parse_yaml(DOC, "f.yaml")
    assert doc.keys[path] == Position(line, column)
    assert doc.location(path, key=True) == Location("f.yaml", line, column)


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        # a path that does not exist falls back to its nearest parent
        (("b", "missing"), False, ("f.yaml", 3, 3)),
        (("b", "c", 7), False, ("f.yaml", 3, 6)),
        (("list", 1, "name", "deeper"), False, ("f.yaml", 11, 13)),
        (("nothing", "here"), False, ("f.yaml", 1, 1)),
        # the key of a list item does not exist: the item itself is shown
        (("list", 1), True, ("f.yaml", 11, 7)),
        (("b", "missing"), True, ("f.yaml", 2, 1)),
    ],
)
def test_location_falls_back_to_the_nearest_parent(
    path: PathKey, key: bool, expected: tuple[str, int, int]
) -> None:
    doc = parse_yaml(DOC, "f.yaml")
    assert doc.location(path, key=key) == Location(*expected)


def test_positions_with_a_byte_order_mark_and_crlf() -> None:
    doc = parse_yaml("\ufeffa: 1\r\nb:\r\n  c: 2\r\n", "f.yaml")
    assert doc.data == {"a": 1, "b": {"c": 2}}
    assert doc.location(("a",)) == Location("f.yaml", 1, 4)
    assert doc.location(("b", "c")) == Location("f.yaml", 3, 6)


def test_locations_print_as_file_line_column() -> None:
    doc = parse_yaml(DOC, "rulesets/x.yaml")
    assert str(doc.location(("b", "c", 1))) == "rulesets/x.yaml:3:10"
    assert str(Location("x.yaml", 3)) == "x.yaml:3"
    assert str(Location("x.yaml")) == "x.yaml"


# -- expression_location: a character offset inside a scalar -> line and column ------------


@pytest.mark.parametrize(
    ("text", "offset", "column"),
    [
        ("test: industry.collective_income >= 100000", 0, 7),
        ("test: industry.collective_income >= 100000", 27, 34),
        ("test: 'industry.collective_income >= 100000'", 0, 8),
        ("test: 'industry.collective_income >= 100000'", 27, 35),
        ('test: "industry.collective_income >= 100000"', 27, 35),
        ('x: {test: "count(stars) >= 3", y: 1}', 6, 18),
        ("    test:    a and b", 6, 20),
    ],
)
def test_expression_location_on_one_line(text: str, offset: int, column: int) -> None:
    doc = parse_yaml(text, "f.yaml")
    path: PathKey = ("x", "test") if text.startswith("x") else ("test",)
    assert doc.expression_location(path, offset) == Location("f.yaml", 1, column)


def test_expression_location_of_an_unknown_path_falls_back() -> None:
    doc = parse_yaml("a: {b: 1}", "f.yaml")
    assert doc.expression_location(("a", "nothing"), 5) == Location("f.yaml", 1, 4)


def _raw_location(text: str, needle: str) -> Location:
    """Where `needle` really is in the YAML text, counted by hand."""
    before = text[: text.index(needle)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Location("f.yaml", line, column)


def test_raw_location_helper() -> None:
    assert _raw_location("ab\ncd bad", "bad") == Location("f.yaml", 2, 4)


@pytest.mark.parametrize(
    "text",
    [
        "test: '''a'' == x.y and bad.name'",
        'test: "\\"a\\" == x.y and bad.name"',
        'test: "x.y == \\"\\u4e00\\" and bad.name"',
    ],
)
def test_expression_location_after_an_escape(text: str) -> None:
    doc = parse_yaml(text, "f.yaml")
    offset = doc.data["test"].index("bad.name")
    assert doc.expression_location(("test",), offset) == _raw_location(text, "bad.name")


@pytest.mark.parametrize(
    "text",
    [
        "test: industry.collective_income >= 100000\n  and bad.name\n",
        "test: |\n  industry.collective_income >= 100000\n  and bad.name\n",
        "test: >-\n  industry.collective_income >= 100000\n  and bad.name\n",
        "test: 'industry.collective_income >= 100000\n  and bad.name'\n",
    ],
)
def test_expression_location_on_a_later_line(text: str) -> None:
    doc = parse_yaml(text, "f.yaml")
    offset = doc.data["test"].index("bad.name")
    assert doc.expression_location(("test",), offset) == _raw_location(text, "bad.name")


# -- documents that are not a ruleset mapping ----------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "\n# comment\n\n"])
def test_empty_file(text: str) -> None:
    problem = only_problem(text)
    assert problem.location.file == "f.yaml"
    assert "empty" in problem.message


@pytest.mark.parametrize("text", ["- a\n- b\n", "hello\n", "42\n", "[1, 2]\n"])
def test_root_must_be_a_mapping(text: str) -> None:
    problem = only_problem(text)
    assert problem.location == Location("f.yaml", 1, 1)
    assert "must be a mapping" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a: 'open\n", 2, 1),
        ("a:\n\t- 1\n", 2, 1),
        ("a: 1\n  b: 2\n", 2, 4),
    ],
)
def test_yaml_syntax_errors_are_located(text: str, line: int, column: int) -> None:
    problem = only_problem(text)
    assert problem.location == Location("f.yaml", line, column)
    assert problem.message.startswith("YAML syntax error")


def test_a_ruleset_file_holds_a_single_document() -> None:
    problem = only_problem("a: 1\n---\nb: 2\n")
    assert problem.location.line == 2
    assert "single document" in problem.message


# -- keys ----------------------------------------------------------------------------------


def test_duplicate_keys_are_reported_all_together() -> None:
    found = problems("a: 1\na: 2\nb: {c: 1, c: 2}\nd:\n  - {e: 1, e: 2}\n")
    assert [(p.location.line, p.location.column, p.message) for p in found] == [
        (2, 1, "duplicate key 'a'"),
        (3, 11, "duplicate key 'c'"),
        (5, 12, "duplicate key 'e'"),
    ]


@pytest.mark.parametrize(
    ("text", "column", "shown"),
    [("[a]: b\n", 1, "['a']"), ("{a: 1}: b\n", 1, "{'a': 1}"), ("? [1, 2]\n: x\n", 3, "[1, 2]")],
)
def test_keys_must_be_text(text: str, column: int, shown: str) -> None:
    problem = only_problem(text)
    assert problem.location == Location("f.yaml", 1, column)
    assert "keys must be text" in problem.message
    assert shown in problem.message


def test_merge_keys_are_refused() -> None:
    problem = only_problem("base: &base {a: 1}\nother:\n  <<: *base\n  b: 2\n")
    assert problem.location == Location("f.yaml", 3, 3)
    assert "merge keys" in problem.message


@pytest.mark.parametrize("key", ["on", "off", "yes", "no", "true", "1", "2.5", "2023-06-01"])
def test_plain_keys_stay_text(key: str) -> None:
    """YAML 1.1 would read `on:` as true; in a ruleset a key is a name (e.g. a test's `on:`)."""
    doc = parse_yaml(f"{key}: 2023-06-01\n", "f.yaml")
    assert doc.data == {key: dt.date(2023, 6, 1)}
    assert doc.location((key,), key=True) == Location("f.yaml", 1, 1)


# -- reading files -------------------------------------------------------------------------


def test_read_yaml(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("title: {zh: 标准, en: Standard}\n", encoding="utf-8")
    doc = read_yaml(path)
    assert doc.file == str(path)
    assert doc.data == {"title": {"zh": "标准", "en": "Standard"}}
    assert doc.location(("title", "en")) == Location(str(path), 1, 21)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(RulesetError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert problem.location.file == str(path)
    assert "no such file" in problem.message


@pytest.mark.parametrize("encoding", ["gbk", "latin-1", "utf-16"])
def test_a_file_that_is_not_utf8_is_a_ruleset_error(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("title: {zh: 河南省标准, en: café}\n".encode(encoding, errors="replace"))
    with pytest.raises(RulesetError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert problem.location.file == str(path)
    assert "utf-8" in problem.message.lower()


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as info:
        read_yaml(tmp_path)
    (problem,) = info.value.problems
    assert problem.location.file == str(tmp_path)


def test_ruleset_error_lists_every_problem_in_its_message() -> None:
    with pytest.raises(RulesetError) as info:
        parse_yaml("a: 1\na: 2\nb: 1\nb: 2\n", "x.yaml")
    text = str(info.value)
    assert text.startswith("2 problems in ruleset:")
    assert "x.yaml:2:1: duplicate key 'a'" in text
    assert "x.yaml:4:1: duplicate key 'b'" in text


# -- hostile input: every problem is a located RulesetError -------------------------------------
# (issue 9) Whatever the text, parse_yaml raises RulesetError or returns; never another exception,
# and every problem names a line.

BIG_INT = "1" + "0" * 400  # beyond the range of a float
HUGE_INT = "1" + "0" * 5000  # beyond Python's 4300-digit limit for int()

HOSTILE = [
    "",
    "\n",
    "a: 1\x00\n",
    "a: x\ufffe\n",
    "a: \x07\n",
    'a: "\\ud800"\n',
    'a: "x\\udfffy"\n',
    '"\\ud800": 1\n',
    'a: "\\x00"\n',
    'a: "\\uFFFE"\n',
    "a: !!bool maybe\n",
    "a: !!timestamp foo\n",
    'a: !!int ""\n',
    "a: !!int x\n",
    "a: !!int 0x\n",
    "a: !!float x\n",
    "a: !!null x: 1\n",
    "a: !!int [1]\n",
    "a: !!str {b: c}\n",
    "a: !!map [1]\n",
    "a: !!seq {a: 1}\n",
    "a: !!map x\n",
    "a: !!seq x\n",
    "a: !!bool [x]\n",
    "? !!int x\n: 1\n",
    "!!int foo: 1\n",
    "!!bool maybe: 1\n",
    "? [a]\n: 1\n",
    "? {a: 1}\n: 1\n",
    "a: &a [*a]\n",
    "a: &a {b: *a}\n",
    "&a [*a]\n",
    "a: *nowhere\n",
    f"a: {BIG_INT}\n",
    f"a: -{BIG_INT}\n",
    f"a: {HUGE_INT}\n",
    f"a: !!int {HUGE_INT}\n",
    f"a: [{HUGE_INT}]\n",
    f"? !!int {HUGE_INT}\n: 1\n",
    f"a: !!float {HUGE_INT}\n",
    "a: 1.0e+999\n",
    "a: -1.0e+999\n",
    "a: .inf\n",
    "a: -.inf\n",
    "a: .nan\n",
    "a: !!float .nan\n",
    "a: !!int 0x" + "f" * 300 + "\n",
    "a: !!int " + ":".join(["59"] * 2000) + "\n",
    "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "a: " + "{b: " * 10_000 + "c" + "}" * 10_000 + "\n",
    "a:\n" + "".join(" " * (2 * i + 2) + "- \n" for i in range(200)),
    "a: [" + ", ".join(["1"] * 60_000) + "]\n",
    "a: " + "x" * 70_000 + "\n",
    "a: 1\n---\nb: 2\n",
    "a: [1, 2\n",
    "- a\n",
    "a: 1\n" + "b: x\n" * 0 + "\x00",
    "\ufeff\x01",
]


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of reading YAML: with libyaml's fast parser, and in pure Python (when PyYAML
    is installed without libyaml)."""
    if request.param == "python":
        monkeypatch.setattr(yaml_parse, "Loader", yaml_compose.PythonLoader)
    return str(request.param)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_gives_located_problems(text: str, parser: str) -> None:
    with pytest.raises(RulesetError) as info:
        parse_yaml(text, "f.yaml")
    assert info.value.problems
    for problem in info.value.problems:
        assert problem.location.file == "f.yaml"
        assert problem.location.line is not None and problem.location.line >= 1, problem
        assert problem.location.column is not None, problem
        assert len(problem.message) < 300, problem.message  # no echo of a huge value
        str(problem).encode("utf-8")  # printable anywhere: no lone surrogate


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a: 1\nb: x\x00y\n", 2, 5, ["U+0000"]),
        ("a: 1\nb: x\ufffe\n", 2, 5, ["U+FFFE"]),
        ("a: !!bool maybe\n", 1, 4, ["maybe", "yes/no"]),
        ("a: !!timestamp foo\n", 1, 4, ["'foo'", "date"]),
        ('a: !!int ""\n', 1, 4, ["''", "whole number"]),
        ("a: !!float x\n", 1, 4, ["'x'", "number"]),
        ("a: !!int [1]\n", 1, 4, ["!!int", "list"]),
        ("a: !!str {b: c}\n", 1, 4, ["!!str", "mapping"]),
        ("a: !!map [1]\n", 1, 4, ["!!map", "list"]),
        ("a: !!seq {a: 1}\n", 1, 4, ["!!seq", "mapping"]),
        ("a: !!map x\n", 1, 4, ["!!map", "scalar"]),
        ("a: 1\n? !!int x\n: 1\n", 2, 3, ["'x'", "whole number"]),
        ("a: 1\n!!int foo: 1\n", 2, 1, ["'foo'", "whole number"]),
        ("a: 1\nb: &a [*a]\n", 2, 8, ["*a", "contains"]),
        ("a: 1\nb: *c\n", 2, 4, ["alias"]),
        (f"a: 1\nb: {BIG_INT}\n", 2, 4, ["too large"]),
        (f"a: 1\nb: {HUGE_INT}\n", 2, 4, ["too large"]),
        ("a: 1\nb: 1.0e+999\n", 2, 4, ["finite"]),
        ("a: 1\nb: .nan\n", 2, 4, ["finite"]),
        ("", 1, 1, ["empty"]),
        # the root mapping is the first level
        ("a: 1\nb: " + "[" * 100 + "]" * 100 + "\n", 2, 4 + 63, ["nested"]),
        ("a: 1\nb: " + "x" * 70_000 + "\n", 2, 4, ["longer than"]),
    ],
)
def test_hostile_input_is_located_precisely(
    text: str, line: int, column: int, words: list[str], parser: str
) -> None:
    problem = problems(text)[0]
    assert (problem.location.line, problem.location.column) == (line, column), problem
    for word in words:
        assert word in str(problem), problem


@pytest.mark.parametrize(
    ("text", "line", "column"), [('a: 1\nb: "\\ud800"\n', 2, 4), ('a: 1\n"x\\udfff": 1\n', 2, 1)]
)
def test_a_lone_surrogate_from_an_escape_is_refused(
    text: str, line: int, column: int, parser: str
) -> None:
    """libyaml refuses the escape itself (a syntax error at the escape); PyYAML makes the
    character, refused where its text starts."""
    problem = only_problem(text)
    assert problem.location.line == line
    if parser == "python":
        assert problem.location.column == column
        assert "U+D" in problem.message and "surrogate" in problem.message
    else:
        assert "escape" in problem.message


def test_a_value_beyond_the_range_of_a_float_is_not_echoed_in_full() -> None:
    problem = only_problem(f"a: {HUGE_INT}\n")
    assert len(str(problem)) < 200


def test_implicit_keys_that_look_like_other_types_stay_text() -> None:
    # only an explicit tag asks for a check: `2022-13-45:` is just a name
    doc = parse_yaml("2022-13-45: 1\n1.0e+999: 2\n!!str 5: 3\n'x': 4\n", "f.yaml")
    assert doc.data == {"2022-13-45": 1, "1.0e+999": 2, "5": 3, "x": 4}


def test_explicit_core_tags_on_valid_values_still_work() -> None:
    doc = parse_yaml("a: !!int '5'\nb: !!float 1\nc: !!bool yes\nd: !!null ''\n", "f.yaml")
    assert doc.data == {"a": 5, "b": 1.0, "c": True, "d": None}


def test_largest_numbers_within_float_range_are_kept() -> None:
    doc = parse_yaml("a: 1.0e+308\nb: -1.7e+308\nc: 12345678901234567890\n", "f.yaml")
    assert doc.data == {"a": 1e308, "b": -1.7e308, "c": 12345678901234567890}


def test_non_printable_characters_are_located_in_the_file() -> None:
    problem = only_problem("a: 1\nb: [x, \x1b]\n")
    assert problem.location == Location("f.yaml", 2, 8)
    assert "U+001B" in problem.message


def test_a_file_larger_than_the_limit_is_refused_at_once() -> None:
    from starrules.load.yaml_limits import MAX_FILE_CHARACTERS

    problem = only_problem("a: 1\n" + "#" * MAX_FILE_CHARACTERS)
    assert problem.location == Location("f.yaml", 1, 1)
    assert "larger than" in problem.message


def test_a_ruleset_sized_document_is_within_every_limit() -> None:
    from starrules.load.yaml_limits import MAX_DEPTH, MAX_NODES, MAX_SCALAR_CHARACTERS

    text = "a:\n" + "".join(f"  k{i}: {'x' * 100}\n" for i in range(MAX_NODES // 2 - 10))
    assert len(parse_yaml(text, "f.yaml").data["a"]) == MAX_NODES // 2 - 10
    assert parse_yaml("a: " + "x" * MAX_SCALAR_CHARACTERS, "f.yaml").data["a"]
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_yaml("a: " + nested, "f.yaml").data["a"]


# -- reading files: only regular files, of bounded size ---------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)  # nothing ever writes to it: reading it would block forever
    with pytest.raises(RulesetError) as info:
        read_yaml(fifo)
    (problem,) = info.value.problems
    assert problem.location.file == str(fifo)
    assert "not a regular file" in problem.message


def test_a_device_is_refused() -> None:
    with pytest.raises(RulesetError) as info:
        read_yaml("/dev/zero")
    assert "not a regular file" in info.value.problems[0].message


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    from starrules.load.yaml_limits import MAX_FILE_BYTES

    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: cheap to make
    with pytest.raises(RulesetError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert problem.location == Location(str(path), 1, 1)
    assert "larger than" in problem.message


def test_the_first_byte_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("a: 1\ntitle: {zh: 河南省}\n".encode("gbk"))
    with pytest.raises(RulesetError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert problem.location == Location(str(path), 2, 13)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('test: "x \\N y \\_ bad.name"', "bad.name"),  # YAML's own escapes: \N is U+0085
        ('test: "x \\t\\/\\" bad.name"', "bad.name"),
        ('test: "x \\x41\\u00e9\\U0001F600 bad.name"', "bad.name"),
    ],
)
def test_expression_location_after_yaml_escapes(text: str, needle: str) -> None:
    doc = parse_yaml(text, "f.yaml")
    offset = doc.data["test"].index(needle)
    assert doc.expression_location(("test",), offset) == _raw_location(text, needle)


def test_expression_location_in_a_long_scalar_is_fast() -> None:
    import time

    lines = "".join(f"  and x{i} == \"a''b\"\n" for i in range(2000))
    for text in ("test: 'x\n" + lines + "  and bad'\n", "test: |\n  x\n" + lines + "  and bad\n"):
        doc = parse_yaml(text, "f.yaml")
        offset = doc.data["test"].index("bad")
        start = time.process_time()
        for _ in range(10):  # the old character-by-character mapping took ~1 s
            assert doc.expression_location(("test",), offset) == _raw_location(text, "bad")
        assert time.process_time() - start < 0.5


def test_many_locations_in_one_long_scalar_cost_about_one_mapping() -> None:
    # A file with many mistakes in one long expression asks for many places in it: the
    # scalar is mapped once, not once per place.
    import time

    lines = "".join(f"  and x{i} == \"a''b\"\n" for i in range(2000))
    for text in ("test: 'x\n" + lines + "  and bad'\n", "test: |\n  x\n" + lines + "  and bad\n"):
        doc = parse_yaml(text, "f.yaml")
        value = doc.data["test"]
        needles = [f"x{i} ==" for i in range(0, 2000, 10)]
        start = time.process_time()
        for needle in needles:
            assert doc.expression_location(("test",), value.index(needle)) == _raw_location(
                text, needle
            )
        assert time.process_time() - start < 0.5


@pytest.mark.parametrize(
    ("text", "offset", "column"),
    [
        ("x: 'a''b'", 0, 5),
        ("x: 'ab''cd'", 1, 6),
        ('x: "a\\tb"', 0, 5),
        ('x: "ab\\"cd"', 1, 6),
    ],
)
def test_the_character_before_an_escape_is_placed(text: str, offset: int, column: int) -> None:
    doc = parse_yaml(text, "f.yaml")
    assert doc.expression_location(("x",), offset) == Location("f.yaml", 1, column)


@pytest.mark.parametrize(
    ("text", "column"),
    [("test: abc\n  def\n", 10), ("test: 'abc\n  def'\n", 11), ('test: "abc\n  def"\n', 11)],
)
def test_a_folded_line_break_is_placed_at_the_end_of_its_line(text: str, column: int) -> None:
    doc = parse_yaml(text, "f.yaml")
    assert doc.data["test"] == "abc def"
    assert doc.expression_location(("test",), 3) == Location("f.yaml", 1, column)


@pytest.mark.parametrize(
    "error",
    [
        yaml.YAMLError("something odd"),
        yaml.MarkedYAMLError("while reading", None, "it broke", None),
        RecursionError("maximum recursion depth exceeded"),
    ],
    ids=["unmarked", "marked-without-marks", "recursion"],
)
def test_a_parser_error_without_a_place_is_still_on_line_1(
    error: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Failing(yaml_compose.PythonLoader):
        def get_single_node(self) -> None:
            raise error

    monkeypatch.setattr(yaml_parse, "Loader", Failing)
    problem = only_problem("a: 1\n")
    assert problem.location == Location("f.yaml", 1, 1)


@pytest.mark.parametrize("text", ["a:\n\t- 1\n", "a:\n  b: 1\n\tc: 2\n"])
def test_a_tab_in_the_indentation_gets_a_hint(text: str, parser: str) -> None:
    problem = problems(text)[0]
    assert problem.message.startswith("YAML syntax error")
    assert problem.hint is not None and "spaces" in problem.hint


@pytest.mark.parametrize("name", ["a\x00b.yaml", "\ud800.yaml"])
def test_a_name_no_file_can_have_is_a_ruleset_error(name: str) -> None:
    with pytest.raises(RulesetError) as info:
        read_yaml(name)
    (problem,) = info.value.problems
    assert problem.location.file == name
    assert "cannot read the file" in problem.message
    found = yaml_files.unreadable_problem(name)
    assert found is not None and found.code == problem.code == "SR125"


# -- one pass and two passes, libyaml and pure Python: the same result (issue 10) --------------
# A document without anchors, aliases, explicit tags or non-text keys is composed straight into
# data and positions in one pass; anything else is read the two-pass way (nodes, then data).
# Every way must give the same data, positions (with style and span) and problems.

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    path
    for folder in ("rulesets", "docs/examples", "tests/fixtures")
    for pattern in ("*.yaml", "*.yml")
    for path in (ROOT / folder).rglob(pattern)
)
SAME_WAY_TEXTS = [
    DOC,
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "a: [1, 2.5, true, ~, null, '', 2022-12-31, 0x1f, 0o17, 1_000, .5, -.inf, yes, off]\n",
    "1: a\ntrue: b\n~: c\n2022-01-01: d\n'x': e\n\"y\": f\n",
    "<<: {a: 1}\nb: 2\n",
    "a: =\n",
    "a: <<\n",
    "= : 1\n",
    'a:\n  b: [x, {c: "d\\x00", e: [1, {f: .nan}]}]\n  g: "\\ud800"\n',
    'a: 1\na: {b: "\\x00", b: 2}\nc: 1\nc: ["\\x01"]\n',
    '"\\x00": ["\\x01"]\nb: 2\n',
    '<<: ["\\x00"]\nb: [1, 2]\n',
    "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\nb: !!int 2\n",
    "? [a]\n: 1\n",
    "- a\n- b\n",
    "",
    "a: [1, 2\n",
    "a: 1\n---\nb: 2\n",
    f"a: {BIG_INT}\nb: 1.0e+999\nc: [{HUGE_INT}]\n",
    "a: 1\nb: " + "[" * 100 + "]" * 100 + "\n",
    "a: [" + ", ".join(["1"] * 20_001) + "]\n",
    "a: 1\nb: " + "x" * 70_000 + "\n",
    "\ufeffa: 1\r\nb:\r\n  - 2\r\n",
    *HOSTILE,
]


def _read_every_way(text: str, monkeypatch: pytest.MonkeyPatch) -> list[list[object]]:
    """The outcomes of `text` read each way, by parser (libyaml, then pure Python): data,
    positions and keys, or the problems; one outcome for each of one pass and two passes."""
    by_parser: list[list[object]] = []
    for loader in (yaml_compose.Loader, yaml_compose.PythonLoader):
        monkeypatch.setattr(yaml_parse, "Loader", loader)
        outcomes: list[object] = []
        for one_pass in (True, False):
            try:
                doc = yaml_parse._parse(text, "f.yaml", one_pass=one_pass)
            except yaml_compose.NeedsNodes:
                assert one_pass
                continue
            except RulesetError as exc:
                outcomes.append(exc.problems)
                continue
            outcomes.append(
                {
                    "data": repr(doc.data),
                    "values": [
                        (p, (v.line, v.column, v.style, v.span)) for p, v in doc.values.items()
                    ],
                    "keys": [(p, (v.line, v.column, v.style, v.span)) for p, v in doc.keys.items()],
                }
            )
        by_parser.append(outcomes)
    return by_parser


def _assert_the_same_every_way(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    try:  # what parse_yaml refuses before any parser sees it
        parse_yaml(text, "f.yaml")
    except RulesetError as exc:
        if exc.problems[0].message.startswith(("the file contains", "the file is larger")):
            return
    fast, python = _read_every_way(text, monkeypatch)
    assert fast[0] == fast[-1]
    assert python[0] == python[-1]
    # libyaml and PyYAML word some syntax errors differently, and libyaml refuses an escape
    # that makes a lone surrogate: problems agree within a parser. libyaml counts a byte order
    # mark out of its indexes: spans differ then.
    if isinstance(fast[0], dict) and isinstance(python[0], dict):
        if text.startswith("\ufeff"):
            assert fast[0]["data"] == python[0]["data"]
        else:
            assert fast[0] == python[0]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_reads_the_same_every_way(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_the_same_every_way(path.read_text(encoding="utf-8"), monkeypatch)


@pytest.mark.parametrize("text", SAME_WAY_TEXTS, ids=lambda t: repr(t[:30]))
def test_any_text_reads_the_same_every_way(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_the_same_every_way(text, monkeypatch)


def test_bundled_rulesets_are_read_in_one_pass() -> None:
    for path in sorted((ROOT / "rulesets").rglob("*.yaml")):
        yaml_parse._parse(path.read_text(encoding="utf-8"), str(path), one_pass=True)


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_an_expression_error_is_placed_exactly_in_a_file_with_a_byte_order_mark(
    tmp_path: Path, bom: str
) -> None:
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(">= 100000\n", ">= 100000 andd x\n", 1)
    path = tmp_path / "bom.yaml"
    path.write_text(bom + text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(path)
    (problem,) = caught.value.problems
    index = text.index("andd")
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    assert (problem.location.line, problem.location.column) == (line, column)
