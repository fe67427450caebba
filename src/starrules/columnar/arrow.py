"""pyarrow, imported on first use: the columnar engine is an optional extra."""

from __future__ import annotations

from types import ModuleType

from .. import extras

INSTALL_HINT = "pip install 'starrules[columnar]'"


def require(module: str = "pyarrow") -> ModuleType:
    """The module, or a StarrulesError saying that the `columnar` extra installs it."""
    return extras.require(module, code="SR653", install=INSTALL_HINT)
