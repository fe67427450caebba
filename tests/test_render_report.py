"""The text form of a report (render/report.py), in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

import starrules
from starrules.inputs.villages import read_villages
from starrules.render.report import render_report
from starrules.render.table import display_width
from starrules.reports import Report, report

FIXTURES = Path(__file__).parent / "fixtures" / "report"
RULES = starrules.load_ruleset(FIXTURES / "rules.yaml")


def fixture_report(by: str | None = "township", targets: bool = True) -> Report:
    assessments = (RULES.evaluate(r.village) for r in read_villages(FIXTURES / "villages.jsonl"))
    return report(
        assessments,
        by=by,  # type: ignore[arg-type]
        targets=FIXTURES / "targets.yaml" if targets else None,
    )


def section(text: str, title: str) -> list[str]:
    """The lines of the section whose title line starts with `title`, up to a blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def cells(line: str) -> list[str]:
    return line.split()


def test_chinese_star_table() -> None:
    text = render_report(fixture_report(), "zh")
    assert text.splitlines()[0].startswith("五星支部创建情况（按乡镇")
    lines = section(text, "各星获得村数")
    assert cells(lines[1]) == ["乡镇", "村数", "甲星", "乙星", "丙星"]
    rows = {cells(line)[0]: cells(line)[1:] for line in lines[3:]}
    assert rows["东镇"] == ["3", "1/2/0", "2/1/0", "1/2/0"]
    assert rows["合计"] == ["5", "1/3/1", "3/2/0", "1/3/1"]
    # the two townships named 西镇 are told apart by their county
    assert "西镇（cn-test/east/k1）" in rows and "西镇（cn-test/west/k2）" in rows


def test_chinese_level_table_with_ranges_share_and_check() -> None:
    text = render_report(fixture_report(), "zh")
    lines = section(text, "各等级村数")
    head = cells(lines[1])
    assert head[:8] == ["乡镇", "村数", "三星", "二星", "一星", "未评星", "待定", "三星及以上"]
    total = cells(next(line for line in lines if line.startswith("合计")))
    assert total[:7] == ["合计", "5", "1–2", "0–1", "1–2", "2", "1"]
    assert total[7] == "1–2" and total[8] == "20.00%–40.00%"
    assert total[9:] == ["4", "=", "4", "✔"]
    assert "Σ" in text and "等级确定的 4 个村" in text


def test_english_report() -> None:
    text = render_report(fixture_report(), "en")
    assert text.splitlines()[0].startswith("Five-star branch report (by township")
    stars = section(text, "Villages per star")
    assert cells(stars[1])[:3] == ["Township", "Villages", "Star"]  # "Star A": two words
    assert any(line.startswith("Total") for line in stars)
    levels = section(text, "Villages per level")
    assert "3-star+" in levels[1]
    assert "(no township)" not in text
    assert "Criteria holding villages back" in text
    assert "Only gap" in text
    assert "Plan vs result" in text and "short by 1" in text and "met" in text


def test_criteria_and_missing_sections() -> None:
    text = render_report(fixture_report(by=None, targets=False), "zh")
    criteria = section(text, "短板")
    assert "a.income" in criteria[3] and "收入不低于100" in criteria[3]
    assert cells(criteria[3])[-2:] == ["2", "1"]
    missing = section(text, "缺失数据")
    assert "industry.collective_income" in missing[3] and cells(missing[3])[-1] == "1"


def test_top_limits_the_lists() -> None:
    text = render_report(fixture_report(by=None, targets=False), "en", top=2)
    criteria = section(text, "Criteria holding villages back")
    assert len(criteria) == 3 + 2 + 1  # title, head, rule, two rows and a "more" line
    assert "6 more" in criteria[-1]


def test_nearest_section() -> None:
    text = render_report(fixture_report(by=None, targets=False), "zh")
    lines = section(text, "最接近下一等级的村")
    assert "差 1 条的 4 个村" in lines[0] and "差 2 条的 0 个村" in lines[0]
    assert cells(lines[1]) == [
        "村",
        "乡镇",
        "等级",
        "下一等级",
        "差几条",
        "要达到的准则",
        "待核实（缺数据）",
    ]
    assert cells(lines[3]) == ["缺收入村", "东镇", "一星", "二星", "1", "a.income"]
    assert cells(lines[4]) == ["待定村", "西镇", "一星", "二星", "1", "a.income", "a.income"]
    english = render_report(fixture_report(by=None, targets=False), "en")
    assert "4 one criterion away, 0 two away" in english


def test_plans_section() -> None:
    text = render_report(fixture_report(), "zh")
    lines = section(text, "计划对照")
    assert "targets.yaml" in lines[0]
    joined = "\n".join(lines)
    assert "三星及以上 1 个村" in joined and "达成" in joined
    assert "差 1 个村" in joined
    assert "待定（差 0–1 个村）" in joined
    assert "三星及以上占比 25%（1 个村）" in joined


def test_a_target_without_villages_says_so(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - {township: 东镇乡, levels: {3: 1}}\n", encoding="utf-8")
    assessments = (RULES.evaluate(r.village) for r in read_villages(FIXTURES / "villages.jsonl"))
    text = render_report(report(assessments, targets=path), "zh")
    assert "输入中没有该对象的村" in text and "东镇" in text


def test_partial_reports_say_so() -> None:
    builder = starrules.reports.ReportBuilder(by="township")
    for r in list(read_villages(FIXTURES / "villages.jsonl"))[:2]:
        builder.add(RULES.evaluate(r.village))
    text = render_report(builder.result(partial=True), "zh")
    assert "中断" in text.splitlines()[0] and "2 个村" in text.splitlines()[0]
    english = render_report(builder.result(partial=True), "en")
    assert "interrupted" in english.splitlines()[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_columns_line_up(lang: str) -> None:
    text = render_report(fixture_report(), lang)  # type: ignore[arg-type]
    for title in ("各星获得村数", "各等级村数") if lang == "zh" else ("Villages per star",):
        lines = section(text, title)[1:]
        widths = {display_width(line.rstrip()) for line in lines[:2]}
        assert max(display_width(line) for line in lines) <= max(widths)


def test_empty_report() -> None:
    text = render_report(report([], by="township"), "en")
    assert "0 villages" in text.splitlines()[0]
