"""Reading villages from files: JSON (one object or an array) and JSONL (one per line).

Villages are yielded one at a time so that large JSONL files stream; every error names
the file, the line (JSONL) or item (JSON array), and the field path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, did_you_mean
from .village import Village


@dataclass(frozen=True, slots=True)
class VillageRecord:
    """A village and where it was read from (for error messages)."""

    village: Village
    where: str


def _format_validation(exc: ValidationError, where: str) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(p) for p in error["loc"]) or "(village)"
        message = str(error["msg"])
        if error["type"] == "extra_forbidden":
            parent = _model_for(error["loc"][:-1])
            hint = did_you_mean(str(error["loc"][-1]), parent) if parent else None
            message = "unknown field" + (f" ({hint})" if hint else "")
        lines.append(f"{where}: {path}: {message}")
    return "\n".join(lines)


def _model_for(loc: tuple[Any, ...]) -> list[str] | None:
    model: type[Any] = Village
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None or not isinstance(field.annotation, type):
            return None
        model = field.annotation
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else None


def parse_village(data: Any, where: str) -> Village:
    if not isinstance(data, dict):
        raise InputError(f"{where}: a village must be a JSON object, not {type(data).__name__}")
    try:
        return Village.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format_validation(exc, where)) from None


def read_villages(path: str | Path) -> Iterator[VillageRecord]:
    """Villages from a .json or .jsonl file, in file order."""
    file = Path(path)
    name = str(path)
    if not file.is_file():
        raise InputError(f"{name}: no such file")
    if file.suffix.lower() == ".jsonl":
        yield from _read_jsonl(file, name)
        return
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read the file: {exc}") from None
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield VillageRecord(parse_village(item, f"{name}[{i}]"), f"{name}[{i}]")
    else:
        yield VillageRecord(parse_village(data, name), name)


def _read_jsonl(file: Path, name: str) -> Iterator[VillageRecord]:
    for data, where in read_jsonl(file, name):
        yield VillageRecord(parse_village(data, where), where)


def read_jsonl(source: Path | Iterable[str], name: str) -> Iterator[tuple[Any, str]]:
    """The JSON value of each non-blank line of a file (or of lines already open, e.g.
    stdin), with its place ('file:line'), read one line at a time."""
    try:
        if isinstance(source, Path):
            with source.open(encoding="utf-8") as handle:
                yield from _json_lines(handle, name)
        else:
            yield from _json_lines(source, name)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text: {exc}") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc}") from None


def _json_lines(lines: Iterable[str], name: str) -> Iterator[tuple[Any, str]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            yield json.loads(line), where
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}:{exc.colno}: invalid JSON: {exc.msg}") from None
