"""Plug-ins through entry points (spec §5): `starrules.functions` and `starrules.rulesets`.

The slow tests build and install tests/plugins/starrules-demo-plugin (a real package) into a
temporary directory and drive starrules in subprocesses with that directory on PYTHONPATH.
The fast tests put small fake distributions (a module and a *.dist-info directory) on
sys.path for the error cases.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest

import starrules
from starrules import EvaluationError, Registry, RulesetError, StarrulesError

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_SOURCE = ROOT / "tests" / "plugins" / "starrules-demo-plugin"
PLUGIN_RULESET = Path("starrules_demo_plugin", "rulesets", "cn-demo", "demo-plugin-2024.1.yaml")
BUILTIN_NAMES = ("ratio", "min", "max", "abs", "known", "count", "points")

# A ruleset for a tmp directory: one criterion whose test is TEST (a str.format field).
RULESET_TEMPLATE = """\
starrules: 1
id: {id}
jurisdiction: {jurisdiction}
kind: rural
version: "1.0"
effective: {{from: 2024-01-01}}
title: {{zh: 插件测试, en: Plug-in test}}
indicators:
  extra.households: {{type: count, zh: 户数, en: Households}}
stars:
  - id: industry
    name: {{zh: 产业兴旺星, en: Thriving Industry}}
    grant:
      all:
        - id: industry.plugged
          test: {test}
          text: {{zh: 插件函数, en: Plug-in function}}
"""


def ruleset_text(test: str, *, id: str = "plugin-probe", jurisdiction: str = "cn-probe") -> str:
    return RULESET_TEMPLATE.format(test=test, id=id, jurisdiction=jurisdiction)


def village(
    jurisdiction: str, income: float | None, households: int | None, **extra: object
) -> dict[str, object]:
    return {
        "name": "测试村",
        "jurisdiction": jurisdiction,
        "kind": "rural",
        "as_of": "2024-06-30",
        "industry": {"collective_income": income},
        "extra": {"households": households, **extra},
    }


# -- end to end: the demo plug-in, built and installed ------------------------------------


def _run(
    args: list[str], cwd: Path, pythonpath: Path | None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        args, capture_output=True, text=True, check=False, env=env, cwd=cwd, timeout=timeout
    )


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plug-in built by hatchling and installed (--target) into a tmp directory."""
    target = tmp_path_factory.mktemp("plugin-site")
    installed = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "-q",
            "--target",
            str(target),
            str(PLUGIN_SOURCE),
        ],
        cwd=target,
        pythonpath=None,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return target


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A working directory outside the repository (so nothing is imported from it)."""
    return tmp_path


def run_python(code: str, cwd: Path, pythonpath: Path | None) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-c", code], cwd=cwd, pythonpath=pythonpath)


def run_cli(*args: str, cwd: Path, pythonpath: Path | None) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "starrules", *args], cwd=cwd, pythonpath=pythonpath)


@pytest.mark.slow
def test_wheel_ships_the_ruleset_and_entry_points(plugin_site: Path) -> None:
    assert (plugin_site / PLUGIN_RULESET).is_file()
    (dist_info,) = plugin_site.glob("starrules_demo_plugin-0.1.0.dist-info")
    entry_points = (dist_info / "entry_points.txt").read_text(encoding="utf-8")
    assert "[starrules.functions]" in entry_points
    assert "[starrules.rulesets]" in entry_points


PROBE = """
import json
from datetime import date

import starrules

registry = starrules.Registry.default()
ruleset = registry.resolve("cn-demo/plugin", kind="rural", on=date(2024, 6, 30))
henan = registry.resolve("cn-henan/anyang/tangyin", kind="rural", on=date(2023, 1, 1))


def criteria(village):
    assessment = ruleset.evaluate(starrules.Village.model_validate(village))
    return {
        "star": assessment.status("industry"),
        "criteria": {
            c.id: {"status": c.status, "gap": c.gap, "observed": c.observed}
            for c in assessment.stars["industry"].criteria
        },
    }


