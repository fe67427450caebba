"""`starrules diff`: rule changes and per-village outcome changes between two rulesets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import provincial_examples

import starrules
from starrules.cli import main
from starrules.inputs.villages import read_villages
from starrules.testing.diff import rule_changes, village_changes

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


# --- issue 13, item 3: dates, counterfactual "because", per-village skips, zh output ---

XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
XIXIA_IDS = {
    "ecology.sanitary-toilets",
    "xixia.one-village-one-product",
    "xixia.mushroom-standard",
}


def test_an_overlay_range_is_judged_on_the_base_in_force_on_the_village_date() -> None:
    from starrules.testing.diff import load_side

    default = starrules.Registry.default()
    old, new = load_side(OLD, default), load_side(XIXIA, default)
    assert len(new) == 2  # 西峡 on 2022.1 and on 2023.1
    records = list(read_villages(EXAMPLES))
    changes, summary = village_changes(old, new, records)
    # the province's 2023 revision is not charged to 西峡: every reason is a 西峡 criterion
    reasons = {cid for v in changes for s in v.stars for cid, _, _ in s.because}
    assert reasons and reasons <= XIXIA_IDS, reasons
    # the 33 汤阴 villages are outside 西峡: reported one by one, with file:line
    assert summary.villages == 7 and len(summary.skipped) == 33
    assert all(s.side == "new" and s.reason == "jurisdiction" for s in summary.skipped)
    assert summary.skipped[0].where == f"{EXAMPLES}:1"


def _minimal_variant(text_edits: dict[str, str]) -> starrules.Ruleset:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in text_edits.items():
        assert old in text
        text = text.replace(old, new)
    return starrules.loads_ruleset(text, name="new.yaml")


VILLAGE = starrules.Village.model_validate(
    {
        "name": "样板村",
        "jurisdiction": "cn-henan",
        "kind": "rural",
        "as_of": "2022-12-31",
        "industry": {
            "collective_income": 250000,
            "branch_led_cooperative": True,
            "one_village_one_product": True,
            "wage_arrears_cases": 0,
        },
        "ecology": {"sanitary_toilet_rate": 0.9, "garbage_system": True},
        "branch": {"secretary_strong": True},
    }
)


def test_because_lists_only_the_criteria_whose_change_flips_the_star() -> None:
    old = starrules.load_ruleset(MINIMAL)
    new = _minimal_variant(
        {
            "income >= 100000": "income >= 300000",
            "industry.branch_led_cooperative,": "industry.collective_income > 9000000,",
        }
    )
    changes, _ = village_changes(old, new, [VILLAGE])
    (industry,) = [s for s in changes[0].stars if s.star == "industry"]
    assert industry.old == "granted" and industry.new == "denied"
    # industry.coop changed too, but the engines group still passes through the product
    assert [c[0] for c in industry.because] == ["industry.collective-income"]
    assert industry.basis == "each"


def test_because_names_a_minimal_set_when_no_single_criterion_flips_back() -> None:
    old = starrules.load_ruleset(MINIMAL)
    new = _minimal_variant(
        {
            "ecology.sanitary_toilet_rate >= 0.85": "ecology.sanitary_toilet_rate >= 0.95",
            "test: ecology.garbage_system,": "test: not ecology.garbage_system,",
        }
    )
    changes, _ = village_changes(old, new, [VILLAGE])
    (ecology,) = [s for s in changes[0].stars if s.star == "ecology"]
    assert ecology.old == "granted" and ecology.new == "denied"
    assert sorted(c[0] for c in ecology.because) == ["ecology.garbage", "ecology.toilets"]
    assert ecology.basis == "together"


def test_the_rules_of_an_overlay_are_compared_on_the_old_side_s_base() -> None:
    from starrules.testing.diff import load_side, rules_pair

    default = starrules.Registry.default()
    before, after = rules_pair(load_side(OLD, default), load_side(XIXIA, default))
    assert [la.version for la in after.layers] == ["2022.1", "2022.1"]
    changes = rule_changes(before.tree, after.tree)
    assert {c.id for c in changes} <= XIXIA_IDS | {"industry.standards"}
    assert all("xixia" in (c.new_layer or "") for c in changes if c.kind == "added")
