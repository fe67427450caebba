"""The HTML form of a report (render/report_html.py and its html_* parts): one self-contained
page with plotly charts, its numbers machine-checkable against the JSON report, escaped data,
zh and en; and a real headless Chromium that draws it (skipped, with the reason, where none
is installed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT

import starrules
from starrules import Assessment, Village
from starrules.errors import StarrulesError
from starrules.inputs.villages import read_villages
from starrules.render import html_charts
from starrules.render.html_villages import VillageRows
from starrules.reports import Report, report

FIXTURES = Path(__file__).parent / "fixtures"
RULES = starrules.load_ruleset(FIXTURES / "report" / "rules.yaml")
HOSTILE = "<script>alert(1)</script>"
HOSTILE_TOWN = '<img src=x onerror="alert(2)">镇'
CHARTS_PER_SECTION = 3  # villages per star, villages per level, share at 3 stars or above
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def fixture_assessments() -> list[Assessment]:
    return [
        RULES.evaluate(r.village) for r in read_villages(FIXTURES / "report" / "villages.jsonl")
    ]


def fixture_report(assessments: list[Assessment], by: str | None = "township") -> Report:
    return report(
        assessments,
        by=by,  # type: ignore[arg-type]
        targets=FIXTURES / "report" / "targets.yaml",
    )


def example_assessments(hostile: bool = False) -> list[Assessment]:
    """The example villages judged by the bundled rulesets; `hostile`: one more village whose
    name and township are markup."""
    registry = starrules.Registry.default()
    villages = [r.village for r in read_villages(EXAMPLES)]
    if hostile:
        data = villages[0].model_dump(mode="json", exclude_none=True)
        data.update(name=HOSTILE, township=HOSTILE_TOWN, code="410523999999")
        villages.append(Village.model_validate(data))
    return [registry.evaluate(v) for v in villages]


# -- reading the page -------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """What the tests read in a page (as written, or as Chromium's DOM after the scripts ran):
    the metric elements and their text, the chart divs and the plotly SVGs inside them, the
    script elements, and every element's tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.metrics: list[tuple[str, str, str]] = []  # path, data-value, text
        self.charts: dict[str, int] = {}  # chart id -> main-svg elements inside it
        self.scripts = 0
        self.tags: list[str] = []
        self.cells: list[list[str]] = []  # the village tables' rows (td texts)
        self._text: list[list[str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag == "figure" and "data-chart" in a:
            self.charts.setdefault(a["id"], 0)
        if "main-svg" in a.get("class", "").split():
            for _, above in self.stack:
                if above.get("id") in self.charts:
                    self.charts[above["id"]] += 1
        if tag == "tr" and "data-village" in a:
            self.cells.append([])
        if tag in VOID:
            return
        self.stack.append((tag, a))
        self._text.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, a = self.stack.pop()
            text = "".join(self._text.pop())
            if self._text:
                self._text[-1].append(text)
            if "data-metric" in a:
                self.metrics.append((a["data-metric"], a.get("data-value", ""), text))
            if open_tag == "td" and self.cells and any("data-village" in b for _, b in self.stack):
                self.cells[-1].append(text)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._text:
            self._text[-1].append(data)


def pointer(data: Any, path: str) -> Any:
    """The value at a JSON Pointer (RFC 6901) in the report's JSON."""
    assert path.startswith("/"), path
    for part in path[1:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def shown(value: Any) -> str | None:
    """How the page writes a metric's value (None: a word, checked elsewhere)."""
    if isinstance(value, bool | str):
        return None
    if isinstance(value, int):
        return str(value)
    return f"{value * 100:.2f}%"


def check_metrics(page: Page, data: dict[str, Any]) -> set[str]:
    """Every metric of the page equals the JSON report's number; the text shows it."""
    assert page.metrics, "no data-metric in the page"
    for path, raw, text in page.metrics:
        expected = pointer(data, path)
        assert json.loads(raw) == expected, (path, raw, expected)
        form = shown(expected)
        if form is not None:
            assert text.strip() == form, (path, text, form)
    return {path for path, _, _ in page.metrics}


# -- without a browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_module() -> Any:
    pytest.importorskip("plotly", reason="plotly not installed: pip install 'starrules[html]'")
    from starrules.render import report_html

    return report_html


def test_numbers_in_the_page_equal_the_json_report(html_module: Any) -> None:
    result = fixture_report(fixture_assessments())
    page = Page(html_module.render_html(result))
    paths = check_metrics(page, json.loads(result.to_json()))
    for i, group in enumerate([*result.groups, result.total]):
        at = f"/groups/{i}" if i < len(result.groups) else "/total"
        assert f"{at}/villages" in paths and f"{at}/undetermined" in paths
        for star in group.stars:
            for count in ("granted", "denied", "undetermined"):
                assert f"{at}/stars/{star.id}/{count}" in paths
        for j, _ in enumerate(group.levels):
            assert f"{at}/levels/{j}/fewest" in paths
        assert f"{at}/three_plus/fewest" in paths
        assert f"{at}/three_plus/share/fewest" in paths
        assert f"{at}/check/levels" in paths
        if group.nearest.villages:
            assert f"{at}/nearest/one_away" in paths
            assert f"{at}/nearest/villages/0/distance" in paths
    # every plan's every goal is shown once (in its township's section or with the others)
    for k, plan in enumerate(result.plans):
        assert f"/plans/{k}/status" in paths
        for m, _ in enumerate(plan.goals):
            assert f"/plans/{k}/goals/{m}/needed" in paths
            assert f"/plans/{k}/goals/{m}/status" in paths
    # a range shows both ends: the total's three stars or above is 1–2
    assert "/total/three_plus/most" in paths
    assert "/total/three_plus/share/most" in paths


def test_one_chart_div_of_each_kind_per_section(html_module: Any) -> None:
    result = fixture_report(fixture_assessments())
    page = Page(html_module.render_html(result))
    sections = len(result.groups) + 1
    assert len(page.charts) == CHARTS_PER_SECTION * sections
    # the bundle's script once, then one script per chart that draws it
    assert page.scripts == 1 + len(page.charts)


def test_chart_data_carries_the_counts(html_module: Any) -> None:
    result = fixture_report(fixture_assessments())
    total = result.total
    stars, levels, share = html_charts.group_charts(total, "zh", target=0.25)
    granted, undetermined = stars["data"]
    assert granted["y"] == [s.granted for s in total.stars]
    assert undetermined["y"] == [s.undetermined for s in total.stars]
    assert granted["x"] == [s.name.zh for s in total.stars]
    fewest, extra = levels["data"]
    assert fewest["y"] == [lv.fewest for lv in total.levels]
    assert extra["y"] == [lv.most - lv.fewest for lv in total.levels]
    (gauge,) = share["data"]
    assert gauge["type"] == "indicator"
    assert gauge["value"] == pytest.approx(total.three_plus_share.fewest * 100)
    assert gauge["gauge"]["threshold"]["value"] == pytest.approx(25.0)
    assert gauge["gauge"]["steps"][0]["range"] == pytest.approx(
        [total.three_plus_share.fewest * 100, total.three_plus_share.most * 100]
    )
    (_, _, no_target) = html_charts.group_charts(total, "en", target=None)
    assert "threshold" not in no_target["data"][0]["gauge"]


def test_chart_figures_are_valid_plotly(html_module: Any) -> None:
    # the page skips plotly's validation (for speed): the figures are checked here
    import plotly.graph_objects as go

    result = fixture_report(fixture_assessments())
    for group in [*result.groups, result.total]:
        for lang in ("zh", "en"):
            for figure in html_charts.group_charts(group, lang, target=0.5):
                go.Figure(figure)  # raises ValueError on any unknown property or bad value


def test_chart_labels_are_plain_text_and_distinct(html_module: Any) -> None:
    assert html_charts._plain("<b>甲</b> & <a href='x'>") == (
        "&lt;b&gt;甲&lt;/b&gt; &amp; &lt;a href='x'&gt;"
    )
    assert html_charts._distinct(["三星", "三星", "二星"], [3, 4, 2]) == [
        "三星 (3)",
        "三星 (4)",
        "二星",
    ]


def test_share_target_from_the_plan(html_module: Any) -> None:
    result = fixture_report(fixture_assessments(), by="county")
    k1 = result.group("cn-test/east/k1")
    plans = html_module._plans_for(result, k1)
    assert [p.target.jurisdiction for _, p in plans] == ["cn-test/east/k1"]
    assert html_module._share_target(plans) == pytest.approx(0.25)
    east = fixture_report(fixture_assessments())
    town = east.group("东镇")
    plans = html_module._plans_for(east, town)
    assert [p.target.township for _, p in plans] == ["东镇"]
    # 东镇's plan: 三星 1 (and 一星 1): one village at three stars or above out of its 3
    assert html_module._share_target(plans) == pytest.approx(1 / 3)


def test_chinese_by_default_english_with_lang_en(html_module: Any) -> None:
    result = fixture_report(fixture_assessments())
    zh = html_module.render_html(result)
    assert '<html lang="zh-CN">' in zh
    assert "五星支部创建情况" in zh and "各星获得村数" in zh and "三星及以上" in zh
    assert "合计" in zh and "甲星" in zh
    en = html_module.render_html(result, "en")
    assert '<html lang="en">' in en
    assert "Five-star branch report" in en and "Villages per star" in en
    assert "Total" in en and "Star A" in en
    assert "各星获得村数" not in en and "甲星" not in en
    # both townships named 西镇 are told apart by their county
    assert "西镇（cn-test/east/k1）" in zh and "西镇 (cn-test/west/k2)" in en


def test_village_table_marks_each_star(html_module: Any) -> None:
    assessments = fixture_assessments()
    rows = VillageRows(limit=100)
    for a in assessments:
        rows.add(a)
    page = Page(html_module.render_html(fixture_report(assessments), villages=rows))
    assert len(page.cells) == len(assessments)  # each in its township's table, once
    by_name = {cells[0]: cells for cells in page.cells}
    marks = {"granted": "✔", "denied": "✘", "undetermined": "?"}
    for a in assessments:
        cells = by_name[a.input.name]
        assert cells[-3:] == [marks[str(a.status(s))] for s in ("a", "b", "c")]
    assert by_name["全星村"][1] == "三星"
    assert by_name["待定村"][1] == "一星–三星"


def test_village_rows_are_bounded(html_module: Any) -> None:
    assessments = fixture_assessments()
    rows = VillageRows(limit=2)
    for a in assessments:
        rows.add(a)
    assert len(rows) == 2 and rows.omitted == 3
    page = html_module.render_html(fixture_report(assessments, by=None), villages=rows)
    assert len(Page(page).cells) == 2
    assert "另有 3 个村未列出" in page
    with pytest.raises(StarrulesError):
        VillageRows(limit=-1)


def test_each_group_counts_its_villages_not_listed(html_module: Any) -> None:
    assessments = fixture_assessments()  # 东镇 ×3, then 西镇 (k1), 西镇 (k2)
    rows = VillageRows(limit=2)
    for a in assessments:
        rows.add(a)
    result = fixture_report(assessments)
    assert [rows.omitted_in(g) for g in result.groups] == [1, 1, 1]
    html = html_module.render_html(result, "en", villages=rows)
    assert html.count("1 more village not listed (the list stops at 2)") == 3


def test_an_empty_or_partial_report_still_renders(html_module: Any) -> None:
    empty = report([], by=None)
    page = Page(html_module.render_html(empty, villages=VillageRows()))
    assert len(page.charts) == CHARTS_PER_SECTION
    check_metrics(page, json.loads(empty.to_json()))
    partial = fixture_report(fixture_assessments())
    partial = Report(partial.by, partial.groups, partial.total, partial=True)
    assert "输入中断" in html_module.render_html(partial)
    assert "Input interrupted" in html_module.render_html(partial, "en")


def test_data_cannot_inject_markup(html_module: Any, tmp_path: Path) -> None:
    assessments = example_assessments(hostile=True)
    rows = VillageRows()
    for a in assessments:
        rows.add(a)
    result = report(assessments)
    html = html_module.render_html(result, villages=rows)
    assert HOSTILE not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert "img" not in page.tags
    assert page.scripts == 1 + len(page.charts)
    assert [c[0] for c in page.cells if c[0] == HOSTILE] == [HOSTILE]  # shown as text
    check_metrics(page, json.loads(result.to_json()))


def test_self_contained_and_offline(html_module: Any) -> None:
    html = html_module.render_html(fixture_report(fixture_assessments()))
    assert html.count("plotly.js v") == 1  # the bundle, inlined once
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link\b", html)
    # the page forbids every network load: it works offline or shows nothing
    assert "default-src 'none'" in html


def test_without_plotly_the_error_names_the_extra(
    html_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "plotly" or m.startswith("plotly.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "plotly", None)  # import plotly raises ImportError
    with pytest.raises(html_module.MissingExtraError) as caught:
        html_module.render_html(fixture_report(fixture_assessments()))
    assert isinstance(caught.value, StarrulesError)
    assert "starrules[html]" in str(caught.value)
    with pytest.raises(html_module.MissingExtraError):
        html_module.require_plotly()


def test_importing_does_not_load_plotly() -> None:
    probe = (
        "import sys, starrules\n"
        "import starrules.render.report_html\n"
        "print('plotly' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# -- in a real browser ----------------------------------------------------------------------------


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium found; install with apt-get install chromium")


def run_browser(binary: str, page: Path, profile: Path, *args: str) -> str:
    result = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"},  # no bus: no waiting on one
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def example_page(html_module: Any, tmp_path: Path) -> Iterator[tuple[Path, Report]]:
    assessments = example_assessments(hostile=True)
    rows = VillageRows()
    for a in assessments:
        rows.add(a)
    result = report(assessments, targets=FIXTURES / "report_html" / "targets.yaml")
    path = tmp_path / "report.html"
    path.write_text(html_module.render_html(result, villages=rows), encoding="utf-8")
    yield path, result


def test_chromium_draws_every_chart_and_shows_the_json_numbers(
    example_page: tuple[Path, Report], tmp_path: Path
) -> None:
    binary = browser()
    path, result = example_page
    shot = tmp_path / "report.png"
    # one run: the DOM after the scripts ran, and a screenshot (a browser start costs seconds)
    dom = run_browser(
        binary,
        path,
        tmp_path / "profile",
        "--dump-dom",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
    )
    page = Page(dom)
    sections = len(result.groups) + 1
    assert len(page.charts) == CHARTS_PER_SECTION * sections
    blank = [chart for chart, svgs in page.charts.items() if svgs == 0]
    assert blank == [], f"charts not drawn: {blank}"
    check_metrics(page, json.loads(result.to_json()))
    assert [c[0] for c in page.cells if c[0] == HOSTILE] == [HOSTILE]  # text, not a script
    assert "img" not in page.tags
    assert shot.exists() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")


def test_docs_screenshot(html_module: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With STARRULES_UPDATE_DOCS_IMG=1: redraw docs/img/report-example.png from the example
    villages and the example plan (needs chromium and a CJK font)."""
    if not os.environ.get("STARRULES_UPDATE_DOCS_IMG"):
        pytest.skip("set STARRULES_UPDATE_DOCS_IMG=1 to redraw docs/img/report-example.png")
    binary = browser()
    monkeypatch.chdir(ROOT)  # the page names the targets file as given: no local path in it
    assessments = example_assessments()
    rows = VillageRows()
    for a in assessments:
        rows.add(a)
    result = report(assessments, targets="tests/fixtures/report_html/targets.yaml")
    path = tmp_path / "report.html"
    path.write_text(html_module.render_html(result, villages=rows), encoding="utf-8")
    image = ROOT / "docs" / "img" / "report-example.png"
    image.parent.mkdir(exist_ok=True)
    run_browser(
        binary, path, tmp_path / "profile", f"--screenshot={image}", "--window-size=1280,1500"
    )
    assert image.stat().st_size > 20_000
