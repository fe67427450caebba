"""Records of an assessment, built fast: plain dicts straight from the recorded outcome.

Everything the library made itself (statuses, observed values, gaps, texts) is known to be
valid, so the output path validates nothing and copies nothing: the parts that depend on the
rules alone are built once per ruleset (`RecordTables`), the rest once per assessment
(`Explanation`), and `dumps` writes JSON bytes. Two shapes (spec §4, §6):

* the **full** record: `AssessmentRecord` field for field, the same JSON content as its
  `model_dump_json()`;
* the **compact** record: per criterion only what the village decides (status, observed
  values, gap, reason), with texts, sources, layers, expressions and targets left in the
  ruleset's catalogue (`catalogue()`), which the record names by fingerprint.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, TypeVar

from pydantic import BaseModel
from pydantic_core import to_json

from ..evaluation import Program
from ..expr.combinators import indicator_getter
from ..rules import Criterion, Node
from ..village import Village
from .results import IndicatorValue, LevelResult
from .tables import (
    JSON,
    NODE_STATUS,
    PASSED,
    STAR_STATUS,
    CriterionDetail,
    Leaf,
    RecordTables,
    Truth,
    text_json,
)

Detail = Literal["full", "compact"]
M = TypeVar("M", bound=BaseModel)
FULL_FORMAT: Final = "full/1"
COMPACT_FORMAT: Final = "compact/1"


@dataclass(slots=True)
class Explanation:
    """What one assessment adds to the rules: per node and per star, by index."""

    nodes: list[Truth]
    values: dict[str, IndicatorValue]  # every indicator the criteria read, by path
    fetched: tuple[IndicatorValue, ...]  # their values in the order of `RecordTables.paths`
    details: dict[int, CriterionDetail]  # per criterion that did not pass, by index
    vetoes: dict[int, list[str]]  # per star index
    unmet: dict[int, list[str]]
    missing: dict[int, list[str]]
    all_missing: list[str]


# What every record is made of (`Assessment._record_parts`): the ruleset's tables, the
# village, the date, the stars' outcomes, the level and the explanation.
RecordParts = tuple[RecordTables, Village, date, list[Truth], LevelResult, Explanation]


def explain(
    tables: RecordTables,
    village: Village,
    stars: list[Truth],
    nodes: list[Truth],
    level: LevelResult,
    only: AbstractSet[int] | None = None,
) -> Explanation:
    """Observed values, gaps, reasons and what is missing, from the recorded outcome.

    `only`: explain just these stars (by index; closed under `requires`, which a star's
    missing data reads), for one star's explanation; `all_missing` is then left empty."""
    got = tables.fetch(village)
    values: dict[str, IndicatorValue] = dict(zip(tables.paths, got, strict=True))
    leaves, star_of = tables.leaves, tables.star_of
    indices, pick = tables.pick_leaves
    details: dict[int, CriterionDetail] = {
        index: _detail(leaves[index], truth, village, values)
        for index, truth in zip(indices, pick(nodes), strict=True)
        if truth is not True and (only is None or star_of[index] in only)
    }
    tree = tables.tree
    star_index = tree.star_index
    vetoes: dict[int, list[str]] = {}
    unmet: dict[int, list[str]] = {}
    missing: dict[int, list[str]] = {}
    star_vetoes, star_requires = tables.star_vetoes, tables.star_requires
    for star in tables.order:
        i = star.index
        if only is not None and i not in only:
            continue
        own_vetoes, requires = star_vetoes[i], star_requires[i]
        vetoes[i] = [id_ for slot, id_ in own_vetoes if nodes[slot] is False] if own_vetoes else []
        unmet[i] = [id_ for other, id_ in requires if stars[other] is not True] if requires else []
        if stars[i] is not None:  # only an undetermined star waits on data
            missing[i] = []
            continue
        found: dict[str, None] = {}
        _collect_missing(star.grant, nodes, details, found)
        for veto in star.vetoes:
            found.update(dict.fromkeys(details.get(veto.index, PASSED)[3]))
        for required in unmet[i]:
            found.update(dict.fromkeys(missing[star_index[required]]))
        missing[i] = list(found)
    if only is not None:
        return Explanation(nodes, values, got, details, vetoes, unmet, missing, [])
    everything: dict[str, None] = {}
    for star in tree.stars:
        if missing[star.index]:
            everything.update(dict.fromkeys(missing[star.index]))
    if level.value is None and tree.levels is not None:
        for lv in tree.levels:
            for path in lv.when.names:
                if not path.startswith("stars.") and indicator_getter(path)(village) is None:
                    everything[path] = None
            for group_id in lv.when.point_groups:  # unknown items of points()
                for index in tables.descendants[group_id]:
                    if index in details:
                        everything.update(dict.fromkeys(details[index][3]))
    return Explanation(nodes, values, got, details, vetoes, unmet, missing, list(everything))


