"""Safe YAML reading with positions (starrules.yaml_source): every value and key knows its
1-based line and column, so that every load-time problem can say file:line:column (spec §2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from starrules import RulesetError
from starrules.errors import Location, Problem
from starrules.yaml_source import PathKey, Position, SourceDocument, parse_yaml, read_yaml

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
