"""Every shipped ruleset passes its test cases and every property check (in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from starrules.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_every_shipped_ruleset_lints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(ROOT / "rulesets")]) == 0
    assert "problem" not in capsys.readouterr().err


def test_every_shipped_case_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(ROOT / "rulesets"), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(" passed, 0 failed")


@pytest.mark.slow
def test_every_shipped_ruleset_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["check", str(ROOT / "rulesets"), "--examples", "30", "--seed", "1", "--lang", "en"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    last = out.splitlines()[-1]
    assert last.endswith(" passed, 0 failed") and not last.startswith("0 passed")
    assert "tighten-only" in out  # the county overlays were checked against their parents
