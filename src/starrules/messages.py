"""The message catalogue: what a ruleset author or a data clerk is told, in English and
Chinese, by code.

Every message has a stable code, shown with it (`[SR301]`) so that it can be searched for.
The codes are grouped in ranges:

- SR1xx  the YAML text of a file (syntax, tabs, full-width colons, encoding, limits)
- SR2xx  the structure of a ruleset (unknown and missing keys, types, ids, points)
- SR3xx  expressions (characters, tokens, names, types)
- SR4xx  overlays and references (extends, add, override, remove, stars, sources)
- SR5xx  villages and input files (village fields, JSON, spreadsheets, targets files, what
  a ruleset refuses to judge)
- SR6xx  the command line (usage errors, and the commands' own refusals)
- SR7xx  what `starrules check` finds
- SR9xx  other; SR900 is every message not catalogued yet: its English text is shown in
  both languages

Two ways to a code. A ruleset problem keeps the English text it was made with (callers and
tests read it). The catalogue's English template (`CATALOGUE`), read as a pattern,
recognises that text and gives back its fields, which fill the Chinese template: so a
problem found anywhere gets its code and its Chinese text without each place that finds
one having to change. A field listed in `nested` holds another message (an expression's
problem inside "in '<test>': …"), which is looked up in turn: its code, the more specific,
is the problem's code. Hints are looked up the same way, in `HINTS`, and pieces of messages
(PyYAML's, pydantic's, click's and Python's wording) in `FRAGMENTS`.

The messages of villages, input files and the command line are given their code where they
are raised (`Problem.coded`, `StarrulesError.of`), with their values: `CODED` holds those
whose English is too general to be recognised ("{field}: {detail}"); a value may be a
`Both`, worded in each language by the code that raises it. An error's `render(lang)` gives
each line as `place: message (hint) [SR501]`: the code last, so that the English text
reads as it always has.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]  # the same as i18n.Lang, without importing pydantic here

GENERIC = "SR900"

RANGES: tuple[tuple[str, str, str], ...] = (
    ("SR1", "the YAML text of a file", "文件的 YAML 文本"),
    ("SR2", "the structure of a ruleset", "规则集的结构"),
    ("SR3", "expressions", "表达式"),
    ("SR4", "overlays and references", "叠加层和引用"),
    ("SR5", "villages and input files", "村庄数据和输入文件"),
    ("SR6", "the command line", "命令行"),
    ("SR7", "property checks (`starrules check`)", "性质检查（`starrules check`）"),
    ("SR9", "other", "其他"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One message: its code, English and Chinese templates (str.format fields)."""

    code: str
    en: str
    zh: str
    nested: tuple[str, ...] = ()  # fields that hold a message of their own
    fields: Mapping[str, str] = field(default_factory=dict)  # a field's regex, if not .+?


@dataclass(frozen=True, slots=True)
class Phrase:
    """A hint or a fragment: English and Chinese templates, without a code."""

    en: str
    zh: str
    nested: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)


_PATH = {"field": r"[\w.\-]+|\(top level\)"}

