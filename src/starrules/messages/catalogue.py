"""The whole catalogue: the messages recognised by their English text (`CATALOGUE`), those
given their code where they are raised (`CODED`), and every code as a Markdown table."""

from __future__ import annotations

from .catalogue_commands import COMMANDS
from .catalogue_overlay import OVERLAYS
from .catalogue_ruleset import RULESET
from .coded_cli import CLI, LIBRARY
from .coded_input import INPUT
from .entries import GENERIC, Entry, Lang

CATALOGUE: tuple[Entry, ...] = (*RULESET, *OVERLAYS, *COMMANDS)
CODED: tuple[Entry, ...] = (*INPUT, *CLI, *LIBRARY)


def table(lang: Lang) -> str:
    """The Markdown table of every code (docs/errors.md, docs/errors.zh.md)."""
    head = (
        "| 代码 | 消息 | Message |\n|---|---|---|"
        if lang == "zh"
        else "| Code | Message | 中文 |\n|---|---|---|"
    )
    rows = []
    for item in sorted((*CATALOGUE, *CODED), key=lambda e: e.code):
        first, second = (item.zh, item.en) if lang == "zh" else (item.en, item.zh)
        rows.append(f"| `{item.code}` | {_cell(first)} | {_cell(second)} |")
    generic = (
        f"| `{GENERIC}` | 尚未编入目录的问题：中英文都显示其英文原文 | "
        "a problem not catalogued yet: its English text in both languages |"
        if lang == "zh"
        else f"| `{GENERIC}` | a problem not catalogued yet: its English text in both languages "
        "| 尚未编入目录的问题：中英文都显示其英文原文 |"
    )
    return "\n".join([head, *rows, generic]) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
