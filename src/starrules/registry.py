"""The registry: every known ruleset, and which one applies to a village on a date."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from .assessment import Assessment
from .errors import Location, Problem, ResolutionError, RulesetError, StarrulesError
from .loader import find_ruleset_files, load_ruleset
from .ruleset import Ruleset
from .village import Village


def bundled_rulesets_dir() -> Path:
    """The rulesets shipped with starrules (in the wheel, or the source tree when editable)."""
    packaged = Path(__file__).parent / "bundled_rulesets"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "rulesets"
    if source_tree.is_dir():
        return source_tree
    raise StarrulesError(
        "the bundled rulesets are missing from this installation; reinstall starrules"
    )


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class Registry:
    """An immutable collection of rulesets, searchable by jurisdiction, kind and date."""

    __slots__ = ("_rulesets",)

    def __init__(self, rulesets: Iterable[Ruleset]) -> None:
        items = tuple(rulesets)
        seen: dict[tuple[str, str, str], Ruleset] = {}
        problems: list[Problem] = []
        for rs in items:
            key = (rs.id, rs.jurisdiction, rs.version)
            if key in seen:
                problems.append(
                    Problem(
                        Location(rs.file),
                        f"{rs.id}@{rs.version} for {rs.jurisdiction} is "
                        f"also defined in {seen[key].file}",
                    )
                )
            seen[key] = rs
        if problems:
            raise RulesetError(problems)
        self._rulesets = items

    @classmethod
    def from_paths(cls, paths: str | Path | Sequence[str | Path]) -> Registry:
        """Load every ruleset file under the given files and directories (all problems at once)."""
        if isinstance(paths, str | Path):
            paths = [paths]  # one path, not a sequence of characters
        rulesets: list[Ruleset] = []
        problems: list[Problem] = []
        for path in paths:
            for file in find_ruleset_files(path):
                try:
                    rulesets.append(load_ruleset(file))
                except RulesetError as exc:
                    problems.extend(exc.problems)
        if problems:
            raise RulesetError(problems)
        return cls(rulesets)

    @classmethod
    def default(cls) -> Registry:
        """The bundled rulesets. Loaded once per process: a Registry is immutable."""
        return _default_registry()

    @property
    def rulesets(self) -> tuple[Ruleset, ...]:
        return self._rulesets

    def resolve(self, jurisdiction: str, kind: str = "rural", on: date | None = None) -> Ruleset:
        """The ruleset for the most specific jurisdiction on the path that has a version in
        force on the date (today when not given); the highest such version."""
        when = on or date.today()
        parts = jurisdiction.split("/")
        for depth in range(len(parts), 0, -1):
            prefix = "/".join(parts[:depth])
            candidates = [
                rs
                for rs in self._rulesets
                if rs.jurisdiction == prefix and rs.kind == kind and rs.in_force(when)
            ]
            if candidates:
                families = sorted({rs.id for rs in candidates})
                if len(families) > 1:
                    raise ResolutionError(
                        f"{len(families)} {kind} rulesets are in force on {when.isoformat()} "
                        f"for {prefix}: {', '.join(families)}; keep one family per "
                        "jurisdiction and kind (a new version replaces an old one)"
                    )
                return max(candidates, key=lambda rs: version_key(rs.version))
        known = sorted(
            f"{rs.jurisdiction} {rs.kind} {rs.id}@{rs.version} (from "
            f"{rs.effective_from}"
            + (f" to {rs.effective_until}" if rs.effective_until else "")
            + ")"
            for rs in self._rulesets
        )
        listing = "\n  ".join(known) if known else "(no rulesets loaded)"
        raise ResolutionError(
            f"no {kind} ruleset in force on {when.isoformat()} for "
            f"{jurisdiction} or any jurisdiction above it; known:\n  {listing}"
        )

    def evaluate(self, village: Village, on: date | None = None) -> Assessment:
        used = village.as_of or on or date.today()
        return self.resolve(village.jurisdiction, village.kind, used).evaluate(village, on)


@functools.cache
def _default_registry() -> Registry:
    # Cached: the result is immutable, so sharing it between callers and threads is safe.
    return Registry.from_paths([bundled_rulesets_dir()])
