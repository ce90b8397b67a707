"""The two things the queue shows without reading findings: due date and flags."""

from __future__ import annotations

from collections.abc import Container

from permittui.domain import flags as f
from permittui.domain.models import Request, ScheduleEntry
from permittui.domain.rules.classify import Assessment, assess
from permittui.domain.rules.due import due_date


def queue_state(
    request: Request,
    entries: dict[str, ScheduleEntry],
    *,
    vetting: str,
    paused_days: int,
    screening_open: bool = False,
    caps_full: Container[str] = frozenset(),
    expired_grant: bool = False,
    assessment: Assessment | None = None,
) -> tuple[str, int]:
    """`assessment`: the request's, under `entries`, when the caller has it already."""
    triggered, notes, reds, unplain = assessment or assess(request, entries)
    bits = 0
    if any(n.blocking for n in notes) or unplain:
        bits |= f.UNREADABLE
    if reds:
        bits |= f.RED_LINE
    if screening_open:
        bits |= f.SCREENING
    if any(t.code in caps_full for t in triggered):
        bits |= f.CAP
    if any(t.countersign for t in triggered):
        bits |= f.COUNTERSIGN
    if vetting == "suspended":
        bits |= f.SUSPENDED_CUSTOMER
    if expired_grant:
        bits |= f.EXPIRED_GRANT
    return due_date(request.registered_on, triggered, paused_days), bits
