"""Loading ruleset files: read YAML → validate → compile → `Ruleset`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .compiler import compile_document
from .expr import BUILTIN_FUNCTIONS, FunctionSpec
from .ruleset import Ruleset
from .yaml_source import parse_yaml, read_yaml


def load_ruleset(
    path: str | Path, functions: Mapping[str, FunctionSpec] = BUILTIN_FUNCTIONS
) -> Ruleset:
    """Load one ruleset file; raise RulesetError listing every problem with file:line:col."""
    compiled = compile_document(read_yaml(path), functions)
    return Ruleset(compiled.tree, compiled.tests)


def loads_ruleset(
    text: str, name: str = "<string>", functions: Mapping[str, FunctionSpec] = BUILTIN_FUNCTIONS
) -> Ruleset:
    """Load a ruleset from YAML text (`name` is used in error locations)."""
    compiled = compile_document(parse_yaml(text, name), functions)
    return Ruleset(compiled.tree, compiled.tests)


def is_ruleset_file(path: Path) -> bool:
    """Ruleset files are *.yaml / *.yml, except test-case files (*.test.yaml)."""
    name = path.name
    return name.endswith((".yaml", ".yml")) and not name.endswith((".test.yaml", ".test.yml"))


def find_ruleset_files(path: str | Path) -> list[Path]:
    """The ruleset files at `path`: the file itself, or every one below a directory."""
    root = Path(path)
    if root.is_dir():
        return sorted(p for p in root.rglob("*") if p.is_file() and is_ruleset_file(p))
    return [root]
