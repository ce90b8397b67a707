"""The explained clock: registered on, paused from/to, due on, days left or overdue by."""

from __future__ import annotations

from typing import Any

from permittui.domain.clock import add_days, days_between
from permittui.domain.models import CLOSED_STATUSES, MutableRecord
from permittui.domain.rules.classify import Triggered
from permittui.domain.rules.due import strictest_window


class Clock(MutableRecord):
    registered: str
    window_days: int
    window_from: str
    paused_days: int
    pauses: list[tuple[str, str | None]]  # (from, to or None if ongoing)
    due: str
    days_left: int
    referral_due: str | None
    stopped: bool
    stopped_on: str | None
    referral_days_left: int | None

    def __init__(
        self,
        registered: str,
        window_days: int,
        window_from: str,
        paused_days: int,
        pauses: list[tuple[str, str | None]] | None = None,
        due: str = "",
        days_left: int = 0,
        referral_due: str | None = None,
        stopped: bool = False,
        stopped_on: str | None = None,
        referral_days_left: int | None = None,
    ) -> None:
        pauses = [] if pauses is None else pauses  # a new list each, as field(default_factory=list) gave
        self._init(locals())

    def explain(self) -> str:
        parts = [f"registered {self.registered}", f"{self.window_days}-day window ({self.window_from})"]
        for start, end in self.pauses:
            parts.append(f"paused {start} to {end}" if end else f"paused since {start} (information requested)")
        if self.paused_days:
            parts.append(f"{self.paused_days} paused day{'s' if self.paused_days != 1 else ''} not counted")
        parts.append(f"due {self.due}")
        if self.stopped:
            on = f" on {self.stopped_on}" if self.stopped_on else ""
            late = (
                f", {-self.days_left} day{'s' if self.days_left != -1 else ''} late"
                if self.days_left < 0
                else " in time"
            )
            parts.append(f"decided{on}{late}: the clock has stopped")
        elif self.days_left < 0:
            parts.append(f"OVERDUE by {-self.days_left} day{'s' if self.days_left != -1 else ''}")
        else:
            parts.append(f"{self.days_left} day{'s' if self.days_left != 1 else ''} left")
        if self.referral_due:
            late = f", OVERDUE by {-self.referral_days_left}" if (self.referral_days_left or 0) < 0 else ""
            parts.append(f"referred: the inspector's advice is due {self.referral_due}{late}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "registered": self.registered,
            "due": self.due,
            "days_left": self.days_left,
            "paused_days": self.paused_days,
            "window_days": self.window_days,
            "window_from": self.window_from,
            "pauses": [{"from": a, "to": b} for a, b in self.pauses],
            "referral_due": self.referral_due,
            "referral_days_left": self.referral_days_left,
            "stopped": self.stopped,
            "stopped_on": self.stopped_on,
            "explanation": self.explain(),
        }


def compute_clock(
    registered: str,
    triggered: list[Triggered],
    events: list[dict[str, Any]],
    today: str,
    status: str,
    referral_due: str | None = None,
) -> Clock:
    """Pauses come from the event log: a status of info_requested opens one, any other closes it.

    An open pause counts up to today (the due date moves while the applicant hasn't answered).
    A decided request's clock stopped on the day of its final decision: its days left (negative:
    late) are counted to that day, not to today.
    """
    window = strictest_window(triggered)
    strictest = [t.code for t in triggered if t.review_window_days == window]
    window_from = f"strictest of {', '.join(strictest)}" if strictest else "default review window"
    closed = status in CLOSED_STATUSES
    pauses: list[tuple[str, str | None]] = []
    open_from: str | None = None
    stopped_on: str | None = None
    for e in events:
        s, day = e.get("status"), (e.get("day") or e.get("registered") or e["at"][:10])
        if s == "info_requested" and open_from is None:
            open_from = day
        elif s is not None and s != "info_requested" and open_from is not None:
            pauses.append((open_from, day))
            open_from = None
        if s is not None:
            stopped_on = day if s in CLOSED_STATUSES else None
    end = (stopped_on or today) if closed else today
    if open_from is not None:
        pauses.append((open_from, None))
    paused = sum(max(0, days_between(a, b or end)) for a, b in pauses)
    due = add_days(registered, window + paused)
    referral = referral_due if status == "referred" else None
    return Clock(
        registered,
        window,
        window_from,
        paused,
        pauses,
        due,
        days_between(end, due),
        referral,
        closed,
        stopped_on if closed else None,
        days_between(today, referral) if referral else None,
    )
