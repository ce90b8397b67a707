"""Screening hits in the register: found at import, dispositioned by officers, re-flagged by the list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

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
            "SELECT id, countries, source FROM screening_entries WHERE delisted IS NULL"
        ):
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
    if not len(screener):  # nothing listed: no hit to find (the ids may be half a million)
        return 0
    conn = store.conn
    flagged = 0
    for chunk in _chunks(customer_ids):
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                f"SELECT id, name, aliases, country FROM customers WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
        }
        for cid in chunk:
            if cid in rows:
                flagged += _rescreen_one(store, screener, cid, *rows[cid])
    return flagged


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _rescreen_one(store: Store, screener: Screener, cid: str, name: str, aliases: str, country: str) -> int:
    conn = store.conn
    flagged = 0
    names = [name, *json.loads(aliases)]
    for match in screener.screen(names, country):
        digest = conn.execute("SELECT content_hash FROM screening_entries WHERE id = ?", (match.entry_id,)).fetchone()[
            0
        ]
        old = conn.execute(
            "SELECT id, disposition, entry_hash, reason, officer, at FROM screening_hits"
            " WHERE customer_id = ? AND entry_id = ?",
            (cid, match.entry_id),
        ).fetchone()
        if old is None:
            conn.execute(
                "INSERT INTO screening_hits (customer_id, entry_id, party_name, listed_name, score,"
                " entry_hash) VALUES (?,?,?,?,?,?)",
                (cid, match.entry_id, match.party_name, match.listed_name, match.score, digest),
            )
            store.audit(
                "screening.hit",
                cid,
                {
                    "entry": match.entry_id,
                    "listed_name": match.listed_name,
                    "party_name": match.party_name,
                    "score": match.score,
                },
            )
            flagged += 1
        elif old[2] != digest:
            # The list entry changed since it was dispositioned: the old clearance no longer holds.
            # The hit reads open again, saying which clearance lapsed (the audit chain keeps it too).
            if old[1] == "cleared":
                lapsed = (
                    f"re-opened: the list entry changed after {old[4] or 'an officer'} cleared it"
                    f"{' on ' + old[5][:10] if old[5] else ''} ({old[3]})"
                )
                conn.execute(
                    "UPDATE screening_hits SET entry_hash = ?, score = ?, listed_name = ?,"
                    " party_name = ?, disposition = 'open', reason = ?, officer = NULL, at = NULL"
                    " WHERE id = ?",
                    (digest, match.score, match.listed_name, match.party_name, lapsed, old[0]),
                )
                store.audit(
                    "screening.reflag",
                    cid,
                    {
                        "hit": old[0],
                        "entry": match.entry_id,
                        "why": "list entry changed",
                        "cleared_reason": old[3],
                        "cleared_by": old[4],
                        "cleared_at": old[5],
                    },
                )
                flagged += 1
            else:
                conn.execute(
                    "UPDATE screening_hits SET entry_hash = ?, score = ?, listed_name = ?, party_name = ? WHERE id = ?",
                    (digest, match.score, match.listed_name, match.party_name, old[0]),
                )
    return flagged


def rescreen_all(store: Store) -> int:
    ids = [r[0] for r in store.conn.execute("SELECT id FROM customers ORDER BY id")]
    return rescreen_customers(store, ids, load_screener(store)) if ids else 0


def disposition(store: Store, hit_id: int, outcome: str | None, reason: str, *, countersign: bool = False) -> str:
    """Record an officer's disposition of a hit (clearing needs a reason); what happened, in words.

    A confirmed hit is the register's strongest finding: only a senior officer may propose to
    clear or re-open it, and it takes effect when a second senior officer countersigns
    (`countersign=True`); until then the hit stays confirmed."""
    from permittui.domain.matchform import canonical_id
    from permittui.store import officers

    if countersign:
        officers.require(store, "unconfirm")
    else:
        if outcome not in DISPOSITIONS:
            raise BadInput(f"disposition must be one of {', '.join(DISPOSITIONS)}")
        if outcome == "cleared" and not reason.strip():
            raise Refused("clearing a screening hit as a false positive needs a reason")
        officers.require(store, "disposition")
    with store.write() as conn:
        row = conn.execute(
            "SELECT customer_id, entry_id, disposition, pending FROM screening_hits WHERE id = ?", (hit_id,)
        ).fetchone()
        if row is None:
            raise Refused(f"no screening hit {hit_id}")
        customer, entry, before, pending = row
        at = now_iso()
        if countersign:
            if not pending:
                raise Refused(f"screening hit {hit_id} has no change waiting for a countersign")
            proposal = json.loads(pending)
            if canonical_id(proposal["officer"]) == store.officer.id:
                raise Refused(
                    f"screening hit {hit_id}: you proposed this change; a different senior officer must countersign"
                )
            outcome, reason = proposal["outcome"], proposal["reason"]
            conn.execute(
                "UPDATE screening_hits SET disposition = ?, reason = ?, officer = ?, at = ?, pending = NULL WHERE id = ?",
                (outcome, reason, proposal["officer"], at, hit_id),
            )
            store.audit(
                f"screening.{outcome}",
                customer,
                {
                    "hit": hit_id,
                    "entry": entry,
                    "from": before,
                    "reason": reason,
                    "proposed_by": proposal["officer"],
                    "countersigned_by": store.officer.name,
                },
                at=at,
            )
            said = f"screening hit {hit_id}: {outcome} (countersigned)"
        elif before == "confirmed" and outcome != "confirmed":
            officers.require(store, "unconfirm")
            proposal = {"outcome": outcome, "reason": reason, "officer": store.officer.name, "at": at}
            conn.execute("UPDATE screening_hits SET pending = ? WHERE id = ?", (json.dumps(proposal), hit_id))
            store.audit(f"screening.propose.{outcome}", customer, {"hit": hit_id, "entry": entry, **proposal}, at=at)
            return (
                f"screening hit {hit_id}: {outcome} proposed; it stays confirmed until a second senior officer"
                f" countersigns (permittui disposition {hit_id} --countersign)"
            )
        else:
            conn.execute(
                "UPDATE screening_hits SET disposition = ?, reason = ?, officer = ?, at = ?, pending = NULL WHERE id = ?",
                (outcome, reason, store.officer.name, at, hit_id),
            )
            store.audit(
                f"screening.{outcome}",
                customer,
                {"hit": hit_id, "entry": entry, "from": before, "reason": reason},
                at=at,
            )
            said = f"screening hit {hit_id}: {outcome}"
        from permittui.store import derive

        derive.refresh(
            conn,
            [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM requests WHERE customer_id = ? AND status IN"
                    " ('pending','info_requested','referred','awaiting_countersign')",
                    (customer,),
                )
            ],
        )
    return said


def list_hits(store: Store, customer_id: str | None = None, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Screening hits with their ids (for `disposition`), open ones first, then by customer and score."""
    where, args = [], []
    if customer_id:
        where.append("h.customer_id = ?")
        args.append(customer_id)
    if open_only:
        where.append("h.disposition IN ('open', 'escalated')")
    sql = (
        "SELECT h.id, h.customer_id, c.name, h.party_name, h.listed_name, h.entry_id, e.source, h.score,"
        " h.disposition, h.reason, h.officer, h.at, e.delisted FROM screening_hits h"
        " JOIN customers c ON c.id = h.customer_id JOIN screening_entries e ON e.id = h.entry_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY h.disposition != 'open', h.customer_id, h.score DESC, h.id"
    )
    with store.lock:
        rows = store.conn.execute(sql, args).fetchall()
    keys = (
        "hit",
        "customer",
        "customer_name",
        "party",
        "listed_name",
        "entry_id",
        "list",
        "score",
        "disposition",
        "reason",
        "officer",
        "at",
        "delisted",
    )
    return [dict(zip(keys, r, strict=False)) for r in rows]
