"""Property-based checks of rulesets, with hypothesis: proof that the rules are consistent.

    from starrules.testing import run_checks, villages
    for result in run_checks(ruleset, max_examples=200):
        assert result.passed, result.report()

Strategies: `villages(ruleset)` draws valid villages for a ruleset, with values clustered at
the thresholds it uses (and their neighbours) and a controllable share of unknowns;
`small_rulesets()` draws small random rulesets (whole and decimal points), for testing the
engine itself.

Checks (each returns a `CheckResult`; a failure carries the counterexample shrunk by
hypothesis, the two assessments that disagree and the criteria responsible):
monotone, refinement, tighten-only (semantic), levels-nest, reachable, deterministic.
Using these imports hypothesis; `import starrules` does not. Each name below is imported on
first use (PEP 562): pytest loads `starrules.testing.pytest_plugin`, and with it this
package, in every session of whoever installed starrules, which should cost them nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time `__getattr__` imports these
    from .determinism import check_deterministic, fingerprints_elsewhere
    from .monotone import check_monotone, check_refinement
    from .results import CheckResult
    from .runner import CHECKS, CheckEvent, load_targets, run_all_checks, run_checks
    from .strategies import read_paths, small_rulesets, village_values, villages
    from .structure import check_levels_nest, check_reachable, check_tighten_only

# Public name -> the submodule that defines it.
_LAZY: dict[str, str] = {
    "CHECKS": "runner",
    "CheckEvent": "runner",
    "CheckResult": "results",
    "check_deterministic": "determinism",
    "check_levels_nest": "structure",
    "check_monotone": "monotone",
    "check_reachable": "structure",
    "check_refinement": "monotone",
    "check_tighten_only": "structure",
    "fingerprints_elsewhere": "determinism",
    "load_targets": "runner",
    "read_paths": "strategies",
    "run_all_checks": "runner",
    "run_checks": "runner",
    "small_rulesets": "strategies",
    "village_values": "strategies",
    "villages": "strategies",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "CHECKS",
    "CheckEvent",
    "CheckResult",
    "check_deterministic",
    "check_levels_nest",
    "check_monotone",
    "check_reachable",
    "check_refinement",
    "check_tighten_only",
    "fingerprints_elsewhere",
    "load_targets",
    "read_paths",
    "run_all_checks",
    "run_checks",
    "small_rulesets",
    "village_values",
    "villages",
]
