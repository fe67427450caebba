"""Messages of villages and input files (SR5xx), given their code where they are raised
(`Problem.coded`, `StarrulesError.of`): village files, spreadsheets, targets files, what a
ruleset refuses to judge, and the columnar engine. Their English text may be as general as
"{field}: {detail}", so it is not looked up."""

from __future__ import annotations

from .entries import Entry

INPUT: tuple[Entry, ...] = (
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
)
