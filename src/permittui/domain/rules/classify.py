"""Which schedule entries a request triggers, and which red lines it touches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from permittui.domain.models import Evaluation, Request, ScheduleEntry


@dataclass(frozen=True)
class Triggered:
    code: str
    trigger: str
    reason: str
    review_window_days: int
    countersign: bool


@dataclass(frozen=True)
class MetricNote:
    """An evaluation that could not be compared: a unit mismatch or a value of the wrong type."""

    code: str
    metric: str
    problem: str


@dataclass(frozen=True)
class RedLine:
    code: str
    reason: str


_UNIT_ALIASES = {"flop": "operations", "flops": "operations", "ops": "operations", "operations": "operations",
                 "%": "percent", "pct": "percent", "fraction": "fraction", "ratio": "x", "x": "x",
                 "times": "x", "h": "hours", "hr": "hours", "hours": "hours"}


def _unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    u = unit.strip().lower()
    return _UNIT_ALIASES.get(u, u)


def compare(value: Any, operator: str, threshold: Any) -> bool | None:
    """True/False when comparable; None when the types don't allow a comparison."""
    if operator == "in":
        return value in threshold if isinstance(threshold, list) else None
    if isinstance(threshold, bool) or isinstance(value, bool):
        if not (isinstance(threshold, bool) and isinstance(value, bool)):
            return None
        if operator == "==":
            return value == threshold
        if operator == "!=":
            return value != threshold
        return None
    if isinstance(threshold, (int, float)) and isinstance(value, (int, float)):
        a, b = float(value), float(threshold)
    elif isinstance(threshold, str) and isinstance(value, str):
        a, b = value, threshold  # type: ignore[assignment]
        if operator not in ("==", "!="):
            return None
    else:
        return None
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "==": a == b, "!=": a != b}[operator]


def _fmt(v: Any) -> str:
    if isinstance(v, float) and (abs(v) >= 1e6 or (v and abs(v) < 1e-3)):
        return f"{v:.3g}"
    return str(v).lower() if isinstance(v, bool) else str(v)


def classify(request: Request, entries: dict[str, ScheduleEntry]) -> tuple[list[Triggered], list[MetricNote]]:
    """Entries requested, plus (for any request carrying evaluations) thresholds crossed."""
    triggered: dict[str, Triggered] = {}
    notes: list[MetricNote] = []
    for code in request.entries:
        entry = entries.get(code)
        if entry:
            triggered[code] = Triggered(code, entry.trigger, "requested", entry.review_window_days, entry.countersign)
    if request.evaluations:
        results: dict[str, Evaluation] = {e.metric: e for e in request.evaluations}
        for entry in entries.values():
            t = entry.threshold
            if t is None or t.metric == "end_use_category":
                continue
            result = results.get(t.metric)
            if result is None:
                if request.kind == "release" and entry.code in request.entries:
                    notes.append(MetricNote(entry.code, t.metric, "no evaluation result for this metric"))
                continue
            if result.unit is not None and _unit(result.unit) != _unit(t.unit):
                notes.append(MetricNote(entry.code, t.metric,
                                        f"reported in {result.unit!r}, threshold is in {t.unit!r}: not compared"))
                continue
            crossed = compare(result.value, t.operator, t.value)
            if crossed is None:
                notes.append(MetricNote(entry.code, t.metric,
                                        f"value {_fmt(result.value)!r} can't be compared with {t.operator} {_fmt(t.value)}"))
            elif crossed:
                reason = f"{t.metric} = {_fmt(result.value)} {t.operator} {_fmt(t.value)} {t.unit}"
                prev = triggered.get(entry.code)
                if prev is None or prev.reason == "requested":
                    triggered[entry.code] = Triggered(entry.code, entry.trigger, reason,
                                                      entry.review_window_days, entry.countersign)
    return sorted(triggered.values(), key=lambda t: t.code), notes


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.lower().split()]
    return re.compile(r"\b" + r"[\s\-]+".join(words) + r"\b")


def red_lines(request: Request, entries: dict[str, ScheduleEntry], triggered: list[Triggered]) -> list[RedLine]:
    """Prohibited entries touched, and end uses that match a red line's phrases."""
    hits: dict[str, RedLine] = {}
    for t in triggered:
        if t.trigger == "prohibited":
            hits[t.code] = RedLine(t.code, f"prohibited entry {t.reason}")
    text = f"{request.end_use}\n{request.summary}".lower()
    for entry in entries.values():
        if entry.code in hits:
            continue
        for phrase in entry.red_line_phrases:
            if _phrase_pattern(phrase).search(text):
                hits[entry.code] = RedLine(entry.code, f"declared end use matches the red line phrase {phrase!r}")
                break
    return sorted(hits.values(), key=lambda r: r.code)
