"""Every error starrules raises carries a code of the message catalogue (starrules.messages):
no error is built from a plain English string, which would get the generic code SR900 and
stay English in Chinese output. Errors are made with `Error.of(where, code, **values)`,
`Error.listing(problems)` or, for a ruleset, `RulesetError(problems)`; a ruleset's problems
with `Problem.coded(location, code, hint, **values)` (those still made from text are listed,
each checked to be recognised)."""

from __future__ import annotations

import ast
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from starrules import messages
from starrules.errors import InputError, MonitorError, StarrulesError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "starrules"
HAN = re.compile("[\u4e00-\u9fff]")

ERRORS = frozenset(
    {
        "StarrulesError",
        "RulesetError",
        "ResolutionError",
        "EvaluationError",
        "InputError",
        "MonitorError",
    }
)

# Calls that build an error from text and stay so, by module (relative to src/starrules) and
# function, each with its reason. Keep it short: give a message a code where it is raised.
ALLOWED: dict[tuple[str, str], str] = {
    ("errors.py", "StarrulesError.at"): (
        "says another error's text of a place: an error raised without a code (its text is "
        "still looked up after the place) or a RulesetError (its heading and coded problems)"
    ),
}

# The problems of a ruleset (`Problem(location, message, hint)`, and the helpers that make one,
# `self.problem(where, message, hint)` or any function or method that makes a Problem of one of
# its parameters, `forwarders`) made from text, by module and function, each with the
# codes the catalogue recognises its text as (SR1xx-SR4xx, catalogue_ruleset.py and
# catalogue_overlay.py): they have their code and Chinese text even so, until a rewording
# silently makes one SR900. Each is checked to be recognised as one of its codes; make it
# with `Problem.coded(location, code, hint, **values)` when its module is next changed, and
# take it off this list.
TEXT_PROBLEMS: dict[tuple[str, str], tuple[str, ...]] = {
    # "in '<test>': <message>" and "<field>: <detail>" hold another message, whose code (the
    # more specific) is the problem's: made from text until Problem.coded can say so
    ("load/compiler.py", "RulesetCompiler.expression"): ("SR300",),
    ("load/documents.py", "schema_problems"): ("SR206",),  # `{shown}: {message}`, as above
}

PROBLEMS = frozenset({"Problem"})
PROBLEM_HELPERS = frozenset({"problem"})  # methods that make a Problem of (where, message, hint)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Its parameters that a call gives by position (`self`, `cls` left out), then the rest."""
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    if names[:1] in (["self"], ["cls"]):
        names = names[1:]
    return names + [a.arg for a in arguments.kwonlyargs]


def _message_of(call: ast.Call, index: int, name: str | None) -> ast.expr | None:
    """The argument a call gives at `index` (after the place, for Problem: 1) or as `name`."""
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[:index]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


Helpers = dict[tuple[str, str], tuple[int, str]]  # ("method" or module, name) -> parameter
METHOD = "method"


