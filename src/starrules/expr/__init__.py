"""The expression language of `test` and `when`: parsed and compiled, never `eval`ed.

lexer → parser (AST) → types (static checking against the indicator catalogue)
→ compiler (closures over three-valued values; None means unknown).
"""

from .ast import Node
from .compiler import CompiledExpression, compile_expression
from .errors import ExpressionError
from .functions import BUILTIN_FUNCTIONS, FunctionSpec
from .parser import parse
from .types import Scope, check
from .valuetypes import ExprType

__all__ = [
    "BUILTIN_FUNCTIONS",
    "CompiledExpression",
    "ExprType",
    "ExpressionError",
    "FunctionSpec",
    "Node",
    "Scope",
    "check",
    "compile_expression",
    "parse",
]
