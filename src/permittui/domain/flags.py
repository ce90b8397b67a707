"""The flags shown in the queue: a bit set stored on each request, derived by the rules."""

from __future__ import annotations

RED_LINE = 1
SCREENING = 2
CAP = 4
COUNTERSIGN = 8
SUSPENDED_CUSTOMER = 16
EXPIRED_GRANT = 32
UNREADABLE = 64  # applicant text not plain, or a value the rules can't compare: never one officer's pass

LETTERS = (
    (RED_LINE, "R", "red line"),
    (SCREENING, "S", "screening hit"),
    (CAP, "C", "allow-list cap reached"),
    (COUNTERSIGN, "2", "needs countersign"),
    (SUSPENDED_CUSTOMER, "X", "customer suspended"),
    (EXPIRED_GRANT, "E", "grant expired"),
    (UNREADABLE, "?", "text or value the rules can't read plainly"),
)

NAMES = {
    "redline": RED_LINE,
    "screening": SCREENING,
    "cap": CAP,
    "countersign": COUNTERSIGN,
    "suspended": SUSPENDED_CUSTOMER,
    "expired": EXPIRED_GRANT,
    "unreadable": UNREADABLE,
}


def letters(bits: int) -> str:
    return "".join(letter if bits & bit else "·" for bit, letter, _ in LETTERS)


def describe(bits: int) -> list[str]:
    return [name for bit, _, name in LETTERS if bits & bit]