def _collect_missing(
    node: Node, nodes: list[Truth], details: dict[int, CriterionDetail], found: dict[str, None]
) -> None:
    """Unknown inputs that matter: only inside groups whose outcome is still open."""
    if nodes[node.index] is not None:
        return
    if isinstance(node, Criterion):
        found.update(dict.fromkeys(details[node.index][3]))
        return
    for item in node.items:
        _collect_missing(item, nodes, details, found)


def _detail(
    leaf: Leaf, truth: Truth, village: Village, values: dict[str, IndicatorValue]
) -> CriterionDetail:
    if truth is False:  # failed: by how much, for a threshold test
        gap = None if leaf.gap is None else leaf.gap(village)
        if gap is None:
            return None, None, None, [], None
        return gap, leaf.limit, leaf.target, [], None
    missing = [p for p in leaf.reads if values[p] is None]
    reason = None
    if not missing:  # unknown from known inputs: say why
        test = leaf.node.test
        zeros = test.zero_divisors(village)
        if zeros:
            reason = "division by zero: " + ", ".join(f"{z} is 0" for z in zeros)
        elif beyond := test.out_of_range(village):
            reason = "a result is too large to compute: " + ", ".join(beyond)
    return None, None, None, missing, reason


def observed(tables: RecordTables, ex: Explanation) -> dict[str, dict[str, IndicatorValue]]:
    """The values the criteria read by section, as in a village: the compact record's."""
    got = ex.fetched
    return {
        section: dict(zip(names, got[start:end], strict=True))
        for section, names, start, end in tables.sections
    }


def village_ref(village: Village) -> JSON:
    return {
        "code": village.code,
        "name": village.name,
        "jurisdiction": village.jurisdiction,
        "kind": village.kind,
        "township": village.township,
    }


def full_record(
    tables: RecordTables,
    village: Village,
    as_of: date,
    stars: list[Truth],
    level: LevelResult,
    ex: Explanation,
    *,
    next_steps: JSON | None = None,
    ignored: list[JSON] | None = None,
) -> JSON:
    """The full record as plain JSON data, field for field an `AssessmentRecord`
    (`next_steps`: the guidance's JSON data, see guidance.py)."""
    nodes, details, values = ex.nodes, ex.details, ex.values
    templates, leaves = tables.templates, tables.leaves
    out_stars: JSON = {}
    for star in tables.tree.stars:
        criteria = []
        for node in star.nodes:
            entry = templates[node.index].copy()
            entry["status"] = NODE_STATUS[nodes[node.index]]
            leaf = leaves.get(node.index)
            if leaf is not None:
                entry["observed"] = {path: values[path] for path in leaf.reads}
                detail = details.get(node.index)
                if detail is not None:
                    (
                        entry["gap"],
                        entry["limit"],
                        entry["target"],
                        entry["missing"],
                        entry["reason"],
                    ) = detail
            criteria.append(entry)
        star_id, name, requires, layer = tables.star_static[star.index]
        out_stars[star_id] = {
            "id": star_id,
            "name": name,
            "status": STAR_STATUS[stars[star.index]],
            "criteria": criteria,
            "vetoes": ex.vetoes[star.index],
            "requires": requires,
            "requires_unmet": ex.unmet[star.index],
            "missing": ex.missing[star.index],
            "layer": layer,
        }
    return {
        "format": FULL_FORMAT,
        "village": village_ref(village),
        "as_of": as_of.isoformat(),
        "ruleset": tables.ruleset_full,
        "stars": out_stars,
        "level": {
            "value": level.value,
            "min": level.min,
            "max": level.max,
            "name": text_json(level.name),
            "named_by": level.named_by,
        },
        "missing": ex.all_missing,
        "next_steps": next_steps,
        "ignored": ignored or [],
    }


