"""Fuzzing ruleset loading: mutated shipped files, mutated structures, random expressions.

Asserts only the error contract and the time bound (see tests/fuzz_strategies.py): loading
succeeds or raises RulesetError whose every problem names file:line[:col]; a ruleset that
loads evaluates villages, explains and serialises without any other exception; every call
takes under a second.

Budget: STARRULES_FUZZ_EXAMPLES=N (examples per test) or STARRULES_FUZZ_SECONDS=S (seconds
per test, collecting every distinct violation); STARRULES_FUZZ_LOG=FILE logs each test's
examples and violations. Details in the docstring of tests/fuzz_strategies.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import fuzz_strategies
import pytest
import yaml
from fuzz_strategies import (
    DEFAULT,
    ROOT,
    YAML_TEXTS,
    Rejected,
    call,
    expression_rulesets,
    fuzz,
    mutated_structure,
    mutated_text,
    probe_ruleset,
    ruleset_error_placed,
    scratch,
    write,
)
from hypothesis import strategies as st

import starrules
from starrules import Registry

# Hostile examples are large; hypothesis warns when it prints them.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

BUNDLED_FILES = frozenset(str(rs.file) for rs in DEFAULT.rulesets)


def _loads(text: str, name: str, with_registry: bool, data: st.DataObject, what: str) -> None:
    ruleset = call(
        f"loads_ruleset[{what}]",
        starrules.loads_ruleset,
        text,
        name,
        registry=DEFAULT if with_registry else None,
        placed=ruleset_error_placed({name}),
    )
    if not isinstance(ruleset, Rejected):
        probe_ruleset(data.draw, ruleset, what)


@fuzz(weight=0.5, case=mutated_text(), with_registry=st.booleans(), data=st.data())
def test_mutated_ruleset_text(
    case: tuple[str, str], with_registry: bool, data: st.DataObject
) -> None:
    """A shipped YAML file (ruleset, fixture, test cases) with character-level damage."""
    name, text = case
    _loads(text, name, with_registry, data, "text")


@fuzz(
    weight=0.3,
    case=mutated_text(),
    encoding=st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]),
    with_registry=st.booleans(),
    data=st.data(),
)
def test_mutated_ruleset_file(
    case: tuple[str, str], encoding: str, with_registry: bool, data: st.DataObject
) -> None:
    """The same damage, read from a file (also in encodings other than UTF-8)."""
    name, text = case
    with scratch() as folder:
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        path = write(folder / Path(name).name, raw)
        ruleset = call(
            "load_ruleset[file]",
            starrules.load_ruleset,
            path,
            registry=DEFAULT if with_registry else None,
            placed=ruleset_error_placed({str(path)}),
        )
        if not isinstance(ruleset, Rejected):
            probe_ruleset(data.draw, ruleset, "file")


@fuzz(weight=0.5, case=mutated_structure(), with_registry=st.booleans(), data=st.data())
def test_mutated_ruleset_structure(
    case: tuple[str, str], with_registry: bool, data: st.DataObject
) -> None:
    """A shipped ruleset's data with values of other types, keys dropped or added."""
    name, text = case
    _loads(text, name, with_registry, data, "structure")


@fuzz(weight=0.6, case=expression_rulesets(), data=st.data())
def test_random_expressions(case: tuple[str, str], data: st.DataObject) -> None:
    """Random token sequences, random text and well-formed expressions in a criterion, a
    veto, a points item or a level of a small valid ruleset; points and bars vary too."""
    _, text = case
    _loads(text, "fuzz-expr.yaml", False, data, "expression")


GROUPS: dict[str, Path] = {
    "bundled": ROOT / "rulesets",
    "eval_registry": ROOT / "tests" / "fixtures" / "eval_registry",
    "overlay": ROOT / "tests" / "fixtures" / "overlay",
    "docs": ROOT / "docs" / "examples",
    "henan-only": ROOT / "rulesets" / "cn-henan",
}


@st.composite
def registry_cases(draw: st.DrawFn) -> tuple[str, str, str]:
    """(group, file in it, its mutated text)."""
    group = draw(st.sampled_from(sorted(GROUPS)))
    folder = GROUPS[group]
    names = {
        str(p.relative_to(ROOT)): YAML_TEXTS[str(p.relative_to(ROOT))]
        for p in sorted(folder.rglob("*.yaml"))
    }
    name, text = draw(mutated_text(names))
    return group, name, text


@fuzz(weight=0.2, case=registry_cases(), with_base=st.booleans(), data=st.data())
def test_registry_from_paths(
    case: tuple[str, str, str], with_base: bool, data: st.DataObject
) -> None:
    """A folder of rulesets (bundled, fixtures, docs examples) with one file damaged,
    loaded alone or over the bundled registry."""
    group, name, text = case
    source = GROUPS[group]
    with scratch() as folder:
        target = folder / group
        shutil.copytree(source, target)
        write(target / Path(name).relative_to(source.relative_to(ROOT)), text)
        files = {str(p) for p in target.rglob("*")} | BUNDLED_FILES
        registry: Any = call(
            f"Registry.from_paths[{group}]",
            Registry.from_paths,
            [target],
            base=DEFAULT if with_base else None,
            placed=ruleset_error_placed(files),
        )
        if isinstance(registry, Rejected):
            return
        mine = [rs for rs in registry.rulesets if str(rs.file).startswith(str(target))]
        if mine:
            probe_ruleset(data.draw, data.draw(st.sampled_from(mine)), "registry")


def test_the_structure_mutations_start_from_files_that_parse() -> None:
    # a fixture with mistakes on purpose (messages/four-mistakes.yaml) once made the
    # strategy itself raise yaml's ScannerError after minutes of a long run
    for path in fuzz_strategies.GOOD_RULESET_FILES:
        text = fuzz_strategies.YAML_TEXTS[str(path.relative_to(fuzz_strategies.ROOT))]
        assert isinstance(yaml.safe_load(text), dict), path
