"""The `source` citations of the shipped rulesets, checked against the seed reports.

A source that is one of the seed reports says so in its note ("Seed report 003"). Every
such source must name a seed that exists, and the criteria that shared/domain.md's
corrected table traces to the seeds must cite what that table gives (for example: no
seed names 村规民约 or the 一约四会 councils, so those rest on public practice).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from starrules import Registry, Ruleset
from starrules.rules import Criterion

ROOT = Path(__file__).resolve().parents[1]
# The seed reports live next to the repository (../shared/seeds) in the project's checkout;
# where they are not, only what the rulesets say about them is checked.
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

# Seed number -> words of its title, as the source that cites it must give them.
SEEDS = {
    "000": "寨根乡",
    "001": "韩庄",
    "002": "回车镇",
    "003": "调研报告",
    "004": "源汇区",
}
SEED_NOTE = re.compile(r"\bSeed report (\d{3})\b")

# shared/domain.md, "A starting reconstruction of the 29 criteria" (corrected 2026-12): the
# seeds (or other sources) each criterion of henan-rural@2022.1 may cite.
CORRECTED: dict[str, set[str]] = {
    "branch.secretary-strong": {"000", "001"},
    "branch.reserve-cadres": {"000"},
    "branch.three-meetings-one-lesson": {"000"},
    "branch.member-review": {"000"},
    "branch.service-center": {"000"},
    "branch.pioneer-posts": {"000"},
    "branch.weak-and-lax": {"003", "004"},
    "industry.collective-income": {"000", "003", "boai-2022"},
    "industry.one-village-one-product": {"000", "002"},
    "industry.branch-led-cooperative": {"000"},
    "industry.dual-binding": {"000", "003"},
    "industry.local-jobs": {"004"},
    "industry.skills-training": {"000", "002"},
    "ecology.sanitary-toilets": {"000", "boai-2022"},
    "ecology.sewage": {"000", "001"},
    "ecology.garbage-system": {"000", "001"},
    "ecology.cleaning-days": {"000"},
    "ecology.greening": {"001"},
    "safety.disputes-resolved": {"000", "002"},
    "safety.grid-management": {"000", "002"},
    "safety.video-coverage": {"002", "003"},
    "safety.key-populations": {"000"},
    "safety.escalated-petition": {"henan-sanling"},
    "safety.casualty-accident": {"henan-sanling"},
    "safety.criminal-case": {"henan-sanling"},
    "civility.practice-station": {"000", "003"},
    "civility.village-rules": {"public-practice"},
    "civility.councils": {"public-practice"},
    "civility.star-households": {"000", "002", "003"},
    "civility.activities": {"001", "002"},
    # the county overlays' criteria that the table's rows cover
    "yuanhui.hardened-roads": {"003", "004"},
}
# A later layer's own version of a criterion, with what its text rests on.
CORRECTED_BY_LAYER: dict[tuple[str, str], set[str]] = {
    # 2023.1 asks for five councils: seed 003 plans to "巧用“一约五会”助力乡风文明" in 2023.
    ("civility.councils", "henan-rural@2023.1 (cn-henan)"): {"003"},
}


def shipped() -> list[Ruleset]:
    rulesets = [
        rs for rs in Registry.default().rulesets if "/rulesets/" in rs.file.replace("\\", "/")
    ]
    assert rulesets, "the bundled rulesets are found"
    return rulesets


def seed_of(ruleset: Ruleset, source_id: str) -> str | None:
    """The seed number a source of the ruleset stands for, or None."""
    source = ruleset.tree.sources[source_id]
    found = SEED_NOTE.search(source.note or "")
    return found.group(1) if found else None


def criteria(ruleset: Ruleset) -> list[Criterion]:
    return [n for star in ruleset.stars for n in star.nodes if isinstance(n, Criterion)]


def test_every_seed_source_names_a_seed_that_exists() -> None:
    files = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []
    for ruleset in shipped():
        for source in ruleset.tree.sources.values():
            found = SEED_NOTE.search(source.note or "")
            if found is None:
                assert "seed report" not in (source.note or "").lower().replace(
                    "no seed report", ""
                ), (ruleset.file, source.id, "a seed report without its number")
                continue
            number = found.group(1)
            assert number in SEEDS, (ruleset.file, source.id, number)
            assert SEEDS[number] in source.title, (ruleset.file, source.id, source.title)
            if files:
                (seed,) = [f for f in files if f.name.startswith(f"{number}_")]
                assert SEEDS[number] in seed.read_text(encoding="utf-8"), seed


def test_every_criterion_cites_a_declared_source() -> None:
    for ruleset in shipped():
        for criterion in criteria(ruleset):
            if criterion.source is not None:
                assert criterion.source in ruleset.tree.sources, (ruleset.file, criterion.id)


@pytest.mark.parametrize("criterion_id", sorted(CORRECTED))
def test_criteria_cite_what_the_corrected_table_gives(criterion_id: str) -> None:
    checked = 0
    for ruleset in shipped():
        for criterion in criteria(ruleset):
            if criterion.id != criterion_id or ruleset.id != "henan-rural":
                continue
            allowed = CORRECTED_BY_LAYER.get(
                (criterion.id, criterion.layer.ref), CORRECTED[criterion.id]
            )
            assert criterion.source is not None, (ruleset.file, criterion.id)
            cited = seed_of(ruleset, criterion.source) or criterion.source
            assert cited in allowed, (
                f"{criterion.id} ({criterion.layer.ref}) cites {criterion.source} ({cited}); "
                f"shared/domain.md gives {sorted(allowed)}"
            )
            checked += 1
    assert checked, f"{criterion_id} is in a shipped henan-rural chain"


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed reports are not next to the checkout")
@pytest.mark.parametrize(
    ("seed", "words"),
    [
        ("003", ["一约五会", "红白喜事简办", "雨污管网", "双绑", "摄像头", "软弱涣散"]),
        ("000", ["污水管网进组入户", "移风易俗", "认岗领责"]),
        ("001", ["生活污水治理", "村庄绿化"]),
    ],
)
def test_the_seeds_say_what_the_notes_quote(seed: str, words: list[str]) -> None:
    (path,) = SEEDS_DIR.glob(f"{seed}_*.txt")
    text = path.read_text(encoding="utf-8")
    for word in words:
        assert word in text, (seed, word)
    if seed == "003":  # what the corrected table says 003 does not contain
        for word in ("村规民约", "一约四会", "污水"):
            assert word not in text, (seed, word)
