"""The one write path for decisions: decision row, request status and version, grants, clock
event and audit entry commit together in one IMMEDIATE transaction, or not at all."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from permittui.domain import lifecycle
from permittui.domain.clock import add_days, days_between, now_iso, today
from permittui.domain.lifecycle import Facts
from permittui.domain.matchform import canonical_id
from permittui.domain.rules.classify import Assessment, assess
from permittui.errors import BadInput, Refused
from permittui.store import derive, officers
from permittui.store.db import Store
from permittui.store.rows import dumps, request_from_row

DEFAULT_REFERRAL_DAYS = 30
OPEN = ("pending", "info_requested", "referred", "awaiting_countersign")


@dataclass
class DecisionResult:
    request_id: str
    decision_id: int
    outcome: str
    status: str
    version: int
    grants: int = 0
    why_countersign: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.request_id}: {self.outcome} recorded (decision {self.decision_id}); now {self.status}"
        if self.grants:
            text += f"; {self.grants} grant{'s' if self.grants > 1 else ''} written"
        if self.why_countersign:
            text += f" — waits for a second officer: {'; '.join(self.why_countersign)}"
        return text


def _row(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...]) -> sqlite3.Row | None:
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    return cur.execute(sql, args).fetchone()


def _last_decision(conn: sqlite3.Connection, request_id: str) -> sqlite3.Row | None:
    return _row(conn, "SELECT * FROM decisions WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,))


def _who(d: sqlite3.Row | None) -> str:
    if d is None:
        return "changed by an import or another process"
    return f"{d['outcome']} by {d['officer']} at {d['decided_at'][:19].replace('T', ' ')} UTC"


def _load(conn: sqlite3.Connection, request_id: str) -> sqlite3.Row:
    row = _row(
        conn,
        "SELECT r.*, c.vetting FROM requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?",
        (request_id,),
    )
    if row is None:
        raise Refused(f"no request {request_id!r}")
    return row


def facts_for(conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[Facts, list[str]]:
    """The facts the lifecycle rules need, and the codes a grant would cover."""
    facts, grant_codes, _ = _facts(conn, row)
    return facts, grant_codes


def _facts(conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[Facts, list[str], Assessment]:
    from permittui.domain.screening import HIT_SCORE

    request = request_from_row(row)
    entries = derive.load_entries(conn)
    assessment = assess(request, entries)
    triggered, notes, reds, unplain = assessment
    today_iso = today().isoformat()
    caps = []
    for t in triggered:
        cap = entries[t.code].allow_list_cap
        if cap is None:
            continue
        holds = conn.execute(
            "SELECT 1 FROM grants WHERE customer_id = ? AND code = ? AND status = 'active' AND expires >= ?",
            (request.customer_id, t.code, today_iso),
        ).fetchone()
        if not holds and derive.cap_used(conn, t.code, today_iso) >= cap:
            caps.append(t.code)
    hits = dict(
        conn.execute(
            "SELECT disposition, COUNT(*) FROM screening_hits WHERE customer_id = ?"
            " AND (disposition != 'open' OR score >= ?) GROUP BY disposition",
            (request.customer_id, HIT_SCORE),
        ).fetchall()
    )
    facts = Facts(
        request.id,
        request.kind,
        row["status"],
        red_line_codes=[r.code for r in reds],
        red_line_reasons=[r.reason for r in reds],
        countersign_codes=[t.code for t in triggered if t.countersign and t.trigger != "prohibited"],
        caps_reached=caps,
        customer_suspended=row["vetting"] == "suspended",
        screening_open=hits.get("open", 0),
        screening_confirmed=hits.get("confirmed", 0),
        screening_escalated=hits.get("escalated", 0),
        blocking_notes=[": ".join(x for x in (n.code, n.metric, n.problem) if x) for n in notes if n.blocking],
        unplain_text=[i.message for i in unplain],
        no_category=request.kind == "access" and request.end_use_category is None,
    )
    grant_codes = [t.code for t in triggered if t.trigger != "prohibited"]
    return facts, grant_codes, assessment


def approval_preview(store: Store, request_id: str) -> tuple[str, list[str]]:
    """What approving now would do, by the same rules as `decide`, writing nothing:
    ("refused", [why]), ("countersign", [why, ...]) or ("final", []); ("closed", [status]) when
    the request is not open for a decision."""
    with store.lock:
        row = _load(store.conn, request_id)
        if row["status"] not in lifecycle.DECIDABLE_FROM:
            return "closed", [row["status"]]
        facts, _ = facts_for(store.conn, row)
    try:
        ruling = lifecycle.rule(facts, "approve", reasons=[], conditions=[], override=False, inspector=None)
    except (Refused, BadInput) as e:
        return "refused", [str(e)]
    return ("countersign", ruling.why_countersign) if ruling.needs_countersign else ("final", [])


def _conditions(conn: sqlite3.Connection, given: list[str]) -> list[dict[str, Any]]:
    out = []
    for c in given:
        c = c.strip()
        if not c:
            continue
        row = conn.execute("SELECT text FROM conditions WHERE code = ?", (c,)).fetchone()
        out.append({"code": c, "text": row[0]} if row else {"code": None, "text": c})
    return out


def _check_reasons(conn: sqlite3.Connection, reasons: list[str]) -> list[str]:
    reasons = [r.strip() for r in reasons if r.strip()]
    if not reasons:
        return []
    # Look up only the codes given (a primary-key probe each); the whole list only for the message.
    found = {
        r[0] for r in conn.execute(f"SELECT code FROM reasons WHERE code IN ({','.join('?' * len(reasons))})", reasons)
    }
    unknown = [r for r in reasons if r not in found]
    if unknown:
        known = {r[0] for r in conn.execute("SELECT code FROM reasons")}
        raise BadInput(
            f"unknown reason code {', '.join(unknown)}; known: {', '.join(sorted(known)[:12])}"
            + (" ..." if len(known) > 12 else "")
        )
    return list(dict.fromkeys(reasons))


def _resume_clock(row: sqlite3.Row, day: str) -> tuple[str | None, int]:
    """Leaving info_requested ends the pause; the paused days are added to the clock."""
    if row["paused_since"]:
        return None, row["paused_days"] + max(0, days_between(row["paused_since"], day))
    return None, row["paused_days"]


def _set_status(
    store: Store, row: sqlite3.Row, status: str, at: str, day: str, event: str, detail: dict[str, Any]
) -> int:
    paused_since, paused_days = _resume_clock(row, day)
    if status == "info_requested":
        paused_since = day
    version = row["version"] + 1
    store.conn.execute(
        "UPDATE requests SET status = ?, version = ?, paused_since = ?, paused_days = ?, updated_at = ? WHERE id = ?",
        (status, version, paused_since, paused_days, at, row["id"]),
    )
    store.conn.execute(
        "INSERT INTO request_events (request_id, at, event, detail) VALUES (?,?,?,?)",
        (row["id"], at, event, dumps({"status": status, "day": day, **detail})),
    )
    return version


def _insert_decision(
    store: Store,
    row: sqlite3.Row,
    outcome: str,
    status_after: str,
    at: str,
    *,
    reasons: list[str] = (),
    conditions: list[dict[str, Any]] = (),
    note: str = "",
    acts_on: int | None = None,
    inspector: str | None = None,
    referral_due: str | None = None,
    override: bool = False,
) -> dict[str, Any]:
    record = {
        "request_id": row["id"],
        "outcome": outcome,
        "reasons": dumps(list(reasons)),
        "conditions": dumps(list(conditions)),
        "note": note,
        "officer": store.officer.name,
        "os_account": store.officer.os_account,
        "decided_at": at,
        "schedule_version": store.meta("schedule_version"),
        "request_version": row["version"],
        "status_before": row["status"],
        "status_after": status_after,
        "acts_on": acts_on,
        "inspector": inspector,
        "referral_due": referral_due,
        "override": int(override),
    }
    cur = store.conn.execute(
        f"INSERT INTO decisions ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})", list(record.values())
    )
    record["id"] = cur.lastrowid
    return record


def decide(
    store: Store,
    request_id: str,
    outcome: str,
    *,
    reasons: list[str] = (),
    conditions: list[str] = (),
    note: str = "",
    expected_version: int | None = None,
    inspector: str | None = None,
    referral_days: int | None = None,
    override: bool = False,
    at: str | None = None,
) -> DecisionResult:
    if outcome == "reverse":
        return reverse(store, request_id, note=note, at=at)
    with store.write() as conn:
        # in the transaction: a role taken away meanwhile can't slip between check and write
        officers.require(store, "decide")
        row = _load(conn, request_id)
        if expected_version is not None and row["version"] != expected_version:
            raise Refused(
                f"{request_id} changed since you saw it (version {expected_version}, now"
                f" {row['version']}): {_who(_last_decision(conn, request_id))}; nothing recorded"
            )
        if row["status"] not in lifecycle.DECIDABLE_FROM:
            last = _last_decision(conn, request_id)
            raise Refused(f"{request_id} is already {row['status'].replace('_', ' ')}: {_who(last)}; nothing recorded")
        reason_codes = _check_reasons(conn, list(reasons))
        conds = _conditions(conn, list(conditions))
        facts, grant_codes, assessment = _facts(conn, row)
        ruling = lifecycle.rule(
            facts,
            outcome,
            reasons=reason_codes,
            conditions=[c["text"] for c in conds],
            override=override,
            inspector=inspector,
        )
        day = at[:10] if at else today().isoformat()
        at = at or now_iso()
        referral_due = None
        if outcome == "refer":
            days = referral_days if referral_days is not None else DEFAULT_REFERRAL_DAYS
            if days < 1:
                raise BadInput("--referral-days must be at least 1")
            referral_due = add_days(day, days)
        decision = _insert_decision(
            store,
            row,
            outcome,
            ruling.status_after,
            at,
            reasons=reason_codes,
            conditions=conds,
            note=note,
            inspector=inspector,
            referral_due=referral_due,
            override=ruling.override,
        )
        version = _set_status(
            store, row, ruling.status_after, at, day, "decision", {"decision": decision["id"], "outcome": outcome}
        )
        written = []
        if not ruling.needs_countersign and outcome in lifecycle.APPROVALS:
            written = _write_grants(store, row, grant_codes, conds, decision["id"], day)
        store.audit(
            "decision", request_id, {**decision, "why_countersign": ruling.why_countersign, "grants": written}, at=at
        )
        derive.refresh(conn, [request_id], known={request_id: assessment})
    return DecisionResult(
        request_id, decision["id"], outcome, ruling.status_after, version, len(written), tuple(ruling.why_countersign)
    )


def _write_grants(
    store: Store, row: sqlite3.Row, codes: list[str], conds: list[dict[str, Any]], decision_id: int, day: str
) -> list[dict[str, Any]]:
    """Create, or extend (renewals), the allow-list rows an approval makes."""
    conn = store.conn
    written = []
    cap_flips = []
    for code in codes:
        validity, cap = conn.execute(
            "SELECT validity_days, allow_list_cap FROM schedule_entries WHERE code = ?", (code,)
        ).fetchone()
        before_full = cap is not None and derive.cap_used(conn, code, day) >= cap
        old = _row(
            conn,
            "SELECT * FROM grants WHERE customer_id = ? AND code = ? AND end_use = ?",
            (row["customer_id"], code, row["end_use"]),
        )
        if old is None and row["kind"] == "renewal":
            # A renewal extends the customer's existing grant on the entry, whatever its wording.
            old = _row(
                conn,
                "SELECT * FROM grants WHERE customer_id = ? AND code = ? ORDER BY expires DESC LIMIT 1",
                (row["customer_id"], code),
            )
        if old is None:
            expires = add_days(day, validity)
            cur = conn.execute(
                "INSERT INTO grants (customer_id, code, end_use, conditions, granted, expires, status,"
                " decision_id) VALUES (?,?,?,?,?,?, 'active', ?)",
                (row["customer_id"], code, row["end_use"], dumps(conds), day, expires, decision_id),
            )
            grant_id, before = cur.lastrowid, None
        else:
            start = max(day, old["expires"]) if old["status"] == "active" else day
            expires = add_days(start, validity)
            conn.execute(
                "UPDATE grants SET conditions = ?, expires = ?, status = 'active', decision_id = ?,"
                " status_reason = '' WHERE id = ?",
                (dumps(conds), expires, decision_id, old["id"]),
            )
            grant_id, before = old["id"], dumps(dict(old))
        conn.execute(
            "INSERT INTO grant_changes (decision_id, grant_id, before) VALUES (?,?,?)", (decision_id, grant_id, before)
        )
        written.append({"grant": grant_id, "code": code, "expires": expires, "extended": before is not None})
        if cap is not None and not before_full and derive.cap_used(conn, code, day) >= cap:
            cap_flips.append(code)
    _refresh_entries(conn, cap_flips)
    return written


def _refresh_entries(conn: sqlite3.Connection, codes: list[str]) -> None:
    # A cap that just filled (or emptied) changes the flag of every open request naming it.
    for code in codes:
        derive.refresh(
            conn,
            [
                r[0]
                for r in conn.execute(
                    "SELECT e.request_id FROM request_entries e JOIN requests r ON r.id = e.request_id"
                    " WHERE e.code = ? AND r.status IN ('pending','info_requested','referred','awaiting_countersign')",
                    (code,),
                )
            ],
        )


def _same_officer(a: str, b: str) -> bool:
    # Four-eyes compares canonical ids: "Alice", "аlice" (Cyrillic а), "al\u200bice" and "ａｌｉｃｅ"
    # are one officer.
    return canonical_id(a) == canonical_id(b)


def countersign(
    store: Store, request_id: str, *, send_back: bool = False, note: str = "", at: str | None = None
) -> DecisionResult:
    with store.write() as conn:
        # in the transaction: a role taken away meanwhile can't slip between check and write
        officers.require(store, "countersign")
        row = _load(conn, request_id)
        if row["status"] != "awaiting_countersign":
            raise Refused(f"{request_id} is {row['status'].replace('_', ' ')}, not awaiting countersign")
        pending = _row(
            conn,
            "SELECT * FROM decisions WHERE request_id = ? AND status_after = 'awaiting_countersign'"
            " ORDER BY id DESC LIMIT 1",
            (request_id,),
        )
        assert pending is not None
        if _same_officer(pending["officer"], store.officer.name) or (
            store.strict_identity and pending["os_account"] == store.officer.os_account
        ):
            raise Refused(
                f"{request_id}: you made this decision ({pending['outcome']} at"
                f" {pending['decided_at'][:16].replace('T', ' ')}); a different officer must countersign"
            )
        if send_back and not note.strip():
            raise Refused("sending a decision back needs a note saying why")
        day = at[:10] if at else today().isoformat()
        at = at or now_iso()
        if send_back:
            status, outcome = pending["status_before"], "send-back"
        else:
            status, outcome = lifecycle.OUTCOME_STATUS[pending["outcome"]], "countersign"
            if pending["outcome"] in lifecycle.APPROVALS:
                # Grants are written now, so the rules are asked again: a cap that filled, a customer
                # suspended or a screening match confirmed while this waited must not slip through.
                facts, _ = facts_for(conn, row)
                facts.status = pending["status_before"]
                try:
                    lifecycle.rule(
                        facts,
                        pending["outcome"],
                        reasons=json.loads(pending["reasons"]),
                        conditions=[c["text"] for c in json.loads(pending["conditions"])],
                        override=bool(pending["override"]),
                        inspector=pending["inspector"],
                    )
                except Refused as e:
                    raise Refused(
                        f"{request_id} can no longer be approved as decided: {e}; send it back"
                        " (--send-back) for a new decision"
                    ) from None
        decision = _insert_decision(store, row, outcome, status, at, note=note, acts_on=pending["id"])
        version = _set_status(store, row, status, at, day, outcome, {"decision": decision["id"]})
        if status == "info_requested":
            conn.execute("UPDATE requests SET paused_since = ? WHERE id = ?", (day, request_id))
        written = []
        if not send_back and pending["outcome"] in lifecycle.APPROVALS:
            _, grant_codes = facts_for(conn, row)
            written = _write_grants(store, row, grant_codes, json.loads(pending["conditions"]), pending["id"], day)
        store.audit(outcome, request_id, {**decision, "grants": written}, at=at)
        derive.refresh(conn, [request_id])
    return DecisionResult(request_id, decision["id"], outcome, status, version, len(written))


def reverse(store: Store, request_id: str, *, note: str = "", at: str | None = None) -> DecisionResult:
    """Undo my last decision on a request, before countersign, as a new decision row."""
    with store.write() as conn:
        # in the transaction: a role taken away meanwhile can't slip between check and write
        officers.require(store, "decide")
        row = _load(conn, request_id)
        last = _last_decision(conn, request_id)
        if last is None or last["outcome"] in ("reverse",):
            raise Refused(f"{request_id}: there is no decision of yours to reverse")
        if last["outcome"] in ("countersign", "send-back"):
            raise Refused(f"{request_id}: the decision was already {_who(last)}; a reversal now needs a new decision")
        if not _same_officer(last["officer"], store.officer.name):
            raise Refused(f"{request_id}: the last decision is {_who(last)}; only that officer can reverse it")
        if row["version"] != last["request_version"] + 1:
            raise Refused(f"{request_id} changed after that decision; nothing reversed")
        day = at[:10] if at else today().isoformat()
        at = at or now_iso()
        restored = []
        for grant_id, before in conn.execute(
            "SELECT grant_id, before FROM grant_changes WHERE decision_id = ?", (last["id"],)
        ).fetchall():
            if before is None:
                conn.execute(
                    "UPDATE grants SET status = 'revoked', status_reason = ? WHERE id = ?",
                    (f"decision {last['id']} reversed", grant_id),
                )
            else:
                old = json.loads(before)
                conn.execute(
                    "UPDATE grants SET conditions = ?, expires = ?, status = ?, decision_id = ?,"
                    " status_reason = ? WHERE id = ?",
                    (
                        old["conditions"],
                        old["expires"],
                        old["status"],
                        old["decision_id"],
                        old["status_reason"],
                        grant_id,
                    ),
                )
            restored.append(grant_id)
        status = last["status_before"]
        decision = _insert_decision(store, row, "reverse", status, at, note=note, acts_on=last["id"])
        version = _set_status(store, row, status, at, day, "reverse", {"decision": decision["id"]})
        if status == "info_requested":
            conn.execute("UPDATE requests SET paused_since = ? WHERE id = ?", (day, request_id))
        store.audit("reverse", request_id, {**decision, "grants_restored": restored}, at=at)
        codes = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT g.code FROM grant_changes c JOIN grants g"
                " ON g.id = c.grant_id WHERE c.decision_id = ?",
                (last["id"],),
            )
        ]
        _refresh_entries(conn, codes)
        derive.refresh(conn, [request_id])
    return DecisionResult(request_id, decision["id"], "reverse", status, version)


def last_decision_by(store: Store, officer: str) -> tuple[str, int] | None:
    """The request of this officer's latest decision that can still be reversed (for `u`)."""
    with store.lock:
        row = store.conn.execute(
            "SELECT request_id, id FROM decisions WHERE officer = ? AND outcome NOT IN"
            " ('reverse','countersign','send-back') ORDER BY id DESC LIMIT 1",
            (officer,),
        ).fetchone()
    return (row[0], row[1]) if row else None
