"""Safe YAML reading that remembers where every key and value came from.

PyYAML's safe composer builds a node tree; we turn it into plain data ourselves so that we
can (a) record the file:line:column of every value and key, (b) refuse any tag outside the
YAML core schema (no object construction, ever), (c) report duplicate keys, which PyYAML
would silently overwrite, and (d) bound alias expansion (no "billion laughs").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Location, Problem, RulesetError

PathKey = tuple[str | int, ...]

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_MAX_NODES = 50_000  # a large real ruleset has a few thousand


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based
    style: str | None = None  # the scalar's quoting style: None (plain), '"', "'", '|', '>'
    span: tuple[int, int] | None = field(default=None, compare=False)  # scalar's text range


@dataclass(slots=True)
class SourceDocument:
    """A parsed YAML document with the position of every value (and key) by path."""

    file: str
    data: Any
    text: str = ""
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                pos = table[probe]
                return Location(self.file, pos.line, pos.column)
            if probe in self.values:
                pos = self.values[probe]
                return Location(self.file, pos.line, pos.column)
            if not probe:
                return Location(self.file)
            probe = probe[:-1]

    def expression_location(self, path: PathKey, offset: int) -> Location:
        """The location of character `offset` of the scalar string at `path`, through
        quotes, escapes, folded lines and block scalars."""
        pos = self.values.get(tuple(path))
        value = self._value_at(path)
        if pos is None or pos.span is None or not isinstance(value, str):
            return self.location(path)
        start, end = pos.span
        places = scalar_positions(self.text[start:end], pos.style, pos.line, pos.column, value)
        if places is None:  # a layout we do not map: the scalar's start is still right
            return Location(self.file, pos.line, pos.column)
        line, column = places[min(offset, len(places) - 1)] if places else (pos.line, pos.column)
        return Location(self.file, line, column)

    def _value_at(self, path: PathKey) -> Any:
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value


def scalar_positions(
    raw: str, style: str | None, line: int, column: int, value: str
) -> list[tuple[int, int]] | None:
    """(line, column) of each character of `value` in `raw`, the scalar's source text that
    starts at (line, column); None when the reconstruction does not give back `value`."""
    chars: list[str] = []
    places: list[tuple[int, int]] = []
    lines = raw.split("\n")
    if style in ("|", ">"):
        body = lines[1:]
        indent = min((len(t) - len(t.lstrip(" ")) for t in body if t.strip()), default=0)
        for n, text in enumerate(body):
            if n and chars:
                folded = style == ">" and text.strip() and body[n - 1].strip()
                chars.append(" " if folded else "\n")
                places.append((line + n, len(body[n - 1]) + 1))
            for k, char in enumerate(text[indent:]):
                chars.append(char)
                places.append((line + 1 + n, indent + k + 1))
        built = "".join(chars)
        return places if built.rstrip("\n") == value.rstrip("\n") else None
    quote = style if style in ('"', "'") else None
    for n, text in enumerate(lines):
        first_column = column if n == 0 else 1
        k = 0
        if n == 0 and quote:
            k = 1  # the opening quote
        elif n:
            k = len(text) - len(text.lstrip(" \t"))
            if chars and chars[-1] != "\n":
                chars.append(" ")  # a line break inside a flow scalar folds to a space
                places.append((line + n - 1, len(lines[n - 1]) + 1))
        while k < len(text):
            char = text[k]
            at = (line + n, first_column + k)
            if quote and char == quote:
                if quote == "'" and text[k + 1 : k + 2] == "'":
                    chars.append("'")
                    places.append(at)
                    k += 2
                    continue
                break  # the closing quote
            if quote == '"' and char == "\\":
                code = text[k + 1 : k + 2]
                width = {"x": 4, "u": 6, "U": 10}.get(code, 2)
                chars.append(text[k : k + width].encode().decode("unicode_escape"))
                places.append(at)
                k += width
                continue
            chars.append(char)
            places.append(at)
            k += 1
    built = "".join(chars).rstrip()
    return places if built == value.rstrip() else None


class _Builder:
    def __init__(self, file: str, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.doc = SourceDocument(file=file, data=None)
        self.problems: list[Problem] = []
        self.visited = 0

    def where(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: PathKey) -> Any:
        self.visited += 1
        if self.visited > _MAX_NODES:
            raise RulesetError(
                [
                    Problem(
                        self.where(node),
                        "the document is too large or expands aliases too often",
                        None,
                    )
                ]
            )
        scalar = node if isinstance(node, ScalarNode) else None
        self.doc.values[path] = Position(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            scalar.style if scalar else None,
            (node.start_mark.index, node.end_mark.index) if scalar else None,
        )
        if node.tag not in _CORE_TAGS:
            self.problems.append(
                Problem(
                    self.where(node),
                    f"tag {node.tag!r} is not allowed; a ruleset holds plain data only and "
                    "nothing in it is ever executed",
                )
            )
            return None
        if isinstance(node, ScalarNode):
            try:
                return self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:
                if node.tag == "tag:yaml.org,2002:timestamp":
                    message = f"'{node.value}' is not a valid date ({exc})"
                else:
                    message = f"bad value '{node.value}': {exc}"
                self.problems.append(Problem(self.where(node), message))
                return None
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self.where(key_node), "merge keys ('<<') are not supported")
                )
                continue
            # Keys are always text in a ruleset: a plain `on:` or `no:` is a name here, not
            # the YAML 1.1 boolean it would otherwise be read as.
            plain = isinstance(key_node, ScalarNode) and key_node.tag in _CORE_TAGS
            key = key_node.value if plain else self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str):
                self.problems.append(
                    Problem(self.where(key_node), f"keys must be text, not {key!r}")
                )
                continue
            if key in result:
                self.problems.append(Problem(self.where(key_node), f"duplicate key '{key}'"))
                continue
            self.doc.keys[(*path, key)] = Position(
                key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
            result[key] = self.build(value_node, (*path, key))
        self.doc.values.pop((*path, "<key>"), None)
        return result


def parse_yaml(text: str, file: str) -> SourceDocument:
    """Parse one YAML document; raise RulesetError (with locations) on any problem."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
            message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            raise RulesetError([Problem(loc, f"YAML syntax error: {message}")]) from None
        except yaml.YAMLError as exc:
            raise RulesetError([Problem(Location(file), f"YAML error: {exc}")]) from None
        if root is None:
            raise RulesetError([Problem(Location(file), "the file is empty")])
        builder = _Builder(file, loader)
        builder.doc.text = text
        builder.doc.data = builder.build(root, ())
    except RecursionError:
        too_deep = Problem(Location(file), "the document is nested too deeply")
        raise RulesetError([too_deep]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise RulesetError(builder.problems)
    if not isinstance(builder.doc.data, Mapping):
        raise RulesetError([Problem(Location(file, 1, 1), "a ruleset must be a mapping")])
    return builder.doc


def read_yaml(path: str | Path) -> SourceDocument:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are a RulesetError."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesetError([Problem(Location(file), "no such file")]) from None
    except UnicodeDecodeError:
        not_utf8 = "the file is not UTF-8 text (it may be GBK); save it as UTF-8"
        raise RulesetError([Problem(Location(file), not_utf8)]) from None
    except OSError as exc:
        raise RulesetError([Problem(Location(file), f"cannot read the file: {exc}")]) from None
    return parse_yaml(text, file)
