"""Versions and `extends` (starrules.load.chains): how variants of a ruleset are ordered and
which versions an overlay names."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from starrules.load.chains import extends_parts, version_key, version_matches


def test_versions_are_ordered_part_by_part_as_numbers() -> None:
    versions = ["2022.10", "2022.9", "2023", "2022.1.1", "2022.1"]
    assert sorted(versions, key=version_key) == ["2022.1", "2022.1.1", "2022.9", "2022.10", "2023"]


@pytest.mark.parametrize(
    ("version", "wanted", "matches"),
    [
        ("2022.1", "2022.1", True),
        ("2022.1", "2022.01", True),  # the same version, written otherwise
        ("2022.1", "2023.1", False),
        ("2022.1", SpecifierSet(">=2022.1,<2024"), True),
        ("2024.1", SpecifierSet(">=2022.1,<2024"), False),
    ],
)
def test_extends_names_a_version_or_a_range(
    version: str, wanted: str | SpecifierSet, matches: bool
) -> None:
    assert version_matches(version, wanted) is matches


def test_extends_names_a_family_and_what_version() -> None:
    assert extends_parts("henan-rural@>=2022.1,<2024") == ("henan-rural", ">=2022.1,<2024")
    assert extends_parts("henan-rural@2022.1") == ("henan-rural", "2022.1")
