"""Reading a schedule file, and the end-use vocabulary, into models: every problem as
FILE:LINE: field: message, nothing half-read.

A schedule defines each metric once (`metrics:`, a list of name, type, unit, min, max, integer,
values); every threshold must fit its metric. A schedule without a `metrics:` list (an older
file) has its metrics implied by its thresholds, and two thresholds that imply different
metrics of one name are refused. The core red lines (domain.core_red_lines) must be carried,
prohibited, with their phrases, or the schedule is refused.
"""

from __future__ import annotations

import math
import re

from permittui.domain import core_red_lines, metrics
from permittui.domain import models as m
from permittui.domain.metrics import END_USE_METRIC
from permittui.domain.validate import _MISSING, Fields, _duplicates, _kind
from permittui.errors import Problem
from permittui.formats.records import Document, Record

_CODE_RE = re.compile(r"^AI\.[A-Z]\.\d+\.[a-z]+$")

_ENTRY_FIELDS = {
    "code",
    "category",
    "title",
    "description",
    "threshold",
    "trigger",
    "review_window_days",
    "allow_list_cap",
    "countersign",
    "validity_days",
    "red_line_phrases",
    "red_line",
    "source",
    # carried in the draft schedule for people; kept in the file, not used by the rules
    "related_controls",
    "notification_deadline_days",
    "notes",
    "decontrol_note",
}
_METRIC_FIELDS = {"name", "type", "unit", "min", "max", "integer", "values", "description"}


def schedule(
    doc: Document, metrics_doc: Document | None = None, categories: tuple[str, ...] = ()
) -> tuple[m.Schedule | None, list[Problem]]:
    """The schedule in `doc` (its `entries:`), with the metrics of `metrics_doc` (the same file read
    for its `metrics:` list, or None), checked against the end-use vocabulary `categories`."""
    problems: list[Problem] = []
    head = doc.header.get("schedule")
    head_line = doc.header_lines.get("schedule", 1)
    if not isinstance(head, dict):
        problems.append(
            Problem(doc.path, head_line, "schedule", "missing: a 'schedule:' mapping with id, version, status")
        )
        head = {}
    hf = Fields(doc.path, Record(head, head_line, {}), problems)
    sid = hf.text("id")
    version = hf.text("version", limit=64)
    status = hf.choice("status", m.SCHEDULE_STATUSES, default="draft")
    effective = hf.date("effective_from", required=False)
    notes = hf.texts("notes")
    defined = _metrics(metrics_doc, categories, problems) if metrics_doc is not None else None

    entries: list[m.ScheduleEntry] = []
    implied: dict[str, tuple[m.Metric, int]] = {}
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown(_ENTRY_FIELDS)
        code = f.text("code", limit=32)
        if code and not _CODE_RE.match(code):
            f.bad("code", f"{code!r} is not a schedule code like AI.C.1.a")
        trigger = f.choice("trigger", m.TRIGGERS)
        threshold = _threshold(f)
        if threshold is not None:
            threshold = _with_definition(f, threshold, defined, implied, categories)
        entries.append(
            m.ScheduleEntry(
                code=code,
                category=f.choice("category", m.CATEGORIES),
                title=f.text("title", limit=300),
                description=f.text("description", required=False),
                threshold=threshold,
                trigger=trigger,
                review_window_days=f.integer(
                    "review_window_days", required=False, default=0 if trigger == "prohibited" else 30
                )
                or 0,
                allow_list_cap=f.integer("allow_list_cap", required=False, minimum=1),
                countersign=f.boolean("countersign", default=trigger == "prohibited"),
                validity_days=f.integer("validity_days", required=False, default=m.DEFAULT_VALIDITY_DAYS, minimum=1)
                or m.DEFAULT_VALIDITY_DAYS,
                red_line_phrases=f.texts("red_line_phrases"),
                source=f.text("source", required=False),
                red_line=f.text("red_line", required=False, limit=64) or None,
            )
        )
    _duplicates(doc, "code", [(e.code, r) for e, r in zip(entries, doc.records, strict=True)], problems)
    if not entries:
        problems.append(Problem(doc.path, None, "entries", "the schedule has no entries"))
    lines = {e.code: r.line_of("red_line") for e, r in zip(entries, doc.records, strict=True)}
    for code, message in core_red_lines.schedule_problems(entries, phrase_key):
        problems.append(
            Problem(doc.path, lines.get(code) if code else None, "red_line" if code else "entries", message)
        )
    if problems:
        return None, problems
    used = {e.threshold.definition for e in entries if e.threshold is not None and e.threshold.definition}
    kept = tuple(sorted(used, key=lambda d: d.name)) if defined is None else tuple(defined.values())
    return m.Schedule(sid, version, status, effective, notes, tuple(entries), kept), problems


def phrase_key(phrase: str) -> str:
    """A red-line phrase as the rules compare it (one home: the match form's words)."""
    from permittui.domain.rules.classify import _phrase

    return _phrase(phrase).strip()


