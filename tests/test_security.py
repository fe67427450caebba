"""Nothing from a ruleset file is ever executed as code (spec §2).

Expressions are parsed, never `eval`ed; YAML tags outside the core schema are refused with
their line:col; alias bombs are refused quickly; duplicate keys are reported. Each attack
tries to create a marker file under tmp_path, and each test checks that it does not exist.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from one_criterion import HEADER, TEST_COLUMN, TEST_LINE
from one_criterion import with_test as ruleset_with_test

import starrules
from starrules import RulesetError
from starrules.errors import Problem

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"


def load_problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(path)
    return info.value.problems


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "something in the ruleset was executed"


# -- expressions are never evaluated as Python -------------------------------------------------

ATTACKS = [
    "__import__('os').system('touch {marker}')",
    "__import__('pathlib').Path('{marker}').touch()",
    "().__class__.__bases__[0].__subclasses__()",
    "().__class__",
    'eval("1")',
    "eval(\"open('{marker}', 'w')\")",
    "exec(\"open('{marker}', 'w')\")",
    'open("{marker}", "w")',
    "compile('1', 'x', 'eval')",
    "lambda: open('{marker}', 'w')",
    "(lambda: 1)()",
    "[open('{marker}', 'w') for _ in [1]]",
    "getattr(industry, '__class__')",
    "industry.__class__.__init__.__globals__",
    "__builtins__.open('{marker}', 'w')",
    "globals()",
    'f\'{{open("{marker}", "w")}}\'',
    "industry.collective_income >= 1 or __import__('os').system('touch {marker}') == 0",
    "known(__import__('os'))",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_python_expression_in_a_test_is_rejected_at_the_test(
    attack: str, marker: Path, tmp_path: Path
) -> None:
    expression = attack.format(marker=marker)
    quoted = "'" + expression.replace("'", "''") + "'"
    path = tmp_path / "attack.yaml"
    path.write_text(ruleset_with_test(quoted), encoding="utf-8")
    (problem,) = load_problems(path)
    assert problem.location.file == str(path)
    assert problem.location.line == TEST_LINE
    assert problem.location.column is not None
    assert TEST_COLUMN <= problem.location.column <= TEST_COLUMN + len(quoted)


@pytest.mark.parametrize("attack", ATTACKS[:6])
def test_a_python_expression_in_a_level_is_rejected(
    attack: str, marker: Path, tmp_path: Path
) -> None:
    expression = attack.format(marker=marker).replace("'", "''")
    text = (
        ruleset_with_test("industry.collective_income >= 1")
        + "levels:\n"
        + f"  - {{value: 1, name: {{zh: 一星, en: One}}, when: '{expression}'}}\n"
    )
    path = tmp_path / "attack.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = load_problems(path)
    assert problem.location.line == TEST_LINE + 2


def test_loading_and_evaluating_never_calls_eval_exec_or_compile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ruleset = starrules.load_ruleset(MINIMAL)  # warm up imports first: they compile modules
    village = starrules.Village.model_validate(ruleset.tests[0].village)
    ruleset.evaluate(village).explain("zh")

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec/compile called while loading or evaluating")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    ruleset = starrules.load_ruleset(MINIMAL)
    assessment = ruleset.evaluate(village)
    assessment.explain("en")
    monkeypatch.undo()
    assert assessment.level.value == 3


# -- YAML tags outside the core schema are refused where they are ------------------------------

TAGGED = [
    ("!!python/object/apply:os.system ['touch {marker}']", "python/object/apply:os.system"),
    ("!!python/object/apply:subprocess.call [['touch', '{marker}']]", "subprocess.call"),
    ("!!python/name:os.system", "python/name:os.system"),
    ("!!python/object/new:os.system ['touch {marker}']", "python/object/new:os.system"),
    ("!!python/object:pathlib.Path {{}}", "python/object:pathlib.Path"),
    ("!!python/module:os", "python/module:os"),
    ("!!python/tuple [1, 2]", "python/tuple"),
    ("!foo bar", "!foo"),
    ("!<tag:example.com,2000:app/x> 1", "tag:example.com,2000:app/x"),
    ("!!binary aGVsbG8=", "binary"),
    ("!!set {{a, b}}", "set"),
]


@pytest.mark.parametrize(("value", "shown"), TAGGED)
@pytest.mark.parametrize("where", ["top", "test", "key"])
def test_unsafe_tags_are_refused_with_their_location(
    value: str, shown: str, where: str, marker: Path, tmp_path: Path
) -> None:
    tagged = value.format(marker=marker)
    if where == "top":
        text = ruleset_with_test("industry.collective_income >= 1") + f"note: {tagged}\n"
        line, column = TEST_LINE + 1, 7
    elif where == "test":
        text = ruleset_with_test(tagged)
        line, column = TEST_LINE, TEST_COLUMN
    else:
        text = ruleset_with_test("industry.collective_income >= 1") + f"? {tagged}\n: x\n"
        line, column = TEST_LINE + 1, 3
    path = tmp_path / "tagged.yaml"
    path.write_text(text, encoding="utf-8")
    problems = load_problems(path)
    problem = problems[0]
    assert (problem.location.line, problem.location.column) == (line, column)
    assert "not allowed" in problem.message
    assert shown in problem.message
    if where == "key":  # a refused key is also not text: a second problem on the same line
        assert all(p.location.line == line for p in problems), problems
    else:
        assert len(problems) == 1, problems


def test_every_unsafe_tag_of_a_file_is_reported(tmp_path: Path) -> None:
    text = (
        ruleset_with_test("!!python/name:os.system")
        + "levels: !!python/object/apply:os.system ['true']\n"
        + "tests: !custom []\n"
    )
    path = tmp_path / "tagged.yaml"
    path.write_text(text, encoding="utf-8")
    problems = load_problems(path)
    assert [(p.location.line, p.location.column) for p in problems] == [
        (TEST_LINE, TEST_COLUMN),
        (TEST_LINE + 1, 9),
        (TEST_LINE + 2, 8),
    ]


@pytest.mark.parametrize(
    "value", ["!!str 2022.1", "!!int '5'", "!!float '1.5'", "!!bool 'true'", "!!map {a: 1}"]
)
def test_explicit_core_schema_tags_are_plain_data(value: str) -> None:
    from starrules.load.yaml_parse import parse_yaml

    doc = parse_yaml(f"v: {value}\n", "f.yaml")
    assert doc.data["v"] is not None


# -- alias bombs -------------------------------------------------------------------------------


def _sequence_bomb(width: int, depth: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, depth):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _mapping_bomb(depth: int) -> str:
    lines = ["m0: &m0 {k: v}"]
    for i in range(1, depth):
        lines.append(f"m{i}: &m{i} {{x: *m{i - 1}, y: *m{i - 1}}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "bomb",
    [_sequence_bomb(9, 9), _sequence_bomb(10, 10), _mapping_bomb(30)],
    ids=["laughs-9x9", "laughs-10x10", "mapping-2^30"],
)
def test_alias_bombs_are_refused_quickly(bomb: str, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(HEADER.replace("stars:", bomb + "stars:", 1), encoding="utf-8")
    start = time.process_time()  # CPU time: other processes on the machine do not count
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(path)
    elapsed = time.process_time() - start
    assert elapsed < 2.0, f"took {elapsed:.2f} s of CPU"
    assert any("alias" in p.message or "too large" in p.message for p in info.value.problems)


def test_a_few_aliases_are_fine() -> None:
    from starrules.load.yaml_parse import parse_yaml

    doc = parse_yaml("a: &x {k: 1}\nb: *x\nc: [*x, *x]\n", "f.yaml")
    assert doc.data == {"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 1}]}


# -- duplicate keys ----------------------------------------------------------------------------


def test_duplicate_keys_are_reported_with_their_location(tmp_path: Path) -> None:
    text = HEADER.replace('version: "2022.1"\n', 'version: "2022.1"\nkind: urban_community\n')
    text += "          test: industry.collective_income >= 1\n"
    text += "          test: industry.collective_income >= 2\n"
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    problems = load_problems(path)
    assert [(p.location.line, p.location.column, p.message) for p in problems] == [
        (6, 1, "duplicate key 'kind'"),
        (TEST_LINE + 2, 11, "duplicate key 'test'"),
    ]
