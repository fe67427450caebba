"""Assessments as a plain-text table (the `evaluate --format table` output)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..explain.assessment import Assessment
from ..explain.results import Status
from ..i18n import Lang
from ..rules import default_level_name

MARKS = {Status.GRANTED: "✔", Status.DENIED: "✘", Status.UNDETERMINED: "?"}


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _width_memo() -> Callable[[str], int]:
    """`display_width` remembered for one table: marks, levels and townships repeat."""
    known: dict[str, int] = {}

    def width(text: str) -> int:
        found = known.get(text)
        if found is None:
            found = known[text] = display_width(text)
        return found

    return width


@dataclass(frozen=True, slots=True)
class Row:
    """What the table keeps of one assessment (not the assessment itself)."""

    village: str
    township: str
    level: str
    level_value: int | None
    marks: dict[str, str]


def row_of(assessment: Assessment) -> Row:
    level = assessment.level
    shown = str(level.value) if level.value is not None else f"{level.min}–{level.max}"
    marks = {s.id: MARKS[assessment.status(s.id)] for s in assessment.rules.stars}
    return Row(assessment.input.name, assessment.input.township or "", shown, level.value, marks)


def render_table(rows: Sequence[Row], star_names: Iterable[tuple[str, str]], lang: Lang) -> str:
    """`star_names`: (star id, display name) for the columns, in order."""
    stars = list(star_names)
    head = [
        "村" if lang == "zh" else "Village",
        "乡镇" if lang == "zh" else "Township",
        "等级" if lang == "zh" else "Level",
        *(name for _, name in stars),
    ]
    body = [
        [r.village, r.township, r.level, *(r.marks.get(sid, "") for sid, _ in stars)] for r in rows
    ]
    width = _width_memo()
    widths = [max(map(width, col)) for col in zip(head, *body, strict=True)]
    lines = [
        "  ".join(
            cell + " " * (w - width(cell)) for cell, w in zip(line, widths, strict=True)
        ).rstrip()
        for line in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(_summary(rows, lang))
    return "\n".join(lines) + "\n"


def _summary(rows: Sequence[Row], lang: Lang) -> str:
    levels = Counter(r.level_value for r in rows)
    parts = []
    for value in sorted((v for v in levels if v is not None), reverse=True):
        parts.append(f"{default_level_name(value)(lang)} {levels[value]}")
    if levels.get(None):
        parts.append(("待定" if lang == "zh" else "undetermined") + f" {levels[None]}")
    count = len(rows)
    total = f"{count} 个村" if lang == "zh" else f"{count} village{'s' if count != 1 else ''}"
    legend = (
        "✔ 获得  ✘ 未获得  ? 待定（缺少数据）"
        if lang == "zh"
        else "✔ granted  ✘ denied  ? undetermined (data missing)"
    )
    return f"{total}: " + ", ".join(parts) + "\n" + legend
