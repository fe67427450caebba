"""The message catalogue (starrules.messages): codes, English and Chinese texts, hints, and
`starrules lint --lang zh|en` showing them with file:line:col and the code."""

from __future__ import annotations

import os
import pickle
import re
import string
from pathlib import Path

import pytest

import starrules
from starrules import Registry, RulesetError, loads_ruleset, messages
from starrules.cli import main
from starrules.errors import Location, Problem, did_you_mean_named
from starrules.load import yaml_compose, yaml_parse
from starrules.load.yaml_parse import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "messages"
FOUR = FIXTURES / "four-mistakes.yaml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
HAN = re.compile("[\u4e00-\u9fff]")


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


# -- the acceptance: four mistakes, four located Chinese messages with hints and codes --------


def test_lint_in_chinese_shows_the_four_mistakes(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = lint(capsys, "--lang", "zh", str(FOUR))
    assert code == 1
    f = str(FOUR)
    assert lines == [
        f"{f}:4:5: [SR103] YAML 语法错误：键 'kind' 后面是全角冒号 '：'"
        "（改用半角冒号加空格：'kind: '）",
        f"{f}:10:1: [SR102] YAML 语法错误：缩进里有 Tab 字符"
        "（用空格缩进，不要用 Tab：YAML 的缩进不允许 Tab）",
        f"{f}:10:37: [SR302] 表达式 'ecology.sanitary_toilet_rate ≥ 0.9' 有误："
        "'≥' 不是半角（ASCII）字符（用半角的 >= 代替 ≥）",
        f"{f}:12:3: [SR401] 无法添加到 '产业兴旺星'：没有这个星或组"
        "（是不是想写 'industry'？这里要写 id，不是中文名称）",
    ]
    for line in lines:
        assert re.match(rf"{re.escape(f)}:\d+:\d+: \[SR\d{{3}}\] ", line)
        assert HAN.search(line.split("]", 1)[1])
    assert err.strip() == "1 个文件中有 4 个问题"


def test_lint_in_english_shows_the_same_with_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = lint(capsys, "--lang", "en", str(FOUR))
    assert code == 1
    f = str(FOUR)
    assert lines == [
        f"{f}:4:5: [SR103] YAML syntax error: a full-width colon '：' after the key 'kind' "
        "(write a half-width colon and a space: 'kind: ')",
        f"{f}:10:1: [SR102] YAML syntax error: a tab in the indentation "
        "(indent with spaces: YAML does not allow tabs in indentation)",
        f"{f}:10:37: [SR302] in 'ecology.sanitary_toilet_rate ≥ 0.9': unexpected '≥' "
        "(not ASCII) (use >= instead of ≥)",
        f"{f}:12:3: [SR401] cannot add to '产业兴旺星': no such star or group "
        "(did you mean 'industry'? write the id, not the Chinese name)",
    ]
    assert err.strip() == "4 problems in 1 file"


def test_lint_speaks_chinese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    _, default, _ = lint(capsys, str(FOUR))
    _, chinese, _ = lint(capsys, "--lang", "zh", str(FOUR))
    assert default == chinese


def test_loading_reports_the_four_with_the_english_texts() -> None:
    text = FOUR.read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        loads_ruleset(text, "f.yaml", registry=Registry.default())
    found = [(p.location.line, p.location.column, p.code) for p in info.value.problems]
    assert found == [(4, 5, "SR103"), (10, 1, "SR102"), (10, 37, "SR302"), (12, 3, "SR401")]
    assert info.value.problems[0].message.startswith("YAML syntax error")
    # Without a registry the overlay cannot be applied: the text problems are still told.
    with pytest.raises(RulesetError) as info:
        loads_ruleset(text, "f.yaml")
    assert [p.code for p in info.value.problems] == ["SR103", "SR411", "SR102"]


# -- the catalogue ----------------------------------------------------------------------------


def test_every_code_is_unique_and_in_its_documented_range() -> None:
    codes = [entry.code for entry in messages.CATALOGUE]
    assert len(codes) == len(set(codes))
    prefixes = {prefix for prefix, _, _ in messages.RANGES}
    for code in [*codes, messages.GENERIC]:
        assert re.fullmatch(r"SR[0-9]{3}", code), code
        assert code[:3] in prefixes, code
    assert messages.GENERIC not in codes


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


ALL_TEXTS = [*messages.CATALOGUE, *messages.HINTS, *messages.FRAGMENTS]


@pytest.mark.parametrize("item", ALL_TEXTS, ids=lambda i: i.en[:40])
def test_every_template_formats_with_its_fields_in_both_languages(
    item: messages.Entry | messages.Phrase,
) -> None:
    assert _fields(item.en) == _fields(item.zh)
    values = {name: f"<{name}>" for name in _fields(item.en)}
    assert item.en.format(**values) and item.zh.format(**values)
    assert HAN.search(item.zh) or not HAN.search(item.en)
    assert set(item.nested) <= _fields(item.en)


def _sample(entry: messages.Entry) -> dict[str, str]:
    """Values that no template claims on its own, fitting each field's pattern."""
    special = {"field": "stars.0.id", "parent": "stars.0", "expected": "expected x"}
    return {
        name: special.get(name, f"x{n}y") if name in entry.fields else f"x{n}y"
        for n, name in enumerate(messages.fields_of(entry.en))
    }


@pytest.mark.parametrize("entry", messages.CATALOGUE, ids=lambda e: e.code)
def test_every_message_is_recognised_by_its_english_text(entry: messages.Entry) -> None:
    values = _sample(entry)
    text = entry.en.format(**values)
    assert messages.code_of(text) == entry.code
    assert messages.message_text(text, "zh") == entry.zh.format(**values)
    assert messages.message_text(text, "en") == text


@pytest.mark.parametrize("hint", messages.HINTS, ids=lambda h: h.en[:40])
def test_every_hint_is_recognised(hint: messages.Phrase) -> None:
    values = {name: f"x{n}y" for n, name in enumerate(messages.fields_of(hint.en))}
    assert messages.hint_text(hint.en.format(**values), "zh") == hint.zh.format(**values)


@pytest.mark.parametrize("piece", messages.FRAGMENTS, ids=lambda h: h.en[:40])
def test_every_fragment_is_recognised(piece: messages.Phrase) -> None:
    values = {name: f"x{n}y" for n, name in enumerate(messages.fields_of(piece.en))}
    assert messages.hint_text(piece.en.format(**values), "zh") == piece.zh.format(**values)


def test_what_tighten_only_refuses_is_translated() -> None:
    text = (
        "policy tighten-only: 'a.b' loosens its threshold on x.y: >= 0.85 → >= 0.8 "
        "(lets more villages pass) (was 'x.y >= 0.85' in henan-rural@2022.1)"
    )
    assert messages.code_of(text) == "SR408"
    assert messages.message_text(text, "zh") == (
        "policy tighten-only（只许从严）：'a.b' 放宽了 x.y 的门槛：>= 0.85 → >= 0.8"
        "（会让更多村通过）（原为 henan-rural@2022.1 中的 'x.y >= 0.85'）"
    )


def test_a_nested_message_gives_its_code_and_is_translated_too() -> None:
    text = "in 'a ＞ 1': unexpected '＞' (not ASCII)"
    assert messages.code_of(text) == "SR302"
    assert messages.message_text(text, "zh") == "表达式 'a ＞ 1' 有误：'＞' 不是半角（ASCII）字符"
    assert messages.code_of("in 'a': something new") == "SR300"


def test_did_you_mean_lists_choices_in_chinese() -> None:
    hint = "did you mean 'stars' or 'starrules'?"
    assert messages.hint_text(hint, "zh") == "是不是想写 'stars' 或 'starrules'？"


# -- Problem: the code and the rendering, compatible with what callers had -------------------


def test_a_problem_finds_its_code_and_compares_as_before() -> None:
    where = Location("r.yaml", 3, 1)
    problem = Problem(where, "unknown key 'stras'", "did you mean 'stars'?")
    assert problem.code == "SR201"
    assert problem == Problem(where, "unknown key 'stras'", "did you mean 'stars'?", "SR999")
    assert str(problem) == "r.yaml:3:1: unknown key 'stras' (did you mean 'stars'?)"
    assert problem.render("en") == "r.yaml:3:1: [SR201] unknown key 'stras' (did you mean 'stars'?)"
    assert problem.render("zh") == "r.yaml:3:1: [SR201] 未知的键 'stras'（是不是想写 'stars'？）"
    assert hash(problem) == hash(Problem(where, "unknown key 'stras'", "did you mean 'stars'?"))


def test_an_uncatalogued_problem_keeps_its_english_text_and_the_generic_code() -> None:
    problem = Problem(Location("r.yaml"), "something nobody catalogued", "a hint nobody knew")
    assert problem.code == messages.GENERIC
    assert problem.render("zh") == (
        "r.yaml: [SR900] something nobody catalogued（a hint nobody knew）"
    )


# -- YAML text: tabs, full-width colons, indentation ----------------------------------------


def _problems(text: str) -> list[Problem]:
    with pytest.raises(RulesetError) as info:
        parse_yaml(text, "f.yaml")
    return list(info.value.problems)


def test_a_full_width_colon_is_reported_on_its_own_line() -> None:
    (problem,) = _problems("a: 1\nb： 2\nc: 3\n")
    assert problem.location == Location("f.yaml", 2, 2)
    assert problem.code == "SR103"
    assert "'b'" in problem.message and problem.hint is not None and "'b: '" in problem.hint


def test_a_full_width_colon_without_a_space_and_a_tab_on_one_line() -> None:
    found = _problems("a:\n\tb：1\n")
    assert [(p.location.line, p.location.column, p.code) for p in found] == [
        (2, 1, "SR102"),
        (2, 3, "SR103"),
    ]


def test_a_full_width_colon_in_text_is_left_alone() -> None:
    text = "a: 说明：这样\nb: |\n  说明：这样\nc:\n  - 说明：这样\nd: [1\n"
    assert [p.code for p in _problems(text)] == ["SR100"]


def test_a_mended_document_is_recovered_with_its_problems() -> None:
    doc = parse_yaml("a:\n\tb: 1\n\tc: 'x'\n", "f.yaml", recover=True)
    assert doc.data == {"a": {"b": 1, "c": "x"}}
    assert [p.location for p in doc.problems] == [
        Location("f.yaml", 2, 1),
        Location("f.yaml", 3, 1),
    ]
    # places in the file as written: the tab is one character
    assert doc.location(("a", "c")) == Location("f.yaml", 3, 5)


def test_wrong_indentation_gets_a_hint() -> None:
    (problem,) = _problems("a:\n  b: 1\n c: 2\n")
    assert problem.code == "SR100"
    assert problem.hint is not None and "indentation" in problem.hint
    assert "缩进" in problem.render("zh")


# -- Chinese names of stars and indicators -------------------------------------------------


def test_did_you_mean_over_chinese_names() -> None:
    names = {"industry": ["产业兴旺星"], "ecology": ["生态宜居星"]}
    assert did_you_mean_named("产业兴旺星", names) == (
        "did you mean 'industry'? write the id, not the Chinese name"
    )
    assert did_you_mean_named("产业兴旺", names) is not None
    assert did_you_mean_named("industry", names) is None
    assert did_you_mean_named("平安法治星", names) is None


def test_an_indicator_written_by_its_chinese_label_gets_its_path() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    assert "industry.collective_income" in text
    broken = text.replace("industry.collective_income", "村集体经济年收入", 1)
    with pytest.raises(RulesetError) as info:
        loads_ruleset(broken, "m.yaml")
    (problem,) = info.value.problems
    assert problem.code == "SR304"
    assert problem.hint is not None and "'industry.collective_income'" in problem.hint


@pytest.mark.parametrize(
    ("test", "code", "zh"),
    [
        (
            "industry.collective_income 不低于 100000",
            "SR305",
            "此处不应出现 '不低于'（把 '不低于' 写成 '>='）",
        ),
        (
            "industry.collective_income >= 100000元",
            "SR304",
            "表达式里不能有字符 '元'（表达式里不写单位：去掉 '元'，只写数字）",
        ),
        (
            "industry.collective_income >= 100,000",
            "SR305",
            "此处不应出现 ','（数字不加千位分隔符：写作 100000）",
        ),
        (
            "industry.collective_income >= 100，000",
            "SR302",
            "'，' 不是半角（ASCII）字符（数字不加千位分隔符：写作 100000）",
        ),
    ],
)
def test_a_test_written_as_the_standard_words_it_gets_the_expressions_spelling(
    test: str, code: str, zh: str
) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    broken = text.replace("test: industry.collective_income >= 100000", f"test: {test}", 1)
    assert broken != text
    with pytest.raises(RulesetError) as info:
        loads_ruleset(broken, "m.yaml")
    (problem,) = info.value.problems
    assert problem.code == code
    assert problem.render("zh").endswith(zh), problem.render("zh")


def test_a_required_star_written_by_its_chinese_name_gets_its_id() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "requires: [industry, ecology]", "requires: [产业兴旺星, ecology]"
    )
    with pytest.raises(RulesetError) as info:
        loads_ruleset(text, "m.yaml")
    (problem,) = info.value.problems
    assert problem.code == "SR204"
    assert problem.hint is not None and "'industry'" in problem.hint
    assert problem.render("zh").endswith("（是不是想写 'industry'？这里要写 id，不是中文名称）")


