"""Parsing YAML text into a SourceDocument: checked first as a whole (size, characters that
are not text), then read in one pass (yaml_one_pass) or, for what that does not read, in two
(yaml_compose); a syntax error explained by tabs or full-width colons is reported at each of
them (yaml_mend). Every problem is a located RulesetError."""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml

from ..errors import Location, Problem, RulesetError
from .source_document import SourceDocument
from .yaml_compose import (
    NOT_PRINTABLE,
    Builder,
    Loader,
    NeedsNodes,
    character,
    location_of,
    shorten,
)
from .yaml_limits import MAX_FILE_CHARACTERS, too_large
from .yaml_mend import mend, syntax_hint
from .yaml_one_pass import OnePass

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _location_at(text: str, index: int, file: str) -> Location:
    """The location of character `index` of `text`, counting lines as YAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    column = index - start + 1
    if line == 1 and text.startswith("\ufeff"):
        column -= 1  # a byte order mark takes no column
    return Location(file, line, max(column, 1))


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
        mended = mend(text.removeprefix("\ufeff"), file, _parse_text)
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
        raise RulesetError([too_large(file)])
    bad = NOT_PRINTABLE.search(text)
    if bad is not None:
        where = _location_at(text, bad.start(), file)
        raise RulesetError(
            [
                Problem.coded(
                    where,
                    "SR121",
                    "delete it; it often comes from copying out of a PDF or a word processor",
                    char=character(bad.group()),
                )
            ]
        )
    try:
        return _parse(text, file, one_pass=True)
    except NeedsNodes:
        return _parse(text, file, one_pass=False)


def _parse(text: str, file: str, *, one_pass: bool) -> SourceDocument:
    loader = Loader(text, file)
    builder = Builder(file, loader)
    builder.doc.text = text
    try:
        try:
            if one_pass:
                loader.one_pass = OnePass(loader, builder).root
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            hint = syntax_hint(text, mark, message)
            syntax = Problem.coded(location_of(mark, file), "SR100", hint, detail=message)
            raise _SyntaxProblem([syntax]) from None
        except yaml.YAMLError as exc:
            message = shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)
            raise RulesetError(
                [Problem.coded(Location(file, 1, 1), "SR101", detail=message)]
            ) from None
        if root is None:
            raise RulesetError([Problem.coded(Location(file, 1, 1), "SR104")])
        if not one_pass:
            builder.doc.data = builder.build(root, ())
    except RecursionError:  # not expected within MAX_DEPTH; never let it escape
        too_deep = Problem.coded(Location(file, 1, 1), "SR106")
        raise RulesetError([too_deep]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise RulesetError(builder.problems)
    if not isinstance(builder.doc.data, Mapping):
        raise RulesetError([Problem.coded(builder.where(root), "SR105")])
    return builder.doc


class _SyntaxProblem(RulesetError):
    """A YAML syntax error, which mending tabs and full-width colons may explain."""