by_default = starrules.evaluate(starrules.Village.model_validate(VILLAGES["poor"]))
print(json.dumps({
    "resolved": [ruleset.id, ruleset.version, ruleset.jurisdiction, str(ruleset.file)],
    "henan": henan.id,
    "by_default": [by_default.ruleset.id, by_default.status("industry")],
    "results": {name: criteria(v) for name, v in VILLAGES.items()},
}))
"""


@pytest.mark.slow
def test_default_registry_finds_and_evaluates_the_plugin_ruleset(
    plugin_site: Path, work: Path
) -> None:
    villages = {
        # 180,000 CNY over 400 households is 450 a household: 50 short of 500.
        "poor": village("cn-demo/plugin", 180_000, 400, dividends=90_000),
        "rich": village("cn-demo/plugin", 300_000, 400, dividends=90_000),
        "no-households": village("cn-demo/plugin", 300_000, 0, dividends=90_000),
        # households unknown: per_household is not called (it would raise on None).
        "households-unknown": village("cn-demo/plugin", 300_000, None, dividends=90_000),
        # ratio > 1 is clamped to 1 by clamp01.
        "dividends-over-income": village("cn-demo/plugin", 300_000, 400, dividends=900_000),
    }
    code = f"VILLAGES = {villages!r}\n" + PROBE
    probe = run_python(code, cwd=work, pythonpath=plugin_site)
    assert probe.returncode == 0, probe.stderr
    out = json.loads(probe.stdout)

    rs_id, version, jurisdiction, file = out["resolved"]
    assert (rs_id, version, jurisdiction) == ("demo-plugin", "2024.1", "cn-demo/plugin")
    assert Path(file).resolve() == (plugin_site / PLUGIN_RULESET).resolve()
    assert out["henan"] == "henan-rural"  # the bundled rulesets are still there
    assert out["by_default"] == ["demo-plugin", "denied"]

    results = out["results"]
    poor = results["poor"]["criteria"]["industry.income-per-household"]
    assert poor["status"] == "fail"
    assert poor["gap"] == pytest.approx(50)  # 500 - 180000 / 400
    assert poor["observed"] == {"industry.collective_income": 180_000, "extra.households": 400}
    assert results["poor"]["star"] == "denied"

    assert results["rich"]["star"] == "granted"
    assert results["rich"]["criteria"]["industry.income-per-household"]["status"] == "pass"

    for name in ("no-households", "households-unknown"):
        result = results[name]
        assert result["criteria"]["industry.income-per-household"]["status"] == "unknown", name
        assert result["criteria"]["industry.dividend-share"]["status"] == "pass", name
        assert result["star"] == "undetermined", name

    clamped = results["dividends-over-income"]["criteria"]["industry.dividend-share"]
    assert clamped["status"] == "pass"


@pytest.mark.slow
def test_cli_lints_and_tests_the_plugin_rulesets(plugin_site: Path, work: Path) -> None:
    rulesets = plugin_site / "starrules_demo_plugin" / "rulesets"
    linted = run_cli("lint", str(rulesets), cwd=work, pythonpath=plugin_site)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "通过：" in linted.stdout and "demo-plugin@2024.1" in linted.stdout

    tested = run_cli("test", "--lang", "en", str(rulesets), cwd=work, pythonpath=plugin_site)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed, 0 failed" in tested.stdout


TYPE_ERROR_PROBE = """
import sys
import starrules

try:
    starrules.Registry.from_paths(sys.argv[1])
except starrules.RulesetError as exc:
    for problem in exc.problems:
        print(problem.location, "|", problem.message, "|", problem.hint, sep="")
else:
    print("loaded")