def test_a_veto_added_to_a_star_by_its_chinese_name(tmp_path: Path) -> None:
    text = FOUR.read_text(encoding="utf-8")
    head = text[: text.index("override:")].replace("kind：", "kind:")
    overlay = head + (
        "add_veto:\n  生态宜居:\n    - id: ecology.demo-veto\n"
        "      test: ecology.garbage_system == false\n      text: {zh: 演示, en: demo}\n"
    )
    with pytest.raises(RulesetError) as info:
        loads_ruleset(overlay, "v.yaml", registry=Registry.default())
    (problem,) = info.value.problems
    assert problem.code == "SR402"
    assert problem.hint == "did you mean 'ecology'? write the id, not the Chinese name"


def test_problems_survive_pickling_with_their_code() -> None:
    problem = Problem(Location("r.yaml", 1, 2), "unknown star 'x'", None)
    again = pickle.loads(pickle.dumps(problem))
    assert again == problem and again.code == "SR405"


# -- no traceback, whatever the text ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\t\t\n",
        "a：\n",
        "：\n",
        "- ：\n",
        "a:\n\t- b：\n\t\t- c\n",
        "a: |\n\tb：\n",
        "a:\r\tb： 1\r",
        "a:\n\tb: [1\n",
        "a：b：c：\n",
    ],
)
def test_odd_text_gives_problems_not_tracebacks(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    for lang in ("zh", "en"):
        code, lines, err = lint(capsys, "--lang", lang, str(path))
        assert code in (1, 2)
        assert "Traceback" not in "\n".join(lines) + err
        assert all(re.match(r".*:\d+:\d+: \[SR\d{3}\] ", line) for line in lines), lines


# -- the docs table is the catalogue -------------------------------------------------------

BEGIN = "<!-- begin: generated from src/starrules/messages/ by tests/test_messages.py -->\n"
END = "<!-- end -->\n"


@pytest.mark.parametrize(("page", "lang"), [("docs/errors.md", "en"), ("docs/errors.zh.md", "zh")])
def test_the_error_code_tables_are_the_catalogue(page: str, lang: messages.Lang) -> None:
    path = ROOT / page
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    if os.environ.get("STARRULES_DOCS_UPDATE") == "1":  # as for tests/test_docs.py
        path.write_text(text[:start] + messages.table(lang) + text[end:], encoding="utf-8")
        return
    assert text[start:end] == messages.table(lang), (
        f"{page} differs from the catalogue: run this test with STARRULES_DOCS_UPDATE=1"
    )


# -- every message, coded or recognised: both languages, unique codes, Chinese words ------------

EVERY_ENTRY = [*messages.CATALOGUE, *messages.CODED]

# What may stay in Latin letters in a Chinese text: identifiers (keys, functions, names of
# the command line, file formats and encodings) and names of things.
IDENTIFIERS = {
    "ASCII", "Arrow", "CSV", "DataFrame", "EVENTS", "Excel", "FunctionSpec", "GB", "GBK", "JSON",
    "JSONL", "KB", "MiB", "NUL", "PDF", "Parquet", "Tab", "UTF", "WPS", "YAML", "cn", "count",
    "county", "extends", "false", "gb", "gbk", "henan", "id", "json", "jsonl", "known", "levels",
    "null", "openpyxl", "pandas", "points", "polars", "policy", "pyarrow", "rural", "starrules",
    "stars", "tighten", "township", "true", "utf", "version", "village", "x",
}  # fmt: skip


def _latin_words(zh: str) -> list[str]:
    """The Latin words of a Chinese template, leaving out its fields, anything quoted or in
    backticks, options (--lang), and paths, ids and expressions (a.b, x_y, a/b, a@b …)."""
    text = re.sub(r"\{[a-z_]*\}", " ", zh)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", " ", text)
    text = re.sub(r"\S*[._/@<>=\\]\S*", " ", text)
    text = re.sub(r"--?[a-z][\w-]*", " ", text)
    return re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text)