CATALOGUE: tuple[Entry, ...] = (
    # -- SR1xx: the YAML text -------------------------------------------------------------
    Entry("SR100", "YAML syntax error: {detail}", "YAML 语法错误：{detail}", ("detail",)),
    Entry("SR101", "YAML error: {detail}", "YAML 错误：{detail}"),
    Entry(
        "SR102",
        "YAML syntax error: a tab in the indentation",
        "YAML 语法错误：缩进里有 Tab 字符",
    ),
    Entry(
        "SR103",
        "YAML syntax error: a full-width colon '：' after the key '{key}'",
        "YAML 语法错误：键 '{key}' 后面是全角冒号 '：'",
    ),
    Entry("SR104", "the file is empty", "文件是空的"),
    Entry("SR105", "a ruleset must be a mapping", "规则集文件必须是一个映射（键: 值）"),
    Entry("SR106", "the document is nested too deeply", "文档嵌套太深"),
    Entry("SR107", "duplicate key '{key}'", "重复的键 '{key}'"),
    Entry("SR108", "merge keys ('<<') are not supported", "不支持合并键（'<<'）"),
    Entry("SR109", "keys must be text, not {value}", "键必须是文本，不能是 {value}"),
    Entry(
        "SR110",
        "tag {tag} is not allowed; a ruleset holds plain data only and nothing in it is "
        "ever executed",
        "不允许使用标签 {tag}：规则集只含普通数据，其中任何内容都不会被执行",
    ),
    Entry("SR111", "tag '{tag}' does not fit a list", "标签 '{tag}' 不适用于列表"),
    Entry("SR112", "tag '{tag}' does not fit a mapping", "标签 '{tag}' 不适用于映射"),
    Entry("SR113", "tag '{tag}' does not fit a scalar value", "标签 '{tag}' 不适用于单个值"),
    Entry("SR114", "the number {number} is too large", "数字 {number} 太大"),
    Entry("SR115", "{value} is not a whole number", "{value} 不是整数"),
    Entry("SR116", "{value} is not a number", "{value} 不是数字"),
    Entry("SR117", "{value} is not yes/no (true or false)", "{value} 不是“是/否”（true 或 false）"),
    Entry("SR118", "{value} is not a valid date", "{value} 不是有效日期"),
    Entry("SR119", "{value} is not a finite number", "{value} 不是有限的数字"),
    Entry(
        "SR120",
        "the text contains {char}, which is not a printable character",
        "文本中有不可打印的字符 {char}",
    ),
    Entry("SR121", "the file contains {char}, which is not text", "文件中有非文本字符 {char}"),
    Entry("SR122", "the file is larger than {size} MiB", "文件超过 {size} MiB"),
    Entry(
        "SR123",
        "the file is not UTF-8 text (it may be GBK); save it as UTF-8",
        "文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8",
    ),
    Entry("SR124", "no such file", "文件不存在"),
    Entry("SR125", "cannot read the file: {reason}", "无法读取文件：{reason}"),
    Entry("SR126", "this is a folder, not a file", "这是文件夹，不是文件"),
    Entry(
        "SR127",
        "not a regular file (a pipe, a device or a socket): only files are read",
        "不是普通文件（管道、设备或套接字）：只读取文件",
    ),
    Entry(
        "SR128",
        "the file is too large: it holds more than {count} values",
        "文件太大：其中的值超过 {count} 个",
    ),
    Entry(
        "SR129",
        "the value is longer than {count} characters",
        "这个值超过 {count} 个字符",
    ),
    Entry(
        "SR130",
        "the file is nested more than {count} levels deep",
        "文件嵌套超过 {count} 层",
    ),
    Entry(
        "SR131",
        "the document is too large: its aliases expand it to more than {count} values",
        "文档太大：别名展开后超过 {count} 个值",
    ),
    Entry(
        "SR132",
        "the alias {alias} refers to the value that contains it",
        "别名 {alias} 引用了包含它自身的值",
    ),
    Entry("SR133", "{value} is not a valid value", "{value} 不是有效的值"),
    # -- SR2xx: the structure of a ruleset ------------------------------------------------
    Entry("SR201", "unknown key '{key}'", "未知的键 '{key}'"),
    Entry(
        "SR202",
        "missing required key '{key}' in {parent}",
        "{parent} 中缺少必需的键 '{key}'",
        fields={"parent": r"[\w.\-]+"},
    ),
    Entry("SR203", "missing required key '{key}'", "缺少必需的键 '{key}'"),
    Entry(
        "SR204",
        "{value} is not valid: use {usage}",
        "{value} 不合格式：应为{usage}",
        ("usage",),
    ),
    Entry(
        "SR205",
        "this file is format {value}; this starrules reads format 1",
        "这个文件的格式版本是 {value}；本版 starrules 只读格式 1",
    ),
    Entry("SR206", "{field}: {detail}", "{field}：{detail}", ("detail",), _PATH),
    Entry(
        "SR207",
        "'{key}' needs 'extends': it changes another ruleset",
        "'{key}' 需要配合 'extends' 使用：它修改的是另一个规则集",
    ),
    Entry("SR208", "stars: at least 1 star is needed", "stars：至少要有 1 颗星"),
    Entry(
        "SR209",
        "'{key}' is a standard indicator; only 'extra.*' indicators are declared",
        "'{key}' 是标准指标；只有 'extra.*' 指标需要声明",
    ),
    Entry(
        "SR210",
        "indicator '{key}' must be named 'extra.<name>' (lowercase letters, digits, _)",
        "指标 '{key}' 必须命名为 'extra.<名称>'（小写字母、数字、_）",
    ),
    Entry("SR211", "duplicate source id '{id}'", "重复的来源 id '{id}'"),
    Entry(
        "SR212",
        "duplicate star id '{id}' (first used at {first})",
        "重复的星 id '{id}'（第一次出现在 {first}）",
    ),
    Entry(
        "SR213",
        "duplicate id '{id}' (first used at {first})",
        "重复的 id '{id}'（第一次出现在 {first}）",
    ),
    Entry(
        "SR214",
        "points only count inside a min_points group",
        "分值（points）只在 min_points 组里才算数",
    ),
    Entry("SR215", "a veto has no points", "否决项没有分值"),
    Entry(
        "SR216",
        "'{id}' needs 'points' inside a min_points group",
        "'{id}' 在 min_points 组里，需要写 'points'",
    ),
    Entry(
        "SR217",
        "at_least {needed} of only {count} items can never pass",
        "只有 {count} 项却要求至少 {needed} 项（at_least），永远不能通过",
    ),
    Entry(
        "SR218",
        "min_points {needed} is more than the {total} points available",
        "min_points {needed} 超过了可得的总分 {total}",
    ),
    Entry("SR219", "duplicate level value {value}", "重复的等级值 {value}"),
    Entry(
        "SR220",
        "stars require each other in a cycle: {cycle}",
        "星之间的前提要求形成了循环：{cycle}",
    ),
    Entry("SR221", "star '{id}' requires itself", "星 '{id}' 以自己为前提"),
    Entry(
        "SR222",
        "test village: {field}: {detail}",
        "测试村庄：{field}：{detail}",
        ("detail",),
        _PATH,
    ),
    # -- SR3xx: expressions ---------------------------------------------------------------
    Entry("SR300", "in '{expr}': {detail}", "表达式 '{expr}' 有误：{detail}", ("detail",)),
    Entry("SR301", "unknown indicator '{name}'", "未知的指标 '{name}'"),
    Entry("SR302", "unexpected {run} (not ASCII)", "{run} 不是半角（ASCII）字符"),
    Entry("SR303", "unexpected digit {char} (not ASCII)", "数字 {char} 不是半角（ASCII）数字"),
    Entry("SR304", "unexpected character {char}", "表达式里不能有字符 {char}"),
    Entry("SR305", "unexpected {token}", "此处不应出现 {token}"),
    Entry("SR306", "unterminated string", "字符串缺少结尾的引号"),
    Entry("SR307", "malformed number {text}", "数字格式不对：{text}"),
    Entry("SR308", "the expression is empty", "表达式是空的"),
    Entry(
        "SR309",
        "the expression is too long (more than {count} names, numbers and operators)",
        "表达式太长（名称、数字和运算符超过 {count} 个）",
    ),
    Entry("SR310", "unknown function '{name}'", "未知的函数 '{name}'"),
    Entry("SR311", "'{name}' is not available here", "这里不能用 '{name}'"),
    Entry(
        "SR312",
        "the expression must be {expected}, got {got}",
        "表达式的结果应为 {expected}，实际是 {got}",
    ),
    Entry("SR313", "the expression is nested too deeply", "表达式嵌套太深"),
    Entry("SR314", "unknown name {name}", "未知的名称 {name}"),
    Entry("SR315", "the list is empty", "列表是空的"),
    Entry("SR316", "list items must be constants", "列表项必须是常量"),
    Entry("SR317", "cannot compare {left} with {right}", "{left} 不能和 {right} 比较"),
    Entry(
        "SR318",
        "a {kind} can only be compared with a number",
        "{kind} 只能和数字比较",
    ),
    Entry("SR319", "{where} needs {want}, got {got}", "{where} 需要 {want}，实际是 {got}"),
    Entry(
        "SR320",
        "{function}() takes {count} argument(s), got {got}",
        "{function}() 需要 {count} 个参数，实际有 {got} 个",
    ),
    Entry(
        "SR321",
        "{function}() takes at least {count} arguments, got {got}",
        "{function}() 至少需要 {count} 个参数，实际有 {got} 个",
    ),
    Entry(
        "SR322",
        "points() is only available in levels",
        "points() 只能在等级（levels）里使用",
    ),
    Entry(
        "SR323",
        "count() is only available in levels",
        "count() 只能在等级（levels）里使用",
    ),
    Entry(
        "SR324",
        "count() needs 'stars' or yes/no values",
        "count() 需要 'stars' 或“是/否”值",
    ),
    Entry(
        "SR325",
        "points() takes the id of a min_points group in quotes",
        "points() 的参数是加引号的 min_points 组 id",
    ),
    Entry("SR326", "no min_points group '{group}'", "没有 min_points 组 '{group}'"),
    Entry(
        "SR327",
        "{expected}, found {found}",
        "{expected}，实际是 {found}",
        ("expected", "found"),
        {"expected": r"expected .+?"},
    ),
    Entry("SR328", "there is no {name}", "没有 {name} 这个值"),
    Entry(
        "SR329",
        "cannot compare a {kind} with {other}",
        "{kind} 不能和 {other} 比较",
    ),
    Entry("SR330", "'{op}' needs numbers, got {got}", "'{op}' 需要数字，实际是 {got}"),
    Entry(
        "SR331",
        "cannot look for {item} in a list of {kind}",
        "不能在 {kind} 的列表里找 {item}",
    ),
    Entry("SR332", "list items must all have one type", "列表项的类型必须相同"),
    Entry(
        "SR333",
        "the expression is nested more than {count} levels deep",
        "表达式嵌套超过 {count} 层",
    ),
    Entry(
        "SR334",
        "the expressions of this file hold more than {count} names, numbers and operators in all",
        "这个文件的表达式中，名称、数字和运算符总共超过 {count} 个",
    ),
    # -- SR4xx: overlays and references ---------------------------------------------------
    Entry(
        "SR401",
        "cannot add to '{key}': no such star or group",
        "无法添加到 '{key}'：没有这个星或组",
    ),
    Entry(
        "SR402",
        "cannot add a veto to '{key}': no such star",
        "无法给 '{key}' 添加否决项：没有这颗星",
    ),
    Entry(
        "SR403",
        "cannot override '{id}': no such criterion, group or veto in the base",
        "无法修改 '{id}'：基础规则集中没有这个指标项、组或否决项",
    ),
    Entry(
        "SR404",
        "cannot remove '{id}': no such criterion, group, veto or star",
        "无法删除 '{id}'：没有这个指标项、组、否决项或星",
    ),
    Entry("SR405", "unknown star '{id}'", "未知的星 '{id}'"),
    Entry("SR406", "unknown source '{id}'", "未知的来源 '{id}'"),
    Entry("SR407", "unknown criterion '{id}'", "未知的指标项 '{id}'"),
    Entry(
        "SR408",
        "policy tighten-only: {detail}",
        "policy tighten-only（只许从严）：{detail}",
        ("detail",),
    ),
    Entry(
        "SR409",
        "extends '{extends}' matches no ruleset; known: {known}",
        "extends '{extends}' 找不到对应的规则集；已知：{known}",
    ),
    Entry(
        "SR410",
        "{wanted} is neither a version nor a version range",
        "{wanted} 既不是版本号，也不是版本范围",
    ),
    Entry(
        "SR411",
        "this file extends '{extends}': load it with its base, e.g. Registry.from_paths([...]) "
        "or load_ruleset(path, registry=...)",
        "这个文件扩展了 '{extends}'：要和它的基础规则集一起加载，例如 "
        "Registry.from_paths([...]) 或 load_ruleset(path, registry=...)",
    ),
    Entry(
        "SR412",
        "an overlay keeps the id of the family it extends: '{family}', not '{id}'",
        "叠加层沿用所扩展规则集的 id：应为 '{family}'，不是 '{id}'",
    ),
    Entry(
        "SR413",
        "kind '{kind}' differs from the base's '{base}'",
        "类型 '{kind}' 与基础规则集的 '{base}' 不同",
    ),
    Entry(
        "SR414",
        "'{jurisdiction}' is not {base} or below it: an overlay applies within its base's "
        "jurisdiction",
        "'{jurisdiction}' 不是 {base} 或其下级：叠加层只适用于基础规则集的辖区之内",
    ),
    Entry(
        "SR415",
        "star '{id}' already exists in the base",
        "基础规则集中已有星 '{id}'",
    ),
    Entry("SR416", "group '{id}' has no items left", "组 '{id}' 已经没有任何项"),
    Entry(
        "SR418",
        "'{id}' is already overridden by {layer} at the same level ({jurisdiction}); extend "
        "the ruleset below it instead",
        "'{id}' 已被同级（{jurisdiction}）的 {layer} 修改过；请改为扩展它下面的规则集",
    ),
    Entry(
        "SR419",
        "'{id}' is a criterion: it has no at_least or min_points",
        "'{id}' 是指标项：没有 at_least 或 min_points",
    ),
    Entry("SR420", "'{id}' is a group: it has no {keys}", "'{id}' 是组：没有 {keys}"),
    Entry(
        "SR421",
        "'{id}' is an '{rule}' group, not '{wanted}'",
        "'{id}' 是 '{rule}' 组，不是 '{wanted}' 组",
    ),
    Entry(
        "SR422",
        "star '{id}' requires '{required}', which this overlay removes",
        "星 '{id}' 以 '{required}' 为前提，而这个叠加层删除了它",
    ),
    Entry(
        "SR423",
        "level {level} uses '{name}'; replace the levels too",
        "等级 {level} 用到了 '{name}'；请同时替换等级（levels）",
    ),
    Entry(
        "SR424",
        "group '{id}' needs {needed} of only {count} items",
        "组 '{id}' 要求 {needed} 项，却只有 {count} 项",
    ),
    Entry(
        "SR425",
        "group '{id}' needs {needed} points of only {total}",
        "组 '{id}' 要求 {needed} 分，却总共只有 {total} 分",
    ),
    Entry(
        "SR426",
        "'{path}' is already declared differently by the base",
        "基础规则集已对 '{path}' 作了不同的声明",
    ),
    Entry(
        "SR427",
        "source '{id}' is already declared by the base with another title",
        "基础规则集已声明来源 '{id}'，标题不同",
    ),
    Entry(
        "SR428",
        "'{jurisdiction}' is not within the jurisdiction of {bases}, which '{extends}' names: "
        "an overlay applies within its base's jurisdiction",
        "'{jurisdiction}' 不在 '{extends}' 所指的 {bases} 的辖区之内："
        "叠加层只适用于基础规则集的辖区",
    ),
    Entry(
        "SR417",
        "'{extends}' is part of a cycle of overlays extending each other",
        "'{extends}' 处在互相扩展的叠加层循环中",
    ),
    # -- SR5xx raised outside the readers, recognised by their text ------------------------
    Entry(
        "SR580",
        "no {kind} ruleset in force on {date} for {jurisdiction} or any jurisdiction above it; "
        "known:{listing}",
        "{date} 没有对 {jurisdiction} 或其上级辖区生效的 {kind} 规则集；已知：{listing}",
        ("kind",),
    ),
    Entry(
        "SR581",
        "{count} {kind} rulesets are in force on {date} for {jurisdiction}: {families}; keep "
        "one family per jurisdiction and kind (a new version replaces an old one)",
        "{date} 对 {jurisdiction} 同时生效的 {kind} 规则集有 {count} 个：{families}；每个辖区和"
        "村庄类型只保留一个规则集系列（新版本替换旧版本）",
        ("kind",),
    ),
    Entry(
        "SR582",
        "{file} is not in force on {date} ({periods})",
        "{file} 在 {date} 不生效（{periods}）",
    ),
    Entry(
        "SR583",
        "township {township} is in {count} counties of the input ({counties}): add `county:` "
        "to say which",
        "乡镇 {township} 在输入数据的 {count} 个县中都有（{counties}）：加上 `county:` 指明是哪个",
    ),
    # the monitor's events (`starrules monitor`)
    Entry(
        "SR590",
        "event dated {date} for village '{village}' comes after its event of {earlier}; events "
        "for a village must be in date order",
        "村庄 '{village}' 的事件日期 {date} 早于它的上一个事件（{earlier}）；"
        "同一个村的事件必须按日期排列",
    ),
    Entry(
        "SR591",
        "village '{name}': no date: give it `as_of`, or give the monitor (or `add`) the date "
        "its data describe",
        "村庄 '{name}' 没有日期：请给出 `as_of`，或告诉监测（或 `add`）数据所描述的日期",
    ),
    Entry(
        "SR592",
        "village '{key}' is already monitored (villages are keyed by code, else by name, so both "
        "must be unique)",
        "村庄 '{key}' 已在监测中（村庄按代码、没有代码时按名称区分，所以二者都必须唯一）",
    ),
    Entry(
        "SR593",
        "village: no monitored village '{key}' ({hint})",
        "village：没有在监测的村庄 '{key}'（{hint}）",
        ("hint",),
    ),
    Entry(
        "SR594",
        "village: no monitored village '{key}'",
        "village：没有在监测的村庄 '{key}'",
    ),
    Entry(
        "SR595",
        "village: {count} monitored villages are named '{key}' ({keys}); use the code",
        "village：有 {count} 个在监测的村庄都叫 '{key}'（{keys}）；请用代码",
    ),
    Entry(
        "SR596",
        "an event must be a JSON object, not {type}",
        "事件必须是一个 JSON 对象，不能是 {type}",
    ),
    # -- SR6xx: the command line, recognised by their text ----------------------------------
    Entry(
        "SR640",
        "an .xlsx workbook is binary: write it to a file with -o FILE.xlsx (or redirect)",
        ".xlsx 工作簿是二进制文件：请用 -o FILE.xlsx 写入文件（或重定向输出）",
    ),
    Entry(
        "SR641",
        "an .xlsx workbook is binary: write it to a file with -o FILE.xlsx",
        ".xlsx 工作簿是二进制文件：请用 -o FILE.xlsx 写入文件",
    ),
    Entry("SR642", "{file}: cannot write the file: {reason}", "{file}：无法写入文件：{reason}"),
    Entry("SR643", "{file}: no villages in the file", "{file}：文件中没有村庄"),
    Entry(
        "SR644",
        "{file} holds {count} villages; choose one with --village (e.g. {names})",
        "{file} 中有 {count} 个村庄；请用 --village 选一个（例如 {names}）",
    ),
    Entry(
        "SR645",
        "no village named or coded '{which}' in {file}; {hint}",
        "{file} 中没有名称或代码为 '{which}' 的村庄；{hint}",
        ("hint",),
    ),
    Entry(
        "SR646",
        "no village named or coded '{which}' in {file}",
        "{file} 中没有名称或代码为 '{which}' 的村庄",
    ),
    Entry(
        "SR647",
        "'{fingerprint}' is not a fingerprint (8 to 64 hex digits, e.g. from a record)",
        "'{fingerprint}' 不是指纹（8 到 64 位十六进制数字，例如取自一条记录）",
    ),
    Entry(
        "SR648",
        "no ruleset has fingerprint {fingerprint}; give the folder of others with --rulesets",
        "没有指纹为 {fingerprint} 的规则集；其他规则集请用 --rulesets 给出所在文件夹",
    ),
    Entry(
        "SR649",
        "no ruleset has fingerprint {fingerprint}",
        "没有指纹为 {fingerprint} 的规则集",
    ),
    Entry(
        "SR650",
        "fingerprint {fingerprint} is ambiguous: {names}; give more of it",
        "指纹 {fingerprint} 不唯一：{names}；请多给几位",
    ),
    Entry(
        "SR651",
        "give the EVENTS file (JSONL, '-' for stdin), or --capabilities",
        "请给出 EVENTS 文件（JSONL，'-' 表示标准输入），或用 --capabilities",
    ),
    Entry(
        "SR652",
        "the bundled rulesets are missing from this installation; reinstall starrules",
        "这个安装中缺少自带的规则集；请重新安装 starrules",
    ),
    # click's words for a mistake on the command line
    Entry("SR601", "No such option '{option}'.", "没有这个选项 '{option}'"),
    Entry("SR602", "No such command '{name}'.", "没有这个命令 '{name}'"),
    Entry("SR603", "Missing argument {param}.", "缺少参数 {param}"),
    Entry("SR604", "Missing option {param}.", "缺少选项 {param}"),
    Entry(
        "SR605",
        "Invalid value for {param}: {detail}",
        "{param} 的值无效：{detail}",
        ("detail",),
    ),
    Entry("SR606", "Got unexpected extra {what} ({args})", "多出了{what}（{args}）", ("what",)),
    Entry("SR607", "Option '{option}' requires an argument.", "选项 '{option}' 需要一个值。"),
    Entry("SR608", "Option '{option}' does not take a value.", "选项 '{option}' 不接受值。"),
    Entry(
        "SR609",
        "Option '{option}' requires {count} arguments.",
        "选项 '{option}' 需要 {count} 个值。",
    ),
    # -- SR7xx: what `starrules check` finds, recognised by their text ---------------------
    Entry(
        "SR701",
        "improving {path} ({worse} → {better}, better: {direction}) loses star '{star}'",
        "改善 {path}（{worse} → {better}，{direction}）反而失去星 '{star}'",
        ("direction",),
    ),
    Entry(
        "SR702",
        "improving {path} ({worse} → {better}) lowers the level",
        "改善 {path}（{worse} → {better}）反而降低了等级",
    ),
    Entry(
        "SR703",
        "filling in {filled} flips a decided outcome",
        "补上 {filled} 后，一个已确定的结果变了",
    ),
    Entry(
        "SR704",
        "filling in {filled} changes star '{star}' from {was} to {now}",
        "补上 {filled} 后，星 '{star}' 从 {was} 变为 {now}",
        ("was", "now"),
    ),
    Entry(
        "SR705",
        "filling in {filled} moves the level outside its earlier range",
        "补上 {filled} 后，等级超出了原先的范围",
    ),
    Entry(
        "SR706",
        "star '{star}' is granted by {ruleset} but {status} under its parent",
        "星 '{star}' 按 {ruleset} 获得，按其上级规则却是 {status}",
        ("status",),
    ),
    Entry(
        "SR707",
        "level {value}'s condition holds but level {lower}'s does not: the levels do not nest",
        "等级 {value} 的条件成立，等级 {lower} 的却不成立：等级没有逐级包含",
    ),
    Entry(
        "SR708",
        "the level is not the number of granted stars",
        "等级不等于获得的星数",
    ),
    Entry("SR709", "Σ levels {levels} ≠ Σ stars {stars}", "等级之和 {levels} ≠ 星数之和 {stars}"),
    Entry(
        "SR710",
        "two evaluations of the same village differ",
        "同一个村两次评定的结果不同",
    ),
    Entry(
        "SR711",
        "star '{star}' is never {status}: no village among the best, the worst and {count} "
        "searched ones",
        "星 '{star}' 永远不会{status}：最好的、最差的以及搜索过的 {count} 个村都不行",
        ("status",),
    ),
    Entry(
        "SR712",
        "with PYTHONHASHSEED={seed} another process computes fingerprint {printed}, not "
        "{fingerprint}",
        "PYTHONHASHSEED={seed} 时，另一个进程算出的指纹是 {printed}，不是 {fingerprint}",
    ),
    Entry(
        "SR713",
        "checking {ruleset} ({check}) failed in a worker process: {detail}",
        "在工作进程中检查 {ruleset}（{check}）失败：{detail}",
    ),
)

