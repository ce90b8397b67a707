"""Roles, and what each action needs (one table: the store checks it, refusals quote it)."""

from __future__ import annotations

ROLES = ("officer", "senior", "inspector", "admin")

# action -> (roles any one of which allows it, what the action is in a refusal)
NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "decide": (("officer", "senior"), "decide a request"),
    "countersign": (("senior",), "countersign or send back a decision"),
    "disposition": (("officer", "senior"), "disposition a screening hit"),
    "unconfirm": (("senior",), "clear or re-open a confirmed screening hit"),
    "grant_suspend": (("officer", "senior"), "suspend a grant"),
    "grant_revoke": (("senior",), "revoke a grant"),
    "grant_reinstate": (("senior",), "reinstate a grant"),
    "schedule_approve": (("senior",), "approve a proposed schedule version"),
    "import": (("officer", "senior", "admin"), "import a file"),
    "advise": (("inspector",), "give advice on a referral"),
    "officers": (("admin",), "add, change or disable officers"),
}

# What a name no officer record knows may do, on a single desk (a database without strict
# identity): decide, as before. What needs a second, senior officer needs a registered one.
UNREGISTERED = ("officer",)
# The first officer of a new database: it runs the desk and can add the others.
FIRST = ("admin", "senior", "officer")


def allows(roles: tuple[str, ...] | list[str], action: str) -> bool:
    return any(r in roles for r in NEEDS[action][0])


def needed(action: str) -> str:
    """'the senior role' / 'the officer or senior role', for a refusal."""
    names = NEEDS[action][0]
    return f"the {' or '.join(names)} role"


def parse(text: str) -> tuple[str, ...]:
    """'officer,senior' -> ('officer', 'senior'); ValueError naming an unknown role."""
    roles = tuple(dict.fromkeys(r.strip().casefold() for r in text.replace(" ", ",").split(",") if r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    if not roles:
        raise ValueError(f"name at least one role: {', '.join(ROLES)}")
    return roles
