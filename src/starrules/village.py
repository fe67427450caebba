"""The `Village` model: one village's (or community's) indicators for one rating.

Every indicator is optional: absent or null means *unknown*, never 0 or false. Models are
frozen so an assessment can keep a reference to the village it describes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .i18n import Text
from .indicators import (
    Better,
    IndicatorKind,
    IndicatorSpec,
    finite_real,
    fits_float,
    not_a_finite_float,
    whole_count,
)
from .indicators import indicator as _field

C, M, R, B = IndicatorKind.COUNT, IndicatorKind.MONEY, IndicatorKind.RATE, IndicatorKind.BOOL
HIGHER, LOWER = Better.HIGHER, Better.LOWER

JURISDICTION_PATTERN = r"^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$"
Jurisdiction = Annotated[str, StringConstraints(pattern=JURISDICTION_PATTERN)]
Kind = Literal["rural", "urban_community"]


def within(jurisdiction: str, area: str) -> bool:
    """Whether `jurisdiction` is `area` or below it (cn-henan/nanyang is within cn-henan,
    cn-henanx is not): the one test of it, for villages, overlays and targets alike."""
    return jurisdiction == area or jurisdiction.startswith(area + "/")


def _text(value: str) -> str:
    # JSON's "\ud800" escape decodes to a lone surrogate: not a character, and no output
    # (UTF-8 files, terminals, JSON writers) can write it.
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PydanticCustomError(
                "string_surrogate",
                "Input should be text without lone surrogates (\\ud800–\\udfff escapes "
                "that are not part of a pair)",
            ) from None
    return value


Str = Annotated[str, AfterValidator(_text)]
"""Text that can be written out: a str without lone surrogates."""


def _extra_value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int | float):
        if not fits_float(value):
            raise not_a_finite_float()
        return value
    raise ValueError(f"must be a number, yes/no, text or null, not {type(value).__name__}")


ExtraValue = Annotated[
    int | float | bool | str | None,
    PlainValidator(_extra_value),
    WithJsonSchema({"type": ["number", "boolean", "string", "null"]}),
]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _calendar_date(value: Any) -> date:
    # Only a calendar date: a date-time or a Unix timestamp (which pydantic would coerce)
    # names an instant, and its date depends on a time zone the data do not state.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "date_parsing",
                "Input should be a valid date like 2023-12-31: {reason}",
                {"reason": str(exc)},
            ) from None
    raise PydanticCustomError(
        "date_type", "Input should be a calendar date, a date like 2023-12-31 (no time)"
    )


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]
"""A calendar date, in JSON a 'YYYY-MM-DD' string (ASCII digits); no date-time, no timestamp."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def indicator(kind: IndicatorKind, zh: str, en: str, better: Better = Better.NONE) -> Any:
    """A standard indicator's field: `indicators.indicator`, with `whole_count` (3.0 is a
    count) or `finite_real` run first, so that no number beyond the range of a float gets
    in. Appended to the field's metadata, the check wraps the strict type and its bounds,
    which stay in the JSON Schema."""
    field = _field(kind, zh, en, better)
    if kind is IndicatorKind.COUNT:
        field.metadata.append(BeforeValidator(whole_count))
    elif kind.is_numeric:
        field.metadata.append(BeforeValidator(finite_real))
    return field


class Branch(_Section):
    """支部过硬星: the Party branch itself."""

    secretary_strong: bool | None = indicator(
        B, "书记为“双强”型带头人", "Secretary is a capable leader (双强)", HIGHER
    )
    reserve_cadres: int | None = indicator(C, "后备干部人数", "Reserve cadres", HIGHER)
    three_meetings_one_lesson: bool | None = indicator(
        B,
        "“三会一课”按要求开展",
        "Three meetings and one lesson (三会一课) held as required",
        HIGHER,
    )
    themed_party_days: int | None = indicator(
        C, "年度主题党日次数", "Themed Party days a year", HIGHER
    )
    member_review_done: bool | None = indicator(
        B, "年度民主评议党员已完成", "Democratic review of members done", HIGHER
    )
    service_center_standard: bool | None = indicator(
        B, "党群服务中心达标", "Party-people service centre up to standard", HIGHER
    )
    pioneer_posts: int | None = indicator(
        C, "党员先锋岗（认岗领责）数", "Member pioneer posts", HIGHER
    )
    weak_and_lax: bool | None = indicator(
        B, "被列为软弱涣散党组织", "Listed as a weak and lax branch", LOWER
    )


class Industry(_Section):
    """产业兴旺星: the village economy."""

    collective_income: float | None = indicator(
        M, "村集体经济年收入", "Village collective income a year", HIGHER
    )
    one_village_one_product: bool | None = indicator(
        B, "有“一村一品”主导产业", "Has a leading product (一村一品)", HIGHER
    )
    branch_led_cooperative: bool | None = indicator(
        B, "有党支部领办合作社", "Has a branch-led cooperative", HIGHER
    )
    dual_binding: bool | None = indicator(
        B, "与龙头企业“双绑”", "Bound with a leading firm (双绑)", HIGHER
    )
    local_jobs: int | None = indicator(C, "带动本地就业人数", "Local jobs created", HIGHER)
    skills_trainees: int | None = indicator(
        C, "技能培训人数", "Villagers trained in skills", HIGHER
    )
    wage_arrears_cases: int | None = indicator(C, "拖欠工资案件数", "Wage arrears cases", LOWER)


