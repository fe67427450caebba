"""What a ruleset refuses to judge: a village of another kind, outside its jurisdiction or
dates, or with `extra` indicators it does not declare (refused with `strict`) or of the
wrong kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import messages
from ..errors import EvaluationError, did_you_mean
from ..indicators import IndicatorKind
from ..rules import RuleTree
from ..village import Village, within


def admit(
    tree: RuleTree, village: Village, on: date, check_dates: bool = True, strict: bool = False
) -> tuple[str, ...]:
    """Reject a village this ruleset cannot judge, with the reason; return the `extra`
    indicators it gives that the ruleset does not declare (ignored; an error when
    `strict`)."""
    # The common case first, in a few comparisons: this runs once per evaluated village.
    if (
        village.kind == tree.kind
        and within(village.jurisdiction, tree.jurisdiction)
        and (not check_dates or tree.in_force(on))
    ):
        return _extras(tree, village, strict) if village.extra else ()
    ruleset = f"{tree.id}@{tree.version}"
    if village.kind != tree.kind:
        raise EvaluationError.of(
            None,
            "SR570",
            name=village.name,
            kind=messages.village_kind(village.kind),
            ruleset=ruleset,
            expected=messages.village_kind(tree.kind),
        )
    if not within(village.jurisdiction, tree.jurisdiction):
        raise EvaluationError.of(
            None,
            "SR571",
            name=village.name,
            jurisdiction=village.jurisdiction,
            scope=tree.jurisdiction,
            ruleset=ruleset,
        )
    if check_dates and not tree.in_force(on):
        until = tree.effective_until or messages.Both("open end", "长期")
        raise EvaluationError.of(
            None,
            "SR572",
            ruleset=ruleset,
            date=on.isoformat(),
            start=tree.effective_from,
            until=until,
        )
    return _extras(tree, village, strict)


def _extras(tree: RuleTree, village: Village, strict: bool) -> tuple[str, ...]:
    """The undeclared `extra` indicators (refused when `strict`); a declared one's value
    checked against its kind."""
    ignored: list[str] = []
    for key, value in village.extra.items():
        spec = tree.indicators.get(f"extra.{key}")
        if spec is None:
            if strict:
                declared = [p for p in tree.indicators if p.startswith("extra.")]
                hint = did_you_mean(f"extra.{key}", declared)
                listed = ", ".join(declared)
                raise EvaluationError.of(
                    None,
                    "SR573",
                    name=village.name,
                    path=f"extra.{key}",
                    ruleset=f"{tree.id}@{tree.version}",
                    suggestion=messages.aside(hint),
                    declared=messages.Both(
                        f" (it declares: {listed})" if declared else "",
                        f"（它定义的是：{listed}）" if declared else "",
                    ),
                )
            ignored.append(f"extra.{key}")
            continue
        if value is None:
            continue  # unknown
        if not fits_kind(spec.kind, value):
            raise EvaluationError.of(
                None,
                "SR574",
                name=village.name,
                path=f"extra.{key}",
                value=repr(value),
                kind=messages.value_kind(spec.kind.value),
            )
    return tuple(sorted(ignored)) if ignored else ()


def fits_kind(kind: IndicatorKind, value: Any) -> bool:
    if kind is IndicatorKind.BOOL:
        return isinstance(value, bool)
    if kind is IndicatorKind.STRING:
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind is IndicatorKind.COUNT:  # a whole float (3.0, as spreadsheets write) counts
        return (isinstance(value, int) or value.is_integer()) and value >= 0
    if kind is IndicatorKind.MONEY:
        return value >= 0
    if kind is IndicatorKind.RATE:
        return 0 <= value <= 1
    return True
