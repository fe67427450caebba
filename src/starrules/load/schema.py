"""The validated shape of a ruleset file (spec §2), before any expression is compiled.

These pydantic models check structure and types only; names, expressions, duplicate ids
and cycles are checked by `compiler.py`, which knows the indicator catalogue. The JSON
Schema of a ruleset file (`starrules schema ruleset`) is generated from these models.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, cast, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from ..i18n import Text
from ..indicators import Better, IndicatorKind
from ..rules import ExpectDoc
from ..village import JURISDICTION_PATTERN

FORMAT_VERSION = 1

RulesetId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
StarId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$")]  # ASCII digits
Expression = Annotated[str, StringConstraints(min_length=1)]


def _not_a_datetime(value: object) -> object:
    # A timestamp with a time (even 00:00:00, as a YAML timestamp or quoted text) is not the
    # calendar date the format asks for; pydantic alone would take it.
    if isinstance(value, dt.datetime) or (
        isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    ):
        raise ValueError("expected a date like 2022-05-01, without a time of day")
    return value


# a YAML date, or the same date in quotes
LaxDate = Annotated[dt.date, BeforeValidator(_not_a_datetime), Field(strict=False)]
Points = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class SourceDoc(_Doc):
    """A document a criterion rests on: auditors follow `source:` back to it."""

    id: SourceId
    title: str
    date: LaxDate | None = None
    url: str | None = None
    note: str | None = None


class EffectiveDoc(_Doc):
    from_: LaxDate = Field(alias="from")
    until: LaxDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> EffectiveDoc:
        if self.until is not None and self.until < self.from_:
            raise ValueError("'until' is before 'from'")
        return self


class IndicatorDoc(_Doc):
    """Declaration of a region-specific `extra.*` indicator."""

    type: Annotated[IndicatorKind, Field(strict=False)]
    better: Annotated[Better, Field(strict=False)] = Better.NONE
    zh: str
    en: str


class CriterionDoc(_Doc):
    id: RuleId
    test: Expression
    text: Text
    source: SourceId | None = None
    provisional: bool = False
    note: str | None = None
    points: Points | None = None


class _GroupDoc(_Doc):
    id: RuleId | None = None
    text: Text | None = None
    points: Points | None = None


class AllDoc(_GroupDoc):
    all: list[ItemDoc] = Field(min_length=1)


class AnyDoc(_GroupDoc):
    any: list[ItemDoc] = Field(min_length=1)


class AtLeastDoc(_GroupDoc):
    at_least: Annotated[int, Field(ge=1)]
    of: list[ItemDoc] = Field(min_length=1)


class MinPointsDoc(_GroupDoc):
    min_points: Points
    of: list[ItemDoc] = Field(min_length=1)


# The tags of the unions below, which pydantic puts in an error's `loc` after the item's place.
UNION_TAGS: Final = frozenset({"<all>", "<any>", "<at_least>", "<min_points>", "<criterion>"})


def document_path(error: ErrorDetails) -> tuple[str | int, ...]:
    """Where in the file a schema error is: its `loc` without the union tags. An unknown
    key is always the last part of its `loc`, and is kept even when it looks like a tag."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" and loc:
        return (*(p for p in loc[:-1] if p not in UNION_TAGS), loc[-1])
    return tuple(p for p in loc if p not in UNION_TAGS)


def _item_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {
            AllDoc: "<all>",
            AnyDoc: "<any>",
            AtLeastDoc: "<at_least>",
            MinPointsDoc: "<min_points>",
            CriterionDoc: "<criterion>",
        }.get(type(value))
    if not isinstance(value, dict):
        return None
    for key in ("all", "any", "at_least", "min_points"):
        if key in value:
            return f"<{key}>"
    return "<criterion>"


def _group_tag(value: Any) -> str | None:
    tag = _item_tag(value)
    return None if tag == "<criterion>" else tag


_ITEM_ERROR = "expected a criterion (id, test, text) or a group (all, any, at_least, min_points)"

GroupDoc = Annotated[
    Annotated[AllDoc, Tag("<all>")]
    | Annotated[AnyDoc, Tag("<any>")]
    | Annotated[AtLeastDoc, Tag("<at_least>")]
    | Annotated[MinPointsDoc, Tag("<min_points>")],
    Discriminator(
        _group_tag,
        custom_error_type="group",
        custom_error_message="expected a group: all, any, at_least or min_points",
    ),
]

ItemDoc = Annotated[
    Annotated[CriterionDoc, Tag("<criterion>")]
    | Annotated[AllDoc, Tag("<all>")]
    | Annotated[AnyDoc, Tag("<any>")]
    | Annotated[AtLeastDoc, Tag("<at_least>")]
    | Annotated[MinPointsDoc, Tag("<min_points>")],
    Discriminator(_item_tag, custom_error_type="item", custom_error_message=_ITEM_ERROR),
]


