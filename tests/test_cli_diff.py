"""`starrules diff` on the command line: per-village skips and wholly Chinese zh output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import starrules
from starrules.cli import main
from starrules.testing.diff import load_side

ROOT = Path(__file__).resolve().parents[1]
OLD = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
NEW = ROOT / "rulesets" / "cn-henan" / "henan-rural-2023.1.yaml"
XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
EXAMPLES = ROOT / "examples" / "villages.jsonl"


def _allowed_tokens(*files: Path) -> list[str]:
    """What may stay in Latin letters in zh output: ids of stars, criteria, groups and
    vetoes; expressions (criteria tests, level conditions) and the indicator paths in them;
    ruleset references (`id@version (jurisdiction)`), jurisdictions and file paths."""
    tokens: set[str] = {str(f) for f in (*files, EXAMPLES)}
    default = starrules.Registry.default()
    for file in files:
        for rs in load_side(file, default):
            for layer in rs.layers:
                tokens |= {layer.ref, layer.jurisdiction, layer.id, layer.short}
            for star in rs.stars:
                tokens.add(star.id)
                for node in star.nodes:
                    tokens.add(node.id)
                    test = getattr(node, "test", None)
                    if test is not None:
                        tokens.add(test.source)
            for level in rs.tree.levels or ():
                tokens.add(level.when.source)
            tokens |= set(rs.tree.indicators)
    return sorted(tokens, key=len, reverse=True)


@pytest.mark.parametrize("new", [NEW, XIXIA], ids=["2023.1", "xixia"])
def test_zh_diff_output_has_no_english_words(capsys: pytest.CaptureFixture[str], new: Path) -> None:
    assert main(["diff", str(OLD), str(new), "--villages", str(EXAMPLES), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    rest = out
    for token in _allowed_tokens(OLD, new):
        rest = rest.replace(token, "")
    leftover = [line for line in rest.splitlines() if re.search("[A-Za-z]", line)]
    assert leftover == [], leftover[:5]


def test_villages_outside_a_side_are_reported_one_by_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["diff", str(OLD), str(XIXIA), "--villages", str(EXAMPLES), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    skipped = [line for line in out.splitlines() if f"{EXAMPLES}:" in line]
    assert len(skipped) == 33
    assert "outside cn-henan/nanyang/xixia" in skipped[0] and f"{EXAMPLES}:1:" in skipped[0]
    assert "7 villages" in out  # the 西峡 villages are still compared


def test_a_range_overlay_not_in_force_is_reported_per_village(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    early = tmp_path / "v.jsonl"
    early.write_text(
        lines[-1].replace('"as_of": "2022-12-31"', '"as_of": "2022-06-30"')
        + "\n"
        + lines[-2]
        + "\n",
        encoding="utf-8",
    )
    assert main(["diff", str(OLD), str(XIXIA), "--villages", str(early), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"{early}:1: " in out and "not in force on 2022-06-30" in out
    assert f"{early}:2: " not in out
