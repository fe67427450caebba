"""Evaluation: run compiled rules over a village, in three-valued (Kleene) logic.

- kernel.py: truth values and `GroupKernel`, every group rule as one threshold, with the
  reference group rules (`all_of`, `any_of`, `at_least`, `min_points`, `star_status`);
- walk.py: the one evaluator, closures that decide (short-circuiting) or record every node;
- admission.py: what a ruleset refuses to judge (kind, jurisdiction, dates, `extra`);
- program.py: `Program`, a compiled ruleset ready to run, its `Outcome` and `LevelRange`.

Explanation is a consumer of this stage (explain/), never a part of it.
"""

from .admission import fits_kind
from .kernel import GroupKernel, Truth, all_of, any_of, at_least, min_points, star_status
from .program import LevelRange, Outcome, Program, level_ranges, level_values

__all__ = [
    "GroupKernel",
    "LevelRange",
    "Outcome",
    "Program",
    "Truth",
    "all_of",
    "any_of",
    "at_least",
    "fits_kind",
    "level_ranges",
    "level_values",
    "min_points",
    "star_status",
]
