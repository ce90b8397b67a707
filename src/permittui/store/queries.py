"""Reads for the command line and the console. Each reads a bounded number of rows."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from permittui.domain.models import Customer, Request, ScheduleEntry
from permittui.errors import Refused
from permittui.store.db import Store
from permittui.store.rows import customer_from_row, request_from_row


def _one(store: Store, sql: str, args: tuple[Any, ...]) -> sqlite3.Row | None:
    with store.lock:
        cur = store.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, args).fetchone()


def _all(store: Store, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    with store.lock:
        cur = store.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, args).fetchall()


def request_row(store: Store, request_id: str) -> sqlite3.Row:
    row = _one(store, "SELECT * FROM requests WHERE id = ?", (request_id,))
    if row is None:
        raise Refused(f"no request {request_id!r}")
    return row


def get_request(store: Store, request_id: str) -> Request:
    return request_from_row(request_row(store, request_id))


def get_customer(store: Store, customer_id: str) -> Customer | None:
    row = _one(store, "SELECT * FROM customers WHERE id = ?", (customer_id,))
    return customer_from_row(row) if row else None


def schedule_entries(store: Store) -> dict[str, ScheduleEntry]:
    from permittui.store.derive import load_entries

    with store.lock:
        return load_entries(store.conn)


def schedule_version(store: Store) -> str | None:
    return store.meta("schedule_version")


def decisions_for(store: Store, request_id: str) -> list[dict[str, Any]]:
    rows = _all(store, "SELECT * FROM decisions WHERE request_id = ? ORDER BY id", (request_id,))
    out = []
    for r in rows:
        d = dict(r)
        d["reasons"], d["conditions"] = json.loads(d["reasons"]), json.loads(d["conditions"])
        out.append(d)
    return out


def events_for(store: Store, request_id: str) -> list[dict[str, Any]]:
    rows = _all(store, "SELECT at, event, detail FROM request_events WHERE request_id = ? ORDER BY id", (request_id,))
    return [{"at": r["at"], "event": r["event"], **json.loads(r["detail"])} for r in rows]


def counts_by_status(store: Store) -> dict[str, int]:
    return {r[0]: r[1] for r in _all(store, "SELECT status, COUNT(*) FROM requests GROUP BY status")}