# Messages given by their code where they are raised (Problem.coded, StarrulesError.of):
# their English text may be as general as "{field}: {detail}", so it is not looked up.
CODED: tuple[Entry, ...] = (
    # -- SR5xx: village files (JSON, JSONL) and any input file ------------------------------
    Entry("SR500", "{field}: {detail}", "{field}：{detail}", ("detail",)),
    Entry("SR501", "{field}: unknown field", "{field}：未知的字段"),
    Entry(
        "SR502",
        "a village must be a JSON object, not {type}",
        "村庄必须是一个 JSON 对象，不能是 {type}",
    ),
    Entry("SR503", "no such file", "文件不存在"),
    Entry("SR504", "cannot read the file: {reason}", "无法读取文件：{reason}"),
    Entry("SR505", "is a directory, not a file", "这是文件夹，不是文件"),
    Entry(
        "SR506",
        "not a regular file (a pipe or a device may never end)",
        "不是普通文件（管道或设备可能永远读不完）",
    ),
    Entry("SR507", "not UTF-8 text ({detail})", "不是 UTF-8 文本（{detail}）", ("detail",)),
    Entry("SR508", "invalid JSON: {detail}", "JSON 格式错误：{detail}", ("detail",)),
    Entry("SR509", "cannot read: {reason}", "无法读取：{reason}"),
    # -- spreadsheets (CSV, .xlsx) ----------------------------------------------------------
    Entry("SR510", "unknown column {header}", "未知的列 {header}"),
    Entry(
        "SR511",
        "{header} could name {paths}: use the path",
        "{header} 可能指 {paths}：请写指标路径",
    ),
    Entry(
        "SR512",
        "{header} names the same column ({path}) as column {column} ({other})",
        "{header} 与第 {column} 列（{other}）是同一列（{path}）",
    ),
    Entry(
        "SR513",
        "no column for {path} ({zh} / {en}): every village needs one",
        "缺少 {path}（{zh} / {en}）这一列：每个村都要有",
    ),
    Entry("SR514", "{column}: {detail}", "{column}：{detail}", ("detail",)),
    Entry(
        "SR515",
        "cell {cell}: a value in a column with no header ({value})",
        "单元格 {cell}：这一列没有表头，却填了值（{value}）",
    ),
    Entry(
        "SR516",
        "to {action} .xlsx files starrules needs openpyxl: {extra}",
        "{action} .xlsx 文件需要 openpyxl：{extra}",
    ),
    Entry(
        "SR517",
        "neither UTF-8 nor GBK (GB18030) text (byte {byte}); name the file's encoding with "
        "--encoding",
        "既不是 UTF-8 也不是 GBK（GB18030）文本（第 {byte} 个字节）；"
        "请用 --encoding 指明文件的编码",
    ),
    Entry(
        "SR518",
        "not {encoding} text (byte {byte}); name the file's encoding with --encoding, or leave "
        "it out to detect it",
        "不是 {encoding} 文本（第 {byte} 个字节）；请用 --encoding 指明文件的编码，"
        "或不写以自动识别",
    ),
    Entry(
        "SR519",
        "unknown encoding '{encoding}' (e.g. utf-8, gbk, gb18030)",
        "未知的编码 '{encoding}'（例如 utf-8、gbk、gb18030）",
    ),
    Entry("SR520", "cannot read the row: {detail}", "无法读取这一行：{detail}"),
    Entry("SR521", "not {encoding} text ({detail})", "不是 {encoding} 文本（{detail}）"),
    Entry(
        "SR522",
        "not an Excel workbook (.xlsx) ({reason})",
        "不是 Excel 工作簿（.xlsx）（{reason}）",
    ),
    Entry("SR523", "the workbook has no worksheet", "工作簿里没有工作表"),
    Entry("SR524", "cannot read the workbook ({reason})", "无法读取工作簿（{reason}）"),
    Entry(
        "SR525",
        "an old Excel .xls file cannot be read; save it as .xlsx (or CSV) in Excel or WPS and "
        "read that",
        "无法读取旧版 Excel .xls 文件；请在 Excel 或 WPS 中另存为 .xlsx（或 CSV）再读取",
    ),
    Entry("SR526", "{path}: {detail}", "{path}：{detail}", ("detail",)),
    # -- targets files (plans) --------------------------------------------------------------
    Entry(
        "SR530",
        "a targets file is .yaml, .yml or .csv, not '{suffix}'",
        "目标文件应为 .yaml、.yml 或 .csv，不能是 '{suffix}'",
    ),
    Entry(
        "SR531",
        "a targets file is a mapping with 'targets:'",
        "目标文件应是一个含 'targets:' 的映射",
    ),
    Entry(
        "SR532",
        "'targets' is missing: a list of targets",
        "缺少 'targets'：应为目标的列表",
    ),
    Entry("SR533", "'targets' is a list of targets", "'targets' 应为目标的列表"),
    Entry("SR534", "no targets in the list", "列表中没有目标"),
    Entry("SR535", "'title' is text", "'title' 应为文本"),
    Entry("SR536", "unknown key '{key}'", "未知的键 '{key}'"),
    Entry("SR537", "unknown key '{key}'; known: {known}", "未知的键 '{key}'；可用的键：{known}"),
    Entry(
        "SR538",
        "a target is a mapping (township or county, levels, share_3_plus)",
        "目标应是一个映射（township 或 county、levels、share_3_plus）",
    ),
    Entry(
        "SR539",
        "'county' and 'jurisdiction' say the same thing: give one",
        "'county' 和 'jurisdiction' 是一回事：只写一个",
    ),
    Entry(
        "SR540",
        "a target names a township or a county (jurisdiction path)",
        "目标要写明乡镇或县（辖区路径）",
    ),
    Entry(
        "SR541",
        "'levels' maps levels to villages",
        "'levels' 应是从等级到村数的映射",
    ),
    Entry(
        "SR542",
        "'{key}' is not a level (write 五星, 5星 or 5)",
        "'{key}' 不是等级（写作 五星、5星 或 5）",
    ),
    Entry(
        "SR543",
        "level 0 (no star) is not something to plan for",
        "等级 0（无星）不能作为目标",
    ),
    Entry(
        "SR544",
        "{value} is not a number of villages (a whole number, 0 or more)",
        "{value} 不是村数（应为 0 或更大的整数）",
    ),
    Entry(
        "SR545",
        "{value} is not a share: write 0.6129 or 61.29%",
        "{value} 不是占比：写作 0.6129 或 61.29%",
    ),
    Entry(
        "SR546",
        "no goal: give 'levels' (villages per level) or 'share_3_plus'",
        "没有目标值：请给出 'levels'（各等级村数）或 'share_3_plus'",
    ),
    Entry("SR547", "{value} is not a name", "{value} 不是名称"),
    Entry(
        "SR548",
        "a second target for {target} (the first is at line {line})",
        "{target} 的第二个目标（第一个在第 {line} 行）",
    ),
    Entry("SR549", "the file is larger than {size} MiB", "文件超过 {size} MiB"),
    Entry(
        "SR550",
        "the file is not UTF-8 text (it may be GBK); save it as UTF-8 (in Excel: CSV UTF-8)",
        "文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8（Excel 中选“CSV UTF-8”）",
    ),
    Entry("SR551", "the file is empty", "文件是空的"),
    Entry("SR552", "not a valid CSV file: {detail}", "不是有效的 CSV 文件：{detail}"),
    Entry(
        "SR553",
        "column {column} '{name}' repeats column {first}",
        "第 {column} 列 '{name}' 与第 {first} 列重复",
    ),
    Entry(
        "SR554",
        "column {column} '{name}' repeats the county column",
        "第 {column} 列 '{name}' 与县的列重复",
    ),
    Entry(
        "SR555",
        "column {column} '{name}' is not a known column{suggestion}: township / 乡镇, county / "
        "县, levels (五星 … 一星, or 5 … 1), share_3_plus / 三星及以上占比",
        "第 {column} 列 '{name}' 不是已知的列{suggestion}：township / 乡镇、county / 县、"
        "等级（五星 … 一星，或 5 … 1）、share_3_plus / 三星及以上占比",
    ),
    Entry(
        "SR556",
        "no column names the township or county (乡镇 / 县)",
        "没有写明乡镇或县的列（乡镇 / 县）",
    ),
    Entry(
        "SR557",
        "{count} cells, but the header has {columns} columns",
        "有 {count} 个单元格，但表头只有 {columns} 列",
    ),
    Entry(
        "SR558",
        "column {column} ({header}): '{value}' is not a number of villages (a whole number, 0 "
        "or more)",
        "第 {column} 列（{header}）：'{value}' 不是村数（应为 0 或更大的整数）",
    ),
    Entry(
        "SR559",
        "column {column} ({header}): '{value}' is not a share: write 0.6129 or 61.29%",
        "第 {column} 列（{header}）：'{value}' 不是占比：写作 0.6129 或 61.29%",
    ),
    Entry(
        "SR560",
        "no goal: no planned villages and no share in this row",
        "没有目标值：这一行既没有计划村数，也没有占比",
    ),
    Entry(
        "SR561",
        "no targets: the file has a header and no rows",
        "没有目标：文件只有表头，没有数据行",
    ),
    # -- what a ruleset refuses to judge (Program.check) -----------------------------------
    Entry(
        "SR570",
        "village '{name}' is {kind}, but ruleset {ruleset} is for {expected}",
        "村庄 '{name}' 的类型是 {kind}，而规则集 {ruleset} 适用于 {expected}",
    ),
    Entry(
        "SR571",
        "village '{name}' is in {jurisdiction}, outside {scope} where ruleset {ruleset} applies",
        "村庄 '{name}' 在 {jurisdiction}，不在规则集 {ruleset} 适用的 {scope} 辖区内",
    ),
    Entry(
        "SR572",
        "ruleset {ruleset} is not in force on {date} (effective {start} to {until})",
        "规则集 {ruleset} 在 {date} 不生效（有效期 {start} 至 {until}）",
    ),
    Entry(
        "SR573",
        "village '{name}': indicator '{path}' is not declared by ruleset {ruleset}{suggestion}"
        "{declared}",
        "村庄 '{name}'：规则集 {ruleset} 没有定义指标 '{path}'{suggestion}{declared}",
    ),
    Entry(
        "SR574",
        "village '{name}': {path} = {value} is not a valid {kind}",
        "村庄 '{name}'：{path} = {value} 不是有效的{kind}",
    ),
    Entry(
        "SR575",
        "{file}: no ruleset resolves from this file",
        "{file}：这个文件得不出任何规则集",
    ),
    # -- the columnar engine: Arrow tables, Parquet files, and what it cannot run ------------
    Entry(
        "SR562",
        "the villages' table cannot be read as Arrow: {detail}",
        "村庄表无法读作 Arrow 表：{detail}",
    ),
    Entry(
        "SR563",
        "villages must be a pyarrow.Table, a polars or pandas DataFrame, not {type}",
        "村庄数据必须是 pyarrow.Table，或 polars、pandas 的 DataFrame，不能是 {type}",
    ),
    Entry(
        "SR564",
        "the villages' table has the column {column} twice",
        "村庄表中列 {column} 出现了两次",
    ),
    Entry(
        "SR565",
        "column '{column}' is neither an indicator of ruleset {ruleset} nor one of {identity}"
        "{suggestion}",
        "列 '{column}' 既不是规则集 {ruleset} 的指标，也不是 {identity} 之一{suggestion}",
    ),
    Entry(
        "SR566",
        "column '{path}': indicator '{path}' is not declared by ruleset {ruleset}{suggestion}"
        "{declared}",
        "列 '{path}'：规则集 {ruleset} 没有定义指标 '{path}'{suggestion}{declared}",
    ),
    Entry(
        "SR567",
        "column '{path}' must hold yes/no values (booleans), not {type}",
        "列 '{path}' 必须是“是/否”值（布尔值），不能是 {type}",
    ),
    Entry(
        "SR568",
        "column '{path}' must hold text, not {type}",
        "列 '{path}' 必须是文本，不能是 {type}",
    ),
    Entry(
        "SR569",
        "column '{path}' must hold numbers ({kind}), not {type}",
        "列 '{path}' 必须是数字（{kind}），不能是 {type}",
    ),
    Entry(
        "SR584",
        "column '{path}' cannot be read as numbers: {detail}",
        "列 '{path}' 无法读作数字：{detail}",
    ),
    Entry(
        "SR585",
        "row {row}: column '{path}': {value} is not {domain} ({kind}){more}",
        "第 {row} 行：列 '{path}'：{value} 不是{domain}（{kind}）{more}",
    ),
    Entry(
        "SR586",
        "row {row}: the village is {value}, but the ruleset is for {expected}{more} "
        "(ruleset {ruleset})",
        "第 {row} 行：村庄的类型是 {value}，而规则集适用于 {expected}{more}（规则集 {ruleset}）",
    ),
    Entry(
        "SR587",
        "row {row}: the village is in {value}, outside {scope} where it applies{more} "
        "(ruleset {ruleset})",
        "第 {row} 行：村庄在 {value}，不在规则集适用的 {scope} 辖区内{more}（规则集 {ruleset}）",
    ),
    Entry(
        "SR588",
        "column 'as_of' must hold dates, not times of day",
        "列 'as_of' 必须是日期，不能带时刻",
    ),
    Entry(
        "SR589",
        "column 'as_of' must hold dates like 2023-12-31: {detail}",
        "列 'as_of' 必须是 2023-12-31 这样的日期：{detail}",
    ),
    Entry(
        "SR597",
        "column 'as_of' must hold dates (date32 or 'YYYY-MM-DD' text), not {type}",
        "列 'as_of' 必须是日期（`date32` 或 'YYYY-MM-DD' 文本），不能是 {type}",
    ),
    Entry("SR598", "not a readable Parquet file: {detail}", "不是可读的 Parquet 文件：{detail}"),
    Entry(
        "SR599",
        "column '{column}' is neither an indicator path (section.name) nor an identity column "
        "(name, jurisdiction, kind, …)",
        "列 '{column}' 既不是指标路径（section.name），也不是身份列（`name`、`jurisdiction`、"
        "`kind` 等）",
    ),
    Entry(
        "SR527",
        "the village needs a jurisdiction and a kind",
        "村庄必须给出辖区（`jurisdiction`）和类型（`kind`）",
    ),
    Entry(
        "SR528",
        "the input files' columns do not fit together: {detail}",
        "各输入文件的列对不上：{detail}",
    ),
    Entry(
        "SR576",
        "function {name}() has no vectorised form, so the columnar engine cannot run this "
        "ruleset: give its FunctionSpec `vectorized=` (a function of pyarrow arrays), or rate "
        "these villages with the row engine (evaluate)",
        "函数 {name}() 没有向量化形式，列式引擎无法运行这个规则集：请给它的 FunctionSpec 加上 "
        "`vectorized=`（一个作用于 pyarrow 数组的函数），或者用逐行引擎（`evaluate`）评定这些村庄",
    ),
    Entry(
        "SR577",
        "function {name}() failed on a batch of {count} villages: {detail}",
        "函数 {name}() 在一批 {count} 个村庄上出错：{detail}",
    ),
    Entry(
        "SR578",
        "ruleset {ruleset} calls {names}(), which this process does not have: pass the "
        "functions it was loaded with (functions=...)",
        "规则集 {ruleset} 调用了 {names}()，而这个进程中没有这些函数：请传入加载规则集时用的函数"
        "（functions=...）",
    ),
    Entry(
        "SR579",
        "group '{group}': its points are too fine-grained for the columnar engine (their "
        "common denominator is too large): use the row engine",
        "分组 '{group}'：它的分值对列式引擎来说太精细（公分母太大）：请用逐行引擎",
    ),
    # -- SR6xx: the command line ------------------------------------------------------------
    Entry("SR600", "{detail}", "{detail}", ("detail",)),
    Entry(
        "SR610",
        "an argument holds a NUL character (\\x00)",
        "有一个参数含有 NUL 字符（\\x00）",
    ),
    Entry("SR611", "aborted", "已中止"),
    Entry(
        "SR620",
        "no ruleset files (*.yaml) found in {paths}",
        "在 {paths} 中没有找到规则集文件（*.yaml）",
    ),
    Entry("SR621", "no test cases found in {paths}", "在 {paths} 中没有找到测试用例"),
    Entry(
        "SR622",
        "write the template to a .csv or .xlsx file",
        "模板只能写入 .csv 或 .xlsx 文件",
    ),
    Entry("SR623", "holds no ruleset", "其中没有规则集"),
    Entry(
        "SR624",
        "'{ref}' is neither a ruleset file nor a jurisdiction like cn-henan/anyang/tangyin",
        "'{ref}' 既不是规则集文件，也不是辖区（如 cn-henan/anyang/tangyin）",
    ),
    Entry("SR625", "no ruleset for '{ref}'{suggestion}", "没有 '{ref}' 的规则集{suggestion}"),
    Entry(
        "SR626",
        "no ruleset for '{ref}' (known: {known})",
        "没有 '{ref}' 的规则集（已知：{known}）",
    ),
    # the columnar engine on the command line
    Entry(
        "SR653",
        "the columnar engine needs {module}, which is not installed: {install}",
        "列式引擎需要 {module}，但它没有安装：{install}",
    ),
    Entry(
        "SR654",
        "--engine columns needs pyarrow: {install}",
        "`--engine columns` 需要 pyarrow：{install}",
    ),
    Entry(
        "SR655",
        "--engine columns gives {formats}, not --format {format}: use --engine rows for it",
        "`--engine columns` 只给出 {formats}，不给出 `--format {format}`：请改用 `--engine rows`",
    ),
    Entry(
        "SR656",
        "--format parquet comes from the columnar engine: use --engine columns",
        "`--format parquet` 由列式引擎给出：请用 `--engine columns`",
    ),
)

