"""The shapes of the catalogue's messages: an `Entry` (a message with its code), a `Phrase`
(a hint or a piece of a message, without one), a `Both` (a value worded in each language),
and the ranges of codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]  # the same as i18n.Lang, without importing pydantic here

GENERIC = "SR900"

RANGES: tuple[tuple[str, str, str], ...] = (
    ("SR1", "the YAML text of a file", "文件的 YAML 文本"),
    ("SR2", "the structure of a ruleset", "规则集的结构"),
    ("SR3", "expressions", "表达式"),
    ("SR4", "overlays and references", "叠加层和引用"),
    ("SR5", "villages and input files", "村庄数据和输入文件"),
    ("SR6", "the command line", "命令行"),
    ("SR7", "property checks (`starrules check`)", "性质检查（`starrules check`）"),
    (
        "SR8",
        "the Python interface: monitors, plug-ins, reports, output and data frames",
        "Python 接口：监测、插件、报表、输出和数据框",
    ),
    ("SR9", "other", "其他"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One message: its code, English and Chinese templates (str.format fields)."""

    code: str
    en: str
    zh: str
    nested: tuple[str, ...] = ()  # fields that hold a message of their own
    fields: Mapping[str, str] = field(default_factory=dict)  # a field's regex, if not .+?


@dataclass(frozen=True, slots=True)
class Phrase:
    """A hint or a fragment: English and Chinese templates, without a code."""

    en: str
    zh: str
    nested: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Both:
    """A value of a message given in both languages (a word, or a piece worded by the code
    that raises the message); in English text it is its English."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en
