"""pyarrow, imported on first use: the columnar engine is an optional extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import StarrulesError

INSTALL_HINT = "pip install 'starrules[columnar]'"


def require(module: str = "pyarrow") -> ModuleType:
    """The module, or a StarrulesError saying which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise StarrulesError.of(
            None, "SR653", module=module.split(".")[0], install=INSTALL_HINT
        ) from exc
