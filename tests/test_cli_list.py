"""`starrules list`: the rulesets known, without the versions that are never in force
(superseded on their first day), unless `--all`, which adds a note column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from starrules.cli import main

YUANHUI_NEVER = "cn-henan@2022.1 → yuanhui@2022.1"  # starts 2023-01-01, as 2023.1 does
YUANHUI_CHOSEN = "cn-henan@2022.1 → cn-henan@2023.1 → yuanhui@2022.1"

VERSION = """\
starrules: 1
id: listed
jurisdiction: cn-listtest
kind: rural
version: "{version}"
effective: {{from: {start}}}
title: {{zh: 列表测试, en: List test}}
stars:
  - id: safety
    name: {{zh: 平安法治星, en: Safety and Rule of Law}}
    grant:
      all:
        - {{id: safety.grid, test: safety.grid_management, text: {{zh: 网格化管理, en: Grid}}}}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["list", *args])
    return code, capsys.readouterr().out.splitlines()


def row(lines: list[str], layers: str) -> str | None:
    """The rural row with these layers."""
    found = [
        line
        for line in lines
        if " rural " in line and (f"  {layers}  " in line or line.endswith(f"  {layers}"))
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_a_chain_superseded_on_its_first_day_is_not_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = run(capsys)
    assert code == 0
    assert lines[0].split() == [
        "jurisdiction",
        "kind",
        "version",
        "in",
        "force",
        "layers",
        "fingerprint",
    ]
    assert row(lines, YUANHUI_NEVER) is None
    assert row(lines, YUANHUI_CHOSEN) is not None
    # a version in force for a while is listed: the province's 2022.1, 2022-05-01 onwards
    assert row(lines, "cn-henan@2022.1") is not None


def test_all_lists_everything_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "--all")
    assert code == 0
    assert lines[0].split()[-1] == "note"
    never = row(lines, YUANHUI_NEVER)
    assert never is not None
    assert never.endswith(
        f"never in force: superseded on its first day (2023-01-01) by {YUANHUI_CHOSEN}"
    )
    province = row(lines, "cn-henan@2022.1")
    assert province is not None
    assert province.endswith("superseded from 2023-01-01 by cn-henan@2022.1 → cn-henan@2023.1")
    chosen = row(lines, YUANHUI_CHOSEN)
    assert chosen is not None and "superseded" not in chosen
    _, default = run(capsys)
    assert len(lines) == len(default) + 1  # the one hidden row


def test_same_day_versions_of_ones_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for version, start in (("1", "2024-01-01"), ("2", "2024-01-01"), ("3", "2025-01-01")):
        (tmp_path / f"listed-{version}.yaml").write_text(
            VERSION.format(version=version, start=start), encoding="utf-8"
        )
    _, lines = run(capsys, "--rulesets", str(tmp_path))
    mine = [line for line in lines if line.startswith("cn-listtest ")]
    assert [line.split()[2] for line in mine] == ["listed@2", "listed@3"]
    _, lines = run(capsys, "--rulesets", str(tmp_path), "--all")
    mine = [line for line in lines if line.startswith("cn-listtest ")]
    assert [line.split()[2] for line in mine] == ["listed@1", "listed@2", "listed@3"]
    assert mine[0].endswith(
        "never in force: superseded on its first day (2024-01-01) by cn-listtest@2"
    )
    assert mine[1].endswith("superseded from 2025-01-01 by cn-listtest@3")
    assert "superseded" not in mine[2] and "never" not in mine[2]


def test_json_has_the_same_rows_and_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "--format", "json")
    assert code == 0
    rows = json.loads("\n".join(lines))
    chains = [" → ".join(r["layers"]) for r in rows]
    assert not any(c.endswith("(cn-henan/luohe/yuanhui)") and "2023.1" not in c for c in chains)
    assert all("note" in r for r in rows)
    province = next(r for r in rows if r["layers"] == ["henan-rural@2022.1 (cn-henan)"])
    assert province["note"] == "superseded from 2023-01-01 by cn-henan@2022.1 → cn-henan@2023.1"
    _, lines = run(capsys, "--format", "json", "--all")
    every = json.loads("\n".join(lines))
    assert len(every) == len(rows) + 1
    (never,) = [r for r in every if r not in rows]
    assert never["note"].startswith("never in force: superseded on its first day (2023-01-01)")
