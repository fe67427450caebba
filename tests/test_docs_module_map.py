"""docs/index.md's module map names every module of src/starrules, and nothing else: a module
added, moved or removed without its row fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "starrules"
INDEX = ROOT / "docs" / "index.md"
MODULE = re.compile(r"`([^`\s]+\.py)`")


def _modules() -> set[str]:
    """Every .py file under src/starrules, relative to it, with forward slashes."""
    return {path.relative_to(SOURCE).as_posix() for path in SOURCE.rglob("*.py")}


def _module_map() -> str:
    """The text of the "## Module map" section, up to the next `## ` heading."""
    text = INDEX.read_text(encoding="utf-8")
    found = re.search(r"^## Module map\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert found, "docs/index.md has no '## Module map' section"
    return found.group(1)


def test_every_module_is_in_the_module_map() -> None:
    named = set(MODULE.findall(_module_map()))
    missing = sorted(_modules() - named)
    assert not missing, (
        "modules under src/starrules/ without a row in docs/index.md's module map "
        "(write each as `path/relative/to/src/starrules.py`):\n  " + "\n  ".join(missing)
    )


def test_every_module_in_the_module_map_exists() -> None:
    stale = sorted(set(MODULE.findall(_module_map())) - _modules())
    assert not stale, (
        "docs/index.md's module map names .py files that are not under src/starrules/ "
        "(moved, renamed or removed):\n  " + "\n  ".join(stale)
    )
