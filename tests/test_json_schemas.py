"""The JSON Schemas `starrules schema WHAT` prints (starrules.render.json_schemas).

1. Every document is a valid draft 2020-12 schema with `$schema` and `$id`, and the CLI
   prints exactly it.
2. Everything the project ships or writes validates: rulesets, example villages, events,
   and the records `evaluate` and `monitor` write.
3. The schemas agree with the loader and the models in both directions: each broken
   fixture whose problem a schema can state is refused, the others are not (an explicit
   list), and small edits of valid files are judged as the loader judges them, except in
   the cases marked SCHEMA_ONLY (only the base can tell).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import ValidationError

import starrules
from starrules.cli import main
from starrules.errors import InputError, RulesetError
from starrules.load import yaml_files
from starrules.load.loader import is_ruleset_file
from starrules.monitor.events import parse_event
from starrules.render.json_schemas import DOCUMENTS, DRAFT, json_schema

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BROKEN = FIXTURES / "broken"
MONITOR = FIXTURES / "monitor"
EXAMPLES = ROOT / "examples" / "villages.jsonl"
MINIMAL = FIXTURES / "minimal.yaml"
OVERLAY_BASE = FIXTURES / "overlay" / "base-2022.1.yaml"


@functools.cache
def validator(what: str) -> Draft202012Validator:
    # Formats are asserted too (as editors do); the schemas' date patterns make that
    # redundant for dates, which the tests below check with the default validator.
    return Draft202012Validator(
        json_schema(what), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(what: str, instance: Any) -> list[str]:
    found = sorted(validator(what).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def editor_view(value: Any) -> Any:
    """YAML data as an editor's schema check sees it: dates are the strings written."""
    if isinstance(value, dict):
        return {str(k): editor_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [editor_view(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_yaml(path: Path) -> Any:
    # starrules' own reader, not yaml.safe_load: PyYAML reads the key `on:` (a test case's
    # date) as true, which neither starrules nor a YAML 1.2 editor does.
    return editor_view(yaml_files.read_yaml(path).data)


# -- 1. the documents ----------------------------------------------------------------------


@pytest.mark.parametrize("what", DOCUMENTS)
def test_each_document_is_a_draft_2020_12_schema(what: str) -> None:
    document = json_schema(what)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"urn:starrules:schema:{what}"
    assert list(document)[:2] == ["$schema", "$id"]


@pytest.mark.parametrize("what", DOCUMENTS)
def test_every_reference_resolves(what: str) -> None:
    document = json_schema(what)
    refs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs, what
    for ref in refs:
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in document["$defs"], ref


@pytest.mark.parametrize("what", DOCUMENTS)
def test_the_cli_prints_the_document(capsys: pytest.CaptureFixture[str], what: str) -> None:
    assert main(["schema", what]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(what)


def test_each_call_builds_a_new_document() -> None:
    first = json_schema("ruleset")
    first["$defs"].clear()
    assert json_schema("ruleset")["$defs"]


def test_an_unknown_document_is_an_input_error() -> None:
    with pytest.raises(InputError, match="village, ruleset"):
        json_schema("town")


# -- 2. what the project ships and writes validates ------------------------------------------


def shipped_rulesets() -> list[Path]:
    files = [
        *(p for p in (ROOT / "rulesets").rglob("*.y*ml") if is_ruleset_file(p)),
        *(ROOT / "docs" / "examples").glob("*.yaml"),
        *FIXTURES.glob("*.yaml"),
        *(FIXTURES / "overlay").glob("*.yaml"),
        *(FIXTURES / "eval_registry").glob("*.yaml"),
        *(FIXTURES / "faulty").glob("*.yaml"),  # load fine; only the property checks fail
    ]
    return sorted(files)


def test_the_shipped_rulesets_load() -> None:
    # the files of each folder load together (overlays on their bases)
    for folder in sorted({p.parent for p in shipped_rulesets()}):
        files = [p for p in shipped_rulesets() if p.parent == folder]
        starrules.Registry.from_paths(files, base=starrules.Registry.default())


@pytest.mark.parametrize("path", shipped_rulesets(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_rulesets_validate(path: Path) -> None:
    assert errors("ruleset", read_yaml(path)) == []


def example_villages() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted((ROOT / "examples").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        found += [(f"{path.name}:{n}", json.loads(s)) for n, s in enumerate(lines, 1) if s]
    for path in [*(ROOT / "examples").glob("*.json"), MONITOR / "village.json"]:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data if isinstance(data, list) else [data]
        found += [(f"{path.name}[{n}]", row) for n, row in enumerate(rows)]
    return found


def test_the_example_villages_validate() -> None:
    villages = example_villages()
    assert len(villages) >= 41
    for where, village in villages:
        assert errors("village", village) == [], where
        starrules.Village.model_validate(village)


def test_evaluate_records_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(EXAMPLES), "--format", "jsonl", "--detail", "full"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 40
    check = validator("assessment")
    for record in records:
        check.validate(record)


def test_monitor_events_validate() -> None:
    lines = [s for s in (MONITOR / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    events = [json.loads(s) for s in lines if s.strip()]
    assert {e["type"] for e in events} == {"update", "incident", "review"}
    for event in events:
        assert errors("event", event) == [], event


def test_monitor_changes_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["monitor", str(MONITOR / "events.jsonl"), "--villages", str(EXAMPLES), "--format", "jsonl"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    changes = [json.loads(line) for line in out.splitlines()]
    assert changes
    check = validator("change")
    for change in changes:
        check.validate(change)


UPDATE = {"type": "update", "village": "x", "field": "extra.bags", "value": 1, "date": "2022-01-01"}
INCIDENT = {"type": "incident", "village": "x", "incident": "criminal_case", "date": "2022-01-01"}
REVIEW = {"type": "review", "date": "2022-01-01"}

# (event, accepted by the schema and by monitor)
EVENTS: list[tuple[dict[str, Any], bool]] = [
    (UPDATE, True),
    (INCIDENT, True),
    (REVIEW, True),
    ({**UPDATE, "value": None}, True),
    ({**UPDATE, "value": "A"}, True),
    ({**UPDATE, "value": [1]}, False),
    ({**UPDATE, "value": 10**400}, False),
    ({**UPDATE, "field": ""}, False),
    ({**INCIDENT, "count": 2}, True),
    ({**INCIDENT, "count": 2.0}, True),
    ({**INCIDENT, "count": 2.5}, False),
    ({**INCIDENT, "count": 0}, False),
    ({**INCIDENT, "count": True}, False),
    ({**INCIDENT, "count": 10**400}, False),
    ({**REVIEW, "date": "2022"}, False),
    ({**REVIEW, "date": "2022-01-01T00:00:00"}, False),
    ({**REVIEW, "date": 1640995200}, False),
    ({**REVIEW, "village": "x", "note": "季度"}, True),
    ({k: v for k, v in REVIEW.items() if k != "type"}, False),  # monitor needs the type
    ({**REVIEW, "type": "audit"}, False),
    ({**REVIEW, "extra": 1}, False),
]


@pytest.mark.parametrize(("event", "ok"), EVENTS, ids=[json.dumps(e)[:72] for e, _ in EVENTS])
def test_the_event_schema_agrees_with_monitor(event: dict[str, Any], ok: bool) -> None:
    found = errors("event", event)
    try:
        parse_event(event, "line 1")
        monitor_ok = True
    except (InputError, ValidationError):
        monitor_ok = False
    assert (found == [], monitor_ok) == (ok, ok), found


# -- 3a. broken fixtures: refused by the schema exactly when a schema can tell ----------------

# fixture -> whether the ruleset schema refuses it. False: only the compiler can tell
# (expressions, names, duplicates, counts across the file, `until` before `from`).
REFUSED_BY_SCHEMA = {
    "compile-at-least-too-many": False,
    "compile-count-stars-in-criterion": False,
    "compile-duplicate-criterion-id": False,
    "compile-duplicate-group-id": False,
    "compile-duplicate-level": False,
    "compile-duplicate-source": False,
    "compile-duplicate-star-id": False,
    "compile-full-width-digits": False,
    "compile-indicator-not-extra": True,  # propertyNames extra.*
    "compile-level-not-compared": False,
    "compile-level-unknown-star": False,
    "compile-min-points-missing-points": True,  # PointedCriterion requires points
    "compile-min-points-decimal-unreachable": False,
    "compile-min-points-unreachable": False,
    "compile-points-outside-min-points": True,  # Criterion has no points
    "compile-requires-cycle": False,
    "compile-requires-unknown-star": False,
    "compile-schema-and-expression": True,  # unknown key 'notes'
    "compile-self-require": False,
    "compile-standard-indicator-declared": True,  # propertyNames extra.*
    "compile-syntax-error": False,
    "compile-test-expect-unknown-criterion": False,
    "compile-test-expect-unknown-star": False,
    "compile-test-not-yes-no": False,
    "compile-test-village-bad-field": True,  # the test village is a Village: money >= 0
    "compile-three-problems": False,
    "compile-type-mismatch": False,
    "compile-undeclared-extra": False,
    "compile-unknown-indicator": False,
    "compile-unknown-source": False,
    "compile-veto-with-points": True,
    "schema-bad-jurisdiction": True,
    "schema-bad-kind": True,
    "schema-empty-stars": True,
    "schema-format-version": True,
    "schema-indicator-bad-type": True,
    "schema-item-neither": True,
    "schema-missing-key": True,
    "schema-three-problems": True,
    "schema-unknown-criterion-key": True,
    "schema-unknown-top-key": True,
    "schema-until-before-from": False,  # comparing two values is beyond a schema
    "schema-version-unquoted": True,
}


def test_every_broken_fixture_is_listed() -> None:
    # yaml-*.yaml never reach a schema: starrules' YAML reader refuses them first
    names = {p.stem for p in BROKEN.glob("*.yaml") if not p.name.startswith("yaml-")}
    assert names == set(REFUSED_BY_SCHEMA), "add each new fixture to REFUSED_BY_SCHEMA"


@pytest.mark.parametrize("name", sorted(REFUSED_BY_SCHEMA))
def test_broken_fixtures(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(RulesetError):
        starrules.load_ruleset(path)
    found = errors("ruleset", read_yaml(path))
    if REFUSED_BY_SCHEMA[name]:
        assert found, f"{name}: the schema lets through what the loader refuses"
    else:
        assert found == [], f"{name}: the schema refuses more than it should: {found}"


# -- 3b. edits of valid files: the schema and the loader agree --------------------------------

Doc = dict[str, Any]
Edit = Callable[[Doc], None]
# (schema accepts, loader accepts)
BOTH, NEITHER = (True, True), (False, False)
SCHEMA_ONLY = (True, False)


def walk(doc: Any, path: str) -> tuple[Any, Any]:
    """The parent of the node at `path` ('stars/*industry/grant/all/0': `*id` is the list
    item with that id, digits an index) and the last step."""
    parts: list[Any] = [int(p) if p.isdigit() else p for p in path.split("/")]
    node = doc
    for part in parts[:-1]:
        if isinstance(part, str) and part.startswith("*"):
            node = next(item for item in node if item["id"] == part[1:])
        else:
            node = node[part]
    return node, parts[-1]


def put(path: str, value: Any) -> Edit:
    def edit(doc: Doc) -> None:
        parent, last = walk(doc, path)
        parent[last] = value

    return edit


def drop(path: str) -> Edit:
    def edit(doc: Doc) -> None:
        parent, last = walk(doc, path)
        del parent[last]

    return edit


def append(path: str, value: Any) -> Edit:
    def edit(doc: Doc) -> None:
        parent, last = walk(doc, path)
        parent[last].append(value)

    return edit


def criterion(node_id: str, points: float | None = None) -> Doc:
    item: Doc = {"id": node_id, "test": "ecology.garbage_system", "text": {"zh": "垃", "en": "G"}}
    return item if points is None else {**item, "points": points}


def group(node_id: str, points: float | None = None, **rule: Any) -> Doc:
    item: Doc = {"id": node_id, **rule}
    return item if points is None else {**item, "points": points}


def indicator(name: str) -> Doc:
    return {name: {"type": "count", "zh": "袋", "en": "Bags"}}


ALL = "stars/*industry/grant/all"
MIN = "stars/*ecology/grant/of"
VILLAGE = "tests/0/village"
EXPECT = "tests/0/expect"

# (name, edit of tests/fixtures/minimal.yaml, verdicts)
STANDALONE: list[tuple[str, Edit, tuple[bool, bool]]] = [
    ("as shipped", lambda doc: None, BOTH),
    ("points on an item of an all group", put(f"{ALL}/0/points", 1), NEITHER),
    ("an item of a min_points group without points", drop(f"{MIN}/0/points"), NEITHER),
    ("points 0", put(f"{MIN}/0/points", 0), NEITHER),
    ("a min_points group in an all group",
     append(ALL, group("i.p", min_points=1, of=[criterion("i.p1", 1)])), BOTH),
    ("a min_points group with points in an all group",
     append(ALL, group("i.p", 2, min_points=1, of=[criterion("i.p1", 1)])), NEITHER),
    ("a group with points in a min_points group",
     append(MIN, group("e.g", 1, any=[criterion("e.g1")])), BOTH),
    ("a group without points in a min_points group",
     append(MIN, group("e.g", any=[criterion("e.g1")])), NEITHER),
    ("points inside a group inside a min_points group",
     append(MIN, group("e.g", 1, any=[criterion("e.g1", 1)])), NEITHER),
    ("a min_points group in a min_points group",
     append(MIN, group("e.g", 1, min_points=1, of=[criterion("e.g1", 1)])), BOTH),
    ("points on a veto", put("stars/*industry/veto/0/points", 1), NEITHER),
    ("points on a star's grant", put("stars/*branch/grant/points", 1), NEITHER),
    ("an extra indicator", put("indicators", indicator("extra.bags")), BOTH),
    ("an extra indicator in capitals", put("indicators", indicator("extra.Bags")), NEITHER),
    ("a standard indicator declared", put("indicators", indicator("industry.local_jobs")), NEITHER),
    ("no stars key", drop("stars"), NEITHER),
    ("a standalone file without title", drop("title"), NEITHER),
    ("an empty override", put("override", {}), BOTH),
    ("an override without extends",
     put("override", {"industry.coop": {"test": "industry.dual_binding"}}), NEITHER),
    ("an addition without extends", put("add", {"industry": [criterion("i.x")]}), NEITHER),
    ("a removal without extends", put("remove", ["industry.coop"]), NEITHER),
    ("a policy without extends", put("policy", "tighten-only"), NEITHER),
    ("extends null", put("extends", None), BOTH),
    ("a version with letters", put("version", "2022a"), NEITHER),
    ("a version of full-width digits", put("version", "２０２２.1"), NEITHER),
    ("an integer version", put("version", 2022), NEITHER),
    ("a date with a time", put("effective/from", "2022-05-01T00:00:00"), NEITHER),
    ("a date with a time of day", put("effective/from", "2022-05-01T08:00:00"), NEITHER),
    ("a date that is no day", put("effective/from", "2022-02-30"), NEITHER),
    ("a date in month 13", put("effective/from", "2022-13-01"), NEITHER),
    ("a quoted date", put("effective/from", "2022-05-01"), BOTH),
    ("a source without a date", drop("sources/0/date"), BOTH),
    ("at_least 0", put(f"{ALL}/1/at_least", 0), NEITHER),
    ("min_points 0", put("stars/*ecology/grant/min_points", 0), NEITHER),
    ("an empty group", put("stars/*branch/grant/any", []), NEITHER),
    ("a criterion with an empty test", put("stars/*branch/grant/any/0/test", ""), NEITHER),
    ("a criterion id with a space", put("stars/*branch/grant/any/0/id", "b x"), NEITHER),
    ("a star id with a dot", put("stars/*branch/id", "branch.x"), NEITHER),
    ("a level of value 0", put("levels/1/value", 0), NEITHER),
    ("a test village of 11 digits", put(f"{VILLAGE}/code", "41052310520"), NEITHER),
    ("a test village of 12 digits", put(f"{VILLAGE}/code", "410523105201"), BOTH),
    ("a test village with an unknown key", put(f"{VILLAGE}/ecology/toilets", 1), NEITHER),
    ("a test village with a rate above 1",
     put(f"{VILLAGE}/ecology/sanitary_toilet_rate", 1.5), NEITHER),
    ("a test village with a dated as_of", put(f"{VILLAGE}/as_of", "2022-12-31"), BOTH),
    ("a test expecting a star status that is none", put(f"{EXPECT}/stars/industry", "passed"),
     NEITHER),
    ("a test expecting a star that cannot be", put(f"{EXPECT}/stars", {"Ind": "granted"}), NEITHER),
    ("a test expecting a criterion", put(f"{EXPECT}/criteria", {"industry.coop": "pass"}), BOTH),
    ("a test expecting an unknown key", put(f"{EXPECT}/stars_", {}), NEITHER),
]  # fmt: skip

OVERLAY_HEAD: Doc = {
    "starrules": 1,
    "id": "test-rural",
    "jurisdiction": "cn-test/x",
    "kind": "rural",
    "version": "2023.1",
    "extends": "test-rural@2022.1",
    "effective": {"from": "2023-01-01"},
    "title": {"zh": "县", "en": "County"},
}
TIGHT: Doc = {"policy": "tighten-only"}
STRICTER: Doc = {"industry.income": {"test": "industry.collective_income >= 200000"}}
NEW_STAR: Doc = {"id": "new", "name": {"zh": "新", "en": "New"}, "grant": {"all": [criterion("n")]}}
DROP: Any = object()  # as a value in OVERLAYS: the key is taken out of the head


def overlay_doc(changes: Doc) -> Doc:
    merged = {**OVERLAY_HEAD, **changes}
    return copy.deepcopy({key: value for key, value in merged.items() if value is not DROP})


LEVEL: Doc = {"value": 1, "name": {"zh": "一", "en": "One"}, "when": "count(stars) >= 1"}

# (name, overlay of tests/fixtures/overlay/base-2022.1.yaml, verdicts)
OVERLAYS: list[tuple[str, Doc, tuple[bool, bool]]] = [
    ("an override", {"override": STRICTER}, BOTH),
    ("no stars", {"stars": []}, BOTH),
    ("nothing but the head", {}, BOTH),
    ("an overlay without title", {"title": DROP}, BOTH),
    ("a new star", {"stars": [NEW_STAR]}, BOTH),
    ("a criterion with points into a min_points group",
     {"add": {"ecology.care": [criterion("x.a", 1)]}}, BOTH),
    # Which group `add` names is only known from the base:
    ("a criterion without points into a min_points group",
     {"add": {"ecology.care": [criterion("x.a")]}}, SCHEMA_ONLY),
    ("a criterion with points into an all group",
     {"add": {"industry": [criterion("x.a", 1)]}}, SCHEMA_ONLY),
    ("a group into an all group",
     {"add": {"industry": [group("x.g", any=[criterion("x.a")])]}}, BOTH),
    ("a group with points inside into an all group",
     {"add": {"industry": [group("x.g", any=[criterion("x.a", 1)])]}}, NEITHER),
    ("an addition to an id that cannot be", {"add": {"Industry": [criterion("x.a")]}}, NEITHER),
    ("a veto", {"add_veto": {"industry": [criterion("x.v")]}}, BOTH),
    ("a veto with points", {"add_veto": {"industry": [criterion("x.v", 1)]}}, NEITHER),
    ("a veto for a group id", {"add_veto": {"industry.standards": [criterion("x.v")]}}, NEITHER),
    ("a removal", {"remove": ["industry.coop"]}, BOTH),
    ("a removal of an id that cannot be", {"remove": ["Industry coop"]}, NEITHER),
    ("an override of an id that cannot be", {"override": {"Ind": {"test": "true"}}}, NEITHER),
    ("an override with a test and at_least",
     {"override": {"industry.engines": {"test": "true", "at_least": 1}}}, NEITHER),
    ("an override with at_least and min_points",
     {"override": {"industry.engines": {"at_least": 1, "min_points": 1}}}, NEITHER),
    ("an override of at_least", {"override": {"industry.engines": {"at_least": 3}}}, BOTH),
    ("an override of a criterion's text and source",
     {"override": {"industry.income": {"text": {"zh": "收", "en": "I"}, "source": "base-source"}}},
     BOTH),
    ("tighten-only: a stricter test", {**TIGHT, "override": STRICTER}, BOTH),
    ("tighten-only: a new star", {**TIGHT, "stars": [NEW_STAR]}, NEITHER),
    ("tighten-only: no stars", {**TIGHT, "stars": []}, BOTH),
    ("tighten-only: levels", {**TIGHT, "levels": [LEVEL]}, NEITHER),
    ("tighten-only: a removal", {**TIGHT, "remove": ["industry.coop"]}, NEITHER),
    ("tighten-only: an addition to an all group",
     {**TIGHT, "add": {"industry": [criterion("x.a")]}}, BOTH),
    ("an unknown policy", {"policy": "loosen"}, NEITHER),
    ("extends without a version", {"extends": "test-rural"}, NEITHER),
]  # fmt: skip


class Bases:
    def __init__(self, *rulesets: starrules.Ruleset) -> None:
        self.rulesets = rulesets


def loads(doc: Doc, registry: Bases | None = None) -> bool:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        starrules.loads_ruleset(text, "edited.yaml", registry=registry)
    except RulesetError:
        return False
    return True


@pytest.mark.parametrize(("name", "edit", "verdicts"), STANDALONE, ids=[c[0] for c in STANDALONE])
def test_edits_of_a_standalone_ruleset(name: str, edit: Edit, verdicts: tuple[bool, bool]) -> None:
    doc = read_yaml(MINIMAL)
    edit(doc)
    found = errors("ruleset", doc)
    assert (found == [], loads(doc)) == verdicts, found


@pytest.fixture(scope="module")
def overlay_base() -> Bases:
    return Bases(starrules.load_ruleset(OVERLAY_BASE))


@pytest.mark.parametrize(("name", "changes", "verdicts"), OVERLAYS, ids=[c[0] for c in OVERLAYS])
def test_edits_of_an_overlay(
    overlay_base: Bases, name: str, changes: Doc, verdicts: tuple[bool, bool]
) -> None:
    doc = overlay_doc(changes)
    found = errors("ruleset", doc)
    assert (found == [], loads(doc, overlay_base)) == verdicts, found


# -- 3c. villages: the schema and the model agree ------------------------------------------


def example_village() -> Doc:
    return dict(json.loads(EXAMPLES.read_text(encoding="utf-8").splitlines()[0]))


# (name, edit of the first example village, accepted by the schema and by the model)
VILLAGES: list[tuple[str, Edit, bool]] = [
    ("as shipped", lambda v: None, True),
    ("no code", drop("code"), True),
    ("a null code", put("code", None), True),
    ("a code of 11 digits", put("code", "41052310520"), False),
    ("a code with a letter", put("code", "41052310520x"), False),
    ("a code of full-width digits", put("code", "４１０５２３１０５２０１"), False),
    ("a code as a number", put("code", 410523105201), False),
    ("no as_of", drop("as_of"), True),
    ("an as_of with a time", put("as_of", "2022-12-31T00:00:00"), False),
    ("an as_of in Unix seconds", put("as_of", 1672444800), False),
    ("an as_of that is no day", put("as_of", "2022-02-30"), False),
    ("an empty name", put("name", ""), False),
    ("no jurisdiction", drop("jurisdiction"), False),
    ("a jurisdiction in capitals", put("jurisdiction", "cn-Henan"), False),
    ("an unknown kind", put("kind", "town"), False),
    ("an unknown key", put("population", 1200), False),
    ("an unknown section key", put("branch/cadres", 3), False),
    ("a count of 3.0", put("branch/reserve_cadres", 3.0), True),
    ("a count of 3.5", put("branch/reserve_cadres", 3.5), False),
    ("a count below 0", put("branch/reserve_cadres", -1), False),
    ("a count as text", put("branch/reserve_cadres", "3"), False),
    ("a count as true", put("branch/reserve_cadres", True), False),
    ("a count beyond float range", put("branch/reserve_cadres", 10**400), False),
    ("a null count", put("branch/reserve_cadres", None), True),
    ("money of 0", put("industry/collective_income", 0), True),
    ("money below 0", put("industry/collective_income", -0.5), False),
    ("money beyond float range", put("industry/collective_income", 10**400), False),
    ("a rate of 1", put("ecology/greening_rate", 1), True),
    ("a rate above 1", put("ecology/greening_rate", 1.01), False),
    ("a rate below 0", put("ecology/greening_rate", -0.01), False),
    ("a yes/no as 1", put("ecology/garbage_system", 1), False),
    ("a yes/no as text", put("ecology/garbage_system", "true"), False),
    ("an extra number", put("extra/bags", 12.5), True),
    ("an extra text", put("extra/label", "A"), True),
    ("an extra null", put("extra/label", None), True),
    ("an extra list", put("extra/bags", [1]), False),
    ("an extra object", put("extra/bags", {"n": 1}), False),
    ("an extra number beyond float range", put("extra/bags", 10**400), False),
]


@pytest.mark.parametrize(("name", "edit", "ok"), VILLAGES, ids=[c[0] for c in VILLAGES])
def test_the_village_schema_agrees_with_the_model(name: str, edit: Edit, ok: bool) -> None:
    village = example_village()
    edit(village)
    found = errors("village", village)
    try:
        starrules.Village.model_validate(village)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert (found == [], model_ok) == (ok, ok), found


def test_dates_are_refused_without_a_format_checker() -> None:
    # draft 2020-12 treats `format` as an annotation by default; the pattern still holds
    village = example_village() | {"as_of": "2022-12-31T00:00:00"}
    assert not Draft202012Validator(json_schema("village")).is_valid(village)
    ruleset = read_yaml(MINIMAL)
    for wrong in ("1 May 2022", "2022-13-01", "2022-05-32", "2022-5-1"):
        ruleset["effective"]["from"] = wrong
        assert not Draft202012Validator(json_schema("ruleset")).is_valid(ruleset), wrong
    event = REVIEW | {"date": "2022-01-01T00:00:00"}
    assert not Draft202012Validator(json_schema("event")).is_valid(event)


def test_indicators_carry_their_metadata() -> None:
    branch = json_schema("village")["$defs"]["Branch"]["properties"]["reserve_cadres"]
    assert branch["indicator"]["kind"] == "count" and "后备干部人数" in branch["description"]
    assert {"type": "null"} in branch["anyOf"]


def test_integral_floats_are_integers_to_json_schema() -> None:
    # what 'a count of 3.0' above rests on, for any reader of the schema
    integer = Draft202012Validator({"type": "integer"})
    assert integer.is_valid(3.0) and not integer.is_valid(3.5)


def test_draft_07_tools_judge_alike() -> None:
    """The documents use no keyword that draft-07 tools (such as the YAML language server
    in some versions) lack, so they reach the same verdicts (`$defs` is reached by its
    JSON pointer)."""

    def as_draft_07(what: str) -> jsonschema.Draft7Validator:
        document = json_schema(what) | {"$schema": "http://json-schema.org/draft-07/schema#"}
        jsonschema.Draft7Validator.check_schema(document)
        return jsonschema.Draft7Validator(document)

    broken = [BROKEN / f"{name}.yaml" for name in REFUSED_BY_SCHEMA]
    rulesets = [read_yaml(p) for p in [*shipped_rulesets(), *broken]]
    for _, edit, _ in STANDALONE:
        doc = read_yaml(MINIMAL)
        edit(doc)
        rulesets.append(doc)
    rulesets += [overlay_doc(changes) for _, changes, _ in OVERLAYS]
    villages = [v for _, v in example_villages()]
    for _, edit, _ in VILLAGES:
        village = example_village()
        edit(village)
        villages.append(village)
    events = [event for event, _ in EVENTS]
    for what, instances in (("ruleset", rulesets), ("village", villages), ("event", events)):
        old, new = as_draft_07(what), Draft202012Validator(json_schema(what))
        verdicts = [(old.is_valid(i), new.is_valid(i)) for i in instances]
        assert all(a == b for a, b in verdicts), what
        assert {v for v, _ in verdicts} == {True, False}, what
