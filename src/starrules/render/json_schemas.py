"""The JSON Schema documents for editors and other systems (`starrules schema WHAT`).

pydantic generates each document from the models that validate the data. This module adds
what those models cannot say in a schema: the draft and an identifier, and for ruleset
files the rules the compiler and the overlay loader check beyond structure wherever a JSON
Schema can state them (points only on the items of a `min_points` group and required
there, none on vetoes, `extra.*` indicator names, the keys only an overlay may use, what
`policy: tighten-only` refuses, test villages that are villages). What needs the rest of
the file or the base (duplicate ids, names, expressions, `until` before `from`) stays with
`starrules lint`.

Each call builds a new document: callers may change what they get.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from ..errors import InputError
from ..indicators import IndicatorKind
from ..village import SECTIONS, STANDARD_INDICATORS, Village

DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
DOCUMENTS: Final = ("village", "ruleset", "assessment", "compact", "event", "change")
"""The documents `json_schema` knows, as `starrules schema` names them."""

Schema = dict[str, Any]

# Finite floats only: a number a JSON parser reads as infinity exceeds these bounds.
_FLOAT_MAX: Final = sys.float_info.max
# `format` is only an annotation in draft 2020-12 unless a validator opts in (editors
# mostly do not), so a date also carries a pattern: a date-time, a number or month 13 is
# refused by every validator; only `format` knows that 2022-02-30 is no day.
_DATE_PATTERN: Final = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_VERSION_PATTERN: Final = r"^[0-9]+(\.[0-9]+)*$"  # ASCII digits: `\d` differs between engines
_EXTRA_INDICATOR_PATTERN: Final = r"^extra\.[a-z_][a-z0-9_]*$"  # as compiler._EXTRA_KEY
_CODE_PATTERN: Final = r"^[0-9]{12}$"


def json_schema(what: str) -> Schema:
    """The JSON Schema (draft 2020-12) of one of `DOCUMENTS`; InputError for another name."""
    builders: dict[str, Callable[[], Schema]] = {
        "village": village_schema,
        "ruleset": ruleset_schema,
        "assessment": assessment_schema,
        "compact": compact_schema,
        "event": event_schema,
        "change": change_schema,
    }
    build = builders.get(what)
    if build is None:
        raise InputError.of(None, "SR864", what=repr(what), names=", ".join(DOCUMENTS))
    return build()


def village_schema() -> Schema:
    """A village (the input of `evaluate`, `explain` and `monitor`): `starrules.Village`."""
    return _document("village", _village_body())


def ruleset_schema() -> Schema:
    """A ruleset file, standalone or an overlay (`extends`), as an editor sees its YAML:
    dates as `YYYY-MM-DD` strings."""
    return _document("ruleset", _ruleset_body())


def assessment_schema() -> Schema:
    """A full assessment record, as `evaluate --format json` (or `--detail full`) writes it."""
    from ..explain.results import AssessmentRecord

    return _document("assessment", AssessmentRecord.model_json_schema())


def compact_schema() -> Schema:
    """A compact assessment record, as `evaluate --format jsonl` writes it by default."""
    from ..explain.results import CompactRecord

    return _document("compact", CompactRecord.model_json_schema())


def event_schema() -> Schema:
    """A line of the events `starrules monitor` reads: an update, an incident or a review."""
    from ..monitor.events import EVENT_ADAPTER

    body = EVENT_ADAPTER.json_schema()
    _events(body["$defs"])
    return _document("event", body)


def change_schema() -> Schema:
    """A line `starrules monitor --format jsonl` writes: a `Change`."""
    from ..monitor.changes import Change

    body = Change.model_json_schema()
    _events(body["$defs"])
    return _document("change", body)


# -- shared helpers ----------------------------------------------------------------------


def _document(what: str, body: Schema) -> Schema:
    """The header first, then the body with its definitions sorted by name."""
    document: Schema = {
        "$schema": DRAFT,
        # A name, not an address: nothing is published there to fetch.
        "$id": f"urn:starrules:schema:{what}",
    }
    _strict_dates(body)
    document.update((k, v) for k, v in body.items() if k != "$defs")
    if "$defs" in body:
        document["$defs"] = dict(sorted(body["$defs"].items()))
    return document


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _date() -> Schema:
    return {"type": "string", "format": "date", "pattern": _DATE_PATTERN}


def _strict_dates(node: Any) -> None:
    """Give every `{type: string, format: date}` below `node` the date pattern too."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "date":
            node["pattern"] = _DATE_PATTERN
        for value in node.values():
            _strict_dates(value)
    elif isinstance(node, list):
        for value in node:
            _strict_dates(value)


