"""The message catalogue: what a ruleset author is told, in English and Chinese, by code.

Every problem has a stable code, shown with it (`[SR301]`) so that it can be searched for.
The codes are grouped in ranges:

- SR1xx  the YAML text of a file (syntax, tabs, full-width colons, encoding, limits)
- SR2xx  the structure of a ruleset (unknown and missing keys, types, ids, points)
- SR3xx  expressions (characters, tokens, names, types)
- SR4xx  overlays and references (extends, add, override, remove, stars, sources)
- SR5xx  villages and input files (reserved: not catalogued yet)
- SR9xx  other; SR900 is every problem not catalogued yet: its English text is shown in
  both languages

A problem keeps the English text it was made with (callers and tests read it). The
catalogue's English template, read as a pattern, recognises that text and gives back its
fields, which fill the Chinese template: so a problem found anywhere gets its code and its
Chinese text without each place that finds one having to change. A field listed in
`nested` holds another message (an expression's problem inside "in '<test>': …"), which is
looked up in turn: its code, the more specific, is the problem's code. Hints are looked up
the same way, in `HINTS`, and pieces of messages (PyYAML's and pydantic's wording) in
`FRAGMENTS`.
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
            inner, inner_code = _translate(values[name], ("message", "fragment"), lang)
            values[name] = inner
            code = inner_code or code
        if lang == "zh":
            if "choices" in values:
                values["choices"] = values["choices"].replace("' or '", "' 或 '")
            return item.zh.format(**values), code
        return item.en.format(**values), code
    return text, None


def code_of(message: str) -> str:
    """The code of a problem's English message; GENERIC when it is not catalogued."""
    return _translate(message, ("message",), "en")[1] or GENERIC


def message_text(message: str, lang: Lang) -> str:
    """A problem's English message in `lang` (unchanged when not catalogued)."""
    return message if lang == "en" else _translate(message, ("message",), lang)[0]


def hint_text(hint: str, lang: Lang) -> str:
    """A hint in `lang` (unchanged when not catalogued)."""
    return hint if lang == "en" else _translate(hint, ("hint", "fragment"), lang)[0]


def render(location: str, code: str, message: str, hint: str | None, lang: Lang) -> str:
    """`file:line:col: [SRnnn] message (hint)`, in `lang`."""
    text = f"{location}: [{code}] {message_text(message, lang)}"
    if hint:
        shown = hint_text(hint, lang)
        text += f"（{shown}）" if lang == "zh" else f" ({shown})"
    return text


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
    for entry in sorted(CATALOGUE, key=lambda e: e.code):
        first, second = (entry.zh, entry.en) if lang == "zh" else (entry.en, entry.zh)
        rows.append(f"| `{entry.code}` | {_cell(first)} | {_cell(second)} |")
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
