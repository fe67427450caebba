"""Assessment periods: the spans within which incidents are counted (by default, the
calendar year, as the province rates branches "2022年度")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

PeriodKind = Literal["year", "half", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "half", "quarter")
_MONTHS = {"year": 12, "half": 6, "quarter": 3}


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One assessment period, e.g. 2023, 2023-H1 or 2023-Q3."""

    year: int
    part: int  # 1-based half or quarter; 1 for a year
    kind: PeriodKind

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> Period:
        return cls(day.year, (day.month - 1) // _MONTHS[kind] + 1, kind)

    @property
    def start(self) -> date:
        return date(self.year, (self.part - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period: the start of the next one (date.max for the last
        period there is: no day is after it)."""
        month = self.part * _MONTHS[self.kind] + 1
        if month <= 12:
            return date(self.year, month, 1)
        return date(self.year + 1, 1, 1) if self.year < date.max.year else date.max

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'H' if self.kind == 'half' else 'Q'}{self.part}"


__all__ = ["PERIOD_KINDS", "Period", "PeriodKind"]
