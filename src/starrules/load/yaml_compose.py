"""Composing YAML into plain data, checked as it comes: PyYAML's parser gives events (from
libyaml where present), which become nodes and then plain data here, so that (a) the
file:line:column of every value and key is recorded, (b) any tag outside the YAML core
schema (no object construction, ever) and any core tag on a value it does not fit is
refused, (c) duplicate keys, which PyYAML would silently overwrite, are reported, (d) what
no ruleset holds (characters that are not text, numbers beyond the range of a float) is
refused, and (e) the nesting, the number of values, the length of each value and alias
expansion are bounded (yaml_limits). Every problem is a located Problem.

This is the two-pass way (nodes, then data); yaml_one_pass reads most documents in one.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from typing import Any, Protocol, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import Location, Problem, RulesetError
from .source_document import PathKey, Position, SourceDocument
from .yaml_limits import MAX_DEPTH, MAX_NODES, MAX_SCALAR_CHARACTERS

try:  # libyaml scans about 30 times faster than pure Python: it keeps big inputs cheap
    from yaml._yaml import CParser as _FastParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastParser = None  # type: ignore[assignment,misc]


class Mark(Protocol):  # a place in the text, from the Python parser or from libyaml
    index: int
    line: int
    column: int


_MAX_NUMBER_CHARACTERS = 1_000  # a longer whole number is beyond the range of a float anyway
_FLOAT_MAX = sys.float_info.max
_RANGE_HINT = "numbers in a ruleset must be within ±1.8e308"

CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (
    CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
MAP, SEQ, MERGE = CORE + "map", CORE + "seq", CORE + "merge"
SCALAR_TAGS = frozenset(
    CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
CORE_TAGS = SCALAR_TAGS | {MAP, SEQ}
_BAD_VALUE = {  # the code of the message for a value its tag refuses
    INT: "SR115",  # is not a whole number
    FLOAT: "SR116",  # is not a number
    BOOL: "SR117",  # is not yes/no (true or false)
    TIMESTAMP: "SR118",  # is not a valid date
}

# What YAML allows in a file (the printable characters of YAML 1.1); the same test applies
# to text made by escapes such as "\x00" or "\ud800" (a lone surrogate, which no file,
# terminal or JSON writer can encode).
NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def shorten(text: str, width: int = 40) -> str:
    """`text` cut to `width` characters, so that a huge value is not echoed in a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def character(char: str) -> str:
    """How a character that is not printable text is named in a message."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (a lone surrogate, e.g. from an escape '\\u{code:04x}')"
    return f"U+{code:04X}"


def location_of(mark: Mark | None, file: str) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class CheckedComposer(Composer):
    """PyYAML's composer, checking limits as each event comes, before anything is built:
    nesting depth, the number of values, the length of each value, and aliases that refer
    to the value they are in (which would make the data infinite)."""

    def _setup(self, file: str) -> None:
        self.file = file
        self.depth = 0
        self.composed = 0
        self.open_anchors: set[str] = set()
        self.explicit: set[int] = set()  # ids of scalar nodes whose tag is written out
        # Set (yaml_one_pass.OnePass.root): reads the document's root from its first event
        # straight into the data, with no nodes in between.
        self.one_pass: Callable[[Any], None] | None = None

    def compose_document(self) -> Node | None:
        read_root = self.one_pass
        if read_root is None:
            return super().compose_document()
        events = cast(Any, self)
        events.get_event()  # the document's start
        start = events.peek_event().start_mark
        read_root(events.get_event())
        end = events.get_event()  # the document's end
        self.anchors = {}
        return Node(MAP, None, start, end.end_mark)  # stands for the root: its place only

    def refuse(
        self, mark: Mark | None, code: str, hint: str | None = None, **values: object
    ) -> RulesetError:
        """The error of the catalogue's message `code` at `mark`."""
        return RulesetError([Problem.coded(location_of(mark, self.file), code, hint, **values)])

    def too_many(self, mark: Mark | None) -> RulesetError:
        hint = "a large ruleset holds a few thousand"
        return self.refuse(mark, "SR128", hint, count=f"{MAX_NODES:,}")

    def too_long(self, mark: Mark | None) -> RulesetError:
        hint = "a ruleset holds short texts and expressions"
        return self.refuse(mark, "SR129", hint, count=f"{MAX_SCALAR_CHARACTERS:,}")

    def too_deep(self, mark: Mark | None) -> RulesetError:
        return self.refuse(mark, "SR130", count=MAX_DEPTH)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast(Any, self).peek_event()
        self.composed += 1
        if self.composed > MAX_NODES:
            raise self.too_many(event.start_mark)
        if isinstance(event, AliasEvent):
            if event.anchor in self.open_anchors:
                alias = f"*{shorten(str(event.anchor))}"
                raise self.refuse(event.start_mark, "SR132", alias=alias)
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


class PythonLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    CheckedComposer,
    SafeConstructor,
    Resolver,
):
    def __init__(self, text: str, file: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        CheckedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._setup(file)


Loader = PythonLoader
if _FastParser is not None:

    class _FastLoader(CheckedComposer, _FastParser, SafeConstructor, Resolver):
        # libyaml gives the events, our composer (in Python) checks them as they come.
        def __init__(self, text: str, file: str) -> None:
            _FastParser.__init__(self, text)
            CheckedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._setup(file)

    Loader = _FastLoader  # type: ignore[assignment,misc]


class Builder:
    """Nodes to plain data, with the position of every value and key and every problem."""

    def __init__(self, file: str, loader: CheckedComposer) -> None:
        self.file = file
        self.loader = cast(SafeConstructor, loader)
        self.explicit = loader.explicit
        self.doc = SourceDocument(file=file, data=None)
        self.problems: list[Problem] = []
        self.visited = 0

    def where(self, node: Node) -> Location:
        return location_of(node.start_mark, self.file)

    def coded(self, node: Node, code: str, hint: str | None = None, **values: object) -> None:
        self.problems.append(Problem.coded(self.where(node), code, hint, **values))

    def build(self, node: Node, path: PathKey) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise RulesetError([Problem.coded(self.where(node), "SR131", count=f"{MAX_NODES:,}")])
        scalar = node if isinstance(node, ScalarNode) else None
        self.doc.values[path] = Position(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            (scalar.style or None) if scalar else None,  # libyaml says '' for plain
            (node.start_mark.index, node.end_mark.index) if scalar else None,
        )
        if node.tag not in CORE_TAGS:
            self.coded(node, "SR110", tag=repr(shorten(node.tag, 80)))
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)[1]
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                self.coded(node, "SR111", tag=_short_tag(node.tag))
                return None
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        if node.tag != MAP:
            self.coded(node, "SR112", tag=_short_tag(node.tag))
            return None
        return self.mapping(node, path)

    def scalar(self, node: ScalarNode) -> tuple[bool, Any]:
        """(True, the value) of a scalar, or (False, None) after recording its problem."""
        tag, text = node.tag, node.value
        if tag not in SCALAR_TAGS:
            self.coded(node, "SR113", tag=_short_tag(tag))
            return False, None
        if tag == INT and len(text) > _MAX_NUMBER_CHARACTERS:
            self.coded(node, "SR114", _RANGE_HINT, number=shorten(text))
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
            self.coded(node, _BAD_VALUE.get(tag, "SR133"), value=repr(shorten(text)))
            return False, None
        if isinstance(value, bool):
            return True, value
        if isinstance(value, int) and abs(value) > _FLOAT_MAX:
            self.coded(node, "SR114", _RANGE_HINT, number=shorten(text))
            return False, None
        if isinstance(value, float) and not math.isfinite(value):
            self.coded(node, "SR119", _RANGE_HINT, value=repr(shorten(text)))
            return False, None
        if isinstance(value, str) and not self.printable(node, value):
            return False, None
        return True, value

    def printable(self, node: Node, text: str) -> bool:
        bad = NOT_PRINTABLE.search(text)
        if bad is None:
            return True
        self.coded(
            node,
            "SR120",
            "remove it or the escape that makes it",
            char=character(bad.group()),
        )
        return False

    def mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.coded(key_node, "SR108")
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in result:
                self.coded(key_node, "SR107", key=shorten(key))
                continue
            self.doc.keys[(*path, key)] = Position(
                key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
            result[key] = self.build(value_node, (*path, key))
        return result

    def key(self, node: Node, path: PathKey) -> str | None:
        """A mapping key as text, or None after recording why it cannot be one."""
        if isinstance(node, ScalarNode) and node.tag in SCALAR_TAGS:
            # Keys are always text in a ruleset: a plain `on:` or `no:` is a name here, not
            # the YAML 1.1 boolean it would otherwise be read as. Only a tag written out
            # (`!!int x:`) asks for its value to be checked.
            if node.tag != STR and id(node) in self.explicit and not self.scalar(node)[0]:
                return None
            return node.value if self.printable(node, node.value) else None
        key = self.build(node, (*path, "<key>"))
        self.doc.values.pop((*path, "<key>"), None)
        if not isinstance(key, str):
            self.coded(node, "SR109", value=shorten(repr(key), 60))
            return None
        return key


class NeedsNodes(Exception):
    """The document holds what only the two-pass way reads (nodes, then data)."""
