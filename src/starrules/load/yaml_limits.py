"""The bounds on reading any YAML input: its size, nesting and number of values are checked
as it is read, so that anything is refused or read in well under a second."""

from __future__ import annotations

from ..errors import Location, Problem

# Limits far above any real ruleset (the largest bundled one is 25 KB, ~1,300 values, 9 levels
# deep, its longest value ~250 characters) and low enough that any input is refused fast.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILE_CHARACTERS = MAX_FILE_BYTES
MAX_SCALAR_CHARACTERS = 64 * 1024
MAX_DEPTH = 64
MAX_NODES = 20_000  # values in the file, and again after aliases are expanded


def too_large(file: str) -> Problem:
    return Problem.coded(
        Location(file, 1, 1),
        "SR122",
        "a ruleset file is a few dozen KB",
        size=MAX_FILE_BYTES // (1024 * 1024),
    )
