"""Syntax errors that come of tabs in the indentation or of full-width colons after keys
(what an editor or a Chinese input method leaves): found, mended to see whether the text
then parses, and reported at each of them with a hint; and the hints for other syntax
errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import Location, Problem, RulesetError
from .source_document import SourceDocument, unshift
from .yaml_compose import Mark, shorten

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


def mend(
    text: str, file: str, parse: Callable[[str, str], SourceDocument]
) -> tuple[SourceDocument | None, list[Problem]] | None:
    """(the document of `text` with its tabs and full-width colons mended, or None when
    it still does not parse; the problems to report), or None when there is nothing to
    mend. Tabs are tried as 4, 2, 8 and 1 spaces: the first width that `parse` reads wins."""
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
            doc = parse(mended, file)
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
    moved = Location(where.file, where.line, unshift(shifts, where.line, where.column))
    return Problem(moved, problem.message, problem.hint, problem.code, problem.values)


def _fix_problem(fix: _Fix, file: str) -> Problem:
    where = Location(file, fix.line, fix.column)
    if fix.kind == "tab":
        return Problem.coded(where, "SR102", _TAB_HINT)
    return Problem.coded(
        where,
        "SR103",
        f"write a half-width colon and a space: '{shorten(fix.key)}: '",
        key=shorten(fix.key),
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


def syntax_hint(text: str, mark: Mark | None, message: str) -> str | None:
    """A hint for a syntax error: when its line is indented with a tab (an editor's doing),
    or for the errors that wrong indentation makes."""
    if mark is not None:
        start = text.rfind("\n", 0, mark.index) + 1
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return _TAB_HINT
    return _INDENT_HINT if any(e in message for e in _INDENT_ERRORS) else None
