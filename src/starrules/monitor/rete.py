"""The `rete` backend: stars decided by durable-rules (a Rete engine), hardened.

Install with ``pip install 'starrules[rete]'``. durable-rules 2.0.28 is a C extension that
ships no wheels and does not import on Python 3.13+, so this module is imported only when a
monitor asks for it, and a missing or broken install is one clear MonitorError.

The wrapper keeps every public call away from the measured limits of durable-rules
(docs/monitor.md lists them with the measurements):

* timer threads: a Host starts two threads that never stop and run actions from another
  thread; this host never starts them, so no thread outlives the monitor;
* the 1,024 live sessions per ruleset, and the crash of delete_state: one session is used,
  each fact is retracted right after it is asserted (one live fact), delete_state is never
  called;
* float formatting (1e-05, 1e+16, inf rejected) and loose typing ('200000' >= 100000): facts
  and rules carry only small ints (ranks, see translate.py);
* the 253-field cap and the expansion limit (error 113): checked when translating; a star
  that would hit them is decided natively and listed in the capability report;
* message identity (a 32-bit hash): every fact carries a fresh sequence number;
* no GIL release and actions run inside assert_fact: calls are serialised by a lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import EvaluationError, MonitorError
from ..evaluation import Truth, star_status
from ..ruleset import Ruleset
from ..village import Village
from .backend import BackendName, Capabilities, Fallback
from .translate import StarRules, translate

INSTALL_HINT = (
    "the rete backend needs durable-rules: pip install 'starrules[rete]' "
    "(durable-rules 2.0.28 builds from source with a C compiler, on Python 3.11 and 3.12 "
    "only); or use the native backend (the default)"
)


def _load_engine() -> Any:
    try:
        from durable import engine
    except ImportError as exc:  # not installed, or its C extension fails to load (3.13+)
        raise MonitorError.of(None, "SR807", detail=exc) from None
    return engine


def _load_c_engine() -> Any:
    import durable_rules_engine  # the C extension durable.engine wraps

    return durable_rules_engine


class _Compiled:
    """A ruleset registered with durable-rules: one durable ruleset per translated star."""

    __slots__ = ("fallbacks", "names", "rules")

    def __init__(
        self, rules: dict[int, StarRules], names: dict[int, str], fallbacks: list[Fallback]
    ) -> None:
        self.rules = rules  # star index → its rules (stars missing here are native)
        self.names = names  # star index → durable ruleset name
        self.fallbacks = fallbacks


class ReteBackend:
    """Decides translated stars with durable-rules, the rest natively (see `capabilities`)."""

    name: BackendName = "rete"

    def __init__(self) -> None:
        engine = _load_engine()

        class QuietHost(engine.Host):  # type: ignore[misc,name-defined]
            def _run(self) -> None:
                """Start no timer threads (they never stop and run actions off-thread)."""

        self._engine_module: Any = _load_c_engine()
        self._not_handled: type[Exception] = engine.MessageNotHandledException
        self._host: Any = QuietHost()
        self._lock = threading.Lock()
        self._compiled: dict[str, _Compiled] = {}
        self._fired: set[str] = set()
        self._sequence = 0
        self._closed = False

    # -- Backend ----------------------------------------------------------------------
    def decide(
        self,
        ruleset: Ruleset,
        village: Village,
        before: list[Truth] | None,
        changed: Iterable[str] | None,
    ) -> list[Truth]:
        compiled = self._compile(ruleset)
        program = ruleset.program

        def decide(index: int, village: Village, stars: list[Truth]) -> Truth:
            rules = compiled.rules.get(index)
            if rules is None:  # a native fallback
                return program.decide_star(index, village, stars)
            return self._decide_star(compiled.names[index], rules, village, ruleset, stars)

        if before is not None and changed is not None:
            return program.restars(village, before, changed, decide)
        stars: list[Truth] = [None] * len(ruleset.stars)
        for index in program.requirements_order:
            stars[index] = decide(index, village, stars)
        return stars

    def capabilities(self, ruleset: Ruleset) -> Capabilities:
        compiled = self._compile(ruleset)
        mixed = {f.star for f in compiled.fallbacks if f.node is not None}
        return Capabilities(
            backend="rete",
            ruleset=f"{ruleset.id}@{ruleset.version} ({ruleset.jurisdiction})",
            fingerprint=ruleset.fingerprint,
            stars={
                s.id: "native"
                if s.index not in compiled.rules
                else "mixed"
                if s.id in mixed
                else "backend"
                for s in ruleset.stars
            },
            fallbacks=list(compiled.fallbacks),
            notes=[
                "stars, criteria and vetoes not listed as fallbacks are matched by durable-rules",
                "required stars (requires) and the level are combined by starrules from the "
                "star statuses",
                "explanations are built by starrules' explainer (durable-rules reports only "
                "the rules that fired)",
            ],
        )

    def close(self) -> None:
        """Free the engine's rulesets (durable-rules has no public call for it; without
        this, each dropped host leaks its rulesets' memory) and drop the host."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._compiled.clear()
            host, self._host = self._host, None
            delete = getattr(self._engine_module, "delete_ruleset", None)
            for ruleset in getattr(host, "_ruleset_list", ()):
                handle = getattr(ruleset, "_handle", None)
                if delete is not None and handle is not None:
                    delete(handle)

    # -- internals --------------------------------------------------------------------
    def _compile(self, ruleset: Ruleset) -> _Compiled:
        compiled = self._compiled.get(ruleset.fingerprint)
        if compiled is not None:
            return compiled
        with self._lock:
            if self._closed:
                raise MonitorError.of(None, "SR808")
            compiled = self._compiled.get(ruleset.fingerprint)
            if compiled is not None:  # another thread compiled it meanwhile
                return compiled
            translation = translate(ruleset.tree)
            number = len(self._compiled)
            rules: dict[int, StarRules] = {}
            names: dict[int, str] = {}
            fallbacks = list(translation.fallbacks)
            for star in translation.stars:
                name = f"starrules_{number}_{star.index}"
                definition = {
                    rule: {"all": [{"m": condition}], "run": self._action(rule)}
                    for rule, condition in star.rules.items()
                }
                try:  # one star at a time: a rejected star falls back alone
                    self._host.register_rulesets({name: definition})
                except Exception as exc:  # durable reports its limits as bare Exceptions
                    fallbacks.append(
                        Fallback(
                            star=star.star,
                            node=None,
                            reason=f"durable-rules rejected its rules ({exc})",
                        )
                    )
                    continue
                rules[star.index] = star
                names[star.index] = name
            compiled = _Compiled(rules, names, fallbacks)
            self._compiled[ruleset.fingerprint] = compiled
            return compiled

    def _action(self, rule: str) -> Callable[[Any], None]:
        fired = self._fired

        def record(_closure: Any) -> None:
            fired.add(rule)

        return record

    def _decide_star(
        self, name: str, rules: StarRules, village: Village, ruleset: Ruleset, stars: list[Truth]
    ) -> Truth:
        fact: dict[str, Any] = rules.fact(village)
        with self._lock:
            if self._closed:
                raise MonitorError.of(None, "SR808")
            self._sequence += 1
            fact["s"] = self._sequence  # a fresh identity: no false "already observed"
            fired = self._fired
            fired.clear()
            host = self._host
            # No rule matching is a normal outcome (all unknown); durable reports it so.
            with contextlib.suppress(self._not_handled):
                host.assert_fact(name, fact)
            with contextlib.suppress(self._not_handled):
                host.retract_fact(name, fact)
            outcome = set(fired)
        grant = _truth(outcome, "g", name)
        vetoes = [_truth(outcome, f"v{i}", name) for i in range(rules.vetoes)]
        star = ruleset.stars[rules.index]
        required = [stars[ruleset.tree.star_index[r]] for r in star.requires]
        return star_status(grant, vetoes, required)


def _truth(fired: set[str], rule: str, where: str) -> Truth:
    passes, fails = rule + "1" in fired, rule + "0" in fired
    if passes and fails:
        raise EvaluationError.of(None, "SR809", rule=rule, name=where)
    return True if passes else False if fails else None


__all__ = ["INSTALL_HINT", "ReteBackend"]
