"""The deterministic check: the same village gives the same assessment, and the ruleset has
the same fingerprint in fresh processes with other hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from ..ruleset import Ruleset
from .results import CheckResult, _Failure, _run
from .strategies import _village, village_values

HASH_SEEDS = ("0", "12345")


def check_deterministic(
    ruleset: Ruleset,
    *,
    max_examples: int = 100,
    seed: int = 0,
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None = None,
) -> CheckResult:
    """The same village gives the same assessment, and the ruleset has the same fingerprint
    in other processes with other hash seeds. `elsewhere` (hash seed → layers → fingerprint,
    from `fingerprints_elsewhere`) saves the subprocesses when checking many rulesets."""
    label = " → ".join(layer.ref for layer in ruleset.layers)

    def prop(values: dict[str, Any]) -> _Failure | None:
        village = _village(ruleset, values)
        first = ruleset.evaluate(village, check_dates=False).model_dump(mode="json")
        second = ruleset.evaluate(village, check_dates=False).model_dump(mode="json")
        if first != second:
            return _Failure("two evaluations of the same village differ", village)
        return None

    result = _run(
        "deterministic", ruleset, village_values(ruleset), prop, max(1, max_examples // 2), seed
    )
    if not result.passed:
        return result
    computed = elsewhere if elsewhere is not None else fingerprints_elsewhere([ruleset])
    key = tuple(layer.ref for layer in ruleset.layers)
    for hash_seed, prints in computed.items():
        printed = prints.get(key, "(not computed)")
        if printed != ruleset.fingerprint:
            return CheckResult(
                "deterministic",
                label,
                False,
                result.examples,
                f"with PYTHONHASHSEED={hash_seed} another process computes "
                f"fingerprint {printed}, not {ruleset.fingerprint}",
            )
    return result


def fingerprints_elsewhere(
    rulesets: Sequence[Ruleset],
) -> dict[str, dict[tuple[str, ...], str]]:
    """Fingerprints of `rulesets` computed in fresh processes, one per hash seed."""
    files = sorted({layer.file for rs in rulesets for layer in rs.layers})
    code = (
        "import json, sys, starrules\n"
        "registry = starrules.Registry.from_paths(json.loads(sys.argv[1]),\n"
        "                                         base=starrules.Registry.default())\n"
        "print(json.dumps([[[la.ref for la in r.layers], r.fingerprint]\n"
        "                  for r in registry.rulesets]))\n"
    )
    # Both processes at once: each spends a second or two importing and loading.
    running = {
        hash_seed: subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        for hash_seed in HASH_SEEDS
    }
    found: dict[str, dict[tuple[str, ...], str]] = {}
    try:
        for hash_seed, process in running.items():
            try:
                out, _ = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                out = ""
            pairs = json.loads(out) if process.returncode == 0 else []
            found[hash_seed] = {tuple(refs): fingerprint for refs, fingerprint in pairs}
    finally:
        for process in running.values():  # Ctrl-C, a timeout: none is left running
            if process.poll() is None:
                process.kill()
                process.wait()
    return found
