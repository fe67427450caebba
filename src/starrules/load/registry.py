"""The registry: every known ruleset, resolved through its overlays, and which one applies
to a village on a date.

Loading a set of files compiles every standalone ruleset, then applies every overlay to
each base it extends (for a version range, to every matching base version), so that the
registry holds one resolved ruleset per chain (e.g. 西峡 overlay over the 2022 province,
and the same overlay over the 2023 province). A resolved chain is in force where all of
its layers are. `resolve` then picks, for a jurisdiction path, kind and date, the most
specific jurisdiction with a chain in force, and there the highest versions, top down.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import Location, Problem, ResolutionError, RulesetError, StarrulesError
from ..explain.assessment import Assessment
from ..expr import FunctionSpec
from ..expr.plugins import available_functions, plugin_ruleset_dirs
from ..ruleset import Ruleset
from ..village import Village
from .chains import chain_key, could_extend, extends_matcher, find_bases
from .documents import read_document
from .loader import compile_ruleset, find_ruleset_files
from .schema import RulesetDoc, is_overlay
from .source_document import SourceDocument
from .yaml_files import read_yaml


def bundled_rulesets_dir() -> Path:
    """The rulesets shipped with starrules (in the wheel, or the source tree when editable)."""
    package = Path(__file__).resolve().parents[1]  # src/starrules, or starrules in a wheel
    packaged = package / "bundled_rulesets"
    if packaged.is_dir():
        return packaged
    source_tree = package.parents[1] / "rulesets"
    if source_tree.is_dir():
        return source_tree
    raise StarrulesError.of(None, "SR652")


# How many (jurisdiction, kind, date) answers a Registry keeps: a run over many villages
# meets a few jurisdictions and dates, so this holds them all while bounding what a stream
# of distinct dates (one per village) can make it hold.
RESOLVE_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class _File:
    source: SourceDocument
    doc: RulesetDoc


class Registry:
    """An immutable collection of resolved rulesets, searchable by jurisdiction, kind, date."""

    __slots__ = ("_lock", "_resolved", "_rulesets")

    def __init__(self, rulesets: Sequence[Ruleset]) -> None:
        seen: dict[tuple[str, ...], Ruleset] = {}
        problems: list[Problem] = []
        for rs in rulesets:
            key = tuple(layer.ref for layer in rs.layers)
            first = seen.get(key)
            if first is None:
                seen[key] = rs
            else:
                problems.append(
                    Problem.coded(
                        Location(rs.file),
                        "SR429",
                        ruleset=f"{rs.id}@{rs.version}",
                        jurisdiction=rs.jurisdiction,
                        file=first.file,
                    )
                )
        if problems:
            raise RulesetError(problems)
        self._rulesets = tuple(seen.values())
        # Resolution scans every ruleset, which costs as much as evaluating a village; the
        # answers are reused (the rulesets never change). Reads need no lock (one dict
        # lookup); the lock keeps insertion and eviction consistent between threads.
        self._resolved: dict[tuple[str, str, date], Ruleset] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_paths(
        cls,
        paths: str | Path | Sequence[str | Path],
        functions: Mapping[str, FunctionSpec] | None = None,
        base: Registry | None = None,
    ) -> Registry:
        """Load every ruleset file under the given files and folders, resolve every overlay,
        and report every problem of every file at once. With `base` (e.g. the default
        registry) the files may extend its rulesets, and the result holds them too."""
        if isinstance(paths, str | Path):
            paths = [paths]  # one path, not a sequence of characters
        functions = {**available_functions(), **(functions or {})}
        files: list[_File] = []
        problems: list[Problem] = []
        for path in paths:
            for file in find_ruleset_files(path):
                try:
                    source = read_yaml(file, recover=True)
                    files.append(_File(source, read_document(source, functions)))
                except RulesetError as exc:
                    problems.extend(exc.problems)
        # The files replace whatever the base says for the same ruleset versions (an author
        # testing an edited copy of a bundled file), along with the chains built on them.
        defined = {(f.doc.id, f.doc.jurisdiction, f.doc.version) for f in files}
        pool: list[Ruleset] = [
            rs
            for rs in (base.rulesets if base is not None else ())
            if not any((la.id, la.jurisdiction, la.version) in defined for la in rs.layers)
        ]
        overlays = [f for f in files if is_overlay(f.doc)]
        for item in files:
            if not is_overlay(item.doc):
                try:
                    pool.append(compile_ruleset(item.source, item.doc, functions))
                except RulesetError as exc:
                    problems.extend(exc.problems)
        problems.extend(_apply_overlays(overlays, pool, functions, failed=bool(problems)))
        if problems:
            raise RulesetError(_unique(problems))
        return cls(pool)

    @classmethod
    def default(cls) -> Registry:
        """The bundled rulesets and every plug-in's. Loaded once per process: a Registry is
        immutable, so one instance serves every caller and thread."""
        return _default_registry()

    @property
    def rulesets(self) -> tuple[Ruleset, ...]:
        """Every resolved ruleset (each overlay once per base it applies to)."""
        return self._rulesets

    def resolve(self, jurisdiction: str, kind: str = "rural", on: date | None = None) -> Ruleset:
        """The ruleset for the most specific jurisdiction on the path that has one in force
        on the date (today when not given); there, the highest versions, top layer first."""
        when = on or date.today()
        key = (jurisdiction, kind, when)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(jurisdiction, kind, when)
            with self._lock:
                if len(self._resolved) >= RESOLVE_CACHE_SIZE:
                    del self._resolved[next(iter(self._resolved))]  # the oldest answer
                self._resolved[key] = found
        return found

    def _resolve(self, jurisdiction: str, kind: str, when: date) -> Ruleset:
        parts = jurisdiction.split("/")
        for depth in range(len(parts), 0, -1):
            prefix = "/".join(parts[:depth])
            candidates = [
                rs
                for rs in self._rulesets
                if rs.jurisdiction == prefix and rs.kind == kind and rs.in_force(when)
            ]
            if candidates:
                families = sorted({rs.id for rs in candidates})
                if len(families) > 1:
                    raise ResolutionError.of(
                        None,
                        "SR581",
                        count=len(families),
                        kind=kind,
                        date=when.isoformat(),
                        jurisdiction=prefix,
                        families=", ".join(families),
                    )
                return max(candidates, key=chain_key)
        known = sorted(
            f"{rs.jurisdiction} {rs.kind} {' → '.join(f'{la.id}@{la.version}' for la in rs.layers)}"
            f" (from {rs.effective_from}"
            + (f" to {rs.effective_until}" if rs.effective_until else "")
            + ")"
            for rs in self._rulesets
        )
        listing = "\n  ".join(known) if known else "(no rulesets loaded)"
        raise ResolutionError.of(
            None,
            "SR580",
            kind=kind,
            date=when.isoformat(),
            jurisdiction=jurisdiction,
            listing="\n  " + listing,
        )

    def evaluate(
        self, village: Village, on: date | None = None, *, strict: bool = False
    ) -> Assessment:
        """Assess a village with the ruleset in force for its jurisdiction, kind and date
        (`strict`: see `Ruleset.evaluate`)."""
        used = village.as_of or on or date.today()
        ruleset = self.resolve(village.jurisdiction, village.kind, used)
        return ruleset.evaluate(village, on, strict=strict)


def _apply_overlays(
    overlays: list[_File],
    resolved: list[Ruleset],
    functions: Mapping[str, FunctionSpec],
    failed: bool,
) -> list[Problem]:
    """Apply overlays in dependency order (bases first); add the results to `resolved`."""
    problems: list[Problem] = []
    unmatched: list[_File] = []
    pending = list(overlays)
    while pending:
        ready = [o for o in pending if not any(_may_be_base(p, o) for p in pending if p is not o)]
        if not ready:
            for item in pending:
                problems.append(
                    Problem.coded(
                        item.source.location(("extends",)), "SR417", extends=item.doc.extends
                    )
                )
            break
        for item in ready:
            try:
                bases = find_bases(item.source, item.doc, resolved)
            except RulesetError:
                unmatched.append(item)
                continue
            problems.extend(_apply_to_bases(item, bases, resolved, functions))
        pending = [o for o in pending if o not in ready]
    if not failed:  # else a base that failed to load was reported already
        # Reported once every overlay is applied, so that the "known:" list of an `extends`
        # that matches nothing names every version loaded, whatever the order of the files.
        for item in unmatched:
            try:
                find_bases(item.source, item.doc, resolved)
            except RulesetError as exc:
                problems.extend(exc.problems)
    return problems


def _apply_to_bases(
    item: _File,
    bases: list[Ruleset],
    resolved: list[Ruleset],
    functions: Mapping[str, FunctionSpec],
) -> list[Problem]:
    problems: list[Problem] = []
    for base in bases:
        try:
            ruleset = compile_ruleset(item.source, item.doc, functions, base)
        except RulesetError as exc:
            problems.extend(exc.problems)
            continue
        until = ruleset.effective_until
        if until is None or ruleset.effective_from <= until:  # else never in force
            resolved.append(ruleset)
    return problems


def _may_be_base(candidate: _File, overlay: _File) -> bool:
    try:
        family, wanted = extends_matcher(overlay.source, overlay.doc)
    except RulesetError:
        return False
    doc = candidate.doc
    return could_extend(family, wanted, overlay.doc, doc.id, doc.jurisdiction, doc.version)


def _unique(problems: list[Problem]) -> list[Problem]:
    """One report per problem: an overlay applied to several bases repeats its own."""
    return list(dict.fromkeys(problems))


@functools.cache
def _default_registry() -> Registry:
    # Cached: the result is immutable, so sharing it between callers and threads is safe.
    return Registry.from_paths([bundled_rulesets_dir(), *plugin_ruleset_dirs()])
