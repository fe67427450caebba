"""`starrules diff`: rule changes and per-village outcome changes between two rulesets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import provincial_examples

import starrules
from starrules.cli import main
from starrules.diff import rule_changes, village_changes

ROOT = Path(__file__).resolve().parents[1]
OLD = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
NEW = ROOT / "rulesets" / "cn-henan" / "henan-rural-2023.1.yaml"
EXAMPLES = ROOT / "examples" / "villages.jsonl"


@pytest.fixture(scope="module")
def pair() -> tuple[starrules.Ruleset, starrules.Ruleset]:
    default = starrules.Registry.default()
    return starrules.load_ruleset(OLD, default), starrules.load_ruleset(NEW, default)


def test_rule_changes_of_the_2023_revision(
    pair: tuple[starrules.Ruleset, starrules.Ruleset],
) -> None:
    old, new = pair
    changes = {c.id: c for c in rule_changes(old.tree, new.tree)}
    new_ids = {n.id for s in new.stars for n in s.nodes}
    old_ids = {n.id for s in old.stars for n in s.nodes}
    for added in new_ids - old_ids:
        assert changes[added].kind == "added"
        assert changes[added].new_layer is not None and "2023.1" in changes[added].new_layer
    changed = [c for c in changes.values() if c.kind == "changed" and "test" in c.fields]
    assert changed, "the revision changes at least one threshold"
    for change in changed:
        assert change.old != change.new
        assert change.old_layer != change.new_layer


def test_identical_rulesets_have_no_changes(
    pair: tuple[starrules.Ruleset, starrules.Ruleset],
) -> None:
    old, _ = pair
    assert rule_changes(old.tree, old.tree) == []
    villages = provincial_examples()
    changes, summary = village_changes(old, old, villages)
    assert changes == [] and summary.changed == 0 and summary.villages == len(villages)


def test_village_changes_name_the_criteria_responsible(
    pair: tuple[starrules.Ruleset, starrules.Ruleset],
) -> None:
    old, new = pair
    villages = provincial_examples()
    changes, summary = village_changes(old, new, villages)
    assert summary.villages == 40 and summary.changed == len(changes) > 0
    for village in changes:
        before = old.evaluate(
            next(v for v in villages if v.name == village.name), check_dates=False
        )
        after = new.evaluate(next(v for v in villages if v.name == village.name), check_dates=False)
        for star in village.stars:
            assert before.status(star.star) == star.old and after.status(star.star) == star.new
            assert star.because, (village.name, star.star)
    # counts per star agree with the per-village changes
    lost = sum(1 for v in changes for s in v.stars if s.old == "granted")
    assert lost == sum(summary.lost.values())


def test_cli_diff_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW), "--villages", str(EXAMPLES), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Rule changes" in text and "Villages whose outcome changes" in text
    assert "because" in text and "Summary:" in text
    assert main(["diff", str(OLD), str(NEW), "--villages", str(EXAMPLES), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"old", "new", "rules", "villages", "summary"}
    assert document["summary"]["villages"] == 40
    assert document["summary"]["changed"] == len(document["villages"])


def test_cli_diff_without_villages_is_structural(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "villages" not in document and document["rules"]
