"""Gather the facts for one request and let the domain rules say what they mean."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from permittui.domain.clock import today
from permittui.domain.models import Customer, Request, ScheduleEntry
from permittui.domain.rules.classify import MetricNote, RedLine, TextNote, Triggered, classify, red_lines, text_issues
from permittui.domain.rules.clock import Clock, compute_clock
from permittui.domain.rules.precedent import STATUS_OUTCOME, PastCase, Precedent, precedents
from permittui.store import queries
from permittui.store.db import Store
from permittui.store.derive import cap_used

PRECEDENT_CANDIDATES = 300


@dataclass
class Findings:
    request: Request
    customer: Customer
    status: str
    version: int
    triggered: list[Triggered]
    metric_notes: list[MetricNote]
    red_lines: list[RedLine]
    allow_list: list[dict[str, Any]]
    screening: list[dict[str, Any]]
    clock: Clock
    precedents: list[Precedent]
    precedent_warning: str | None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    entries: dict[str, ScheduleEntry] = field(default_factory=dict)
    text_notes: list[TextNote] = field(default_factory=list)
    # what approving now would do (store.decisions.approval_preview): refused / countersign / final
    approval: tuple[str, list[str]] = ("final", [])

    def flags(self) -> list[str]:
        """What stands out, in the queue's words (domain.flags)."""
        out = []
        if self.red_lines:
            out.append("red line")
        if any(s["disposition"] in ("open", "escalated", "confirmed") for s in self.screening):
            out.append("screening hit")
        if any(a["cap_reached"] for a in self.allow_list):
            out.append("allow-list cap reached")
        if any(t.countersign for t in self.triggered):
            out.append("needs countersign")
        if self.customer.vetting == "suspended":
            out.append("customer suspended")
        if any(a["grant_status"] == "expired" for a in self.allow_list):
            out.append("grant expired")
        if self.text_notes or any(n.blocking for n in self.metric_notes):
            out.append("text or value the rules can't read plainly")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "triggered": [
                {
                    "code": t.code,
                    "trigger": t.trigger,
                    "reason": t.reason,
                    "review_window_days": t.review_window_days,
                    "countersign": t.countersign,
                }
                for t in self.triggered
            ],
            "metric_notes": [
                {"code": n.code, "metric": n.metric, "problem": n.problem, "blocking": n.blocking}
                for n in self.metric_notes
            ],
            "red_lines": [{"code": r.code, "reason": r.reason} for r in self.red_lines],
            "text": [{"field": n.field, "kind": n.kind, "problem": n.message} for n in self.text_notes],
            "approval": {"result": self.approval[0], "why": self.approval[1]},
            "allow_list": self.allow_list,
            "screening": self.screening,
            "customer": {
                "id": self.customer.id,
                "name": self.customer.name,
                "country": self.customer.country,
                "vetting": self.customer.vetting,
                "suspended": self.customer.vetting == "suspended",
            },
            "flags": self.flags(),
            "clock": self.clock.as_dict(),
            "precedents": [
                {
                    "request_id": p.request_id,
                    "outcome": p.outcome,
                    "similarity": p.similarity,
                    "identical": p.identical,
                    "decided_at": p.decided_at,
                }
                for p in self.precedents
            ],
            "precedent_warning": self.precedent_warning,
        }


def findings_for(store: Store, request_id: str) -> Findings:
    row = queries.request_row(store, request_id)
    request = queries.get_request(store, request_id)
    customer = queries.get_customer(store, request.customer_id)
    assert customer is not None
    entries = queries.schedule_entries(store)
    triggered, notes = classify(request, entries)
    reds = red_lines(request, entries, triggered)
    day = today().isoformat()
    decided = queries.decisions_for(store, request_id)
    referral_due = next((d["referral_due"] for d in reversed(decided) if d["outcome"] == "refer"), None)
    clock = compute_clock(
        request.registered_on, triggered, queries.events_for(store, request_id), day, row["status"], referral_due
    )
    cases, warning = precedents(
        request.customer_id,
        request.entries,
        request.end_use,
        _past_cases(store, request, [t.code for t in triggered]),
        outcome=STATUS_OUTCOME.get(row["status"]),
    )
    return Findings(
        request,
        customer,
        row["status"],
        row["version"],
        triggered,
        notes,
        reds,
        _allow_list(store, request, triggered, entries, day),
        _screening(store, request.customer_id),
        clock,
        cases,
        warning,
        decided,
        entries,
        text_issues(request),
        _approval(store, request_id),
    )


