"""starrules: versioned, explainable rulesets for the five-star Party branch rating.

import starrules
village = starrules.Village.model_validate(data)
assessment = starrules.evaluate(village)          # bundled rulesets, chosen by jurisdiction
print(assessment.explain("en"))
"""

from __future__ import annotations

from datetime import date

from .assessment import Assessment
from .errors import (
    EvaluationError,
    InputError,
    Location,
    MonitorError,
    Problem,
    ResolutionError,
    RulesetError,
    StarrulesError,
)
from .expr import ExprType, FunctionSpec
from .i18n import Text
from .indicators import Better, IndicatorKind, IndicatorSpec
from .loader import load_ruleset, loads_ruleset
from .monitor import Monitor
from .plugins import available_functions
from .registry import Registry
from .results import (
    AssessmentRecord,
    CriterionResult,
    CriterionStatus,
    LevelResult,
    StarResult,
    Status,
)
from .ruleset import Ruleset
from .village import STANDARD_INDICATORS, Village

__version__ = "0.1.0"


def evaluate(
    village: Village, on: date | None = None, registry: Registry | None = None
) -> Assessment:
    """Assess a village with the ruleset in force for its jurisdiction, kind and date."""
    return (registry or Registry.default()).evaluate(village, on)


__all__ = [
    "STANDARD_INDICATORS",
    "Assessment",
    "AssessmentRecord",
    "Better",
    "CriterionResult",
    "CriterionStatus",
    "EvaluationError",
    "ExprType",
    "FunctionSpec",
    "IndicatorKind",
    "IndicatorSpec",
    "InputError",
    "LevelResult",
    "Location",
    "Monitor",
    "MonitorError",
    "Problem",
    "Registry",
    "ResolutionError",
    "Ruleset",
    "RulesetError",
    "StarResult",
    "StarrulesError",
    "Status",
    "Text",
    "Village",
    "__version__",
    "available_functions",
    "evaluate",
    "load_ruleset",
    "loads_ruleset",
]