def test_every_entry_has_a_unique_code_in_its_range() -> None:
    codes = [entry.code for entry in EVERY_ENTRY]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    prefixes = {prefix for prefix, _, _ in messages.RANGES}
    assert all(re.fullmatch(r"SR[0-9]{3}", c) and c[:3] in prefixes for c in codes)
    assert messages.GENERIC not in codes
    assert {c[:3] for c in codes} >= {"SR1", "SR2", "SR3", "SR4", "SR5", "SR6", "SR7"}


@pytest.mark.parametrize("entry", messages.CODED, ids=lambda e: e.code)
def test_every_coded_message_formats_in_both_languages(entry: messages.Entry) -> None:
    assert _fields(entry.en) == _fields(entry.zh)
    assert set(entry.nested) <= _fields(entry.en)
    values = {name: f"<{name}>" for name in _fields(entry.en)}
    assert messages.english(entry.code, values) == entry.en.format(**values)
    assert messages.localized(entry.code, values, "zh") == entry.zh.format(**values)
    assert messages.localized(entry.code, values, "en") == entry.en.format(**values)
    assert HAN.search(entry.zh) or not HAN.search(entry.en) or entry.code == "SR600"


@pytest.mark.parametrize(
    "item", [*EVERY_ENTRY, *messages.HINTS, *messages.FRAGMENTS], ids=lambda i: i.en[:40]
)
def test_chinese_texts_leave_no_english_words_but_identifiers(
    item: messages.Entry | messages.Phrase,
) -> None:
    assert set(_latin_words(item.zh)) <= IDENTIFIERS, item.zh


