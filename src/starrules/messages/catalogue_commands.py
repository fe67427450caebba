"""Messages raised outside the readers of ruleset files, recognised by their English text:
SR5xx (the registry), SR6xx (the command line), SR7xx (what `starrules check` finds), SR8xx
(the monitor's events, pickled rulesets and assessments)."""

from __future__ import annotations

from .entries import Entry

COMMANDS: tuple[Entry, ...] = (
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
        "village: no monitored village '{key}' ({suggestion})",
        "village：没有在监测的村庄 '{key}'（{suggestion}）",
        ("suggestion",),
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
        "no village named or coded '{which}' in {file}; {suggestion}",
        "{file} 中没有名称或代码为 '{which}' 的村庄；{suggestion}",
        ("suggestion",),
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
    Entry(
        "SR714",
        "unknown check '{check}'{suggestion}; the checks are: {known}",
        "没有名为 '{check}' 的检查{suggestion}；检查有：{known}",
    ),
    Entry(
        "SR715",
        "{layers}: the files changed while being checked",
        "{layers}：检查期间文件被改动了",
    ),
    # -- SR8xx: the Python interface, recognised by their text ----------------------------
    Entry(
        "SR817",
        "count: {count} more would take {path} beyond the range of a float",
        "count：再加 {count} 会使 {path} 超出浮点数的范围",
    ),
    Entry(
        "SR818",
        "event dated {date} for village '{village}' is before the date its data describe "
        "({baseline})",
        "村庄 '{village}' 的事件日期 {date} 早于它的数据所描述的日期（{baseline}）",
    ),
    Entry(
        "SR883",
        "ruleset {ruleset} cannot be pickled: it was not made by load_ruleset, loads_ruleset or "
        "a Registry, so its texts are not known",
        "规则集 {ruleset} 无法序列化（`pickle`）：它不是由 load_ruleset、loads_ruleset 或 "
        "`Registry` 得到的，所以不知道它的文本",
    ),
    Entry(
        "SR884",
        "ruleset {ruleset} cannot be pickled: the function {name}() given when loading {file} "
        "cannot be pickled ({detail}); define it (and its implementation) at module level, or "
        "ship it as a plug-in",
        "规则集 {ruleset} 无法序列化（`pickle`）：加载 {file} 时给出的函数 {name}() 无法序列化"
        "（{detail}）；请在模块顶层定义它（及其实现），或者把它做成插件发布",
    ),
    Entry(
        "SR885",
        "the assessment of village '{village}' by ruleset {ruleset} comes out otherwise in this "
        "process: stars {stars} and level {level} here, {pickled} and level {pickled_level} "
        "pickled; the likely reason: this process has other plug-in functions, or another "
        "starrules version, than the one that pickled it",
        "村庄 '{village}' 按规则集 {ruleset} 评定的结果在这个进程中不同：这里是星 {stars}、"
        "等级 {level}，序列化时是 {pickled}、等级 {pickled_level}；可能的原因：这个进程的插件函数"
        "或 starrules 版本与序列化它的进程不同",
    ),
    # rebuilding a pickled ruleset (given their code where they are raised)
    Entry(
        "SR886",
        "ruleset {ruleset} cannot be compiled again in this process from the texts pickled",
        "规则集 {ruleset} 无法在这个进程中由序列化的文本重新编译",
    ),
    Entry(
        "SR887",
        "ruleset {ruleset} rebuilt in this process differs from the one pickled: fingerprint "
        "{here} here, {pickled} pickled",
        "规则集 {ruleset} 在这个进程中重建的结果与序列化的不同：这里的指纹是 {here}，"
        "序列化时是 {pickled}",
    ),
    Entry(
        "SR888",
        "the base pickled extends '{extends}'",
        "序列化的基础规则集扩展了 '{extends}'",
    ),
)