def _rename_refs(node: Any, names: Mapping[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node["$ref"] = "#/$defs/" + names.get(ref[len("#/$defs/") :], ref[len("#/$defs/") :])
        for value in node.values():
            _rename_refs(value, names)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, names)


def _events(defs: Schema) -> None:
    """The event definitions as `monitor` reads them: `type` has a default in the models
    but is needed on every line (and written on every cause); values as in a village."""
    for name in ("IndicatorUpdate", "Incident", "Review"):
        event = defs[name]
        if "type" not in event.get("required", []):
            event["required"] = ["type", *event.get("required", [])]
    value = defs["IndicatorUpdate"]["properties"]["value"]
    defs["IndicatorUpdate"]["properties"]["value"] = _keep_notes(value, _extra_value())
    count = defs["Incident"]["properties"]["count"]
    shape = {**_indicator_value(IndicatorKind.COUNT), "minimum": 1}  # a whole number >= 1
    defs["Incident"]["properties"]["count"] = _keep_notes(count, shape)


# -- village -----------------------------------------------------------------------------


def _indicator_value(kind: IndicatorKind) -> Schema:
    """The values an indicator of this kind takes (null, for unknown, is added apart)."""
    if kind is IndicatorKind.COUNT:  # 3.0 is an integer to JSON Schema, as to the model
        return {"type": "integer", "minimum": 0, "maximum": _FLOAT_MAX}
    if kind is IndicatorKind.MONEY:
        return {"type": "number", "minimum": 0, "maximum": _FLOAT_MAX}
    if kind is IndicatorKind.RATE:
        return {"type": "number", "minimum": 0, "maximum": 1}
    if kind is IndicatorKind.NUMBER:
        return {"type": "number", "minimum": -_FLOAT_MAX, "maximum": _FLOAT_MAX}
    if kind is IndicatorKind.BOOL:
        return {"type": "boolean"}
    return {"type": "string"}


def _extra_value() -> Schema:
    return {
        "type": ["number", "boolean", "string", "null"],
        "minimum": -_FLOAT_MAX,
        "maximum": _FLOAT_MAX,
    }


def _village_body() -> Schema:
    body = Village.model_json_schema()
    defs = body["$defs"]
    for section_name, model in SECTIONS:
        properties = defs[model.__name__]["properties"]
        for field_name, generated in list(properties.items()):
            spec = STANDARD_INDICATORS[f"{section_name}.{field_name}"]
            # Rebuilt from the indicator's kind, whatever type the model's field uses.
            field: Schema = {k: generated[k] for k in ("title", "description") if k in generated}
            field["anyOf"] = [_indicator_value(spec.kind), {"type": "null"}]
            field.update((k, generated[k]) for k in ("default", "indicator") if k in generated)
            properties[field_name] = field
    properties = body["properties"]
    properties["code"] = _keep_notes(
        properties["code"], _nullable({"type": "string", "pattern": _CODE_PATTERN})
    )
    properties["as_of"] = _keep_notes(properties["as_of"], _nullable(_date()))
    properties["extra"] = _keep_notes(
        properties["extra"], {"type": "object", "additionalProperties": _extra_value()}
    )
    return body


def _keep_notes(generated: Schema, shape: Schema) -> Schema:
    """`shape` with the title, description and default of the generated field schema."""
    field: Schema = {k: generated[k] for k in ("title", "description") if k in generated}
    field.update(shape)
    field.update((k, generated[k]) for k in ("default",) if k in generated)
    return field


# -- ruleset -----------------------------------------------------------------------------

# The pydantic models' names, and the names an editor shows instead.
_RULESET_NAMES: Final = MappingProxyType(
    {
        "CriterionDoc": "Criterion",
        "AllDoc": "AllGroup",
        "AnyDoc": "AnyGroup",
        "AtLeastDoc": "AtLeastGroup",
        "MinPointsDoc": "MinPointsGroup",
        "EffectiveDoc": "Effective",
        "ExpectDoc": "Expect",
        "IndicatorDoc": "Indicator",
        "LevelDoc": "Level",
        "OverrideDoc": "Override",
        "SourceDoc": "Source",
        "StarDoc": "Star",
        "TestCaseDoc": "TestCase",
    }
)
_GROUPS: Final = (  # group definition, the key holding its items
    ("AllGroup", "all"),
    ("AnyGroup", "any"),
    ("AtLeastGroup", "of"),
    ("MinPointsGroup", "of"),
)
_ITEMS: Final = ("Criterion", *(group for group, _ in _GROUPS))
_WHAT: Final = MappingProxyType(
    {
        "Criterion": "A criterion",
        "AllGroup": "A group whose items must all pass",
        "AnyGroup": "A group of which one item must pass",
        "AtLeastGroup": "A group of which at_least items must pass",
        "MinPointsGroup": "A group whose passing items must earn min_points",
    }
)


def _ruleset_body() -> Schema:
    from ..load.schema import RulesetDoc

    body = RulesetDoc.model_json_schema(by_alias=True)
    defs: Schema = {_RULESET_NAMES.get(k, k): v for k, v in body["$defs"].items()}
    _rename_refs(body, _RULESET_NAMES)
    for old, new in _RULESET_NAMES.items():
        if defs[new].get("title") == old:
            defs[new]["title"] = new
    body["title"] = "Ruleset file"
    rule_id = defs["Criterion"]["properties"]["id"]["pattern"]
    star_id = defs["Star"]["properties"]["id"]["pattern"]
    points = defs["Criterion"]["properties"]["points"]["anyOf"][0]

    _points_only_in_min_points_groups(defs, points)
    star = defs["Star"]["properties"]
    star["grant"] = {
        "description": "A group: all, any, at_least or min_points",
        "oneOf": [_ref(name) for name, _ in _GROUPS],
    }
    star["veto"]["items"] = _ref("Criterion")  # a veto has no points

    properties = body["properties"]
    properties["version"]["pattern"] = _VERSION_PATTERN
    properties["indicators"]["propertyNames"] = {"pattern": _EXTRA_INDICATOR_PATTERN}
    properties["override"]["propertyNames"] = {"pattern": rule_id}
    properties["add"]["propertyNames"] = {"pattern": rule_id}
    # Into a min_points group an item brings points, elsewhere none; which group a star or
    # group id names is only known once the base is loaded.
    properties["add"]["additionalProperties"]["items"] = {
        "anyOf": [_ref("Item"), _ref("PointedItem")]
    }
    properties["add_veto"]["propertyNames"] = {"pattern": star_id}
    properties["add_veto"]["additionalProperties"]["items"] = _ref("Criterion")
    properties["remove"]["items"]["pattern"] = rule_id

    defs["Override"]["anyOf"] = [
        {
            "description": "a criterion or a veto: no at_least or min_points",
            "properties": {"at_least": {"type": "null"}, "min_points": {"type": "null"}},
        },
        {
            "description": "a group: no test, source, provisional or note, and at most one "
            "of at_least and min_points",
            "properties": {k: {"type": "null"} for k in ("test", "source", "provisional", "note")},
            "anyOf": [
                {"properties": {"at_least": {"type": "null"}}},
                {"properties": {"min_points": {"type": "null"}}},
            ],
        },
    ]

    expect = defs["Expect"]["properties"]
    expect["stars"]["propertyNames"] = {"pattern": star_id}
    expect["criteria"]["propertyNames"] = {"pattern": rule_id}
    test_case = defs["TestCase"]["properties"]
    test_case["village"] = {
        "description": "A village, as `starrules schema village` describes it",
        **_ref("Village"),
    }
    _merge_definitions(defs, "Village", _village_body())

    body.pop("anyOf", None)  # pydantic's `stars or extends`, refined below
    body["allOf"] = [_standalone_or_overlay(), _tighten_only()]
    body["$defs"] = defs
    return body


def _points_only_in_min_points_groups(defs: Schema, points: Schema) -> None:
    """Two definitions of each item: without points (an item of an all, any or at_least
    group, a star's grant, a veto) and `Pointed…` with required points (an item of a
    min_points group). A group's own points depend on its parent, its items' on itself."""
    for group, key in _GROUPS:
        item = "PointedItem" if group == "MinPointsGroup" else "Item"
        defs[group]["properties"][key]["items"] = _ref(item)
    for name in _ITEMS:
        plain = defs[name]
        pointed = copy.deepcopy(plain)
        del plain["properties"]["points"]
        pointed["properties"]["points"] = {
            **points,
            "description": "Points this item earns when it passes",
        }
        pointed["required"] = [*pointed.get("required", []), "points"]
        pointed["title"] = f"Pointed{name}"
        pointed["description"] = f"{_WHAT[name]}, as an item of a min_points group: with points"
        plain["description"] = f"{_WHAT[name]}, without points (they count in min_points groups)"
        defs[f"Pointed{name}"] = pointed
    defs["Item"] = {
        "description": "A criterion or a group, without points",
        "oneOf": [_ref(name) for name in _ITEMS],
    }
    defs["PointedItem"] = {
        "description": "A criterion or a group with points, in a min_points group",
        "oneOf": [_ref(f"Pointed{name}") for name in _ITEMS],
    }


def _standalone_or_overlay() -> Schema:
    """A file without `extends` has a title, defines its stars and changes nothing (compiler
    `check_standalone`); an overlay may define no stars at all."""
    return {
        "if": {"required": ["extends"], "properties": {"extends": {"type": "string"}}},
        "else": {
            "required": ["stars", "title"],
            "properties": {
                "stars": {"minItems": 1},
                "policy": {"type": "null"},
                "override": {"maxProperties": 0},
                "add": {"maxProperties": 0},
                "add_veto": {"maxProperties": 0},
                "remove": {"maxItems": 0},
            },
        },
    }


def _tighten_only() -> Schema:
    """What `policy: tighten-only` refuses whatever the base: new stars, replaced levels,
    and removals (of an id the base has, refused; of any other, an error)."""
    return {
        "if": {"required": ["policy"], "properties": {"policy": {"const": "tighten-only"}}},
        "then": {
            "properties": {
                "stars": {"maxItems": 0},
                "levels": {"type": "null"},
                "remove": {"maxItems": 0},
            },
        },
    }


def _merge_definitions(defs: Schema, name: str, document: Schema) -> None:
    """Add `document` (with its own definitions) to `defs` as `name`."""
    merged = copy.deepcopy(document)
    for key, definition in merged.pop("$defs", {}).items():
        if key in defs and defs[key] != definition:
            raise AssertionError(f"two JSON Schema definitions named {key!r}")
        defs[key] = definition
    defs[name] = merged
