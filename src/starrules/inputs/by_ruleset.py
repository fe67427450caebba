"""A table of villages split by the ruleset that judges each (the columnar engine rates
each group with its ruleset)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..errors import InputError, StarrulesError
from ..ruleset import Ruleset
from ..village import Village


def split_by_ruleset(
    table: Any, choose: Callable[[Village], Ruleset], where: str = "row"
) -> list[tuple[Ruleset, list[int]]]:
    """The table's rows grouped by the ruleset that judges each (`choose` is asked once per
    jurisdiction, kind and date), in the order of each group's first row."""
    length = table.num_rows
    columns = set(table.column_names)
    get = {
        name: table.column(name).to_pylist() if name in columns else [None] * length
        for name in ("jurisdiction", "kind", "as_of")
    }
    chosen: dict[tuple[Any, Any, Any], Ruleset] = {}
    groups: dict[str, tuple[Ruleset, list[int]]] = {}
    for row in range(length):
        key = (get["jurisdiction"][row], get["kind"][row], get["as_of"][row])
        ruleset = chosen.get(key)
        if ruleset is None:
            at = _row_place(where, row + 1)
            place, kind, when = key
            if place is None or kind is None:
                raise InputError.of(at, "SR527")
            try:
                stub = Village.model_validate(
                    {"name": "-", "jurisdiction": place, "kind": kind, "as_of": when}
                )
                ruleset = chosen[key] = choose(stub)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                detail = messages.validation_detail(error)
                raise InputError.of(at, "SR500", field=field, detail=detail) from None
            except StarrulesError as exc:
                raise exc.at(at) from None
        fingerprint = f"{ruleset.fingerprint}@{id(ruleset)}"
        groups.setdefault(fingerprint, (ruleset, []))[1].append(row)
    return list(groups.values())


def _row_place(where: str, number: int) -> str | messages.Both:
    """`row 3`, said in Chinese too when the rows are rows or lines (第 3 行)."""
    if where in ("row", "line"):
        return messages.Both(f"{where} {number}", f"第 {number} 行")
    return f"{where} {number}"


__all__ = ["split_by_ruleset"]
