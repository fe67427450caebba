"""Messages of the command line (SR6xx), given their code where they are raised."""

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
        "SR657",
        "starrules.dask needs {module}, which is not installed: {install}",
        "starrules.dask 需要 {module}，但它没有安装：{install}",
    ),
)