HINTS: tuple[Phrase, ...] = (
    Phrase("did you mean {choices}?", "是不是想写 {choices}？"),
    Phrase(
        "did you mean {choices}? write the id, not the Chinese name",
        "是不是想写 {choices}？这里要写 id，不是中文名称",
    ),
    Phrase(
        "indent with spaces: YAML does not allow tabs in indentation",
        "用空格缩进，不要用 Tab：YAML 的缩进不允许 Tab",
    ),
    Phrase(
        "write a half-width colon and a space: '{key}: '",
        "改用半角冒号加空格：'{key}: '",
    ),
    Phrase(
        "check the indentation: the keys of one mapping, and the '-' of one list, start in "
        "the same column",
        "检查缩进：同一层的键、同一个列表的 '-' 要从同一列开始",
    ),
    Phrase("use {ascii} instead of {run}", "用半角的 {ascii} 代替 {run}"),
    Phrase("use ASCII digits: {number}", "用半角数字：{number}"),
    Phrase(
        "write numbers in digits: 10万 is 100000 or 100_000",
        "数字用阿拉伯数字写：10万 写作 100000 或 100_000",
    ),
    Phrase("use 'and'", "用 'and'"),
    Phrase("use 'or'", "用 'or'"),
    Phrase("use 'not'", "用 'not'"),
    Phrase("use '==' to compare", "比较相等用 '=='"),
    Phrase(
        "there is no '%' operator; write rates as 0 to 1 (85% is 0.85)",
        "没有 '%' 运算符；比率写成 0 到 1 之间的小数（85% 写作 0.85）",
    ),
    Phrase(
        "group digits with single underscores, e.g. 100_000",
        "数字分组只能用单个下划线，例如 100_000",
    ),
    Phrase(
        "comparisons do not chain: write 'a < b and b < c'",
        "比较不能连写：写成 'a < b and b < c'",
    ),
    Phrase(
        "an operator ('and', 'or', '>=' …) is missing",
        "缺少运算符（'and'、'or'、'>=' 等）",
    ),
    Phrase(
        "split it into several criteria in a group",
        "把它拆成一个组里的几个指标项",
    ),
    Phrase(
        "stars.<id> and count(stars) can only be used in levels",
        "stars.<id> 和 count(stars) 只能在等级（levels）里使用",
    ),
    Phrase("use count(stars) or stars.<id>", "用 count(stars) 或 stars.<id>"),
    Phrase("e.g. {example}", "例如 {example}"),
    Phrase("compare it, e.g. {example}", "要写成比较，例如 {example}"),
    Phrase("numbers are written without quotes", "数字不加引号"),
    Phrase(
        "absence is unknown; test it with known(x)",
        "缺失就是未知；用 known(x) 判断是否已知",
    ),
    Phrase("use '==' or '!='", "用 '==' 或 '!='"),
    Phrase("split it into several criteria", "把它拆成几个指标项"),
    Phrase("numbers must be within ±1.8e308", "数字必须在 ±1.8e308 之内"),
    Phrase("a large ruleset holds a few thousand", "大的规则集也只有几千个值"),
    Phrase("a ruleset holds short texts and expressions", "规则集里只有较短的文本和表达式"),
    Phrase("declare it under 'sources:'", "在 'sources:' 下声明它"),
    Phrase("declare it under 'indicators:'", "在 'indicators:' 下声明它"),
    Phrase(
        "it belongs to another kind of entry: check the keys next to it",
        "这个键属于别的条目：检查它旁边的键",
    ),
    Phrase('quote it: version: "{value}"', '加上引号：version: "{value}"'),
    Phrase(
        "quote it: unquoted yes/no/on/off/true/false are read as true or false",
        "加上引号：不加引号的 yes/no/on/off/true/false 会被读成 true 或 false",
    ),
    Phrase("numbers in a ruleset must be within ±1.8e308", "规则集中的数字必须在 ±1.8e308 之内"),
    Phrase("remove it or the escape that makes it", "删除它，或删除产生它的转义"),
    Phrase(
        "delete it; it often comes from copying out of a PDF or a word processor",
        "删除它；它常常是从 PDF 或文字处理软件复制过来的",
    ),
    Phrase("a ruleset file is a few dozen KB", "规则集文件一般只有几十 KB"),
    Phrase(
        'write e.g. extends: "henan-rural@2022.1" or "henan-rural@>=2022.1,<2024"',
        '例如写成 extends: "henan-rural@2022.1" 或 "henan-rural@>=2022.1,<2024"',
    ),
    # villages and input files
    Phrase("one of: {choices}", "可选：{choices}"),
    Phrase(
        "name an indicator by its path or its Chinese or English label; a header starting "
        "with # marks a column to ignore",
        "表头写指标路径或其中文、英文名称；以 # 开头的表头表示忽略这一列",
    ),
)

