"""Allow-list status changes by an officer: suspend, revoke, reinstate — with a reason, in one
transaction with the audit entry and the refreshed queue flags of the requests it affects."""

from __future__ import annotations

from dataclasses import dataclass

from permittui.domain.clock import now_iso, today
from permittui.errors import BadInput, Refused
from permittui.store import derive
from permittui.store.db import Store

# What an officer may do to a grant in each status (revoked is final; expiry is by date).
ALLOWED = {"suspend": ("active",), "revoke": ("active", "suspended"), "reinstate": ("suspended",)}
RESULT = {"suspend": "suspended", "revoke": "revoked", "reinstate": "active"}


@dataclass
class GrantChange:
    grant_id: int
    action: str
    status_before: str
    status_after: str
    audit_seq: int

    def __str__(self) -> str:
        return f"grant {self.grant_id}: {self.status_before} -> {self.status_after} (audit #{self.audit_seq})"


def change_grant(store: Store, grant_id: int, action: str, reason: str, *, at: str | None = None) -> GrantChange:
    if action not in ALLOWED:
        raise BadInput(f"unknown grant action {action!r}; use one of {', '.join(ALLOWED)}")
    if not reason.strip():
        raise Refused(f"to {action} a grant, say why (a reason is required)")
    from permittui.store import officers

    with store.write() as conn:
        # in the transaction: a role taken away meanwhile can't slip between check and write
        officers.require(store, f"grant_{action}")
        row = conn.execute("SELECT customer_id, code, status, expires FROM grants WHERE id = ?", (grant_id,)).fetchone()
        if row is None:
            raise Refused(f"no grant {grant_id}")
        customer, code, status, expires = row
        if status not in ALLOWED[action]:
            raise Refused(
                f"grant {grant_id} is {status}; it can't be {RESULT[action] if action != 'reinstate' else 'reinstated'}"
            )
        if action == "reinstate" and expires < today().isoformat():
            raise Refused(f"grant {grant_id} expired on {expires}; renew it through a request instead")
        after = RESULT[action]
        at = at or now_iso()
        conn.execute("UPDATE grants SET status = ?, status_reason = ? WHERE id = ?", (after, reason.strip(), grant_id))
        seq = store.audit(
            f"grant.{action}",
            f"grant {grant_id}",
            {
                "grant": grant_id,
                "customer": customer,
                "code": code,
                "status_before": status,
                "status_after": after,
                "reason": reason.strip(),
            },
            at=at,
        )
        # Cap usage of the entry changed: refresh the flags of every open request naming it.
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
    return GrantChange(grant_id, action, status, after, seq)
