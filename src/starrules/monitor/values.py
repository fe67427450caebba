"""What an event sets: the indicator, checked against the ruleset in force, and its value,
validated as the Village model would (a rate within 0..1, a whole count, …)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from .. import messages
from ..errors import InputError, Location, Place, Problem, did_you_mean, place_and
from ..evaluation import fits_kind
from ..village import SECTIONS
from .events import AnyEvent, Incident, IncidentType, IndicatorUpdate, Review, incident_type
from .lookups import Rules


class EventValues:
    """Checks an event's indicator and value; keeps one validator per standard indicator."""

    def __init__(self, incident_types: Mapping[str, IncidentType], strict: bool = False) -> None:
        self._incident_types = incident_types
        self._strict = strict  # an undeclared `extra` indicator: an error, not ignored
        self._adapters: dict[str, TypeAdapter[Any]] = {}
        # The adapters' own validators, called straight (the common case: one per update).
        self._validators: dict[str, Callable[..., Any]] = {}

    def of(self, rules: Rules, event: AnyEvent, place: Place) -> tuple[str | None, Any]:
        """The indicator the event sets and its validated value (incidents: counted later)."""
        if type(event) is IndicatorUpdate:
            validate = self._validators.get(event.field)
            if validate is not None:  # a standard indicator met before: valid for any rules
                try:
                    return event.field, validate(event.value, strict=True)
                except ValidationError:
                    pass  # a whole number for a real one, or an error: said below
        elif isinstance(event, Review):
            return None, None
        if isinstance(event, Incident):
            try:
                kind = incident_type(event.incident, self._incident_types)
            except InputError as exc:  # coded: its problems, said of the event's field
                raise InputError.listing(
                    [
                        Problem(
                            Location.of(place_and(place, "incident")),
                            p.message,
                            p.hint,
                            p.code,
                            p.values,
                        )
                        for p in exc.problems
                    ]
                ) from None
            self._check_path(rules, kind.indicator, place, "incident")
            return kind.indicator, None
        assert isinstance(event, IndicatorUpdate)
        path = event.field
        self._check_path(rules, path, place, "field")
        if path.startswith("extra."):
            spec = rules.indicators.get(path)
            if spec is None:  # not declared: kept with the village, ignored by these rules
                return path, event.value
            if event.value is not None and not fits_kind(spec.kind, event.value):
                raise InputError.of(
                    place,
                    "SR815",
                    value=repr(event.value),
                    kind=messages.value_kind(spec.kind.value),
                    path=path,
                )
            return path, event.value
        adapter = self._adapters[path]  # with the field's checks: 3.0 is a count, …
        try:
            return path, adapter.validate_python(event.value, strict=True)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            if isinstance(event.value, int) and not isinstance(event.value, bool):
                try:  # a whole number where a real one is expected (rates, money) is fine
                    return path, adapter.validate_python(float(event.value), strict=True)
                except ValidationError:
                    pass
            detail = messages.validation_detail(error)
            raise InputError.of(
                place, "SR816", value=repr(event.value), path=path, detail=detail
            ) from None

    def _check_path(self, rules: Rules, path: str, place: Place, field: str) -> None:
        if path.startswith("extra."):
            if path not in rules.indicators and (self._strict or field == "incident"):
                declared = [p for p in rules.indicators if p.startswith("extra.")]
                hint = did_you_mean(path, declared)
                ruleset = rules.ruleset
                raise InputError.of(
                    place,
                    "SR813",
                    hint,
                    field=field,
                    path=path,
                    ruleset=f"{ruleset.id}@{ruleset.version}",
                )
            return
        if path in self._adapters:
            return
        annotation = section_field(path)
        if annotation is not None:
            adapter = self._adapters[path] = TypeAdapter(annotation)
            self._validators[path] = adapter.validator.validate_python
        else:
            known = [f"{name}.{f}" for name, model in SECTIONS for f in model.model_fields]
            hint = did_you_mean(path, known)
            raise InputError.of(place, "SR814", hint, field=field, path=path)


def section_field(path: str) -> Any | None:
    """The type annotation of a standard indicator, or None when there is no such one."""
    section, _, name = path.partition(".")
    for section_name, model in SECTIONS:
        if section_name == section:
            field = model.model_fields.get(name)
            if field is None:
                return None
            # The bounds (a rate within 0..1, a count >= 0) live in the field's metadata.
            return (
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            )
    return None


__all__ = ["EventValues", "section_field"]
