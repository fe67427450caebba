"""`python -m starrules`: the same as the `starrules` command."""

import sys

from .cli import main

sys.exit(main())
