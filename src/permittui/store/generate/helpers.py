"""Small pure helpers of `permittui generate`: stable hashing, phrase patterns, JSON escaping and
the evaluation values placed around a threshold; the layout of the per-day decision buckets."""

from __future__ import annotations

import random
import re
from typing import Any

from permittui.domain.rules.classify import compare
from permittui.store.generate.vocab import M64


def _mix(a: int, b: int, c: int) -> int:
    """A stable scramble of three small integers (Python's hash() of str is salted per process)."""
    h = (a * 0x9E3779B97F4A7C15 + b * 0xBF58476D1CE4E5B9 + c * 0x94D049BB133111EB) & M64
    h ^= h >> 31
    h = (h * 0xD6E8FEB86659FD93) & M64
    return h ^ (h >> 32)


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    """One pattern that matches wherever one of classify._phrase_pattern's patterns would."""
    parts = [r"\b" + r"[\s\-]+".join(re.escape(w) for w in p.lower().split()) + r"\b" for p in phrases if p.split()]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def _esc(json_text: str) -> str:
    """JSON text as it appears inside a JSON string (encode_basestring without the quotes), for
    text that json.dumps wrote: it has no raw control characters, only quotes and backslashes."""
    return json_text.replace("\\", "\\\\").replace('"', '\\"')


def _accumulate(values) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


def _value_near(rng: random.Random, threshold: Any, op: str, unit: str, mode: str) -> Any:
    """A result below, exactly at, or above a threshold, as the demo's evaluation files have them."""
    if isinstance(threshold, bool):
        return (not threshold) if mode == "below" else threshold
    if not isinstance(threshold, (int, float)):
        return threshold
    t = threshold
    if op in ("<", "<="):  # e.g. weight_security_level < 3: "above" means worse security
        if isinstance(t, int):
            return {"below": t + rng.randint(0, 2), "at": t, "above": max(1, t - 1)}[mode]
        return {"below": round(t * rng.uniform(1.1, 2), 2), "at": t, "above": round(t * rng.uniform(0.3, 0.9), 2)}[mode]
    if mode == "at":
        return t
    v = t * (rng.uniform(0.25, 0.9) if mode == "below" else rng.uniform(1.1, 2.4))
    if unit in ("count", "percentile", "TPP", "persons", "feeds"):
        v = int(round(v))
        if mode == "above" and not compare(v, op, t):
            v = int(t) + 1
        if mode == "below" and compare(v, op, t):
            v = int(t) - 1
        return min(v, 99) if unit == "percentile" else v  # a percentile ends at 100
    if abs(t) >= 1e6:
        v = float(f"{v:.2g}")
    elif unit == "fraction":
        v = round(min(v, 0.99), 3 if t < 0.05 else 2)
    else:
        v = round(v, 1)
    if mode == "above" and not compare(v, op, t):
        v = round(t * 1.5, 3)
    if mode == "below" and compare(v, op, t):
        v = round(t * 0.5, 3)
    return v


# Decisions wait in their day's bucket as tuples:
#   (kind, rid, outcome, reasons, conditions, note, officer, status_before, status_after, version,
#    inspector, referral_due, override, why (JSON), grant, link)
# kind 1 = a decision, 2 = a countersign; a registration is (0, rid). `grant` is what an approval
# writes to the allow-list, `link` carries the id of a decision to its countersign.
_REG, _DEC, _CS, _INTAKE = 0, 1, 2, 3
