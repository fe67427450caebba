"""The items of the pytest plugin (`pytest_plugin`): a test case, a property check, and
their failure reports (never a traceback); and the session state they run with."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from ..i18n import Lang
    from ..load.registry import Registry
    from ..rules import TestCase
    from ..ruleset import Ruleset
    from .cases import CaseResult
    from .results import CheckResult

# starrules is imported inside the methods, never when pytest loads the plugin.


@dataclass
class _State:
    """The session's settings, and the registry loaded on first use."""

    rootpath: Path
    folders: tuple[Path, ...]
    examples: int
    seed: int
    skip: frozenset[str]
    lang: Lang
    checks: tuple[str, ...]  # the checks to run, in CHECKS order
    _registry: Registry | None = None
    _error: Exception | None = None
    by_file: dict[Path, list[Ruleset]] = field(default_factory=dict)
    _elsewhere: dict[str, dict[tuple[str, ...], str]] | None = None

    def covers(self, path: Path) -> bool:
        return any(path == folder or folder in path.parents for folder in self.folders)

    def registry(self) -> Registry:
        """The bundled and plug-in rulesets with those of the configured folders; loaded
        once. Raise the StarrulesError of the first attempt again on every call."""
        if self._error is not None:
            raise self._error
        if self._registry is None:
            from ..errors import StarrulesError
            from ..load.registry import Registry

            try:
                base = Registry.default()
                if self.folders:
                    self._registry = Registry.from_paths(
                        [_shown(folder) for folder in self.folders], base=base
                    )
                else:
                    self._registry = base
            except StarrulesError as exc:
                self._error = exc
                raise
            for ruleset in self._registry.rulesets:
                self.by_file.setdefault(Path(ruleset.file).resolve(), []).append(ruleset)
        return self._registry

    def elsewhere(self) -> dict[str, dict[tuple[str, ...], str]]:
        """The fingerprints of every collected ruleset computed in other processes (for the
        deterministic check): two subprocesses per session, not two per ruleset."""
        if self._elsewhere is None:
            from .determinism import fingerprints_elsewhere

            self.registry()
            mine = [rs for path, group in self.by_file.items() if self.covers(path) for rs in group]
            self._elsewhere = fingerprints_elsewhere(mine)
        return self._elsewhere


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory, like pytest's."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class _Failed(Exception):
    """A case or a check that did not hold; its report replaces the traceback."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


def _case_report(result: CaseResult, verbose: bool = False) -> str:
    """The differences and the criteria that decided them; with `verbose` (pytest -v), the
    differences and the village's whole explanation."""
    case = result.case
    lines = [f"FAIL {case.location} {case.name}"]
    if result.ruleset is not None:
        lines[0] += f"  [{' → '.join(layer.ref for layer in result.ruleset.layers)}]"
    if not verbose:
        lines.extend(result.report())
        return "\n".join(lines)
    lines.extend(f"    {difference}" for difference in result.differences)
    if result.explanation:
        lines.append("")
        lines.extend(
            f"    {line}" if line else "" for line in result.explanation.rstrip().splitlines()
        )
    return "\n".join(lines)


class _Reported(pytest.Item):
    """An item whose failures are a report of its own, never a traceback."""

    location_line: int | None = None

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, _Failed):
            return excinfo.value.report
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.location_line - 1 if self.location_line else None
        return self.path, line, self.name


class CaseItem(_Reported):
    """One test case: inline in a ruleset, or in a `*.test.yaml` file."""

    def __init__(self, *, case: TestCase, run: Callable[[], CaseResult], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self._run = run
        self.location_line = case.location.line
        self.add_marker("starrules_case")

    def runtest(self) -> None:
        result = self._run()
        if not result.passed:
            verbose = int(self.config.getoption("verbose", 0) or 0) > 0
            raise _Failed(_case_report(result, verbose))


class CheckItem(_Reported):
    """One property check of one resolved ruleset."""

    def __init__(
        self,
        *,
        check: str,
        ruleset: Ruleset,
        parent_ruleset: Ruleset | None,
        state: _State,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.ruleset = ruleset
        self.parent_ruleset = parent_ruleset
        self._state = state
        self.add_marker("starrules_check")

    def runtest(self) -> None:
        from .runner import CHECKS, run_checks

        state = self._state
        results: list[CheckResult] = run_checks(
            self.ruleset,
            parent=self.parent_ruleset,
            max_examples=state.examples,
            seed=state.seed,
            skip=tuple(name for name in CHECKS if name != self.check),
            elsewhere=state.elsewhere() if self.check == "deterministic" else None,
        )
        mine = [result for result in results if result.name == self.check]
        if not mine:
            pytest.skip(f"check {self.check} does not apply to {self.ruleset.id}")
        for result in mine:
            if not result.passed:
                raise _Failed(result.report())
