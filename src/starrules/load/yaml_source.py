"""Safe YAML reading that remembers where every key and value came from.

PyYAML's parser gives events, which we turn into plain data ourselves (in one pass when we
can, else through nodes), so that we can (a) record the file:line:column of every value and
key, (b) refuse any tag outside the YAML core schema (no object construction, ever) and any
core tag on a value it does not fit, (c) report duplicate keys, which PyYAML would silently
overwrite, (d) refuse what no ruleset holds (characters that are not text, numbers beyond
the range of a float), and (e) bound the cost of any input: its size, nesting, number of
values and alias expansion are checked as it is read, so anything is refused or read in well
under a second.
Every problem is a located RulesetError.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import Location, Problem, RulesetError

try:  # libyaml scans about 30 times faster than pure Python: it keeps big inputs cheap
    from yaml._yaml import CParser as _FastParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastParser = None  # type: ignore[assignment,misc]

PathKey = tuple[str | int, ...]


class _Mark(Protocol):  # a place in the text, from the Python parser or from libyaml
    index: int
    line: int
    column: int


# Limits far above any real ruleset (the largest bundled one is 25 KB, ~1,300 values, 9 levels
# deep, its longest value ~250 characters) and low enough that any input is refused fast.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILE_CHARACTERS = MAX_FILE_BYTES
MAX_SCALAR_CHARACTERS = 64 * 1024
MAX_DEPTH = 64
MAX_NODES = 20_000  # values in the file, and again after aliases are expanded
_MAX_NUMBER_CHARACTERS = 1_000  # a longer whole number is beyond the range of a float anyway
_FLOAT_MAX = sys.float_info.max
_RANGE_HINT = "numbers in a ruleset must be within ±1.8e308"

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP, _SEQ, _MERGE = _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_CORE_TAGS = _SCALAR_TAGS | {_MAP, _SEQ}
_BAD_VALUE = {
    _INT: "is not a whole number",
    _FLOAT: "is not a number",
    _BOOL: "is not yes/no (true or false)",
    _TIMESTAMP: "is not a valid date",
}

# What YAML allows in a file (the printable characters of YAML 1.1); the same test applies
# to text made by escapes such as "\x00" or "\ud800" (a lone surrogate, which no file,
# terminal or JSON writer can encode).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# YAML's escapes in double-quoted scalars: \N, \_, \e, … and \x, \u, \U with hex digits
_ESCAPES: Mapping[str, str] = yaml.scanner.Scanner.ESCAPE_REPLACEMENTS
_HEX_ESCAPES: Mapping[str, int] = yaml.scanner.Scanner.ESCAPE_CODES
_QUOTED_SPECIAL = {"'": re.compile("'"), '"': re.compile(r'["\\]')}


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
    # Read with `recover` from a text with tabs or full-width colons mended: what was
    # mended (every compile of this document reports them, so that it never loads), and
    # per line the columns moved by the mending, to give places in the file as written.
    problems: list[Problem] = field(default_factory=list)
    shifts: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def _at(self, line: int, column: int) -> Location:
        return Location(self.file, line, _unshift(self.shifts, line, column))

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                pos = table[probe]
                return self._at(pos.line, pos.column)
            if probe in self.values:
                pos = self.values[probe]
                return self._at(pos.line, pos.column)
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
        raw = self.text[start:end]
        places = scalar_positions(raw, pos.style, pos.line, pos.column, value, upto=offset)
        if places is None:  # a layout we do not map: the scalar's start is still right
            return self._at(pos.line, pos.column)
        line, column = places[min(offset, len(places) - 1)] if places else (pos.line, pos.column)
        return self._at(line, column)

    def _value_at(self, path: PathKey) -> Any:
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value


def _unshift(shifts: Mapping[int, tuple[tuple[int, int], ...]], line: int, column: int) -> int:
    """The column in the file as written of `column` of the mended text."""
    moved = sum(delta for start, delta in shifts.get(line, ()) if column >= start)
    return max(column - moved, 1)


def scalar_positions(
    raw: str, style: str | None, line: int, column: int, value: str, upto: int | None = None
) -> list[tuple[int, int]] | None:
    """(line, column) of each character of `value` in `raw`, the scalar's source text that
    starts at (line, column); None when the reconstruction does not give back `value`.
    With `upto`, the lines past the one holding character `upto` may be left out.

    Runs of plain characters are mapped a slice at a time: a long scalar costs little."""

    def enough() -> bool:  # character `upto` is placed: the rest need not be
        return upto is not None and len(places) > upto + 1

    chars: list[str] = []  # pieces of the value, one place for each of their characters
    places: list[tuple[int, int]] = []
    lines = raw.split("\n")
    if style in ("|", ">"):
        body = lines[1:]
        indent = min((len(t) - len(t.lstrip(" ")) for t in body if t.strip()), default=0)
        for n, text in enumerate(body):
            if n and places:
                folded = style == ">" and text.strip() and body[n - 1].strip()
                chars.append(" " if folded else "\n")
                places.append((line + n, len(body[n - 1]) + 1))
            piece = text[indent:]
            chars.append(piece)
            places.extend(zip(repeat(line + 1 + n), range(indent + 1, indent + 1 + len(piece))))
            if enough():
                return places if value.startswith("".join(chars)) else None
        built = "".join(chars)
        return places if built.rstrip("\n") == value.rstrip("\n") else None
    quote = style if style in ('"', "'") else None
    special = _QUOTED_SPECIAL.get(quote) if quote else None
    last = ""  # the last character of the value so far
    for n, text in enumerate(lines):
        if enough():
            return places if value.startswith("".join(chars)) else None
        row, first_column = line + n, column if n == 0 else 1
        k = 0
        if n == 0 and quote:
            k = 1  # the opening quote
        elif n:
            k = len(text) - len(text.lstrip(" \t"))
            if places and last != "\n":
                chars.append(" ")  # a line break inside a flow scalar folds to a space
                places.append((row - 1, len(lines[n - 1]) + 1))
                last = " "
        while k < len(text):
            found = special.search(text, k) if special else None
            stop = found.start() if found else len(text)
            if upto is not None:
                stop = min(stop, k + upto + 2 - len(places))
            if stop > k:  # a run of plain characters
                chars.append(text[k:stop])
                places.extend(zip(repeat(row), range(first_column + k, first_column + stop)))
                last, k = text[stop - 1], stop
                if enough():
                    return places if value.startswith("".join(chars)) else None
                continue
            at = (row, first_column + k)
            if text[k] == quote:
                if quote == "'" and text[k + 1 : k + 2] == "'":
                    chars.append("'")
                    places.append(at)
                    last, k = "'", k + 2
                    continue
                break  # the closing quote
            code = text[k + 1 : k + 2]  # a backslash escape of a double-quoted scalar
            if code in _HEX_ESCAPES:
                width = 2 + _HEX_ESCAPES[code]
                try:
                    char = chr(int(text[k + 2 : k + width], 16))
                except ValueError:
                    return None
            elif code in _ESCAPES:
                width, char = 2, _ESCAPES[code]
            else:  # an escaped line break: a layout we do not map
                return None
            chars.append(char)
            places.append(at)
            last, k = char, k + width
    built = "".join(chars).rstrip()
    return places if built == value.rstrip() else None


def _shorten(text: str, width: int = 40) -> str:
    """`text` cut to `width` characters, so that a huge value is not echoed in a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _character(char: str) -> str:
    """How a character that is not printable text is named in a message."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (a lone surrogate, e.g. from an escape '\\u{code:04x}')"
    return f"U+{code:04X}"


def _location_at(text: str, index: int, file: str) -> Location:
    """The location of character `index` of `text`, counting lines as YAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    column = index - start + 1
    if line == 1 and text.startswith("\ufeff"):
        column -= 1  # a byte order mark takes no column
    return Location(file, line, max(column, 1))


