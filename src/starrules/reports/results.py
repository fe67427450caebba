"""What a report says: per group and in total, the counts (frozen, JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic_core import to_json

from ..i18n import Text
from .plans import PlanResult, Span

By = Literal["township", "county", "jurisdiction"]
GroupKind = Literal["township", "county", "jurisdiction", "total"]
BY: Final[tuple[By, ...]] = ("township", "county", "jurisdiction")
REPORT_FORMAT: Final = "report/1"
THREE: Final = 3  # "三星及以上": the share the township reports give

Truth = bool | None
SLOT: Final = {True: 0, False: 1, None: 2}  # granted, denied, undetermined


# -- the result -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StarCount:
    """Villages per status of one star."""

    id: str
    name: Text
    granted: int
    denied: int
    undetermined: int


@dataclass(frozen=True, slots=True)
class LevelCount:
    """Villages at one level: `fewest` whose level is known to be it, `most` whose level
    range includes it (the undetermined villages that could have it)."""

    value: int
    name: Text
    fewest: int
    most: int

    @property
    def span(self) -> Span:
        return Span(self.fewest, self.most)


@dataclass(frozen=True, slots=True)
class Shares:
    """A share of the villages, as a range where data is missing (0 to 1)."""

    fewest: float
    most: float


@dataclass(frozen=True, slots=True)
class LevelCheck:
    """Σ levels and Σ granted stars over the `villages` whose level is known: equal under
    the default level rule (level = number of stars)."""

    villages: int
    levels: int
    stars: int

    @property
    def holds(self) -> bool:
        return self.levels == self.stars


@dataclass(frozen=True, slots=True)
class CriterionCount:
    """One criterion (or veto) that holds villages back: `failing` villages where it fails
    and that matters for the star; `only_gap` villages for which it is the only gap (短板)."""

    id: str
    star: str
    text: Text
    failing: int
    only_gap: int


@dataclass(frozen=True, slots=True)
class MissingCount:
    """An unknown indicator and the undetermined villages it could decide."""

    indicator: str
    label: Text | None
    villages: int


@dataclass(frozen=True, slots=True)
class NearVillage:
    """A village close to its next level: what `Assessment.next_steps()` gives for it.

    `level`: the level held for certain; `next_level`: the one above it; `criteria` (and
    `conditions`, a level's own conditions on indicators): what to change, the fewest;
    `to_confirm`: those of `criteria` that are unknown (maybe met already); `stars`: the
    stars the route wins."""

    name: str
    code: str | None
    township: str | None
    jurisdiction: str
    level: int
    next_level: int
    next_level_name: Text | None
    stars: tuple[str, ...]
    criteria: tuple[str, ...]
    conditions: tuple[str, ...]
    to_confirm: tuple[str, ...]

    @property
    def distance(self) -> int:
        """Criteria (and level conditions) to change: 1 = one criterion away."""
        return len(self.criteria) + len(self.conditions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "level": self.level,
            "next_level": self.next_level,
            "next_level_name": _text(self.next_level_name),
            "distance": self.distance,
            "stars": list(self.stars),
            "criteria": list(self.criteria),
            "conditions": list(self.conditions),
            "to_confirm": list(self.to_confirm),
        }


@dataclass(frozen=True, slots=True)
class Nearest:
    """The villages nearest their next level: how many are one criterion away and two
    away, and the nearest of them (one criterion away first, then those aiming higher,
    then input order; at most the `nearest` asked for)."""

    one_away: int
    two_away: int
    villages: tuple[NearVillage, ...]


@dataclass(frozen=True, slots=True)
class GroupReport:
    """The counts of one group (a township, county or jurisdiction) or of the total.

    `name`: the township's name, or the jurisdiction path (None for the total and for
    villages without a township); `jurisdiction`: for a township, its county."""

    kind: GroupKind
    name: str | None
    township: str | None
    jurisdiction: str | None
    villages: int
    undetermined: int
    stars: tuple[StarCount, ...]
    levels: tuple[LevelCount, ...]  # highest first
    three_plus: Span
    three_plus_share: Shares
    check: LevelCheck
    criteria: tuple[CriterionCount, ...]  # most failing first
    missing: tuple[MissingCount, ...]  # most villages first
    nearest: Nearest

    def star(self, star_id: str) -> StarCount:
        for s in self.stars:
            if s.id == star_id:
                return s
        raise KeyError(star_id)

    def level(self, value: int) -> LevelCount:
        for lv in self.levels:
            if lv.value == value:
                return lv
        raise KeyError(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "villages": self.villages,
            "undetermined": self.undetermined,
            "stars": {
                s.id: {
                    "name": _text(s.name),
                    "granted": s.granted,
                    "denied": s.denied,
                    "undetermined": s.undetermined,
                }
                for s in self.stars
            },
            "levels": [
                {"value": lv.value, "name": _text(lv.name), "fewest": lv.fewest, "most": lv.most}
                for lv in self.levels
            ],
            "three_plus": {
                **self.three_plus.to_dict(),
                "share": {
                    "fewest": self.three_plus_share.fewest,
                    "most": self.three_plus_share.most,
                },
            },
            "check": {
                "villages": self.check.villages,
                "levels": self.check.levels,
                "stars": self.check.stars,
                "holds": self.check.holds,
            },
            "criteria": [
                {
                    "id": c.id,
                    "star": c.star,
                    "text": _text(c.text),
                    "failing": c.failing,
                    "only_gap": c.only_gap,
                }
                for c in self.criteria
            ],
            "missing": [
                {"indicator": m.indicator, "label": _text(m.label), "villages": m.villages}
                for m in self.missing
            ],
            "nearest": {
                "one_away": self.nearest.one_away,
                "two_away": self.nearest.two_away,
                "villages": [v.to_dict() for v in self.nearest.villages],
            },
        }


@dataclass(frozen=True, slots=True)
class Report:
    """A report: one `GroupReport` per group in input order (none when `by` is None), the
    `total`, and the plans compared (one per target, in the targets file's order).
    `partial`: made from the villages read before the input was interrupted."""

    by: By | None
    groups: tuple[GroupReport, ...]
    total: GroupReport
    plans: tuple[PlanResult, ...] = ()
    targets: str | None = None  # the targets file
    partial: bool = False

    def group(self, name: str, *, jurisdiction: str | None = None) -> GroupReport:
        """The group of this name (and jurisdiction, where two groups share a name)."""
        found = [
            g
            for g in self.groups
            if g.name == name and (jurisdiction is None or g.jurisdiction == jurisdiction)
        ]
        if len(found) == 1:
            return found[0]
        if found:
            places = ", ".join(str(g.jurisdiction) for g in found)
            raise KeyError(f"{name} names {len(found)} groups ({places}): give the jurisdiction")
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`format` "report/1")."""
        return {
            "format": REPORT_FORMAT,
            "by": self.by,
            "partial": self.partial,
            "groups": [g.to_dict() for g in self.groups],
            "total": self.total.to_dict(),
            "targets": self.targets,
            "plans": [p.to_dict() for p in self.plans],
        }

    def to_json(self, *, indent: int | None = None) -> bytes:
        """The report as UTF-8 JSON bytes (as `Assessment.to_json`)."""
        return to_json(self.to_dict(), indent=indent)


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}
