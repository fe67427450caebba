"""Backends decide star statuses for the monitor; the capability report says how.

A backend answers one question: given a village's data and the statuses it had before a
change, what is every star's status now? The monitor does everything else (state, periods,
change events, explanations), so both backends are held to identical answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from ..evaluation import Truth
from ..ruleset import Ruleset
from ..village import Village

BackendName = Literal["native", "rete"]
BACKENDS: tuple[BackendName, ...] = ("native", "rete")


class Fallback(BaseModel):
    """One part of a ruleset the backend leaves to the native engine, and why."""

    model_config = ConfigDict(frozen=True)

    star: str
    node: str | None  # None: the whole star
    reason: str


class Capabilities(BaseModel):
    """How a backend runs one ruleset: which stars it decides itself, which fall back."""

    model_config = ConfigDict(frozen=True)

    backend: BackendName
    ruleset: str
    fingerprint: str
    stars: dict[str, Literal["backend", "native", "mixed"]]
    fallbacks: list[Fallback]
    notes: list[str]


class Backend(Protocol):
    name: BackendName

    def decide(
        self,
        ruleset: Ruleset,
        village: Village,
        before: list[Truth] | None,
        changed: Iterable[str] | None,
    ) -> list[Truth]:
        """Every star's status; `before` and `changed` (indicator paths) allow re-deciding
        only the stars that read a changed indicator. None: decide every star. `before` is
        never changed: the answer is a new list, or `before` itself when nothing changed."""
        ...

    def capabilities(self, ruleset: Ruleset) -> Capabilities: ...

    def close(self) -> None: ...


class NativeBackend:
    """starrules' own engine: compiled closures, re-deciding only the stars that read a
    changed indicator, and the stars requiring one only when its status changed."""

    name: BackendName = "native"

    def decide(
        self,
        ruleset: Ruleset,
        village: Village,
        before: list[Truth] | None,
        changed: Iterable[str] | None,
    ) -> list[Truth]:
        program = ruleset.program
        if before is None or changed is None:
            return program.run(village).stars
        return program.restars(village, before, changed)

    def capabilities(self, ruleset: Ruleset) -> Capabilities:
        return Capabilities(
            backend="native",
            ruleset=f"{ruleset.id}@{ruleset.version} ({ruleset.jurisdiction})",
            fingerprint=ruleset.fingerprint,
            stars={s.id: "backend" for s in ruleset.stars},
            fallbacks=[],
            notes=["every rule is run by starrules' compiled closures"],
        )

    def close(self) -> None:
        """Nothing to release."""


__all__ = ["BACKENDS", "Backend", "BackendName", "Capabilities", "Fallback", "NativeBackend"]
