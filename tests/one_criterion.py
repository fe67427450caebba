"""A ruleset of one star with one criterion whose `test:` the tests write themselves: the
text, where that `test:` value starts, and the ruleset with a given value (shared by
test_security.py and test_bounded_cost.py)."""

from __future__ import annotations

HEADER = """\
starrules: 1
id: one-criterion
jurisdiction: cn-henan
kind: rural
version: "2022.1"
effective: {from: 2022-05-01}
title: {zh: 测试, en: Test}
stars:
  - id: industry
    name: {zh: 产业兴旺星, en: Thriving Industry}
    grant:
      all:
        - id: industry.income
          text: {zh: 收入, en: Income}
"""
TEST_LINE = HEADER.count("\n") + 1  # the line of `test:` appended below
TEST_COLUMN = len("          test: ") + 1  # where the value of `test:` starts


def with_test(value: str) -> str:
    """The ruleset with `test: VALUE` (VALUE as written in YAML) on line TEST_LINE."""
    return HEADER + f"          test: {value}\n"
