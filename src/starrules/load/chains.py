"""Chains: which rulesets an overlay extends, and how variants of a ruleset are ordered.

Versions are digits and dots (schema.py). They are ordered part by part as numbers
(`version_key`); `extends` names one exactly or gives a PEP 440 range (`version_matches`).
An overlay applies within its base's jurisdiction, to a base of its own family: at the
most specific jurisdiction that has a matching one (`find_bases`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from ..errors import Problem, RulesetError
from ..ruleset import Ruleset
from ..village import within
from .schema import RulesetDoc
from .source_document import SourceDocument

_EXACT = re.compile(r"^\d+(\.\d+)*$")

Wanted = SpecifierSet | str  # what `extends` asks of a base's version: a range, or exactly one


def version_key(version: str) -> tuple[int, ...]:
    """A version's parts as numbers, for ordering: 2022.10 comes after 2022.9."""
    return tuple(int(part) for part in version.split("."))


def version_matches(version: str, wanted: Wanted) -> bool:
    """Whether a base's version is the one `extends` names, or in its range (PEP 440)."""
    if isinstance(wanted, str):
        return Version(version) == Version(wanted)
    return Version(version) in wanted


def chain_key(ruleset: Ruleset) -> tuple[tuple[int, ...], ...]:
    """Orders variants of a ruleset: by its own version, then its bases' (top down)."""
    return tuple(version_key(layer.version) for layer in reversed(ruleset.layers))


def extends_parts(extends: str) -> tuple[str, str]:
    """(family, version or range as written) that `extends` names: henan-rural@>=2022.1."""
    family, _, wanted = extends.partition("@")
    return family, wanted


def extends_matcher(source: SourceDocument, doc: RulesetDoc) -> tuple[str, Wanted]:
    """(family, exact version or specifier set) of `extends`; a bad range is a Problem."""
    assert doc.extends is not None
    family, wanted = extends_parts(doc.extends)
    if _EXACT.match(wanted):
        return family, wanted
    try:
        return family, SpecifierSet(wanted)
    except InvalidSpecifier:
        raise RulesetError(
            [
                Problem.coded(
                    source.location(("extends",)),
                    "SR410",
                    'write e.g. extends: "henan-rural@2022.1" or "henan-rural@>=2022.1,<2024"',
                    wanted=f"'{wanted}'",
                )
            ]
        ) from None


def could_extend(
    family: str,
    wanted: Wanted,
    doc: RulesetDoc,
    base_id: str,
    base_jurisdiction: str,
    base_version: str,
) -> bool:
    """Whether a ruleset (id, jurisdiction, version) is a possible base of `doc`."""
    if base_id != family:
        return False
    own = doc.jurisdiction
    if not within(own, base_jurisdiction):
        return False
    if base_jurisdiction == own and version_key(base_version) >= version_key(doc.version):
        return False  # a ruleset extends an earlier version of itself, never a later one
    return version_matches(base_version, wanted)


def find_bases(
    source: SourceDocument, doc: RulesetDoc, candidates: Iterable[Ruleset]
) -> list[Ruleset]:
    """The rulesets `doc` extends: those matching `extends` at the most specific
    jurisdiction that has any. Raise RulesetError (at `extends`) when none does."""
    family, wanted = extends_matcher(source, doc)
    pool = list(candidates)
    matches = [
        rs for rs in pool if could_extend(family, wanted, doc, rs.id, rs.jurisdiction, rs.version)
    ]
    if not matches:
        elsewhere = sorted(
            {
                f"{rs.id}@{rs.version} ({rs.jurisdiction})"
                for rs in pool
                if could_extend(
                    family,
                    wanted,
                    doc.model_copy(update={"jurisdiction": rs.jurisdiction + "/x"}),
                    rs.id,
                    rs.jurisdiction,
                    rs.version,
                )
            }
        )
        if elsewhere:
            raise RulesetError(
                [
                    Problem.coded(
                        source.location(("jurisdiction",)),
                        "SR428",
                        jurisdiction=doc.jurisdiction,
                        bases=", ".join(elsewhere),
                        extends=doc.extends,
                    )
                ]
            )
        known = sorted(
            {f"{rs.id}@{rs.version} ({rs.jurisdiction})" for rs in pool if rs.id == family}
        )
        listing = ", ".join(known) if known else f"no ruleset of family '{family}' is loaded"
        raise RulesetError(
            [
                Problem.coded(
                    source.location(("extends",)), "SR409", extends=doc.extends, known=listing
                )
            ]
        )
    depth = max(rs.jurisdiction.count("/") for rs in matches)
    return [rs for rs in matches if rs.jurisdiction.count("/") == depth]
