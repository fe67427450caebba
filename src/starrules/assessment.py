"""The Assessment: what a ruleset concluded about one village, and why.

Evaluation stores only the compact `Outcome` (a status per rule node, per star, and the
level range). The result models (`StarResult`, `CriterionResult`, …) with observed values,
gaps and reasons are built from it the first time they are asked for, then kept. This keeps
bulk evaluation fast while every explanation stays complete and exact: all of it is a pure
function of the (frozen) village, the (immutable) rules and the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .expr.compiler import indicator_getter
from .i18n import Lang
from .render.text import render_explanation
from .results import (
    AssessmentRecord,
    CriterionResult,
    CriterionStatus,
    IndicatorValue,
    LayerRef,
    LevelResult,
    RulesetRef,
    StarResult,
    Status,
    VillageRef,
)
from .rules import Criterion, Node, RuleTree, Star, requirements_first
from .village import Village

_STATUS = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
_CRITERION = {
    True: CriterionStatus.PASS,
    False: CriterionStatus.FAIL,
    None: CriterionStatus.UNKNOWN,
}


@dataclass(slots=True)
class Outcome:
    """The raw result of one evaluation (True / False / None per node and per star)."""

    stars: list[bool | None]
    level: LevelResult  # shared between assessments: immutable, one per (min, max)
    record: Callable[[Village], list[bool | None]]  # every node's outcome, on demand


class Assessment:
    """A village's stars and level under one ruleset, with explanations (spec §4).

    Parts are pydantic models built on first access; `to_record()` gives the whole as one
    model, and `model_dump()` / `model_dump_json()` serialise it.
    """

    __slots__ = (
        "_missing",
        "_outcome",
        "_record",
        "_stars",
        "_statuses",
        "_tree",
        "as_of",
        "input",
    )

    def __init__(self, tree: RuleTree, village: Village, as_of: date, outcome: Outcome) -> None:
        self._tree = tree
        self.input = village
        self.as_of = as_of
        self._outcome = outcome
        self._statuses: list[bool | None] | None = None
        self._stars: dict[str, StarResult] | None = None
        self._missing: list[str] | None = None
        self._record: AssessmentRecord | None = None

    # -- cheap views, straight from the outcome -----------------------------------------
    def status(self, star_id: str) -> Status:
        """The status of one star, without building its explanation."""
        return _STATUS[self._outcome.stars[self._tree.star_index[star_id]]]

    @property
    def granted(self) -> list[str]:
        """Ids of the granted stars, in ruleset order."""
        return [s.id for s in self._tree.stars if self._outcome.stars[s.index] is True]

    @property
    def level(self) -> LevelResult:
        return self._outcome.level

    @property
    def village(self) -> VillageRef:
        v = self.input
        return VillageRef(
            code=v.code, name=v.name, jurisdiction=v.jurisdiction, kind=v.kind, township=v.township
        )

    @property
    def ruleset(self) -> RulesetRef:
        tree = self._tree
        return RulesetRef(
            id=tree.id,
            version=tree.version,
            jurisdiction=tree.jurisdiction,
            kind=tree.kind,
            layers=[
                LayerRef(id=la.id, version=la.version, jurisdiction=la.jurisdiction)
                for la in tree.layers
            ],
            fingerprint=tree.fingerprint,
        )

    @property
    def rules(self) -> RuleTree:
        """The compiled rules this assessment was made with."""
        return self._tree

    # -- explanations, built on demand ---------------------------------------------------
    @property
    def stars(self) -> dict[str, StarResult]:
        if self._stars is None:
            built: dict[str, StarResult] = {}
            # Required stars first, so that a star can name what its prerequisites lack.
            for star in requirements_first(self._tree.stars):
                built[star.id] = self._build_star(star, built)
            self._stars = {s.id: built[s.id] for s in self._tree.stars}
        return self._stars

    def star(self, star_id: str) -> StarResult:
        """One star's explanation; cheaper than `stars` when only one is wanted (the
        stars it requires are built too, for what they lack)."""
        if self._stars is not None:
            return self._stars[star_id]
        built: dict[str, StarResult] = {}
        tree = self._tree

        def build(star: Star) -> None:
            if star.id not in built:
                for required in star.requires:
                    build(tree.star(required))
                built[star.id] = self._build_star(star, built)

        build(tree.star(star_id))
        return built[star_id]

    @property
    def missing(self) -> list[str]:
        """Every unknown indicator that could change a star or the level, in ruleset order."""
        if self._missing is None:
            found: dict[str, None] = {}
            for result in self.stars.values():
                found.update(dict.fromkeys(result.missing))
            if self.level.value is None and self._tree.levels is not None:
                criteria = {c.id: c for s in self.stars.values() for c in s.criteria}
                for level in self._tree.levels:
                    for path in level.when.names:
                        if not path.startswith("stars.") and self._value(path) is None:
                            found[path] = None
                    for group_id in level.when.point_groups:  # unknown items of points()
                        for node_id in self._tree.descendants(group_id):
                            found.update(dict.fromkeys(criteria[node_id].missing))
            self._missing = list(found)
        return self._missing

    def to_record(self) -> AssessmentRecord:
        if self._record is None:
            self._record = AssessmentRecord(
                village=self.village,
                as_of=self.as_of,
                ruleset=self.ruleset,
                stars=self.stars,
                level=self.level,
                missing=self.missing,
            )
        return self._record

    def model_dump(
        self, *, mode: Literal["json", "python"] = "python", exclude_none: bool = False
    ) -> dict[str, Any]:
        return self.to_record().model_dump(mode=mode, exclude_none=exclude_none)

    def model_dump_json(self, *, indent: int | None = None, exclude_none: bool = False) -> str:
        return self.to_record().model_dump_json(indent=indent, exclude_none=exclude_none)

    def explain(self, lang: Lang = "zh") -> str:
        """A readable explanation a township cadre can act on, in Chinese or English."""
        return render_explanation(self.to_record(), self._tree, lang)

    def __repr__(self) -> str:
        level = self.level
        shown = level.value if level.value is not None else f"{level.min}..{level.max}"
        return (
            f"<Assessment {self.input.name!r} {self._tree.id}@{self._tree.version} "
            f"level={shown} granted={self.granted}>"
        )

    # -- builders ------------------------------------------------------------------------
    def _value(self, path: str) -> IndicatorValue:
        value: IndicatorValue = indicator_getter(path)(self.input)
        return value

    def _node_statuses(self) -> list[bool | None]:
        if self._statuses is None:
            self._statuses = self._outcome.record(self.input)
        return self._statuses

    def _build_star(self, star: Star, built: dict[str, StarResult]) -> StarResult:
        statuses = self._node_statuses()
        criteria = [self._build_node(node, statuses[node.index]) for node in star.nodes]
        status = _STATUS[self._outcome.stars[star.index]]
        vetoes = [v.id for v in star.vetoes if statuses[v.index] is False]
        unmet = [r for r in star.requires if self.status(r) is not Status.GRANTED]
        missing: dict[str, None] = {}
        if status is Status.UNDETERMINED:
            by_id = {c.id: c for c in criteria}
            self._collect_missing(star.grant, by_id, missing)
            for veto in star.vetoes:
                missing.update(dict.fromkeys(by_id[veto.id].missing))
            for required in unmet:
                missing.update(dict.fromkeys(built[required].missing))
        return StarResult(
            id=star.id,
            name=star.name,
            status=status,
            criteria=criteria,
            vetoes=vetoes,
            requires=list(star.requires),
            requires_unmet=unmet,
            missing=list(missing),
            layer=star.layer.ref,
        )

    def _collect_missing(
        self, node: Node, by_id: dict[str, CriterionResult], found: dict[str, None]
    ) -> None:
        """Unknown inputs that matter: only inside groups whose outcome is still open."""
        result = by_id[node.id]
        if result.status is not CriterionStatus.UNKNOWN:
            return
        if isinstance(node, Criterion):
            found.update(dict.fromkeys(result.missing))
            return
        for item in node.items:
            self._collect_missing(item, by_id, found)

    def _build_node(self, node: Node, truth: bool | None) -> CriterionResult:
        if not isinstance(node, Criterion):
            return CriterionResult(
                id=node.id,
                kind="group",
                status=_CRITERION[truth],
                parent=node.parent,
                rule=node.rule,
                needed=node.needed,
                text=node.text,
                points=node.points,
                layer=node.layer.ref,
            )
        test = node.test
        observed = {path: getter(self.input) for path, getter in test.getters}
        # A veto's status is pass when its test (the denying condition) does not hold.
        gap = limit = None
        target = reason = None
        missing = [p for p, v in observed.items() if v is None] if truth is None else []
        threshold = test.threshold
        if threshold is not None and truth is False:
            subject = threshold.subject(self.input, None)
            if isinstance(subject, int | float) and not isinstance(subject, bool):
                want = node.kind != "veto"
                gap = threshold.gap(subject, want)
                if gap is not None:
                    limit = threshold.limit
                    target = f"{threshold.needed(want)} {_number(limit)}"
        if truth is None and not missing:
            zeros = test.zero_divisors(self.input)
            if zeros:
                reason = "division by zero: " + ", ".join(f"{z} is 0" for z in zeros)
            elif beyond := test.out_of_range(self.input):
                reason = "a result is too large to compute: " + ", ".join(beyond)
        return CriterionResult(
            id=node.id,
            kind=node.kind,
            status=_CRITERION[truth],
            parent=node.parent,
            expression=test.source,
            observed=observed,
            text=node.text,
            source=node.source,
            provisional=node.provisional,
            note=node.note,
            points=node.points,
            layer=node.layer.ref,
            gap=gap,
            limit=limit,
            target=target,
            missing=missing,
            reason=reason,
        )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