def _location_of(mark: _Mark | None, file: str) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class _Composer(Composer):
    """PyYAML's composer, checking limits as each event comes, before anything is built:
    nesting depth, the number of values, the length of each value, and aliases that refer
    to the value they are in (which would make the data infinite)."""

    def _setup(self, file: str) -> None:
        self.file = file
        self.depth = 0
        self.composed = 0
        self.open_anchors: set[str] = set()
        self.explicit: set[int] = set()  # ids of scalar nodes whose tag is written out
        self.one_pass: _Builder | None = None  # set: compose straight into its data

    def compose_document(self) -> Node | None:
        builder = self.one_pass
        if builder is None:
            return super().compose_document()
        events = cast(Any, self)
        events.get_event()  # the document's start
        start = events.peek_event().start_mark
        builder.doc.data = _OnePass(self, builder).node(events.get_event(), (), True)
        end = events.get_event()  # the document's end
        self.anchors = {}
        return Node(_MAP, None, start, end.end_mark)  # stands for the root: its place only

    def refuse(self, mark: _Mark | None, message: str, hint: str | None = None) -> RulesetError:
        return RulesetError([Problem(_location_of(mark, self.file), message, hint)])

    def too_many(self, mark: _Mark | None) -> RulesetError:
        return self.refuse(
            mark,
            f"the file is too large: it holds more than {MAX_NODES:,} values",
            "a large ruleset holds a few thousand",
        )

    def too_long(self, mark: _Mark | None) -> RulesetError:
        return self.refuse(
            mark,
            f"the value is longer than {MAX_SCALAR_CHARACTERS:,} characters",
            "a ruleset holds short texts and expressions",
        )

    def too_deep(self, mark: _Mark | None) -> RulesetError:
        return self.refuse(mark, f"the file is nested more than {MAX_DEPTH} levels deep")

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast(Any, self).peek_event()
        self.composed += 1
        if self.composed > MAX_NODES:
            raise self.too_many(event.start_mark)
        if isinstance(event, AliasEvent):
            if event.anchor in self.open_anchors:
                raise self.refuse(
                    event.start_mark,
                    f"the alias *{_shorten(str(event.anchor))} refers to the value that "
                    "contains it",
                )
            return super().compose_node(parent, index)
        if isinstance(event, ScalarEvent):
            if len(event.value) > MAX_SCALAR_CHARACTERS:
                raise self.too_long(event.start_mark)
            node = super().compose_node(parent, index)
            if event.tag not in (None, "!"):
                self.explicit.add(id(node))
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.too_deep(event.start_mark)
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.open_anchors.discard(anchor)