class Ecology(_Section):
    """生态宜居星: environment and living conditions."""

    sanitary_toilet_rate: float | None = indicator(
        R, "卫生厕所普及率", "Sanitary toilet rate", HIGHER
    )
    sewage_treatment_rate: float | None = indicator(
        R, "生活污水治理率", "Sewage treatment rate", HIGHER
    )
    garbage_system: bool | None = indicator(
        B, "建立垃圾收运处置体系", "Garbage collection and disposal in place", HIGHER
    )
    cleaning_days_per_month: int | None = indicator(
        C, "每月村庄清洁日天数", "Village cleaning days a month", HIGHER
    )
    greening_rate: float | None = indicator(R, "村庄绿化覆盖率", "Greening rate", HIGHER)
    hardened_road_rate: float | None = indicator(R, "道路硬化率", "Hardened road rate", HIGHER)


class Safety(_Section):
    """平安法治星: safety, order and the rule of law (incl. the 三零 zeros)."""

    disputes_total: int | None = indicator(C, "排查矛盾纠纷总数", "Disputes found")
    disputes_resolved: int | None = indicator(C, "化解矛盾纠纷数", "Disputes resolved", HIGHER)
    grid_management: bool | None = indicator(
        B, "网格化管理到位", "Grid management in place", HIGHER
    )
    video_coverage: bool | None = indicator(
        B, "重点部位视频监控全覆盖", "Video surveillance covers key places", HIGHER
    )
    key_population_managed: bool | None = indicator(
        B, "重点人群登记管控到位", "Key populations registered and managed", HIGHER
    )
    safety_inspections: int | None = indicator(
        C, "年度安全隐患排查次数", "Safety inspections a year", HIGHER
    )
    legal_adviser: bool | None = indicator(
        B, "配备村法律顾问", "Village has a legal adviser", HIGHER
    )
    escalated_petitions: int | None = indicator(C, "越级上访件数", "Escalated petitions", LOWER)
    accidents_with_casualties: int | None = indicator(
        C, "伤亡事故起数", "Accidents with casualties", LOWER
    )
    criminal_cases: int | None = indicator(C, "刑事案件起数", "Criminal cases", LOWER)


class Civility(_Section):
    """文明幸福星: civility, culture and public services."""

    practice_station: bool | None = indicator(
        B, "建有新时代文明实践站", "Civilisation practice station in place", HIGHER
    )
    village_rules: bool | None = indicator(
        B, "村规民约健全并执行", "Village rules (村规民约) in force", HIGHER
    )
    councils: int | None = indicator(
        C, "“一约四会”组织数", "Village councils (一约四会: 红白理事会 …)", HIGHER
    )
    star_households: int | None = indicator(C, "星级文明户数", "Star civilised households", HIGHER)
    activities: int | None = indicator(
        C, "年度文化和文明实践活动次数", "Cultural and civility activities a year", HIGHER
    )


SECTIONS: tuple[tuple[str, type[_Section]], ...] = (
    ("branch", Branch),
    ("industry", Industry),
    ("ecology", Ecology),
    ("safety", Safety),
    ("civility", Civility),
)


class Village(BaseModel):
    """A village's identity and indicators for one rating period (JSON form: spec §1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # [0-9], not \d: \d also matches full-width and other Unicode digits.
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")] | None = Field(
        default=None, description="12-digit statistical division code (统计用区划代码)"
    )
    name: Annotated[Str, StringConstraints(min_length=1)]
    jurisdiction: Jurisdiction = Field(
        description="Lowercase ids, province first, e.g. cn-henan/nanyang/xixia"
    )
    kind: Kind
    township: Str | None = None
    as_of: CalendarDate | None = Field(
        default=None, description="The date the indicators describe, e.g. 2023-12-31"
    )
    branch: Branch = Field(default_factory=Branch)
    industry: Industry = Field(default_factory=Industry)
    ecology: Ecology = Field(default_factory=Ecology)
    safety: Safety = Field(default_factory=Safety)
    civility: Civility = Field(default_factory=Civility)
    extra: dict[Str, ExtraValue] = Field(
        default_factory=dict, description="Region-specific indicators a ruleset declares"
    )

    def indicator_values(self) -> Iterator[tuple[str, Any]]:
        """Every known indicator as (dotted path, value)."""
        for section_name, _ in SECTIONS:
            section = getattr(self, section_name)
            for field_name in type(section).model_fields:
                value = getattr(section, field_name)
                if value is not None:
                    yield f"{section_name}.{field_name}", value
        for key, value in self.extra.items():
            if value is not None:
                yield f"extra.{key}", value


def _standard_catalogue() -> Mapping[str, IndicatorSpec]:
    specs: dict[str, IndicatorSpec] = {}
    for section_name, model in SECTIONS:
        for field_name, info in model.model_fields.items():
            meta = info.json_schema_extra
            assert isinstance(meta, dict)
            data = meta["indicator"]
            assert isinstance(data, dict)
            path = f"{section_name}.{field_name}"
            specs[path] = IndicatorSpec(
                path=path,
                kind=IndicatorKind(str(data["kind"])),
                better=Better(str(data["better"])),
                label=Text(zh=str(data["zh"]), en=str(data["en"])),
            )
    return MappingProxyType(specs)


STANDARD_INDICATORS: Mapping[str, IndicatorSpec] = _standard_catalogue()
"""The standard indicator catalogue, by dotted path (read-only)."""
