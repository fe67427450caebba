"""The registry (spec §5): which ruleset applies to a jurisdiction, kind and date.

The rulesets are the small files in tests/fixtures/eval_registry/, copied into a tmp dir:
eval-rural@2022.1 (cn-henan, from 2022-01-01), eval-rural@2023.1 (cn-henan, from
2023-01-01) and eval-rural@2023.1 for cn-henan/nanyang/xixia (2023-06-01 to 2024-12-31).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import Registry, ResolutionError
from starrules.load.registry import RESOLVE_CACHE_SIZE

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SOURCE = FIXTURES / "eval_registry"
MODEL: dict[str, Any] = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
XIXIA = "cn-henan/nanyang/xixia"
TANGYIN = "cn-henan/anyang/tangyin"


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(SOURCE, target)
    return target


@pytest.fixture
def registry(rules_dir: Path) -> Registry:
    return Registry.from_paths([rules_dir])


def picked(ruleset: starrules.Ruleset) -> tuple[str, str]:
    return ruleset.jurisdiction, ruleset.version


def test_from_paths_loads_every_file(registry: Registry) -> None:
    assert sorted(picked(rs) for rs in registry.rulesets) == [
        ("cn-henan", "2022.1"),
        ("cn-henan", "2023.1"),
        (XIXIA, "2023.1"),
    ]


def test_from_paths_takes_files_and_directories(rules_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "county"
    other.mkdir()
    (rules_dir / "xixia-2023.1.yaml").rename(other / "xixia-2023.1.yaml")
    registry = Registry.from_paths([str(rules_dir / "province-2022.1.yaml"), other])
    assert sorted(picked(rs) for rs in registry.rulesets) == [
        ("cn-henan", "2022.1"),
        (XIXIA, "2023.1"),
    ]


@pytest.mark.parametrize(
    ("jurisdiction", "on", "expected"),
    [
        (XIXIA, date(2023, 7, 1), (XIXIA, "2023.1")),  # the county, in force
        (XIXIA, date(2024, 12, 31), (XIXIA, "2023.1")),  # its last day
        (XIXIA, date(2023, 5, 31), ("cn-henan", "2023.1")),  # the day before it starts
        (XIXIA, date(2025, 1, 1), ("cn-henan", "2023.1")),  # after it ended
        (XIXIA, date(2022, 6, 1), ("cn-henan", "2022.1")),
        (TANGYIN, date(2023, 7, 1), ("cn-henan", "2023.1")),  # an unknown county: province
        (TANGYIN, date(2022, 12, 31), ("cn-henan", "2022.1")),
        (TANGYIN, date(2023, 1, 1), ("cn-henan", "2023.1")),  # both in force: highest
        ("cn-henan/nanyang", date(2023, 7, 1), ("cn-henan", "2023.1")),  # above the county
        ("cn-henan", date(2023, 7, 1), ("cn-henan", "2023.1")),
        ("cn-henan/nanyang/xixia/zhaigen", date(2023, 7, 1), (XIXIA, "2023.1")),  # below it
    ],
)
def test_resolve_picks_the_most_specific_ruleset_in_force_and_its_highest_version(
    registry: Registry, jurisdiction: str, on: date, expected: tuple[str, str]
) -> None:
    assert picked(registry.resolve(jurisdiction, kind="rural", on=on)) == expected


def test_resolve_defaults_to_rural_and_today(registry: Registry) -> None:
    assert picked(registry.resolve(TANGYIN)) == picked(
        registry.resolve(TANGYIN, kind="rural", on=date.today())
    )


def test_versions_compare_as_numbers_not_strings(rules_dir: Path) -> None:
    text = (rules_dir / "province-2022.1.yaml").read_text(encoding="utf-8")
    for version in ("2022.9", "2022.10"):
        (rules_dir / f"province-{version}.yaml").write_text(
            text.replace('"2022.1"', f'"{version}"'), encoding="utf-8"
        )
    registry = Registry.from_paths([rules_dir])
    assert registry.resolve(TANGYIN, on=date(2022, 6, 1)).version == "2022.10"


def test_a_dash_in_an_id_is_not_a_path_prefix(registry: Registry) -> None:
    with pytest.raises(ResolutionError):
        registry.resolve("cn-henanx/anyang", on=date(2023, 7, 1))


@pytest.mark.parametrize(
    ("jurisdiction", "kind", "on"),
    [
        (TANGYIN, "rural", date(2021, 12, 31)),  # before any version
        ("cn-hebei/shijiazhuang", "rural", date(2023, 7, 1)),  # another province
        (TANGYIN, "urban_community", date(2023, 7, 1)),  # no urban ruleset
    ],
)
def test_resolution_error_lists_what_exists(
    registry: Registry, jurisdiction: str, kind: str, on: date
) -> None:
    with pytest.raises(ResolutionError) as caught:
        registry.resolve(jurisdiction, kind=kind, on=on)
    message = str(caught.value)
    assert jurisdiction in message and kind in message and on.isoformat() in message
    for expected in (
        "cn-henan rural eval-rural@2022.1",
        "cn-henan rural eval-rural@2023.1",
        f"{XIXIA} rural eval-rural@2023.1",
        "2024-12-31",
    ):
        assert expected in message
    assert isinstance(caught.value, starrules.StarrulesError)


def test_an_empty_registry_says_so(tmp_path: Path) -> None:
    registry = Registry.from_paths([tmp_path])
    assert registry.rulesets == ()
    with pytest.raises(ResolutionError, match="no rulesets"):
        registry.resolve(TANGYIN)


def test_a_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(starrules.RulesetError, match="no such file"):
        Registry.from_paths([tmp_path / "missing"])


def test_the_same_ruleset_twice_is_an_error(rules_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(rules_dir / "province-2022.1.yaml", copy / "again.yaml")
    with pytest.raises(starrules.RulesetError, match=r"eval-rural@2022\.1"):
        Registry.from_paths([rules_dir, copy])


def test_a_ruleset_error_in_one_file_reports_all_of_them(rules_dir: Path) -> None:
    for name in ("province-2022.1.yaml", "xixia-2023.1.yaml"):
        path = rules_dir / name
        path.write_text(
            path.read_text(encoding="utf-8")
            .replace("civility.", "civilty.")
            .replace("industry.", "industy."),
            encoding="utf-8",
        )
    with pytest.raises(starrules.RulesetError) as caught:
        Registry.from_paths([rules_dir])
    files = {Path(p.location.file).name for p in caught.value.problems}
    assert files == {"province-2022.1.yaml", "xixia-2023.1.yaml"}


def test_from_paths_with_a_single_string(rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(rules_dir.parent)  # a name without '/', so the bug cannot crawl '/'
    try:
        registry = Registry.from_paths("rules")
    except TypeError:
        return  # refusing a bare string is fine too
    assert len(registry.rulesets) == 3


def test_registry_evaluate_resolves_by_village_jurisdiction_kind_and_date(
    registry: Registry,
) -> None:
    village = starrules.Village.model_validate(
        {**MODEL, "jurisdiction": XIXIA, "as_of": "2023-12-31"}
    )
    a = registry.evaluate(village)
    assert (a.ruleset.jurisdiction, a.ruleset.version) == (XIXIA, "2023.1")
    undated = starrules.Village.model_validate({**MODEL, "jurisdiction": XIXIA, "as_of": None})
    a = registry.evaluate(undated, on=date(2023, 3, 1))
    assert (a.ruleset.jurisdiction, a.ruleset.version) == ("cn-henan", "2023.1")
    assert a.as_of == date(2023, 3, 1)
    a = starrules.evaluate(undated, on=date(2022, 6, 1), registry=registry)
    assert (a.ruleset.jurisdiction, a.ruleset.version) == ("cn-henan", "2022.1")


# ----------------------------------------------------------------------------- default


UNLISTED = "cn-henan/zhengzhou/xinzheng"  # a county with no ruleset of its own


def test_the_default_registry_holds_the_bundled_henan_ruleset() -> None:
    default = Registry.default()
    assert default is Registry.default()  # loaded once
    ruleset = default.resolve(UNLISTED, kind="rural", on=date(2022, 12, 31))
    assert (ruleset.id, ruleset.version, ruleset.jurisdiction) == (
        "henan-rural",
        "2022.1",
        "cn-henan",
    )
    later = default.resolve(UNLISTED, kind="rural", on=date(2023, 1, 1))
    assert [(la.version, la.jurisdiction) for la in later.layers] == [
        ("2022.1", "cn-henan"),
        ("2023.1", "cn-henan"),
    ]


def test_the_default_registry_resolves_a_county_overlay_over_the_province_in_force() -> None:
    default = Registry.default()
    in_2022 = default.resolve(TANGYIN, kind="rural", on=date(2022, 12, 31))
    in_2023 = default.resolve(TANGYIN, kind="rural", on=date(2023, 6, 1))
    assert [la.jurisdiction for la in in_2022.layers] == ["cn-henan", TANGYIN]
    assert [(la.version, la.jurisdiction) for la in in_2023.layers] == [
        ("2022.1", "cn-henan"),
        ("2023.1", "cn-henan"),
        (in_2023.version, TANGYIN),
    ]


def test_starrules_evaluate_uses_the_bundled_registry() -> None:
    village = starrules.Village.model_validate(
        {**MODEL, "jurisdiction": UNLISTED, "as_of": "2022-12-31"}
    )
    a = starrules.evaluate(village)
    assert (a.ruleset.id, a.ruleset.version) == ("henan-rural", "2022.1")
    assert a.level.value == 5
    direct = starrules.load_ruleset(ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml")
    assert a.ruleset.fingerprint == direct.fingerprint
    assert a.model_dump() == direct.evaluate(village).model_dump()


def test_starrules_evaluate_outside_any_ruleset_is_a_resolution_error() -> None:
    hubei = starrules.Village.model_validate({**MODEL, "jurisdiction": "cn-hubei/wuhan"})
    with pytest.raises(ResolutionError, match="cn-hubei/wuhan"):
        starrules.evaluate(hubei)
    early = starrules.Village.model_validate({**MODEL, "as_of": "2021-12-31"})
    with pytest.raises(ResolutionError, match="2021-12-31"):
        starrules.evaluate(early)


def test_importing_starrules_does_not_import_durable_rules() -> None:
    code = (
        "import starrules, sys; "
        "assert 'durable_rules' not in sys.modules and 'durable' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith('durable'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_resolve_reuses_its_answer_for_the_same_jurisdiction_kind_and_date(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = registry.resolve(XIXIA, "rural", date(2023, 7, 1))
    scans: list[date] = []
    original = starrules.Ruleset.in_force
    monkeypatch.setattr(
        starrules.Ruleset, "in_force", lambda rs, on: scans.append(on) or original(rs, on)
    )
    assert registry.resolve(XIXIA, "rural", date(2023, 7, 1)) is first
    assert scans == []  # answered without scanning the rulesets again
    other = registry.resolve(XIXIA, "rural", date(2022, 7, 1))
    assert scans and picked(other) == ("cn-henan", "2022.1")


def test_the_resolution_cache_is_per_registry_and_bounded(rules_dir: Path) -> None:
    registry = Registry.from_paths([rules_dir])
    other = Registry.from_paths([rules_dir])
    for day in range(2 * RESOLVE_CACHE_SIZE):
        registry.resolve("cn-henan", "rural", date.fromordinal(date(2023, 1, 1).toordinal() + day))
    assert 0 < len(registry._resolved) <= RESOLVE_CACHE_SIZE
    assert len(other._resolved) == 0


def test_a_resolution_error_is_raised_every_time(registry: Registry) -> None:
    for _ in range(2):
        with pytest.raises(ResolutionError, match="cn-hubei"):
            registry.resolve("cn-hubei", "rural", date(2023, 7, 1))
    assert len(registry._resolved) == 0


def test_resolve_from_many_threads_agrees_with_one(registry: Registry) -> None:
    days = [date(2022, 1, 1) + timedelta(days=d) for d in range(0, 1500, 7)]
    places = [XIXIA, "cn-henan", "cn-henan/luohe"]
    expected = {(p, d): picked(registry.resolve(p, "rural", d)) for p in places for d in days}
    fresh = Registry(registry.rulesets)

    def work(seed: int) -> list[tuple[tuple[str, date], tuple[str, str]]]:
        keys = sorted(expected, key=lambda k: hash((k, seed)))
        return [(k, picked(fresh.resolve(k[0], "rural", k[1]))) for k in keys]

    with ThreadPoolExecutor(max_workers=8) as pool:
        for answers in pool.map(work, range(16)):
            assert dict(answers) == expected


def test_cli_with_a_standalone_ruleset_file_does_not_build_the_default_registry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from starrules.cli import main

    henan = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
    villages = tmp_path / "villages.jsonl"
    villages.write_text(json.dumps({**MODEL, "as_of": "2022-12-31"}) + "\n", encoding="utf-8")
    expected = main(["evaluate", str(villages), "--ruleset", str(henan)]), capsys.readouterr()

    def refuse() -> Registry:
        raise AssertionError("the default registry was built")

    monkeypatch.setattr(Registry, "default", staticmethod(refuse))
    got = main(["evaluate", str(villages), "--ruleset", str(henan)]), capsys.readouterr()
    assert got == expected and got[0] == 0


def test_cli_with_an_overlay_file_extends_the_default_registry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from starrules.cli import main

    xixia = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
    villages = tmp_path / "villages.jsonl"
    villages.write_text(
        json.dumps({**MODEL, "jurisdiction": XIXIA, "as_of": "2022-12-31"}) + "\n", encoding="utf-8"
    )
    code = main(
        [
            "evaluate",
            str(villages),
            "--ruleset",
            str(xixia),
            "--format",
            "jsonl",
            "--detail",
            "full",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    (line,) = out.splitlines()
    layers = [layer["jurisdiction"] for layer in json.loads(line)["ruleset"]["layers"]]
    assert layers == ["cn-henan", XIXIA]  # the overlay over the bundled province
