"""The built wheel ships the bundled rulesets and finds them when installed (not editable)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_rulesets_and_finds_them(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("starrules-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "starrules/bundled_rulesets/cn-henan/henan-rural-2022.1.yaml" in names
    assert "starrules/py.typed" in names

    target = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    probe = (
        "import starrules, pathlib\n"
        "from starrules.load.registry import bundled_rulesets_dir\n"
        "d = bundled_rulesets_dir()\n"
        f"assert pathlib.Path(starrules.__file__).is_relative_to({str(target)!r}), "
        "starrules.__file__\n"
        f"assert d.is_relative_to({str(target)!r}), d\n"
        "r = starrules.Registry.default().resolve('cn-henan/nanyang/xixia', 'rural')\n"
        "print(r.id, r.version)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("henan-rural ")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


HEAVY = (
    "durable",
    "durable_rules",
    "hypothesis",
    "click",
    "openpyxl",
    "plotly",
    "starrules.monitor",
    "starrules.cli",
)


def _loaded(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


def test_import_starrules_loads_only_the_package() -> None:
    modules = _modules_after("import starrules")
    assert _loaded(modules, (*HEAVY, "pydantic", "yaml", "packaging")) == []
    assert _loaded(modules, ("starrules",)) == ["starrules"]


def test_first_use_loads_what_it_needs_and_no_more() -> None:
    modules = _modules_after(
        "import starrules\n"
        "rs = starrules.load_ruleset('rulesets/cn-henan/henan-rural-2022.1.yaml')\n"
        "assert starrules.Village.__name__ == 'Village' and rs.id == 'henan-rural'"
    )
    assert _loaded(modules, HEAVY) == []
    assert "starrules.village" in modules and "starrules.load.loader" in modules


def test_every_public_name_resolves_and_is_listed() -> None:
    import starrules

    for name in starrules.__all__:
        assert getattr(starrules, name) is not None, name
    assert set(starrules.__all__) <= set(dir(starrules))
    assert starrules.Monitor is __import__("starrules.monitor").monitor.Monitor
    with pytest.raises(AttributeError, match="no_such_name"):
        starrules.no_such_name  # noqa: B018
