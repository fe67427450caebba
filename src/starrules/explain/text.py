"""The readable explanation of one assessment, in Chinese or English.

Written for a township cadre: what was granted, what fell short and by how much, what is
still unknown, and which rule (with its source and layer) decided it.
"""

from __future__ import annotations

from ..i18n import Lang, Words
from ..indicators import IndicatorKind
from ..rules import Criterion, Group, RuleTree, default_level_name
from .results import (
    AssessmentRecord,
    CriterionResult,
    CriterionStatus,
    LevelRoute,
    NextSteps,
    StarResult,
    StarRoute,
    Status,
    Step,
)

_WORDS: dict[str, tuple[str, str]] = {
    "as_of": ("数据截至", "data as of"),
    "level": ("评定等级", "Level"),
    "undecided": ("待定，可能为 {low} 至 {high}", "undetermined: between {low} and {high}"),
    "rules": ("规则", "Rules"),
    "fingerprint": ("指纹", "fingerprint"),
    Status.GRANTED: ("获得", "granted"),
    Status.DENIED: ("未获得", "denied"),
    Status.UNDETERMINED: ("待定", "undetermined"),
    "observed": ("实际", "observed"),
    "short": ("还差", "short by"),
    "over": ("超出", "over by"),
    "unknown_data": ("缺少数据", "missing data"),
    "veto": ("否决", "veto"),
    "requires": ("前提星未获得", "required star not granted"),
    "requires_open": ("前提星待定", "required star undetermined"),
    "source": ("来源", "source"),
    "provisional": ("暂定标准", "provisional threshold"),
    "layer": ("规则层", "layer"),
    "missing": ("缺少的数据（补齐后可确定结果）", "Missing data (needed to decide)"),
    "ignored": (
        "未采用的指标（本规则未定义，已忽略）",
        "Indicators ignored (not declared by these rules)",
    ),
    "maybe": ("是否指", "did you mean"),
    "next": ("下一步（补齐短板）", "Next steps (what to improve)"),
    "to_win": ("距摘得{star}还差 {n} 项", "To win {star}, {n} more {criteria}"),
    "confirm_part": (
        "其中 {n} 项缺少数据，待确认",
        "{n} of them with no data, to confirm",
    ),
    "via": ("含须先摘得的{stars}", "including what {stars} need, to be won first"),
    "vetoed": (
        "{star}：已被否决，无法摘得（{vetoes}）",
        "{star}: cannot be won, vetoed ({vetoes})",
    ),
    "required_vetoed": (
        "{star}：无法摘得，其前提星{stars}已被否决",
        "{star}: cannot be won: it requires {stars}, which a veto denies",
    ),
    "never": (
        "{star}：无法摘得（{groups}无法满足）",
        "{star}: cannot be won ({groups} cannot pass)",
    ),
    "to_confirm": ("缺少数据（{labels}），待确认", "no data ({labels}): to confirm"),
    "to_clear": (
        "缺少数据（{labels}），须确认未发生",
        "no data ({labels}): confirm it did not happen",
    ),
    "level_route": ("升至{level}最少还需 {n} 项", "To reach {level}, at least {n} more {criteria}"),
    "win": ("摘得{stars}", "win {stars}"),
    "see_above": ("（见上）", " (see above)"),
    "reaches": ("，可达{level}", ", which reaches {level}"),
    "conditions": ("满足等级条件：{conditions}", "meet the level's condition: {conditions}"),
    "top": ("已是最高等级", "Already at the highest level"),
    "blocked_level": (
        "无法升至{level}：所有途径均被否决",
        "No route to {level}: every route is vetoed",
    ),
    "group": ("需满足", "needs"),
    "sep": ("：", ": "),
    "comma": ("，", ", "),
    "pp": ("个百分点", "percentage points"),
    "needs": ("须", "needs"),
    "none": ("无", "none"),
}


_w = Words(_WORDS)


def render_explanation(record: AssessmentRecord, tree: RuleTree, lang: Lang) -> str:
    return _Explainer(record, tree, lang).render()


