"""The villages' own table in the HTML report: the rows collected while a report streams
(a `Report` keeps counts only, never the villages), bounded by a limit, and their table in
each group's section, with their stars (✔ granted, ✘ denied, ? undetermined)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Final

from ..errors import InputError
from ..explain.results import Status
from ..i18n import Lang
from ..reports import GroupReport, county_of
from .html_blocks import centre, word
from .html_tables import level_name
from .report import villages_text

if TYPE_CHECKING:
    from ..explain.assessment import Assessment

DEFAULT_LIMIT: Final = 1000
_TRUTH: Final = {Status.GRANTED: True, Status.DENIED: False, Status.UNDETERMINED: None}
_MARKS: Final = {True: ("✔", "granted"), False: ("✘", "denied"), None: ("?", "undetermined")}


@dataclass(frozen=True, slots=True)
class VillageRow:
    """One village in the page's table: its level (`level_min` to `level_max`; equal when
    known) and each star's status (True granted, False denied, None undetermined)."""

    name: str
    code: str | None
    township: str | None
    jurisdiction: str
    level_min: int
    level_max: int
    stars: tuple[tuple[str, bool | None], ...]  # (star id, status), in ruleset order

    @classmethod
    def of(cls, assessment: Assessment) -> VillageRow:
        village, level, tree = assessment.input, assessment.level, assessment.rules
        return cls(
            name=village.name,
            code=village.code,
            township=village.township,
            jurisdiction=village.jurisdiction,
            level_min=level.min,
            level_max=level.max,
            # status(): straight from the outcome, no explanation is built
            stars=tuple((s.id, _TRUTH[assessment.status(s.id)]) for s in tree.stars),
        )


class VillageRows:
    """The villages for the page's tables, collected while a report streams: the first
    `limit` in input order. Those past it are only counted (per township and jurisdiction,
    so each group's table can say how many it does not list): memory stays bounded."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 0:
            raise InputError.of(None, "SR865", limit=limit)
        self.limit = limit
        self._rows: list[VillageRow] = []
        self._omitted: Counter[tuple[str | None, str]] = Counter()

    def add(self, assessment: Assessment) -> None:
        if len(self._rows) < self.limit:
            self._rows.append(VillageRow.of(assessment))
        else:
            village = assessment.input
            self._omitted[(village.township, village.jurisdiction)] += 1

    def __iter__(self) -> Iterator[VillageRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def omitted(self) -> int:
        """Villages added past the limit (not listed)."""
        return sum(self._omitted.values())

    def omitted_in(self, group: GroupReport) -> int:
        """Villages of this group added past the limit."""
        return sum(n for (town, place), n in self._omitted.items() if in_group(group, town, place))


def in_group(group: GroupReport, township: str | None, jurisdiction: str) -> bool:
    """Whether a village of this township and jurisdiction belongs to the group."""
    if group.kind == "total":
        return True
    if group.kind == "township":
        return township == group.township and county_of(jurisdiction) == group.jurisdiction
    if group.kind == "county":
        return county_of(jurisdiction) == group.jurisdiction
    return jurisdiction == group.jurisdiction


def village_table(
    group: GroupReport,
    rows: Sequence[VillageRow],
    omitted: int,
    limit: int,
    star_names: dict[str, str],
    names: dict[int, str],
    lang: Lang,
) -> str:
    mine = [r for r in rows if in_group(group, r.township, r.jurisdiction)]
    if not mine and not omitted:
        return ""
    star_ids = list(star_names)
    with_township = group.kind != "township"
    head = [word("village", lang), word("level", lang)]
    if with_township:
        head.append(word("township", lang).capitalize())
    head += [word("code", lang), *star_names.values()]
    body: list[str] = []
    for r in mine:
        if r.level_min == r.level_max:
            level = escape(level_name(r.level_min, names, lang))
        else:
            low = level_name(r.level_min, names, lang)
            level = escape(f"{low}–{level_name(r.level_max, names, lang)}")
        statuses = dict(r.stars)
        cells = [escape(r.name), level]
        if with_township:
            cells.append(escape(r.township or ""))
        cells.append(escape(r.code or ""))
        for sid in star_ids:
            if sid not in statuses:
                cells.append("")
                continue
            mark, cls = _MARKS[statuses[sid]]
            cells.append(f'<span class="{cls}" title="{escape(word(cls, lang))}">{mark}</span>')
        first = len(cells) - len(star_ids)  # the stars' marks: centred
        body.append(
            '<tr data-village="">'
            + "".join(f"<td{centre(i, first)}>{c}</td>" for i, c in enumerate(cells))
            + "</tr>"
        )
    note = ""
    if omitted:
        note = (
            f'<p class="note">另有 {omitted} 个村未列出（列表上限 {limit} 个村）</p>'
            if lang == "zh"
            else f'<p class="note">{omitted} more village{"s" if omitted != 1 else ""} not '
            f"listed (the list stops at {limit})</p>"
        )
    table = (
        '<table class="villages"><thead><tr>'
        + "".join(
            f"<th{centre(i, len(head) - len(star_ids))}>{escape(h)}</th>"
            for i, h in enumerate(head)
        )
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )
    opened = " open" if len(mine) <= 60 else ""
    summary = (
        f"{word('village_list', lang)}（{villages_text(len(mine), lang)}）"
        if lang == "zh"
        else (f"{word('village_list', lang)} ({villages_text(len(mine), lang)})")
    )
    return (
        f"<details{opened}><summary>{escape(summary)}</summary>"
        f'<p class="legend">{escape(word("legend", lang))}</p>{table}{note}</details>'
    )


__all__ = ["DEFAULT_LIMIT", "VillageRow", "VillageRows", "in_group", "village_table"]
