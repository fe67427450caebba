"""A parsed ruleset file → its validated document (validated once), or every structural
problem of the file, each with its place.

For a standalone file whose only structural problems are unknown keys, the rest of the file
is compiled too (a copy without those keys), so that a misspelt key does not hide an error
in an expression: the author sees every mistake of a file in one run.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..errors import Problem, RulesetError, did_you_mean, did_you_mean_named
from ..expr import FunctionSpec
from .compiler import RulesetCompiler, problem_order
from .schema import KNOWN_KEYS, RulesetDoc, document_path, is_overlay
from .source_document import PathKey, SourceDocument
from .value_hints import value_hint


def read_document(source: SourceDocument, functions: Mapping[str, FunctionSpec]) -> RulesetDoc:
    """The validated document; a RulesetError listing the file's problems when it does not
    validate (with `functions`, those compiling the rest of a standalone file finds)."""
    try:
        return RulesetDoc.model_validate(source.data)
    except ValidationError as exc:
        problems = [*source.problems, *schema_problems(exc, source)]
        if not is_overlay(source.data):
            problems.extend(_more_problems(source, exc, functions))
        unique = dict.fromkeys(problems)  # the source's own problems come back from compiling
        raise RulesetError(sorted(unique, key=problem_order)) from None


def _more_problems(
    source: SourceDocument, exc: ValidationError, functions: Mapping[str, FunctionSpec]
) -> list[Problem]:
    """The problems compiling the file without its unknown keys finds; none when it has
    other structural problems (then nothing further can be checked)."""
    cleaned = _without_unknown_keys(source.data, exc)
    if cleaned is None:
        return []
    try:
        RulesetCompiler(source, RulesetDoc.model_validate(cleaned), functions).run()
    except RulesetError as more:
        return list(more.problems)
    except ValidationError:
        pass
    return []


def _without_unknown_keys(data: Any, exc: ValidationError) -> Any:
    """A copy of the data without the keys the schema rejected as unknown, or None when
    the file has other structural problems."""
    cleaned = copy.deepcopy(data)
    for error in exc.errors(include_url=False):
        if error["type"] != "extra_forbidden":
            return None
        parent: Any = cleaned
        loc = document_path(error)
        for part in loc[:-1]:
            parent = parent[part]
        parent.pop(loc[-1], None)
    return cleaned


_PATTERN_HELP = {
    "jurisdiction": "lowercase ids joined by '/', province first, e.g. cn-henan/nanyang/xixia",
    "version": 'digits and dots, in quotes, e.g. version: "2023.1"',
    "requires": "a star id: lowercase letters, digits and '_'",
    "source": "a source id: lowercase letters, digits, '.', '-' and '_'",
    "extends": "the ruleset it extends and its versions, e.g. henan-rural@>=2022.1",
}
_ID_HELP = {
    1: "a ruleset id: lowercase letters, digits and '-', e.g. henan-rural",
    2: "lowercase letters, digits, '.', '-' and '_', e.g. industry.collective-income",
}


def schema_problems(exc: ValidationError, source: SourceDocument) -> list[Problem]:
    """Pydantic's errors as located Problems, in the order of the file, with hints."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        path: PathKey = document_path(error)
        kind = error["type"]
        value = error.get("input")
        shown = ".".join(str(p) for p in path) or "(top level)"
        if kind == "extra_forbidden":
            key = str(path[-1])
            hint = did_you_mean(key, KNOWN_KEYS - {key})
            if hint is None and key in KNOWN_KEYS:  # a real key in the wrong place
                hint = "it belongs to another kind of entry: check the keys next to it"
            problems.append(Problem.coded(source.location(path, key=True), "SR201", hint, key=key))
            continue
        if kind == "missing":
            parent = ".".join(str(p) for p in path[:-1])
            where = source.location(path[:-1])
            if parent:
                problems.append(Problem.coded(where, "SR202", key=path[-1], parent=parent))
            else:
                problems.append(Problem.coded(where, "SR203", key=path[-1]))
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        hint = None
        last = str(path[-1]) if path else ""
        if path == ("starrules",):
            message = f"this file is format {value!r}; this starrules reads format 1"
        elif kind == "string_pattern_mismatch":
            parent = str(path[-2]) if len(path) > 1 else ""
            help_text = _PATTERN_HELP.get(str(last)) or _PATTERN_HELP.get(str(parent))
            if last == "id":
                help_text = (
                    _ID_HELP[1]
                    if len(path) == 1
                    else (
                        "a star id: lowercase letters, digits and '_'"
                        if len(path) == 3
                        else _ID_HELP[2]
                    )
                )
            message = f"{value!r} is not valid: use {help_text}" if help_text else message
            if "requires" in path and isinstance(value, str):  # a star by its Chinese name
                hint = did_you_mean_named(value, _named_stars(source.data))
        elif last == "version" and isinstance(value, int | float) and not isinstance(value, bool):
            hint = f'quote it: version: "{value}"'
        elif isinstance(value, bool) and "string" in message:
            hint = "quote it: unquoted yes/no/on/off/true/false are read as true or false"
        if hint is None:
            hint = value_hint(error)
        if message == error["msg"]:  # pydantic's own words: worded in Chinese by their type
            detail = messages.validation_detail(error)
            problems.append(
                Problem.coded(source.location(path), "SR206", hint, field=shown, detail=detail)
            )
            continue
        problems.append(Problem(source.location(path), f"{shown}: {message}", hint))
    problems.sort(key=problem_order)
    return problems


def _named_stars(data: Any) -> dict[str, list[str]]:
    """The Chinese names of the stars of a file not yet validated, by id."""
    names: dict[str, list[str]] = {}
    stars = data.get("stars") if isinstance(data, Mapping) else None
    for star in stars if isinstance(stars, list) else ():
        if not isinstance(star, Mapping):
            continue
        star_id, name = star.get("id"), star.get("name")
        zh = name.get("zh") if isinstance(name, Mapping) else None
        if isinstance(star_id, str) and isinstance(zh, str):
            names.setdefault(star_id, []).append(zh)
    return names
