"""Metrics, defined once by the schedule: what an evaluation value must be, and how one is read.

A metric has a type (number, boolean, category), a unit and, for numbers, an allowed range. An
evaluation is read against its metric exactly one way, at import and again at decision time:
a value is accepted only where that is unambiguous (95 percent is 0.95 of a fraction, and says
so), and anything else — a string for a number or a boolean, 1 for true, an unknown unit, a
non-finite or out-of-range number — is a ValueProblem: refused at import, and blocking approval
when met in a row imported before metrics were typed. A rule that cannot compare must not pass.
"""

from __future__ import annotations

import math
from typing import Any

from permittui.domain.models import Metric, Threshold

TYPES = ("number", "boolean", "category")
END_USE_METRIC = "end_use_category"  # the category a request declares (Request.end_use_category), not a measurement

# Written units, by their key (see unit_key), to the unit they name. A unit not here is its own
# name: "TPP", "feeds", "level_1_to_5" are the schedule's to define. Left out on purpose:
# "ratio" (a fraction or a multiple?) and bare "d"/"m" — ambiguous units are not guessed.
_ALIASES = {
    "%": "percent",
    "pct": "percent",
    "per_cent": "percent",
    "percentage": "percent",
    "flop": "flop",
    "flops": "flop",
    "operations": "flop",
    "ops": "flop",
    "x": "x",
    "times": "x",
    "×": "x",
    "fold": "x",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "day": "days",
    "bool": "boolean",
    "enum": "category",
    "proportion": "fraction",
    "pctile": "percentile",
    "person": "persons",
    "people": "persons",
    "feed": "feeds",
}

# Conversions that are exact and unambiguous: (from, to) -> factor.
_FACTORS = {
    ("percent", "fraction"): 0.01,
    ("fraction", "percent"): 100.0,
    ("minutes", "hours"): 1 / 60,
    ("hours", "minutes"): 60.0,
    ("days", "hours"): 24.0,
    ("hours", "days"): 1 / 24,
}

# The natural range of a unit, where the unit itself implies one.
_UNIT_RANGE = {"fraction": (0.0, 1.0), "percent": (0.0, 100.0), "percentile": (0.0, 100.0)}

# Beyond this a float stops being a measurement (and JSON stops being portable).
_LARGEST = 1e300


class ValueProblem(Exception):
    """An evaluation value that cannot be read against its metric; the message says why."""


def unit_key(unit: str | None) -> str | None:
    """A unit as compared: case-folded, spaces and hyphens as '_', aliases resolved."""
    if unit is None:
        return None
    key = "_".join(str(unit).strip().casefold().replace("-", " ").split())
    return _ALIASES.get(key, key)


def same_unit(a: str | None, b: str | None) -> bool:
    return unit_key(a) == unit_key(b)


def natural_range(unit: str) -> tuple[float | None, float | None]:
    return _UNIT_RANGE.get(unit_key(unit) or "", (None, None))


def infer(threshold: Threshold) -> Metric:
    """The metric a threshold implies, for a schedule that does not define its metrics: the
    operator and value say the type, the threshold's unit is the unit, the unit its range."""
    value = threshold.value
    if threshold.operator == "in" or isinstance(value, str):
        kind = "category"
    elif isinstance(value, bool):
        kind = "boolean"
    else:
        kind = "number"
    low, high = natural_range(threshold.unit) if kind == "number" else (None, None)
    return Metric(threshold.metric, kind, threshold.unit, low, high)


def definition(threshold: Threshold) -> Metric:
    return threshold.definition or infer(threshold)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"text {value!r}"
    return {list: "a list", dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.3g}"
    if isinstance(value, int) and abs(value) >= 10**7:
        return f"{float(value):.3g}"
    return str(value)


def read(metric: Metric, value: Any, unit: str | None) -> tuple[Any, str | None]:
    """The value in the metric's own unit, and what was reported when it was converted
    ("95 percent"), or ValueProblem. `unit` None means the metric's own unit."""
    given = unit_key(unit)
    own = unit_key(metric.unit)
    if metric.type == "boolean":
        if given is not None and given != own:
            raise ValueProblem(f"reported in {unit!r}; {metric.name} is true/false")
        if not isinstance(value, bool):
            raise ValueProblem(f"expected true or false, got {_kind(value)}")
        return value, None
    if metric.type == "category":
        if given is not None and given != own:
            raise ValueProblem(f"reported in {unit!r}; {metric.name} is a category")
        if not isinstance(value, str):
            raise ValueProblem(f"expected a category name, got {_kind(value)}")
        key = category_key(value)
        if metric.values and key not in metric.values:
            raise ValueProblem(f"{value!r} is not one of the categories of {metric.name}")
        return key, None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = " (YAML reads 1e309 or 1.0e26 as text: write 1.0e+26)" if isinstance(value, str) else ""
        raise ValueProblem(f"expected a number, got {_kind(value)}{hint}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueProblem("a number too large to be a measurement") from None
    if not math.isfinite(number) or abs(number) > _LARGEST:
        raise ValueProblem(f"{fmt(value)} is not a finite measurement")
    reported = None
    if given is not None and given != own:
        factor = _FACTORS.get((given, own))
        if factor is None:
            raise ValueProblem(
                f"reported in {unit!r}; {metric.name} is in {metric.unit!r} and {unit!r} can't be converted"
            )
        reported = f"{fmt(value)} {unit}"
        number = float(f"{number * factor:.12g}")  # 948 minutes is 15.8 hours, not 15.799999999999999
        value = number
    low = metric.minimum
    high = metric.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"{fmt(low) if low is not None else '…'} to {fmt(high) if high is not None else '…'} {metric.unit}"
        raise ValueProblem(f"{fmt(value)} is outside the range of {metric.name} ({span})")
    if metric.integer and number != int(number):
        raise ValueProblem(f"{fmt(value)} is not a whole number")
    if isinstance(value, int) and abs(value) > 2**53:
        value = number  # stored and compared as a float; exact integers past 2^53 are not measurements
    return value, reported


def category_key(value: str) -> str:
    """A category as compared: case-folded, trimmed, spaces and hyphens as '_'."""
    import unicodedata

    return "_".join(unicodedata.normalize("NFKC", value).casefold().replace("-", " ").replace("_", " ").split())


def check_threshold(metric: Metric, threshold: Threshold) -> str | None:
    """Why a schedule threshold doesn't fit its metric, or None."""
    op, value = threshold.operator, threshold.value
    if not same_unit(threshold.unit, metric.unit):
        return f"threshold unit {threshold.unit!r} differs from the metric's unit {metric.unit!r}"
    if metric.type == "number":
        if op == "in":
            return "operator 'in' needs a category metric"
        try:
            read(metric, value, None)
        except ValueProblem as e:
            return f"threshold value: {e}"
    elif metric.type == "boolean":
        if op not in ("==", "!="):
            return f"a true/false metric takes == or !=, not {op!r}"
        if not isinstance(value, bool):
            return f"threshold value: expected true or false, got {_kind(value)}"
    else:
        if op not in ("in", "==", "!="):
            return f"a category metric takes in, == or !=, not {op!r}"
        items = value if isinstance(value, list) else [value]
        for item in items:
            try:
                read(metric, item, None)
            except ValueProblem as e:
                return f"threshold value: {e}"
    return None
