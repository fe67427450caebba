"""Messages of a ruleset file, recognised by their English text: SR1xx the YAML text,
SR2xx the structure of a ruleset, SR3xx expressions."""

from __future__ import annotations

from .entries import Entry

_PATH = {"field": r"[\w.\-]+|\(top level\)"}

RULESET: tuple[Entry, ...] = (
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
)
