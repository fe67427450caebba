"""Monitor input: the events that change a village during a rating period.

Three kinds, one JSON object each (JSONL files hold one per line):

* ``update``: a new value for one indicator (``safety.grid_management``, ``extra.x``);
* ``incident``: something that happened (a criminal case, an accident with casualties …),
  counted into its indicator for the assessment period it falls in;
* ``review``: the clock moves to a date (a quarterly review, the start of a year) for one
  village or all of them, so that new periods and new ruleset versions take effect.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from .. import messages
from ..errors import InputError, Location, Place, Problem, did_you_mean, field_path
from ..i18n import Text
from ..indicators import whole_count
from ..inputs.villages import read_jsonl
from ..village import CalendarDate, ExtraValue, Str

Name = Annotated[Str, Field(min_length=1)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: CalendarDate
    id: Str | None = Field(default=None, description="The sender's reference, echoed back")


class IndicatorUpdate(_Event):
    """A new value for one indicator of one village (null: the value became unknown)."""

    type: Literal["update"] = "update"
    village: Name = Field(description="The village's code, else its name")
    field: Name = Field(description="Indicator path, e.g. safety.grid_management")
    value: ExtraValue


class Incident(_Event):
    """Something that happened in a village, counted into its indicator for the period."""

    type: Literal["incident"] = "incident"
    village: Name
    incident: Name = Field(description="An incident type, e.g. criminal_case")
    count: int = Field(default=1, gt=0, strict=True)
    note: Str | None = None

    @field_validator("count", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        return whole_count(value)  # as for a count indicator: 2.0 is 2, no 10**400


class Review(_Event):
    """The clock moves to `date` for one village (or every village when `village` is null)."""

    type: Literal["review"] = "review"
    village: Str | None = None
    note: Str | None = None


AnyEvent = IndicatorUpdate | Incident | Review
Event = Annotated[AnyEvent, Field(discriminator="type")]
EVENT_ADAPTER: TypeAdapter[IndicatorUpdate | Incident | Review] = TypeAdapter(Event)


@dataclass(frozen=True, slots=True)
class IncidentType:
    """What an incident counts into: a count indicator, for the period it falls in."""

    id: str
    indicator: str
    name: Text


DEFAULT_INCIDENT_TYPES: Mapping[str, IncidentType] = MappingProxyType(
    {
        t.id: t
        for t in (
            IncidentType(
                "escalated_petition",
                "safety.escalated_petitions",
                Text(zh="越级上访", en="escalated petition"),
            ),
            IncidentType(
                "accident_with_casualties",
                "safety.accidents_with_casualties",
                Text(zh="伤亡事故", en="accident with casualties"),
            ),
            IncidentType(
                "criminal_case", "safety.criminal_cases", Text(zh="刑事案件", en="criminal case")
            ),
            IncidentType(
                "wage_arrears_case",
                "industry.wage_arrears_cases",
                Text(zh="拖欠工资案件", en="wage arrears case"),
            ),
        )
    }
)


def incident_type(name: str, types: Mapping[str, IncidentType]) -> IncidentType:
    """Look an incident type up by id or by its Chinese name."""
    found = types.get(name)
    if found is not None:
        return found
    for candidate in types.values():
        if candidate.name.zh == name:
            return candidate
    choices = [*types, *(t.name.zh for t in types.values())]
    hint = did_you_mean(name, choices)
    raise InputError.of(
        None, "SR810", name=name, suggestion=messages.aside(hint), known=", ".join(types)
    )


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event and where it was read from (for error messages)."""

    event: IndicatorUpdate | Incident | Review
    where: str


def parse_event(data: Any, where: Place) -> IndicatorUpdate | Incident | Review:
    """Validate one event; errors name the place and the field."""
    if not isinstance(data, dict):
        raise InputError.of(where, "SR596", type=type(data).__name__)
    kind = data.get("type")
    if kind not in ("update", "incident", "review"):
        hint = did_you_mean(str(kind), ("update", "incident", "review")) if kind else None
        if kind is None:
            raise InputError.of(where, "SR811")
        raise InputError.of(where, "SR812", kind=repr(kind), suggestion=messages.aside(hint))
    try:
        return EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = [str(p) for p in error["loc"][1:]]  # drop the union tag
            path = field_path(error["loc"][1:]) or "(event)"
            if error["type"] == "extra_forbidden":
                fields = {
                    "update": IndicatorUpdate.model_fields,
                    "incident": Incident.model_fields,
                    "review": Review.model_fields,
                }[kind]
                hint = did_you_mean(loc[-1], fields)
                problems.append(Problem.coded(Location.of(where), "SR501", hint, field=path))
            else:
                detail = messages.validation_detail(error)
                problems.append(
                    Problem.coded(Location.of(where), "SR500", field=path, detail=detail)
                )
        raise InputError.listing(problems) from None


def read_events(
    source: str | Path | IO[str] | IO[bytes], name: str | None = None
) -> Iterator[EventRecord]:
    """Events from a JSONL file (or an open stream, e.g. stdin, of text or of UTF-8 bytes),
    one per line, in order; blank lines and a byte order mark are skipped. Streams: each
    event is yielded as soon as it is read. `name` names the source in error messages
    (default: the path, else the stream's name)."""
    if isinstance(source, str | Path):
        lines = read_jsonl(Path(source), name or str(source))  # a regular file only
    else:
        lines = read_jsonl(source, name or str(getattr(source, "name", "<stream>")))
    for data, where in lines:
        yield EventRecord(parse_event(data, where), where)


__all__ = [
    "DEFAULT_INCIDENT_TYPES",
    "AnyEvent",
    "Event",
    "EventRecord",
    "Incident",
    "IncidentType",
    "IndicatorUpdate",
    "Review",
    "incident_type",
    "parse_event",
    "read_events",
]
