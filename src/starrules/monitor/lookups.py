"""What the monitor looks up in a ruleset on every event, worked out once per ruleset."""

from __future__ import annotations

from ..evaluation import Program
from ..rules import Criterion
from ..ruleset import Ruleset


class Rules:
    """A ruleset in use by the monitor, with its per-event lookups at hand."""

    __slots__ = (
        "fingerprint",
        "indicators",
        "label",
        "level_reads_data",
        "program",
        "read",
        "ruleset",
    )

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.program: Program = ruleset.program
        self.label = ruleset_label(ruleset)
        self.fingerprint = ruleset.fingerprint
        tree = ruleset.tree
        self.indicators = tree.indicators
        # The indicators some criterion or veto reads: a change of any other changes no
        # star (`Program.stars_reading` is empty for it).
        self.read = frozenset(
            path
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
            for path in node.test.names
        )
        # Explicit levels may read the data (points) besides the stars: decided again on
        # every change. The default level counts the stars alone.
        self.level_reads_data = tree.levels is not None


class RulesCache:
    """One `Rules` per ruleset, made when the ruleset is first met."""

    __slots__ = ("_rules",)

    def __init__(self) -> None:
        self._rules: dict[int, Rules] = {}  # by id(): a Rules holds its ruleset alive

    def __call__(self, ruleset: Ruleset) -> Rules:
        rules = self._rules.get(id(ruleset))
        if rules is None:
            rules = self._rules[id(ruleset)] = Rules(ruleset)
        return rules


def ruleset_label(ruleset: Ruleset) -> str:
    """'henan-rural@2022.1 (cn-henan) → …': every layer, province first."""
    return " → ".join(layer.ref for layer in ruleset.layers)


__all__ = ["Rules", "RulesCache", "ruleset_label"]
