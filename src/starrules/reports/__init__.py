"""Reports: many assessments counted per township, county or jurisdiction (spec §6 `report`).

    result = starrules.report(assessments, by="township", targets="plan.yaml")
    result.total.stars            # villages granted / denied / undetermined, per star
    result.groups[0].levels       # villages per level: the fewest and the most
    result.to_json()

What a township report shows (shared/domain.md), per group and for the total:

* per star, the villages that hold it, that do not, and that are undetermined;
* per level, the **fewest** villages that have it (their level is known to be it) and the
  **most** that could (their level range includes it); the villages at three stars or
  above likewise, and their share of the villages;
* the check Σ levels = Σ granted stars over the villages whose level is known: it holds
  under the default level rule (level = number of stars), as the 韩庄 report's
  17+27+27+16+1 = 88 = 5·1+4·4+3·15+2·11 does;
* the criteria that hold villages back: per criterion, the villages where it fails *and
  that failure is part of why the star is not granted* (no group above it passed: a
  failing criterion inside an `any` that another item satisfied holds nothing back), and
  the villages for which it is the **only gap** (短板): the star is denied, its required
  stars are granted, this is the one failing criterion or triggered veto that matters,
  and passing it would grant the star;
* the missing indicators that leave most villages undetermined (`Assessment.missing`);
* with targets (read by targets_file.py): each township's or county's plan compared with the
  result (plans.py).

Streaming: `report` (or a `ReportBuilder`) takes one assessment at a time and keeps only
counts, whose size depends on the rules and the number of groups, never on the number of
villages. The star statuses and the level come straight from the assessment; the
criteria's outcomes from the recording pass alone (no explanation is built), and the
missing indicators from it too, for the undetermined villages only. A table rated by the
columnar engine is counted in the same way, a pattern of outcomes at a time
(`ReportBuilder.add_table`, columns.py).

    results.py  what a report says (frozen, JSON-ready)
    facts.py    what a report needs of a ruleset, once per ruleset
    tally.py    the running counts of a group
    builder.py  ReportBuilder and report(): assessments in, a Report out
    columns.py  the same counts from a table rated by the columnar engine
"""

from __future__ import annotations

from .builder import ReportBuilder, report
from .results import (
    BY,
    REPORT_FORMAT,
    By,
    CriterionCount,
    GroupKind,
    GroupReport,
    LevelCheck,
    LevelCount,
    MissingCount,
    Nearest,
    NearVillage,
    Report,
    Shares,
    StarCount,
)
from .tally import county_of

__all__ = [
    "BY",
    "REPORT_FORMAT",
    "By",
    "CriterionCount",
    "GroupKind",
    "GroupReport",
    "LevelCheck",
    "LevelCount",
    "MissingCount",
    "NearVillage",
    "Nearest",
    "Report",
    "ReportBuilder",
    "Shares",
    "StarCount",
    "county_of",
    "report",
]
