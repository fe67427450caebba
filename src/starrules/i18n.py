"""Bilingual text: every user-facing string exists in Chinese and English."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from types import MappingProxyType
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
K = TypeVar("K", bound=Hashable)


class Text(BaseModel):
    """A text in Chinese (`zh`) and English (`en`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Words(Generic[K]):
    """A renderer's fixed texts, each a (Chinese, English) pair, looked up by key: the one
    place where a key and a language give a text (formatted when values are given)."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Mapping[K, tuple[str, str]]) -> None:
        self._pairs = MappingProxyType(dict(pairs))

    def __call__(self, key: K, lang: Lang, **values: object) -> str:
        zh, en = self._pairs[key]
        text = zh if lang == "zh" else en
        return text.format(**values) if values else text
