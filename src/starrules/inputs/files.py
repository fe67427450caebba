"""What every reader of village files shares (villages.py: JSON and JSONL; spreadsheets.py:
CSV and .xlsx; parquet.py: Parquet): a village with the place it was read from, and the
check that a path is a file that can be read to its end."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..village import Village


@dataclass(frozen=True, slots=True)
class VillageRecord:
    """A village and where it was read from (for error messages)."""

    village: Village
    where: str


PARQUET_SUFFIXES = (".parquet", ".pq")


def is_parquet(path: Path) -> bool:
    """A Parquet file of villages, by its name (read with the `columnar` extra)."""
    return path.suffix.lower() in PARQUET_SUFFIXES


def check_file(path: Path, name: str) -> None:
    """Raise an InputError unless `path` is a regular file: a directory cannot be read, and a
    FIFO or a device (/dev/zero) might never end or never start."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError.of(name, "SR503") from None
    except OSError as exc:  # e.g. ENAMETOOLONG, EACCES on a folder on the way
        raise unreadable(name, exc) from None
    except ValueError as exc:  # a NUL in the name
        raise InputError.of(name, "SR504", reason=str(exc)) from None
    if stat.S_ISDIR(mode):
        raise InputError.of(name, "SR505")
    if not stat.S_ISREG(mode):
        raise InputError.of(name, "SR506")


def unreadable(name: str, exc: OSError) -> InputError:
    """`name: cannot read the file: <why>` (SR504)."""
    return InputError.of(name, "SR504", reason=exc.strerror or str(exc))


__all__ = ["VillageRecord", "check_file", "unreadable"]
