"""Seeding the demo: existing allow-list rows and past decisions, as an office would have them.

Past decisions go through the real decision path (same rules, same audit chain), acted by the
officers the history names, at the dates it gives.
"""

from __future__ import annotations

from pathlib import Path

from permittui.domain import models as m
from permittui.domain.validate import Fields
from permittui.errors import InvalidFile, Problem
from permittui.formats.records import Document
from permittui.identity import Officer
from permittui.store import decisions, derive
from permittui.store.db import Store
from permittui.store.rows import dumps


def seed_grants(store: Store, path: Path, doc: Document) -> str:
    problems: list[Problem] = []
    rows = []
    with store.lock:
        customers = {r[0] for r in store.conn.execute("SELECT id FROM customers")}
        codes = {r[0] for r in store.conn.execute("SELECT code FROM schedule_entries")}
        canned = dict(store.conn.execute("SELECT code, text FROM conditions").fetchall())
    for rec in doc.records:
        f = Fields(str(path), rec, problems)
        f.unknown({"customer", "code", "end_use", "conditions", "granted", "expires", "status"})
        customer, code = f.ident("customer"), f.text("code")
        if customer and customer not in customers:
            f.bad("customer", f"unknown customer {customer!r}")
        if code and code not in codes:
            f.bad("code", f"unknown capability code {code!r}")
        conds = [
            {"code": c, "text": canned[c]} if c in canned else {"code": None, "text": c} for c in f.texts("conditions")
        ]
        rows.append(
            (
                customer,
                code,
                f.text("end_use"),
                dumps(conds),
                f.date("granted"),
                f.date("expires"),
                f.choice("status", m.GRANT_STATUSES, default="active"),
            )
        )
    if problems:
        raise InvalidFile(problems)
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO grants (customer_id, code, end_use, conditions, granted, expires, status)"
            " VALUES (?,?,?,?,?,?,?)",
            rows,
        )
        store.audit("import.grants", path.name, {"added": len(rows)})
        derive.refresh(conn)
    return f"grants: {len(rows)} added"


def seed_history(store: Store, path: Path, doc: Document) -> str:
    done = 0
    for rec in doc.records:
        data = rec.data
        officer = Officer(str(data.get("officer", "demo.officer")), store.officer.os_account)
        actor = Store(store.conn, store.path, officer, read_only=False)
        actor.lock = store.lock
        at = f"{data['date']}T10:00:00.000000Z" if data.get("date") else None
        try:
            decisions.decide(
                actor,
                str(data["request"]),
                str(data["outcome"]),
                reasons=data.get("reasons") or [],
                conditions=data.get("conditions") or [],
                note=str(data.get("note", "")),
                inspector=data.get("inspector"),
                at=at,
            )
        except Exception as e:  # the shipped history must be consistent: say where it is not
            raise InvalidFile([Problem(str(path), rec.line, "request", f"{data.get('request')}: {e}")]) from None
        done += 1
    return f"history: {done} past decisions recorded"
