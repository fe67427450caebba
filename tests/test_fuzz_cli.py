"""Fuzzing the command line: random argument vectors over the real commands and options,
with real, damaged and missing files.

Asserts only the CLI's contract (see tests/fuzz_strategies.py for the library's): the exit
code is 0, 1 or 2; no Python traceback, in stdout or stderr, nor an exception out of
`starrules.cli.main`; exit code 2 comes with an error message on stderr.

In process, `starrules.cli.main` runs in click's CliRunner isolation (stdin, stdout and
stderr replaced). `starrules check` is left to subprocesses: it runs hypothesis itself. A few
fixed cases run as subprocesses in every run (marked slow); fuzzed subprocess runs only in a
long run.

Budget: STARRULES_FUZZ_EXAMPLES=N (examples per test) or STARRULES_FUZZ_SECONDS=S (seconds
per test, collecting every distinct violation); STARRULES_FUZZ_LOG=FILE logs each test's
examples and violations. Details in the docstring of tests/fuzz_strategies.py.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_strategies import (
    ROOT,
    ContractViolation,
    escape_site,
    events_file,
    fuzz,
    long_only,
    mutated_text,
    scratch,
    villages_file,
    write,
)
from hypothesis import strategies as st

from starrules.cli import main

# Hostile examples are large; hypothesis warns when it prints them.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

COMMANDS = ("evaluate", "explain", "lint", "test", "diff", "list", "monitor", "schema")
FIXTURES = ROOT / "tests" / "fixtures"

# Files every case may name; the generated ones are written per example (see `Files`).
STATIC_VILLAGES = (
    ROOT / "examples" / "villages.jsonl",
    FIXTURES / "eval_villages.json",
    FIXTURES / "monitor" / "village.json",
)
STATIC_RULESETS = (
    ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml",
    ROOT / "rulesets" / "cn-henan" / "henan-rural-2023.1.yaml",
    ROOT / "rulesets" / "cn-henan" / "anyang" / "tangyin" / "tangyin-rural-2022.1.yaml",
    ROOT / "rulesets" / "cn-henan" / "henan-rural.test.yaml",
    FIXTURES / "minimal.yaml",
    FIXTURES / "broken" / "yaml-unsafe-tag.yaml",
    FIXTURES / "broken" / "compile-three-problems.yaml",
    ROOT / "docs" / "examples" / "boai-rural-2024.1.yaml",
)
STATIC_DIRS = (
    ROOT / "rulesets" / "cn-henan",
    FIXTURES / "eval_registry",
    FIXTURES / "broken",
    FIXTURES / "overlay",
)
STATIC_EVENTS = tuple(sorted((FIXTURES / "monitor").glob("*.jsonl")))
# Relative paths resolve in the example's scratch folder (the working directory of a run).
ODD_PATHS = (
    "/dev/null",
    "/nonexistent/x.json",
    "",
    ".",
    "-",
    "rules",
    "x" * 300,
    "\udcff.json",
    "a\x00b.json",
)


@dataclass(frozen=True)
class Files:
    """The paths one example may use: generated files in its scratch folder, and static
    ones."""

    villages: tuple[str, ...]
    rulesets: tuple[str, ...]
    folders: tuple[str, ...]
    events: tuple[str, ...]


def make_files(folder: Path, draw: st.DrawFn) -> Files:
    suffix, content = draw(villages_file())
    villages = write(folder / f"villages{suffix}", content)
    name, text = draw(mutated_text())
    rules = write(folder / "rules" / Path(name).name, text)
    events = write(folder / "events.jsonl", draw(events_file()))
    empty = write(folder / "empty.json", b"")
    return Files(
        villages=(str(villages), str(empty), *map(str, STATIC_VILLAGES)),
        rulesets=(str(rules), *map(str, STATIC_RULESETS)),
        folders=(str(folder / "rules"), str(folder), *map(str, STATIC_DIRS)),
        events=(str(events), "-", *map(str, STATIC_EVENTS)),
    )


DATES = ("2022-12-31", "2023-01-01", "2022-02-30", "9999-12-31", "0001-01-01", "１９９９-01-01")
JURISDICTIONS = ("cn-henan", "cn-henan/anyang/tangyin", "CN-HENAN", "cn-henan/", "x" * 300)
TEXT = st.text(max_size=12)


@st.composite
def argv(draw: st.DrawFn, files: Files, commands: tuple[str, ...] = COMMANDS) -> list[str]:
    """An argument vector: a real command with real options and random values, now and
    then something else."""

    def chance(n: int) -> bool:
        """True one time in n (hypothesis favours small integers, not list items)."""
        return draw(st.sampled_from([True] + [False] * (n - 1)))

    def any_of(*choices: tuple[str, ...]) -> str:
        """Mostly one of the choices; else an odd path or random text."""
        pool = [c for group in choices for c in group]
        if chance(4):
            return draw(st.sampled_from(ODD_PATHS) | TEXT)
        return draw(st.sampled_from(pool))

    path = any_of

    rare = ("--help", "--version", "nope", "")
    command = draw(st.sampled_from(commands * 6 + rare))
    args: list[str] = [command]
    options: list[list[str]] = []
    v, r, d, e = files.villages, files.rulesets, files.folders, files.events
    choice = {
        "--format": ("table", "json", "jsonl", "text", "xml"),
        "--lang": ("zh", "en", "fr"),
        "--backend": ("native", "rete", "nope"),
        "--period": ("year", "half", "quarter", "week"),
    }
    ruleset_opts = {
        "--ruleset": lambda: path(r),
        "--rulesets": lambda: path(d, r),
        "--jurisdiction": lambda: any_of(JURISDICTIONS),
        "--on": lambda: any_of(DATES),
    }
    if command == "evaluate":
        args += [path(v) for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 0])))]
        table = {
            **ruleset_opts,
            "--format": None,
            "--lang": None,
            "--progress": (),
            "--no-progress": (),
        }
    elif command == "explain":
        args.append(path(v))
        table = {
            **ruleset_opts,
            "--village": lambda: any_of(("部落村", "410523105201")),
            "--lang": None,
        }
    elif command in ("lint", "test"):
        args += [path(d, r) for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 0])))]
        table = {"--lang": None} if command == "test" else {}
    elif command == "diff":
        args += [path(r) for _ in range(draw(st.sampled_from([2, 2, 2, 1, 0])))]
        table = {"--villages": lambda: path(v), "--format": None, "--lang": None}
    elif command == "list":
        table = {"--rulesets": lambda: path(d, r), "--format": None}
    elif command == "monitor":
        if draw(st.booleans()):
            args.append(path(e, v))
        table = {
            "--villages": lambda: path(v),
            "--rulesets": lambda: path(d, r),
            "--backend": None,
            "--period": None,
            "--on": lambda: any_of(DATES),
            "--format": None,
            "--lang": None,
            "--capabilities": (),
        }
    elif command == "check":
        args += [path(d, r) for _ in range(draw(st.sampled_from([2, 2, 2, 1, 0])))]
        table = {
            "--examples": lambda: any_of(("1", "2", "0", "-1", "100001", "9" * 30)),
            "--seed": lambda: any_of(("0", "1", "-1", "9" * 30)),
            "--skip": lambda: any_of(("deterministic", "monotone", "reachable", "nope")),
            "--format": None,
        }
        options.append(["--examples", "2"])
        options.append(["--skip", "deterministic"])
    elif command == "schema":
        args.append(any_of(("village", "ruleset", "assessment", "event", "change")))
        table = {}
    else:
        table = {}
    names = sorted(table)
    for name in draw(st.lists(st.sampled_from(names), max_size=4)) if names else []:
        value = table[name]
        if value == ():
            options.append([name])
        elif value is None:
            options.append([name, any_of(choice[name])])
        else:
            options.append([name, value()])  # type: ignore[operator]
    if command == "monitor" and not chance(4):
        options.append(["--villages", path(v)])
    if chance(8):
        options.append([draw(st.sampled_from(["--nope", "-h", "--help", "-x", "--", "--lang"]))])
    order = draw(st.permutations(range(len(options)))) if options else []
    for i in order:
        args += options[i]
    return args


def judge(argv: list[str], code: object, out: str, err: str) -> None:
    """The CLI's contract for one run."""
    command = argv[0] if argv else "(none)"
    if code not in (0, 1, 2):
        raise ContractViolation(
            f"{argv!r}: exit code {code!r}\nstderr: {err[-2000:]}", ("exit-code", command)
        )
    if "Traceback (most recent call last)" in out + err:
        raise ContractViolation(
            f"{argv!r}: a traceback\n{(err or out)[-3000:]}", ("traceback", command)
        )
    if code == 2 and not err.strip():
        raise ContractViolation(f"{argv!r}: exit code 2 without a message", ("silent", command))


