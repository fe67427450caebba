"""The commands, snippets and outputs the documentation shows are real: they are run here.

A fenced block is run when an HTML comment right above it says so:

- `<!-- doctest -->` above a ```console block: each `$ command` line is run (a `starrules`
  command in this process, through `starrules.cli.main`; anything else, and what follows a
  `|` or `>`, with bash) and its output must be the lines that follow it. A line `…` alone
  stands for any number of lines. `echo $?` gives the exit code of the command before.
- `<!-- doctest -->` above a ```python block: the code is run (each block in a fresh
  namespace, all blocks of a page in one Python process) and what it prints must be the
  ```text block that follows it. `<!-- doctest: continue -->` runs a block in the namespace
  of the block before it.
- `<!-- doctest: file PATH -->` above any block: its text is written to PATH before the
  commands below it run (the quick starts build their county folder this way);
  `<!-- doctest: append PATH -->` adds it to the end of PATH, after a blank line, and
  `<!-- doctest: same PATH -->` checks that PATH, as built so far, is the block's text.
- `<!-- doctest: setup` … `-->`: `$ command` lines run (unseen by the reader) before the
  commands below, e.g. to write a file that the page only describes.
- `<!-- doctest: slow -->`: a console block run by `test_slow_console_blocks` (marked slow).
- `<!-- doctest: skip REASON -->`: a block that cannot run here (e.g. `pip install`).

Every ```console and ```python block of the pages below must carry one of these. Commands
run in a scratch folder that links to the repository's top-level folders, so that relative
paths work as in a checkout; `/tmp/` is a scratch folder of its own, shown as `/tmp/`, and
the repository's absolute path is shown as /path/to/starrules.

STARRULES_DOCS_UPDATE=1 writes the real outputs into the pages instead of failing (the
elided parts around `…` are kept): review the diff before committing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "docs/quickstart.zh.md",
    "docs/quickstart.md",
    "docs/cli.md",
    "docs/embedding.md",
    "examples/README.md",
    "docs/report.md",
    "docs/report.zh.md",
    "docs/report-html.md",
    "docs/report-html.zh.md",
    "docs/columnar.md",
]
UPDATE = os.environ.get("STARRULES_DOCS_UPDATE") == "1"
SHOWN_ROOT = "/path/to/starrules"
ELLIPSIS = "…"
PYTHON_RUN = ("run", "continue", "fresh")

_MARKER = re.compile(r"<!--\s*doctest(?::\s*(?P<kind>[a-z]+)(?P<rest>.*?))?\s*(?:-->)?\s*$")


@dataclass
class Block:
    """A fenced block: its language, the lines between the fences and where they are."""

    lang: str
    body: list[str]
    start: int  # index of the first body line in the page's lines
    marker: str | None = None  # run | slow | continue | skip | file
    argument: str = ""
    setup: list[str] = field(default_factory=list)  # `$ ` lines of setup comments above
    expected: Block | None = None  # a python block's ```text output


def parse(page: str) -> list[Block]:
    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: tuple[str, str] | None = None
    setup: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _MARKER.match(line.strip())
        if found and line.lstrip().startswith("<!--"):
            kind, rest = found.group("kind") or "run", (found.group("rest") or "").strip()
            if kind == "setup":
                i += 1
                while not lines[i].strip().startswith("-->"):
                    if lines[i].startswith("$ "):
                        setup.append(lines[i][2:])
                    i += 1
            else:
                pending = (kind, rest.removesuffix("-->").strip())
            i += 1
            continue
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j] == "```")
            block = Block(line[3:].strip(), lines[i + 1 : end], i + 1)
            if pending is not None:
                block.marker, block.argument = pending
                pending = None
            if block.lang in ("console", "python") or block.marker is not None:
                block.setup, setup = setup, []
            before = blocks[-1] if blocks else None
            if (
                before is not None
                and before.lang == "python"
                and block.lang == "text"
                and before.marker in PYTHON_RUN
                and before.expected is None
            ):
                before.expected = block
                i = end + 1
                continue
            blocks.append(block)
            i = end + 1
            continue
        i += 1
    return blocks


# ---------------------------------------------------------------- running the commands


class Scratch:
    """Where a page's commands run: a folder linking to the repository's top-level
    folders and files, and a folder that stands for /tmp."""

    def __init__(self, base: Path) -> None:
        self.cwd = base / "repo"
        self.tmp = base / "tmp"
        self.cwd.mkdir()
        self.tmp.mkdir()
        for entry in ROOT.iterdir():
            if entry.name not in {".git", ".venv"} and not entry.name.startswith("."):
                (self.cwd / entry.name).symlink_to(entry)

    def to_real(self, text: str) -> str:
        return re.sub(r"(?<![\w.-])/tmp(?=/|\b)", str(self.tmp), text)

    def to_shown(self, text: str) -> str:
        text = text.replace(str(self.tmp), "/tmp").replace(str(self.cwd) + "/", "")
        return text.replace(str(ROOT), SHOWN_ROOT)


def _split(command: str) -> tuple[str, str]:
    """(the first command, the rest from the first unquoted | or >), comments dropped."""
    quote: str | None = None
    for i, char in enumerate(command):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or command[i - 1] == " "):
            return command[:i].rstrip(), ""
        elif char in "|>":
            start = i - 1 if i > 0 and command[i - 1] == "2" else i
            rest = command[start:]
            return command[:start].rstrip(), _drop_comment(rest)
    return command, ""


def _drop_comment(text: str) -> str:
    quote: str | None = None
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and text[i - 1] == " ":
            return text[:i].rstrip()
    return text


def _bash(command: str, cwd: Path, stdin: str = "") -> tuple[int, str]:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={
            **os.environ,
            "LC_ALL": "C.UTF-8",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def run_command(command: str, scratch: Scratch, last_code: int) -> tuple[int, str]:
    """Run one `$ ` line; return its exit code and what a terminal would show."""
    command = scratch.to_real(command)
    if command.strip() == "echo $?":
        return 0, f"{last_code}\n"
    first, rest = _split(command)
    words = shlex.split(first)
    if not words or words[0] != "starrules":
        return _bash(command, scratch.cwd)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(scratch.cwd):
        if rest:  # stdout goes down the pipe; stderr to the terminal
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(words[1:])
            piped_code, piped = _bash("cat " + rest, scratch.cwd, out.getvalue())
            # a pipeline's status is its last command's; a redirection keeps starrules'
            return (piped_code if rest.startswith("|") else code), err.getvalue() + piped
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(words[1:])
    return code, out.getvalue()


def session(block: Block) -> list[tuple[str, list[str], int]]:
    """A console block as (command, expected lines, index of the command line)."""
    items: list[tuple[str, list[str], int]] = []
    for n, line in enumerate(block.body):
        if line.startswith("$ "):
            items.append((line[2:], [], n))
        else:
            assert items, f"output before any command at line {block.start + n + 1}"
            items[-1][1].append(line)
    return items


def matches(expected: list[str], actual: list[str]) -> bool:
    if ELLIPSIS not in expected:
        return expected == actual
    first = expected.index(ELLIPSIS)
    last = len(expected) - 1 - expected[::-1].index(ELLIPSIS)
    head, middle, tail = expected[:first], expected[first + 1 : last], expected[last + 1 :]
    if len(actual) < len(head) + len(tail) or actual[: len(head)] != head:
        return False
    if tail and actual[len(actual) - len(tail) :] != tail:
        return False
    inner = actual[len(head) : len(actual) - len(tail)]
    return all(line in inner for line in middle if line != ELLIPSIS)


def updated(expected: list[str], actual: list[str]) -> list[str]:
    """The real output, elided as the page elides it (head … tail)."""
    if ELLIPSIS not in expected:
        return actual
    first = expected.index(ELLIPSIS)
    after = len(expected) - 1 - expected[::-1].index(ELLIPSIS)
    tail = len(expected) - after - 1
    return [*actual[:first], ELLIPSIS, *(actual[len(actual) - tail :] if tail else [])]


def lines_of(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@dataclass
class Report:
    page: str
    problems: list[str] = field(default_factory=list)
    edits: list[tuple[int, int, list[str]]] = field(default_factory=list)  # start, end, new

    def compare(self, where: int, what: str, expected: list[str], actual: list[str]) -> None:
        shown = [line.rstrip() for line in expected]
        while shown and not shown[-1]:
            shown.pop()
        if matches(shown, actual):
            return
        self.problems.append(
            f"{self.page}:{where + 1}: {what}\n--- shown\n"
            + "\n".join(shown)
            + "\n--- real\n"
            + "\n".join(actual)
        )
        self.edits.append((where + 1, where + 1 + len(expected), updated(shown, actual)))

    def finish(self) -> None:
        if UPDATE and self.edits:
            path = ROOT / self.page
            lines = path.read_text(encoding="utf-8").splitlines()
            for start, end, new in sorted(self.edits, reverse=True):
                lines[start:end] = new
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
        assert not self.problems, "\n\n".join(self.problems)


def run_setup(block: Block, scratch: Scratch, page: str) -> None:
    for command in block.setup:
        code, output = run_command(command, scratch, 0)
        assert code == 0, f"{page}: setup `{command}` failed: {output}"


def run_console(block: Block, scratch: Scratch, report: Report) -> None:
    code = 0
    for command, expected, n in session(block):
        code, output = run_command(command, scratch, code)
        actual = lines_of(scratch.to_shown(output))
        where = block.start + n
        report.compare(where, f"$ {command}", expected, actual)


DRIVER = r"""
import contextlib, io, json, sys, traceback
blocks = json.load(sys.stdin)
results, namespace = [], {}
for block in blocks:
    if not block["continue"]:
        namespace = {"__name__": "__main__"}
    out = io.StringIO()
    path = list(sys.path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block["code"], block["name"], "exec"), namespace)
    except BaseException:
        out.write(traceback.format_exc())
    sys.path[:] = path
    results.append(out.getvalue())
