"""Messages given their code where they are raised: the command line (SR6xx), and the
Python interface (SR8xx): monitors, plug-ins, reports, output and data frames."""

from __future__ import annotations

from .entries import Entry

CLI: tuple[Entry, ...] = (
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
    Entry(
        "SR658",
        "a .{format} file is binary: write it to a file with -o FILE.{format} (or redirect)",
        ".{format} 文件是二进制文件：请用 -o FILE.{format} 写入文件（或重定向输出）",
    ),
    Entry(
        "SR657",
        "starrules.dask needs {module}, which is not installed: {install}",
        "starrules.dask 需要 {module}，但它没有安装：{install}",
    ),
)

LIBRARY: tuple[Entry, ...] = (
    # -- SR80x-SR81x: the monitor, its backends and its events --------------------------------
    Entry("SR800", "the monitor is closed", "监测已关闭"),
    Entry(
        "SR801",
        "unknown period '{period}'; use one of: {periods}",
        "未知的评定周期 '{period}'；请用其中之一：{periods}",
    ),
    Entry(
        "SR802",
        "history_limit and incident_limit must be 0 or more",
        "`history_limit` 和 `incident_limit` 必须大于或等于 0",
    ),
    Entry(
        "SR803",
        "incident types count into unknown indicator '{path}'",
        "事件类型计入了未知的指标 '{path}'",
    ),
    Entry(
        "SR804",
        "village '{village}' is monitored from {start}; no snapshot for {date}",
        "村庄 '{village}' 从 {start} 起才开始监测；没有 {date} 的快照",
    ),
    Entry(
        "SR805",
        "village '{village}': history before {date} is no longer kept (history_limit={limit})",
        "村庄 '{village}'：{date} 之前的历史已不再保留（history_limit={limit}）",
    ),
    Entry(
        "SR806",
        "unknown backend '{backend}'{suggestion}; use native or rete",
        "未知的引擎 '{backend}'{suggestion}；请用 `native` 或 `rete`",
    ),
    Entry(
        "SR807",
        "the rete backend needs durable-rules: pip install 'starrules[rete]' (durable-rules "
        "2.0.28 builds from source with a C compiler, on Python 3.11 and 3.12 only); or use the "
        "native backend (the default) [{detail}]",
        "`rete` 引擎需要 `durable-rules`：`pip install 'starrules[rete]'`（`durable-rules` 2.0.28 "
        "要用编译器从源码构建，且只支持 `Python 3.11` 和 `3.12`）；或者用 `native` 引擎（默认）"
        "[{detail}]",
    ),
    Entry("SR808", "the rete backend is closed", "`rete` 引擎已关闭"),
    Entry(
        "SR809",
        "durable-rules matched both {rule}1 and {rule}0 in {name}",
        "`durable-rules` 在 {name} 中同时匹配了 {rule}1 和 {rule}0",
    ),
    Entry(
        "SR810",
        "unknown incident type '{name}'{suggestion}; known: {known}",
        "未知的事件类型 '{name}'{suggestion}；已知：{known}",
    ),
    Entry(
        "SR811",
        "type: missing; use update, incident or review",
        "`type`：缺少事件种类；请用 `update`、`incident` 或 `review`",
    ),
    Entry(
        "SR812",
        "type: unknown event type {kind}{suggestion}; use update, incident or review",
        "`type`：未知的事件种类 {kind}{suggestion}；请用 `update`、`incident` 或 `review`",
    ),
    Entry(
        "SR813",
        "{field}: '{path}' is not declared by ruleset {ruleset}",
        "{field}：规则集 {ruleset} 没有定义指标 '{path}'",
    ),
    Entry("SR814", "{field}: unknown indicator '{path}'", "{field}：未知的指标 '{path}'"),
    Entry(
        "SR815",
        "value: {value} is not a valid {kind} for {path}",
        "`value`：{value} 不是 {path} 的有效{kind}",
    ),
    Entry("SR816", "value: {value} for {path}: {detail}", "`value`：{path} 的值 {value}：{detail}"),
    # -- SR82x-SR83x: plug-ins (entry points) and the functions they give ---------------------
    Entry(
        "SR820",
        "plug-in entry point '{entry}' in group '{group}' cannot be loaded: {error}",
        "插件入口点 '{entry}'（组 '{group}'）无法加载：{error}",
    ),
    Entry(
        "SR821",
        "plug-in function {name}() (from {plugin}) failed on {args}: {error}",
        "插件函数 {name}()（来自{plugin}）在参数 {args} 上出错：{error}",
    ),
    Entry(
        "SR822",
        "{plugin} must give a starrules.FunctionSpec or a list of them, not {type}",
        "{plugin} 必须给出 starrules.FunctionSpec 或它的列表，不能是 {type}",
    ),
    Entry(
        "SR823",
        "{plugin} gives {value}, which is not a starrules.FunctionSpec",
        "{plugin} 给出的 {value} 不是 starrules.FunctionSpec",
    ),
    Entry(
        "SR824",
        "{plugin} defines '{name}', which is a built-in function",
        "{plugin} 定义的 '{name}' 是内置函数",
    ),
    Entry(
        "SR825",
        "{plugin} defines '{name}', already defined by {other}",
        "{plugin} 定义的 '{name}' 已由{other}定义",
    ),
    Entry(
        "SR826",
        "{plugin} failed to give its ruleset folders: {error}",
        "{plugin} 未能给出它的规则集文件夹：{error}",
    ),
    Entry(
        "SR827",
        "{plugin} must give a folder path, not {value}",
        "{plugin} 必须给出文件夹路径，不能是 {value}",
    ),
    Entry(
        "SR828",
        "{plugin} gives {folder}, which is not a folder",
        "{plugin} 给出的 {folder} 不是文件夹",
    ),
    Entry("SR829", "criterion '{criterion}': {detail}", "指标项 '{criterion}'：{detail}"),
    Entry(
        "SR830",
        "criterion '{criterion}': a function failed: {error}",
        "指标项 '{criterion}'：函数出错：{error}",
    ),
    # -- SR84x: reports --------------------------------------------------------------------
    Entry(
        "SR840",
        "cannot group by {by}: one of township, county, jurisdiction",
        "无法按 {by} 分组：请用 `township`、`county` 或 `jurisdiction`",
    ),
    Entry(
        "SR841",
        "nearest must be 0 or more, not {nearest}",
        "`nearest` 必须大于或等于 0，不能是 {nearest}",
    ),
    Entry(
        "SR842",
        "only builders with the same by, targets and nearest can merge",
        "只有 `by`、`targets` 和 `nearest` 都相同的报表构建器才能合并",
    ),
    Entry(
        "SR843",
        "{count} row places for a table of {villages}",
        "给出了 {count} 个行号，而表中有 {villages} 个村庄",
    ),
    # -- SR86x: output (rows, workbooks, records, schemas, pages) ----------------------------
    Entry("SR860", "cannot write the rows: {reason}", "无法写入表格行：{reason}"),
    Entry(
        "SR861",
        "{file}: cannot write the workbook: {reason}",
        "{file}：无法写入工作簿：{reason}",
    ),
    Entry(
        "SR862",
        "an .xlsx workbook needs a file or a binary stream",
        ".xlsx 工作簿只能写入文件或二进制流",
    ),
    Entry(
        "SR863",
        "{name} ({place}) is judged by {ruleset}, whose stars ({names}) are not the columns of "
        "this table (the first village's stars); write villages of each kind or ruleset family "
        "to a table of their own, or use --format jsonl",
        "{name}（{place}）按 {ruleset} 评定，它的星（{names}）与这个表的列（第一个村的星）不同；"
        "不同类型或不同规则集系列的村庄请分别写入各自的表，或者用 --format jsonl",
    ),
    Entry(
        "SR864",
        "unknown schema {what}; one of: {names}",
        "没有 JSON 模式 {what}；可用的有：{names}",
    ),
    Entry(
        "SR865",
        "the village list's limit must be 0 or more, not {limit}",
        "村庄列表的条数上限必须大于或等于 0，不能是 {limit}",
    ),
    Entry(
        "SR866",
        "unknown detail {detail}; one of: full, compact",
        "未知的详略程度 {detail}；请用 `full` 或 `compact`",
    ),
    # -- SR88x: data frames (starrules.dask) -------------------------------------------------
    Entry(
        "SR880",
        "villages must be a dask DataFrame, not {type}",
        "村庄数据必须是 `dask` 的 DataFrame，不能是 {type}",
    ),
    Entry(
        "SR881",
        "villages must be a pandas DataFrame, not {type}",
        "村庄数据必须是 pandas 的 DataFrame，不能是 {type}",
    ),
    Entry(
        "SR882",
        "row {row}: column 'as_of': {value} is not a whole day",
        "第 {row} 行：列 'as_of'：{value} 不是整日（带有时刻）",
    ),
)
