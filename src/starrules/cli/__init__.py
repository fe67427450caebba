"""The `starrules` command line (also `python -m starrules`): one module per command group.

Importing this package registers every command on the group in `app`.
"""

from . import (  # noqa: F401  (registers the commands)
    author,
    catalogue,
    compare,
    monitor,
    rate,
    report,
    template,
)
from .app import EXIT_FAILED, EXIT_USAGE, cli, main

__all__ = ["EXIT_FAILED", "EXIT_USAGE", "cli", "main"]
