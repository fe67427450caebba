"""Benchmark: the starrules Monitor (dynamic management) on a stream of events, per backend.

The villages are bench_evaluate.py's (Henan rural, values around the thresholds, 2% unknown;
their data describe 2023-12-31). The event stream is deterministic (``--seed``) and dated from
the day after the villages' ``as_of`` over 18 months, so every village's first event opens
the 2024 period and the 2025 period starts two thirds of the way through:

* ~80% ``update``: a new value for an indicator that every Henan ruleset in use reads (the
  incident counts excepted), drawn from bench_evaluate's generators (near the bars), 5% null;
* ~15% ``incident``: criminal case, escalated petition, accident with casualties (5:3:2);
* ~5% ``review`` of one village.

The events are built as models before any timing. For each backend (``native``, and
``rete`` when durable-rules imports), with explanations on (the default) and off (grant
decisions only): the time to construct the monitor over the villages ("load"), then the time
to apply every event. The backends must emit identical changes, else exit status 1.

The targets (monitor issue) are the native backend's CPU time per event over one
``Ruleset.evaluate``'s: <= 3x with explanations off, <= 6x on. The ratio is paired: the
events are applied in 10 segments, each right after a yardstick (one evaluate's CPU time,
the best of two passes over 2,000 of the villages); the figure is the median of the
segments' ratios, the spread printed beside it.

Memory soak (``--soak``, default 1,000,000 events, explain off): per backend, a fresh process
loads the villages and applies events generated on the fly (dated over six years, so five
period resets happen mid-soak), sampling RSS (VmRSS, after gc.collect()) after loading and at
every 10%. Bounded: RSS growth from the 50% mark to the end under 1% of the loaded RSS, or
under 5 bytes/event. After close(), the thread count must be what it was before the monitor.

Run: ``python benchmarks/bench_monitor.py [--villages N] [--events E] [--soak S | --no-soak]
[--json]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_evaluate, next to this file

from bench_evaluate import GENERATORS, Gen, generate_villages, rule_paths

import starrules  # bench_evaluate adds src/ to the path when running from a checkout
from starrules import Monitor, Registry, Village
from starrules.explain.results import LevelResult, Status
from starrules.monitor import (
    DEFAULT_INCIDENT_TYPES,
    Capabilities,
    Change,
    Incident,
    IndicatorUpdate,
    Review,
)
from starrules.monitor.backend import BackendName

AnyEvent = IndicatorUpdate | Incident | Review
ChangeKey = tuple[Any, ...]

UPDATE_SHARE = 0.80
INCIDENT_SHARE = 0.15  # the rest (5%) are reviews of one village
NULL_RATE = 0.05  # updates whose value becomes unknown
INCIDENTS = (("criminal_case", 5), ("escalated_petition", 3), ("accident_with_casualties", 2))
STREAM_MONTHS = 18  # the timed stream: 2024-01-01..2025-06-30 for villages as of 2023-12-31
SOAK_YEARS = 6  # the soak: 2024..2029, five period resets after the first
HISTORY_LIMIT = 32
INCIDENT_LIMIT = 16
SEGMENTS = 10  # the events are timed in this many runs, each paired with a yardstick
YARDSTICK_VILLAGES = 2_000  # the villages one yardstick evaluates (twice, the best kept)
GROWTH_SHARE = 0.01  # bounded: growth 50% → end under 1% of the loaded RSS ...
GROWTH_BYTES = 5.0  # ... or under 5 bytes per event
NOT_INSTALLED = "rete: not installed (pip install 'starrules[rete]')"

# --------------------------------------------------------------------------- events


def _maker(path: str) -> Gen:
    """A value generator for one indicator, near its bar (bench_evaluate's generators)."""
    if path == "safety.disputes_resolved":  # derived from the total there; here on its own
        return lambda rng: rng.randint(0, 60)
    section, _, name = path.partition(".")
    return GENERATORS[section][name]


def update_paths(villages: Sequence[Village], day: date) -> list[str]:
    """The standard indicators that every ruleset in use reads, except the counts incidents
    go into (those change through incidents and period resets)."""
    registry = Registry.default()
    places = {(v.jurisdiction, v.kind) for v in villages}
    read = [set(rule_paths(registry.resolve(j, k, day))) for j, k in sorted(places)]
    counts = {t.indicator for t in DEFAULT_INCIDENT_TYPES.values()}
    paths = sorted(p for p in set.intersection(*read) if p.partition(".")[0] in GENERATORS)
    return [p for p in paths if p not in counts]


def stream_dates(villages: Sequence[Village], months: int) -> tuple[date, date]:
    """From the day after the latest `as_of` (no event may come before it), `months` long."""
    start = max(v.as_of or date(2023, 12, 31) for v in villages) + timedelta(days=1)
    year, month = divmod(start.month - 1 + months, 12)
    end = date(start.year + year, month + 1, 1) - timedelta(days=1)  # start is a 1st here
    return start, end


def event_stream(
    keys: Sequence[str], paths: Sequence[str], count: int, seed: int, first: date, last: date
) -> Iterator[AnyEvent]:
    """`count` events, dated evenly from `first` to `last` (one clock for every village, so
    each village's events are in date order); deterministic for a seed."""
    rng = random.Random(seed)
    makers = [(path, _maker(path)) for path in paths]
    days = (last - first).days + 1
    calendar = [first + timedelta(days=d) for d in range(days)]
    kinds = [kind for kind, _ in INCIDENTS]
    weights = [weight for _, weight in INCIDENTS]
    for i in range(count):
        day = calendar[i * days // count]
        village = keys[rng.randrange(len(keys))]
        roll = rng.random()
        if roll < UPDATE_SHARE:
            path, make = makers[rng.randrange(len(makers))]
            value = None if rng.random() < NULL_RATE else make(rng)
            yield IndicatorUpdate(village=village, date=day, field=path, value=value)
        elif roll < UPDATE_SHARE + INCIDENT_SHARE:
            incident = rng.choices(kinds, weights)[0]
            yield Incident(village=village, date=day, incident=incident)
        else:
            yield Review(village=village, date=day)


def village_key(village: Village) -> str:
    return village.code or village.name


# --------------------------------------------------------------------------- runs


def _status(status: Status | None) -> str | None:
    return None if status is None else status.value


def _level(level: LevelResult | None) -> tuple[int | None, int, int] | None:
    return None if level is None else (level.value, level.min, level.max)


def change_key(c: Change) -> ChangeKey:
    """What the backends must agree on, change by change."""
    return (
        c.village,
        c.date.isoformat(),
        c.kind.value,
        c.trigger.value,
        c.star,
        _status(c.before),
        _status(c.after),
        _level(c.level_before),
        _level(c.level_after),
    )


@dataclass
class Run:
    backend: BackendName
    explain: bool
    load_s: float
    apply_s: float
    cpu_s: float  # CPU time of applying the events (process_time)
    gc_s: float  # of which in the garbage collector
    evaluate_us: float  # CPU µs of one Ruleset.evaluate: the median of the segments' yardsticks
    by_segment: list[float]  # per segment of events: its CPU µs per event / the yardstick before
    events: int
    changes: list[ChangeKey]
    capabilities: list[Capabilities]

    @property
    def label(self) -> str:
        return f"{self.backend}, explain {'on' if self.explain else 'off'}"

    def figures(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "explain": self.explain,
            "load_s": self.load_s,
            "apply_s": self.apply_s,
            "events_per_s": self.events / self.apply_s,
            "us_per_event": self.apply_s * 1e6 / self.events,
            "cpu_us_per_event": self.cpu_s * 1e6 / self.events,
            "gc_share": self.gc_s / self.cpu_s if self.cpu_s else 0.0,
            "evaluate_cpu_us": self.evaluate_us,
            "over_evaluate": statistics.median(self.by_segment),
            "over_evaluate_by_segment": self.by_segment,
            "changes": len(self.changes),
        }


def evaluation_cost(villages: Sequence[Village]) -> Callable[[], float]:
    """A yardstick of the monitor's targets: `cost()` gives the CPU µs of one
    `Ruleset.evaluate` (each village under the ruleset its monitor uses on its date), the
    best of two passes over these villages."""
    registry = Registry.default()
    pairs = [
        (registry.resolve(v.jurisdiction, v.kind, v.as_of or date.today()), v) for v in villages
    ]

    def cost() -> float:
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            for ruleset, village in pairs:
                ruleset.evaluate(village)
            best = min(best, time.process_time() - start)
        return best * 1e6 / len(pairs)

    return cost


def run_monitor(
    backend: BackendName, villages: Sequence[Village], events: Sequence[AnyEvent], explain: bool
) -> Run:
    """Time the monitor's construction, then every event applied in order. The changes are
    reduced to their keys as they come (a consumer writes them out; it does not keep every
    explanation alive), so the timing is not of a growing heap.

    The events are applied in SEGMENTS runs, each right after a yardstick (one evaluate's
    CPU time, over YARDSTICK_VILLAGES of the villages): the ratio is per segment, paired
    with the yardstick next to it, and the figure is their median, so that a burst of load
    on a shared machine moves both sides of a pair rather than one side of the figure."""
    yardstick = evaluation_cost(villages[:YARDSTICK_VILLAGES])
    yardstick()  # warm: the rulesets' first evaluations build what they keep
    gc.collect()
    start = time.perf_counter_ns()
    monitor = Monitor(
        villages,
        backend=backend,
        history_limit=HISTORY_LIMIT,
        incident_limit=INCIDENT_LIMIT,
        explain=explain,
    )
    load_s = (time.perf_counter_ns() - start) / 1e9
    apply = monitor.apply
    gc.collect()
    changes: list[ChangeKey] = []
    keep = changes.extend
    collecting = GcClock()
    gc.callbacks.append(collecting)
    cpu_s = apply_s = 0.0
    yardsticks: list[float] = []
    by_segment: list[float] = []
    size = max(1, -(-len(events) // SEGMENTS))
    try:
        for first in range(0, len(events), size):
            segment = events[first : first + size]
            collecting.counting = False  # the yardstick's garbage is not the monitor's
            yardsticks.append(yardstick())
            collecting.counting = True
            start = time.perf_counter_ns()
            cpu = time.process_time()
            for event in segment:
                keep(map(change_key, apply(event)))
            spent = time.process_time() - cpu
            apply_s += (time.perf_counter_ns() - start) / 1e9
            cpu_s += spent
            by_segment.append(spent * 1e6 / len(segment) / yardsticks[-1])
    finally:
        gc.callbacks.remove(collecting)
    capabilities = monitor.capabilities()
    monitor.close()
    return Run(
        backend,
        explain,
        load_s,
        apply_s,
        cpu_s,
        collecting.spent,
        statistics.median(yardsticks),
        by_segment,
        len(events),
        changes,
        capabilities,
    )


class GcClock:
    """A gc callback adding up the CPU time the collector takes."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._began = 0.0
        self.counting = True  # off while something else runs (the yardstick)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.process_time()
        elif self.counting:
            self.spent += time.process_time() - self._began


def first_difference(a: Sequence[ChangeKey], b: Sequence[ChangeKey]) -> dict[str, Any] | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return {"index": i, "native": list(x), "rete": list(y)}
    if len(a) != len(b):
        i = min(len(a), len(b))
        return {
            "index": i,
            "native": list(a[i]) if i < len(a) else None,
            "rete": list(b[i]) if i < len(b) else None,
        }
    return None


def source_state() -> str | None:
    """The checkout's commit, and whether src/ has uncommitted changes (None: not a checkout)."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + (" + uncommitted changes in src/" if dirty else "")


def rete_installed() -> bool:
    try:
        importlib.import_module("durable.engine")
    except ImportError:  # not installed, or its C extension fails to load (Python >= 3.13)
        return False
    return True


def capability_summary(capabilities: Sequence[Capabilities]) -> dict[str, Any]:
    modes = Counter(mode for c in capabilities for mode in c.stars.values())
    fallbacks: dict[str, str] = {}
    for c in capabilities:
        for f in c.fallbacks:
            fallbacks.setdefault(f.reason, f"{f.star}" + (f" / {f.node}" if f.node else ""))
    return {
        "rulesets": [c.ruleset for c in capabilities],
        "stars": {m: modes.get(m, 0) for m in ("backend", "mixed", "native")},
        "fallbacks": [{"where": where, "reason": reason} for reason, where in fallbacks.items()],
    }


# --------------------------------------------------------------------------- soak


def rss_bytes() -> int:
    """Resident set size now (VmRSS, which goes down too); the peak where /proc is absent."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def soak(backend: BackendName, villages_n: int, count: int, seed: int) -> dict[str, Any]:
    """One backend's soak, in this process (run as a child: see `soak_in_child`)."""
    villages = generate_villages(villages_n, seed)
    first, last = stream_dates(villages, SOAK_YEARS * 12)
    paths = update_paths(villages, first)
    keys = [village_key(v) for v in villages]
    gc.collect()
    threads_before = threading.active_count()
    rss_start = rss_bytes()
    start = time.perf_counter()
    monitor = Monitor(
        villages,
        backend=backend,
        history_limit=HISTORY_LIMIT,
        incident_limit=INCIDENT_LIMIT,
        explain=False,
    )
    load_s = time.perf_counter() - start
    del villages  # the monitor keeps its own copies
    gc.collect()
    samples = [(0, rss_bytes())]
    marks = {count * k // 10 for k in range(1, 11)}
    apply = monitor.apply
    changes = 0
    sampling_s = 0.0
    start = time.perf_counter()
    events = event_stream(keys, paths, count, seed + 1, first, last)
    for applied, event in enumerate(events, 1):
        changes += len(apply(event))
        if applied in marks:
            began = time.perf_counter()
            gc.collect()
            samples.append((applied, rss_bytes()))
            sampling_s += time.perf_counter() - began
    run_s = time.perf_counter() - start - sampling_s
    monitor.close()
    del monitor, apply
    gc.collect()
    threads_after = threading.active_count()
    loaded = samples[0][1]
    half = samples[5]
    growth = samples[-1][1] - half[1]
    per_event = growth / max(1, count - half[0])
    return {
        "backend": backend,
        "events": count,
        "dates": [first.isoformat(), last.isoformat()],
        "changes": changes,
        "load_s": load_s,
        "run_s": run_s,
        "events_per_s": count / run_s,
        "rss_before_load": rss_start,
        "rss_loaded": loaded,
        "rss_samples": [{"events": n, "rss": rss} for n, rss in samples],
        "rss_after_close": rss_bytes(),
        "growth_50_to_end": growth,
        "growth_bytes_per_event": per_event,
        "bounded": growth < GROWTH_SHARE * loaded or per_event < GROWTH_BYTES,
        "threads_before": threads_before,
        "threads_after_close": threads_after,
        "threads_ok": threads_after == threads_before,
    }


def soak_in_child(backend: BackendName, villages_n: int, count: int, seed: int) -> dict[str, Any]:
    """Each soak runs in a fresh interpreter: its RSS and thread count are the monitor's
    alone, not the high-water mark the timed runs left behind in this process."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--soak-child",
        backend,
        "--villages",
        str(villages_n),
        "--soak",
        str(count),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        return {
            "backend": backend,
            "events": count,
            "error": f"exit status {done.returncode}: {done.stderr.strip()[-2000:]}",
            "bounded": False,
            "threads_ok": False,
        }
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--villages", type=int, default=10_000, metavar="N")
    parser.add_argument("--events", type=int, default=100_000, metavar="E")
    parser.add_argument("--seed", type=int, default=2023, metavar="S")
    parser.add_argument("--soak", type=int, default=1_000_000, metavar="S", help="soak events")
    parser.add_argument("--no-soak", action="store_true", help="skip the memory soak")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--soak-child", choices=("native", "rete"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.villages < 1 or args.events < 1 or args.soak < 10:
        parser.error("--villages and --events must be at least 1, --soak at least 10")
    if args.soak_child:
        print(json.dumps(soak(args.soak_child, args.villages, args.soak, args.seed)))
        return 0
    began = time.perf_counter()
    source = source_state()  # before the runs: the code measured

    villages = generate_villages(args.villages, args.seed)
    first, last = stream_dates(villages, STREAM_MONTHS)
    paths = update_paths(villages, first)
    keys = [village_key(v) for v in villages]
    events = list(event_stream(keys, paths, args.events, args.seed, first, last))
    mix = Counter(e.type for e in events)
    nulls = sum(isinstance(e, IndicatorUpdate) and e.value is None for e in events)

    backends: list[BackendName] = ["native"]
    installed = rete_installed()
    if installed:
        backends.append("rete")
    elif args.json:
        print(NOT_INSTALLED, file=sys.stderr)
    runs: dict[tuple[BackendName, bool], Run] = {}
    for explain in (True, False):
        for backend in backends:
            runs[backend, explain] = run_monitor(backend, villages, events, explain)

    reference = runs["native", True].changes
    agreement: dict[str, Any] = {}
    disagree = False
    for explain in (True, False):
        native = runs["native", explain].changes
        same_as_explained = native == reference  # explanations must not change the decisions
        entry: dict[str, Any] = {"changes": len(native), "native_same_as_explain_on": None}
        if not explain:
            entry["native_same_as_explain_on"] = same_as_explained
            disagree |= not same_as_explained
        if installed:
            difference = first_difference(native, runs["rete", explain].changes)
            entry["identical"] = difference is None
            entry["first_difference"] = difference
            disagree |= difference is not None
        agreement["on" if explain else "off"] = entry
    outcome = Counter((c[2], c[3]) for c in reference)

    ratios: dict[str, float | None] = {}
    for explain in (True, False):
        rete = runs.get(("rete", explain))
        native_run = runs["native", explain]
        ratios["on" if explain else "off"] = (
            None if rete is None else rete.apply_s / native_run.apply_s
        )
    capabilities = capability_summary(runs["rete", True].capabilities) if installed else None
    targets = {
        mode: {
            "ratio": runs["native", explain].figures()["over_evaluate"],
            "by_segment": runs["native", explain].by_segment,
            "target": bound,
            "pass": runs["native", explain].figures()["over_evaluate"] <= bound,
        }
        for mode, explain, bound in (("off", False, 3.0), ("on", True, 6.0))
    }

    soaks: list[dict[str, Any]] = []
    if not args.no_soak:
        soaks = [soak_in_child(b, args.villages, args.soak, args.seed) for b in backends]

    report: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "starrules": starrules.__version__,
        "source": source,
        "villages": len(villages),
        "seed": args.seed,
        "history_limit": HISTORY_LIMIT,
        "incident_limit": INCIDENT_LIMIT,
        "events": {
            "count": len(events),
            "dates": [first.isoformat(), last.isoformat()],
            "update": mix["update"],
            "update_null": nulls,
            "update_indicators": len(paths),
            "incident": mix["incident"],
            "review": mix["review"],
        },
        "rete_installed": installed,
        "runs": [run.figures() for run in runs.values()],
        "changes_by_kind": {f"{kind} ({trigger})": n for (kind, trigger), n in outcome.items()},
        "agreement": agreement,
        "rete_over_native": ratios,
        "targets": targets,
        "rete_capabilities": capabilities,
        "soak": soaks or None,
        "elapsed_s": time.perf_counter() - began,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 1 if disagree else 0


def _mb(n: float) -> str:
    return f"{n / 2**20:,.1f} MB"


def print_report(r: dict[str, Any]) -> None:
    e = r["events"]
    print(
        f"starrules {r['starrules']} monitor benchmark: {r['villages']:,} villages (Henan "
        f"rural), {e['count']:,} events dated {e['dates'][0]}..{e['dates'][1]}, "
        f"seed={r['seed']}"
    )
    print(
        f"{r['implementation']} {r['python']} on {r['platform']} ({r['cpus']} CPUs, nproc "
        f"{r['nproc']}, load {r['load_average']}); history_limit={r['history_limit']}, "
        f"incident_limit={r['incident_limit']}; source {r['source']}"
    )
    print(
        f"events: {e['update']:,} updates on {e['update_indicators']} indicators "
        f"({e['update_null']:,} to null), {e['incident']:,} incidents, {e['review']:,} reviews"
    )
    print(
        "changes (native, explain on): "
        + ", ".join(f"{k} {n:,}" for k, n in sorted(r["changes_by_kind"].items()))
    )
    print()
    print(
        f"{'backend':<8} {'explain':<8} {'load s':>8} {'events/s':>10} {'µs/event':>9} "
        f"{'CPU µs':>8} {'gc':>4} {'evaluate':>9} {'ratio':>6} {'changes':>9}"
    )
    for run in r["runs"]:
        print(
            f"{run['backend']:<8} {'on' if run['explain'] else 'off':<8} {run['load_s']:>8.2f} "
            f"{run['events_per_s']:>10,.0f} {run['us_per_event']:>9.1f} "
            f"{run['cpu_us_per_event']:>8.1f} {run['gc_share']:>4.0%} "
            f"{run['evaluate_cpu_us']:>9.1f} "
            f"{run['over_evaluate']:>5.1f}× {run['changes']:>9,}"
        )
    print(
        "(CPU µs: process time per event; gc: the garbage collector's share of it; evaluate: "
        f"CPU µs of one Ruleset.evaluate in the same process, measured before each of {SEGMENTS} "
        "segments of the events (the median shown); ratio: per segment, its CPU µs per event over "
        "the evaluate before it, the median of the segments)"
    )
    for mode, t in r["targets"].items():
        segments = t["by_segment"]
        print(
            f"target: native, explain {mode}, CPU per event / one evaluate = {t['ratio']:.1f}× "
            f"(by segment {min(segments):.1f}–{max(segments):.1f}×; ≤ {t['target']:g}×): "
            f"{'PASS' if t['pass'] else 'FAIL'}"
        )
    if not r["rete_installed"]:
        print(NOT_INSTALLED)
    print()
    for mode, a in r["agreement"].items():
        if a["native_same_as_explain_on"] is False:
            print(f"DISAGREEMENT: native, explain {mode}: changes differ from explain on")
        if "identical" not in a:
            if a["native_same_as_explain_on"]:
                print(f"native, explain off = explain on: identical {a['changes']:,} changes")
            continue
        if a["identical"]:
            print(f"agreement (explain {mode}): identical {a['changes']:,} changes")
        else:
            d = a["first_difference"]
            print(
                f"DISAGREEMENT (explain {mode}) at change {d['index']:,}:\n"
                f"  native: {d['native']}\n  rete:   {d['rete']}"
            )
    for mode, ratio in r["rete_over_native"].items():
        if ratio is not None:
            print(f"rete / native time per event, explain {mode}: {ratio:.1f}×")
    c = r["rete_capabilities"]
    if c:
        stars = c["stars"]
        print(
            f"rete capabilities over {len(c['rulesets'])} rulesets in use "
            f"({sum(stars.values())} stars): {stars['backend']} backend, {stars['mixed']} "
            f"mixed, {stars['native']} native"
        )
        for f in c["fallbacks"]:
            print(f"  fallback ({f['where']}): {f['reason']}")
    if r["soak"]:
        print()
        s0 = r["soak"][0]
        print(
            f"memory soak: {s0['events']:,} events per backend, explain=False (grant decisions "
            "only, to keep it short), a fresh process per backend"
            + (f", dated {s0['dates'][0]}..{s0['dates'][1]}" if "dates" in s0 else "")
        )
        for s in r["soak"]:
            if "error" in s:
                print(f"  {s['backend']}: FAIL, the soak crashed: {s['error']}")
                continue
            rss = {x["events"]: x["rss"] for x in s["rss_samples"]}
            marks = sorted(rss)
            print(
                f"  {s['backend']}: RSS loaded {_mb(s['rss_loaded'])}, at 10% "
                f"{_mb(rss[marks[1]])}, at 50% {_mb(rss[marks[5]])}, at the end "
                f"{_mb(rss[marks[-1]])}; {s['events_per_s']:,.0f} events/s, "
                f"{s['changes']:,} changes, load {s['load_s']:.1f} s"
            )
            print(
                f"    growth 50% → end: {s['growth_50_to_end'] / 1024:+,.0f} KiB = "
                f"{s['growth_bytes_per_event']:.2f} bytes/event (bound: < "
                f"{GROWTH_SHARE:.0%} of loaded = {_mb(GROWTH_SHARE * s['rss_loaded'])}, or < "
                f"{GROWTH_BYTES:g} bytes/event): "
                f"{'PASS' if s['bounded'] else 'FAIL'} (no growth per event once villages "
                "are loaded)"
            )
            print(
                "    RSS every 10% (MB): "
                + " ".join(f"{rss[m] / 2**20:,.0f}" for m in marks[1:])
                + f"; after close(): {_mb(s['rss_after_close'])}"
            )
            print(
                f"    threads before the monitor {s['threads_before']}, after close() "
                f"{s['threads_after_close']}: {'PASS' if s['threads_ok'] else 'FAIL'}"
            )
    print(f"elapsed: {r['elapsed_s']:.1f} s (generation, timed runs, agreement and soak)")


if __name__ == "__main__":
    raise SystemExit(main())