FRAGMENTS: tuple[Phrase, ...] = (
    # PyYAML's and libyaml's words for common syntax errors
    Phrase(
        "while scanning a simple key could not find expected ':'",
        "找不到键后面应有的冒号 ':'",
    ),
    Phrase(
        "while parsing a block mapping did not find expected key",
        "映射中这里应该是一个键（多半是缩进不对）",
    ),
    Phrase(
        "while parsing a block collection did not find expected '-' indicator",
        "列表中这里应该是 '-'（多半是缩进不对）",
    ),
    Phrase("mapping values are not allowed here", "这里不能出现 '键: 值'"),
    Phrase("mapping values are not allowed in this context", "这里不能出现 '键: 值'"),
    Phrase(
        "while scanning for the next token found character that cannot start any token",
        "这个字符不能出现在这里",
    ),
    Phrase(
        "while scanning a plain scalar found a tab character that violates indentation",
        "Tab 字符破坏了缩进",
    ),
    # the expression parser's words
    Phrase("expected '{text}'", "应为 '{text}'"),
    Phrase("expected a value, a name or '('", "应为值、名称或 '('"),
    Phrase("the end of the expression", "表达式结尾"),
    # what policy tighten-only refuses (inside SR408)
    Phrase(
        "removing '{id}' lets villages in that the base keeps out",
        "删除 '{id}' 会让基础规则集挡住的村通过",
    ),
    Phrase("new stars can raise a village's level", "新增的星可能提高村的等级"),
    Phrase(
        "replacing the levels cannot be checked to be stricter",
        "替换等级（levels）无法验证是否更严",
    ),
    Phrase(
        "adding to the '{rule}' group '{id}' gives villages more ways to pass",
        "往 '{rule}' 组 '{id}' 里添加项，会让村有更多方式通过",
    ),
    Phrase("'{id}' would earn more points ({old} → {new})", "'{id}' 的分值会变多（{old} → {new}）"),
    Phrase("'{id}' would earn more points", "'{id}' 的分值会变多"),
    Phrase("'{id}' would need {new} instead of {old}", "'{id}' 的要求会从 {old} 降为 {new}"),
    Phrase(
        "'{id}' {change} (was '{old}' in {layer})",
        "'{id}' {change}（原为 {layer} 中的 '{old}'）",
        ("change",),
    ),
    Phrase(
        "loosens its threshold on {subject}: {old} → {new} (lets more villages pass)",
        "放宽了 {subject} 的门槛：{old} → {new}（会让更多村通过）",
    ),
    Phrase(
        "loosens its threshold on {subject}: {old} → {new} (lets more villages escape the veto)",
        "放宽了 {subject} 的门槛：{old} → {new}（会让更多村躲过否决）",
    ),
    Phrase(
        "turns the bound on {subject} around ({old} → {new})",
        "把 {subject} 的比较方向反过来了（{old} → {new}）",
    ),
    Phrase(
        "changes its test to '{test}', which cannot be shown to be at least as strict; keep the "
        "form '<indicator> <op> <number>' or '<old test> and …'",
        "把条件改成了 '{test}'，无法证明它至少一样严；请保持 '<指标> <运算符> <数字>' "
        "或 '<原条件> and …' 的形式",
    ),
    # pydantic's words for wrong values
    Phrase("Input should be a valid string", "应为文本（字符串）"),
    Phrase("Input should be a valid integer", "应为整数"),
    Phrase("Input should be a valid number", "应为数字"),
    Phrase("Input should be a valid boolean", "应为 true 或 false"),
    Phrase("Input should be a valid list", "应为列表"),
    Phrase("Input should be a valid dictionary", "应为映射（键: 值）"),
    Phrase("Field required", "缺少这个键"),
    Phrase(
        "expected a date like 2022-05-01, without a time of day",
        "应为日期，如 2022-05-01，不带时间",
    ),
    Phrase("'until' is before 'from'", "'until' 早于 'from'"),
    # what an id looks like (schema problems)
    Phrase(
        "a star id: lowercase letters, digits and '_'",
        "星 id：小写字母、数字和 '_'",
    ),
    Phrase(
        "a ruleset id: lowercase letters, digits and '-', e.g. henan-rural",
        "规则集 id：小写字母、数字和 '-'，例如 henan-rural",
    ),
    Phrase(
        "lowercase letters, digits, '.', '-' and '_', e.g. industry.collective-income",
        "小写字母、数字、'.'、'-' 和 '_'，例如 industry.collective-income",
    ),
    Phrase(
        "lowercase ids joined by '/', province first, e.g. cn-henan/nanyang/xixia",
        "用 '/' 连接的小写 id，省在前，例如 cn-henan/nanyang/xixia",
    ),
    Phrase(
        'digits and dots, in quotes, e.g. version: "2023.1"',
        '加引号的数字和点，例如 version: "2023.1"',
    ),
    Phrase(
        "a source id: lowercase letters, digits, '.', '-' and '_'",
        "来源 id：小写字母、数字、'.'、'-' 和 '_'",
    ),
    # words inside the messages of villages, input files and checks
    Phrase("rural", "农村"),
    Phrase("urban_community", "城市社区"),
    Phrase("granted", "获得"),
    Phrase("denied", "未获得"),
    Phrase("undetermined", "待定"),
    Phrase("higher", "越高越好"),
    Phrase("lower", "越低越好"),
    Phrase("argument", "参数"),
    Phrase("arguments", "参数"),
    # a cell that cannot hold its indicator's kind (spreadsheets)
    Phrase("{value} is not a number", "{value} 不是数字"),
    Phrase("a yes/no cell is not a number", "“是/否”单元格不是数字"),
    Phrase("a date or time cell is not a number", "日期或时间单元格不是数字"),
    Phrase("{value}: a percentage is only for rates", "{value}：百分数只能用于比率"),
    Phrase("{value} is not a whole number", "{value} 不是整数"),
    Phrase("{value} is not yes/no ({words})", "{value} 不是“是/否”（{words}）"),
    Phrase("{value} is not a code", "{value} 不是代码"),
    Phrase(
        "{value} is not a kind: rural (农村) or urban_community (城市社区)",
        "{value} 不是村庄类型：rural（农村）或 urban_community（城市社区）",
    ),
    Phrase(
        "{value} is a date and time; give the date only",
        "{value} 是日期加时间；只写日期",
    ),
    Phrase("{value} is not a date like 2022-12-31", "{value} 不是日期（格式如 2022-12-31）"),
    Phrase("{value} is not a valid date ({reason})", "{value} 不是有效日期（{reason}）"),
    Phrase("required, but the cell is empty", "必填，但单元格是空的"),
    Phrase(
        "must be a number, yes/no, text or null, not {type}",
        "应为数字、是/否、文本或 null，不能是 {type}",
    ),
    # JSON and UTF-8, as Python words them
    Phrase("Expecting value", "这里应有一个值"),
    Phrase(
        "Expecting property name enclosed in double quotes",
        "这里应有用双引号括起来的字段名",
    ),
    Phrase("Expecting ',' delimiter", "这里应有逗号 ','"),
    Phrase("Expecting ':' delimiter", "这里应有冒号 ':'"),
    Phrase("Extra data", "多余的内容"),
    Phrase("Unterminated string starting at", "字符串没有结尾的引号"),
    Phrase("Invalid control character at", "无效的控制字符"),
    Phrase("Invalid \\escape", "无效的转义 \\"),
    Phrase("Invalid \\uXXXX escape", "无效的 \\uXXXX 转义"),
    Phrase(
        "nested too deeply ({depth} levels of arrays and objects)",
        "嵌套太深（{depth} 层数组和对象）",
    ),
    Phrase("invalid start byte", "无效的起始字节"),
    Phrase("invalid continuation byte", "无效的后续字节"),
    Phrase("unexpected end of data", "数据意外结束"),
    Phrase("{reason} at byte {byte}", "{reason}，在第 {byte} 个字节", ("reason",)),
    # click's words for a bad value, and the commands' own
    Phrase("{value} is not one of {choices}.", "{value} 不是可选的值：{choices}。"),
    Phrase("{value} is not a valid integer.", "{value} 不是有效的整数。"),
    Phrase("{value} is not a valid integer range.", "{value} 不是有效的整数。"),
    Phrase("{value} is not a valid float.", "{value} 不是有效的数字。"),
    Phrase("{value} is not a valid float range.", "{value} 不是有效的数字。"),
    Phrase("{value} is not a valid boolean.", "{value} 不是有效的是/否值。"),
    Phrase("{value} is not in the range {range}.", "{value} 不在范围 {range} 内。"),
    Phrase("Path {path} does not exist.", "路径 {path} 不存在。"),
    Phrase("File {path} does not exist.", "文件 {path} 不存在。"),
    Phrase("Directory {path} does not exist.", "文件夹 {path} 不存在。"),
    Phrase("File {path} is a directory.", "{path} 是文件夹，不是文件。"),
    Phrase("Directory {path} is a file.", "{path} 是文件，不是文件夹。"),
    Phrase("Path {path} is not readable.", "无法读取 {path}。"),
    Phrase("File {path} is not readable.", "无法读取文件 {path}。"),
    Phrase("{value} is not a date like 2023-12-31", "{value} 不是日期（格式如 2023-12-31）"),
    Phrase("applies to --format json and jsonl only", "只适用于 --format json 和 jsonl"),
    Phrase("unknown check {names}; known: {known}", "未知的检查 {names}；可用的检查：{known}"),
)


