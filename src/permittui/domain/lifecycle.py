"""The request lifecycle (design §2): which outcome leads where, what the rules refuse, and
what must wait for a second officer. Pure: the store supplies the facts."""

from __future__ import annotations

from permittui.domain.models import MutableRecord
from permittui.errors import BadInput, Refused

OUTCOME_STATUS = {
    "approve": "approved",
    "approve-with-conditions": "approved_with_conditions",
    "deny": "denied",
    "return": "returned",
    "request-info": "info_requested",
    "refer": "referred",
}
APPROVALS = ("approve", "approve-with-conditions")
FINAL = ("approve", "approve-with-conditions", "deny", "return")
DECIDABLE_FROM = ("pending", "info_requested", "referred")


class Facts(MutableRecord):
    """What the rules need to know about a request at the moment of deciding."""

    request_id: str
    kind: str
    status: str
    red_line_codes: list[str]
    countersign_codes: list[str]
    caps_reached: list[str]  # entries at cap the customer doesn't hold
    customer_suspended: bool
    screening_open: int  # hits at or above the hit score no officer has dispositioned
    screening_confirmed: int
    screening_escalated: int
    blocking_notes: list[str]  # what the rules could not compare (MetricNote.blocking)
    unplain_text: list[str]  # why the applicant's text cannot be read plainly (matchform.inspect)
    no_category: bool  # an access request that declares no end-use category (imported before they existed)

    def __init__(
        self,
        request_id: str,
        kind: str,
        status: str,
        red_line_codes: list[str] | None = None,
        countersign_codes: list[str] | None = None,
        caps_reached: list[str] | None = None,
        customer_suspended: bool = False,
        screening_open: int = 0,
        screening_confirmed: int = 0,
        screening_escalated: int = 0,
        blocking_notes: list[str] | None = None,
        unplain_text: list[str] | None = None,
        no_category: bool = False,
    ) -> None:
        # A new list each, as field(default_factory=list) gave.
        red_line_codes = [] if red_line_codes is None else red_line_codes
        countersign_codes = [] if countersign_codes is None else countersign_codes
        caps_reached = [] if caps_reached is None else caps_reached
        blocking_notes = [] if blocking_notes is None else blocking_notes
        unplain_text = [] if unplain_text is None else unplain_text
        self._init(locals())


class Ruling(MutableRecord):
    status_after: str
    needs_countersign: bool
    why_countersign: list[str]
    override: bool

    def __init__(self, status_after: str, needs_countersign: bool, why_countersign: list[str], override: bool) -> None:
        self._init(locals())


def refuse_approval(facts: Facts, override: bool) -> None:
    """Raise Refused when no one may approve, by any path (override and countersign included)."""
    rid = facts.request_id
    if facts.screening_confirmed:
        raise Refused(f"{rid}: the customer is a confirmed restricted-party match; it can't be approved")
    if facts.screening_open:
        raise Refused(
            f"{rid}: the customer has {facts.screening_open} screening hit{'s' if facts.screening_open > 1 else ''}"
            " no officer has dispositioned; clear, confirm or escalate it first (permittui disposition)"
        )
    if facts.blocking_notes:
        more = f" (and {len(facts.blocking_notes) - 1} more)" if len(facts.blocking_notes) > 1 else ""
        raise Refused(
            f"{rid}: {facts.blocking_notes[0]}{more}; a value the rules cannot compare blocks approval:"
            " deny, return or request information"
        )
    if facts.caps_reached and not override:
        raise Refused(
            f"allow-list cap reached for {', '.join(facts.caps_reached)}: approving past it is an"
            " override (--override) and needs a countersign"
        )
    if facts.customer_suspended and not override:
        raise Refused(
            f"{rid}: the customer is suspended; approving is an override (--override) and needs a countersign"
        )


def rule(
    facts: Facts, outcome: str, *, reasons: list[str], conditions: list[str], override: bool, inspector: str | None
) -> Ruling:
    """Refuse (raise) or say where the decision leads and whether it waits for countersign."""
    if outcome not in OUTCOME_STATUS:
        raise BadInput(f"unknown outcome {outcome!r}")
    if facts.status not in DECIDABLE_FROM:
        raise Refused(f"{facts.request_id} is {facts.status.replace('_', ' ')}, not open for a decision")
    if outcome == "deny" and not reasons:
        raise Refused("a denial needs at least one reason code (--reason)")
    if outcome == "approve-with-conditions" and not conditions:
        raise Refused("approve-with-conditions needs at least one condition (--condition)")
    if outcome == "refer" and not (inspector or "").strip():
        raise BadInput("refer needs the inspector referred to (--inspector NAME)")
    if facts.red_line_codes and outcome not in ("deny", "refer"):
        raise Refused(
            f"{facts.request_id} touches the red line {', '.join(facts.red_line_codes)}"
            " (prohibited): it can only be denied, or referred as an escalation"
        )
    why: list[str] = []
    if outcome in APPROVALS:
        refuse_approval(facts, override)
        if facts.caps_reached:
            why.append(f"override of the cap on {', '.join(facts.caps_reached)}")
        if facts.customer_suspended:
            why.append("override: customer suspended")
        if facts.screening_escalated:
            why.append("screening hit escalated")
        for text in facts.unplain_text:
            why.append(f"applicant text not plain: {text}")
        if facts.no_category:
            why.append("no end-use category declared")
    if outcome in FINAL and facts.countersign_codes:
        why.append(f"entries {', '.join(facts.countersign_codes)} need a countersign")
    if outcome == "deny" and facts.kind == "release":
        why.append("every denial of a release needs a countersign")
    if outcome == "refer" and facts.red_line_codes:
        why.append(f"escalation of the red line {', '.join(facts.red_line_codes)}")
    status = OUTCOME_STATUS[outcome]
    if why:
        return Ruling("awaiting_countersign", True, why, bool(override and outcome in APPROVALS))
    return Ruling(status, False, [], False)
