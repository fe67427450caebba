"""Bilingual text: every user-facing string exists in Chinese and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Text(BaseModel):
    """A text in Chinese (`zh`) and English (`en`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en
