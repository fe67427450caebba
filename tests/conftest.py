"""Shared helpers for the test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import Village

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"


def provincial_example_lines() -> list[str]:
    """The example villages as JSON lines without the county indicators (`extra`) that only
    the 汤阴 and 西峡 overlays declare, for tests that judge them by a provincial ruleset."""
    lines = [line for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in lines]
    return [
        json.dumps({k: v for k, v in r.items() if k != "extra"}, ensure_ascii=False) for r in rows
    ]


def provincial_examples() -> list[Village]:
    return [Village.model_validate_json(line) for line in provincial_example_lines()]


def ruleset_of(
    stars: list[dict[str, Any]], *, ruleset_id: str = "t", **more: Any
) -> starrules.Ruleset:
    """A ruleset for cn-test (rural, version 1, in force from 2020) with these stars."""
    document = {
        "starrules": 1,
        "id": ruleset_id,
        "jurisdiction": "cn-test",
        "kind": "rural",
        "version": "1",
        "effective": {"from": "2020-01-01"},
        "title": {"zh": "测试", "en": "test"},
        **more,
        "stars": stars,
    }
    return starrules.loads_ruleset(json.dumps(document, ensure_ascii=False), f"<{ruleset_id}>")


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages without --lang follow the locale: tests see an English one."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
