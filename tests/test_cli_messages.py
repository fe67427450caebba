"""What a data clerk or a ruleset author is told on the command line, in Chinese and
English, each message with its code: villages and input files (SR5xx), usage errors
(SR6xx), `check` (SR7xx), and the language chosen by `--lang` or the locale."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

import starrules
from starrules import messages
from starrules.cli import main
from starrules.cli.app import message_lang
from starrules.errors import EvaluationError, InputError, StarrulesError
from starrules.inputs.villages import read_villages
from starrules.reports.targets_file import read_targets

ROOT = Path(__file__).resolve().parents[1]
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
FAULTY = Path(__file__).parent / "fixtures" / "faulty"
HAN = re.compile("[\u4e00-\u9fff]")
CODE_LAST = re.compile(r" \[SR\d{3}\]$")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A locale that says nothing of Chinese, whatever the machine's."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VILLAGE = {"name": "甲村", "jurisdiction": "cn-henan", "kind": "rural", "as_of": "2022-12-31"}


def village_line(**more: object) -> str:
    return json.dumps({**VILLAGE, **more}, ensure_ascii=False)


# -- the language of messages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (["evaluate", "x", "--lang", "zh"], "zh"),
        (["evaluate", "x", "--lang=zh"], "zh"),
        (["evaluate", "--lang", "zh", "x", "--lang", "en"], "en"),
        (["evaluate", "x", "--lang", "fr"], "en"),
        (["evaluate", "x", "--lang"], "en"),
        (["evaluate", "--", "--lang", "zh"], "en"),
        (["evaluate", "x"], "en"),
    ],
)
def test_the_language_of_messages_is_read_from_the_command_line(args: list[str], lang: str) -> None:
    assert message_lang(args) == lang


@pytest.mark.parametrize(
    ("variables", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_without_lang_the_locale_decides(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], lang: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert message_lang(["evaluate", "x"]) == lang
    assert message_lang(["evaluate", "x", "--lang", "en"]) == "en"


def test_a_chinese_locale_gives_chinese_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = run(capsys, "evaluate", str(tmp_path / "nope.jsonl"))
    assert code == 2 and err == f"错误：{tmp_path / 'nope.jsonl'}: 文件不存在 [SR503]\n"


# -- usage errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["evaluate", "x.jsonl", "--formt", "csv"],
            "错误：没有这个选项 '--formt'（是不是想写 '--format'？） [SR601]",
            "Error: No such option '--formt'. Did you mean '--format'? [SR601]",
        ),
        (
            ["evaluate"],
            "错误：缺少参数 'FILES...' [SR603]",
            "Error: Missing argument 'FILES...'. [SR603]",
        ),
        (
            ["evaluate", "x.jsonl", "--detail", "most"],
            "错误：'--detail' 的值无效：'most' 不是可选的值：'compact', 'full'。 [SR605]",
            "Error: Invalid value for '--detail': 'most' is not one of 'compact', 'full'. [SR605]",
        ),
        (
            ["lint", "nope.yaml"],
            "错误：'PATHS...' 的值无效：路径 'nope.yaml' 不存在。 [SR605]",
            "Error: Invalid value for 'PATHS...': Path 'nope.yaml' does not exist. [SR605]",
        ),
        (
            ["diff", "nope.yaml", "nope.yaml"],
            "错误：'OLD' 的值无效：文件 'nope.yaml' 不存在。 [SR605]",
            "Error: Invalid value for 'OLD': File 'nope.yaml' does not exist. [SR605]",
        ),
        (
            ["explain", str(ROOT / "examples" / "villages.jsonl"), "a", "b"],
            "错误：多出了参数（a b） [SR606]",
            "Error: Got unexpected extra arguments (a b) [SR606]",
        ),
        (
            ["evaluate", "x.jsonl", "--on", "2023-02-30"],
            "错误：'--on' 的值无效：'2023-02-30' 不是日期（格式如 2023-12-31） [SR605]",
            "Error: Invalid value for '--on': '2023-02-30' is not a date like 2023-12-31 [SR605]",
        ),
    ],
)
def test_usage_errors_in_both_languages_with_their_code(
    capsys: pytest.CaptureFixture[str], args: list[str], zh: str, en: str
) -> None:
    for lang, expected in (("zh", zh), ("en", en)):
        code, _, err = run(capsys, *args, f"--lang={lang}")
        assert code == 2, err
        assert expected in err.splitlines(), err
    code, _, err = run(capsys, *args, "--lang", "zh")
    assert "用法：starrules" in err and "查看帮助。" in err and "Usage" not in err


def test_a_missing_choice_lists_the_choices(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "schema")  # it has no --lang: the locale decides
    what = "'{village|ruleset|assessment|compact|event|change}'"
    assert code == 2 and f"Error: Missing argument {what}. Choose from: [SR603]" in err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = run(capsys, "schema")
    assert code == 2 and err.splitlines()[-1] == (
        f"错误：缺少参数 {what}（可选：village, ruleset, assessment, compact, event, change）"
        " [SR603]"
    )


def test_a_usage_error_without_lang_is_english_with_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "Error: No such command 'frobnicate'. [SR602]" in err
    code, _, err = run(capsys, "frobnicate", "--lang", "zh")
    assert code == 2 and "错误：没有这个命令 'frobnicate' [SR602]" in err
    code, _, err = run(capsys, "--lang", "zh", "list")  # the group has no --lang
    assert code == 2 and "错误：没有这个选项 '--lang' [SR601]" in err


def test_a_bad_lang_value_is_told_in_the_locales_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "evaluate", "x.jsonl", "--lang", "fr")
    assert code == 2 and "Error: Invalid value for '--lang': 'fr' is not one of 'zh', 'en'." in err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = run(capsys, "evaluate", "x.jsonl", "--lang", "fr")
    assert code == 2 and "错误：'--lang' 的值无效：'fr' 不是可选的值：'zh', 'en'。 [SR605]" in err


def test_a_nul_in_an_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "evaluate", "a\x00b", "--lang", "zh")
    assert code == 2 and err == "错误：有一个参数含有 NUL 字符（\\x00） [SR610]\n"


# -- villages and input files --------------------------------------------------------------------


def test_village_validation_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = village_line(branch={"reserv_cadres": 3}, ecology={"sanitary_toilet_rate": 1.5})
    path = write(tmp_path, "v.jsonl", bad + "\n")
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    assert code == 2
    assert err.splitlines() == [
        f"错误：{path}:1: branch.reserv_cadres：未知的字段（是不是想写 'reserve_cadres'？）"
        " [SR501]",
        f"{path}:1: ecology.sanitary_toilet_rate：应小于或等于 1 [SR500]",
    ]
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "en")
    assert err.splitlines() == [
        f"error: {path}:1: branch.reserv_cadres: unknown field (did you mean 'reserve_cadres'?)"
        " [SR501]",
        f"{path}:1: ecology.sanitary_toilet_rate: Input should be less than or equal to 1 [SR500]",
    ]


@pytest.mark.parametrize(
    ("name", "text", "zh"),
    [
        (
            "v.json",
            '{"name": "x",\n',
            ":2:1: JSON 格式错误：这里应有用双引号括起来的字段名 [SR508]",
        ),
        ("v.jsonl", "[1]\n", ":1: 村庄必须是一个 JSON 对象，不能是 list [SR502]"),
        ("v.jsonl", b"\xff\n", ":1: 不是 UTF-8 文本（无效的起始字节，在第 1 个字节） [SR507]"),
    ],
)
def test_bad_village_files_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | bytes, zh: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    assert code == 2 and err == f"错误：{path}{zh}\n"


def test_a_folder_is_not_a_village_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        list(read_villages(tmp_path))
    assert str(info.value) == f"{tmp_path}: is a directory, not a file"
    assert info.value.render("zh") == f"{tmp_path}: 这是文件夹，不是文件 [SR505]"


def test_bad_cells_in_chinese_with_file_row_column_and_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "村名,辖区,类型,村集体经济年收入,卫生厕所普及率\n"
        "甲村,cn-henan,rural,很多,89\n"
        "乙村,cn-henan,farm,1,0.5,9\n",
    )
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    assert code == 2
    assert err.splitlines() == [
        f"错误：{path} 中 2 行共有 4 个问题：",
        f"  {path}:2:4: 村集体经济年收入（industry.collective_income，单元格 D2）："
        "'很多' 不是数字 [SR514]",
        f"  {path}:2:5: 卫生厕所普及率（ecology.sanitary_toilet_rate，单元格 E2）："
        "89：应小于或等于 1（比率是 0 到 1 之间的份额：写作 89% 或 0.89） [SR514]",
        f"  {path}:3:3: 类型（kind，单元格 C3）：'farm' 不是村庄类型：rural（农村）或 "
        "urban_community（城市社区） [SR514]",
        f"  {path}:3:6: 单元格 F3：这一列没有表头，却填了值（'9'） [SR515]",
    ]
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh", "--skip-invalid")
    assert code == 0
    assert err.count("已跳过：") == 4 and "已跳过 2 个无效的行" in err
    assert all(CODE_LAST.search(line) for line in err.splitlines() if "已跳过：" in line)


def test_an_unknown_column_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "v.csv", "村名,辖区,类型,村集体经济收入\n甲村,cn-henan,rural,1\n")
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    assert code == 2
    assert err.startswith(f"错误：{path}:1:4: 未知的列 '村集体经济收入'（是不是想写 ")
    assert err.rstrip().endswith(" [SR510]")


def test_a_targets_file_in_chinese(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", "targets:\n  - township: 西镇\n    levels: {好几星: 1}\n")
    with pytest.raises(InputError) as info:
        read_targets(plan)
    assert str(info.value) == f"{plan}:3:14: '好几星' is not a level (write 五星, 5星 or 5)"
    assert (
        info.value.render("zh") == f"{plan}:3:14: '好几星' 不是等级（写作 五星、5星 或 5） [SR542]"
    )
    csv_plan = write(tmp_path, "plan.csv", "乡镇,五星,townshp\n西镇,1,3\n")
    with pytest.raises(InputError) as info:
        read_targets(csv_plan)
    assert info.value.problems[0].code == "SR555"
    assert "（是不是想写 " in info.value.render("zh") and "不是已知的列" in info.value.render("zh")
    assert str(info.value).startswith(
        f"{csv_plan}:1: column 3 'townshp' is not a known column (did you mean 'township'?): "
    )


# -- what a ruleset refuses to judge -------------------------------------------------------------


def _refusal(village: dict[str, object], **options: object) -> EvaluationError:
    ruleset = starrules.load_ruleset(HENAN)
    with pytest.raises(EvaluationError) as info:
        ruleset.evaluate(starrules.Village.model_validate(village), **options)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    ("village", "options", "code", "zh"),
    [
        (
            {**VILLAGE, "kind": "urban_community"},
            {},
            "SR570",
            "村庄 '甲村' 的类型是 城市社区，而规则集 henan-rural@2022.1 适用于 农村",
        ),
        (
            {**VILLAGE, "jurisdiction": "cn-zhejiang"},
            {},
            "SR571",
            "村庄 '甲村' 在 cn-zhejiang，不在规则集 henan-rural@2022.1 适用的 cn-henan 辖区内",
        ),
        (
            {k: v for k, v in VILLAGE.items() if k != "as_of"},
            {"on": date(2020, 1, 1)},
            "SR572",
            "规则集 henan-rural@2022.1 在 2020-01-01 不生效（有效期 2022-05-01 至 长期）",
        ),
        (
            {**VILLAGE, "extra": {"mushroom_bag": 1}},
            {"strict": True},
            "SR573",
            "村庄 '甲村'：规则集 henan-rural@2022.1 没有定义指标 'extra.mushroom_bag'",
        ),
    ],
)
def test_refusals_have_codes_and_chinese_texts(
    village: dict[str, object], options: dict[str, object], code: str, zh: str
) -> None:
    error = _refusal(village, **options)
    (problem,) = error.problems
    assert problem.code == code and str(error) == problem.message
    assert error.render("zh") == f"{zh} [{code}]"
    assert error.render("en") == f"{error} [{code}]"


def test_an_extra_value_of_the_wrong_kind() -> None:
    ruleset = starrules.load_ruleset(XIXIA, registry=starrules.Registry.default())
    village = {
        **VILLAGE,
        "jurisdiction": "cn-henan/nanyang/xixia",
        "as_of": "2023-06-30",
        "extra": {"mushroom_bags": "x"},
    }
    with pytest.raises(EvaluationError) as info:
        ruleset.evaluate(starrules.Village.model_validate(village))
    assert str(info.value) == "village '甲村': extra.mushroom_bags = 'x' is not a valid count"
    assert (
        info.value.render("zh") == "村庄 '甲村'：extra.mushroom_bags = 'x' 不是有效的个数 [SR574]"
    )


def test_a_refusal_on_the_command_line_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "v.jsonl", village_line(jurisdiction="cn-zhejiang") + "\n")
    code, _, err = run(capsys, "evaluate", str(path), "--ruleset", str(HENAN), "--lang", "zh")
    assert code == 2 and err == (
        f"错误：{path}:1: 村庄 '甲村' 在 cn-zhejiang，不在规则集 henan-rural@2022.1 适用的 cn-henan"
        " 辖区内 [SR571]\n"
    )


def test_an_error_said_of_a_place_keeps_its_code() -> None:
    error = InputError.of(None, "SR551").at("f.csv:3")
    assert isinstance(error, StarrulesError) and str(error) == "f.csv:3: the file is empty"
    assert error.render("zh") == "f.csv:3: 文件是空的 [SR551]"
    assert StarrulesError("something").at("x").render("en") == "x: something [SR900]"


@pytest.mark.parametrize(
    "error",
    [
        EvaluationError.of(None, "SR570", name="甲村", kind="城市", ruleset="r@1", expected="农村"),
        EvaluationError.of(
            "row 2", "SR570", name="甲村", kind="城市", ruleset="r@1", expected="农村"
        ),
        EvaluationError("a text of its own"),
    ],
)
def test_an_error_said_of_a_place_keeps_its_type(error: EvaluationError) -> None:
    """What a caller catches does not change when a place is added to the error."""
    said = error.at("events.jsonl:3")
    assert isinstance(said, EvaluationError)
    assert str(said).startswith("events.jsonl:3: ")
    assert [p.code for p in said.problems] == [p.code for p in error.problems]


def test_no_ruleset_in_force_is_found_by_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "v.jsonl", village_line(as_of="2019-12-31") + "\n")
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    first = err.splitlines()[0]
    assert code == 2 and first.startswith(
        f"错误：{path}:1: 2019-12-31 没有对 cn-henan 或其上级辖区"
    )
    assert first.endswith(" [SR580]")


# -- diff and check ------------------------------------------------------------------------------


def test_diff_tells_a_refused_village_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = village_line(jurisdiction="cn-henan/nanyang/xixia", extra={"mushroom_bag": 3})
    path = write(tmp_path, "v.jsonl", line + "\n")
    args = ["diff", str(HENAN), str(XIXIA), "--villages", str(path), "--strict"]
    code, out, _ = run(capsys, *args, "--lang", "zh")
    assert code == 0
    assert (
        f"  {path}:1: 甲村：旧规则 无法评定：村庄 '甲村'：规则集 henan-rural@2022.1 没有定义指标 "
        "'extra.mushroom_bag' [SR573]" in out.splitlines()
    )
    assert "  等级：（无）  ⇒  （无）" in out.splitlines()
    code, out, _ = run(capsys, *args, "--format", "json")
    (skipped,) = json.loads(out)["summary"]["skipped"]
    assert skipped["error_code"] == "SR573" and "is not declared" in skipped["detail"]


def test_check_speaks_chinese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(FAULTY / "computed-band.yaml"), "--examples", "20", "--skip", "deterministic"]
    code, out, _ = run(capsys, "check", *args)
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "3 项通过，1 项未通过"
    assert lines[0].startswith("FAIL monotone — ")
    assert lines[1].startswith("  改善 industry.collective_income（") and lines[1].endswith(
        "反而失去星 'industry' [SR701]"
    )
    assert lines[2] == "  相关项：industry.income-band（达标 → 未达标）"
    assert HAN.search(lines[3])
    code, out, _ = run(capsys, "check", *args, "--lang", "en")
    assert out.splitlines()[-1] == "3 passed, 1 failed"
    assert "loses star 'industry' [SR701]" in out and "  responsible: " in out


def test_check_finds_no_rulesets_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", str(tmp_path), "--lang", "zh")
    assert code == 2 and err.endswith(
        f"错误：在 {tmp_path} 中没有找到规则集文件（*.yaml） [SR620]\n"
    )
    code, _, err = run(capsys, "check", str(tmp_path), "--skip", "nope", "--lang", "zh")
    assert code == 2 and "错误：--skip 的值无效：未知的检查 nope；可用的检查：monotone, " in err


def test_every_message_of_check_is_catalogued() -> None:
    """The texts `starrules check` words its failures with (testing.py) are recognised."""
    for text in (
        "improving a.b (1 → 2, better: higher) loses star 'x'",
        "improving a.b (1 → 2) lowers the level",
        "filling in a.b flips a decided outcome",
        "filling in a.b changes star 'x' from granted to denied",
        "star 'x' is granted by r@1 (cn) but denied under its parent",
        "level 3's condition holds but level 2's does not: the levels do not nest",
        "Σ levels 3 ≠ Σ stars 2",
        "star 'x' is never granted: no village among the best, the worst and 10 searched ones",
    ):
        assert messages.code_of(text).startswith("SR7"), text
        assert HAN.search(messages.message_text(text, "zh")), text


def test_lint_says_ok_in_chinese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", str(XIXIA))
    assert code == 0
    first = out.splitlines()[0]
    fingerprint = re.fullmatch(r".*，指纹 ([0-9a-f]{12})）", first)
    assert fingerprint, first
    assert first == (
        f"通过：{XIXIA}（henan-rural@2022.1，cn-henan/nanyang/xixia，"
        f"层 cn-henan@2022.1 → xixia@2022.1，5 颗星，指纹 {fingerprint[1]}）"
    )
    code, out, _ = run(capsys, "lint", str(XIXIA), "--lang", "en")
    assert code == 0 and out.splitlines()[0] == (
        f"ok: {XIXIA} (henan-rural@2022.1, cn-henan/nanyang/xixia, "
        f"layers cn-henan@2022.1 → xixia@2022.1, 5 stars, fingerprint {fingerprint[1]})"
    )


def test_test_counts_in_chinese_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "test", str(HENAN), "--lang", "zh")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("PASS ")
    assert re.fullmatch(r"[1-9]\d* 项通过，0 项未通过", lines[-1]), lines[-1]
    code, out, _ = run(capsys, "test", str(HENAN))
    assert code == 0 and out.splitlines()[-1] == lines[-1]
    code, out, _ = run(capsys, "test", str(HENAN), "--lang", "en")
    passed = lines[-1].split(" ")[0]
    assert code == 0 and out.splitlines()[-1] == f"{passed} passed, 0 failed"


# -- the columnar engine's messages (SR5xx, SR6xx) ----------------------------------------------


def _parquet(tmp_path: Path, name: str, **columns: list[object]) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    identity = {"name": ["甲村"], "jurisdiction": ["cn-henan"], "kind": ["rural"]}
    path = tmp_path / name
    pq.write_table(pa.table({**identity, "as_of": ["2023-12-31"], **columns}), path)
    return path


def test_a_bad_parquet_file_in_chinese_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyarrow")
    bad = write(tmp_path, "bad.parquet", "not parquet at all")
    code, _, err = run(capsys, "evaluate", str(bad), "--engine", "columns", "--lang", "zh")
    assert (
        code == 2
        and err.startswith(f"错误：{bad}: 不是可读的 Parquet 文件：")
        and err.endswith(" [SR598]\n")
    ), err
    code, _, err = run(capsys, "evaluate", str(bad), "--engine", "columns", "--lang", "en")
    assert err.startswith(f"error: {bad}: not a readable Parquet file: ") and err.endswith(
        " [SR598]\n"
    ), err


@pytest.mark.parametrize(
    ("columns", "zh", "en"),
    [
        (
            {"ecology.sanitary_toilet_rate": [1.5]},
            "第 1 行：列 'ecology.sanitary_toilet_rate'：1.5 不是介于 0 和 1 之间的比例（比率） "
            "[SR585]",
            "row 1: column 'ecology.sanitary_toilet_rate': 1.5 is not a share from 0 to 1 "
            "(rate) [SR585]",
        ),
        (
            {"ecology.garbage_system": [3]},
            "列 'ecology.garbage_system' 必须是“是/否”值（布尔值），不能是 int64 [SR567]",
            "column 'ecology.garbage_system' must hold yes/no values (booleans), not int64 [SR567]",
        ),
        (
            {"industry.collective_income": ["x"]},
            "列 'industry.collective_income' 必须是数字（金额），不能是 string [SR569]",
            "column 'industry.collective_income' must hold numbers (money), not string [SR569]",
        ),
        (
            {"foo.bar": [1]},
            "列 'foo.bar' 既不是规则集 henan-rural@2023.1 的指标，也不是 code, name, township, "
            "jurisdiction, kind, as_of 之一 [SR565]",
            "column 'foo.bar' is neither an indicator of ruleset henan-rural@2023.1 nor one of "
            "code, name, township, jurisdiction, kind, as_of [SR565]",
        ),
        (
            {"kind": ["urban_community"]},
            "第 1 行：村庄的类型是 城市社区，而规则集适用于 农村（规则集 henan-rural@2023.1） "
            "[SR586]",
            "row 1: the village is urban_community, but the ruleset is for rural (ruleset "
            "henan-rural@2023.1) [SR586]",
        ),
    ],
)
def test_columnar_errors_in_chinese_with_their_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    columns: dict[str, list[object]],
    zh: str,
    en: str,
) -> None:
    path = _parquet(tmp_path, "v.parquet", **columns)
    args = ["evaluate", str(path), "--engine", "columns"]
    if "kind" in columns:  # a ruleset named: the engine's own check of each row's kind
        args += ["--ruleset", str(ROOT / "rulesets" / "cn-henan" / "henan-rural-2023.1.yaml")]
    code, _, err = run(capsys, *args, "--lang", "zh")
    assert code == 2 and err == f"错误：{zh}\n"
    code, _, err = run(capsys, *args, "--lang", "en")
    assert code == 2 and err == f"error: {en}\n"


def test_engine_mistakes_in_chinese_with_their_code(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    examples = str(ROOT / "examples" / "villages.jsonl")
    args = ["evaluate", examples, "--engine", "rows", "--format", "parquet", "-o", "x.parquet"]
    code, _, err = run(capsys, *args, "--lang", "zh")
    assert code == 2 and err == (
        "错误：`--format parquet` 由列式引擎给出：请用 `--engine columns` [SR656]\n"
    )
    code, _, err = run(capsys, *args, "--lang", "en")
    assert code == 2 and err == (
        "error: --format parquet comes from the columnar engine: use --engine columns [SR656]\n"
    )


def test_every_columnar_message_is_coded() -> None:
    """No message of the columnar engine is left to SR900: each raise site gives a code."""
    sources = [
        ROOT / "src" / "starrules" / "columnar" / name
        for name in ("tables.py", "arrow.py", "program.py", "expressions.py")
    ] + [
        ROOT / "src" / "starrules" / "inputs" / "parquet.py",
        ROOT / "src" / "starrules" / "inputs" / "by_ruleset.py",
        ROOT / "src" / "starrules" / "cli" / "columns.py",
    ]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        plain = re.findall(r"(?:(?<!Assertion)Error|fail)\(\s*f?\"", text)
        assert not plain, (source.name, plain)