sys.stdout.write(json.dumps(results))
"""


def run_python(blocks: list[Block], scratch: Scratch, report: Report) -> None:
    """Run the blocks in one Python process, except `fresh` ones: each in its own."""
    runs: list[list[Block]] = [[]]
    for block in blocks:
        if block.marker == "fresh":
            runs.extend([[block], []])
        else:
            runs[-1].append(block)
    outputs: dict[int, str] = {}
    for run in runs:
        if run:
            outputs.update(zip((b.start for b in run), _drive(run, scratch, report), strict=True))
    for block in blocks:
        output = outputs[block.start]
        assert block.expected is not None, f"{report.page}:{block.start}: no ```text output"
        expected = block.expected
        report.compare(
            expected.start - 1,
            f"the output of the python block at line {block.start}",
            expected.body,
            lines_of(scratch.to_shown(output)),
        )


def _drive(blocks: list[Block], scratch: Scratch, report: Report) -> list[str]:
    payload = [
        {
            "code": scratch.to_real("\n".join(b.body)),
            "continue": b.marker == "continue",
            "name": f"{report.page}:{b.start + 1}",
        }
        for b in blocks
    ]
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        cwd=scratch.cwd,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    outputs: list[str] = json.loads(done.stdout)
    return outputs


def run_page(page: str, tmp_path: Path, slow: bool) -> None:
    blocks = parse(page)
    scratch = Scratch(tmp_path)
    report = Report(page)
    python: list[Block] = []
    for block in blocks:
        if block.lang == "python":
            assert not block.setup, f"{page}:{block.start}: no setup for a python block"
        elif block.marker in ("file", "append", "same") or block.marker == (
            "slow" if slow else "run"
        ):
            run_setup(block, scratch, page)
        if block.marker in ("file", "append", "same"):
            target = scratch.cwd / scratch.to_real(block.argument)
            text = "\n".join(block.body) + "\n"
            if block.marker == "same":
                assert target.read_text(encoding="utf-8") == text, (
                    f"{page}:{block.start}: the block is not {block.argument} as built above"
                )
                continue
            if block.marker == "append":
                text = target.read_text(encoding="utf-8") + "\n" + text
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        elif block.lang == "console" and block.marker == ("slow" if slow else "run"):
            run_console(block, scratch, report)
        elif block.lang == "python" and block.marker in PYTHON_RUN and not slow:
            python.append(block)
    if python:
        run_python(python, scratch, report)
    report.finish()


@pytest.mark.parametrize("page", PAGES)
def test_the_shown_commands_give_the_shown_outputs(page: str, tmp_path: Path) -> None:
    run_page(page, tmp_path, slow=False)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_slow_console_blocks(page: str, tmp_path: Path) -> None:
    if not any(b.marker == "slow" for b in parse(page)):
        pytest.skip("no slow block")
    run_page(page, tmp_path, slow=True)


@pytest.mark.parametrize("page", PAGES)
def test_every_console_and_python_block_is_run_or_skipped(page: str) -> None:
    for block in parse(page):
        if block.lang in ("console", "python"):
            assert block.marker in ("run", "slow", "continue", "fresh", "skip"), (
                f"{page}:{block.start}: a ```{block.lang} block without <!-- doctest --> "
                "(or <!-- doctest: skip REASON -->)"
            )
            if block.marker == "skip":
                assert block.argument, f"{page}:{block.start}: say why it is skipped"


def test_the_harness_matches_elisions() -> None:
    assert matches(["a", ELLIPSIS], ["a", "b", "c"])
    assert matches(["a", ELLIPSIS, "c"], ["a", "c"])
    assert not matches(["a", ELLIPSIS, "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])
    assert updated(["a", ELLIPSIS, "c"], ["x", "y", "z"]) == ["x", ELLIPSIS, "z"]
    assert _split("starrules test x --lang en   # a comment | not a pipe") == (
        "starrules test x --lang en",
        "",
    )
    assert _split("starrules list --format json | python -c 'a | b'") == (
        "starrules list --format json",
        "| python -c 'a | b'",
    )
    assert _split("starrules monitor e.jsonl > /dev/null") == (
        "starrules monitor e.jsonl",
        "> /dev/null",
    )


# ---------------------------------------------------------------- examples/README.md


def _readme_levels() -> dict[str, tuple[str, str]]:
    """The level table of examples/README.md: level -> (cell for the CLI, cell for the
    provincial rules alone)."""
    text = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in LEVEL_ROWS:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


LEVEL_ROWS = {
    "five stars": 5,
    "four stars": 4,
    "three stars": 3,
    "two stars": 2,
    "one star": 1,
    "undetermined": None,
}


def _distribution(records: list[dict[str, Any]]) -> tuple[Counter[int | None], dict[str, str]]:
    levels: Counter[int | None] = Counter(r["level"]["value"] for r in records)
    ranges = {
        r["village"]["name"]: f"{r['level']['min']}–{r['level']['max']}"
        for r in records
        if r["level"]["value"] is None
    }
    return levels, ranges


def test_examples_readme_counts_match_the_cli_and_the_ruleset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    villages = ROOT / "examples" / "villages.jsonl"
    assert main(["evaluate", str(villages), "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    province = starrules.load_ruleset(ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml")
    provincial = [
        json.loads(
            province.evaluate(
                starrules.Village.model_validate_json(line).model_copy(update={"extra": {}})
            ).to_json()
        )
        for line in villages.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    table = _readme_levels()
    assert set(table) == set(LEVEL_ROWS), "the level table has both columns for every level"
    for records, column in ((cli, 0), (provincial, 1)):
        levels, ranges = _distribution(records)
        for row, value in LEVEL_ROWS.items():
            cell = table[row][column]
            assert re.match(rf"{levels[value]}\b", cell), (row, column, cell, levels[value])
            if value == 5:
                fives = {r["village"]["name"] for r in records if r["level"]["value"] == 5}
                assert all(name in cell for name in fives), (cell, fives)
        for name, span in ranges.items():
            assert f"{name} " in table["undetermined"][column], (name, column)
            assert span in table["undetermined"][column].split(name, 1)[1].split(")")[0], (
                name,
                span,
                column,
            )
    # the star counts of 韩庄镇 quoted in the prose: provincial, and with the 汤阴 overlay
    text = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    for records, label in ((provincial, "provincial"), (cli, "overlay")):
        counts: Counter[str] = Counter(
            star
            for r in records
            if r["village"]["township"] == "韩庄镇"
            for star, s in r["stars"].items()
            if s["status"] == "granted"
        )
        if label == "provincial":
            quoted = (
                f"industry {counts['industry']}, ecology {counts['ecology']}, safety "
                f"{counts['safety']}, civility {counts['civility']}, branch {counts['branch']}"
            )
            by_province = counts
        else:
            quoted = f"civility drops to {counts['civility']} and the other counts stay"
            assert {k: v for k, v in counts.items() if k != "civility"} == {
                k: v for k, v in by_province.items() if k != "civility"
            }
        assert quoted in " ".join(text.split()), (label, quoted)
