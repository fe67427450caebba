"""Running the checks: every check that applies to one ruleset (`run_checks`), and every
check of every ruleset of some files (`run_all_checks`, `load_targets`), in this process or
in several spawned ones, with progress events as the checks start and finish."""

from __future__ import annotations

import contextlib
import functools
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .. import messages
from ..errors import InputError, StarrulesError, did_you_mean
from ..load.loader import find_ruleset_files
from ..load.registry import Registry
from ..ruleset import Ruleset
from .determinism import check_deterministic, fingerprints_elsewhere
from .monotone import check_monotone, check_refinement
from .results import CheckResult
from .structure import check_levels_nest, check_reachable, check_tighten_only

CHECKS = ("monotone", "refinement", "tighten-only", "levels-nest", "reachable", "deterministic")


def _check_names(names: Sequence[str]) -> None:
    """Refuse a name that is no check (the first, with a did-you-mean)."""
    for name in names:
        if name not in CHECKS:
            raise InputError.of(
                None,
                "SR714",
                check=name,
                suggestion=messages.aside(did_you_mean(name, CHECKS)),
                known=", ".join(CHECKS),
            )


def run_checks(
    ruleset: Ruleset,
    *,
    parent: Ruleset | None = None,
    max_examples: int = 100,
    seed: int = 0,
    skip: Sequence[str] = (),
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None = None,
) -> list[CheckResult]:
    """Every check that applies to `ruleset` (tighten-only only for an overlay with its
    `parent`), in the order of CHECKS."""
    _check_names(skip)
    results: list[CheckResult] = []
    runners: dict[str, Callable[[], CheckResult]] = {
        "monotone": lambda: check_monotone(ruleset, max_examples=max_examples, seed=seed),
        "refinement": lambda: check_refinement(ruleset, max_examples=max_examples, seed=seed),
        "levels-nest": lambda: check_levels_nest(ruleset, max_examples=max_examples, seed=seed),
        "reachable": lambda: check_reachable(ruleset, max_examples=max_examples, seed=seed),
        "deterministic": lambda: check_deterministic(
            ruleset, max_examples=max_examples, seed=seed, elsewhere=elsewhere
        ),
    }
    if parent is not None:
        runners["tighten-only"] = lambda: check_tighten_only(
            ruleset, parent, max_examples=max_examples, seed=seed
        )
    for name in CHECKS:
        if name in runners and name not in skip:
            results.append(runners[name]())
    return results


def _one_check(
    ruleset: Ruleset,
    parent: Ruleset | None,
    name: str,
    max_examples: int,
    seed: int,
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None,
) -> list[CheckResult]:
    others = tuple(n for n in CHECKS if n != name)
    return run_checks(
        ruleset,
        parent=parent,
        max_examples=max_examples,
        seed=seed,
        skip=others,
        elsewhere=elsewhere,
    )


# -- many rulesets, in several processes ----------------------------------------------------


@dataclass(frozen=True)
class CheckEvent:
    """Progress of `run_all_checks`: one check of one ruleset started (`result` None; only
    when run in this process) or finished."""

    ruleset: str  # e.g. 'cn-henan/anyang/tangyin@2022.1 on cn-henan@2023.1'
    check: str
    done: int  # checks finished, this one included once it has
    total: int
    result: CheckResult | None = None
    seconds: float = 0.0
    started: bool = False  # its start was reported too


Target = tuple[Ruleset, Ruleset | None]  # a ruleset, and the one it extends (an overlay)


def load_targets(paths: Sequence[str | os.PathLike[str]]) -> list[Target]:
    """The rulesets of the files under `paths`, each with the ruleset it extends (None for
    a ruleset that extends nothing), loaded with the bundled and plug-in rulesets as
    `starrules check` loads them. An overlay on several base versions is one per base."""
    registry = Registry.from_paths([Path(p) for p in paths], base=Registry.default())
    mine = {f.resolve() for path in paths for f in find_ruleset_files(Path(path))}
    by_layers = {rs.layers: rs for rs in registry.rulesets}
    return [
        (rs, by_layers.get(rs.layers[:-1]) if len(rs.layers) > 1 else None)
        for rs in registry.rulesets
        if Path(rs.file).resolve() in mine
    ]


def _label(ruleset: Ruleset) -> str:
    """A ruleset as a progress line names it: its jurisdiction and version, and the base
    it is on for an overlay."""
    last = ruleset.layers[-1]
    text = f"{last.jurisdiction}@{last.version}"
    if len(ruleset.layers) > 1:
        below = ruleset.layers[-2]
        text += f" on {below.jurisdiction}@{below.version}"
    return text


