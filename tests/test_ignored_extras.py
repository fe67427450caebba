"""Undeclared `extra` indicators (issue 13, item 5): a ruleset that does not declare one
ignores it and lists it in the assessment, with a did-you-mean against those it declares;
`strict` makes it an error. One behaviour for evaluate, explain, diff, test and the monitor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import EvaluationError, Monitor, Village
from starrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
BASE: dict[str, Any] = {
    "name": "香菇村",
    "jurisdiction": "cn-henan/nanyang/xixia",
    "kind": "rural",
    "as_of": "2022-12-31",
    "industry": {"collective_income": 200000},
}


def examples() -> list[Village]:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    return [Village.model_validate(json.loads(line)) for line in lines if line.strip()]


def with_extras(**extra: Any) -> Village:
    return Village.model_validate({**BASE, "extra": extra})


def test_the_example_villages_rate_under_the_province_with_their_extras_ignored() -> None:
    province = starrules.load_ruleset(HENAN)
    villages = examples()
    county_data = [v for v in villages if v.extra]
    assert county_data, "the examples carry county-only indicators"
    for assessment in province.evaluate_many(villages):
        given = sorted(f"extra.{k}" for k in assessment.input.extra)
        assert [i.path for i in assessment.ignored] == given
    # Ignoring them changes nothing else: the same as the village without them.
    for village in county_data:
        bare = village.model_copy(update={"extra": {}})
        a, b = province.evaluate(village), province.evaluate(bare)
        assert [a.status(s.id) for s in province.stars] == [b.status(s.id) for s in province.stars]
        assert a.level == b.level and a.missing == b.missing


def test_an_ignored_indicator_comes_with_a_did_you_mean() -> None:
    ruleset = starrules.load_ruleset(ROOT / "tests" / "fixtures" / "eval_extra.yaml")
    assessment = ruleset.evaluate(with_extras(mushroom_bag=5, colour="red"))
    ignored = {i.path: i.suggestions for i in assessment.ignored}
    assert ignored == {"extra.colour": [], "extra.mushroom_bag": ["extra.mushroom_bags"]}


def test_strict_makes_an_undeclared_indicator_an_error_with_a_did_you_mean() -> None:
    ruleset = starrules.load_ruleset(ROOT / "tests" / "fixtures" / "eval_extra.yaml")
    with pytest.raises(EvaluationError, match=r"extra\.mushroom_bag.*'extra\.mushroom_bags'"):
        ruleset.evaluate(with_extras(mushroom_bag=5), strict=True)
    with pytest.raises(EvaluationError, match=r"extra\.mushroom_bag"):
        next(ruleset.evaluate_many([with_extras(mushroom_bag=5)], strict=True))


def test_a_declared_indicator_keeps_its_type_check() -> None:
    ruleset = starrules.load_ruleset(ROOT / "tests" / "fixtures" / "eval_extra.yaml")
    with pytest.raises(EvaluationError, match=r"extra\.mushroom_bags"):
        ruleset.evaluate(with_extras(mushroom_bags="many"))


def test_records_list_what_was_ignored() -> None:
    province = starrules.load_ruleset(HENAN)
    village = with_extras(mushroom_bags=5000)
    assessment = province.evaluate(village)
    full = json.loads(assessment.to_json())
    assert full["ignored"] == [{"path": "extra.mushroom_bags", "suggestions": []}]
    assert json.loads(assessment.to_record().model_dump_json())["ignored"] == full["ignored"]
    compact = json.loads(assessment.to_json("compact"))
    assert compact["ignored"] == full["ignored"]
    clean = province.evaluate(village.model_copy(update={"extra": {}}))
    assert json.loads(clean.to_json())["ignored"] == []
    assert "ignored" not in json.loads(clean.to_json("compact"))  # compact leaves out empties


def test_explain_names_the_ignored_indicators() -> None:
    province = starrules.load_ruleset(HENAN)
    a = province.evaluate(with_extras(mushroom_bags=5000))
    assert "extra.mushroom_bags" in a.explain("en") and "ignored" in a.explain("en")
    assert "extra.mushroom_bags" in a.explain("zh") and "未采用" in a.explain("zh")


def test_cli_evaluate_ignores_and_says_so_strict_refuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["evaluate", str(EXAMPLES), "--ruleset", str(HENAN)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "extra." in err and "--strict" in err  # a note, on stderr: the table stays clean
    code = main(["evaluate", str(EXAMPLES), "--ruleset", str(HENAN), "--strict"])
    _, err = capsys.readouterr()
    assert code == 2 and "is not declared by ruleset henan-rural@2022.1" in err
    assert "Traceback" not in err


def test_diff_ignores_them_as_evaluate_does_and_strict_names_each_village(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["diff", str(HENAN), str(XIXIA), "--villages", str(EXAMPLES), "--format", "json"]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    lenient = json.loads(out)["summary"]
    code = main([*args, "--strict"])
    out, err = capsys.readouterr()
    assert code == 0, err  # villages a side cannot judge are listed, the others compared
    strict = json.loads(out)["summary"]
    # The 7 西峡 villages are compared leniently (the province ignores their county
    # indicators); strictly, the province refuses each of them (and the 汤阴 villages, which
    # the new side would not judge anyway), by name.
    xixia = {v.name for v in examples() if v.jurisdiction.endswith("/xixia")}
    assert lenient["villages"] == len(xixia) == 7
    refused = {s["name"] for s in strict["skipped"] if "is not declared" in s["detail"]}
    assert xixia <= refused
    assert strict["villages"] == 0


def test_the_monitor_ignores_an_undeclared_indicator_unless_strict() -> None:
    village = with_extras(goat_herds=12)  # 西峡 declares mushroom_bags, not this
    with Monitor([village]) as watcher:
        assert [i.path for i in watcher.snapshot("香菇村").ignored] == ["extra.goat_herds"]
        changes = watcher.apply(
            {
                "type": "update",
                "village": "香菇村",
                "field": "extra.colour",
                "value": "red",
                "date": "2023-01-05",
            }
        )
        assert [c for c in changes if c.trigger == "event"] == []
        assert [i.path for i in watcher.snapshot("香菇村").ignored] == [
            "extra.colour",
            "extra.goat_herds",
        ]
    with pytest.raises(EvaluationError, match=r"extra\.goat_herds"):
        Monitor([village], strict=True)
    with (
        Monitor([with_extras()], strict=True) as watcher,
        pytest.raises(starrules.InputError, match=r"'extra\.colour' is not declared"),
    ):
        watcher.apply(
            {
                "type": "update",
                "village": "香菇村",
                "field": "extra.colour",
                "value": 1,
                "date": "2023-01-05",
            }
        )


def test_test_cases_ignore_an_undeclared_indicator_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "extra.test.yaml"
    cases.write_text(
        """starrules: 1
cases:
  - name: a village with a county-only indicator, judged by the province
    village:
      name: 四会村
      jurisdiction: cn-henan/zhengzhou/xinzheng
      kind: rural
      as_of: 2022-12-31
      safety: {criminal_cases: 1}
      extra: {goat_herds: 3}
    expect:
      stars: {safety: denied}
""",
        encoding="utf-8",
    )
    assert main(["test", str(cases), "--lang", "en"]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", str(cases), "--lang", "en", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "extra.goat_herds" in out and "is not declared" in out