def _threshold(f: Fields) -> m.Threshold | None:
    raw = f.raw("threshold", False)
    if raw is _MISSING:
        return None
    if not isinstance(raw, dict):
        f.bad("threshold", "expected a mapping with metric, operator, value, unit")
        return None
    missing = [k for k in ("metric", "operator", "value", "unit") if raw.get(k) is None]
    if missing:
        f.bad("threshold", f"missing {', '.join(missing)}")
        return None
    if raw["operator"] not in m.OPERATORS:
        f.bad("threshold", f"operator {raw['operator']!r} is not one of {' '.join(m.OPERATORS)}")
        return None
    value = raw["value"]
    if raw["operator"] in ("<", "<=", ">", ">=") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        hint = " (YAML reads 1.0e26 as text: write 1.0e+26)" if isinstance(value, str) else ""
        f.bad("threshold", f"operator {raw['operator']!r} needs a number, got {_kind(value)} {value!r}{hint}")
        return None
    if raw["operator"] == "in" and not isinstance(value, list):
        f.bad("threshold", "operator 'in' needs a list value")
        return None
    if raw["operator"] == "in":
        value = [metrics.category_key(v) if isinstance(v, str) else v for v in value]
    return m.Threshold(str(raw["metric"]), raw["operator"], value, str(raw["unit"]))


def _with_definition(
    f: Fields,
    threshold: m.Threshold,
    defined: dict[str, m.Metric] | None,
    implied: dict[str, tuple[m.Metric, int]],
    categories: tuple[str, ...],
) -> m.Threshold | None:
    """The threshold with its metric's definition attached, or None (and a problem) when it does not fit."""
    name = threshold.metric
    if defined is not None:
        metric = defined.get(name)
        if metric is None:
            f.bad("threshold", f"metric {name!r} is not defined under metrics:")
            return None
    else:
        metric = metrics.infer(threshold)
        if name == END_USE_METRIC:
            metric = m.Metric(name, "category", metric.unit, values=categories)
        seen = implied.get(name)
        if seen is not None and (seen[0].type, metrics.unit_key(seen[0].unit)) != (
            metric.type,
            metrics.unit_key(metric.unit),
        ):
            f.bad(
                "threshold",
                f"metric {name!r} is {metric.type} in {metric.unit!r} here but {seen[0].type} in"
                f" {seen[0].unit!r} on line {seen[1]}: define it once under metrics:",
            )
            return None
        implied.setdefault(name, (metric, f.rec.line_of("threshold")))
    problem = metrics.check_threshold(metric, threshold)
    if problem:
        f.bad("threshold", problem)
        return None
    return m.Threshold(name, threshold.operator, threshold.value, threshold.unit, metric)


def _number(f: Fields, key: str) -> float | None:
    value = f.raw(key, False)
    if value is _MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        f.bad(key, f"expected a number, got {_kind(value)}")
        return None
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        f.bad(key, "must be a finite number")
        return None
    return number


def _metrics(doc: Document, categories: tuple[str, ...], problems: list[Problem]) -> dict[str, m.Metric]:
    out: dict[str, m.Metric] = {}
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown(_METRIC_FIELDS)
        name = f.text("name", limit=128)
        kind = f.choice("type", metrics.TYPES)
        unit = f.text("unit", limit=64)
        low, high = _number(f, "min"), _number(f, "max")
        natural_low, natural_high = metrics.natural_range(unit) if kind == "number" else (None, None)
        low = natural_low if low is None else low
        high = natural_high if high is None else high
        if low is not None and high is not None and low > high:
            f.bad("max", f"max {high} is below min {low}")
        values = tuple(metrics.category_key(v) for v in f.texts("values"))
        if name == END_USE_METRIC:
            if kind != "category":
                f.bad("type", f"{END_USE_METRIC} is the declared end-use category: type category")
            values = values or categories
            unknown = [v for v in values if categories and v not in categories]
            if unknown:
                f.bad("values", f"not in the end-use vocabulary: {', '.join(unknown)}")
        if kind != "category" and values:
            f.bad("values", "only a category metric lists values")
        if name in out:
            f.bad("name", f"metric {name!r} is defined twice")
        out[name] = m.Metric(name, kind, unit, low, high, f.boolean("integer"), values)
    return out


# ── the end-use vocabulary ──────────────────────────────────────────────────────────────


def end_uses(doc: Document) -> tuple[list[m.EndUse], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"code", "label", "description", "red_line"})
        raw = f.text("code", limit=64)
        code = metrics.category_key(raw) if raw else ""
        if raw and not re.fullmatch(r"[a-z0-9_]+", code):
            f.bad("code", f"{raw!r} is not a category code (letters, digits and _)")
        red = f.text("red_line", required=False, limit=64) or None
        if red is not None and red not in core_red_lines.BY_ID:
            f.bad("red_line", f"{red!r} is not a core red line ({', '.join(core_red_lines.BY_ID)})")
        core = core_red_lines.CATEGORY_LINE.get(code)
        if core is not None and red != core.id:
            f.bad("red_line", f"{code} is the core red line {core.id}: it must stay marked red_line: {core.id}")
        out.append(m.EndUse(code, f.text("label", limit=300), f.text("description", required=False), red))
    _duplicates(doc, "code", [(e.code, r) for e, r in zip(out, doc.records, strict=True)], problems)
    present = {e.code for e in out}
    for code, line in sorted(core_red_lines.CATEGORY_LINE.items()):
        if code not in present:
            problems.append(
                Problem(doc.path, None, "end_uses", f"the core red-line category {code} ({line.title}) is missing")
            )
    return out, problems