# -- looking messages up ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    template: Entry | Phrase
    weight: int  # characters of literal text: the most specific template is tried first
    literals: tuple[str, ...]  # its pieces of literal text, in order
    head: str  # the literal text it starts with
    tail: str  # the literal text it ends with

    def match(self, text: str) -> re.Match[str] | None:
        # Cheap tests first: a problem is made (and looked up) for every mistake in a
        # file, and a file may hold thousands of them, each with a long expression.
        if not (text.startswith(self.head) and text.endswith(self.tail)):
            return None
        if not all(piece in text for piece in self.literals):
            return None
        return self.regex.match(text)


def _compile(item: Entry | Phrase) -> _Pattern:
    parts: list[str] = ["^"]
    literals: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(item.en):
        parts.append(re.escape(literal))
        if literal:
            literals.append(literal)
        if name:
            parts.append(f"(?P<{name}>{item.fields.get(name, '.+?')})")
    parts.append("$")
    pieces = list(string.Formatter().parse(item.en))
    head = pieces[0][0] if pieces else ""
    tail = pieces[-1][0] if pieces and pieces[-1][1] is None else ""
    return _Pattern(
        re.compile("".join(parts), re.DOTALL),
        item,
        sum(map(len, literals)),
        tuple(literals),
        head,
        tail,
    )


