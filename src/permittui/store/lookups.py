"""Small reads for the console: the schedule overview, reason codes and conditions for the
decision dialog, look-ups for the palette, and a second read-only connection for background work."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from permittui.domain.clock import today as _today
from permittui.domain.models import OPEN_STATUSES
from permittui.store.db import Store
from permittui.store.derive import cap_used

# ── small lists: schedule overview, reasons, conditions, look-ups ───────────────────────────


@dataclass(frozen=True)
class EntryOverview:
    code: str
    category: str
    title: str
    threshold: str
    trigger: str
    review_window_days: int
    countersign: bool
    cap: int | None
    used: int
    grants: int
    open_requests: int

    @property
    def key(self) -> str:  # the console's list pages by it
        return self.code


def schedule_overview(store: Store, today: dt.date | None = None) -> list[EntryOverview]:
    """Every entry with its open requests and grants. Reads the request_entries of open requests
    once (a grouped index walk): call it when the Schedule pane opens or the data changed."""
    day = (today or _today()).isoformat()
    marks = ",".join("?" * len(OPEN_STATUSES))
    with store.lock:
        conn = store.conn
        entries = conn.execute(
            "SELECT code, category, title, metric, operator, value, unit, trigger,"
            " review_window_days, countersign, allow_list_cap FROM schedule_entries"
            " ORDER BY category, code"
        ).fetchall()
        open_by_code = dict(
            conn.execute(
                f"SELECT e.code, COUNT(*) FROM request_entries e JOIN requests r ON r.id = e.request_id"
                f" WHERE r.status IN ({marks}) GROUP BY e.code",
                OPEN_STATUSES,
            ).fetchall()
        )
        grants_by_code = dict(
            conn.execute(
                "SELECT code, COUNT(*) FROM grants WHERE status = 'active' AND expires >= ? GROUP BY code", (day,)
            ).fetchall()
        )
        out = []
        for code, cat, title, metric, op, value, unit, trig, window, cs, cap in entries:
            threshold = f"{metric} {op} {json.loads(value) if value else ''} {unit or ''}".strip() if metric else "—"
            out.append(
                EntryOverview(
                    code,
                    cat,
                    title,
                    threshold,
                    trig,
                    window,
                    bool(cs),
                    cap,
                    cap_used(conn, code, day) if cap is not None else grants_by_code.get(code, 0),
                    grants_by_code.get(code, 0),
                    open_by_code.get(code, 0),
                )
            )
    return out


def customer_ids(store: Store, needle: str, exact_id: bool) -> list[str]:
    """Customers whose id (exactly, or containing the needle) or name contains it: a scan of the
    customers table, which is small beside requests; the queue then tests a set membership."""
    with store.lock:
        rows = store.conn.execute(
            "SELECT id FROM customers WHERE lower(id) = ? OR instr(name_key, ?) > 0"
            + ("" if exact_id else " OR instr(lower(id), ?) > 0"),
            (needle, needle) if exact_id else (needle, needle, needle),
        ).fetchall()
    return [r[0] for r in rows]


def codes_under(store: Store, prefixes: tuple[str, ...]) -> list[str]:
    """The schedule's codes under each prefix, and each value itself (an unlisted code)."""
    out: set[str] = set(prefixes)
    with store.lock:
        for v in prefixes:
            out.update(
                r[0]
                for r in store.conn.execute(
                    "SELECT code FROM schedule_entries WHERE code >= ? AND code < ?", (v, v + "\uffff")
                )
            )
    return sorted(out)


def reasons_for(store: Store, outcome: str) -> list[tuple[str, str]]:
    """Reason codes that fit an outcome (an empty applies_to fits every outcome)."""
    with store.lock:
        rows = store.conn.execute("SELECT code, label, applies_to FROM reasons ORDER BY rowid").fetchall()
    return [
        (c, label) for c, label, applies in rows if not json.loads(applies or "[]") or outcome in json.loads(applies)
    ]


def canned_conditions(store: Store) -> list[tuple[str, str]]:
    with store.lock:
        return [tuple(r) for r in store.conn.execute("SELECT code, text FROM conditions ORDER BY rowid")]


def recent_inspectors(store: Store, limit: int = 9) -> list[str]:
    with store.lock:
        rows = store.conn.execute(
            "SELECT inspector FROM decisions WHERE inspector IS NOT NULL ORDER BY id DESC LIMIT 500"
        ).fetchall()
    return list(dict.fromkeys(r[0] for r in rows if r[0]))[:limit]


def find_requests(store: Store, text: str, limit: int = 10) -> list[tuple[str, str, str]]:
    """Requests whose id starts with `text` (an index range): (id, status, customer name)."""
    t = text.strip()
    if not t:
        return []
    with store.lock:
        return [
            tuple(r)
            for r in store.conn.execute(
                "SELECT r.id, r.status, c.name FROM requests r JOIN customers c ON c.id = r.customer_id"
                " WHERE r.id >= ? AND r.id < ? ORDER BY r.id LIMIT ?",
                (t, t + "\uffff", limit),
            )
        ]


def find_customers(store: Store, text: str, limit: int = 10) -> list[tuple[str, str]]:
    """Customers whose id or name starts with `text` (index ranges): (id, name)."""
    t = text.strip()
    if not t:
        return []
    key = t.casefold()
    with store.lock:
        by_name = store.conn.execute(
            "SELECT id, name FROM customers WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?",
            (key, key + "\uffff", limit),
        ).fetchall()
        by_id = store.conn.execute(
            "SELECT id, name FROM customers WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", (t, t + "\uffff", limit)
        ).fetchall()
    return list(dict.fromkeys(tuple(r) for r in [*by_id, *by_name]))[:limit]


def reader(store: Store) -> sqlite3.Connection:
    """A second, read-only connection for background work (audit verify) that must not hold
    the console's lock for long. WAL lets it read while the console writes."""
    return sqlite3.connect(f"file:{store.path.resolve()}?mode=ro", uri=True, check_same_thread=False)
