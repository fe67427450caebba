"""The fingerprint of a compiled ruleset: proof of exactly which rules produced a grant.

sha256 over a canonical JSON form of everything that can change an outcome or its
explanation (stars, criteria with canonical expressions, texts, sources, levels, declared
indicators, layers and dates). Comments, key order and expression spelling (`100_000`
or `1e5`) do not change it; it does not depend on the process or PYTHONHASHSEED.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from .rules import Criterion, Node, RuleTree


def _node_form(node: Node) -> dict[str, Any]:
    if isinstance(node, Criterion):
        return {
            "id": node.id,
            "kind": node.kind,
            "test": node.test.canonical,
            "text": node.text.model_dump(),
            "source": node.source,
            "provisional": node.provisional,
            "points": node.points,
            "layer": node.layer.ref,
        }
    return {
        "id": node.id,
        "rule": node.rule,
        "needed": node.needed,
        "points": node.points,
        "text": node.text.model_dump() if node.text else None,
        "items": [_node_form(i) for i in node.items],
        "layer": node.layer.ref,
    }


def canonical_form(tree: RuleTree) -> dict[str, Any]:
    """The rules as plain, ordered data (the input of the fingerprint)."""
    return {
        "format": 1,
        "id": tree.id,
        "jurisdiction": tree.jurisdiction,
        "kind": tree.kind,
        "version": tree.version,
        "layers": [layer.ref for layer in tree.layers],
        "effective": [
            tree.effective_from.isoformat(),
            tree.effective_until.isoformat() if tree.effective_until else None,
        ],
        "indicators": {
            k: [v.kind.value, v.better.value, v.label.zh, v.label.en]
            for k, v in sorted(tree.indicators.items())
            if k.startswith("extra.")
        },
        "stars": [
            {
                "id": s.id,
                "name": s.name.model_dump(),
                "requires": list(s.requires),
                "grant": _node_form(s.grant),
                "veto": [_node_form(v) for v in s.vetoes],
            }
            for s in tree.stars
        ],
        "levels": None
        if tree.levels is None
        else [
            {
                "value": lv.value,
                "name": lv.name.model_dump(),
                "when": lv.when.canonical,
                "named_by": lv.named_by,
            }
            for lv in tree.levels
        ],
        "sources": sorted(
            [s.id, s.title, s.date.isoformat() if s.date else None] for s in tree.sources.values()
        ),
    }


def with_fingerprint(tree: RuleTree) -> RuleTree:
    """The same tree with its fingerprint computed."""
    text = json.dumps(
        canonical_form(tree), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return dataclasses.replace(tree, fingerprint=digest)
