"""Next-star guidance (补齐短板): what to change to win each star not held, and the cheapest
route to the next level. `Assessment.next_steps()` builds it; docs/guidance.md has the rules.

The model. A route makes some criteria pass (a veto: not hold) and leaves every other outcome
as it is, with an unknown outcome counted as not passing: a route never relies on data nobody
reported. An unknown criterion that a route needs is counted as one to change, and also listed
as *to confirm* (it may be met already). Criteria are taken as independent: two criteria that
read one indicator in opposite directions are not reconciled.

* A star: the fewest criteria that make its grant group pass (every group kind is a threshold
  over integer weights, `GroupKernel`, so one exact 0/1 knapsack by cost serves them all;
  ties go to the earlier items), plus its unknown vetoes, plus the routes of the stars it
  requires that are not held (the chain, each criterion counted once). A triggered veto, of
  the star or of a star it requires, blocks it: no route.
* The next level: the lowest level above the one held for certain (`level.min`). By default
  (level = number of stars) that is one more star, the cheapest. With a ruleset's own
  `levels`, every set of stars to win is tried (the 12 cheapest stars at most), with extra
  points for the `points()` groups the levels read, and a level's own conditions on
  indicators (e.g. Zhejiang's 3A standard) count one each; the cheapest route to any level
  at or above the next wins (ties: the higher level, then fewer and earlier stars).

Here the result is written out, as JSON data (`next_steps_data`) and as the models
(`next_steps_model`). The search itself: guide.py (`Guide`, walking one assessment),
route_choice.py (the knapsacks), guide_tables.py (what the rules alone give, once per ruleset).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evaluation import Truth
from ..expr.ast import Name, Unary, to_source, walk
from ..expr.ast import Node as ExprNode
from ..expr.combinators import indicator_getter
from ..i18n import Text
from ..rules import default_level_name
from ..village import Village
from .guide import Guide
from .records import Explanation, construct, construct_from
from .results import (
    CriterionStatus,
    LevelCondition,
    LevelResult,
    LevelRoute,
    NextSteps,
    StarRoute,
    Status,
    Step,
)
from .route_choice import Flips
from .tables import JSON, RecordTables

__all__ = ["next_steps_data", "next_steps_model"]


def next_steps_data(
    tables: RecordTables,
    village: Village,
    stars: Sequence[Truth],
    ex: Explanation,
    level: LevelResult,
) -> JSON:
    """The guidance for one assessment as plain JSON data, field for field a `NextSteps`
    (what the full record holds): a route per star not held, and to the next level."""
    guide = Guide(tables, village, stars, ex, level)
    tree = tables.tree
    routes = guide.star_routes()
    found = guide.level_route(routes)
    nodes = ex.nodes
    id_of = tables.id_of

    def ids(flips: Flips) -> tuple[list[str], list[str]]:
        """The criteria in ruleset order, and those of them that are unknown."""
        ordered = sorted(flips)
        return [id_of[i] for i in ordered], [id_of[i] for i in ordered if nodes[i] is None]

    star_routes: JSON = {}
    named: set[int] = set()
    for star in tree.stars:
        route = routes.get(star.index)
        if route is None:
            continue
        named |= route.flips
        criteria, to_confirm = ids(route.flips)
        star_routes[star.id] = {
            "star": star.id,
            "status": "denied" if stars[star.index] is False else "undetermined",
            "blocked_by": list(route.blocked),
            "requires": [s.id for s in tree.stars if s.index in route.requires],
            "criteria": criteria,
            "to_confirm": to_confirm,
        }
    next_level = None
    if found is not None:
        named |= found.flips
        if tree.levels is None:
            target: int = level.min + 1
            name = default_level_name(target)
        else:
            target = min(lv.value for lv in tree.levels if lv.value > level.min)
            name = next(lv.name for lv in tree.levels if lv.value == target)
        criteria, to_confirm = ids(found.flips)
        next_level = {
            "level": target,
            "name": {"zh": name.zh, "en": name.en},
            "reaches": found.level,
            "stars": [tree.stars[i].id for i in found.stars],
            "criteria": criteria,
            "conditions": [
                _condition(leaf, want, now, village) for leaf, want, now in found.conditions
            ],
            "to_confirm": to_confirm,
        }
    templates = guide.shared.steps
    values, details = ex.values, ex.details
    steps: JSON = {}
    for i in sorted(named):
        step = templates[i].copy()
        failing = nodes[i] is False
        step["status"] = "fail" if failing else "unknown"
        step["reads"] = list(step["reads"])  # the record's own list, never the template's
        step["observed"] = {path: values[path] for path in step["reads"]}
        detail = details.get(i)
        step["gap"] = detail[0] if detail is not None and failing else None
        steps[id_of[i]] = step
    return {"level": level.min, "stars": star_routes, "next_level": next_level, "steps": steps}


def _condition(leaf: ExprNode, want: bool, now: Truth, village: Village) -> JSON:
    shown = leaf if want else Unary("not", leaf, 0)
    reads = list(dict.fromkeys(p.path for p in walk(leaf) if isinstance(p, Name)))
    return {
        "expression": to_source(shown),
        "reads": reads,
        "observed": {p: indicator_getter(p)(village) for p in reads},
        "status": "unknown" if now is None else "fail",
    }


def next_steps_model(data: JSON) -> NextSteps:
    """`next_steps_data` as the models, built without validation (the data is the
    library's own; tests/test_records.py holds the two equal to a validated record)."""

    def own(d: JSON) -> JSON:  # the model's own lists and maps, never the data's
        return {k: list(v) if isinstance(v, list) else v for k, v in d.items()}

    def step(d: JSON) -> Step:
        fields = {**own(d), "observed": dict(d["observed"])}
        fields["status"] = CriterionStatus(d["status"])
        return construct_from(Step, fields)

    def condition(d: JSON) -> LevelCondition:
        fields = {**own(d), "observed": dict(d["observed"])}
        fields["status"] = CriterionStatus(d["status"])
        return construct_from(LevelCondition, fields)

    stars = {
        star_id: construct_from(StarRoute, {**own(d), "status": Status(d["status"])})
        for star_id, d in data["stars"].items()
    }
    level = data["next_level"]
    next_level = None
    if level is not None:
        next_level = construct_from(
            LevelRoute,
            {
                **own(level),
                "name": construct_from(Text, dict(level["name"])),
                "conditions": [condition(c) for c in level["conditions"]],
            },
        )
    return construct(
        NextSteps,
        level=data["level"],
        stars=stars,
        next_level=next_level,
        steps={k: step(v) for k, v in data["steps"].items()},
    )
