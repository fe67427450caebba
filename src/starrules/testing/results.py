"""What a property check reports (`CheckResult`, its counterexample report), and running one
property under hypothesis into such a result, with the shrunk counterexample."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st

from ..explain.assessment import Assessment
from ..ruleset import Ruleset
from ..village import Village


@dataclass
class CheckResult:
    """The outcome of one property check on one ruleset."""

    name: str
    ruleset: str
    passed: bool
    examples: int
    message: str = ""
    counterexample: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    responsible: list[str] = field(default_factory=list)

    def report(self) -> str:
        head = f"{'PASS' if self.passed else 'FAIL'} {self.name} — {self.ruleset}"
        if self.passed:
            return f"{head} ({self.examples} examples)"
        lines = [head, f"  {self.message}"]
        if self.responsible:
            lines.append("  responsible: " + ", ".join(self.responsible))
        if self.counterexample is not None:
            lines.append("  counterexample (shrunk):")
            text = json.dumps(self.counterexample, ensure_ascii=False, sort_keys=True)
            lines.append(f"    {text}")
        for label, summary in (("before", self.before), ("after", self.after)):
            if summary is not None:
                lines.append(f"  {label}: {json.dumps(summary, ensure_ascii=False)}")
        return "\n".join(lines)


def _summary(assessment: Assessment) -> dict[str, Any]:
    level = assessment.level
    return {
        "stars": {sid: assessment.status(sid).value for sid in assessment.rules.star_index},
        "level": {"value": level.value, "min": level.min, "max": level.max},
    }


def _compact(village: Village) -> dict[str, Any]:
    return village.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


@dataclass
class _Failure:
    message: str
    village: Village
    before: Assessment | None = None
    after: Assessment | None = None
    responsible: list[str] = field(default_factory=list)


def _run(
    name: str,
    ruleset: Ruleset,
    strategy: st.SearchStrategy[Any],
    prop: Callable[[Any], _Failure | None],
    max_examples: int,
    seed: int,
) -> CheckResult:
    """Run `prop` on examples of `strategy`; on failure keep hypothesis's shrunk example."""
    failures: list[_Failure] = []
    runs = 0

    @fixed_seed(seed)
    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        # No "explain" phase: it re-runs the property many times to annotate the output,
        # which the CheckResult does itself.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )
    @given(strategy)
    def check(example: Any) -> None:
        nonlocal runs
        runs += 1
        failure = prop(example)
        if failure is not None:
            failures.append(failure)
            raise AssertionError(failure.message)

    with contextlib.suppress(AssertionError):  # the failure is kept in `failures`
        check()
    label = " → ".join(layer.ref for layer in ruleset.layers)
    if not failures:
        return CheckResult(name, label, True, runs)
    last = failures[-1]  # hypothesis replays the shrunk example last
    return CheckResult(
        name,
        label,
        False,
        runs,
        last.message,
        _compact(last.village),
        _summary(last.before) if last.before else None,
        _summary(last.after) if last.after else None,
        last.responsible,
    )


def _changed_criteria(star_id: str, before: Assessment, after: Assessment) -> list[str]:
    old = {c.id: c.status for c in before.stars[star_id].criteria if c.kind != "group"}
    return [
        f"{c.id} ({old.get(c.id, 'absent')} → {c.status.value})"
        for c in after.stars[star_id].criteria
        if c.kind != "group" and old.get(c.id) != c.status
    ]
