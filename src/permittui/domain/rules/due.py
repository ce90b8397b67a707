"""The clock's core: due date = registration + strictest review window, pauses excluded."""

from __future__ import annotations

from permittui.domain.clock import add_days
from permittui.domain.rules.classify import Triggered

DEFAULT_WINDOW_DAYS = 30


def strictest_window(triggered: list[Triggered]) -> int:
    # Prohibited entries carry no review window (0): they are refused at once, not reviewed,
    # so they don't shorten the clock of the rest of the request.
    windows = [t.review_window_days for t in triggered if t.review_window_days > 0]
    return min(windows) if windows else DEFAULT_WINDOW_DAYS


def due_date(registered: str, triggered: list[Triggered], paused_days: int) -> str:
    return add_days(registered, strictest_window(triggered) + paused_days)
