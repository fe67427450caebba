"""Messages of overlays and references (SR4xx), recognised by their English text."""

from __future__ import annotations

from .entries import Entry

OVERLAYS: tuple[Entry, ...] = (
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
    Entry(
        "SR429",
        "{ruleset} for {jurisdiction} is also defined in {file}",
        "{jurisdiction} 的 {ruleset} 也在 {file} 中定义了",
    ),
)
