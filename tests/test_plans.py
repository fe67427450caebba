"""Targets files (planned villages per level, or a share at three stars or above) and how a
result is compared with them (targets_file.py, plans.py)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from starrules.errors import InputError, StarrulesError
from starrules.reports.plans import Span, Target, compare
from starrules.reports.targets_file import read_targets, targets_from_data

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_targets(path)
    return str(info.value)


# -- reading -------------------------------------------------------------------------------


def test_yaml_targets_are_read_with_their_places() -> None:
    targets = read_targets(FIXTURES / "targets.yaml")
    assert targets.title == "2023 创建计划"
    first, second, third = targets.targets
    assert first.township == "东镇" and first.jurisdiction is None
    assert first.levels == ((3, 1), (1, 1))  # highest level first
    assert first.share is None
    assert str(first.where) == f"{FIXTURES / 'targets.yaml'}:4:5"
    assert second.township is None and second.jurisdiction == "cn-test/east/k1"
    assert second.levels == ((3, 2),)
    assert second.share == Fraction(1, 4)
    assert third.township == "西镇" and third.jurisdiction == "cn-test/west/k2"
    assert third.levels == ((2, 1),)


def test_csv_targets_read_like_yaml() -> None:
    from_csv = read_targets(FIXTURES / "targets.csv").targets
    from_yaml = read_targets(FIXTURES / "targets.yaml").targets
    assert [(t.township, t.jurisdiction, t.levels, t.share) for t in from_csv] == [
        (t.township, t.jurisdiction, t.levels, t.share) for t in from_yaml
    ]
    assert [t.where.line for t in from_csv] == [2, 3, 4]


def test_csv_with_english_headers_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "\ufefftownship,county,level_4,3,share_3_plus\n韩庄镇,cn-henan/anyang/tangyin,4,15,0.6\n",
    )
    (target,) = read_targets(path).targets
    assert target.township == "韩庄镇"
    assert target.levels == ((4, 4), (3, 15))
    assert target.share == Fraction(3, 5)


def test_level_names_in_chinese_and_numbers() -> None:
    data = {
        "targets": [{"township": "甲镇", "levels": {"五星": 1, "4星": 2, "3": 3, "二星支部": 4}}]
    }
    (target,) = targets_from_data(data, "<t>").targets
    assert target.levels == ((5, 1), (4, 2), (3, 3), (2, 4))


def test_shares_as_fractions_or_percentages() -> None:
    def share(value: object) -> Fraction | None:
        data = {"targets": [{"county": "cn-x/y/z", "share_3_plus": value}]}
        return targets_from_data(data, "<t>").targets[0].share

    assert share(0.6129) == Fraction("0.6129")
    assert share("61.29%") == Fraction("0.6129")
    assert share(1) == 1
    assert share("100%") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("targets:\n  - townshp: 甲镇\n    levels: {3: 1}\n", "t.yaml:2:5: unknown key 'townshp'"),
        ("targets:\n  - township: 甲镇\n    levels: {优秀: 1}\n", "t.yaml:3:14: '优秀'"),
        ("targets:\n  - township: 甲镇\n    levels: {3: -1}\n", "t.yaml:3:17:"),
        ("targets:\n  - township: 甲镇\n    levels: {3: 1.5}\n", "t.yaml:3:17:"),
        ("targets:\n  - township: 甲镇\n    levels: {3: true}\n", "t.yaml:3:17:"),
        ("targets:\n  - township: 甲镇\n    levels: {0: 3}\n", "t.yaml:3:14: level 0"),
        ("targets:\n  - township: 甲镇\n    share_3_plus: 1.5\n", "t.yaml:3:19:"),
        ("targets:\n  - township: 甲镇\n    share_3_plus: 120%\n", "t.yaml:3:19:"),
        ("targets:\n  - township: 甲镇\n    share_3_plus: abc\n", "t.yaml:3:19:"),
        ("targets:\n  - levels: {3: 1}\n", "t.yaml:2:5: a target names a township"),
        ("targets:\n  - township: 甲镇\n", "t.yaml:2:5: no goal"),
        (
            "targets:\n  - county: cn-a/b/c\n    jurisdiction: cn-a/b/c\n    levels: {3: 1}\n",
            "t.yaml:3:5: 'county' and 'jurisdiction'",
        ),
        (
            "targets:\n  - {township: 甲镇, levels: {3: 1}}\n"
            "  - {township: 甲镇, levels: {2: 1}}\n",
            "t.yaml:3:5: a second target for township 甲镇 (the first is at line 2)",
        ),
        ("targets: []\n", "t.yaml:1:10: no targets"),
        ("- township: 甲镇\n", "t.yaml:1:1: a targets file is a mapping"),
        ("title: x\n", "t.yaml:1:1: 'targets' is missing"),
        ("targets:\n  - township: [甲镇]\n    levels: {3: 1}\n", "t.yaml:2:15:"),
        ("targets:\n  - township: 甲镇\n    levels: {3: 1\n", "t.yaml:"),
    ],
)
def test_yaml_errors_are_located(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "t.yaml", text)
    message = error_of(path)
    assert message.startswith(str(tmp_path / "t.yaml")), message
    assert expected in message.replace(str(tmp_path) + "/", ""), message
    assert "ruleset" not in message


def test_unknown_key_has_a_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", "targets:\n  - townshp: 甲镇\n    levels: {3: 1}\n")
    assert "did you mean 'township'" in error_of(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("乡镇,三星,四级\n甲镇,1,2\n", "t.csv:1: column 3 '四级'"),
        ("乡镇,三星\n甲镇,x\n", "t.csv:2: column 2 (三星): 'x'"),
        ("乡镇,三星\n甲镇,-2\n", "t.csv:2: column 2 (三星)"),
        ("乡镇,三星及以上占比\n甲镇,2\n", "t.csv:2: column 2 (三星及以上占比)"),
        ("三星\n4\n", "t.csv:1: no column names the township or county"),
        ("乡镇,三星\n,4\n", "t.csv:2: a target names a township"),
        ("乡镇,三星\n甲镇,4,5\n", "t.csv:2: 3 cells"),
        ("乡镇,三星\n甲镇,\n", "t.csv:2: no goal"),
        ("乡镇,三星\n甲镇,1\n甲镇,2\n", "t.csv:3: a second target for township 甲镇"),
        ("", "t.csv: the file is empty"),
        ("乡镇,三星\n", "t.csv: no targets"),
        ("乡镇,乡镇,三星\n甲,甲,1\n", "t.csv:1: column 2 '乡镇' repeats column 1"),
    ],
)
def test_csv_errors_are_located(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, "t.csv", text))
    assert expected in message.replace(str(tmp_path) + "/", ""), message


def test_csv_in_gbk_is_refused_with_a_hint(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "t.csv", "乡镇,三星\n甲镇,1\n", encoding="gbk"))
    assert "t.csv:1" in message and "UTF-8" in message


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    assert "no such file" in error_of(tmp_path / "none.yaml")
    assert "is a directory" in error_of(_mkdir(tmp_path / "d.csv"))
    message = error_of(write(tmp_path, "t.txt", "x"))
    assert "t.txt" in message and ".yaml" in message and ".csv" in message


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_errors_belong_to_the_library_tree(tmp_path: Path) -> None:
    with pytest.raises(StarrulesError):
        read_targets(write(tmp_path, "t.yaml", "targets: {\n"))


# -- comparing ------------------------------------------------------------------------------


def target(levels: dict[int, int] | None = None, share: Fraction | None = None) -> Target:
    data: dict[str, object] = {"township": "甲镇"}
    if levels:
        data["levels"] = {str(k): v for k, v in levels.items()}
    if share is not None:
        data["share_3_plus"] = f"{float(share) * 100}%"
    return targets_from_data({"targets": [data]}, "<t>").targets[0]


def tally(*levels: tuple[int, int], **_: int) -> Counter[tuple[int, int]]:
    return Counter(levels)


def test_planned_villages_per_level_are_met_cumulatively() -> None:
    # The plan "四星 3 / 三星 7 / 二星 9": a village above its planned level counts for it.
    levels = [(4, 4)] * 2 + [(3, 3)] * 10 + [(2, 2)] * 5 + [(1, 1)] * 3
    result = compare(target({4: 3, 3: 7, 2: 9}), len(levels), Counter(levels))
    by_level = {g.level: g for g in result.goals}
    assert [g.level for g in result.goals] == [4, 3, 2]
    assert by_level[4].needed == 3 and by_level[4].achieved == Span(2, 2)
    assert by_level[4].status == "short" and by_level[4].short_by == Span(1, 1)
    assert by_level[3].needed == 10 and by_level[3].achieved == Span(12, 12)
    assert by_level[3].status == "met" and by_level[3].short_by == Span(0, 0)
    assert by_level[2].needed == 19 and by_level[2].achieved == Span(17, 17)
    assert by_level[2].short_by == Span(2, 2)
    assert by_level[3].planned == 7
    assert result.status == "short"
    assert result.villages == 20


def test_undetermined_villages_make_a_plan_open() -> None:
    levels = Counter({(3, 3): 1, (2, 4): 2})
    result = compare(target({3: 2}), 3, levels)
    (goal,) = result.goals
    assert goal.achieved == Span(1, 3)
    assert goal.short_by == Span(0, 1)
    assert goal.status == "open" and result.status == "open"


def test_a_plan_met_only_when_every_goal_is() -> None:
    levels = Counter({(5, 5): 1, (3, 3): 4})
    assert compare(target({5: 1, 3: 4}), 5, levels).status == "met"
    assert compare(target({5: 2, 3: 3}), 5, levels).status == "short"


def test_a_share_is_a_number_of_villages_rounded_up_exactly() -> None:
    # 61.29% of 31 villages is 18.9999: 19 villages (seed 003: 19 villages, 61.29%).
    levels = Counter({(3, 3): 19, (2, 2): 12})
    (goal,) = compare(target(share=Fraction("0.6129")), 31, levels).goals
    assert goal.kind == "share" and goal.level == 3
    assert goal.needed == 19 and goal.status == "met"
    # 60% of 10 is 6 exactly (in floats 0.6 * 10 is 6.000000000000001)
    levels = Counter({(3, 3): 6, (1, 1): 4})
    (goal,) = compare(target(share=Fraction(3, 5)), 10, levels).goals
    assert goal.needed == 6 and goal.status == "met"
    levels = Counter({(3, 3): 5, (1, 1): 5})
    (goal,) = compare(target(share=Fraction(3, 5)), 10, levels).goals
    assert goal.status == "short" and goal.short_by == Span(1, 1)


def test_a_target_with_no_villages() -> None:
    result = compare(target({3: 1}), 0, Counter())
    assert result.status == "no-villages"
    assert result.goals[0].achieved == Span(0, 0)


def test_goals_and_results_are_immutable() -> None:
    result = compare(target({3: 1}), 1, Counter({(3, 3): 1}))
    with pytest.raises(AttributeError):
        result.status = "short"  # type: ignore[misc]
    assert isinstance(result.goals, tuple)


def test_plan_results_as_json_data() -> None:
    result = compare(target({4: 1}, share=Fraction(1, 2)), 2, Counter({(4, 4): 1, (1, 2): 1}))
    data = result.to_dict()
    assert data["status"] == "met"
    assert data["target"]["township"] == "甲镇"
    assert data["goals"][0] == {
        "kind": "level",
        "level": 4,
        "planned": 1,
        "share": None,
        "needed": 1,
        "achieved": {"fewest": 1, "most": 1},
        "short_by": {"fewest": 0, "most": 0},
        "status": "met",
    }
    assert data["goals"][1]["kind"] == "share" and data["goals"][1]["share"] == 0.5
