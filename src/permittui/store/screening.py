"""Screening hits in the register: found at import, dispositioned by officers, re-flagged by the list."""

from __future__ import annotations

import json

from permittui.domain.clock import now_iso
from permittui.domain.screening import Screener
from permittui.errors import BadInput, Refused
from permittui.store.db import Store

DISPOSITIONS = ("cleared", "confirmed", "escalated")


def load_screener(store: Store) -> Screener:
    """Every listed name of every entry still on the list, keys as precomputed at import."""
    with store.lock:
        conn = store.conn
        # Entries once, then the names: no join, and each distinct countries list parsed once.
        parsed: dict[str, tuple[str, ...]] = {}
        entries = {}
        for entry_id, countries, source in conn.execute(
                "SELECT id, countries, source FROM screening_entries WHERE delisted IS NULL"):
            c = parsed.get(countries)
            if c is None:
                c = parsed[countries] = tuple(json.loads(countries))
            entries[entry_id] = (c, source)
        rows = conn.execute("SELECT entry_id, name, norm FROM screening_names ORDER BY rowid").fetchall()
    return Screener.from_rows((e, name, norm, *entries[e]) for e, name, norm in rows if e in entries)


def rescreen_customers(store: Store, customer_ids: list[str], screener: Screener | None = None) -> int:
    """Screen these customers; record new hits and re-flag cleared ones whose entry changed.
    Runs inside the caller's write transaction. Returns the number of hits newly flagged."""
    screener = screener or load_screener(store)
    conn = store.conn
    flagged = 0
    for cid in customer_ids:
        row = conn.execute("SELECT name, aliases, country FROM customers WHERE id = ?", (cid,)).fetchone()
        if row is None:
            continue
        names = [row[0], *json.loads(row[1])]
        for match in screener.screen(names, row[2]):
            digest = conn.execute("SELECT content_hash FROM screening_entries WHERE id = ?",
                                  (match.entry_id,)).fetchone()[0]
            old = conn.execute("SELECT id, disposition, entry_hash FROM screening_hits WHERE customer_id = ?"
                               " AND entry_id = ?", (cid, match.entry_id)).fetchone()
            if old is None:
                conn.execute("INSERT INTO screening_hits (customer_id, entry_id, party_name, listed_name, score,"
                             " entry_hash) VALUES (?,?,?,?,?,?)",
                             (cid, match.entry_id, match.party_name, match.listed_name, match.score, digest))
                store.audit("screening.hit", cid, {"entry": match.entry_id, "listed_name": match.listed_name,
                                                   "party_name": match.party_name, "score": match.score})
                flagged += 1
            elif old[2] != digest:
                # The list entry changed since it was dispositioned: the old clearance no longer holds.
                conn.execute("UPDATE screening_hits SET entry_hash = ?, score = ?, listed_name = ?,"
                             " disposition = CASE disposition WHEN 'cleared' THEN 'open' ELSE disposition END"
                             " WHERE id = ?", (digest, match.score, match.listed_name, old[0]))
                if old[1] == "cleared":
                    store.audit("screening.reflag", cid, {"entry": match.entry_id, "why": "list entry changed"})
                    flagged += 1
    return flagged


def rescreen_all(store: Store) -> int:
    screener = load_screener(store)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM customers ORDER BY id")]
    return rescreen_customers(store, ids, screener)


def disposition(store: Store, hit_id: int, outcome: str, reason: str) -> None:
    """Record an officer's disposition of a hit; clearing needs a reason."""
    if outcome not in DISPOSITIONS:
        raise BadInput(f"disposition must be one of {', '.join(DISPOSITIONS)}")
    if outcome == "cleared" and not reason.strip():
        raise Refused("clearing a screening hit as a false positive needs a reason")
    with store.write() as conn:
        row = conn.execute("SELECT customer_id, entry_id, disposition FROM screening_hits WHERE id = ?",
                           (hit_id,)).fetchone()
        if row is None:
            raise Refused(f"no screening hit {hit_id}")
        at = now_iso()
        conn.execute("UPDATE screening_hits SET disposition = ?, reason = ?, officer = ?, at = ? WHERE id = ?",
                     (outcome, reason, store.officer.name, at, hit_id))
        store.audit(f"screening.{outcome}", row[0], {"hit": hit_id, "entry": row[1], "from": row[2],
                                                     "reason": reason}, at=at)
        from permittui.store import derive

        derive.refresh(conn, [r[0] for r in conn.execute(
            "SELECT id FROM requests WHERE customer_id = ? AND status IN"
            " ('pending','info_requested','referred','awaiting_countersign')", (row[0],))])
