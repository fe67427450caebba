"""The Village model (spec §1): the indicator catalogue, strict validation with the field
path in the error, unknown vs 0/false, immutability."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import starrules
from starrules import STANDARD_INDICATORS, Better, IndicatorKind, Village
from starrules.village import within

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
SECTIONS = ("branch", "industry", "ecology", "safety", "civility")
BASE: dict[str, Any] = {"name": "寨根村", "jurisdiction": "cn-henan/nanyang/xixia", "kind": "rural"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def section_model(name: str) -> type[BaseModel]:
    annotation = Village.model_fields[name].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def catalogue_fields() -> list[tuple[str, str]]:
    return [(s, f) for s in SECTIONS for f in section_model(s).model_fields]


# ----------------------------------------------------------------------------- catalogue


def test_the_catalogue_has_exactly_the_section_fields() -> None:
    paths = [f"{s}.{f}" for s, f in catalogue_fields()]
    assert len(paths) == len(set(paths))
    assert set(STANDARD_INDICATORS) == set(paths)
    assert len(paths) >= 30


@pytest.mark.parametrize(("section", "field"), catalogue_fields())
def test_every_indicator_has_labels_a_unit_kind_and_a_direction(section: str, field: str) -> None:
    spec = STANDARD_INDICATORS[f"{section}.{field}"]
    assert spec.path == f"{section}.{field}"
    assert CJK.search(spec.label.zh), spec.label.zh
    assert re.search(r"[A-Za-z]{3}", spec.label.en), spec.label.en
    assert spec.kind in (
        IndicatorKind.COUNT,
        IndicatorKind.MONEY,
        IndicatorKind.RATE,
        IndicatorKind.BOOL,
    )
    assert isinstance(spec.better, Better)
    # the Python type of the field matches its kind
    annotation = str(section_model(section).model_fields[field].annotation)
    expected = {
        IndicatorKind.COUNT: "int",
        IndicatorKind.MONEY: "float",
        IndicatorKind.RATE: "float",
        IndicatorKind.BOOL: "bool",
    }[spec.kind]
    assert expected in annotation


def test_directions_are_sensible() -> None:
    assert STANDARD_INDICATORS["industry.collective_income"].better is Better.HIGHER
    assert STANDARD_INDICATORS["ecology.sanitary_toilet_rate"].better is Better.HIGHER
    assert STANDARD_INDICATORS["safety.criminal_cases"].better is Better.LOWER
    assert STANDARD_INDICATORS["branch.weak_and_lax"].better is Better.LOWER
    assert STANDARD_INDICATORS["industry.collective_income"].kind is IndicatorKind.MONEY
    assert STANDARD_INDICATORS["ecology.sanitary_toilet_rate"].kind is IndicatorKind.RATE


def test_the_catalogue_is_read_only() -> None:
    with pytest.raises(TypeError):
        STANDARD_INDICATORS["x.y"] = STANDARD_INDICATORS["branch.reserve_cadres"]  # type: ignore[index]


def test_the_metadata_is_in_the_json_schema() -> None:
    schema = json.dumps(Village.model_json_schema(), ensure_ascii=False)
    assert '"zh": "后备干部人数"' in schema
    assert '"kind": "rate"' in schema


def test_every_example_village_validates() -> None:
    lines = [line for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    villages = [Village.model_validate_json(line) for line in lines]
    assert len(villages) == 40
    for v, line in zip(villages, lines, strict=True):
        assert Village.model_validate_json(v.model_dump_json()) == v
        assert v.code is not None and v.code == json.loads(line)["code"]


# ----------------------------------------------------------------------------- validation


def _errors(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Village.model_validate(data)
    return caught.value


BAD: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("count as a string", {"branch": {"reserve_cadres": "3"}}, ("branch", "reserve_cadres")),
    ("count as a float", {"branch": {"reserve_cadres": 3.5}}, ("branch", "reserve_cadres")),
    ("count as a bool", {"branch": {"reserve_cadres": True}}, ("branch", "reserve_cadres")),
    ("negative count", {"safety": {"criminal_cases": -1}}, ("safety", "criminal_cases")),
    ("bool as 1", {"branch": {"secretary_strong": 1}}, ("branch", "secretary_strong")),
    (
        "bool as a string",
        {"civility": {"practice_station": "true"}},
        ("civility", "practice_station"),
    ),
    (
        "rate above 1",
        {"ecology": {"sanitary_toilet_rate": 1.2}},
        ("ecology", "sanitary_toilet_rate"),
    ),
    ("negative rate", {"ecology": {"greening_rate": -0.01}}, ("ecology", "greening_rate")),
    (
        "rate NaN",
        {"ecology": {"sanitary_toilet_rate": float("nan")}},
        ("ecology", "sanitary_toilet_rate"),
    ),
    (
        "money inf",
        {"industry": {"collective_income": float("inf")}},
        ("industry", "collective_income"),
    ),
    (
        "money NaN",
        {"industry": {"collective_income": float("nan")}},
        ("industry", "collective_income"),
    ),
    ("negative money", {"industry": {"collective_income": -1}}, ("industry", "collective_income")),
    (
        "money as a bool",
        {"industry": {"collective_income": True}},
        ("industry", "collective_income"),
    ),
    (
        "money as a string",
        {"industry": {"collective_income": "250000"}},
        ("industry", "collective_income"),
    ),
    ("unknown section key", {"branch": {"reserve_cadre": 3}}, ("branch", "reserve_cadre")),
    ("unknown top-level key", {"indicators": {}}, ("indicators",)),
    ("section not a mapping", {"branch": [1, 2]}, ("branch",)),
    ("code too short", {"code": "41132310020"}, ("code",)),
    ("code too long", {"code": "4113231002011"}, ("code",)),
    ("code with a letter", {"code": "41132310020a"}, ("code",)),
    ("code as a number", {"code": 411323100201}, ("code",)),
    ("jurisdiction uppercase", {"jurisdiction": "cn-Henan/nanyang"}, ("jurisdiction",)),
    ("jurisdiction trailing slash", {"jurisdiction": "cn-henan/"}, ("jurisdiction",)),
    ("jurisdiction leading slash", {"jurisdiction": "/cn-henan"}, ("jurisdiction",)),
    ("jurisdiction empty part", {"jurisdiction": "cn-henan//xixia"}, ("jurisdiction",)),
    ("jurisdiction with a space", {"jurisdiction": "cn henan"}, ("jurisdiction",)),
    ("jurisdiction empty", {"jurisdiction": ""}, ("jurisdiction",)),
    ("unknown kind", {"kind": "urban"}, ("kind",)),
    ("empty name", {"name": ""}, ("name",)),
    ("bad date", {"as_of": "2023-13-01"}, ("as_of",)),
]


@pytest.mark.parametrize(("data", "loc"), [(d, loc) for _, d, loc in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_with_the_field_path(
    data: dict[str, Any], loc: tuple[str, ...]
) -> None:
    error = _errors({**BASE, **data})
    locs = [e["loc"] for e in error.errors()]
    assert loc in locs, locs
    assert ".".join(loc) in str(error)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf"), [1], {"a": 1}], ids=repr
)
def test_bad_extra_values_are_rejected_with_the_key(value: Any) -> None:
    error = _errors({**BASE, "extra": {"mushroom_bags": value}})
    assert all(e["loc"][:2] == ("extra", "mushroom_bags") for e in error.errors())
    assert "extra.mushroom_bags" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural",'
        ' "ecology": {"sanitary_toilet_rate": NaN}}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural",'
        ' "industry": {"collective_income": Infinity}}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "extra": {"a": -Infinity}}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural",'
        ' "branch": {"reserve_cadres": "4"}}',
    ],
)
def test_bad_json_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        Village.model_validate_json(text)


@pytest.mark.parametrize(
    "data",
    [
        {"branch": {"reserve_cadres": 0, "weak_and_lax": False}},
        {"ecology": {"sanitary_toilet_rate": 0, "greening_rate": 1}},
        {"industry": {"collective_income": 0}},
        {"code": "411323100201"},
        {"jurisdiction": "cn-henan"},
        {"jurisdiction": "cn-henan/nanyang/xixia-2"},
        {"kind": "urban_community"},
        {"as_of": "2023-12-31"},
    ],
)
def test_good_edge_values_are_kept_as_given(data: dict[str, Any]) -> None:
    v = Village.model_validate({**BASE, **data})
    dumped = v.model_dump(mode="json", exclude_none=True)
    for key, value in data.items():
        if isinstance(value, dict):
            for field, item in value.items():
                assert dumped[key][field] == item
                assert type(getattr(getattr(v, key), field)) in (int, float, bool)
        else:
            assert dumped[key] == value


def test_money_accepts_whole_and_fractional_numbers() -> None:
    v = Village.model_validate({**BASE, "industry": {"collective_income": 250_000}})
    assert v.industry.collective_income == 250_000
    w = Village.model_validate({**BASE, "industry": {"collective_income": 250_000.5}})
    assert w.industry.collective_income == 250_000.5


def test_extra_keeps_numbers_bools_and_strings_as_given() -> None:
    v = Village.model_validate(
        {**BASE, "extra": {"bags": 5_000_000, "share": 0.25, "certified": True, "brand": "寨根"}}
    )
    assert v.extra == {"bags": 5_000_000, "share": 0.25, "certified": True, "brand": "寨根"}
    assert type(v.extra["bags"]) is int
    assert type(v.extra["certified"]) is bool
    assert type(v.extra["share"]) is float


def test_a_null_extra_value_means_unknown() -> None:
    v = Village.model_validate({**BASE, "extra": {"mushroom_bags": None}})
    assert v.extra.get("mushroom_bags") is None


# ----------------------------------------------------------------------------- unknown


def test_absent_means_unknown_never_zero_or_false() -> None:
    v = Village.model_validate(BASE)
    for section, field in catalogue_fields():
        assert getattr(getattr(v, section), field) is None, f"{section}.{field}"
    assert v.extra == {}
    assert v.code is None and v.as_of is None and v.township is None
    assert list(v.indicator_values()) == []


def test_null_is_the_same_as_absent() -> None:
    explicit = Village.model_validate(
        {
            **BASE,
            "branch": {"reserve_cadres": None, "weak_and_lax": None},
            "industry": {"collective_income": None},
            "ecology": {"sanitary_toilet_rate": None},
        }
    )
    assert explicit == Village.model_validate(BASE)


def test_zero_and_false_are_known_values() -> None:
    v = Village.model_validate(
        {
            **BASE,
            "branch": {"reserve_cadres": 0, "weak_and_lax": False},
            "extra": {"mushroom_bags": 0},
        }
    )
    assert v.branch.reserve_cadres == 0 and v.branch.weak_and_lax is False
    assert dict(v.indicator_values()) == {
        "branch.reserve_cadres": 0,
        "branch.weak_and_lax": False,
        "extra.mushroom_bags": 0,
    }


def test_indicator_values_lists_known_values_with_dotted_paths() -> None:
    v = Village.model_validate(
        {
            **BASE,
            "industry": {"collective_income": 250_000},
            "safety": {"criminal_cases": 0},
            "extra": {"bags": 5},
        }
    )
    assert list(v.indicator_values()) == [
        ("industry.collective_income", 250_000),
        ("safety.criminal_cases", 0),
        ("extra.bags", 5),
    ]


def test_an_unknown_indicator_is_not_treated_as_zero_by_evaluation() -> None:
    known = Village.model_validate({**BASE, "as_of": "2023-12-31", "safety": {"criminal_cases": 0}})
    unknown = Village.model_validate({**BASE, "as_of": "2023-12-31"})
    zero = starrules.evaluate(known)
    absent = starrules.evaluate(unknown)
    veto = "safety.criminal-case"
    status = {c.id: c.status for c in zero.stars["safety"].criteria}
    assert status[veto] == "pass"
    status = {c.id: c.status for c in absent.stars["safety"].criteria}
    assert status[veto] == "unknown"


# ----------------------------------------------------------------------------- frozen


def test_villages_are_frozen() -> None:
    v = Village.model_validate({**BASE, "branch": {"reserve_cadres": 3}})
    with pytest.raises(ValidationError):
        v.name = "别的村"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        v.branch.reserve_cadres = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        v.as_of = date(2024, 1, 1)  # type: ignore[misc]
    assert v.branch.reserve_cadres == 3


def test_json_round_trip() -> None:
    v = Village.model_validate(
        {
            **BASE,
            "code": "411323100201",
            "as_of": "2023-12-31",
            "township": "寨根乡",
            "ecology": {"sanitary_toilet_rate": 0.89},
            "extra": {"mushroom_bags": 5_000_000, "brand": "寨根"},
        }
    )
    assert Village.model_validate_json(v.model_dump_json()) == v
    assert Village.model_validate(v.model_dump(mode="json", exclude_none=True)) == v


# ----------------------------------------------------------------------------- strictness
# Spreadsheets, JSON Schema and the library agree: a code is 12 ASCII digits, as_of is a
# calendar date, a count is a whole number (3.0 is 3), and every number fits a float.

FLOAT_MAX = 1.7976931348623157e308


@pytest.mark.parametrize(
    "code",
    [
        "４１１３２３１００２０１",  # full-width digits
        "٤١١٣٢٣١٠٠٢٠١",  # Arabic-Indic digits
        "४११३२३१००२०१",  # Devanagari digits
        "41132310020１",  # one full-width digit
        "411323100201\n",
    ],
)
def test_a_code_is_twelve_ascii_digits(code: str) -> None:
    error = _errors({**BASE, "code": code})
    assert [e["loc"] for e in error.errors()] == [("code",)]


@pytest.mark.parametrize(
    "value",
    [
        "2023-12-31T00:00:00",
        "2023-12-31T00:00:00Z",
        "2023-12-31 00:00",
        "2023-12-31T08:00:00+08:00",
        1703980800,
        1703980800.0,
        "1703980800",
        "20231231",
        "2023-W52-7",
        "２０２３-１２-３１",
        "2023-12-31\n",
        " 2023-12-31",
        True,
        datetime(2023, 12, 31),
    ],
    ids=repr,
)
def test_as_of_is_a_calendar_date_only(value: Any) -> None:
    error = _errors({**BASE, "as_of": value})
    (only,) = error.errors()
    assert only["loc"] == ("as_of",)
    assert "a date like 2023-12-31" in only["msg"]


def test_as_of_accepts_a_date_string_or_a_date() -> None:
    assert Village.model_validate({**BASE, "as_of": "2024-02-29"}).as_of == date(2024, 2, 29)
    assert Village.model_validate({**BASE, "as_of": date(2024, 2, 29)}).as_of == date(2024, 2, 29)
    text = json.dumps({**BASE, "as_of": "2024-02-29"})
    assert Village.model_validate_json(text).as_of == date(2024, 2, 29)
    assert '"as_of":"2024-02-29"' in Village.model_validate_json(text).model_dump_json()


def test_an_impossible_date_says_why() -> None:
    (only,) = _errors({**BASE, "as_of": "2023-02-29"}).errors()
    assert only["loc"] == ("as_of",) and "day is out of range" in only["msg"]


@pytest.mark.parametrize(("given", "kept"), [(3.0, 3), (0.0, 0), (-0.0, 0), (1e15, 10**15)])
def test_a_whole_float_is_a_count(given: float, kept: int) -> None:
    v = Village.model_validate({**BASE, "branch": {"reserve_cadres": given}})
    assert v.branch.reserve_cadres == kept and type(v.branch.reserve_cadres) is int
    text = json.dumps({**BASE, "safety": {"criminal_cases": given}})
    w = Village.model_validate_json(text)
    assert w.safety.criminal_cases == kept and type(w.safety.criminal_cases) is int


@pytest.mark.parametrize(
    "value", [3.5, 0.1, -1.0, float("nan"), float("inf"), True, False, "3", "３", None], ids=repr
)
def test_what_is_not_a_count(value: Any) -> None:
    if value is None:  # null is unknown, the control case
        assert Village.model_validate({**BASE, "branch": {"pioneer_posts": value}})
        return
    error = _errors({**BASE, "branch": {"pioneer_posts": value}})
    assert [e["loc"] for e in error.errors()] == [("branch", "pioneer_posts")]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"branch": {"reserve_cadres": 10**400}}, ("branch", "reserve_cadres")),
        ({"branch": {"reserve_cadres": 2**1024}}, ("branch", "reserve_cadres")),
        ({"industry": {"collective_income": 10**400}}, ("industry", "collective_income")),
        ({"ecology": {"greening_rate": 10**400}}, ("ecology", "greening_rate")),
        ({"extra": {"bags": 10**400}}, ("extra", "bags")),
        ({"extra": {"bags": -(10**400)}}, ("extra", "bags")),
        ({"extra": {"bags": 2**1024}}, ("extra", "bags")),
    ],
    ids=["count", "count 2**1024", "money", "rate", "extra", "negative extra", "extra 2**1024"],
)
def test_numbers_beyond_float_range_are_rejected_with_the_path(
    data: dict[str, Any], loc: tuple[str, ...]
) -> None:
    error = _errors({**BASE, **data})
    (only,) = error.errors()
    assert only["loc"] == loc
    assert "finite number" in only["msg"] and "float" in only["msg"]


def test_the_largest_numbers_a_float_holds_are_kept() -> None:
    big = int(FLOAT_MAX)  # the largest integer whose float conversion is finite
    v = Village.model_validate(
        {
            **BASE,
            "branch": {"reserve_cadres": big},
            "industry": {"collective_income": big},
            "extra": {"bags": big, "negative": -big, "real": FLOAT_MAX},
        }
    )
    assert v.branch.reserve_cadres == big
    assert v.industry.collective_income == FLOAT_MAX
    assert v.extra == {"bags": big, "negative": -big, "real": FLOAT_MAX}
    assert type(v.extra["bags"]) is int


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural",'
        ' "branch": {"reserve_cadres": 1e400}}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "extra": {"a": 1e400}}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "extra": {"a": '
        + "9" * 400
        + "}}",
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "as_of": 1703980800}',
        '{"name": "x", "jurisdiction": "cn-henan", "kind": "rural", "as_of": "2023-12-31T00:00"}',
    ],
)
def test_bad_numbers_and_dates_in_json_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        Village.model_validate_json(text)


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"name": "寨根\ud800村"}, ("name",)),
        ({"township": "\udfff"}, ("township",)),
        ({"extra": {"brand": "x\udc80"}}, ("extra", "brand")),
        ({"extra": {"\ud800": 1}}, ("extra", "\ud800", "[key]")),
    ],
    ids=["name", "township", "extra value", "extra key"],
)
def test_text_with_a_lone_surrogate_is_rejected(data: dict[str, Any], loc: tuple[str, ...]) -> None:
    # "\ud800" in JSON decodes to a lone surrogate, which no output (UTF-8) can write.
    error = _errors({**BASE, **data})
    (only,) = error.errors()
    # pydantic reports a key with U+FFFD in place of the surrogate
    assert (only["loc"][0], only["loc"][-1], len(only["loc"])) == (loc[0], loc[-1], len(loc))
    assert "surrogate" in only["msg"]


def test_text_outside_the_basic_plane_is_fine() -> None:
    v = Village.model_validate({**BASE, "name": "𠀀村", "extra": {"brand": "😀"}})
    assert v.name == "𠀀村" and v.extra["brand"] == "😀"


def test_the_json_schema_states_what_is_accepted() -> None:
    schema = Village.model_json_schema()
    props = schema["properties"]
    assert {"pattern": "^[0-9]{12}$", "type": "string"} in props["code"]["anyOf"]
    assert {"format": "date", "type": "string"} in props["as_of"]["anyOf"]
    branch = schema["$defs"]["Branch"]["properties"]
    # JSON Schema's "integer" accepts 3.0 too, as the library does
    assert {"minimum": 0, "type": "integer"} in branch["reserve_cadres"]["anyOf"]
    income = schema["$defs"]["Industry"]["properties"]["collective_income"]
    assert {"minimum": 0, "type": "number"} in income["anyOf"]


@pytest.mark.parametrize(
    ("jurisdiction", "area", "inside"),
    [
        ("cn-henan", "cn-henan", True),
        ("cn-henan/nanyang/xixia", "cn-henan", True),
        ("cn-henan/nanyang", "cn-henan/nanyang/xixia", False),
        ("cn-henanx", "cn-henan", False),  # a longer name is not below it
        ("cn-zhejiang", "cn-henan", False),
    ],
)
def test_a_jurisdiction_is_within_itself_and_what_is_above_it(
    jurisdiction: str, area: str, inside: bool
) -> None:
    assert within(jurisdiction, area) is inside
