"""Exports, streamed row by row so a million requests never sit in memory.

CSV cells that a spreadsheet would run as a formula (starting = + - @, or a tab/CR) are
prefixed with an apostrophe: the text came from applicants.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from permittui.store.db import Store

QUERIES = {
    "requests": "SELECT id, kind, customer_id, entries, end_use, model, evaluations, summary, submitted, registered,"
    " status, assignee, priority, version, due, flags, paused_days FROM requests ORDER BY due, id",
    "decisions": "SELECT id, request_id, outcome, reasons, conditions, note, officer, os_account, decided_at,"
    " schedule_version, request_version, status_before, status_after, acts_on, inspector,"
    " referral_due, override FROM decisions ORDER BY id",
    "grants": "SELECT id, customer_id, code, end_use, conditions, granted, expires, status, decision_id, status_reason"
    " FROM grants ORDER BY id",
    "audit": "SELECT seq, at, officer, os_account, action, subject, payload, prev_hash, hash FROM audit ORDER BY seq",
}
JSON_COLUMNS = {"entries", "evaluations", "reasons", "conditions", "payload"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export(store: Store, what: str, fmt: str, out: TextIO) -> int:
    cur = store.conn.execute(QUERIES[what])
    columns = [d[0] for d in cur.description]
    n = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in cur:
            writer.writerow([neutralise(v) for v in row])
            n += 1
        return n
    out.write("[")
    for row in cur:
        record = {
            c: (json.loads(v) if c in JSON_COLUMNS and isinstance(v, str) else v)
            for c, v in zip(columns, row, strict=False)
        }
        out.write(("," if n else "") + "\n  " + json.dumps(record, ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n
