"""Reading a ruleset file: only a regular file, at most MAX_FILE_BYTES, as UTF-8 (a byte that
is not is located), never blocking on a FIFO or reading a device forever; then parsed by
yaml_parse. Every problem is a located RulesetError."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Location, Problem, RulesetError
from .source_document import SourceDocument
from .yaml_limits import MAX_FILE_BYTES, too_large
from .yaml_parse import parse_yaml

_BAD_NAME = "no file can have this name (it holds a NUL or a lone surrogate)"  # SR125's reason

Coded = tuple[str, dict[str, object]]  # a catalogue message's code and values


def unreadable_problem(path: str | Path) -> Problem | None:
    """Why `path` cannot be read as a ruleset file (not a regular file, too large), checked
    without opening it, as the coded problem of the file; None when it may be read."""
    found = _unreadable(path)
    return None if found is None else Problem.coded(Location(str(path)), found[0], None, **found[1])


def _unreadable(path: str | Path) -> Coded | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        return _cannot_open(exc)
    return _file_kind_problem(info)


def _cannot_open(exc: OSError | ValueError) -> Coded:
    """Why a file could not be found, opened or read."""
    if isinstance(exc, FileNotFoundError):
        return "SR124", {}
    if isinstance(exc, OSError):
        return "SR125", {"reason": str(exc.strerror or exc)}
    return "SR125", {"reason": _BAD_NAME}  # a ValueError: a NUL or a lone surrogate


def _file_kind_problem(info: os.stat_result) -> Coded | None:
    if stat.S_ISDIR(info.st_mode):
        return "SR126", {}
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block the reader forever, a device such as /dev/zero never ends.
        return "SR127", {}
    if info.st_size > MAX_FILE_BYTES:
        return "SR122", {"size": MAX_FILE_BYTES // (1024 * 1024)}
    return None


def read_yaml(path: str | Path, *, recover: bool = False) -> SourceDocument:
    """Read and parse a YAML file; raise RulesetError when it is missing, not a regular file,
    too large, not UTF-8 or not a valid ruleset document (`recover`: see `parse_yaml`)."""
    file = str(path)
    return parse_yaml(_read_text(path, file), file, recover=recover)


def _read_text(path: str | Path, file: str) -> str:
    def fail(code: str, where: Location | None = None, /, **values: object) -> RulesetError:
        return RulesetError([Problem.coded(where or Location(file), code, None, **values)])

    # Non-blocking, so that opening a FIFO returns at once; its type is then checked on the
    # open file itself (no window for it to be swapped after a check by name).
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        code, values = _cannot_open(exc)
        raise fail(code, **values) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            problem = _file_kind_problem(os.fstat(handle.fileno()))
            if problem is not None:
                code, values = problem
                large = code == "SR122"
                raise fail(code, Location(file, 1, 1) if large else None, **values)
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        code, values = _cannot_open(exc)
        raise fail(code, **values) from None
    if len(data) > MAX_FILE_BYTES:  # it grew, or its size is not known (e.g. under /proc)
        raise RulesetError([too_large(file)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
        if line == 1 and data.startswith(b"\xef\xbb\xbf"):
            column -= 1
        raise fail("SR123", Location(file, line, column)) from None