@functools.cache
def _patterns(kind: str) -> tuple[_Pattern, ...]:
    items: Iterable[Entry | Phrase] = FRAGMENTS
    if kind == "message":
        items = CATALOGUE
    elif kind == "hint":
        items = HINTS
    return tuple(sorted((_compile(i) for i in items), key=lambda p: -p.weight))


def _match(text: str, kind: str) -> tuple[Entry | Phrase, dict[str, str]] | None:
    for pattern in _patterns(kind):
        found = pattern.match(text)
        if found is not None:
            return pattern.template, found.groupdict()
    return None


def _translate(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    """(the text in `lang`, the code of its most specific catalogued message or None)."""
    if len(text) <= _CACHED:
        return _translate_cached(text, kinds, lang)
    return _translate_text(text, kinds, lang)


_CACHED = 4096  # characters: longer texts are not kept (the cache holds at most ~16 MB)


@functools.lru_cache(maxsize=4096)  # a file's mistakes often repeat one message
def _translate_cached(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    return _translate_text(text, kinds, lang)


def _translate_text(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    for kind in kinds:
        found = _match(text, kind)
        if found is None:
            continue
        item, values = found
        code = item.code if isinstance(item, Entry) else None
        for name in item.nested:
            inner, inner_code = _translate(values[name], _NESTED, lang)
            values[name] = inner
            code = inner_code or code
        if lang == "zh":
            if "choices" in values:
                values["choices"] = values["choices"].replace("' or '", "' 或 '")
            return item.zh.format(**values), code
        return item.en.format(**values), code
    return text, None


_NESTED = ("message", "fragment", "hint")  # what a nested field may hold


def values_of(message: str) -> dict[str, str]:
    """The values of a catalogued message's fields, read from its English text."""
    found = _match(message, "message")
    return found[1] if found is not None else {}


def code_of(message: str) -> str:
    """The code of a problem's English message; GENERIC when it is not catalogued."""
    return _translate(message, ("message",), "en")[1] or GENERIC


def message_text(message: str, lang: Lang) -> str:
    """A problem's English message in `lang` (unchanged when not catalogued)."""
    return message if lang == "en" else _translate(message, ("message",), lang)[0]


def hint_text(hint: str, lang: Lang) -> str:
    """A hint in `lang` (unchanged when not catalogued)."""
    return hint if lang == "en" else _translate(hint, ("hint", "fragment"), lang)[0]


def render(
    location: str, code: str, message: str, hint: str | None, lang: Lang, shown: str | None = None
) -> str:
    """`file:line:col: [SRnnn] message (hint)`, in `lang` (`shown`: the message already in
    `lang`)."""
    text = f"{location}: [{code}] {shown if shown is not None else message_text(message, lang)}"
    if hint:
        shown = hint_text(hint, lang)
        text += f"（{shown}）" if lang == "zh" else f" ({shown})"
    return text


# -- messages given by their code ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Both:
    """A value of a message given in both languages (a word, or a piece worded by the code
    that raises the message); in English text it is its English."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en


@functools.cache
def _by_code() -> dict[str, Entry]:
    return {entry.code: entry for entry in (*CATALOGUE, *CODED)}


def entry(code: str) -> Entry:
    """The catalogue's entry for a code (KeyError for an unknown code)."""
    return _by_code()[code]


def english(code: str, values: Mapping[str, object]) -> str:
    """The English text of the message `code` with its values."""
    return entry(code).en.format(**{k: str(v) for k, v in values.items()})


def localized(code: str, values: Mapping[str, object], lang: Lang) -> str:
    """The message `code` in `lang`: `Both` values in that language, and the fields that hold
    English text of their own (`nested`) translated where the catalogue knows it."""
    item = entry(code)
    if lang == "en":
        return english(code, values)
    shown: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, Both):
            shown[name] = value.zh
        elif name in item.nested:
            shown[name] = _translate(str(value), _NESTED, lang)[0]
        else:
            shown[name] = str(value)
    return item.zh.format(**shown)


def hint_in(hint: str, lang: Lang) -> str:
    """A hint in brackets after a message: ` (hint)`, or `（提示）` in Chinese."""
    shown = hint_text(hint, lang)
    return f"（{shown}）" if lang == "zh" else f" ({shown})"


def aside(hint: str | None) -> Both:
    """A hint in brackets inside a message's text (` (did you mean …?)`), or nothing."""
    return Both(f" ({hint})", hint_in(hint, "zh")) if hint else Both("", "")


def error_line(location: str, code: str, text: str) -> str:
    """One line of an error: `place: text [SRnnn]` (the code last, so that the English
    text reads as it always has)."""
    head = f"{location}: " if location else ""
    return f"{head}{text} [{code}]"


# Messages of a shape so general ("{field}: {detail}") that, in an error's text, they say
# nothing unless what they hold is known (its code, the more specific, is then given).
_SHAPES = frozenset({"SR206"})


def error_text(text: str, lang: Lang) -> str:
    """An error's English text, not given a code where it was raised, in `lang` with the code
    of the catalogued message it is (GENERIC when none), after its first line. A message
    after a place (`file:line: message`) is found too."""
    first, newline, rest = text.partition("\n")
    for candidate, tail in ((text, ""), (first, newline + rest)):
        head = ""
        while True:
            shown, code = _translate(candidate, ("message",), lang)
            if code is not None and code not in _SHAPES:
                lines = (head + shown + tail).split("\n", 1)
                lines[0] += f" [{code}]"
                return "\n".join(lines)
            place, sep, candidate = candidate.partition(": ")
            if not sep:
                break
            head += place + sep
    return f"{first} [{GENERIC}]{newline}{rest}"


_VILLAGE_KINDS = {"rural": "农村", "urban_community": "城市社区"}
_VALUE_KINDS = {
    "count": "个数",
    "money": "金额",
    "rate": "比率",
    "number": "数字",
    "bool": "是/否值",
    "string": "文本",
}


def village_kind(kind: str) -> Both:
    """A kind of village (`rural`) as a message shows it in each language."""
    return Both(kind, _VILLAGE_KINDS.get(kind, kind))


def value_kind(kind: str) -> Both:
    """A kind of indicator value (`rate`) as a message shows it in each language."""
    return Both(kind, _VALUE_KINDS.get(kind, kind))


# pydantic's messages by error type, in Chinese; their fields are the error's `ctx`
_VALIDATION_ZH: Mapping[str, str] = {
    "missing": "缺少这个字段",
    "greater_than_equal": "应大于或等于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应小于或等于 {le}",
    "less_than": "应小于 {lt}",
    "string_pattern_mismatch": "应符合格式 '{pattern}'",
    "literal_error": "应为 {expected}",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数部分",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "finite_number": "应为有限的数字（约在 ±1.8e308 以内）",
    "date_parsing": "应为有效日期，如 2023-12-31：{reason}",
    "date_type": "应为日历日期，如 2023-12-31（不带时间）",
    "string_surrogate": "应为不含孤立代理字符（未成对的 \\ud800–\\udfff 转义）的文本",
    "string_too_long": "文本太长（最多 {max_length} 个字符）",
}


# the patterns of a village's fields, in words
_PATTERNS_ZH: Mapping[str, str] = {
    "^[0-9]{12}$": "应为 12 位数字的统计用区划代码",
    "^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$": (
        "应为用 '/' 连接的小写 id，省在前，例如 cn-henan/nanyang/xixia"
    ),
}


def _number(value: object) -> str:
    # pydantic words a bound of 1.0 as 1
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def validation_detail(error: Mapping[str, object]) -> Both:
    """What one of pydantic's errors (`ValidationError.errors()`) says, in both languages."""
    english = str(error.get("msg", ""))
    kind = str(error.get("type", ""))
    ctx = error.get("ctx")
    values = {k: _number(v) for k, v in ctx.items()} if isinstance(ctx, Mapping) else {}
    template = _VALIDATION_ZH.get(kind)
    if kind == "string_pattern_mismatch":
        template = _PATTERNS_ZH.get(values.get("pattern", ""), template)
    if template is not None:
        try:
            zh = template.format(**values).replace("' or '", "' 或 '")
        except (KeyError, IndexError):  # a field of another pydantic version
            zh = _translate(english, ("fragment",), "zh")[0]
    elif kind == "value_error" and isinstance(ctx, Mapping) and "error" in ctx:
        zh = _translate(str(ctx["error"]), ("fragment",), "zh")[0]
    else:
        zh = _translate(english, ("fragment",), "zh")[0]
    return Both(english, zh)


def fields_of(template: str) -> list[str]:
    """The str.format fields of a template, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def problem_count(problems: int, files: int, lang: Lang) -> str:
    """The summary line of `lint`."""
    if lang == "zh":
        return f"{files} 个文件中有 {problems} 个问题"
    return (
        f"{problems} problem{'s' if problems != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}"
    )


def table(lang: Lang) -> str:
    """The Markdown table of every code (docs/errors.md, docs/errors.zh.md)."""
    head = (
        "| 代码 | 消息 | Message |\n|---|---|---|"
        if lang == "zh"
        else "| Code | Message | 中文 |\n|---|---|---|"
    )
    rows = []
    for item in sorted((*CATALOGUE, *CODED), key=lambda e: e.code):
        first, second = (item.zh, item.en) if lang == "zh" else (item.en, item.zh)
        rows.append(f"| `{item.code}` | {_cell(first)} | {_cell(second)} |")
    generic = (
        f"| `{GENERIC}` | 尚未编入目录的问题：中英文都显示其英文原文 | "
        "a problem not catalogued yet: its English text in both languages |"
        if lang == "zh"
        else f"| `{GENERIC}` | a problem not catalogued yet: its English text in both languages "
        "| 尚未编入目录的问题：中英文都显示其英文原文 |"
    )
    return "\n".join([head, *rows, generic]) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
