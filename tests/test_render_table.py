"""The plain-text table of `starrules evaluate`."""

from __future__ import annotations

from pathlib import Path

from conftest import provincial_examples

import starrules
from starrules.render.table import display_width, pad, render_table, row_of

ROOT = Path(__file__).resolve().parents[1]


def test_display_width_counts_cjk_as_two() -> None:
    assert display_width("abc") == 3
    assert display_width("韩庄村") == 6
    assert display_width(pad("村", 4)) == 4


def test_table_columns_align_and_summarise() -> None:
    ruleset = starrules.load_ruleset(ROOT / "rulesets/cn-henan/henan-rural-2022.1.yaml")
    rows = [row_of(ruleset.evaluate(v)) for v in provincial_examples()[:6]]
    text = render_table(rows, [(s.id, s.name("en")) for s in ruleset.stars], "en")
    lines = text.splitlines()
    assert lines[0].startswith("Village")
    header_width = display_width(lines[1])
    assert all(display_width(line) <= header_width for line in lines[2:8])
    assert "6 villages:" in text
    assert "✔ granted" in text
