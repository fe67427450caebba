"""Records (issue 10, part 2): the full record built without validation is the record the
validating pydantic builder made; the compact record with the ruleset's catalogue holds the
same information.

The reference builder below is the one `Assessment` used before records were built fast:
every part a validated pydantic model. Every example village is judged by every bundled
ruleset (given that ruleset's jurisdiction and kind), and the threshold fixture's villages
add gaps, limits, targets, reasons, vetoes and a capstone.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import AssessmentRecord, Village
from starrules.explain.results import (
    CompactRecord,
    CriterionResult,
    CriterionStatus,
    LayerRef,
    NextSteps,
    RulesetRef,
    StarResult,
    Status,
    VillageRef,
)
from starrules.expr.combinators import indicator_getter
from starrules.rules import Criterion, Node, Star, requirements_first

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples" / "villages.jsonl"

_STATUS = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
_CRITERION = {
    True: CriterionStatus.PASS,
    False: CriterionStatus.FAIL,
    None: CriterionStatus.UNKNOWN,
}


# -- the reference: the validating builder of before -------------------------------------


def reference_record(ruleset: starrules.Ruleset, assessment: starrules.Assessment) -> str:
    village = assessment.input
    tree = ruleset.tree
    statuses = ruleset.program.record(village)

    def status_of(star_id: str) -> Status:
        return assessment.status(star_id)

    def build_node(node: Node, truth: bool | None) -> CriterionResult:
        if not isinstance(node, Criterion):
            return CriterionResult(
                id=node.id,
                kind="group",
                status=_CRITERION[truth],
                parent=node.parent,
                rule=node.rule,
                needed=node.needed,
                text=node.text,
                points=node.points,
                layer=node.layer.ref,
            )
        test = node.test
        observed = {path: getter(village) for path, getter in test.getters}
        gap = limit = None
        target = reason = None
        missing = [p for p, v in observed.items() if v is None] if truth is None else []
        threshold = test.threshold
        if threshold is not None and truth is False:
            subject = threshold.subject(village, None)
            if isinstance(subject, int | float) and not isinstance(subject, bool):
                want = node.kind != "veto"
                gap = threshold.gap(subject, want)
                if gap is not None:
                    limit = threshold.limit
                    value = float(limit)
                    shown = str(int(value)) if value.is_integer() else repr(limit)
                    target = f"{threshold.needed(want)} {shown}"
        if truth is None and not missing:
            zeros = test.zero_divisors(village)
            if zeros:
                reason = "division by zero: " + ", ".join(f"{z} is 0" for z in zeros)
            elif beyond := test.out_of_range(village):
                reason = "a result is too large to compute: " + ", ".join(beyond)
        return CriterionResult(
            id=node.id,
            kind=node.kind,
            status=_CRITERION[truth],
            parent=node.parent,
            expression=test.source,
            observed=observed,
            text=node.text,
            source=node.source,
            provisional=node.provisional,
            note=node.note,
            points=node.points,
            layer=node.layer.ref,
            gap=gap,
            limit=limit,
            target=target,
            missing=missing,
            reason=reason,
        )

    def collect(node: Node, by_id: dict[str, CriterionResult], found: dict[str, None]) -> None:
        result = by_id[node.id]
        if result.status is not CriterionStatus.UNKNOWN:
            return
        if isinstance(node, Criterion):
            found.update(dict.fromkeys(result.missing))
            return
        for item in node.items:
            collect(item, by_id, found)

    def build_star(star: Star, built: dict[str, StarResult]) -> StarResult:
        criteria = [build_node(node, statuses[node.index]) for node in star.nodes]
        status = status_of(star.id)
        vetoes = [v.id for v in star.vetoes if statuses[v.index] is False]
        unmet = [r for r in star.requires if status_of(r) is not Status.GRANTED]
        missing: dict[str, None] = {}
        if status is Status.UNDETERMINED:
            by_id = {c.id: c for c in criteria}
            collect(star.grant, by_id, missing)
            for veto in star.vetoes:
                missing.update(dict.fromkeys(by_id[veto.id].missing))
            for required in unmet:
                missing.update(dict.fromkeys(built[required].missing))
        return StarResult(
            id=star.id,
            name=star.name,
            status=status,
            criteria=criteria,
            vetoes=vetoes,
            requires=list(star.requires),
            requires_unmet=unmet,
            missing=list(missing),
            layer=star.layer.ref,
        )

    built: dict[str, StarResult] = {}
    for star in requirements_first(tree.stars):
        built[star.id] = build_star(star, built)
    stars = {s.id: built[s.id] for s in tree.stars}
    found: dict[str, None] = {}
    for result in stars.values():
        found.update(dict.fromkeys(result.missing))
    level = assessment.level
    if level.value is None and tree.levels is not None:
        criteria = {c.id: c for s in stars.values() for c in s.criteria}
        for lv in tree.levels:
            for path in lv.when.names:
                if not path.startswith("stars.") and indicator_getter(path)(village) is None:
                    found[path] = None
            for group_id in lv.when.point_groups:
                for node_id in tree.descendants(group_id):
                    found.update(dict.fromkeys(criteria[node_id].missing))
    record = AssessmentRecord(
        village=VillageRef(
            code=village.code,
            name=village.name,
            jurisdiction=village.jurisdiction,
            kind=village.kind,
            township=village.township,
        ),
        as_of=assessment.as_of,
        ruleset=RulesetRef(
            id=tree.id,
            version=tree.version,
            jurisdiction=tree.jurisdiction,
            kind=tree.kind,
            layers=[
                LayerRef(id=la.id, version=la.version, jurisdiction=la.jurisdiction)
                for la in tree.layers
            ],
            fingerprint=tree.fingerprint,
        ),
        stars=stars,
        level=level,
        missing=list(found),
        # guidance is checked in test_guidance.py; here: the same, validated
        next_steps=NextSteps.model_validate(assessment.next_steps().model_dump()),
    )
    return record.model_dump_json()


# -- the cases ---------------------------------------------------------------------------


def _examples() -> list[dict[str, Any]]:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _for(ruleset: starrules.Ruleset, row: dict[str, Any]) -> Village:
    """The example village as one of this ruleset's jurisdiction and kind, with only the
    `extra` indicators it declares."""
    data = dict(row, jurisdiction=ruleset.jurisdiction, kind=ruleset.kind)
    data["extra"] = {
        k: v for k, v in row.get("extra", {}).items() if f"extra.{k}" in ruleset.tree.indicators
    }
    return Village.model_validate(data)


def _cases() -> list[tuple[starrules.Ruleset, list[starrules.Assessment]]]:
    cases = []
    rows = _examples()
    for ruleset in starrules.Registry.default().rulesets:
        villages = [_for(ruleset, row) for row in rows]
        cases.append((ruleset, [ruleset.evaluate(v, check_dates=False) for v in villages]))
    thresholds = starrules.load_ruleset(FIXTURES / "eval_thresholds.yaml")
    model = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
    variants: list[dict[str, Any]] = [
        {},
        {"industry": {"collective_income": 50_000}},
        {"industry": {"collective_income": None}},
        {"safety": {"disputes_total": 0, "disputes_resolved": 0}},
        {"ecology": {"sanitary_toilet_rate": 0.5, "greening_rate": None}},
        {"safety": {"escalated_petitions": 2}},
        {"branch": {"reserve_cadres": 1}, "civility": {"councils": None}},
    ]
    villages = []
    for change in variants:
        data = json.loads(json.dumps(model))
        data["jurisdiction"] = thresholds.jurisdiction
        for section, values in change.items():
            data.setdefault(section, {}).update(values)
        villages.append(Village.model_validate(data))
    cases.append((thresholds, [thresholds.evaluate(v, on=date(2023, 1, 1)) for v in villages]))
    return cases


@pytest.fixture(scope="module")
def cases() -> list[tuple[starrules.Ruleset, list[starrules.Assessment]]]:
    return _cases()


def test_the_cases_cover_gaps_reasons_vetoes_unknowns_and_levels(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    seen: set[str] = set()
    for _ruleset, assessments in cases:
        for a in assessments:
            record = a.to_record()
            if a.level.value is None:
                seen.add("open level")
            for star in record.stars.values():
                seen.add(star.status.value)
                if star.vetoes:
                    seen.add("veto")
                for c in star.criteria:
                    if c.gap is not None:
                        seen.add("gap")
                    if c.reason is not None:
                        seen.add("reason")
    assert seen >= {"granted", "denied", "undetermined", "gap", "reason", "veto", "open level"}


def test_the_fast_full_record_is_the_validated_record(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    for ruleset, assessments in cases:
        for a in assessments:
            expected = reference_record(ruleset, a)
            assert a.to_json().decode("utf-8") == expected, (ruleset, a)
            assert a.model_dump_json() == expected
            assert a.to_record().model_dump_json() == expected


def test_the_indented_full_record_matches_pydantic(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    for _ruleset, assessments in cases:
        for a in assessments[:5]:
            assert a.to_json(indent=2).decode("utf-8") == a.to_record().model_dump_json(indent=2)


def test_every_record_names_its_format(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    a = cases[0][1][0]
    assert json.loads(a.to_json())["format"] == "full/1"
    assert json.loads(a.to_json("compact"))["format"] == "compact/1"
    assert a.to_record().format == "full/1"
    assert a.to_record("compact").format == "compact/1"


def test_the_full_record_validates_as_an_assessment_record(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    for _ruleset, assessments in cases:
        for a in assessments[:3]:
            again = AssessmentRecord.model_validate_json(a.to_json())
            assert again == AssessmentRecord.model_validate_json(a.model_dump_json())


def test_the_compact_model_and_bytes_agree_and_validate(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    for _ruleset, assessments in cases:
        for a in assessments:
            data = a.to_json("compact")
            model = a.to_record("compact")
            assert CompactRecord.model_validate_json(data) == model
            again = CompactRecord.model_validate_json(model.model_dump_json())
            assert again == model


def _observed(compact: dict[str, Any], path: str) -> Any:
    section, name = path.split(".", 1)
    return compact["observed"][section][name]


def expand(compact: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    """The full record from a compact one and its ruleset's catalogue."""
    assert compact["ruleset"]["fingerprint"] == catalogue["fingerprint"]
    criteria = catalogue["criteria"]
    stars: dict[str, Any] = {}
    for star_id, star in compact["stars"].items():
        static = catalogue["stars"][star_id]
        results = []
        for node_id in static["criteria"]:
            entry = criteria[node_id]
            status = star["criteria"][node_id]
            gap = star.get("gaps", {}).get(node_id)
            reads = entry.get("reads", [])
            observed = {path: _observed(compact, path) for path in reads}
            results.append(
                {
                    "id": node_id,
                    "kind": entry["kind"],
                    "status": status,
                    "parent": entry["parent"],
                    "expression": entry["expression"],
                    "rule": entry["rule"],
                    "needed": entry["needed"],
                    "observed": observed,
                    "text": entry["text"],
                    "source": entry["source"],
                    "provisional": entry["provisional"],
                    "note": entry["note"],
                    "points": entry["points"],
                    "layer": entry["layer"],
                    "gap": gap,
                    "limit": entry["limit"] if gap is not None else None,
                    "target": entry["target"] if gap is not None else None,
                    "missing": (
                        [p for p in reads if observed[p] is None] if status == "unknown" else []
                    ),
                    "reason": star.get("reasons", {}).get(node_id),
                }
            )
        stars[star_id] = {
            "id": star_id,
            "name": static["name"],
            "status": star["status"],
            "criteria": results,
            "vetoes": star.get("vetoes", []),
            "requires": static["requires"],
            "requires_unmet": star.get("requires_unmet", []),
            "missing": star.get("missing", []),
            "layer": static["layer"],
        }
    level = compact["level"]
    named = catalogue["levels"][str(level["value"])] if level["value"] is not None else None
    return {
        "format": "full/1",
        "village": compact["village"],
        "as_of": compact["as_of"],
        "ruleset": {
            "id": catalogue["id"],
            "version": catalogue["version"],
            "jurisdiction": catalogue["jurisdiction"],
            "kind": catalogue["kind"],
            "layers": [
                {k: la[k] for k in ("id", "version", "jurisdiction")} for la in catalogue["layers"]
            ],
            "fingerprint": catalogue["fingerprint"],
        },
        "stars": stars,
        "level": {
            **level,
            "name": named["name"] if named else None,
            "named_by": named["named_by"] if named else None,
        },
        "missing": compact["missing"],
        "ignored": compact.get("ignored", []),  # left out of a compact record when empty
    }


