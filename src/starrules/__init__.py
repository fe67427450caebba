"""starrules: versioned, explainable rulesets for the five-star Party branch rating.

import starrules
village = starrules.Village.model_validate(data)
assessment = starrules.evaluate(village)          # bundled rulesets, chosen by jurisdiction
print(assessment.explain("en"))

`import starrules` loads nothing but this module: each public name is imported on first
use (PEP 562), so that a program using only part of the library (the CLI, the monitor, a
ruleset check) does not pay for building every pydantic model and parser of the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time `__getattr__` imports these
    from datetime import date

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
    from .explain.assessment import Assessment
    from .explain.results import (
        AssessmentRecord,
        CriterionResult,
        CriterionStatus,
        Ignored,
        LevelCondition,
        LevelResult,
        LevelRoute,
        NextSteps,
        StarResult,
        StarRoute,
        Status,
        Step,
    )
    from .expr import ExprType, FunctionSpec
    from .expr.plugins import available_functions
    from .i18n import Text
    from .indicators import Better, IndicatorKind, IndicatorSpec
    from .load.loader import load_ruleset, loads_ruleset
    from .load.registry import Registry
    from .monitor import Monitor
    from .reports import GroupReport, Report, ReportBuilder, report
    from .reports.plans import PlanResult, Targets
    from .reports.targets_file import read_targets
    from .ruleset import Ruleset
    from .village import STANDARD_INDICATORS, Village

__version__ = "0.1.0"

# Public name -> the submodule that defines it.
_LAZY: dict[str, str] = {
    "Assessment": "explain.assessment",
    "EvaluationError": "errors",
    "InputError": "errors",
    "Location": "errors",
    "MonitorError": "errors",
    "Problem": "errors",
    "ResolutionError": "errors",
    "RulesetError": "errors",
    "StarrulesError": "errors",
    "ExprType": "expr",
    "FunctionSpec": "expr",
    "Text": "i18n",
    "Better": "indicators",
    "IndicatorKind": "indicators",
    "IndicatorSpec": "indicators",
    "load_ruleset": "load.loader",
    "loads_ruleset": "load.loader",
    "Monitor": "monitor",
    "PlanResult": "reports.plans",
    "Targets": "reports.plans",
    "read_targets": "reports.targets_file",
    "available_functions": "expr.plugins",
    "Registry": "load.registry",
    "GroupReport": "reports",
    "Report": "reports",
    "ReportBuilder": "reports",
    "report": "reports",
    "AssessmentRecord": "explain.results",
    "CriterionResult": "explain.results",
    "CriterionStatus": "explain.results",
    "Ignored": "explain.results",
    "LevelCondition": "explain.results",
    "LevelResult": "explain.results",
    "LevelRoute": "explain.results",
    "NextSteps": "explain.results",
    "StarResult": "explain.results",
    "StarRoute": "explain.results",
    "Status": "explain.results",
    "Step": "explain.results",
    "Ruleset": "ruleset",
    "STANDARD_INDICATORS": "village",
    "Village": "village",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'starrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def evaluate(
    village: Village,
    on: date | None = None,
    registry: Registry | None = None,
    *,
    strict: bool = False,
) -> Assessment:
    """Assess a village with the ruleset in force for its jurisdiction, kind and date.
    `extra` indicators that ruleset does not declare are ignored (`Assessment.ignored`), or
    refused with `strict=True`."""
    from .load.registry import Registry

    return (registry or Registry.default()).evaluate(village, on, strict=strict)


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
    "GroupReport",
    "Ignored",
    "IndicatorKind",
    "IndicatorSpec",
    "InputError",
    "LevelCondition",
    "LevelResult",
    "LevelRoute",
    "Location",
    "Monitor",
    "MonitorError",
    "NextSteps",
    "PlanResult",
    "Problem",
    "Registry",
    "Report",
    "ReportBuilder",
    "ResolutionError",
    "Ruleset",
    "RulesetError",
    "StarResult",
    "StarRoute",
    "StarrulesError",
    "Status",
    "Step",
    "Targets",
    "Text",
    "Village",
    "__version__",
    "available_functions",
    "evaluate",
    "load_ruleset",
    "loads_ruleset",
    "read_targets",
    "report",
]
