"""Walking, rebuilding and naming compiled rule trees, for the compiler and the overlay."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..rules import Criterion, Group, Node, Star


def preorder(node: Node) -> list[Node]:
    """The node and every node inside it, in ruleset order."""
    if isinstance(node, Criterion):
        return [node]
    out: list[Node] = [node]
    for item in node.items:
        out.extend(preorder(item))
    return out


def walk(star: Star) -> list[Node]:
    """A star's grant tree in ruleset order, then its vetoes (what `Star.nodes` holds)."""
    return [*preorder(star.grant), *star.vetoes]


def all_ids(stars: list[Star]) -> set[str]:
    """The ids of the stars and of every node in them."""
    return {s.id for s in stars} | {n.id for s in stars for n in walk(s)}


def map_star(star: Star, fn: Callable[[Node], Node | None]) -> Star:
    """The star with `fn` applied to every node, innermost first (None drops the node)."""
    grant = _map_node(star.grant, fn)
    if not isinstance(grant, Group):
        grant = dataclasses.replace(star.grant, items=())  # reported by check_groups
    vetoes = tuple(v for v in (fn(v) for v in star.vetoes) if isinstance(v, Criterion))
    return dataclasses.replace(star, grant=grant, vetoes=vetoes)


def _map_node(node: Node, fn: Callable[[Node], Node | None]) -> Node | None:
    if isinstance(node, Group):
        items = tuple(x for x in (_map_node(i, fn) for i in node.items) if x is not None)
        node = dataclasses.replace(node, items=items)
    return fn(node)


def renumber(stars: list[Star]) -> tuple[list[Star], int]:
    """Number every node again (pre-order, ruleset order) and set parents and `nodes`;
    also the number of nodes."""
    counter = 0

    def number(node: Node, parent: str | None) -> Node:
        nonlocal counter
        index = counter
        counter += 1
        if isinstance(node, Group):
            items = tuple(number(i, node.id) for i in node.items)
            return dataclasses.replace(node, index=index, parent=parent, items=items)
        return dataclasses.replace(node, index=index, parent=parent)

    rebuilt: list[Star] = []
    for position, star in enumerate(stars):
        grant = number(star.grant, None)
        assert isinstance(grant, Group)
        vetoes = tuple(_criterion(number(v, None)) for v in star.vetoes)
        rebuilt_star = dataclasses.replace(star, index=position, grant=grant, vetoes=vetoes)
        rebuilt.append(dataclasses.replace(rebuilt_star, nodes=tuple(walk(rebuilt_star))))
    return rebuilt, counter


def _criterion(node: Node) -> Criterion:
    assert isinstance(node, Criterion)
    return node


def star_names(stars: list[Star]) -> dict[str, list[str]]:
    """Each star's Chinese names (`产业兴旺星`), for hints on a star written by its name."""
    return {s.id: [s.name.zh] for s in stars}


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of the graph (its first node repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