def test_compact_record_and_catalogue_give_back_the_full_record(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    for ruleset, assessments in cases:
        catalogue = json.loads(json.dumps(ruleset.catalogue()))  # what a reader gets
        for a in assessments:
            full = json.loads(a.to_json())
            del full["next_steps"]  # derived guidance: not in the compact record
            assert expand(json.loads(a.to_json("compact")), catalogue) == full


def test_the_catalogue_holds_texts_sources_and_layers() -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "eval_thresholds.yaml")
    catalogue = ruleset.catalogue()
    assert catalogue["format"] == "catalogue/1"
    assert catalogue["fingerprint"] == ruleset.fingerprint
    money = catalogue["criteria"]["t.money"]
    assert money["text"]["en"] == "Collective income at least 100,000 CNY"
    assert money["source"] == "test-src"
    assert money["target"] == ">= 100000"
    assert money["reads"] == ["industry.collective_income"]
    assert catalogue["sources"]["test-src"]["title"] == "Test source"
    assert catalogue["layers"][0]["ref"] == ruleset.layers[0].ref
    assert catalogue["stars"]["thresholds"]["name"]["zh"] == "阈值星"
    json.dumps(catalogue)  # JSON-ready as it is


def test_the_compact_record_is_small(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    henan = next(a for rs, a in cases if rs.jurisdiction == "cn-henan" and rs.kind == "rural")
    for a in henan:
        assert len(a.to_json("compact")) <= 3_000
        assert len(a.to_json("compact")) * 4 < len(a.to_json())


def test_an_unknown_detail_is_an_input_error(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    a = cases[0][1][0]
    with pytest.raises(starrules.StarrulesError):
        a.to_json("brief")  # type: ignore[arg-type]
    with pytest.raises(starrules.StarrulesError):
        a.to_record("brief")  # type: ignore[call-overload]


def test_compact_records_validate_against_the_compact_schema(
    cases: list[tuple[starrules.Ruleset, list[starrules.Assessment]]],
) -> None:
    from jsonschema import Draft202012Validator

    from starrules.render.json_schemas import json_schema

    check = Draft202012Validator(
        json_schema("compact"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    full = Draft202012Validator(json_schema("assessment"))
    for _ruleset, assessments in cases:
        for a in assessments[:10]:
            check.validate(json.loads(a.to_json("compact")))
            full.validate(json.loads(a.to_json()))
