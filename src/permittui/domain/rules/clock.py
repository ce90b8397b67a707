"""The explained clock: registered on, paused from/to, due on, days left or overdue by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from permittui.domain.clock import add_days, days_between
from permittui.domain.rules.classify import Triggered
from permittui.domain.rules.due import strictest_window


@dataclass
class Clock:
    registered: str
    window_days: int
    window_from: str
    paused_days: int
    pauses: list[tuple[str, str | None]] = field(default_factory=list)   # (from, to or None if ongoing)
    due: str = ""
    days_left: int = 0
    referral_due: str | None = None
    stopped: bool = False

    def explain(self) -> str:
        parts = [f"registered {self.registered}", f"{self.window_days}-day window ({self.window_from})"]
        for start, end in self.pauses:
            parts.append(f"paused {start} to {end or 'now'}")
        if self.paused_days:
            parts.append(f"{self.paused_days} paused day{'s' if self.paused_days != 1 else ''} not counted")
        parts.append(f"due {self.due}")
        if self.stopped:
            parts.append("decided: the clock has stopped")
        elif self.days_left < 0:
            parts.append(f"OVERDUE by {-self.days_left} day{'s' if self.days_left != -1 else ''}")
        else:
            parts.append(f"{self.days_left} day{'s' if self.days_left != 1 else ''} left")
        if self.referral_due:
            parts.append(f"inspector's advice due {self.referral_due}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"registered": self.registered, "due": self.due, "days_left": self.days_left,
                "paused_days": self.paused_days, "window_days": self.window_days,
                "pauses": [{"from": a, "to": b} for a, b in self.pauses], "referral_due": self.referral_due,
                "explanation": self.explain()}


def compute_clock(registered: str, triggered: list[Triggered], events: list[dict[str, Any]], today: str,
                  status: str, referral_due: str | None = None) -> Clock:
    """Pauses come from the event log: a status of info_requested opens one, any other closes it."""
    window = strictest_window(triggered)
    strictest = [t.code for t in triggered if t.review_window_days == window]
    window_from = f"strictest of {', '.join(strictest)}" if strictest else "default review window"
    pauses: list[tuple[str, str | None]] = []
    open_from: str | None = None
    for e in events:
        s, day = e.get("status"), (e.get("day") or e.get("registered") or e["at"][:10])
        if s == "info_requested" and open_from is None:
            open_from = day
        elif s is not None and s != "info_requested" and open_from is not None:
            pauses.append((open_from, day))
            open_from = None
    if open_from is not None:
        pauses.append((open_from, None))
    paused = sum(max(0, days_between(a, b or today)) for a, b in pauses)
    due = add_days(registered, window + paused)
    closed = status in ("approved", "approved_with_conditions", "denied", "returned")
    return Clock(registered, window, window_from, paused, pauses, due, days_between(today, due),
                 referral_due if status == "referred" else None, closed)