def render_star_reasons(star: StarResult, tree: RuleTree, lang: Lang) -> list[str]:
    """Why a star is not granted, rule by rule (no lines for a granted star): the lines
    of the full explanation for this star, without its heading."""
    explainer = _Explainer(None, tree, lang)
    explainer.star(star)
    return explainer.lines[1:]


class _Explainer:
    def __init__(self, record: AssessmentRecord | None, tree: RuleTree, lang: Lang) -> None:
        self.record = record
        self.tree = tree
        self.lang = lang
        self.lines: list[str] = []
        self.nodes = {node.id: node for star in tree.stars for node in star.nodes}

    def w(self, key: str | Status) -> str:
        return _w(key, self.lang)

    def render(self) -> str:
        record, lang = self.record, self.lang
        assert record is not None
        village = record.village
        place = " · ".join(p for p in (village.name, village.township, village.jurisdiction) if p)
        self.lines.append(f"{place} · {self.w('as_of')} {record.as_of.isoformat()}")
        self.lines.append(f"{self.w('level')}{self.w('sep')}{self.level_text()}")
        ruleset = record.ruleset
        layers = " → ".join(f"{la.id}@{la.version} ({la.jurisdiction})" for la in ruleset.layers)
        self.lines.append(
            f"{self.w('rules')}{self.w('sep')}{layers} · "
            f"{self.w('fingerprint')} {ruleset.fingerprint[:12]}"
        )
        self.lines.append("")
        for star in record.stars.values():
            self.star(star)
        if record.missing:
            self.lines.append("")
            self.lines.append(self.w("missing") + self.w("sep"))
            for path in record.missing:
                self.lines.append(f"  - {self.label(path)} ({path})")
        if record.next_steps is not None:
            self.guidance(record.next_steps)
        if record.ignored:
            self.lines.append("")
            self.lines.append(self.w("ignored") + self.w("sep"))
            for item in record.ignored:
                hint = (
                    f" ({self.w('maybe')} {', '.join(item.suggestions)}?)"
                    if item.suggestions
                    else ""
                )
                self.lines.append(f"  - {item.path}{hint}")
        del lang
        return "\n".join(line.rstrip() for line in self.lines) + "\n"

    def level_text(self) -> str:
        assert self.record is not None
        level = self.record.level
        if level.value is not None:
            name = level.name(self.lang) if level.name else str(level.value)
            return f"{name} ({level.value})"
        low = default_level_name(level.min)(self.lang)
        high = default_level_name(level.max)(self.lang)
        if self.tree.levels is not None:
            low, high = str(level.min), str(level.max)
        return self.w("undecided").format(low=low, high=high)

    def label(self, path: str) -> str:
        spec = self.tree.indicators.get(path)
        return spec.label(self.lang) if spec else path

    def star(self, star: StarResult) -> None:
        mark = {Status.GRANTED: "✔", Status.DENIED: "✘", Status.UNDETERMINED: "?"}[star.status]
        self.lines.append(f"{mark} {star.name(self.lang)} [{self.w(star.status)}]")
        if star.status is Status.GRANTED:
            return
        by_id = {c.id: c for c in star.criteria}
        for required in star.requires_unmet:
            required_result = self.record.stars.get(required) if self.record else None
            open_ = required_result is None or required_result.status is not Status.DENIED
            key = "requires_open" if open_ and self.record else "requires"
            name = self.tree.star(required).name(self.lang)
            self.lines.append(f"    {self.w(key)}{self.w('sep')}{name}")
        for criterion in star.criteria:
            if criterion.kind == "veto" and criterion.status is not CriterionStatus.PASS:
                self.criterion(star, criterion, veto=True)
        for criterion in star.criteria:
            if criterion.kind == "veto" or criterion.status is CriterionStatus.PASS:
                continue
            parent = by_id.get(criterion.parent) if criterion.parent else None
            if parent is not None and parent.status is CriterionStatus.PASS:
                continue  # a settled group: its open items cannot change the star
            if criterion.kind == "group":
                if criterion.parent is not None:
                    self.group(criterion)
                continue
            self.criterion(star, criterion, veto=False)

    def group(self, group: CriterionResult) -> None:
        node = self.nodes[group.id]
        described = node.describe(self.lang) if isinstance(node, Group) else ""
        text = group.text(self.lang) if group.text else group.id
        mark = "✘" if group.status is CriterionStatus.FAIL else "?"
        self.lines.append(f"  {mark} {text} ({self.w('group')} {described})")

    def criterion(self, star: StarResult, result: CriterionResult, veto: bool) -> None:
        lang = self.lang
        text = result.text(lang) if result.text else result.id
        mark = "✘" if result.status is CriterionStatus.FAIL else "?"
        details: list[str] = []
        if result.status is CriterionStatus.UNKNOWN:
            if result.missing:
                names = "、" if lang == "zh" else ", "
                details.append(
                    self.w("unknown_data")
                    + self.w("sep")
                    + names.join(self.label(p) for p in result.missing)
                )
            elif result.reason:
                details.append(result.reason)
        else:
            observed = [f"{self.label(p)} {self.format(p, v)}" for p, v in result.observed.items()]
            if observed:
                details.append(self.w("observed") + " " + self.w("comma").join(observed))
            shortfall = self.shortfall(result)
            if shortfall:
                details.append(shortfall)
        prefix = f"[{self.w('veto')}] " if veto else ""
        line = f"  {mark} {prefix}{text}"
        if details:
            line += f" — {self.w('comma').join(details)}"
        self.lines.append(line)
        meta = [result.id]
        if result.source:
            meta.append(f"{self.w('source')} {result.source}")
        if result.provisional:
            meta.append(self.w("provisional"))
        meta.append(f"{self.w('layer')} {result.layer}")
        self.lines.append(f"      [{' · '.join(meta)}]")

    def format(self, path: str, value: object) -> str:
        spec = self.tree.indicators.get(path)
        if spec is None:
            return str(value)
        return spec.format_value(value, self.lang)

    def shortfall(self, result: CriterionResult) -> str | None:
        """'short by 50,000 元' / 'over by 2' / 'needs > 30%', from the gap and its target."""
        if result.gap is None or result.target is None or result.limit is None:
            return None
        op = result.target.split()[0]
        if result.gap == 0:  # a strict bound on a real number, observed exactly at it
            return f"{self.w('needs')} {op} {self.amount(result, result.limit, absolute=True)}"
        key = "short" if op in (">", ">=") else "over"
        return f"{self.w(key)} {self.amount(result, result.gap, absolute=False)}"

    def amount(self, result: CriterionResult, value: float, absolute: bool) -> str:
        """A value in the unit of the criterion's subject (a rate gap in percentage points)."""
        node = self.nodes.get(result.id)
        threshold = node.test.threshold if isinstance(node, Criterion) else None
        if threshold is not None and threshold.rate:
            if absolute:
                return f"{value * 100:.4g}%"
            points = value * 100
            unit = self.w("pp") if points != 1 or self.lang == "zh" else "percentage point"
            return f"{points:.4g} {unit}"
        paths = list(result.observed)
        spec = self.tree.indicators.get(paths[0]) if len(paths) == 1 else None
        if spec is not None and spec.kind is not IndicatorKind.RATE:
            return spec.format_value(value, self.lang)
        return f"{value:.4g}"

    # -- next steps (guidance.py) ----------------------------------------------------------
    def guidance(self, steps: NextSteps) -> None:
        """Per star not held, what to change to win it (摘星: winning a star), and the
        cheapest route to the next level."""
        lines: list[str] = []
        for route in steps.stars.values():
            lines.extend(self.star_route(route, steps))
        lines.extend(self.level_route(steps))
        if lines:
            self.lines.append("")
            self.lines.append(self.w("next") + self.w("sep"))
            self.lines.extend("  " + line for line in lines)

    def names(self, parts: list[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(parts)

    def star_name(self, star_id: str) -> str:
        return self.tree.star(star_id).name(self.lang)

    def count(self, key: str, n: int, **more: str) -> str:
        zh, en = _WORDS[key]
        if self.lang == "zh":
            return zh.format(n=n, **more)
        return en.format(n=n, criteria="criterion" if n == 1 else "criteria", **more)

    def star_route(self, route: StarRoute, steps: NextSteps) -> list[str]:
        name = self.star_name(route.star)
        if route.blocked_by:
            own = {v.id for v in self.tree.star(route.star).vetoes}
            vetoes = [b for b in route.blocked_by if b in own]
            if vetoes:
                texts = self.names([self.node_text(v) for v in vetoes])
                return [self.w("vetoed").format(star=name, vetoes=texts)]
            others = [b for b in route.blocked_by if b in self.nodes]
            stars = [s.id for s in self.tree.stars if any(v.id in others for v in s.vetoes)]
            if stars:
                required = self.names([self.star_name(s) for s in stars])
                return [self.w("required_vetoed").format(star=name, stars=required)]
            groups = self.names([self.node_text(g) for g in route.blocked_by])
            return [self.w("never").format(star=name, groups=groups)]
        head = self.count("to_win", len(route.criteria), star=name)
        notes = []
        mine = [c for c in route.criteria if steps.steps[c].star == route.star]
        if route.requires:
            required = self.names([self.star_name(s) for s in route.requires])
            notes.append(self.w("via").format(stars=required))
        if route.to_confirm:
            notes.append(self.count("confirm_part", len(route.to_confirm)))
        if notes:
            joined = self.w("comma").join(notes)
            head += f"（{joined}）" if self.lang == "zh" else f" ({joined})"
        return [head + self.w("sep"), *(f"  - {self.step(steps.steps[c])}" for c in mine)]

    def step(self, step: Step) -> str:
        text = self.node_text(step.criterion)
        veto = step.kind == "veto"
        if veto:
            text = f"[{self.w('veto')}] {text}"
        if step.status is CriterionStatus.UNKNOWN:
            missing = [p for p, v in step.observed.items() if v is None] or step.reads
            labels = self.names([self.label(p) for p in missing])
            detail = self.w("to_clear" if veto else "to_confirm").format(labels=labels)
            return f"{text} — {detail}"
        result = self.result(step)
        shortfall = self.shortfall(result) if result is not None else None
        return f"{text} — {shortfall}" if shortfall else text

    def result(self, step: Step) -> CriterionResult | None:
        if self.record is None or step.star not in self.record.stars:
            return None
        found = [c for c in self.record.stars[step.star].criteria if c.id == step.criterion]
        return found[0] if found else None

    def node_text(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        text = node.text if node is not None else None
        return text(self.lang) if text is not None else node_id

    def level_name(self, value: int) -> str:
        names = {lv.value: lv.name for lv in self.tree.levels or ()}
        name = names.get(value, default_level_name(value))(self.lang)
        return f"{name}（{value}）" if self.lang == "zh" else f"{name} ({value})"

    def level_route(self, steps: NextSteps) -> list[str]:
        route = steps.next_level
        if route is None:
            values = (
                [len(self.tree.stars)]
                if self.tree.levels is None
                else [lv.value for lv in self.tree.levels]
            )
            higher = [v for v in values if v > steps.level]
            if not higher:
                return [self.w("top")]
            return [self.w("blocked_level").format(level=self.level_name(min(higher)))]
        return [self.level_line(route, steps)]

    def level_line(self, route: LevelRoute, steps: NextSteps) -> str:
        size = len(route.criteria) + len(route.conditions)
        line = self.count("level_route", size, level=self.level_name(route.level))
        parts = []
        if route.stars:
            won = self.w("win").format(stars=self.names([self.star_name(s) for s in route.stars]))
            parts.append(won + self.w("see_above"))
        in_stars = {c for s in route.stars if s in steps.stars for c in steps.stars[s].criteria}
        rest = [c for c in route.criteria if c not in in_stars]
        if rest:
            parts.append(self.names([self.step(steps.steps[c]) for c in rest]))
        if route.conditions:
            shown = [
                self.label(c.expression) if c.expression in self.tree.indicators else c.expression
                for c in route.conditions
            ]
            parts.append(self.w("conditions").format(conditions=self.names(shown)))
        if parts:
            line += self.w("sep") + self.w("comma").join(parts)
        if route.reaches > route.level:
            line += self.w("reaches").format(level=self.level_name(route.reaches))
        return line
