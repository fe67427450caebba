"""The message catalogue: what a ruleset author or a data clerk is told, in English and
Chinese, by code.

Every message has a stable code, shown with it (`[SR301]`) so that it can be searched for.
The codes are grouped in ranges:

- SR1xx  the YAML text of a file (syntax, tabs, full-width colons, encoding, limits)
- SR2xx  the structure of a ruleset (unknown and missing keys, types, ids, points)
- SR3xx  expressions (characters, tokens, names, types)
- SR4xx  overlays and references (extends, add, override, remove, stars, sources)
- SR5xx  villages and input files (village fields, JSON, spreadsheets, targets files, what
  a ruleset refuses to judge)
- SR6xx  the command line (usage errors, and the commands' own refusals)
- SR7xx  what `starrules check` finds
- SR8xx  the Python interface: monitors and their events, plug-ins, reports, output (rows,
  workbooks, records, schemas) and data frames
- SR9xx  other; SR900 is every message not catalogued yet: its English text is shown in
  both languages

Two ways to a code. A ruleset problem keeps the English text it was made with (callers and
tests read it). The catalogue's English template (`CATALOGUE`), read as a pattern,
recognises that text and gives back its fields, which fill the Chinese template: so a
problem found anywhere gets its code and its Chinese text without each place that finds
one having to change. A field listed in `nested` holds another message (an expression's
problem inside "in '<test>': …"), which is looked up in turn: its code, the more specific,
is the problem's code. Hints are looked up the same way, in `HINTS`, and pieces of messages
(PyYAML's, pydantic's, click's and Python's wording) in `FRAGMENTS`.

The messages of villages, input files, the command line and the Python interface are given
their code where they are raised (`Problem.coded`, `StarrulesError.of`), with their values:
`CODED` holds those whose English is too general to be recognised ("{field}: {detail}"); a
value may be a `Both`, worded in each language by the code that raises it. An error's
`render(lang)` gives each line as `place: message (hint) [SR501]`: the code last, so that
the English text reads as it always has.

The package:

    entries.py             Entry, Phrase, Both, the ranges of codes
    catalogue_ruleset.py   SR1xx-SR3xx: a ruleset's YAML text, structure and expressions
    catalogue_overlay.py   SR4xx: overlays and references
    catalogue_commands.py  SR5xx-SR8xx recognised by their text: registry, command line, checks
    coded_input.py         SR5xx given their code: villages and input files
    coded_cli.py           SR6xx and SR8xx given their code: the command line, the Python
                           interface
    phrases.py             hints and fragments
    catalogue.py           CATALOGUE, CODED, and the table of every code
    lookup.py              recognising a text: its code, fields and Chinese text
    wording.py             a message worded from its code and values
    validation.py          pydantic's errors in Chinese

It imports nothing else of starrules: every other module may import it.
"""

from __future__ import annotations

from .catalogue import CATALOGUE, CODED, table
from .entries import GENERIC, RANGES, Both, Entry, Lang, Phrase
from .lookup import code_of, error_text, hint_text, message_text, render, values_of
from .phrases import FRAGMENTS, HINTS
from .validation import validation_detail
from .wording import (
    aside,
    english,
    entry,
    error_line,
    fields_of,
    hint_in,
    localized,
    problem_count,
    value_kind,
    village_kind,
)

__all__ = [
    "CATALOGUE",
    "CODED",
    "FRAGMENTS",
    "GENERIC",
    "HINTS",
    "RANGES",
    "Both",
    "Entry",
    "Lang",
    "Phrase",
    "aside",
    "code_of",
    "english",
    "entry",
    "error_line",
    "error_text",
    "fields_of",
    "hint_in",
    "hint_text",
    "localized",
    "message_text",
    "problem_count",
    "render",
    "table",
    "validation_detail",
    "value_kind",
    "values_of",
    "village_kind",
]