"""


def _load_problems(
    tmp_dir: Path, text: str, pythonpath: Path | None, cwd: Path
) -> tuple[Path, list[str]]:
    tmp_dir.mkdir()
    path = tmp_dir / "probe.yaml"
    path.write_text(text, encoding="utf-8")
    result = _run(
        [sys.executable, "-c", TYPE_ERROR_PROBE, str(tmp_dir)], cwd=cwd, pythonpath=pythonpath
    )
    assert result.returncode == 0, result.stderr
    return path, result.stdout.splitlines()


def _column(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


@pytest.mark.slow
def test_wrong_argument_type_is_a_located_error(plugin_site: Path, work: Path) -> None:
    text = ruleset_text("per_household('x', 1) >= 500")
    path, lines = _load_problems(work / "rulesets", text, plugin_site, work)
    line, column = _column(text, "'x'")
    assert lines == [
        f"{path}:{line}:{column}|in 'per_household('x', 1) >= 500': "
        "argument of per_household() needs number, got text|None"
    ]


@pytest.mark.slow
def test_misspelt_plugin_function_suggests_it(plugin_site: Path, work: Path) -> None:
    text = ruleset_text("per_houshold(industry.collective_income, extra.households) >= 500")
    path, lines = _load_problems(work / "rulesets", text, plugin_site, work)
    line, column = _column(text, "per_houshold")
    (problem,) = lines
    location, message, hint = problem.split("|")
    assert location == f"{path}:{line}:{column}"
    assert message.endswith("unknown function 'per_houshold'")
    assert hint == "did you mean 'per_household'?"


@pytest.mark.slow
def test_without_the_plugin_its_functions_are_unknown(plugin_site: Path, work: Path) -> None:
    text = ruleset_text("per_household(industry.collective_income, extra.households) >= 500")
    path, lines = _load_problems(work / "rulesets", text, None, work)
    line, column = _column(text, "per_household")
    (problem,) = lines
    location, message, _hint = problem.split("|")
    assert location == f"{path}:{line}:{column}"
    assert message.endswith("unknown function 'per_household'")

    # The same file loads once the plug-in is on the path.
    _path, lines = _load_problems(work / "again", text, plugin_site, work)
    assert lines == ["loaded"]

    # And the plug-in's own rulesets no longer lint without it.
    linted = run_cli(
        "lint", "--lang", "en", str(plugin_site / PLUGIN_RULESET), cwd=work, pythonpath=None
    )
    assert linted.returncode == 1
    assert "unknown function 'per_household'" in linted.stdout


# -- fast: fake distributions on sys.path ---------------------------------------------------

_counter = itertools.count()


def _clear_starrules_caches() -> None:
    """Forget what earlier discovery found: every functools cache in starrules' modules."""
    for name, module in list(sys.modules.items()):
        if name == "starrules" or name.startswith("starrules."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_info", None)):  # functools.cache / lru_cache
                    value.cache_clear()


InstallPlugin = Callable[..., str]


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InstallPlugin]:
    """Install a fake distribution: a module with `source`, and entry points naming it.

    install(source, functions={"ep": "attr"}, rulesets={"ep": "attr"}) returns the module's
    name; an entry point value containing ':' or no attribute is used as given.
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    modules: list[str] = []

    def install(
        source: str,
        functions: Mapping[str, str] | None = None,
        rulesets: Mapping[str, str] | None = None,
    ) -> str:
        number = next(_counter)
        module = f"starrules_fake_plugin_{number}"
        modules.append(module)
        (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        dist_info = site / f"starrules_fake_plugin_{number}-0.1.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: starrules-fake-plugin-{number}\nVersion: 0.1\n",
            encoding="utf-8",
        )
        sections = []
        for group, entries in (
            ("starrules.functions", functions),
            ("starrules.rulesets", rulesets),
        ):
            if entries:
                lines = [
                    f"{name} = {value if ':' in value else f'{module}:{value}'}"
                    for name, value in entries.items()
                ]
                sections.append(f"[{group}]\n" + "\n".join(lines) + "\n")
        (dist_info / "entry_points.txt").write_text("\n".join(sections), encoding="utf-8")
        return module

    _clear_starrules_caches()
    yield install
    for module in modules:
        sys.modules.pop(module, None)
    monkeypatch.undo()  # off sys.path before the caches are rebuilt by later tests
    _clear_starrules_caches()


SPECS = """
from starrules import ExprType, FunctionSpec

