"""Bounded cost (issue 9, item 4): any ruleset input, of any size or shape, is refused (or
loaded) in well under a second, with a located error, and reading never blocks.

What cannot be a ruleset is refused early, before it is fully parsed: a file larger than the
limit unread, nesting deeper than the limit as the parser reaches it, more values than the cap
as they are composed, a long value as it is read, an expression with too many tokens as it is
lexed (and the expressions of a file together beyond a budget). Times are CPU times of this
process (other processes on the machine do not count), with a generous bound.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from one_criterion import TEST_COLUMN, TEST_LINE, with_test

import starrules
from starrules import RulesetError
from starrules.cli import main
from starrules.errors import Problem
from starrules.expr import ExpressionError, parse
from starrules.expr.parser import MAX_FILE_TOKENS, MAX_TOKENS
from starrules.load.yaml_limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_SCALAR_CHARACTERS

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "rulesets"
LIMIT = 1.0  # seconds of CPU: generous, the checks below take a few hundredths


@contextmanager
def fast() -> Iterator[None]:
    start = time.process_time()
    yield
    elapsed = time.process_time() - start
    assert elapsed < LIMIT, f"took {elapsed:.2f} s of CPU"


def refused(load: Callable[[], object]) -> tuple[Problem, ...]:
    """The problems of a load that must fail fast, each with a line."""
    with fast(), pytest.raises(RulesetError) as info:
        load()
    for problem in info.value.problems:
        assert problem.location.line is not None, problem
    return info.value.problems


def test_the_limits_are_far_above_the_bundled_rulesets() -> None:
    from starrules.load.yaml_files import read_yaml

    for path in BUNDLED.rglob("*.yaml"):
        assert path.stat().st_size * 100 < MAX_FILE_BYTES, path
        doc = read_yaml(path)  # within every limit of the YAML reader
        assert len(doc.values) * 10 < MAX_NODES, path
    assert MAX_DEPTH >= 32 and MAX_SCALAR_CHARACTERS >= 16_384


# -- the file as a whole ---------------------------------------------------------------------


def test_a_5_mb_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(with_test("industry.dual_binding") + "#" * (5 * 1024 * 1024), "utf-8")
    (problem,) = refused(lambda: starrules.load_ruleset(path))
    assert (problem.location.file, problem.location.line) == (str(path), 1)
    assert "larger than 4 MiB" in problem.message


def test_5_mb_of_text_is_refused_at_once() -> None:
    text = with_test("industry.dual_binding") + "note: " + "x" * (5 * 1024 * 1024) + "\n"
    (problem,) = refused(lambda: starrules.loads_ruleset(text, "big.yaml"))
    assert problem.location.line == 1


def test_a_file_just_under_the_limit_is_read_fast() -> None:
    filler = "# " + "x" * 1000 + "\n"
    text = with_test("industry.dual_binding")
    text += filler * ((MAX_FILE_BYTES - len(text.encode())) // len(filler) - 1)
    with fast():
        starrules.loads_ruleset(text, "large.yaml")


@pytest.mark.parametrize("opening", ["[", "{a: ", "- ", "[a, "])
def test_10000_deep_nesting_is_refused_at_the_limit(opening: str) -> None:
    start = "note:\n  " if opening == "- " else "note: "  # `- - - x` nests lists too
    text = with_test("industry.dual_binding") + start + opening * 10_000 + "x\n"
    problems = refused(lambda: starrules.loads_ruleset(text, "deep.yaml"))
    assert problems[0].location.line is not None
    assert problems[0].location.line >= TEST_LINE + 1
    assert "nested" in problems[0].message or "depth" in problems[0].message


@pytest.mark.parametrize(
    "values",
    [
        "[" + ", ".join(["1"] * 100_000) + "]",
        "{" + ", ".join(f"k{i}: {i}" for i in range(100_000)) + "}",
        "\n" + "".join(f"  - {i}\n" for i in range(100_000)),
    ],
    ids=["flow-list", "flow-mapping", "block-list"],
)
def test_more_values_than_the_cap_are_refused_as_they_are_read(values: str) -> None:
    text = with_test("industry.dual_binding") + "note: " + values + "\n"
    (problem,) = refused(lambda: starrules.loads_ruleset(text, "many.yaml"))
    assert "more than 20,000 values" in problem.message


@pytest.mark.parametrize(
    "scalar",
    ["x" * 1_000_000, "'" + "x" * 1_000_000 + "'", "|\n" + "  xxxxxxxxxx\n" * 100_000],
    ids=["plain", "quoted", "block"],
)
def test_a_1_mb_value_is_refused(scalar: str) -> None:
    text = with_test("industry.dual_binding") + "note: " + scalar + "\n"
    (problem,) = refused(lambda: starrules.loads_ruleset(text, "long.yaml"))
    assert (problem.location.line, problem.location.column) == (TEST_LINE + 1, 7)
    assert "longer than 65,536 characters" in problem.message


# -- expressions -----------------------------------------------------------------------------


def test_a_100000_operand_expression_is_refused_as_it_is_lexed() -> None:
    source = " and ".join(["industry.dual_binding"] * 100_000)
    with fast(), pytest.raises(ExpressionError) as info:
        parse(source)
    # the 257th token: the 129th operand
    assert info.value.offset == 128 * len("industry.dual_binding and ")
    assert f"more than {MAX_TOKENS}" in info.value.message


def test_a_100000_operand_test_in_a_ruleset_is_refused_fast() -> None:
    expression = " and ".join(["industry.dual_binding"] * 100_000)
    problems = refused(lambda: starrules.loads_ruleset(with_test(expression), "long.yaml"))
    assert (problems[0].location.line, problems[0].location.column) == (TEST_LINE, TEST_COLUMN)


def test_a_test_just_under_the_value_limit_is_refused_at_its_257th_token() -> None:
    operand = "industry.dual_binding and "
    expression = (operand * (MAX_SCALAR_CHARACTERS // len(operand)))[: -len(" and ")]
    (problem,) = refused(lambda: starrules.loads_ruleset(with_test(expression), "long.yaml"))
    assert problem.location.line == TEST_LINE
    assert problem.location.column == TEST_COLUMN + 128 * len(operand)
    assert "too long" in problem.message


def _criteria(count: int, expression: str) -> str:
    return "".join(
        f"        - {{id: c{i}, test: '{expression}', text: {{zh: x, en: x}}}}\n"
        for i in range(count)
    )


def test_the_expressions_of_a_file_share_a_token_budget() -> None:
    # every test within the per-expression limit, too many tokens in all
    expression = " + ".join(["industry.collective_income"] * 120) + " >= 1"
    per_test = 2 * 120 + 1
    count = MAX_FILE_TOKENS // per_test + 20
    text = with_test("industry.dual_binding") + _criteria(count, expression)
    problems = refused(lambda: starrules.loads_ruleset(text, "budget.yaml"))
    budget = [p for p in problems if "in all" in p.message]
    assert budget and budget[0].location.line == TEST_LINE + 1 + MAX_FILE_TOKENS // per_test
    assert len(problems) == len(budget) == count - MAX_FILE_TOKENS // per_test


def test_a_file_of_wrong_expressions_is_refused_fast() -> None:
    """As many criteria as the value cap allows, each test long and wrong at its end: every
    problem is reported, located, in well under a second."""
    count = (MAX_NODES - 100) // 11
    expression = " and ".join(["industry.dual_binding"] * 70) + " ＆ x"
    text = with_test("industry.dual_binding") + _criteria(count, expression)
    problems = refused(lambda: starrules.loads_ruleset(text, "wrong.yaml"))
    assert len(problems) == count
    assert all(p.location.column is not None for p in problems)


def test_a_file_at_every_limit_still_loads_in_about_a_second() -> None:
    """The largest file that passes: as many criteria as the value cap allows, with as many
    tokens as the budget allows. Generous: 2 s of CPU (a real ruleset takes 0.03 s)."""
    count = (MAX_NODES - 100) // 11  # 11 values a criterion, as written by _criteria
    tokens_each = MAX_FILE_TOKENS // count
    terms = max(1, (tokens_each - 2) // 2)
    expression = " + ".join(["industry.collective_income"] * terms) + " >= 1"
    text = with_test("industry.dual_binding") + _criteria(count, expression)
    start = time.process_time()
    ruleset = starrules.loads_ruleset(text, "full.yaml")
    elapsed = time.process_time() - start
    assert len(ruleset.stars[0].grant.items) == count + 1
    assert elapsed < 2 * LIMIT, f"took {elapsed:.2f} s of CPU"


# -- what is not a regular file is never read ------------------------------------------------


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    """`starrules lint` in a child process: a bug that blocks fails the test, not the run."""
    return subprocess.run(
        [sys.executable, "-m", "starrules", "lint", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_lint_on_a_fifo_stops_with_exit_2(tmp_path: Path) -> None:
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)  # nothing ever writes to it: a plain open() would block forever
    done = _lint(str(fifo))
    assert done.returncode == 2, done
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_lint_on_dev_zero_stops_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with fast():
        code = main(["lint", "/dev/zero"])
    err = capsys.readouterr().err
    assert code == 2
    assert "/dev/zero" in err and "not a regular file" in err


def test_lint_on_a_huge_file_stops_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    with fast():
        code = main(["lint", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(path) in err and "larger than 4 MiB" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_load_ruleset_on_a_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    (problem,) = refused_unlocated(lambda: starrules.load_ruleset(fifo))
    assert "not a regular file" in problem.message


def refused_unlocated(load: Callable[[], object]) -> tuple[Problem, ...]:
    with fast(), pytest.raises(RulesetError) as info:
        load()
    return info.value.problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_not_a_ruleset_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "r.yaml")
    assert starrules.load.loader.find_ruleset_files(tmp_path) == []
