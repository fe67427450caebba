"""Reading a YAML document in one pass, from the parser's events straight to plain data and
positions (no nodes): the way nearly every ruleset is read. What it does not read (anchors,
aliases, explicit tags, keys that are not plain text) it leaves to yaml_compose's two-pass
way, by raising NeedsNodes."""

from __future__ import annotations

from typing import Any, cast

from yaml.constructor import SafeConstructor
from yaml.events import MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..errors import Problem
from .source_document import PathKey, Position
from .yaml_compose import (
    BOOL,
    INT,
    MERGE,
    NOT_PRINTABLE,
    NULL,
    SCALAR_TAGS,
    STR,
    Builder,
    CheckedComposer,
    Mark,
    NeedsNodes,
    character,
    location_of,
    shorten,
)
from .yaml_limits import MAX_DEPTH, MAX_NODES, MAX_SCALAR_CHARACTERS

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


class OnePass:
    """What CheckedComposer and then Builder do, in one pass from the parser's events to the
    data and positions, with no nodes in between: about twice as fast. It reads a document
    without anchors, aliases, explicit tags or keys that are not plain text (no bundled
    ruleset has any); on anything else it raises NeedsNodes, and the document is read again
    the two-pass way. The limits are checked on the same events in the same order, and the
    problems are found in the same order, so either way gives the same result."""

    def __init__(self, loader: CheckedComposer, builder: Builder) -> None:
        resolver = cast(Resolver, loader)
        if resolver.yaml_path_resolvers:  # none in PyYAML unless added
            raise NeedsNodes
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

    def root(self, event: Any) -> None:
        """Read the document's root, which starts with `event`, into the builder's document."""
        self.builder.doc.data = self.node(event, (), True)

    def coded(self, mark: Mark, code: str, hint: str | None = None, **values: object) -> None:
        where = location_of(mark, self.builder.file)
        self.builder.problems.append(Problem.coded(where, code, hint, **values))

    def unprintable(self, mark: Mark, char: str) -> None:
        self.coded(mark, "SR120", "remove it or the escape that makes it", char=character(char))

    def node(self, event: Any, path: PathKey, keep: bool) -> Any:
        """The value of the node that starts with `event`, at `path`; when not `keep`, a value
        the builder would skip: its limits are checked, nothing else."""
        self.composed += 1
        if self.composed > MAX_NODES:
            raise self.loader.too_many(event.start_mark)
        if event.anchor is not None or event.tag is not None:
            raise NeedsNodes
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
                if tag != STR:
                    return self.typed(event, tag, text, path)
            start = event.start_mark
            self.values[path] = _position(
                start.line + 1,
                start.column + 1,
                event.style or None,  # libyaml says '' for plain
                (start.index, event.end_mark.index),
            )
            bad = NOT_PRINTABLE.search(text)
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
        if tag == BOOL:
            value: Any = self.bool_values[text.lower()]  # the resolver matched one of them
        elif tag == NULL:
            value = None
        elif tag == INT and len(text) <= 300 and text.isdigit() and text[0] != "0":
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
                raise NeedsNodes
            text: str = event.value
            if len(text) > MAX_SCALAR_CHARACTERS:
                raise self.loader.too_long(event.start_mark)
            key: str | None = None  # None: the value is skipped
            if keep:
                implicit = event.implicit
                tag = STR
                if implicit[0] and (text[:1] in resolvers or None in resolvers):
                    known = tags.get(text)
                    if known is None:
                        known = tags[text] = self.resolve(ScalarNode, text, implicit)
                    tag = known
                start = event.start_mark
                if tag == MERGE:
                    self.coded(start, "SR108")
                elif tag not in SCALAR_TAGS:
                    raise NeedsNodes
                elif (bad := NOT_PRINTABLE.search(text)) is not None:
                    self.unprintable(start, bad.group())
                elif text in result:
                    self.coded(start, "SR107", key=shorten(text))
                else:
                    key = text
                    keys[(*path, key)] = _position(start.line + 1, start.column + 1, None, None)
            if key is None:
                node(get_event(), path, False)
            else:
                result[key] = node(get_event(), (*path, key), True)