def _approval(store: Store, request_id: str) -> tuple[str, list[str]]:
    from permittui.store.decisions import approval_preview  # the write path's module, for its rules only

    return approval_preview(store, request_id)


def _allow_list(
    store: Store, request: Request, triggered: list[Triggered], entries: dict[str, ScheduleEntry], day: str
) -> list[dict[str, Any]]:
    out = []
    with store.lock:
        for t in triggered:
            grant = store.conn.execute(
                "SELECT status, expires, granted FROM grants WHERE customer_id = ? AND code = ?"
                " ORDER BY (status = 'active') DESC, expires DESC LIMIT 1",
                (request.customer_id, t.code),
            ).fetchone()
            status = None
            if grant:
                status = "expired" if grant[0] == "active" and grant[1] < day else grant[0]
            cap = entries[t.code].allow_list_cap
            used = cap_used(store.conn, t.code, day) if cap is not None else None
            granted = status == "active"
            out.append(
                {
                    "code": t.code,
                    "granted": granted,
                    "grant_status": status,
                    "granted_on": grant[2] if grant else None,
                    "expires": grant[1] if grant else None,
                    "cap": cap,
                    "used": used,
                    # Full, and this customer holds no place in it: approving would be an override.
                    "cap_reached": bool(cap is not None and used >= cap and not granted),
                }
            )
    return out


def _screening(store: Store, customer_id: str) -> list[dict[str, Any]]:
    with store.lock:
        rows = store.conn.execute(
            "SELECT h.id, h.party_name, h.listed_name, e.source, h.score, h.disposition, h.reason, h.officer, h.at,"
            " h.entry_id FROM screening_hits h JOIN screening_entries e ON e.id = h.entry_id"
            " WHERE h.customer_id = ? ORDER BY h.score DESC",
            (customer_id,),
        ).fetchall()
    return [
        {
            "hit": r[0],
            "party": r[1],
            "listed_name": r[2],
            "list": r[3],
            "score": r[4],
            "disposition": r[5],
            "reason": r[6],
            "officer": r[7],
            "at": r[8],
            "entry_id": r[9],
        }
        for r in rows
    ]


def _past_cases(store: Store, request: Request, codes: list[str]) -> list[PastCase]:
    """Decided requests of the same customer or naming the same entries, bounded.

    Each source is an index range read backwards with a LIMIT (the customer's latest requests by
    due date; each entry's latest request ids), so the cost doesn't grow with the register. The
    unary + keeps SQLite from answering the status test with the queue index (a scan of every
    decided request) instead of looking up the few ids by primary key.
    """
    per_source = PRECEDENT_CANDIDATES
    with store.lock:
        conn = store.conn
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM requests WHERE customer_id = ? ORDER BY due DESC, id DESC LIMIT ?",
                (request.customer_id, per_source),
            )
        ]
        for code in codes:
            ids += [
                r[0]
                for r in conn.execute(
                    "SELECT request_id FROM request_entries WHERE code = ? ORDER BY request_id DESC LIMIT ?",
                    (code, per_source),
                )
            ]
        ids = [i for i in dict.fromkeys(ids) if i != request.id]
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows += conn.execute(
                f"""SELECT r.id, r.customer_id, r.entries, r.end_use, d.outcome, d.decided_at, d.id
                    FROM requests r JOIN decisions d ON d.id = (
                        SELECT id FROM decisions WHERE request_id = r.id
                        AND outcome IN ('approve','approve-with-conditions','deny','return') ORDER BY id DESC LIMIT 1)
                    WHERE r.id IN ({",".join("?" * len(chunk))})
                    AND +r.status IN ('approved','approved_with_conditions','denied','returned')""",
                chunk,
            ).fetchall()
    rows.sort(key=lambda r: -r[6])
    return [PastCase(r[0], r[1], tuple(json.loads(r[2])), r[3], r[4], r[5]) for r in rows[:PRECEDENT_CANDIDATES]]