def _functions(tree: ast.Module) -> list[tuple[bool, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function of a module, each with whether it is a method (in a class's body)."""
    methods = {
        id(node)
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    return [
        (id(node) in methods, node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _imported(tree: ast.Module) -> dict[str, str]:
    """The names a module imports (`from .yaml_files import fail`), each with its module's
    last part (`yaml_files`)."""
    return {
        alias.asname or alias.name: (node.module or "").rsplit(".", 1)[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def _helper(
    helpers: Helpers, module: str, imported: dict[str, str], func: ast.expr
) -> tuple[int, str] | None:
    """What a call of `func` in `module` forwards as a problem's message, if anything: a method
    by its name (`self.refuse`, `self.loader.too_many`), a function of the same module or
    imported from its module by its name."""
    if isinstance(func, ast.Attribute):
        return helpers.get((METHOD, func.attr))
    if isinstance(func, ast.Name):
        if func.id in PROBLEMS:
            return (1, "message")
        found = helpers.get((module, func.id))
        if found is None and func.id in imported:
            found = helpers.get((imported[func.id], func.id))
        return found
    return None


def forwarders(trees: dict[str, ast.Module]) -> Helpers:
    """The text-forwarding helpers of modules (by their names, e.g. `yaml_compose`): functions
    and methods whose body makes a Problem (or calls such a helper) with one of their own
    parameters as the message, each with that parameter (its index in a call, its name);
    e.g. `CheckedComposer.refuse(mark, message, hint)` made `Problem(location_of(mark, ...),
    message, hint)`. Text given to one is a problem made from text."""
    found: Helpers = {}
    functions = [
        (module, method, function)
        for module, tree in trees.items()
        for method, function in _functions(tree)
    ]
    imports = {module: _imported(tree) for module, tree in trees.items()}
    changed = True
    while changed:
        changed = False
        for module, method, function in functions:
            key = (METHOD if method else module, function.name)
            if key in found:
                continue
            parameters = _parameters(function)
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                helper = _helper(found, module, imports[module], call.func)
                if helper is None:
                    continue
                message = _message_of(call, *helper)
                if isinstance(message, ast.Name) and message.id in parameters:
                    found[key] = (parameters.index(message.id), message.id)
                    changed = True
                    break
    return found


def _is_text(node: ast.expr) -> bool:
    """A string literal, an f-string, or text made from one (`%`, `+`, `.format`, `.join`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _is_text(node.left) or _is_text(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _is_text(node.func.value)
    return False


def _sample(node: ast.expr, constants: dict[str, str] | None = None) -> str:
    """A text such a construction may make: every value an `x` (a module's text constant
    itself), every optional part left out (`+ (f" ({hint})" if hint else "")`)."""
    known = constants or {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_sample(part, known) for part in node.values)
    if isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Name):
        return known.get(node.value.id, "x")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sample(node.left, known) + _sample(node.right, known)
    if isinstance(node, ast.IfExp):
        return _sample(node.orelse, known)
    return "x"


def _error_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


@dataclass(frozen=True)
class Site:
    """A call of an error class (or of Problem, `problem`) on text."""

    line: int
    function: str  # Class.method, or the function's name; "" at module level
    text: ast.expr
    constants: dict[str, str]  # the module's text constants (`_LIKELY = "…"`)
    problem: bool = False  # a Problem (or a helper's) message, not an error's text


class _Finder(ast.NodeVisitor):
    """The calls of an error class whose first argument is text, also when it is a local
    name assigned text in the same function (`message = f"…"; raise InputError(message)`)."""

    def __init__(
        self, module: str = "", helpers: Helpers | None = None, tree: ast.Module | None = None
    ) -> None:
        self.module = module  # its name (`yaml_compose`)
        self.helpers = helpers or {}  # the text-forwarding helpers (`forwarders`)
        self.imported = _imported(tree) if tree is not None else {}
        self.found: list[Site] = []
        self.constants: dict[str, str] = {}
        self.names: list[tuple[str, bool]] = []  # (name, is a function), outermost first
        self.scopes: list[dict[str, bool]] = [{}]

    def _where(self) -> str:
        """`Class.method` or `function`: the outermost function (a nested one is part of it)."""
        names = []
        for name, function in self.names:
            names.append(name)
            if function:
                break
        return ".".join(names)

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = statement.value.value
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.append((node.name, False))
        self.generic_visit(node)
        self.names.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        texts: dict[str, bool] = {}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
                for target in targets:
                    if isinstance(target, ast.Name) and inner.value is not None:
                        texts[target.id] = texts.get(target.id, False) or _is_text(inner.value)
        self.scopes.append(texts)
        self.names.append((node.name, True))
        self.generic_visit(node)
        self.names.pop()
        self.scopes.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def _text(self, node: ast.expr | None) -> bool:
        """Text, or a local name assigned text in the same function."""
        if node is None:
            return False
        named_text = isinstance(node, ast.Name) and self.scopes[-1].get(node.id, False)
        return _is_text(node) or named_text

    def visit_Call(self, node: ast.Call) -> None:
        name = _error_name(node.func)
        if name in ERRORS and node.args and self._text(node.args[0]):
            self.found.append(Site(node.lineno, self._where(), node.args[0], self.constants))
        helper = name in PROBLEM_HELPERS and isinstance(node.func, ast.Attribute)
        message: ast.expr | None = None
        if name in PROBLEMS or helper:
            # the message: the second argument (after the place), or `message=`
            message = _message_of(node, 1, "message")
        elif forwarded := _helper(self.helpers, self.module, self.imported, node.func):
            message = _message_of(node, *forwarded)  # a text-forwarding helper's
        if self._text(message):
            where = self._where()
            self.found.append(Site(node.lineno, where, message, self.constants, True))
        self.generic_visit(node)


def _sites() -> dict[str, list[Site]]:
    """Every call of an error class on text, by module (relative to src/starrules)."""
    trees = {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    helpers = forwarders({Path(module).stem: tree for module, tree in trees.items()})
    found = {}
    for module, tree in trees.items():
        finder = _Finder(Path(module).stem, helpers, tree)
        finder.visit(tree)
        found[module] = finder.found
    return found


def _found_in(source: str) -> list[Site]:
    tree = ast.parse(source)
    finder = _Finder("", forwarders({"": tree}), tree)
    finder.visit(tree)
    return finder.found


def _recognised(site: Site) -> str | None:
    """The code the catalogue recognises the site's text by (after any place), or None."""
    first = messages.error_text(_sample(site.text, site.constants), "en").split("\n", 1)[0]
    code = re.search(r"\[(SR[0-9]{3})\]$", first)
    return code.group(1) if code and code.group(1) != messages.GENERIC else None


def _problem_code(site: Site) -> str | None:
    """The code the catalogue recognises a problem's message by, or None."""
    code = messages.code_of(_sample(site.text, site.constants))
    return code if code != messages.GENERIC else None


def test_no_error_is_built_from_plain_text() -> None:
    wrong = []
    for module, sites in _sites().items():
        for site in sites:
            if site.problem or (module, site.function) in ALLOWED:
                continue
            wrong.append(f"{module}:{site.line} (in {site.function or 'the module'})")
    assert not wrong, (
        "errors built from text get the generic code SR900 and stay English in Chinese "
        "output; give each a catalogue entry (src/starrules/messages/) and raise it with "
        "Error.of(where, code, **values):\n  " + "\n  ".join(wrong)
    )


def test_no_problem_is_made_from_plain_text() -> None:
    wrong = []
    for module, sites in _sites().items():
        for site in sites:
            if not site.problem:
                continue
            codes = TEXT_PROBLEMS.get((module, site.function))
            if codes is not None and _problem_code(site) in codes:
                continue
            found = _problem_code(site)
            wrong.append(
                f"{module}:{site.line} (in {site.function or 'the module'}, recognised as {found})"
            )
    assert not wrong, (
        "problems made from text get their code by matching it, and a rewording makes one "
        "the generic SR900, English in Chinese output; make each with "
        "Problem.coded(location, code, hint, **values) (or list it in TEXT_PROBLEMS, "
        "recognised):\n  " + "\n  ".join(wrong)
    )


def test_the_problems_listed_are_still_made_from_text() -> None:
    made = {(m, s.function) for m, sites in _sites().items() for s in sites if s.problem}
    assert not set(TEXT_PROBLEMS) - made, "take the sites made with Problem.coded off the list"


def test_the_check_finds_problems_made_from_text() -> None:
    source = """
def f(self, x, where):
    Problem(where, "plain")
    Problem(where, f"the {x}", "hint")
    Problem(location=where, message="a %s" % x)
    self.problem(("key",), "a " + x)
    message = f"made {x}"
    self.problems.append(Problem(where, message))
    Problem.coded(where, "SR201", key=x)
    Problem(where, x.message, x.hint, x.code, x.values)
    problem(where, "a function, not a helper method")
"""
    found = _found_in(source)
    assert [s.line for s in found] == [3, 4, 5, 6, 8]
    assert all(s.problem for s in found)


def test_the_check_finds_text_given_to_a_helper_that_makes_a_problem_of_it() -> None:
    source = """
class C:
    def refuse(self, mark, message, hint=None):
        return RulesetError([Problem(location_of(mark, self.file), message, hint)])

    def coded(self, mark, code, hint=None, **values):
        return RulesetError([Problem.coded(location_of(mark, self.file), code, hint, **values)])

    def too_deep(self, mark):
        return self.refuse(mark, f"nested more than {MAX_DEPTH} levels")

    def refused(self, mark, why):
        return self.refuse(mark, why, "a hint")

    def m(self, mark, file):
        def fail(message, where=None):
            return RulesetError([Problem(where or Location(file), message)])

        raise fail("no such file")
        raise fail(where=None, message=f"cannot read {file}")
        raise self.refused(mark, "forwarded twice")
        raise self.coded(mark, "SR130", count=64)
        raise fail(mark.message)
"""
    found = _found_in(source)
    assert [s.line for s in found] == [10, 19, 20, 21]
    assert [s.function for s in found] == ["C.too_deep", "C.m", "C.m", "C.m"]
    tree = ast.parse(source)
    assert forwarders({"": tree}) == {
        ("method", "refuse"): (1, "message"),
        ("method", "refused"): (1, "why"),
        ("", "fail"): (0, "message"),
    }


def test_the_check_finds_text_in_its_forms() -> None:
    source = """
def f(x, errors):
    raise InputError("plain")
    raise errors.MonitorError(f"the {x}")
    raise EvaluationError("a %s" % x)
    raise StarrulesError("a " + x)
    raise RulesetError("{}".format(x))
    raise ResolutionError("\\n".join(x))
    message = f"made {x}"
    raise InputError(message) from None
    raise InputError.of(None, "SR500", field=x, detail="y")
    raise InputError.listing(x)
    raise RulesetError([x])
    raise InputError(x)

class C:
    def m(self):
        def inner():
            raise MonitorError("closed")
"""
    found = _found_in(source)
    assert [s.line for s in found] == [3, 4, 5, 6, 7, 8, 10, 19]
    assert {s.function for s in found} == {"f", "C.m"}


def test_a_recognised_text_is_found_by_its_sample() -> None:
    (site,) = _found_in(
        "raise InputError(f\"{place}: village: no monitored village '{key}'\""
        ' + (f" ({hint})" if hint else ""))'
    )
    assert _sample(site.text) == "x: village: no monitored village 'x'"
    assert _recognised(site) == "SR594"
    (site,) = _found_in('raise InputError(f"{place}: something nobody catalogued")')
    assert _recognised(site) is None


# -- end to end: such an error, in Chinese, with its code ---------------------------------------


def _chinese(error: StarrulesError, code: str) -> str:
    """The error in Chinese, checked to be so: its code, Chinese words, no SR900."""
    assert [p.code for p in error.problems] == [code]
    text = error.render("zh")
    assert text.endswith(f"[{code}]") and HAN.search(text), text
    assert messages.GENERIC not in text, text
    return text


def test_a_closed_monitor_says_so_in_chinese_with_its_code() -> None:
    from starrules import Monitor

    monitor = Monitor()
    monitor.close()
    with pytest.raises(MonitorError) as info:
        monitor.add(None)  # type: ignore[arg-type]  # refused before it is looked at
    assert str(info.value) == "the monitor is closed"
    assert _chinese(info.value, "SR800") == "监测已关闭 [SR800]"
    assert info.value.render("en") == "the monitor is closed [SR800]"


def test_a_report_builder_refuses_a_negative_nearest_in_chinese() -> None:
    from starrules.reports.builder import ReportBuilder

    with pytest.raises(InputError) as info:
        ReportBuilder(nearest=-1)
    assert str(info.value) == "nearest must be 0 or more, not -1"
    assert _chinese(info.value, "SR841") == "`nearest` 必须大于或等于 0，不能是 -1 [SR841]"


def test_an_event_of_an_unknown_type_is_told_in_chinese_with_its_hint() -> None:
    from starrules.monitor.events import parse_event

    with pytest.raises(InputError) as info:
        parse_event({"type": "updat"}, "events.jsonl:3")
    assert str(info.value) == (
        "events.jsonl:3: type: unknown event type 'updat' (did you mean 'update'?); "
        "use update, incident or review"
    )
    assert _chinese(info.value, "SR812") == (
        "events.jsonl:3: `type`：未知的事件种类 'updat'（是不是想写 'update'？）；"
        "请用 `update`、`incident` 或 `review` [SR812]"
    )


def test_an_error_said_of_another_place_keeps_its_code() -> None:
    error = InputError.of("events.jsonl:3", "SR811").at("monitor")
    assert str(error) == "monitor: events.jsonl:3: type: missing; use update, incident or review"
    assert [p.code for p in error.problems] == ["SR811"]
    assert error.render("zh").startswith("monitor: events.jsonl:3: `type`：缺少事件种类")


def test_a_place_in_words_is_said_in_each_language() -> None:
    """A place that is words, not a file name (a partition, a village, a row), is given in
    both languages: the Chinese text names it in Chinese, the English text is unchanged."""
    place = messages.Both("partition 3", "分区 3")
    error = InputError.of("row 4", "SR811").at(place)
    assert str(error).startswith("partition 3: row 4: type: missing")
    assert error.render("zh").startswith("分区 3: row 4: `type`：缺少事件种类")
    assert error.render("en").startswith("partition 3: row 4: type: missing")
    alone = InputError.of(None, "SR811").at(place)
    assert alone.render("zh").startswith("分区 3: `type`")
    assert str(alone).startswith("partition 3: type: missing")
    direct = InputError.of(messages.Both("row 2", "第 2 行"), "SR811")
    assert direct.render("zh").startswith("第 2 行: `type`")
    assert str(direct).startswith("row 2: type")
    assert pickle.loads(pickle.dumps(error)).render("zh") == error.render("zh")


def test_the_rete_install_hint_is_the_catalogue_s() -> None:
    from starrules.monitor.rete import INSTALL_HINT

    assert messages.english("SR807", {"detail": "x"}) == f"{INSTALL_HINT} [x]"


def test_a_plain_string_error_still_gets_the_generic_code() -> None:
    assert messages.code_of("the monitor is a teapot") == messages.GENERIC
    assert StarrulesError("nobody said this").render("zh") == "nobody said this [SR900]"


def test_the_pickling_hint_is_catalogued_in_chinese() -> None:
    from starrules.load.rebuild import _LIKELY

    shown = messages.hint_in(_LIKELY, "zh")
    assert shown == "（可能的原因：这个进程的插件函数或 starrules 版本与序列化它的进程不同）"
    assert not re.search("[A-Za-z]{4,}", shown.replace("starrules", "")), shown


# -- every coded call gives its message's fields -------------------------------------------

CODE = re.compile(r"SR\d{3}\Z")
# Keyword arguments of the coded constructors that are not message values.
CONTROL = frozenset({"hint", "at_key"})
# Helpers that fill some fields of the message themselves: the fields they fill.
FILLED = {"_refuse_rows": frozenset({"row", "value", "more"})}  # columnar/tables.py, per row


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _coded_calls() -> list[tuple[str, int, str, frozenset[str]]]:
    """(module, line, code, keyword names) of every call given a literal message code and
    its values by name only (a `**values` splat cannot be read here)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module.startswith("messages/"):  # the entries themselves
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or any(k.arg is None for k in node.keywords):
                continue
            if _name(node) == "get":  # a code chosen from a table: `CODES.get(tag, "SR133")`
                continue
            codes = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str) and CODE.match(a.value)
            ]
            if len(codes) == 1:
                names = frozenset(str(k.arg) for k in node.keywords) - CONTROL
                names |= FILLED.get(_name(node), frozenset())
                found.append((module, node.lineno, codes[0], names))
    return found


def test_every_coded_call_gives_exactly_its_messages_fields() -> None:
    """A field the call does not give fails only when that error is raised (a KeyError
    instead of the message); a value the message has no field for is a mistake too."""
    by_code = {entry.code: entry for entry in (*messages.CATALOGUE, *messages.CODED)}
    calls = _coded_calls()
    wrong = []
    for module, line, code, names in calls:
        entry = by_code.get(code)
        if entry is None:
            wrong.append(f"{module}:{line}: {code} is not in the catalogue")
            continue
        fields = set(messages.fields_of(entry.en))
        if names != fields:
            wrong.append(
                f"{module}:{line}: {code} has fields {sorted(fields)}, given {sorted(names)}"
            )
    assert len(calls) > 200, len(calls)  # the scan sees the coded calls
    assert not wrong, "\n".join(wrong)


def test_the_command_line_fails_with_coded_errors_only() -> None:
    """`cli.app.fail(message)` takes an error, or text it makes an error of: give it the
    error, raised with its code (text would be found by its wording, or be SR900)."""
    wrong = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and _name(node) == "fail"
                and node.args
                and _is_text(node.args[0])
            ):
                wrong.append(f"cli/{path.name}:{node.lineno}")
    assert not wrong, "fail() given text:\n  " + "\n  ".join(wrong)


def test_a_binary_format_on_a_terminal_is_said_in_chinese() -> None:
    error = StarrulesError.of(None, "SR658", format="xlsx")
    assert (
        error.render("zh")
        == ".xlsx 文件是二进制文件：请用 -o FILE.xlsx 写入文件（或重定向输出） [SR658]"
    )
    assert (
        str(error) == "a .xlsx file is binary: write it to a file with -o FILE.xlsx (or redirect)"
    )