N = ExprType.NUMBER


def _double(x):
    return 2 * x


def _explode(x):
    raise ZeroDivisionError("the plug-in broke")


def _or_zero(x):
    return 0 if x is None else x


DOUBLE = FunctionSpec("double", (N,), N, _double, doc="twice the value")
SPECS = (DOUBLE, FunctionSpec("triple", (N,), N, lambda x: 3 * x))
EXPLODE = FunctionSpec("explode", (N,), N, _explode)
OR_ZERO = FunctionSpec("or_zero", (N,), N, _or_zero, takes_unknown=True)
"""


def test_available_functions_are_builtins_and_plugins(install_plugin: InstallPlugin) -> None:
    install_plugin(SPECS, functions={"one": "OR_ZERO", "many": "SPECS"})  # a spec, a tuple
    functions = starrules.available_functions()
    assert {"ratio", "min", "max", "abs", "known", "double", "triple", "or_zero"} <= set(functions)
    assert all(isinstance(spec, starrules.FunctionSpec) for spec in functions.values())
    assert functions["double"].doc == "twice the value"
    assert functions["or_zero"].takes_unknown


def test_without_plugins_only_builtins(install_plugin: InstallPlugin) -> None:
    functions = starrules.available_functions()
    assert {"ratio", "min", "max", "abs", "known"} <= set(functions)
    assert not {"double", "per_household"} & set(functions)


def _write_ruleset(tmp_path: Path, test: str) -> Path:
    directory = tmp_path / "rulesets"
    directory.mkdir(exist_ok=True)
    (directory / "probe.yaml").write_text(ruleset_text(test), encoding="utf-8")
    return directory


def load_any(tmp_path: Path) -> Registry:
    """Load a ruleset that uses no plug-in: discovery still runs, and must fail loudly."""
    return Registry.from_paths(_write_ruleset(tmp_path, "industry.collective_income >= 0"))


def _evaluate(
    registry: Registry, income: float | None, households: int | None = 1
) -> starrules.Assessment:
    ruleset = registry.resolve("cn-probe", kind="rural", on=date(2024, 6, 30))
    return ruleset.evaluate(
        starrules.Village.model_validate(village("cn-probe", income, households))
    )


def test_plugin_function_in_from_paths(install_plugin: InstallPlugin, tmp_path: Path) -> None:
    install_plugin(SPECS, functions={"many": "SPECS"})
    registry = Registry.from_paths(
        _write_ruleset(tmp_path, "triple(industry.collective_income) >= 300")
    )
    assert _evaluate(registry, 100).status("industry") == "granted"
    assert _evaluate(registry, 99).status("industry") == "denied"
    unknown = _evaluate(registry, None)
    assert unknown.status("industry") == "undetermined"
    assert unknown.missing == ["industry.collective_income"]


def test_takes_unknown_receives_none(install_plugin: InstallPlugin, tmp_path: Path) -> None:
    install_plugin(SPECS, functions={"or_zero": "OR_ZERO"})
    registry = Registry.from_paths(
        _write_ruleset(tmp_path, "or_zero(industry.collective_income) >= 0")
    )
    assert _evaluate(registry, None).status("industry") == "granted"


def test_plugin_function_that_raises_is_an_evaluation_error(
    install_plugin: InstallPlugin, tmp_path: Path
) -> None:
    install_plugin(SPECS, functions={"boom": "EXPLODE"})
    registry = Registry.from_paths(
        _write_ruleset(tmp_path, "explode(industry.collective_income) >= 0")
    )
    with pytest.raises(EvaluationError) as caught:
        assessment = _evaluate(registry, 100)
        assessment.status("industry")  # however lazily the assessment is computed
    message = str(caught.value)
    assert "explode" in message
    assert "industry.plugged" in message


def test_plugin_rulesets_callable_returning_a_list(
    install_plugin: InstallPlugin, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    for directory, jurisdiction, id in ((first, "cn-one", "one"), (second, "cn-two", "two")):
        directory.mkdir()
        (directory / f"{id}.yaml").write_text(
            ruleset_text(
                "double(industry.collective_income) >= 10", id=id, jurisdiction=jurisdiction
            ),
            encoding="utf-8",
        )
    install_plugin(
        "import pathlib\n"
        + SPECS
        + f"\n\ndef rulesets():\n    return [{str(first)!r}, pathlib.Path({str(second)!r})]\n",
        functions={"double": "DOUBLE"},
        rulesets={"two-dirs": "rulesets"},
    )
    registry = Registry.default()
    assert registry.resolve("cn-one/x", kind="rural", on=date(2024, 6, 30)).id == "one"
    assert registry.resolve("cn-two", kind="rural", on=date(2024, 6, 30)).id == "two"
    assert registry.resolve("cn-henan/anyang", kind="rural", on=date(2023, 1, 1)).id == (
        "henan-rural"
    )


@pytest.mark.parametrize("builtin", BUILTIN_NAMES)
def test_clash_with_a_builtin(install_plugin: InstallPlugin, tmp_path: Path, builtin: str) -> None:
    install_plugin(
        SPECS + f"\nCLASH = FunctionSpec({builtin!r}, (N,), N, _double)\n",
        functions={"clasher": "CLASH"},
    )
    with pytest.raises(StarrulesError) as caught:
        load_any(tmp_path)
    message = str(caught.value)
    assert "clasher" in message
    assert builtin in message
    assert "builtin" in message or "built-in" in message


def test_clash_between_plugins_names_both(install_plugin: InstallPlugin, tmp_path: Path) -> None:
    install_plugin(SPECS, functions={"first-ep": "DOUBLE"})
    install_plugin(SPECS, functions={"second-ep": "DOUBLE"})
    with pytest.raises(StarrulesError) as caught:
        load_any(tmp_path)
    message = str(caught.value)
    assert "first-ep" in message and "second-ep" in message
    assert "double" in message


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("", "no_such_module_for_starrules:FUNCTIONS", id="module-missing"),
        pytest.param("X = 1\n", "MISSING", id="attribute-missing"),
        pytest.param("raise RuntimeError('cannot import me')\n", "X", id="import-raises"),
        pytest.param("X = 42\n", "X", id="not-a-function-spec"),
        pytest.param("X = 'double'\n", "X", id="a-string"),
        pytest.param(SPECS + "X = [DOUBLE, 'triple']\n", "X", id="one-item-wrong"),
    ],
)
def test_broken_function_entry_point(
    install_plugin: InstallPlugin, tmp_path: Path, source: str, value: str
) -> None:
    install_plugin(source, functions={"broken-ep": value})
    with pytest.raises(StarrulesError) as caught:
        load_any(tmp_path)
    assert "broken-ep" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("", "no_such_module_for_starrules:RULESETS", id="module-missing"),
        pytest.param("X = 1\n", "MISSING", id="attribute-missing"),
        pytest.param("X = 42\n", "X", id="not-a-path"),
        pytest.param("def X():\n    return 42\n", "X", id="callable-returns-not-a-path"),
        pytest.param("X = '/no/such/starrules/folder'\n", "X", id="missing-folder"),
        pytest.param(
            "def X():\n    raise OSError('no rulesets today')\n", "X", id="callable-raises"
        ),
    ],
)
def test_broken_rulesets_entry_point(
    install_plugin: InstallPlugin, source: str, value: str
) -> None:
    install_plugin(source, rulesets={"broken-rulesets": value})
    with pytest.raises(StarrulesError) as caught:
        Registry.default()
    assert "broken-rulesets" in str(caught.value)


def test_broken_plugin_ruleset_is_a_ruleset_error(
    install_plugin: InstallPlugin, tmp_path: Path
) -> None:
    directory = _write_ruleset(tmp_path, "per_household(1, 2) >= 0")
    install_plugin(f"X = {str(directory)!r}\n", rulesets={"bad-file": "X"})
    with pytest.raises(RulesetError) as caught:
        Registry.default()
    assert "unknown function 'per_household'" in str(caught.value)
