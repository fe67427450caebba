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
        "from starrules.registry import bundled_rulesets_dir\n"
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