def run_in_process(argv: list[str], stdin: bytes) -> None:
    runner = CliRunner()
    with runner.isolation(input=stdin) as (out, err, _):
        try:
            code = main(argv)
        except BaseException as exc:  # what would reach the user as a traceback
            raise ContractViolation(
                f"{argv!r}: {type(exc).__name__} escaped from {escape_site(exc)}: {exc}",
                ("escape", type(exc).__name__, escape_site(exc)),
            ) from exc
        judge(
            argv,
            code,
            out.getvalue().decode("utf-8", "replace"),
            err.getvalue().decode("utf-8", "replace"),
        )


@fuzz(weight=0.4, data=st.data(), stdin=events_file())
def test_cli_in_process(data: st.DataObject, stdin: bytes) -> None:
    """`starrules` with fuzzed arguments and files (stdin: a fuzzed events file)."""
    with scratch() as folder, contextlib.chdir(folder):
        files = make_files(folder, data.draw)
        run_in_process(data.draw(argv(files)), stdin)


# -- subprocesses -----------------------------------------------------------------------------


def run_subprocess(
    argv: list[str], stdin: bytes, timeout: float = 120, cwd: Path | None = None
) -> None:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "starrules", *argv],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ContractViolation(f"{argv!r}: no exit in {timeout}s", ("hang", argv[0])) from None
    except ValueError:  # an argument the OS cannot take (a NUL): nothing to judge
        return
    judge(
        argv,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


SUBPROCESS_CASES = [
    pytest.param(["evaluate", str(FIXTURES / "monitor" / "bad_json.jsonl")], b"", id="bad-json"),
    pytest.param(
        ["monitor", "-", "--villages", str(FIXTURES / "monitor" / "village.json")],
        b'{"type": "update", "village": "410523105201", "field": "industry.local_jobs", '
        b'"value": 1e999, "date": "2023-01-01"}\n[1, 2]\n\xff\xfe\n',
        id="monitor-stdin-garbage",
    ),
    pytest.param(
        ["lint", str(FIXTURES / "broken" / "yaml-unsafe-tag.yaml"), str(FIXTURES / "minimal.yaml")],
        b"",
        id="lint-broken",
    ),
    pytest.param(
        ["check", str(FIXTURES / "minimal.yaml"), "--examples", "1", "--skip", "deterministic"],
        b"",
        id="check-minimal",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "stdin"), SUBPROCESS_CASES)
def test_cli_subprocess_cases(args: list[str], stdin: bytes) -> None:
    """A few runs in a real process: the real stdin, stdout and stderr and their encodings."""
    run_subprocess(args, stdin)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", ["evaluate", "monitor", "lint"])
def test_cli_on_a_named_pipe(tmp_path: Path, command: str) -> None:
    """A FIFO nobody writes to, given as a file: refused, not waited on forever."""
    fifo = tmp_path / "input.jsonl"
    os.mkfifo(fifo)
    village = str(FIXTURES / "monitor" / "village.json")
    args = {
        "evaluate": ["evaluate", str(fifo)],
        "monitor": ["monitor", str(fifo), "--villages", village],
        "lint": ["lint", str(fifo)],
    }[command]
    run_subprocess(args, b"", timeout=20)


@long_only
@pytest.mark.slow
@fuzz(weight=0.05, data=st.data(), stdin=events_file())
def test_cli_subprocess_fuzz(data: st.DataObject, stdin: bytes) -> None:
    """Fuzzed argument vectors, `starrules check` included, in real processes (long runs
    only: each costs a Python start-up)."""
    with scratch() as folder:
        files = make_files(folder, data.draw)
        run_subprocess(data.draw(argv(files, (*COMMANDS, "check"))), stdin, cwd=folder)
