"""Loading ruleset files: read YAML → validate → compile (or apply an overlay) → `Ruleset`;
finding ruleset and test-case files in folders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from ..errors import Problem, RulesetError
from ..expr import FunctionSpec
from ..expr.plugins import available_functions
from ..ruleset import Ruleset
from .chains import chain_key, find_bases
from .compiler import RulesetCompiler
from .documents import read_document
from .overlay import apply_overlay
from .rebuild import with_source
from .schema import RulesetDoc, is_overlay
from .source_document import SourceDocument
from .yaml_files import read_yaml
from .yaml_parse import parse_yaml


class RulesetSource(Protocol):
    """Anything that holds compiled rulesets an overlay can extend (a Registry)."""

    @property
    def rulesets(self) -> tuple[Ruleset, ...]: ...


def load_ruleset(
    path: str | Path,
    registry: RulesetSource | None = None,
    functions: Mapping[str, FunctionSpec] | None = None,
) -> Ruleset:
    """Load one ruleset file; raise RulesetError listing every problem with file:line:col.

    A file that `extends` another is applied to its base from `registry` (the highest
    matching version when `extends` gives a range)."""
    return _load(read_yaml(path, recover=True), registry, functions)


def loads_ruleset(
    text: str,
    name: str = "<string>",
    registry: RulesetSource | None = None,
    functions: Mapping[str, FunctionSpec] | None = None,
) -> Ruleset:
    """Load a ruleset from YAML text (`name` is used in error locations)."""
    return _load(parse_yaml(text, name, recover=True), registry, functions)


def _load(
    source: SourceDocument,
    registry: RulesetSource | None,
    functions: Mapping[str, FunctionSpec] | None,
) -> Ruleset:
    try:
        return _load_source(source, registry, functions)
    except RulesetError as exc:
        if not source.problems:
            raise
        # The tabs and full-width colons mended on reading, told with the rest, once each.
        merged = dict.fromkeys([*source.problems, *exc.problems])
        raise RulesetError(
            sorted(merged, key=lambda p: (p.location.line or 0, p.location.column or 0))
        ) from None


def _load_source(
    source: SourceDocument,
    registry: RulesetSource | None,
    functions: Mapping[str, FunctionSpec] | None,
) -> Ruleset:
    functions = {**available_functions(), **(functions or {})}
    doc = read_document(source, functions)
    if not is_overlay(doc):
        return compile_ruleset(source, doc, functions)
    if registry is None:
        raise RulesetError(
            [Problem.coded(source.location(("extends",)), "SR411", extends=doc.extends)]
        )
    base = max(find_bases(source, doc, registry.rulesets), key=chain_key)
    return compile_ruleset(source, doc, functions, base)


def compile_ruleset(
    source: SourceDocument,
    doc: RulesetDoc,
    functions: Mapping[str, FunctionSpec],
    base: Ruleset | None = None,
) -> Ruleset:
    """The validated file compiled, keeping its texts for pickling: a standalone file, or
    an overlay applied to `base`. Raise RulesetError listing every problem."""
    if base is None:
        compiled = RulesetCompiler(source, doc, functions).run()
        return Ruleset(with_source(compiled.tree, source, functions), compiled.tests)
    compiled = apply_overlay(source, doc, base.tree, functions)
    return Ruleset(with_source(compiled.tree, source, functions, base.tree), compiled.tests)


def is_ruleset_file(path: Path) -> bool:
    """Ruleset files are *.yaml / *.yml, except test-case files (*.test.yaml)."""
    name = path.name
    return name.endswith((".yaml", ".yml")) and not is_test_file(path)


def is_test_file(path: Path) -> bool:
    return path.name.endswith((".test.yaml", ".test.yml"))


def _is_dir(path: Path) -> bool:
    """Whether `path` is a directory; False for a name the system cannot even look up (too
    long, a NUL in it), so that reading it reports the problem with its place."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _files_below(root: Path, wanted: Callable[[Path], bool]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if wanted(p) and p.is_file())


def find_ruleset_files(path: str | Path) -> list[Path]:
    """The ruleset files at `path`: the file itself, or every one below a directory."""
    root = Path(path)
    if _is_dir(root):
        return _files_below(root, is_ruleset_file)
    return [] if is_test_file(root) else [root]


def find_test_files(path: str | Path) -> list[Path]:
    """The test-case files (*.test.yaml) at `path`."""
    root = Path(path)
    if _is_dir(root):
        return _files_below(root, is_test_file)
    return [root] if is_test_file(root) else []