def gaps_and_reasons(
    tables: RecordTables, ex: Explanation
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, str]]]:
    """The compact record's gaps and reasons: per star index, by criterion id. Only the
    criteria that did not pass have one (`ex.details`): those alone are visited."""
    gaps: dict[int, dict[str, float]] = {}
    reasons: dict[int, dict[str, str]] = {}
    star_of, id_of = tables.star_of, tables.id_of
    for index, detail in ex.details.items():
        if detail[0] is not None:
            gaps.setdefault(star_of[index], {})[id_of[index]] = detail[0]
        if detail[4] is not None:
            reasons.setdefault(star_of[index], {})[id_of[index]] = detail[4]
    return gaps, reasons


def compact_record(
    tables: RecordTables,
    village: Village,
    as_of: date,
    stars: list[Truth],
    level: LevelResult,
    ex: Explanation,
    *,
    ignored: list[JSON] | None = None,
) -> JSON:
    """The compact record: what the village decided; the rest is in the catalogue."""
    nodes = ex.nodes
    gaps, reasons = gaps_and_reasons(tables, ex)
    status = NODE_STATUS.__getitem__
    out_stars: JSON = {}
    for star in tables.tree.stars:
        i = star.index
        ids, pick = tables.star_statuses[i]
        entry: JSON = {
            "status": STAR_STATUS[stars[i]],
            "criteria": dict(zip(ids, map(status, pick(nodes)), strict=True)),
        }
        # Empty maps and lists are left out: most stars have none of them.
        if i in gaps:
            entry["gaps"] = gaps[i]
        if i in reasons:
            entry["reasons"] = reasons[i]
        if ex.vetoes[i]:
            entry["vetoes"] = ex.vetoes[i]
        if ex.unmet[i]:
            entry["requires_unmet"] = ex.unmet[i]
        if ex.missing[i]:
            entry["missing"] = ex.missing[i]
        out_stars[star.id] = entry
    record: JSON = {
        "format": COMPACT_FORMAT,
        "village": village_ref(village),
        "as_of": as_of.isoformat(),
        "ruleset": tables.ruleset_key,
        "level": {"value": level.value, "min": level.min, "max": level.max},
        "stars": out_stars,
        "observed": observed(tables, ex),
        "missing": ex.all_missing,
    }
    if ignored:  # left out when empty, as the stars' empty maps and lists
        record["ignored"] = ignored
    return record


_SET: Final = object.__setattr__


def construct(cls: type[M], /, **fields: Any) -> M:
    """`construct_from` with the fields as keywords."""
    return construct_from(cls, fields)


def construct_from(cls: type[M], fields: JSON) -> M:
    """A pydantic model from fields the library made (every field given, valid): what
    `model_construct` ends with, without its per-field defaults and alias lookups, which
    cost more than the rest of an explanation. `tests/test_records.py` holds the models
    made so equal to validated ones."""
    model = cls.__new__(cls)
    _SET(model, "__dict__", fields)
    _SET(model, "__pydantic_fields_set__", set(fields))
    _SET(model, "__pydantic_extra__", None)
    _SET(model, "__pydantic_private__", None)
    return model


def dumps(data: JSON, indent: int | None = None) -> bytes:
    """JSON bytes (UTF-8, not ASCII-escaped), compact or indented: pydantic's serialiser,
    the one `model_dump_json()` uses, so numbers and strings are written alike."""
    return to_json(data, indent=indent)


def record_tables(program: Program) -> RecordTables:
    """A ruleset's `RecordTables`, built on its first explanation and kept with its program
    (loading a ruleset stays cheap)."""
    return program.memo(RecordTables)