class StarDoc(_Doc):
    id: StarId
    name: Text
    description: Text | None = None
    requires: list[StarId] = Field(default_factory=list)
    grant: GroupDoc
    veto: list[CriterionDoc] = Field(default_factory=list)


class LevelDoc(_Doc):
    value: Annotated[int, Field(ge=1)]
    name: Text
    when: Expression
    named_by: str | None = None


class TestCaseDoc(_Doc):
    name: str
    village: dict[str, Any]
    on: LaxDate | None = None
    expect: ExpectDoc


class OverrideDoc(_Doc):
    """What an overlay may change on an existing criterion, veto or group (by id)."""

    test: Expression | None = None
    text: Text | None = None
    source: SourceId | None = None
    provisional: bool | None = None
    note: str | None = None
    points: Points | None = None
    at_least: Annotated[int, Field(ge=1)] | None = None
    min_points: Points | None = None


class TestFileDoc(_Doc):
    """A `*.test.yaml` file: cases resolved through a registry by each village's
    jurisdiction, kind and `as_of` (or the case's `on`)."""

    starrules: Literal[1]
    cases: list[TestCaseDoc] = Field(min_length=1)


Policy = Literal["tighten-only"]


class RulesetDoc(_Doc):
    """One file: one version of one ruleset for one jurisdiction. With `extends` it is an
    overlay: it changes the ruleset it extends instead of defining every star itself."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["stars"]}, {"required": ["extends"]}]}
    )

    starrules: Literal[1] = Field(description="Format version of the file")
    id: RulesetId
    jurisdiction: Annotated[str, StringConstraints(pattern=JURISDICTION_PATTERN)]
    kind: Literal["rural", "urban_community"]
    version: Version
    effective: EffectiveDoc
    title: Text | None = Field(
        default=None, description="Required without `extends`; an overlay inherits its base's"
    )
    description: Text | None = None
    sources: list[SourceDoc] = Field(default_factory=list)
    indicators: dict[str, IndicatorDoc] = Field(default_factory=dict)
    stars: list[StarDoc] = Field(default_factory=list)
    levels: list[LevelDoc] | None = None
    tests: list[TestCaseDoc] = Field(default_factory=list)
    extends: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*@.+$")] | None = None
    policy: Policy | None = None
    override: dict[str, OverrideDoc] = Field(default_factory=dict)
    add: dict[str, list[ItemDoc]] = Field(default_factory=dict)
    add_veto: dict[str, list[CriterionDoc]] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _standalone_has_title(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """`title` is required of a file without `extends`: reported as pydantic reports a
        missing key, alongside the file's other errors."""
        if not isinstance(data, dict) or is_overlay(data) or "title" in data:
            return handler(data)
        errors: list[InitErrorDetails] = []
        try:
            handler(data)
        except ValidationError as exc:
            errors = [_raised_again(e) for e in exc.errors(include_url=False)]
        errors.append({"type": "missing", "loc": ("title",), "input": data})
        raise ValidationError.from_exception_data(cls.__name__, errors)


_PYDANTIC_ERROR_TYPES: Final = frozenset(get_args(ErrorType))


def _raised_again(error: ErrorDetails) -> InitErrorDetails:
    """An error as `ValidationError.from_exception_data` takes it: pydantic's own types by
    name, a custom one (a discriminator's 'item' or 'group') as its own error again."""
    if error["type"] in _PYDANTIC_ERROR_TYPES:
        return cast(
            InitErrorDetails, {k: error[k] for k in ("type", "loc", "input", "ctx") if k in error}
        )
    return {
        "type": PydanticCustomError(error["type"], error["msg"]),
        "loc": error["loc"],
        "input": error["input"],
    }


def is_overlay(document: object) -> bool:
    """Whether a ruleset file is an overlay (it `extends` another ruleset and changes it)
    rather than a standalone ruleset: decided here only, on the validated document or on
    the data of a file (which may not validate)."""
    if isinstance(document, RulesetDoc):
        return document.extends is not None
    return isinstance(document, Mapping) and document.get("extends") is not None


for _model in (AllDoc, AnyDoc, AtLeastDoc, MinPointsDoc, StarDoc, RulesetDoc):
    _model.model_rebuild()

KNOWN_KEYS: frozenset[str] = frozenset(
    (info.alias or name)
    for model in (
        RulesetDoc,
        OverrideDoc,
        SourceDoc,
        EffectiveDoc,
        IndicatorDoc,
        CriterionDoc,
        AllDoc,
        AnyDoc,
        AtLeastDoc,
        MinPointsDoc,
        StarDoc,
        LevelDoc,
        ExpectDoc,
        TestCaseDoc,
        TestFileDoc,
    )
    for name, info in model.model_fields.items()
)
"""Every key the format knows, for did-you-mean hints on unknown keys."""
