"""Hints, and pieces of messages (PyYAML's, pydantic's, click's and Python's wording), in
English and Chinese: recognised by their English text, as messages are."""

from __future__ import annotations

from .entries import Phrase

HINTS: tuple[Phrase, ...] = (
    Phrase("did you mean {choices}?", "是不是想写 {choices}？"),
    Phrase(
        "did you mean {choices}? write the id, not the Chinese name",
        "是不是想写 {choices}？这里要写 id，不是中文名称",
    ),
    Phrase(
        "did you mean {choices}? these values are written in English",
        "是不是想写 {choices}？这里的取值用英文写",
    ),
    Phrase(
        "did you mean {day}? dates are written as year-month-day",
        "是不是想写 {day}？日期写成 年-月-日",
    ),
    Phrase(
        "did you mean {number}? a level is written as a number",
        "是不是想写 {number}？等级写成数字",
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
    Phrase("write '{symbol}' for {word}", "把 {word} 写成 '{symbol}'"),
    Phrase(
        "units are not written in expressions: write the number alone, without {unit}",
        "表达式里不写单位：去掉 {unit}，只写数字",
    ),
    Phrase("write numbers without separators: {number}", "数字不加千位分隔符：写作 {number}"),
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
    # rebuilding a pickled ruleset (SR886, SR887)
    Phrase(
        "the likely reason: this process has other plug-in functions, or another starrules "
        "version, than the one that pickled it",
        "可能的原因：这个进程的插件函数或 starrules 版本与序列化它的进程不同",
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
    Phrase(
        "while parsing a flow sequence did not find expected ',' or ']'",
        "方括号 [ ] 里的列表在这里应为 ',' 或 ']'（多半少了逗号或 ']'）",
    ),
    Phrase(
        "while parsing a flow mapping did not find expected ',' or '}}'",
        "花括号 {{ }} 里的映射在这里应为 ',' 或 '}}'（多半少了逗号或 '}}'）",
    ),
    Phrase(
        "while scanning a quoted scalar found unexpected end of stream",
        "引号没有闭合：到文件结尾还在引号里",
    ),
    Phrase(
        "while parsing a quoted scalar found unknown escape character",
        "双引号里有无效的转义（反斜杠 \\ 后面的字符）；不需要转义的文字请用单引号",
    ),
    Phrase("found undefined alias '{name}'", "别名 '*{name}' 没有对应的锚点 '&{name}'"),
    Phrase(
        "found duplicate anchor '{name}'; first occurrence second occurrence",
        "锚点 '&{name}' 定义了两次",
    ),
    Phrase(
        "expected a single document in the stream but found another document",
        "一个文件只能有一个 YAML 文档：这里的 '---' 开始了第二个",
    ),
    Phrase("found duplicate %YAML directive", "%YAML 指令重复"),
    # the same mistakes in pure-Python PyYAML's words (without libyaml)
    Phrase(
        "while parsing a flow sequence expected ',' or ']', but got {token}",
        "方括号 [ ] 里的列表在这里应为 ',' 或 ']'，却是 {token}（多半少了逗号或 ']'）",
    ),
    Phrase(
        "while parsing a flow mapping expected ',' or '}}', but got {token}",
        "花括号 {{ }} 里的映射在这里应为 ',' 或 '}}'，却是 {token}（多半少了逗号或 '}}'）",
    ),
    Phrase(
        "while scanning a double-quoted scalar found unknown escape character {char}",
        "双引号里有无效的转义 \\{char}；不需要转义的文字请用单引号",
    ),
    Phrase("found duplicate YAML directive", "%YAML 指令重复"),
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
    Phrase(
        "expected a criterion (id, test, text) or a group (all, any, at_least, min_points)",
        "应为一个指标项（id、test、text）或一个组（all、any、at_least、min_points）",
    ),
    Phrase(
        "expected a group: all, any, at_least or min_points",
        "应为一个组：all、any、at_least 或 min_points",
    ),
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
        "the ruleset it extends and its versions, e.g. henan-rural@>=2022.1",
        "要扩展的规则集 id 及其版本，例如 henan-rural@>=2022.1",
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
