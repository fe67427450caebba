"""The import graph of starrules (grimp): no cycles between modules, and the stages only
look downwards: the engine (expressions, rules, evaluation) never imports what explains,
renders, reports, monitors or drives it from the command line."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")

# What the deciding engine may never import, directly or through others.
ENGINE = ("starrules.expr", "starrules.rules", "starrules.exact", "starrules.evaluation")
ABOVE_THE_ENGINE = (
    "starrules.explain.assessment",
    "starrules.explain.guidance",
    "starrules.render",
    "starrules.reports",
    "starrules.reports.plans",
    "starrules.monitor",
    "starrules.cli",
    "starrules.testing",
    "starrules.testing.cases",
    "starrules.testing.diff",
)


@pytest.fixture(scope="module")
def graph() -> object:
    return grimp.build_graph("starrules", include_external_packages=False)


def _cycles(graph: object) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):  # type: ignore[attr-defined]
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):  # type: ignore[attr-defined]
        if module not in index:
            visit(module)
    return sorted(found)


def test_no_import_cycles(graph: object) -> None:
    assert _cycles(graph) == []


def _chains(graph: object, importer: str, imported: str) -> set[tuple[str, ...]]:
    """Import chains from any module in `importer` (a module or a package) to any in
    `imported`, direct or through others."""
    found = graph.find_shortest_chains(  # type: ignore[attr-defined]
        importer=importer, imported=imported, as_packages=True
    )
    return set(found)


def test_the_chain_finder_sees_a_real_dependency(graph: object) -> None:
    # The command line does use the renderers: the check below could fail.
    assert _chains(graph, "starrules.cli", "starrules.render")


@pytest.mark.parametrize("low", ENGINE)
@pytest.mark.parametrize("high", ABOVE_THE_ENGINE)
def test_the_engine_never_imports_what_is_built_on_it(graph: object, low: str, high: str) -> None:
    chains = _chains(graph, low, high)
    assert not chains, [" → ".join(chain) for chain in sorted(chains)]


def test_only_the_entry_points_import_the_command_line(graph: object) -> None:
    importers = {
        m
        for m in graph.find_modules_that_directly_import("starrules.cli.app")  # type: ignore[attr-defined]
        if not m.startswith("starrules.cli")
    }
    assert importers <= {"starrules.__main__"}
