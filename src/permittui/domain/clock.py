"""Today's date and the time now, overridable for tests and the demo (PERMITTUI_TODAY)."""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    fixed = os.environ.get("PERMITTUI_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    return dt.date.today()


def now_iso() -> str:
    """The time now, UTC; on the fixed day when PERMITTUI_TODAY is set, so timestamps and dates agree."""
    now = dt.datetime.now(dt.timezone.utc)
    fixed = os.environ.get("PERMITTUI_TODAY")
    if fixed:
        now = dt.datetime.combine(dt.date.fromisoformat(fixed), now.timetz())
    return now.isoformat(timespec="microseconds").replace("+00:00", "Z")


def add_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def days_between(start: str, end: str) -> int:
    return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
