"""The Assessment: what a ruleset concluded about one village, and why.

Evaluation stores only the compact `Outcome` (a status per rule node, per star, and the
level range). The result models (`StarResult`, `CriterionResult`, …) with observed values,
gaps and reasons are built from it the first time they are asked for, then kept. This keeps
bulk evaluation fast while every explanation stays complete and exact: all of it is a pure
function of the (frozen) village, the (immutable) rules and the outcome. Being the
library's own, they are built without validation (see `records.py`, which also writes the
full and compact records as JSON straight from the outcome).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, overload

from ..errors import InputError, close_matches
from ..evaluation import Outcome
from ..i18n import Lang
from ..rules import RuleTree, Star
from ..village import Village
from .compact_json import compact_writer
from .full_json import full_writer
from .levels import level_result
from .records import (
    COMPACT_FORMAT,
    FULL_FORMAT,
    Detail,
    Explanation,
    RecordParts,
    compact_record,
    construct,
    construct_from,
    dumps,
    explain,
    full_record,
    record_tables,
)
from .results import (
    AssessmentRecord,
    CompactLevel,
    CompactRecord,
    CompactStar,
    CriterionResult,
    CriterionStatus,
    Ignored,
    LayerRef,
    LevelResult,
    NextSteps,
    RulesetKey,
    RulesetRef,
    StarResult,
    Status,
    VillageRef,
)
from .text import render_explanation

_STATUS = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
_CRITERION = {
    True: CriterionStatus.PASS,
    False: CriterionStatus.FAIL,
    None: CriterionStatus.UNKNOWN,
}


class Assessment:
    """A village's stars and level under one ruleset, with explanations (spec §4).

    Parts are pydantic models built on first access; `to_record()` gives the whole as one
    model, and `model_dump()` / `model_dump_json()` serialise it. `to_json()` writes the
    full or the compact record straight from the outcome, the fast way.
    """

    __slots__ = (
        "_explanation",
        "_ignored",
        "_missing",
        "_next_steps",
        "_next_steps_data",
        "_outcome",
        "_record",
        "_stars",
        "_statuses",
        "_tree",
        "as_of",
        "input",
    )

    def __init__(
        self,
        tree: RuleTree,
        village: Village,
        as_of: date,
        outcome: Outcome,
        ignored: tuple[str, ...] = (),
    ) -> None:
        self._tree = tree
        self._ignored = ignored
        self.input = village
        self.as_of = as_of
        self._outcome = outcome
        self._statuses: list[bool | None] | None = None  # every node's, on demand
        self._stars: dict[str, StarResult] | None = None
        self._missing: list[str] | None = None
        self._record: AssessmentRecord | None = None
        self._explanation: Explanation | None = None
        self._next_steps: NextSteps | None = None
        self._next_steps_data: dict[str, Any] | None = None

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
        return level_result(self._outcome.program, self._outcome.level)

    @property
    def outcome(self) -> Outcome:
        """The raw result the assessment was made from: star statuses by star index
        (True / False / None) and the level, as the evaluator decided them."""
        return self._outcome

    @property
    def village(self) -> VillageRef:
        v = self.input
        return construct(
            VillageRef,
            code=v.code,
            name=v.name,
            jurisdiction=v.jurisdiction,
            kind=v.kind,
            township=v.township,
        )

    @property
    def ruleset(self) -> RulesetRef:
        tree = self._tree
        return construct(
            RulesetRef,
            id=tree.id,
            version=tree.version,
            jurisdiction=tree.jurisdiction,
            kind=tree.kind,
            layers=[
                construct(LayerRef, id=la.id, version=la.version, jurisdiction=la.jurisdiction)
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
            self._stars = {s.id: self._build_star(s) for s in self._tree.stars}
        return self._stars

    def star(self, star_id: str) -> StarResult:
        """One star's explanation; cheaper than `stars` when only one is wanted: before the
        whole explanation is built, only this star and those it requires are explained."""
        if self._stars is not None:
            return self._stars[star_id]
        star = self._tree.star(star_id)
        if self._explanation is not None:
            return self._build_star(star)
        outcome = self._outcome
        only = self._requirement_closure(star)
        statuses = self._statuses  # the whole walk when it ran; else these stars' alone
        if statuses is None:
            statuses = outcome.program.record_stars(self.input, outcome.stars, only)
        partial = explain(
            record_tables(outcome.program),
            self.input,
            outcome.stars,
            statuses,
            self.level,
            only=only,
        )
        return self._build_star(star, partial)

    def _requirement_closure(self, star: Star) -> frozenset[int]:
        """The star and every star it requires, directly or not, by index."""
        tree = self._tree
        found = {star.index}
        todo = list(star.requires)
        while todo:
            required = tree.star(todo.pop())
            if required.index not in found:
                found.add(required.index)
                todo.extend(required.requires)
        return frozenset(found)

    @property
    def ignored(self) -> list[Ignored]:
        """The village's `extra` indicators this ruleset does not declare, which it did not
        use (with the declared ones of a close name); `strict=True` refuses them instead."""
        return [construct(Ignored, **item) for item in self._ignored_data()]

    @property
    def ignored_paths(self) -> tuple[str, ...]:
        """`ignored` as paths alone, without the suggestions (cheap)."""
        return self._ignored

    def _ignored_data(self) -> list[dict[str, Any]]:
        if not self._ignored:
            return []
        declared = [p for p in self._tree.indicators if p.startswith("extra.")]
        return [{"path": p, "suggestions": close_matches(p, declared)} for p in self._ignored]

    @property
    def missing(self) -> list[str]:
        """Every unknown indicator that could change a star or the level, in ruleset order."""
        if self._missing is None:
            self._missing = list(self._explained().all_missing)
        return self._missing

    @overload
    def to_record(self, detail: Literal["full"] = "full") -> AssessmentRecord: ...
    @overload
    def to_record(self, detail: Literal["compact"]) -> CompactRecord: ...
    def to_record(self, detail: Detail = "full") -> AssessmentRecord | CompactRecord:
        """The record as one pydantic model: the full `AssessmentRecord`, or with
        `detail="compact"` the `CompactRecord` that leaves texts, sources and layers to the
        ruleset's catalogue (`Ruleset.catalogue()`)."""
        if detail == "compact":
            return self._compact_model()
        if detail != "full":
            raise InputError.of(None, "SR866", detail=repr(detail))
        if self._record is None:
            self._record = construct(
                AssessmentRecord,
                format=FULL_FORMAT,
                village=self.village,
                as_of=self.as_of,
                ruleset=self.ruleset,
                stars=self.stars,
                level=self.level,
                missing=self.missing,
                next_steps=self.next_steps(),
                ignored=self.ignored,
            )
        return self._record

    def to_json(self, detail: Detail = "full", *, indent: int | None = None) -> bytes:
        """The full (default) or compact record as UTF-8 JSON bytes, built straight from
        the outcome: the same content as `to_record(detail).model_dump_json()`, faster."""
        if detail not in ("full", "compact"):
            raise InputError.of(None, "SR866", detail=repr(detail))
        parts = self._record_parts()
        ignored = self._ignored_data()
        if detail == "compact":
            if indent is None:
                return compact_writer(parts[0]).write(*parts, ignored=ignored)
            return dumps(compact_record(*parts, ignored=ignored), indent)
        if indent is None:
            return full_writer(parts[0]).write(parts, next_steps=self._guidance(), ignored=ignored)
        return dumps(full_record(*parts, next_steps=self._guidance(), ignored=ignored), indent)

    def _record_parts(self) -> RecordParts:
        """What every record is made of: the ruleset's record tables, the village, the
        date, the stars' outcomes, the level and the explanation."""
        outcome = self._outcome
        tables = record_tables(outcome.program)
        return tables, self.input, self.as_of, outcome.stars, self.level, self._explained()

    def _compact_model(self) -> CompactRecord:
        data = compact_record(*self._record_parts())
        stars = {
            star_id: construct(
                CompactStar,
                status=Status(star["status"]),
                criteria={k: CriterionStatus(v) for k, v in star["criteria"].items()},
                gaps=dict(star.get("gaps", {})),
                reasons=dict(star.get("reasons", {})),
                vetoes=list(star.get("vetoes", [])),
                requires_unmet=list(star.get("requires_unmet", [])),
                missing=list(star.get("missing", [])),
            )
            for star_id, star in data["stars"].items()
        }
        level = self.level
        return construct(
            CompactRecord,
            format=COMPACT_FORMAT,
            village=self.village,
            as_of=self.as_of,
            ruleset=construct(RulesetKey, **data["ruleset"]),
            level=construct(CompactLevel, value=level.value, min=level.min, max=level.max),
            stars=stars,
            observed={section: dict(values) for section, values in data["observed"].items()},
            missing=list(data["missing"]),
            ignored=self.ignored,
        )

    def model_dump(
        self, *, mode: Literal["json", "python"] = "python", exclude_none: bool = False
    ) -> dict[str, Any]:
        return self.to_record().model_dump(mode=mode, exclude_none=exclude_none)

    def model_dump_json(self, *, indent: int | None = None, exclude_none: bool = False) -> str:
        return self.to_record().model_dump_json(indent=indent, exclude_none=exclude_none)

    def next_steps(self) -> NextSteps:
        """What to change to win each star not held (the fewest criteria; none for a star a
        veto blocks) and the cheapest route to the next level (docs/guidance.md)."""
        if self._next_steps is None:
            from .guidance import next_steps_model  # see _guidance

            self._next_steps = next_steps_model(self._guidance())
        return self._next_steps

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

    # -- pickling and copying ----------------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its ruleset's texts, its village, date and outcome: unpickling
        compiles the ruleset again (once per process, see rebuild.py), evaluates the
        village again and checks that it decides the same stars and level."""
        reduce = self._tree.pickled_origin().reduce_assessment
        return reduce(Assessment, self._tree, self.input, self.as_of, self._outcome, self._ignored)

    def __copy__(self) -> Assessment:
        return self  # what it tells never changes: a copy would be the same in every respect

    def __deepcopy__(self, memo: dict[int, Any]) -> Assessment:
        return self

    # -- builders ------------------------------------------------------------------------
    def _explained(self) -> Explanation:
        if self._explanation is None:
            outcome = self._outcome
            self._explanation = explain(
                record_tables(outcome.program),
                self.input,
                outcome.stars,
                self.node_statuses(),
                self.level,
            )
        return self._explanation

    def node_statuses(self) -> list[bool | None]:
        """Every rule node's outcome by node index (criteria, groups, vetoes; a veto: True
        when it does not hold), from the recording walk, once per assessment. For tools
        that count criteria over many villages without building explanations."""
        if self._statuses is None:
            self._statuses = self._outcome.program.record(self.input)
        return self._statuses

    def _guidance(self) -> dict[str, Any]:
        """The next steps as JSON data (what the full record holds), built once."""
        if self._next_steps_data is None:
            from .guidance import next_steps_data  # only when guidance is asked for

            outcome = self._outcome
            self._next_steps_data = next_steps_data(
                record_tables(outcome.program),
                self.input,
                outcome.stars,
                self._explained(),
                self.level,
            )
        return self._next_steps_data

    def _build_star(self, star: Star, ex: Explanation | None = None) -> StarResult:
        # The parts are the library's own, already valid: built without validation.
        if ex is None:
            ex = self._explained()
        nodes, details, values = ex.nodes, ex.details, ex.values
        tables = record_tables(self._outcome.program)
        templates, leaves = tables.model_templates, tables.leaves
        criteria = []
        for node in star.nodes:
            i = node.index
            fields = templates[i].copy()
            fields["status"] = _CRITERION[nodes[i]]
            fields["missing"] = []  # a model's own list and dict, never the template's
            leaf = leaves.get(i)
            if leaf is None:
                fields["observed"] = {}
            else:
                fields["observed"] = {path: values[path] for path in leaf.reads}
                detail = details.get(i)
                if detail is not None:
                    fields["gap"], fields["limit"], fields["target"], missing, fields["reason"] = (
                        detail
                    )
                    fields["missing"] = list(missing)
            criteria.append(construct_from(CriterionResult, fields))
        return construct(
            StarResult,
            id=star.id,
            name=star.name,
            status=_STATUS[self._outcome.stars[star.index]],
            criteria=criteria,
            vetoes=list(ex.vetoes[star.index]),
            requires=list(star.requires),
            requires_unmet=list(ex.unmet[star.index]),
            missing=list(ex.missing[star.index]),
            layer=star.layer.ref,
        )
