"""The import graph of starrules (grimp): no cycles between modules, and the stages only
look downwards: the engine (expressions, rules, evaluation) never imports what explains,
renders, reports, monitors or drives it from the command line; import-linter's layers
contract in pyproject.toml holds every stage to its place; no module outgrows one job."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "starrules"
MAX_MODULE_LINES = 450


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on `project` (a folder with pyproject.toml and src/starrules)."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            "--no-cache",
            "--no-logo",
            str(project / "pyproject.toml"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_stages_import_only_downwards() -> None:
    pytest.importorskip("importlinter")
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def _copy_project(target: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(SOURCE, target / "src" / "starrules", ignore=shutil.ignore_patterns("*.pyc"))
    return target


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("evaluation/kernel.py", "from ..explain import results as _results"),  # evaluate → explain
        ("explain/text.py", "from ..render import table as _table"),  # explain → render
        ("expr/ast.py", "from ..load import loader as _loader"),  # a cycle: load imports expr
    ],
)
def test_the_contract_fails_on_an_upward_import(tmp_path: Path, module: str, upward: str) -> None:
    pytest.importorskip("importlinter")
    project = _copy_project(tmp_path)
    path = project / "src" / "starrules" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{upward}  # noqa\n", encoding="utf-8")
    result = _lint_imports(project)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    layer = module.split("/")[0]
    assert f"starrules.{layer} is not allowed to import" in result.stdout


def test_no_module_does_more_than_one_job() -> None:
    """About 450 lines at most: a module past that is two jobs (the layout issue's rule)."""
    sizes = {
        str(path.relative_to(SOURCE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SOURCE.rglob("*.py")
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not too_long, f"split these by job: {too_long}"
