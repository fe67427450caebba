"""Plug-ins found through entry points: functions for expressions and ruleset folders.

- `starrules.functions`: an entry point loads a `FunctionSpec` or an iterable of them.
- `starrules.rulesets`: an entry point loads a path to a folder of ruleset files, or a
  callable returning such a path or a list of them.

A broken plug-in is an error naming its entry point, never a silent omission.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .. import messages
from ..errors import EvaluationError, StarrulesError
from .compiler import CompiledExpression
from .functions import BUILTIN_FUNCTIONS, FunctionSpec

FUNCTIONS_GROUP = "starrules.functions"
RULESETS_GROUP = "starrules.rulesets"
RESERVED = frozenset({*BUILTIN_FUNCTIONS, "count", "points"})


def _load(entry: EntryPoint) -> Any:
    try:
        return entry.load()
    except Exception as exc:  # a plug-in's import error must not look like ours
        raise StarrulesError.of(
            None,
            "SR820",
            entry=f"{entry.name} = {entry.value}",
            group=entry.group,
            error=repr(exc),
        ) from exc


def _guarded(spec: FunctionSpec, where: messages.Both) -> FunctionSpec:
    """The spec with an implementation whose failures become EvaluationErrors."""
    impl = spec.impl

    def call(*args: Any) -> Any:
        try:
            return impl(*args)
        except Exception as exc:
            raise EvaluationError.of(
                None, "SR821", name=spec.name, plugin=where, args=repr(args), error=repr(exc)
            ) from exc

    return FunctionSpec(
        spec.name,
        spec.params,
        spec.result,
        call,
        spec.variadic,
        spec.takes_unknown,
        spec.doc,
        spec.vectorized,
    )


@functools.cache
def plugin_functions() -> Mapping[str, FunctionSpec]:
    """Every plug-in function, by name; clashes and wrong objects are errors. Found once per
    process, like the default registry's plug-in rulesets: scanning every installed
    distribution's entry points costs more than compiling a small ruleset. The result is
    read-only, so sharing it is safe; a plug-in that fails to load is not remembered."""
    found: dict[str, tuple[FunctionSpec, messages.Both]] = {}
    for entry in entry_points(group=FUNCTIONS_GROUP):
        where = _entry_point(entry)
        loaded = _load(entry)
        specs = [loaded] if isinstance(loaded, FunctionSpec) else loaded
        if not isinstance(specs, Iterable) or isinstance(specs, str | bytes):
            raise StarrulesError.of(None, "SR822", plugin=where, type=type(loaded).__name__)
        for spec in specs:
            if not isinstance(spec, FunctionSpec):
                raise StarrulesError.of(None, "SR823", plugin=where, value=repr(spec))
            if spec.name in RESERVED:
                raise StarrulesError.of(None, "SR824", plugin=where, name=spec.name)
            if spec.name in found:
                raise StarrulesError.of(
                    None, "SR825", plugin=where, name=spec.name, other=found[spec.name][1]
                )
            found[spec.name] = (_guarded(spec, where), where)
    return MappingProxyType({name: spec for name, (spec, _) in found.items()})


def available_functions() -> Mapping[str, FunctionSpec]:
    """The built-in functions and every plug-in's."""
    return MappingProxyType({**BUILTIN_FUNCTIONS, **plugin_functions()})


def _entry_point(entry: EntryPoint) -> messages.Both:
    """An entry point as messages name it, in both languages."""
    return messages.Both(
        f"entry point '{entry.name} = {entry.value}'", f"入口点 '{entry.name} = {entry.value}'"
    )


def _chinese(error: StarrulesError) -> str:
    """An error's text in Chinese, without its codes (it is said inside another message)."""
    if not error.problems:
        return messages.message_text(str(error), "zh")
    lines = []
    for problem in error.problems:
        place = f"{problem.location}: " if str(problem.location) else ""
        hint = messages.hint_in(problem.hint, "zh") if problem.hint else ""
        lines.append(place + problem.text("zh") + hint)
    return "\n".join(lines)


def plugin_ruleset_dirs() -> list[Path]:
    """The ruleset folders every installed plug-in ships."""
    folders: list[Path] = []
    for entry in entry_points(group=RULESETS_GROUP):
        where = _entry_point(entry)
        loaded = _load(entry)
        try:
            value = loaded() if callable(loaded) else loaded
        except Exception as exc:
            raise StarrulesError.of(None, "SR826", plugin=where, error=repr(exc)) from exc
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if not isinstance(item, str | os.PathLike):
                raise StarrulesError.of(None, "SR827", plugin=where, value=repr(item))
            folder = Path(item)
            if not folder.is_dir():
                raise StarrulesError.of(None, "SR828", plugin=where, folder=folder)
            folders.append(folder)
    return folders


def naming_failures(test: CompiledExpression, criterion: str) -> CompiledExpression:
    """A compiled test calling functions that are not built in (a plug-in's, or given
    at load time), whose failures name the criterion."""
    evaluate, on_village = test.evaluate, test.on_village

    def named(error: Exception) -> EvaluationError:
        if isinstance(error, EvaluationError):  # ours: what it says, in both languages
            detail = messages.Both(str(error), _chinese(error))
            return EvaluationError.of(None, "SR829", criterion=criterion, detail=detail)
        return EvaluationError.of(None, "SR830", criterion=criterion, error=repr(error))

    def evaluate_named(v: Any, s: Any) -> Any:
        try:
            return evaluate(v, s)
        except Exception as error:  # a function of a plug-in or of the caller failed
            raise named(error) from error

    def on_village_named(v: Any) -> Any:
        try:
            return on_village(v)
        except Exception as error:
            raise named(error) from error

    return dataclasses.replace(test, evaluate=evaluate_named, on_village=on_village_named)


__all__ = ["available_functions", "naming_failures", "plugin_functions", "plugin_ruleset_dirs"]
