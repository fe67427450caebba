"""Loading ruleset files: read YAML → validate → compile (or apply an overlay) → `Ruleset`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Protocol

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from pydantic import ValidationError

from ..errors import Problem, RulesetError
from ..expr import FunctionSpec
from ..ruleset import Ruleset
from .compiler import RulesetCompiler, compile_document, validate_document
from .overlay import apply_overlay
from .plugins import available_functions
from .rebuild import with_source
from .schema import RulesetDoc
from .yaml_source import SourceDocument, parse_yaml, read_yaml

_EXACT = re.compile(r"^\d+(\.\d+)*$")


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
    if doc.extends is None:
        compiled = RulesetCompiler(source, doc, functions).run()
        return Ruleset(with_source(compiled.tree, source, functions), compiled.tests)
    if registry is None:
        raise RulesetError(
            [
                Problem(
                    source.location(("extends",)),
                    f"this file extends '{doc.extends}': load it with its base, e.g. "
                    "Registry.from_paths([...]) or load_ruleset(path, registry=...)",
                )
            ]
        )
    base = max(find_bases(source, doc, registry.rulesets), key=chain_key)
    compiled = apply_overlay(source, doc, base.tree, functions)
    return Ruleset(with_source(compiled.tree, source, functions, base.tree), compiled.tests)


def read_document(source: SourceDocument, functions: Mapping[str, FunctionSpec]) -> RulesetDoc:
    """The validated document. For a file that extends nothing, structural problems are
    reported together with every other problem of the file."""
    try:
        return RulesetDoc.model_validate(source.data)
    except ValidationError:
        if "extends" not in source.data:
            compile_document(source, functions)  # raises, listing every problem
        return validate_document(source)  # raises


def chain_key(ruleset: Ruleset) -> tuple[tuple[int, ...], ...]:
    """Orders variants of a ruleset: by its own version, then its bases' (top down)."""
    return tuple(_version_key(layer.version) for layer in reversed(ruleset.layers))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def extends_matcher(source: SourceDocument, doc: RulesetDoc) -> tuple[str, SpecifierSet | str]:
    """(family, exact version or specifier set) of `extends`; a bad range is a Problem."""
    assert doc.extends is not None
    family, _, wanted = doc.extends.partition("@")
    if _EXACT.match(wanted):
        return family, wanted
    try:
        return family, SpecifierSet(wanted)
    except InvalidSpecifier:
        raise RulesetError(
            [
                Problem(
                    source.location(("extends",)),
                    f"'{wanted}' is neither a version nor a version range",
                    'write e.g. extends: "henan-rural@2022.1" or "henan-rural@>=2022.1,<2024"',
                )
            ]
        ) from None


def could_extend(
    family: str,
    wanted: SpecifierSet | str,
    doc: RulesetDoc,
    base_id: str,
    base_jurisdiction: str,
    base_version: str,
) -> bool:
    """Whether a ruleset (id, jurisdiction, version) is a possible base of `doc`."""
    if base_id != family:
        return False
    own = doc.jurisdiction
    if not (base_jurisdiction == own or own.startswith(base_jurisdiction + "/")):
        return False
    if base_jurisdiction == own and _version_key(base_version) >= _version_key(doc.version):
        return False  # a ruleset extends an earlier version of itself, never a later one
    if isinstance(wanted, str):
        return Version(base_version) == Version(wanted)
    return Version(base_version) in wanted


def find_bases(
    source: SourceDocument, doc: RulesetDoc, candidates: Iterable[Ruleset]
) -> list[Ruleset]:
    """The rulesets `doc` extends: those matching `extends` at the most specific
    jurisdiction that has any. Raise RulesetError (at `extends`) when none does."""
    family, wanted = extends_matcher(source, doc)
    pool = list(candidates)
    matches = [
        rs for rs in pool if could_extend(family, wanted, doc, rs.id, rs.jurisdiction, rs.version)
    ]
    if not matches:
        elsewhere = sorted(
            {
                f"{rs.id}@{rs.version} ({rs.jurisdiction})"
                for rs in pool
                if could_extend(
                    family,
                    wanted,
                    doc.model_copy(update={"jurisdiction": rs.jurisdiction + "/x"}),
                    rs.id,
                    rs.jurisdiction,
                    rs.version,
                )
            }
        )
        if elsewhere:
            raise RulesetError(
                [
                    Problem(
                        source.location(("jurisdiction",)),
                        f"'{doc.jurisdiction}' is not within the jurisdiction of "
                        f"{', '.join(elsewhere)}, which '{doc.extends}' names: an overlay applies "
                        "within its base's jurisdiction",
                    )
                ]
            )
        known = sorted(
            {f"{rs.id}@{rs.version} ({rs.jurisdiction})" for rs in pool if rs.id == family}
        )
        listing = ", ".join(known) if known else f"no ruleset of family '{family}' is loaded"
        raise RulesetError(
            [
                Problem(
                    source.location(("extends",)),
                    f"extends '{doc.extends}' matches no ruleset; known: {listing}",
                )
            ]
        )
    depth = max(rs.jurisdiction.count("/") for rs in matches)
    return [rs for rs in matches if rs.jurisdiction.count("/") == depth]


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
