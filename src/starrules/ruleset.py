"""`Ruleset`: a compiled ruleset as users hold it: evaluate villages, inspect the rules."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from .evaluation import Program
from .evaluation.admission import admit
from .explain.assessment import Assessment
from .explain.records import record_tables
from .expr import FunctionSpec
from .i18n import Text
from .rules import Layer, RuleTree, Star, TestCase
from .village import Village


class Ruleset:
    """An immutable, compiled ruleset; safe to share between threads."""

    __slots__ = ("_program", "tests", "tree")

    def __init__(self, tree: RuleTree, tests: Iterable[TestCase] = ()) -> None:
        self.tree = tree
        self.tests: tuple[TestCase, ...] = tuple(tests)
        self._program = Program(tree)

    @property
    def program(self) -> Program:
        """The compiled program that decides this ruleset's stars and level: `run` (the
        statuses, short-circuiting), `walk` (every node's outcome too), `rerun` (only the
        stars reading changed indicators). For backends and tools built on starrules."""
        return self._program

    @property
    def id(self) -> str:
        return self.tree.id

    @property
    def version(self) -> str:
        return self.tree.version

    @property
    def jurisdiction(self) -> str:
        return self.tree.jurisdiction

    @property
    def kind(self) -> str:
        return self.tree.kind

    @property
    def title(self) -> Text:
        return self.tree.title

    @property
    def effective_from(self) -> date:
        return self.tree.effective_from

    @property
    def effective_until(self) -> date | None:
        return self.tree.effective_until

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical form of the rules: proof of which rules were applied."""
        return self.tree.fingerprint

    @property
    def layers(self) -> tuple[Layer, ...]:
        return self.tree.layers

    @property
    def stars(self) -> tuple[Star, ...]:
        return self.tree.stars

    @property
    def file(self) -> str:
        return self.tree.layers[-1].file

    def in_force(self, on: date) -> bool:
        return self.tree.in_force(on)

    def evaluate(
        self,
        village: Village,
        on: date | None = None,
        *,
        check_dates: bool = True,
        strict: bool = False,
    ) -> Assessment:
        """Assess one village. The date used is `village.as_of`, else `on`, else today.

        Raises EvaluationError when the village is of another kind or jurisdiction, gives a
        declared `extra` indicator a value of the wrong kind, or the ruleset is not in force
        on that date (unless `check_dates=False`, for what-if comparisons such as `starrules
        diff`). `extra` indicators the ruleset does not declare are ignored and listed in
        `Assessment.ignored`; with `strict=True` they are an EvaluationError too.
        """
        # `_assess`, inline: this is the hot path of every caller that rates villages.
        program = self._program
        used = village.as_of or on or date.today()
        ignored = admit(program.tree, village, used, check_dates, strict)
        return Assessment(program.tree, village, used, program.run(village), ignored)

    def level_conditions(self, village: Village) -> list[tuple[int, bool | None]]:
        """Each explicit level's value and whether its `when` holds (None: unknown) for the
        village, highest first; empty under the default rule. Used by the levels check."""
        return self._program.level_conditions(village)

    def node_outcomes(self, village: Village) -> dict[str, bool | None]:
        """The outcome of every criterion, group and veto by id (a veto: True when it does
        not hold), without building an explanation. Used by the refinement check."""
        statuses = self._program.record(village)
        return {node.id: statuses[node.index] for star in self.stars for node in star.nodes}

    def catalogue(self) -> dict[str, Any]:
        """What a compact record refers to, as JSON-ready data: per criterion id its texts
        (zh, en), source, layer, expression, the indicators it reads and the target of a
        threshold; star names, level names, sources and layers; and the fingerprint the
        records name. A new copy each call: callers may change it."""
        return copy.deepcopy(record_tables(self._program).catalogue)

    def evaluate_many(
        self, villages: Iterable[Village], on: date | None = None, *, strict: bool = False
    ) -> Iterator[Assessment]:
        """Assess villages lazily, in input order, holding one result at a time."""
        program = self._program
        for village in villages:
            yield _assess(program, village, on, strict=strict)

    def evaluate_table(
        self,
        table: Any,
        on: date | None = None,
        *,
        criteria: bool = False,
        check_dates: bool = True,
        strict: bool = False,
        functions: Mapping[str, FunctionSpec] | None = None,
        threads: int | None = None,
        missing: bool = True,
    ) -> Any:
        """Rate a whole table of villages at once (the columnar engine; needs the
        `columnar` extra, pyarrow). Decides what `evaluate` decides, village by village.

        `table`: a `pyarrow.Table` (or RecordBatch), a polars or a pandas DataFrame, one
        row per village and one column per indicator path (`industry.collective_income`,
        `extra.x`); null (or NaN) is unknown, a missing column unknown everywhere. The
        columns `code`, `name`, `township`, `jurisdiction`, `kind` and `as_of` are optional
        and carried through; the date is a row's `as_of`, else `on`, else today. Values,
        kinds, jurisdictions and dates are checked as for `evaluate` (the error names the
        column and the first row, from 1); undeclared `extra.*` columns are ignored (listed
        in the result's schema metadata, `starrules.ignored`) unless `strict`.

        Returns a `pyarrow.Table`, one row per village in input order: the identity
        columns given, then `star.<id>` (granted / denied / undetermined), `level` (null
        while undetermined), `level_min`, `level_max` and `missing` (how many unknown
        indicators could decide a star or the level); with `criteria=True` also each
        criterion's and veto's status (`criterion.<id>`: pass / fail / unknown; a veto
        passes when it is not triggered) and each group's (`group.<id>`). Plug-in
        functions need a vectorised form (`FunctionSpec.vectorized`); `functions` adds
        those the ruleset was loaded with. `threads`: batches rated at once (default: one
        per CPU). `missing=False` leaves out the `missing` column, about a quarter of the
        work, for when only the grants and levels are wanted."""
        from .columnar import evaluate_table

        return evaluate_table(
            self.tree,
            table,
            on=on,
            criteria=criteria,
            check_dates=check_dates,
            strict=strict,
            functions=functions,
            threads=threads,
            missing=missing,
        )

    def __repr__(self) -> str:
        return (
            f"<Ruleset {self.id}@{self.version} {self.jurisdiction} {self.kind} "
            f"from {self.effective_from}>"
        )

    # -- pickling and copying (rebuild.py) -------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the texts of its layers and its fingerprint: unpickling compiles them
        again (once per process) and checks the fingerprint. A StarrulesError names what
        cannot be pickled (a function given at load time that is a lambda, say)."""
        return self.tree.pickled_origin().reduce_ruleset(Ruleset, self.tree)

    def __copy__(self) -> Ruleset:
        return self  # immutable: a copy would be the same in every respect

    def __deepcopy__(self, memo: dict[int, Any]) -> Ruleset:
        return self


def _assess(
    program: Program,
    village: Village,
    on: date | None = None,
    check_dates: bool = True,
    strict: bool = False,
) -> Assessment:
    """Assess one village; the date is the village's `as_of`, else `on`, else today."""
    used = village.as_of or on or date.today()
    ignored = program.check(village, used, check_dates, strict)
    return Assessment(program.tree, village, used, program.run(village), ignored)
