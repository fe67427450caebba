"""Which ruleset judges a village: the policy of `evaluate` and `explain`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..errors import StarrulesError
from ..explain.assessment import Assessment
from ..i18n import Lang
from ..inputs.files import VillageRecord
from ..load.chains import chain_key
from ..load.registry import Registry
from ..load.schema import is_overlay
from ..load.yaml_files import read_yaml
from ..ruleset import Ruleset
from ..village import Village
from .options import registry_of


class Chooser:
    """Which ruleset judges a village: an explicit file, or the registry by jurisdiction."""

    def __init__(
        self,
        ruleset: Path | None,
        rulesets: Sequence[Path],
        jurisdiction: str | None,
        on: date | None,
        *,
        strict: bool = False,
    ) -> None:
        # An explicit file may be an overlay of bundled rulesets, even over several base
        # versions (a range): each village gets the variant in force on its date. A file
        # that extends nothing needs no bundled ruleset, so they are not read for it.
        self.fixed: list[Ruleset] = []
        self.registry: Registry | None = None
        if ruleset is not None:
            base = Registry.default() if may_extend(ruleset) else None
            loaded = Registry.from_paths([ruleset], base=base)
            self.fixed = [
                rs for rs in loaded.rulesets if Path(rs.file).resolve() == ruleset.resolve()
            ]
        else:
            self.registry = registry_of(rulesets)
        self.jurisdiction = jurisdiction
        self.on = on
        self.strict = strict
        self.ignored: Counter[str] = Counter()  # undeclared indicator → villages giving it

    def ruleset_for(self, village: Village) -> Ruleset:
        when = village.as_of or self.on or date.today()
        if self.fixed:
            in_force = [rs for rs in self.fixed if rs.in_force(when)]
            if not in_force:
                periods = ", ".join(
                    f"{' → '.join(la.short for la in rs.layers)} from {rs.effective_from}"
                    + (f" to {rs.effective_until}" if rs.effective_until else "")
                    for rs in self.fixed
                )
                raise StarrulesError.of(
                    None,
                    "SR582",
                    file=self.fixed[0].file,
                    date=when.isoformat(),
                    periods=periods,
                )
            return max(in_force, key=chain_key)
        assert self.registry is not None
        return self.registry.resolve(self.jurisdiction or village.jurisdiction, village.kind, when)

    def assess(self, record: VillageRecord) -> Assessment:
        try:
            assessment = self.ruleset_for(record.village).evaluate(
                record.village, self.on, strict=self.strict
            )
        except StarrulesError as exc:
            raise exc.at(record.where) from None
        self.ignored.update(assessment.ignored_paths)
        return assessment

    def ignored_note(self, lang: Lang) -> str | None:
        """One line for stderr naming the indicators ignored (the output stays clean)."""
        if not self.ignored:
            return None
        listed = ", ".join(f"{path} ({n})" for path, n in sorted(self.ignored.items()))
        if lang == "zh":
            return (
                f"注意：以下指标本规则未定义，已忽略（括号内为村数）：{listed}；"
                "加 --strict 则视为错误"
            )
        return (
            f"note: indicators these rules do not declare were ignored (villages in "
            f"brackets): {listed}; --strict makes them errors"
        )


def may_extend(file: Path) -> bool:
    """Whether a ruleset file may be an overlay (True when it cannot be read: loading it
    with its bases then reports the problem exactly as ever)."""
    try:
        data = read_yaml(file).data
    except StarrulesError:
        return True
    return not isinstance(data, dict) or is_overlay(data)
