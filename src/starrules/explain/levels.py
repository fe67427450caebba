"""The level as an explanation shows it: the evaluator's `LevelRange`, named (`LevelResult`)."""

from __future__ import annotations

from ..evaluation import LevelRange, Program, level_ranges, level_values
from ..i18n import Text
from ..rules import RuleTree, default_level_name
from .results import LevelResult


def level_result(program: Program, level: LevelRange) -> LevelResult:
    """The named level for a range this program decided: one shared, immutable model per
    range, built with the program's first level that is asked for."""
    return program.memo(level_results)[level]


def level_results(tree: RuleTree) -> dict[tuple[int, int], LevelResult]:
    """Every possible level range of this tree as a `LevelResult`, built once."""
    values = level_values(tree)
    names: dict[int, tuple[Text, str | None]] = {v: (default_level_name(v), None) for v in values}
    if tree.levels is not None:
        names.update((level.value, (level.name, level.named_by)) for level in tree.levels)
    results: dict[tuple[int, int], LevelResult] = {}
    for key, level in level_ranges(tree).items():
        name, named_by = names[level.min] if level.value is not None else (None, None)
        results[key] = LevelResult(
            value=level.value, min=level.min, max=level.max, name=name, named_by=named_by
        )
    return results