def run_all_checks(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_examples: int = 100,
    seed: int = 0,
    skip: Sequence[str] = (),
    jobs: int = 1,
    progress: Callable[[CheckEvent], None] | None = None,
) -> list[CheckResult]:
    """Every check of every ruleset of the files under `paths` (see `load_targets`), in the
    order of `run_checks` ruleset by ruleset. With `jobs` > 1 the checks run in that many
    processes (0: one per CPU), with the same results. `progress` is called as each check
    starts (in this process only) and finishes. Raises RulesetError when a file does not
    load; an empty list when the paths hold no ruleset. The processes are spawned: a
    script that calls this with `jobs` > 1 keeps its top level under
    `if __name__ == "__main__":`, as for any spawned process."""
    _check_names(skip)
    targets = load_targets(paths)
    plan = [
        (index, name)
        for index, (_, parent) in enumerate(targets)
        for name in CHECKS
        if name not in skip and (name != "tighten-only" or parent is not None)
    ]
    elsewhere = None
    if "deterministic" not in skip and targets:
        elsewhere = fingerprints_elsewhere([rs for rs, _ in targets])
    jobs = min(jobs or _cpus(), len(plan))
    if jobs > 1:
        settings_ = _Settings(tuple(map(str, paths)), max_examples, seed, elsewhere)
        return _in_processes(targets, plan, settings_, jobs, progress)
    results: list[CheckResult] = []
    for done, (index, name) in enumerate(plan):
        ruleset, parent = targets[index]
        if progress is not None:
            progress(CheckEvent(_label(ruleset), name, done, len(plan)))
        start = time.perf_counter()
        (result,) = _one_check(ruleset, parent, name, max_examples, seed, elsewhere)
        if progress is not None:
            seconds = time.perf_counter() - start
            event = CheckEvent(_label(ruleset), name, done + 1, len(plan), result, seconds, True)
            progress(event)
        results.append(result)
    return results


def _cpus() -> int:
    """The CPUs this process may run on (a container or `taskset` may allow fewer)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


@dataclass(frozen=True)
class _Settings:
    """What every worker process is given (picklable)."""

    paths: tuple[str, ...]
    max_examples: int
    seed: int
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None


def _in_processes(
    targets: list[Target],
    plan: list[tuple[int, str]],
    settings_: _Settings,
    jobs: int,
    progress: Callable[[CheckEvent], None] | None,
) -> list[CheckResult]:
    """The checks of `plan` in `jobs` fresh processes (spawned: nothing of this process's
    state, hypothesis's included, is shared), reported as they finish, returned in order."""
    # Hypothesis mixes constants of the loaded project modules into its examples: each
    # worker loads the modules of starrules loaded here, so that it draws the same.
    modules = sorted(m for m in sys.modules if m.split(".")[0] == "starrules")
    executor = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=([m for m in modules if m != "starrules.__main__"],),
    )
    found: dict[int, CheckResult] = {}
    try:
        futures: dict[Future[tuple[CheckResult | None, float, StarrulesError | None]], int] = {}
        # The slow checks first, so that no worker is left with one at the end.
        order = sorted(range(len(plan)), key=lambda k: _BY_COST.index(plan[k][1]))
        with _sigint_ignored():  # the workers start as the tasks are submitted
            for position in order:
                index, name = plan[position]
                ruleset = targets[index][0]
                key = (tuple(layer.ref for layer in ruleset.layers), ruleset.fingerprint)
                futures[executor.submit(_work, settings_, key, name)] = position
        for future in as_completed(futures):
            position = futures[future]
            index, name = plan[position]
            ruleset = targets[index][0]
            try:
                result, seconds, error = future.result()
            except Exception as exc:  # a worker died, or a fault of ours: no traceback
                raise StarrulesError.of(
                    None,
                    "SR713",
                    ruleset=_label(ruleset),
                    check=name,
                    detail=f"{type(exc).__name__}: {exc}",
                ) from None
            if result is None:
                assert error is not None
                raise error
            found[position] = result
            if progress is not None:
                event = CheckEvent(_label(ruleset), name, len(found), len(plan), result, seconds)
                progress(event)
    except BaseException:  # Ctrl-C included: stop the workers now, not after their checks
        _stop(executor)
        raise
    executor.shutdown()
    return [found[position] for position in range(len(plan))]


_BY_COST = (
    "monotone",
    "refinement",
    "levels-nest",
    "tighten-only",
    "deterministic",
    "reachable",
)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop the workers at once, in the midst of their checks, and reap them."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in processes:
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    executor.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored meanwhile, and from their very start by the processes started
    meanwhile (a terminal sends it to them too): the parent stops them itself, and a
    worker interrupted while it starts up would print a traceback."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield  # only the main thread may set a handler; None: one not set from Python
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(modules: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the workers
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


@functools.lru_cache(maxsize=1)
def _worker_targets(paths: tuple[str, ...]) -> dict[tuple[tuple[str, ...], str], Target]:
    """The targets in a worker process, loaded once for all its checks (by layers and
    fingerprint). Only workers call this: the cache lives as long as they do."""
    return {
        (tuple(layer.ref for layer in rs.layers), rs.fingerprint): (rs, parent)
        for rs, parent in load_targets(paths)
    }


def _work(
    settings_: _Settings, key: tuple[tuple[str, ...], str], name: str
) -> tuple[CheckResult | None, float, StarrulesError | None]:
    """One check in a worker: (result, seconds, None), or (None, 0, the error, which the
    caller raises as it is: it pickles with its type and codes)."""
    try:
        targets = _worker_targets(settings_.paths)
    except StarrulesError as exc:
        return None, 0.0, exc
    if key not in targets:
        return None, 0.0, StarrulesError.of(None, "SR715", layers=" → ".join(key[0]))
    ruleset, parent = targets[key]
    start = time.perf_counter()
    (result,) = _one_check(
        ruleset, parent, name, settings_.max_examples, settings_.seed, settings_.elsewhere
    )
    return result, time.perf_counter() - start, None
