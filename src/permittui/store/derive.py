"""Keep each open request's due date and flags current, so the queue never computes findings."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from permittui.domain.clock import today
from permittui.domain.models import Metric, ScheduleEntry
from permittui.store.rows import entry_from_row, metric_from_json, request_from_row

if TYPE_CHECKING:
    from permittui.domain.rules.classify import Assessment

_CHUNK = 500


_parsed: dict[str, dict[str, ScheduleEntry]] = {}


def load_entries(conn: sqlite3.Connection) -> dict[str, ScheduleEntry]:
    """The schedule in force, parsed once per revision (a trigger renews the token on any change)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schedule_revision'").fetchone()
    revision = row[0] if row else None
    if revision is not None and revision in _parsed:
        return _parsed[revision]
    defined = load_metrics(conn)
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    entries = {
        r["code"]: entry_from_row(r, defined) for r in cur.execute("SELECT * FROM schedule_entries ORDER BY code")
    }
    if revision is not None:
        _parsed.clear()  # one schedule at a time is plenty
        _parsed[revision] = entries
    return entries


def load_metrics(conn: sqlite3.Connection) -> dict[str, Metric]:
    """The metrics the schedule in force defines, by name."""
    row = conn.execute(
        "SELECT metrics FROM schedules WHERE version = (SELECT value FROM meta WHERE key = 'schedule_version')"
    ).fetchone()
    return {d["name"]: metric_from_json(d) for d in json.loads(row[0])} if row else {}


def refresh(
    conn: sqlite3.Connection, request_ids: Iterable[str] | None = None, known: dict[str, Assessment] | None = None
) -> int:
    """Recompute due and flags for the given requests (all open ones when None). In the caller's
    transaction. `known`: assessments the caller made under the schedule in force, by request id
    (a decision has just made one). Returns how many rows changed."""
    from permittui.domain.rules.queue_state import queue_state  # here: `show` needs only cap_used

    entries = load_entries(conn)
    today_iso = today().isoformat()
    caps_full = _FullCaps(conn, entries, today_iso)
    changed = 0
    if request_ids is None:
        id_lists: Iterable[list[str]] = _batches(
            r[0]
            for r in conn.execute(
                "SELECT id FROM requests WHERE status IN ('pending','info_requested','referred','awaiting_countersign')"
            ).fetchall()
        )
    else:
        id_lists = _batches(request_ids)
    conn.row_factory = sqlite3.Row
    try:
        for ids in id_lists:
            marks = ",".join("?" * len(ids))
            rows = conn.execute(
                f"SELECT r.*, c.vetting AS vetting,"
                f" EXISTS(SELECT 1 FROM screening_hits h WHERE h.customer_id = r.customer_id"
                f"        AND h.disposition IN ('open','escalated','confirmed')) AS screening_open"
                f" FROM requests r JOIN customers c ON c.id = r.customer_id WHERE r.id IN ({marks})",
                ids,
            ).fetchall()
            for row in rows:
                request = request_from_row(row)
                paused = row["paused_days"]
                expired = bool(
                    request.kind == "renewal"
                    and request.entries
                    and conn.execute(
                        "SELECT 1 FROM grants WHERE customer_id = ?"
                        f" AND code IN ({','.join('?' * len(request.entries))}) AND expires < ? LIMIT 1",
                        (request.customer_id, *request.entries, today_iso),
                    ).fetchone()
                )
                due, bits = queue_state(
                    request,
                    entries,
                    vetting=row["vetting"],
                    paused_days=paused,
                    screening_open=bool(row["screening_open"]),
                    caps_full=caps_full,
                    expired_grant=expired,
                    assessment=known.get(row["id"]) if known else None,
                )
                if due != row["due"] or bits != row["flags"]:
                    conn.execute("UPDATE requests SET due = ?, flags = ? WHERE id = ?", (due, bits, row["id"]))
                    changed += 1
    finally:
        conn.row_factory = None
    return changed


class _FullCaps:
    """`code in caps_full`: is the entry's allow-list cap reached? Counted when first asked, once:
    a decision refreshes one request, which asks about its own entries, not about every capped
    entry of the schedule (those counts were a third of a decision's work outside the sync)."""

    def __init__(self, conn: sqlite3.Connection, entries: dict[str, ScheduleEntry], today_iso: str) -> None:
        self.conn, self.entries, self.today_iso = conn, entries, today_iso
        self.known: dict[str, bool] = {}

    def __contains__(self, code: object) -> bool:
        if code not in self.known:
            e = self.entries.get(code)
            cap = None if e is None else e.allow_list_cap
            self.known[code] = cap is not None and cap_used(self.conn, code, self.today_iso) >= cap
        return self.known[code]


def cap_used(conn: sqlite3.Connection, code: str, today_iso: str) -> int:
    """Active, unexpired grants on an entry: an index range no longer than the cap itself."""
    return conn.execute(
        "SELECT COUNT(DISTINCT customer_id) FROM grants WHERE code = ? AND status = 'active' AND expires >= ?",
        (code, today_iso),
    ).fetchone()[0]


def _batches(ids: Iterable[str]) -> Iterable[list[str]]:
    batch: list[str] = []
    for i in ids:
        batch.append(i)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
