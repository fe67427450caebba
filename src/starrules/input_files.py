"""What every reader of village files shares (inputs.py: JSON and JSONL; spreadsheets.py:
CSV and .xlsx): a village with the place it was read from, and the check that a path is a
file that can be read to its end."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .village import Village


@dataclass(frozen=True, slots=True)
class VillageRecord:
    """A village and where it was read from (for error messages)."""

    village: Village
    where: str


def check_file(path: Path, name: str) -> None:
    """Raise an InputError unless `path` is a regular file: a directory cannot be read, and a
    FIFO or a device (/dev/zero) might never end or never start."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:  # e.g. ENAMETOOLONG, EACCES on a folder on the way
        raise InputError(f"{name}: cannot read the file: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the name
        raise InputError(f"{name}: cannot read the file: {exc}") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{name}: is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{name}: not a regular file (a pipe or a device may never end)")


__all__ = ["VillageRecord", "check_file"]
