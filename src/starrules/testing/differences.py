"""What a test case expected and what came out, where they differ: one line per difference,
in Chinese or English (`starrules test`, the pytest plug-in, `CaseResult.differences`).

The values a case file holds (`granted`, `fail`, a level's number) are shown as written, in
Chinese with their meaning beside them:
`stars.industry：应为 denied（未获得），实际 granted（获得）`.
"""

from __future__ import annotations

from datetime import date

from ..errors import StarrulesError
from ..explain.assessment import Assessment
from ..i18n import Lang
from ..rules import ExpectDoc
from ..ruleset import Ruleset

# The outcomes' words as a case file writes them, and their meaning in Chinese.
_MEANING_ZH = {
    "granted": "获得",
    "denied": "未获得",
    "undetermined": "待定",
    "pass": "达标",
    "fail": "未达标",
    "unknown": "未知",
}
_NO_SUCH = {
    "star": ("（没有这颗星）", "(no such star)"),
    "node": ("（没有这一项）", "(no such criterion)"),
}


def _shown(value: object, lang: Lang) -> str:
    if lang == "zh" and isinstance(value, str) and value in _MEANING_ZH:
        return f"{value}（{_MEANING_ZH[value]}）"
    return str(value)


def difference(what: str, expected: object, actual: object, lang: Lang) -> str:
    """One difference: `level: expected 4, got 5` / `level：应为 4，实际 5`."""
    if lang == "zh":
        return f"{what}：应为 {_shown(expected, lang)}，实际 {_shown(actual, lang)}"
    return f"{what}: expected {expected}, got {actual}"


def differences(
    assessment: Assessment, ruleset: Ruleset, expect: ExpectDoc, lang: Lang
) -> list[str]:
    """Every way the assessment differs from what the case expected, in the order of the
    case's `expect`: level, its bounds, stars, criteria, missing data, the ruleset."""
    found: list[str] = []

    def compare(what: str, expected: object, actual: object) -> None:
        if expected is not None and expected != actual:
            found.append(difference(what, expected, actual, lang))

    level = assessment.level
    if level.value is not None:
        shown: object = level.value
    elif lang == "zh":
        shown = f"待定（{level.min}–{level.max}）"
    else:
        shown = f"undetermined ({level.min}–{level.max})"
    if expect.level is not None and expect.level != level.value:
        found.append(difference("level", expect.level, shown, lang))
    compare("level_min", expect.level_min, level.min)
    compare("level_max", expect.level_max, level.max)
    no_star, no_node = (_NO_SUCH[k][lang == "en"] for k in ("star", "node"))
    for star_id, status in expect.stars.items():
        known = star_id in ruleset.tree.star_index
        compare(f"stars.{star_id}", status, assessment.status(star_id).value if known else no_star)
    if expect.criteria:
        results = {c.id: c for s in assessment.stars.values() for c in s.criteria}
        for node_id, outcome in expect.criteria.items():
            actual = results[node_id].status.value if node_id in results else no_node
            compare(f"criteria.{node_id}", outcome, actual)
    if expect.missing is not None and sorted(expect.missing) != sorted(assessment.missing):
        found.append(
            difference("missing", sorted(expect.missing), sorted(assessment.missing), lang)
        )
    if expect.ruleset is not None:
        top = ruleset.layers[-1]
        if expect.ruleset not in (f"{top.id}@{top.version}", top.ref):
            layers = " → ".join(layer.ref for layer in ruleset.layers)
            chain = f"（各层：{layers}）" if lang == "zh" else f" (layers: {layers})"
            found.append(difference("ruleset", expect.ruleset, top.ref, lang) + chain)
    return found


def evaluation_failed(error: StarrulesError, lang: Lang) -> str:
    return f"评估失败：{error.render(lang)}" if lang == "zh" else f"evaluation failed: {error}"


def nothing_in_force(when: date, lang: Lang) -> str:
    if lang == "zh":
        return f"这个规则集在 {when.isoformat()} 没有生效的版本"
    return f"no version of this ruleset is in force on {when.isoformat()}"


def no_ruleset(error: StarrulesError, lang: Lang) -> str:
    return f"没有适用的规则集：{error.render(lang)}" if lang == "zh" else f"no ruleset: {error}"
