"""The expression AST: small immutable nodes, each knowing its offset in the source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

Constant = int | float | bool | str


@dataclass(frozen=True, slots=True)
class Literal:
    value: Constant
    offset: int


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Literal, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    """A dotted name: an indicator path (`industry.local_jobs`) or `stars.<id>` / `stars`."""

    path: str
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" or "-"
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # + - * /
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # == != < <= > >= in
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # and / or
    operands: tuple[Node, ...]
    offset: int


Node = Literal | ListLiteral | Name | Call | Unary | Arithmetic | Compare | Logical

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def _literal(value: Constant) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))
    return repr(value)


def to_source(node: Node, parent: int = 0) -> str:
    """The canonical text of an expression: same meaning, same text (used in fingerprints)."""
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, ListLiteral):
        return "[" + ", ".join(_literal(item.value) for item in node.items) + "]"
    if isinstance(node, Name):
        return node.path
    if isinstance(node, Call):
        return f"{node.function}(" + ", ".join(to_source(a) for a in node.args) + ")"
    if isinstance(node, Unary):
        prec = _PRECEDENCE["not" if node.op == "not" else "neg"]
        text = ("not " if node.op == "not" else "-") + to_source(node.operand, prec)
    elif isinstance(node, Arithmetic):
        prec = _PRECEDENCE[node.op]
        text = f"{to_source(node.left, prec)} {node.op} {to_source(node.right, prec + 1)}"
    elif isinstance(node, Compare):
        prec = _PRECEDENCE["cmp"]
        text = f"{to_source(node.left, prec + 1)} {node.op} {to_source(node.right, prec + 1)}"
    else:
        prec = _PRECEDENCE[node.op]
        text = f" {node.op} ".join(to_source(o, prec + 1) for o in node.operands)
    return f"({text})" if prec < parent or (prec == parent and prec == _PRECEDENCE["cmp"]) else text


def start_offset(node: Node) -> int:
    """Where an expression starts in its source: a binary node starts at its left operand."""
    if isinstance(node, Arithmetic | Compare):
        return start_offset(node.left)
    if isinstance(node, Logical):
        return start_offset(node.operands[0])
    return node.offset


def walk(node: Node) -> Iterator[Node]:
    """Every node of the expression, depth first, the node itself first."""
    # With a stack, not nested generators: each of those passes every node up through
    # every level, which is quadratic in a long sum such as `a + b + c + …`.
    stack: list[Node] = [node]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Call):
            stack.extend(reversed(node.args))
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Arithmetic | Compare):
            stack += (node.right, node.left)
        elif isinstance(node, Logical):
            stack.extend(reversed(node.operands))
        elif isinstance(node, ListLiteral):
            stack.extend(reversed(node.items))


def names(node: Node) -> list[str]:
    """Every dotted name the expression reads, in order of first appearance."""
    return list(dict.fromkeys(n.path for n in walk(node) if isinstance(n, Name)))
