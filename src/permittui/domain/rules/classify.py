"""Which schedule entries a request triggers, and which red lines it touches."""

from __future__ import annotations

import functools
import math
import operator as op
import re
from typing import Any

from permittui.domain.models import Evaluation, Record, Request, ScheduleEntry
from permittui.domain.screening_names import fold

END_USE_METRIC = "end_use_category"  # a declared category, not a measurement: never "missing"


class Triggered(Record):
    code: str
    trigger: str
    reason: str
    review_window_days: int
    countersign: bool

    def __init__(self, code: str, trigger: str, reason: str, review_window_days: int, countersign: bool) -> None:
        self._init(locals())


class MetricNote(Record):
    """An evaluation that could not be compared: a unit mismatch or a value of the wrong type."""

    code: str
    metric: str
    problem: str

    def __init__(self, code: str, metric: str, problem: str) -> None:
        self._init(locals())


class RedLine(Record):
    code: str
    reason: str

    def __init__(self, code: str, reason: str) -> None:
        self._init(locals())


_UNIT_ALIASES = {
    "flop": "operations",
    "flops": "operations",
    "ops": "operations",
    "operations": "operations",
    "%": "percent",
    "pct": "percent",
    "fraction": "fraction",
    "ratio": "x",
    "x": "x",
    "times": "x",
    "h": "hours",
    "hr": "hours",
    "hours": "hours",
}


_OPS = {">": op.gt, ">=": op.ge, "<": op.lt, "<=": op.le, "==": op.eq, "!=": op.ne}


def _unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    u = unit.strip().lower()
    return _UNIT_ALIASES.get(u, u)


def compare(value: Any, operator: str, threshold: Any) -> bool | None:
    """True/False when comparable; None when the types don't allow a comparison."""
    if isinstance(value, float) and math.isnan(value):
        return None  # "NaN" crosses no threshold and is below none: not compared
    if operator == "in":
        if not isinstance(threshold, (list, tuple)) or isinstance(value, (list, dict)):
            return None
        return value in threshold
    if operator not in _OPS:
        return None
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
    return _OPS[operator](a, b)


def _fmt(v: Any) -> str:
    if isinstance(v, float) and (abs(v) >= 1e6 or (v and abs(v) < 1e-3)):
        return f"{v:.3g}"
    return str(v).lower() if isinstance(v, bool) else str(v)


def classify(request: Request, entries: dict[str, ScheduleEntry]) -> tuple[list[Triggered], list[MetricNote]]:
    """Entries requested, plus (for any request carrying evaluations) thresholds crossed.

    What can't be compared is a note, never an exception: a requested code not on the schedule, a
    result in another unit, a value of the wrong type, an evaluation no entry measures, and (for a
    release) thresholds with no result at all.
    """
    triggered: dict[str, Triggered] = {}
    notes: list[MetricNote] = []
    for code in request.entries:
        entry = entries.get(code)
        if entry:
            triggered[code] = Triggered(code, entry.trigger, "requested", entry.review_window_days, entry.countersign)
        else:
            notes.append(MetricNote(code, "", "requested entry is not on the schedule in force"))
    results: dict[str, Evaluation] = {e.metric: e for e in request.evaluations}
    measured: set[str] = set()
    not_evaluated: list[str] = []
    for entry in entries.values():
        t = entry.threshold
        if t is None:
            continue
        measured.add(t.metric)
        result = results.get(t.metric)
        if result is None:
            if request.kind == "release" and t.metric != END_USE_METRIC:
                if entry.code in request.entries:
                    notes.append(MetricNote(entry.code, t.metric, "no evaluation result for this metric"))
                else:
                    not_evaluated.append(entry.code)
            continue
        if result.unit is not None and _unit(result.unit) != _unit(t.unit):
            notes.append(
                MetricNote(
                    entry.code, t.metric, f"reported in {result.unit!r}, threshold is in {t.unit!r}: not compared"
                )
            )
            continue
        crossed = compare(result.value, t.operator, t.value)
        if crossed is None:
            notes.append(
                MetricNote(
                    entry.code,
                    t.metric,
                    f"value {_fmt(result.value)!r} can't be compared with {t.operator} {_fmt(t.value)}",
                )
            )
        elif crossed:
            reason = f"{t.metric} = {_fmt(result.value)} {t.operator} {_fmt(t.value)} {t.unit}"
            prev = triggered.get(entry.code)
            if prev is None or prev.reason == "requested":
                triggered[entry.code] = Triggered(
                    entry.code, entry.trigger, reason, entry.review_window_days, entry.countersign
                )
    for metric in results:
        if metric not in measured:
            notes.append(MetricNote("", metric, "no schedule entry measures this metric: not compared"))
    if request.kind == "release" and not request.evaluations:
        notes.append(MetricNote("", "", "a release request with no evaluation results: no threshold compared"))
    elif not_evaluated:
        notes.append(
            MetricNote(
                "",
                "",
                f"no result reported for the thresholds of {len(not_evaluated)} other"
                f" entries: {', '.join(sorted(not_evaluated))}",
            )
        )
    return sorted(triggered.values(), key=lambda t: t.code), notes


_WORD = re.compile(r"[^\W_]+")  # letters and digits, any script
_HIDDEN = "[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"  # beyond ASCII


@functools.lru_cache(maxsize=1024)
def _phrase(phrase: str) -> str:
    return _words(phrase)


def _words(text: str, hidden: str = "") -> str:
    """Text as " word word ... ": folded (case, diacritics, Cyrillic look-alikes), with hyphens,
    punctuation and line breaks as spaces, so "Lethal-Autonomous" and "lethal\nautonomous" both
    read " lethal autonomous ". Invisible characters become `hidden`."""
    if not text.isascii():  # compiled (re's cache) only for text that may hide something
        text = re.sub(_HIDDEN, hidden, text)
    return " " + " ".join(_WORD.findall(fold(text))) + " "


def red_lines(request: Request, entries: dict[str, ScheduleEntry], triggered: list[Triggered]) -> list[RedLine]:
    """Prohibited entries touched, and end uses that match a red line's phrases (from the schedule)."""
    hits: dict[str, RedLine] = {}
    for t in triggered:
        if t.trigger == "prohibited":
            hits[t.code] = RedLine(t.code, f"prohibited entry {t.reason}")
    raw = f"{request.end_use}\n{request.summary}"
    # An invisible character may hide inside a word ("le\u00adthal") or stand for a space between
    # two ("lethal\u200bautonomous"): read the text both ways.
    texts = {_words(raw, ""), _words(raw, " ")}
    for entry in entries.values():
        if entry.code in hits:
            continue
        for phrase in entry.red_line_phrases:
            words = _phrase(phrase)
            if words.strip() and any(words in text for text in texts):
                hits[entry.code] = RedLine(entry.code, f"declared end use matches the red line phrase {phrase!r}")
                break
    return sorted(hits.values(), key=lambda r: r.code)