def test_the_check_for_english_words_finds_them() -> None:
    assert _latin_words("{value} is not 数字") == ["is", "not"]
    assert _latin_words("'{key}' 不是等级（写作 五星）; use --lang en") == ["use", "en"]
    assert _latin_words("村庄 '{name}' 在 cn-henan/anyang 辖区外；extra.x_y 未定义") == []


def test_a_coded_problem_reads_as_before_in_english_and_is_translated() -> None:
    both = messages.Both("rate", "比率")
    problem = Problem.coded(
        Location("v.jsonl", 2), "SR574", name="x", path="extra.a", value="'y'", kind=both
    )
    assert str(problem) == "v.jsonl:2: village 'x': extra.a = 'y' is not a valid rate"
    assert problem.code == "SR574" and problem.values is not None
    assert problem.line("en") == str(problem) + " [SR574]"
    assert problem.line("zh") == "v.jsonl:2: 村庄 'x'：extra.a = 'y' 不是有效的比率 [SR574]"
    assert problem.render("zh") == "v.jsonl:2: [SR574] 村庄 'x'：extra.a = 'y' 不是有效的比率"
    again = pickle.loads(pickle.dumps(problem))
    assert again == problem and again.line("zh") == problem.line("zh")


def test_an_error_without_a_code_is_found_by_its_text_after_its_place() -> None:
    text = (
        "v.jsonl:3: no rural ruleset in force on 2019-01-01 for cn-x or any jurisdiction above "
        "it; known:\n  a\n  b"
    )
    assert messages.error_text(text, "en") == text.replace("known:", "known: [SR580]", 1)
    assert messages.error_text(text, "zh").startswith(
        "v.jsonl:3: 2019-01-01 没有对 cn-x 或其上级辖区生效的 农村 规则集；已知： [SR580]\n  a"
    )
    assert messages.error_text("nobody said this", "zh") == "nobody said this [SR900]"


