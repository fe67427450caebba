"""Optional dependencies (the extras: columnar, dask, …), imported on first use: the module,
or one coded error naming the extra that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import StarrulesError


def require(module: str, *, code: str, install: str) -> ModuleType:
    """The module, or a StarrulesError with message `code` (which names what needs it) and
    `install`, the command that installs the extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise StarrulesError.of(None, code, module=module.split(".")[0], install=install) from exc