class _PythonLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _Composer,
    SafeConstructor,
    Resolver,
):
    def __init__(self, text: str, file: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._setup(file)


_Loader = _PythonLoader
if _FastParser is not None:

    class _FastLoader(_Composer, _FastParser, SafeConstructor, Resolver):
        # libyaml gives the events, our composer (in Python) checks them as they come.
        def __init__(self, text: str, file: str) -> None:
            _FastParser.__init__(self, text)
            _Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._setup(file)

    _Loader = _FastLoader  # type: ignore[assignment,misc]


class _Builder:
    def __init__(self, file: str, loader: _Composer) -> None:
        self.file = file
        self.loader = cast(SafeConstructor, loader)
        self.explicit = loader.explicit
        self.doc = SourceDocument(file=file, data=None)
        self.problems: list[Problem] = []
        self.visited = 0

    def where(self, node: Node) -> Location:
        return _location_of(node.start_mark, self.file)

    def problem(self, node: Node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.where(node), message, hint))

    def build(self, node: Node, path: PathKey) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise RulesetError(
                [
                    Problem(
                        self.where(node),
                        f"the document is too large: its aliases expand it to more than "
                        f"{MAX_NODES:,} values",
                    )
                ]
            )
        scalar = node if isinstance(node, ScalarNode) else None
        self.doc.values[path] = Position(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            (scalar.style or None) if scalar else None,  # libyaml says '' for plain
            (node.start_mark.index, node.end_mark.index) if scalar else None,
        )
        if node.tag not in _CORE_TAGS:
            self.problem(
                node,
                f"tag {_shorten(node.tag, 80)!r} is not allowed; a ruleset holds plain data "
                "only and nothing in it is ever executed",
            )
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)[1]
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.problem(node, f"tag '{_short_tag(node.tag)}' does not fit a list")
                return None
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        if node.tag != _MAP:
            self.problem(node, f"tag '{_short_tag(node.tag)}' does not fit a mapping")
            return None
        return self.mapping(node, path)

    def scalar(self, node: ScalarNode) -> tuple[bool, Any]:
        """(True, the value) of a scalar, or (False, None) after recording its problem."""
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            self.problem(node, f"tag '{_short_tag(tag)}' does not fit a scalar value")
            return False, None
        if tag == _INT and len(text) > _MAX_NUMBER_CHARACTERS:
            self.problem(node, f"the number {_shorten(text)} is too large", _RANGE_HINT)
            return False, None
        try:
            value = self.loader.construct_object(node, deep=True)
        except (
            yaml.YAMLError,
            ValueError,
            ArithmeticError,
            LookupError,
            AttributeError,
            TypeError,
        ):
            # PyYAML's core constructors refuse a bad value in many ways (KeyError for
            # `!!bool maybe`, IndexError for `!!int ""`, ...): all mean the same here.
            what = _BAD_VALUE.get(tag, "is not a valid value")
            self.problem(node, f"{_shorten(text)!r} {what}")
            return False, None
        if isinstance(value, bool):
            return True, value
        if isinstance(value, int) and abs(value) > _FLOAT_MAX:
            self.problem(node, f"the number {_shorten(text)} is too large", _RANGE_HINT)
            return False, None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, f"{_shorten(text)!r} is not a finite number", _RANGE_HINT)
            return False, None
        if isinstance(value, str) and not self.printable(node, value):
            return False, None
        return True, value

    def printable(self, node: Node, text: str) -> bool:
        bad = _NOT_PRINTABLE.search(text)
        if bad is None:
            return True
        self.problem(
            node,
            f"the text contains {_character(bad.group())}, which is not a printable character",
            "remove it or the escape that makes it",
        )
        return False

    def mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, "merge keys ('<<') are not supported")
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in result:
                self.problem(key_node, f"duplicate key '{_shorten(key)}'")
                continue
            self.doc.keys[(*path, key)] = Position(
                key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
            result[key] = self.build(value_node, (*path, key))
        return result

    def key(self, node: Node, path: PathKey) -> str | None:
        """A mapping key as text, or None after recording why it cannot be one."""
        if isinstance(node, ScalarNode) and node.tag in _SCALAR_TAGS:
            # Keys are always text in a ruleset: a plain `on:` or `no:` is a name here, not
            # the YAML 1.1 boolean it would otherwise be read as. Only a tag written out
            # (`!!int x:`) asks for its value to be checked.
            if node.tag != _STR and id(node) in self.explicit and not self.scalar(node)[0]:
                return None
            return node.value if self.printable(node, node.value) else None
        key = self.build(node, (*path, "<key>"))
        self.doc.values.pop((*path, "<key>"), None)
        if not isinstance(key, str):
            self.problem(node, f"keys must be text, not {_shorten(repr(key), 60)}")
            return None
        return key


class _NeedsNodes(Exception):
    """The document holds what only the two-pass way reads (nodes, then data)."""


# Positions made without the frozen dataclass's __init__ (which sets each field through
# object.__setattr__): the same objects, three times faster; a ruleset makes thousands.
_new_position = object.__new__
_set_line = cast(Any, Position).line.__set__
_set_column = cast(Any, Position).column.__set__
_set_style = cast(Any, Position).style.__set__
_set_span = cast(Any, Position).span.__set__


def _position(line: int, column: int, style: str | None, span: tuple[int, int] | None) -> Position:
    position = _new_position(Position)
    _set_line(position, line)
    _set_column(position, column)
    _set_style(position, style)
    _set_span(position, span)
    return position


class _OnePass:
    """What _Composer and then _Builder do, in one pass from the parser's events to the data
    and positions, with no nodes in between: about twice as fast. It reads a document
    without anchors, aliases, explicit tags or keys that are not plain text (no bundled
    ruleset has any); on anything else it raises _NeedsNodes, and the document is read again
    the two-pass way. The limits are checked on the same events in the same order, and the
    problems are found in the same order, so either way gives the same result."""

    def __init__(self, loader: _Composer, builder: _Builder) -> None:
        resolver = cast(Resolver, loader)
        if resolver.yaml_path_resolvers:  # none in PyYAML unless added
            raise _NeedsNodes
        self.loader = loader
        self.builder = builder
        self.get_event = cast(Any, loader).get_event
        self.resolvers = resolver.yaml_implicit_resolvers
        self.resolve: Any = resolver.resolve
        self.tags: dict[str, str] = {}  # plain text -> its tag: keys and yes/no recur
        self.bool_values = cast(SafeConstructor, loader).bool_values
        self.values = builder.doc.values
        self.keys = builder.doc.keys
        self.composed = 0
        self.depth = 0

    def problem(self, mark: _Mark, message: str, hint: str | None = None) -> None:
        self.builder.problems.append(Problem(_location_of(mark, self.builder.file), message, hint))

    def unprintable(self, mark: _Mark, char: str) -> None:
        self.problem(
            mark,
            f"the text contains {_character(char)}, which is not a printable character",
            "remove it or the escape that makes it",
        )

    def node(self, event: Any, path: PathKey, keep: bool) -> Any:
        """The value of the node that starts with `event`, at `path`; when not `keep`, a value
        the builder would skip: its limits are checked, nothing else."""
        self.composed += 1
        if self.composed > MAX_NODES:
            raise self.loader.too_many(event.start_mark)
        if event.anchor is not None or event.tag is not None:
            raise _NeedsNodes
        kind = type(event)
        if kind is ScalarEvent:
            text: str = event.value
            if len(text) > MAX_SCALAR_CHARACTERS:
                raise self.loader.too_long(event.start_mark)
            if not keep:
                return None
            implicit = event.implicit
            resolvers = self.resolvers
            if implicit[0] and (text[:1] in resolvers or None in resolvers):
                tag = self.tags.get(text)
                if tag is None:
                    tag = self.tags[text] = self.resolve(ScalarNode, text, implicit)
                if tag != _STR:
                    return self.typed(event, tag, text, path)
            start = event.start_mark
            self.values[path] = _position(
                start.line + 1,
                start.column + 1,
                event.style or None,  # libyaml says '' for plain
                (start.index, event.end_mark.index),
            )
            bad = _NOT_PRINTABLE.search(text)
            if bad is None:
                return text
            self.unprintable(start, bad.group())
            return None
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.loader.too_deep(event.start_mark)
        if keep:
            start = event.start_mark
            self.values[path] = _position(start.line + 1, start.column + 1, None, None)
        value = (
            self.sequence(path, keep) if kind is SequenceStartEvent else self.mapping(path, keep)
        )
        self.depth -= 1
        return value

    def typed(self, event: Any, tag: str, text: str, path: PathKey) -> Any:
        """A plain scalar that is not text: yes/no, null and a short whole number here, with
        what PyYAML's constructors give; anything else (and any problem) by the builder."""
        if tag == _BOOL:
            value: Any = self.bool_values[text.lower()]  # the resolver matched one of them
        elif tag == _NULL:
            value = None
        elif tag == _INT and len(text) <= 300 and text.isdigit() and text[0] != "0":
            value = int(text)  # decimal, well within the range of a float
        else:
            node = ScalarNode(tag, text, event.start_mark, event.end_mark, style=event.style)
            return self.builder.build(node, path)
        start = event.start_mark
        self.values[path] = _position(
            start.line + 1,
            start.column + 1,
            event.style or None,
            (start.index, event.end_mark.index),
        )
        return value

    def sequence(self, path: PathKey, keep: bool) -> list[Any] | None:
        result: list[Any] = []
        get_event, node = self.get_event, self.node
        index = 0
        while True:
            event: Any = get_event()
            if type(event) is SequenceEndEvent:
                return result if keep else None
            item = node(event, (*path, index), keep)
            if keep:
                result.append(item)
            index += 1

    def mapping(self, path: PathKey, keep: bool) -> dict[str, Any] | None:
        result: dict[str, Any] = {}
        get_event, node, keys, resolvers = self.get_event, self.node, self.keys, self.resolvers
        tags = self.tags
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is MappingEndEvent:
                return result if keep else None
            self.composed += 1
            if self.composed > MAX_NODES:
                raise self.loader.too_many(event.start_mark)
            if kind is not ScalarEvent or event.anchor is not None or event.tag is not None:
                raise _NeedsNodes
            text: str = event.value
            if len(text) > MAX_SCALAR_CHARACTERS:
                raise self.loader.too_long(event.start_mark)
            key: str | None = None  # None: the value is skipped
            if keep:
                implicit = event.implicit
                tag = _STR
                if implicit[0] and (text[:1] in resolvers or None in resolvers):
                    known = tags.get(text)
                    if known is None:
                        known = tags[text] = self.resolve(ScalarNode, text, implicit)
                    tag = known
                start = event.start_mark
                if tag == _MERGE:
                    self.problem(start, "merge keys ('<<') are not supported")
                elif tag not in _SCALAR_TAGS:
                    raise _NeedsNodes
                elif (bad := _NOT_PRINTABLE.search(text)) is not None:
                    self.unprintable(start, bad.group())
                elif text in result:
                    self.problem(start, f"duplicate key '{_shorten(text)}'")
                else:
                    key = text
                    keys[(*path, key)] = _position(start.line + 1, start.column + 1, None, None)
            if key is None:
                node(get_event(), path, False)
            else:
                result[key] = node(get_event(), (*path, key), True)


def parse_yaml(text: str, file: str, *, recover: bool = False) -> SourceDocument:
    """Parse one YAML document; raise RulesetError (with locations) on any problem.

    A syntax error that comes of tabs in the indentation or of full-width colons after
    keys is reported at each of them, with a hint. With `recover`, a text that parses once
    they are mended gives its document, with those problems in `problems`: a ruleset's
    compile reports them together with every other problem of the file (and so never
    loads it)."""
    try:
        return _parse_text(text, file)
    except _SyntaxProblem as exc:
        mended = _mend(text.removeprefix("\ufeff"), file)
        if mended is None:
            raise RulesetError(exc.problems) from None
        doc, problems = mended
        if doc is None or not recover:
            raise RulesetError(problems) from None
        doc.problems = problems
        return doc


def _parse_text(text: str, file: str) -> SourceDocument:
    # A byte order mark is not part of the document, and libyaml would leave it out of its
    # offsets where the text keeps it: every character of an expression would be misplaced.
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_FILE_CHARACTERS:
        raise RulesetError([_too_large(file)])
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        where = _location_at(text, bad.start(), file)
        raise RulesetError(
            [
                Problem(
                    where,
                    f"the file contains {_character(bad.group())}, which is not text",
                    "delete it; it often comes from copying out of a PDF or a word processor",
                )
            ]
        )
    try:
        return _parse(text, file, one_pass=True)
    except _NeedsNodes:
        return _parse(text, file, one_pass=False)


def _parse(text: str, file: str, *, one_pass: bool) -> SourceDocument:
    loader = _Loader(text, file)
    builder = _Builder(file, loader)
    builder.doc.text = text
    if one_pass:
        loader.one_pass = builder
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            hint = _tab_hint(text, mark) or _indent_hint(message)
            syntax = Problem(_location_of(mark, file), f"YAML syntax error: {message}", hint)
            raise _SyntaxProblem([syntax]) from None
        except yaml.YAMLError as exc:
            message = _shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)
            raise RulesetError([Problem(Location(file, 1, 1), f"YAML error: {message}")]) from None
        if root is None:
            raise RulesetError([Problem(Location(file, 1, 1), "the file is empty")])
        if not one_pass:
            builder.doc.data = builder.build(root, ())
    except RecursionError:  # not expected within MAX_DEPTH; never let it escape
        too_deep = Problem(Location(file, 1, 1), "the document is nested too deeply")
        raise RulesetError([too_deep]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise RulesetError(builder.problems)
    if not isinstance(builder.doc.data, Mapping):
        raise RulesetError([Problem(builder.where(root), "a ruleset must be a mapping")])
    return builder.doc


class _SyntaxProblem(RulesetError):
    """A YAML syntax error, which mending tabs and full-width colons may explain."""


_TAB_HINT = "indent with spaces: YAML does not allow tabs in indentation"
_INDENT_HINT = (
    "check the indentation: the keys of one mapping, and the '-' of one list, start in the "
    "same column"
)
_INDENT_ERRORS = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "mapping values are not allowed",
    "expected <block end>",
)
_MAX_MENDED = 256 * 1024  # characters: ten times the largest bundled ruleset
_TAB_WIDTHS = (4, 2, 8, 1)  # what a tab most likely stood for, most likely first
# A key followed by a full-width colon: after the indentation and any "- ", a plain key
# (ASCII after "- ", where a list of plain Chinese texts may hold "：" of its own).
_FULL_WIDTH_COLON = re.compile(
    r"^(?P<lead>[ \t]*)(?:(?P<dash>(?:-[ \t]+)+)(?P<ascii>[A-Za-z_][A-Za-z0-9_.\-]*)"
    r"|(?P<key>[^\s#'\"\-:：?,\[\]{}&*!|>%@`][^\s:：#,\[\]{}]*))[ ]*："
)
_BLOCK_SCALAR = re.compile(r"(?:^|[:\-][ \t])[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class _Fix:
    line: int  # 1-based
    column: int  # 1-based, in the file as written
    kind: str  # "tab" or "colon"
    key: str = ""


def _mend(text: str, file: str) -> tuple[SourceDocument | None, list[Problem]] | None:
    """(the document of `text` with its tabs and full-width colons mended, or None when
    it still does not parse; the problems to report), or None when there is nothing to
    mend. Tabs are tried as 4, 2, 8 and 1 spaces: the first width that parses wins."""
    if len(text) > _MAX_MENDED or re.search("\r(?!\n)|[\x85\u2028\u2029]", text):
        # Far beyond a ruleset's size (each try parses the text again), or line breaks
        # that YAML counts and str.split("\n") does not.
        return None
    fixes = _find_fixes(text)
    if not fixes:
        return None
    problems = [_fix_problem(fix, file) for fix in fixes]
    first: list[Problem] | None = None
    for width in _TAB_WIDTHS if any(f.kind == "tab" for f in fixes) else (1,):
        mended, shifts = _apply_fixes(text, fixes, width)
        try:
            doc = _parse_text(mended, file)
        except RulesetError as exc:
            if first is None:
                tab_lines = {f.line for f in fixes if f.kind == "tab"}
                first = [
                    _unshift_problem(p, shifts)
                    for p in exc.problems
                    if p.location.line not in tab_lines  # likely a wrong guess of a width
                ]
            continue
        doc.shifts = shifts
        return doc, problems
    return None, sorted([*problems, *(first or [])], key=_line_column)


def _line_column(problem: Problem) -> tuple[int, int]:
    return (problem.location.line or 0, problem.location.column or 0)


def _unshift_problem(problem: Problem, shifts: dict[int, tuple[tuple[int, int], ...]]) -> Problem:
    where = problem.location
    if where.line is None or where.column is None or where.line not in shifts:
        return problem
    moved = Location(where.file, where.line, _unshift(shifts, where.line, where.column))
    return Problem(moved, problem.message, problem.hint, problem.code)


def _fix_problem(fix: _Fix, file: str) -> Problem:
    where = Location(file, fix.line, fix.column)
    if fix.kind == "tab":
        return Problem(where, "YAML syntax error: a tab in the indentation", _TAB_HINT)
    return Problem(
        where,
        f"YAML syntax error: a full-width colon '：' after the key '{_shorten(fix.key)}'",
        f"write a half-width colon and a space: '{_shorten(fix.key)}: '",
    )


def _find_fixes(text: str) -> list[_Fix]:
    """Tabs in the indentation of lines and full-width colons after keys, outside block
    scalars and the continuation lines of plain values."""
    fixes: list[_Fix] = []
    block: int | None = None  # the indentation of the line that opened a block scalar
    previous: tuple[int, bool] | None = None  # content column of the last line, ends with ':'
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        body = line.lstrip(" \t")
        indent = len(line) - len(body)
        if block is not None:
            if not body or indent > block:
                continue
            block = None
        if not body or body.startswith("#"):
            continue
        if "\t" in line[:indent]:
            fixes.append(_Fix(number, line.index("\t") + 1, "tab"))
        if "：" in body:
            found = _FULL_WIDTH_COLON.match(line)
            continuation = previous is not None and indent > previous[0] and not previous[1]
            if found is not None and not continuation:
                key = found.group("ascii") or found.group("key") or ""
                fixes.append(_Fix(number, found.end(), "colon", key))
        if _BLOCK_SCALAR.search(line):
            block = indent
        dash = re.match(r"[ \t]*(?:-[ \t]+)*", line)
        content = dash.end() if dash else indent
        stripped = line.split(" #")[0].rstrip()
        previous = (content, stripped.endswith(":") or stripped.endswith("："))
    return fixes


def _apply_fixes(
    text: str, fixes: list[_Fix], width: int
) -> tuple[str, dict[int, tuple[tuple[int, int], ...]]]:
    """The text with each fix made (a tab in the indentation as `width` spaces, '：' as
    ': '), and the columns moved on each line: (first column moved, by how much)."""
    lines = text.split("\n")
    shifts: dict[int, list[tuple[int, int]]] = {}
    widened: dict[int, int] = {}  # the characters a line's indentation gained
    for fix in fixes:
        i = fix.line - 1
        line = lines[i]
        if fix.kind == "tab":
            body = line.lstrip(" \t")
            lead = line[: len(line) - len(body)]
            spaces = lead.replace("\t", " " * width)
            lines[i] = spaces + body
            widened[fix.line] = len(spaces) - len(lead)
            if len(spaces) != len(lead):
                shifts.setdefault(fix.line, []).append((len(spaces) + 1, len(spaces) - len(lead)))
        else:
            at = fix.column - 1 + widened.get(fix.line, 0)  # the colon's index, mended
            after = line[at + 1 : at + 2]
            if after in ("", " ", "\r"):
                lines[i] = line[:at] + ":" + line[at + 1 :]
            else:
                lines[i] = line[:at] + ": " + line[at + 1 :]
                shifts.setdefault(fix.line, []).append((at + 3, 1))
    return "\n".join(lines), {k: tuple(v) for k, v in shifts.items()}


def _indent_hint(message: str) -> str | None:
    """A hint for the syntax errors that wrong indentation makes."""
    return _INDENT_HINT if any(e in message for e in _INDENT_ERRORS) else None


def _tab_hint(text: str, mark: _Mark | None) -> str | None:
    """A hint when the line of a syntax error is indented with a tab (an editor's doing)."""
    if mark is None:
        return None
    start = text.rfind("\n", 0, mark.index) + 1
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
        return _TAB_HINT
    return None


def _too_large(file: str) -> Problem:
    return Problem(
        Location(file, 1, 1),
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
        "a ruleset file is a few dozen KB",
    )


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
        raise RulesetError([_too_large(file)])
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