LE = {"type": "less_than_equal", "msg": "Input should be less than or equal to 1"}
KIND = {"type": "literal_error", "msg": "Input should be 'rural' or 'urban_community'"}
CODE = {"type": "string_pattern_mismatch", "msg": "String should match pattern '^[0-9]{12}$'"}


@pytest.mark.parametrize(
    ("error", "zh"),
    [
        ({**LE, "ctx": {"le": 1.0}}, "应小于或等于 1"),
        (
            {**KIND, "ctx": {"expected": "'rural' or 'urban_community'"}},
            "应为 'rural' 或 'urban_community'",
        ),
        ({**CODE, "ctx": {"pattern": "^[0-9]{12}$"}}, "应为 12 位数字的统计用区划代码"),
        ({"type": "something_new", "msg": "Input should be a valid integer"}, "应为整数"),
        ({"type": "something_new", "msg": "Nobody knows"}, "Nobody knows"),
    ],
)  # fmt: skip
def test_pydantic_errors_are_worded_in_chinese_by_type(error: dict[str, object], zh: str) -> None:
    said = messages.validation_detail(error)
    assert said.en == error["msg"] and said.zh == zh


# -- the package: a core module, its facade the one way in --------------------------------------


def test_the_messages_package_imports_nothing_else_of_starrules() -> None:
    """A core module (the lowest layer): every other module may import it, so it imports none
    of them, not even errors."""
    import ast

    package = ROOT / "src" / "starrules" / "messages"
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level in (0, 1), (path.name, node.module)
                assert node.level == 1 or not (node.module or "").startswith("starrules"), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("starrules") for a in node.names), path


