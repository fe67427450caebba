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

_BAD_NAME = "cannot read the file: no file can have this name (it holds a NUL or a lone surrogate)"


def unreadable(path: str | Path) -> str | None:
    """Why `path` cannot be read as a ruleset file (not a regular file, too large), checked
    without opening it; None when it may be read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    except ValueError:  # a NUL or a lone surrogate in the name
        return _BAD_NAME
    return _file_kind_problem(info)


def _file_kind_problem(info: os.stat_result) -> str | None:
    if stat.S_ISDIR(info.st_mode):
        return "this is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block the reader forever, a device such as /dev/zero never ends.
        return "not a regular file (a pipe, a device or a socket): only files are read"
    if info.st_size > MAX_FILE_BYTES:
        return f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    return None


def read_yaml(path: str | Path, *, recover: bool = False) -> SourceDocument:
    """Read and parse a YAML file; raise RulesetError when it is missing, not a regular file,
    too large, not UTF-8 or not a valid ruleset document (`recover`: see `parse_yaml`)."""
    file = str(path)
    return parse_yaml(_read_text(path, file), file, recover=recover)


def _read_text(path: str | Path, file: str) -> str:
    def fail(message: str, where: Location | None = None) -> RulesetError:
        return RulesetError([Problem(where or Location(file), message)])

    # Non-blocking, so that opening a FIFO returns at once; its type is then checked on the
    # open file itself (no window for it to be swapped after a check by name).
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL or a lone surrogate in the name
        raise fail(_BAD_NAME) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            problem = _file_kind_problem(os.fstat(handle.fileno()))
            if problem is not None:
                large = problem.startswith("the file is larger")
                raise fail(problem, Location(file, 1, 1) if large else None)
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
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
        raise fail(
            "the file is not UTF-8 text (it may be GBK); save it as UTF-8",
            Location(file, line, column),
        ) from None