def test_the_facade_exports_every_name_it_had() -> None:
    assert sorted(messages.__all__) == sorted(
        [
            "CATALOGUE",
            "CODED",
            "FRAGMENTS",
            "GENERIC",
            "HINTS",
            "RANGES",
            "Both",
            "Entry",
            "Lang",
            "Phrase",
            "aside",
            "code_of",
            "english",
            "entry",
            "error_line",
            "error_text",
            "fields_of",
            "hint_in",
            "hint_text",
            "localized",
            "message_text",
            "problem_count",
            "render",
            "table",
            "validation_detail",
            "value_kind",
            "values_of",
            "village_kind",
        ]
    )
    assert all(hasattr(messages, name) for name in messages.__all__)


# -- YAML syntax errors and pydantic's words in a Chinese message ------------------------------

YAML_MISTAKES = [
    "a: [1, 2\nb: 3\n",
    "a: {x: 1\nb: 3\n",
    'a: "abc\n',
    "a: 'abc\n",
    "a: *nope\n",
    "a: &x 1\nb: &x 2\n",
    'a: "\\q"\n',
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
]


def _untranslated(problem: Problem) -> list[str]:
    """The Latin words of a problem's Chinese text that are neither identifiers nor keys."""
    keys = {"all", "any", "at_least", "min_points", "test", "text", "type", "kind"}
    return [w for w in _latin_words(problem.text("zh")) if w not in IDENTIFIERS | keys]


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize("text", YAML_MISTAKES)
def test_a_yaml_syntax_error_reads_in_chinese(
    text: str, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if loader == "python":
        monkeypatch.setattr(yaml_parse, "Loader", yaml_compose.PythonLoader)
    with pytest.raises(RulesetError) as info:
        yaml_parse.parse_yaml(text, "f.yaml")
    (problem,) = info.value.problems
    assert problem.code == "SR100"
    assert not _untranslated(problem), problem.text("zh")


@pytest.mark.parametrize(
    "name",
    [
        "schema-bad-kind.yaml",
        "schema-indicator-bad-type.yaml",
        "schema-item-neither.yaml",
        "compile-test-village-bad-field.yaml",
        "yaml-syntax-error.yaml",
    ],
)
def test_pydantic_and_yaml_words_in_a_ruleset_problem_read_in_chinese(name: str) -> None:
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(ROOT / "tests" / "fixtures" / "broken" / name)
    for problem in info.value.problems:
        assert not _untranslated(problem), problem.text("zh")
