"""The console's filter language (design §3), parsed into terms; pure, no SQL, no Textual.

    status:pending kind:release customer:acme cap:AI.C.1 due:<7d flag:redline !flag:cap "free text"

- `field:value` qualifiers; `value` may list alternatives with commas (`status:pending,referred`).
- `!` before a term negates it (`!status:referred`, `!acme`).
- Words without a field are free text, matched against the request id and the customer name.
- Double quotes keep spaces together (`customer:"acme holdings"`).
- Different terms must all hold (AND); alternatives inside one term are OR.

`due:` takes `<7d`, `<=30d`, `>0d`, `overdue`, `soon` (within 7 days) or a date (`<2026-09-01`).
`status:` takes a status, `open` (the default when no status is given), `closed` or `all`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from permittui.domain.flags import NAMES as FLAG_NAMES
from permittui.domain.models import CLOSED_STATUSES, GRANT_STATUSES, OPEN_STATUSES, REQUEST_KINDS, REQUEST_STATUSES
from permittui.errors import BadInput

FIELDS = ("status", "kind", "customer", "cap", "due", "flag", "id")
DUE_SOON_DAYS = 7
# Bounds on what a typed (or pasted) filter may ask, each refused with a notice: every term and
# alternative is a condition on the query, and a day offset must stay a date.
MAX_FILTER_CHARS = 1_000
MAX_TERMS = 20
MAX_ALTERNATIVES = 20
MAX_DUE_DAYS = 36_500  # a hundred years either way
_DUE_RE = re.compile(r"^(<=|>=|<|>|=)?\s*(?:([-+]?[0-9]{1,9})d|([0-9]{4}-[0-9]{2}-[0-9]{2}))$", re.ASCII)
_STATUS_GROUPS = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES, "all": REQUEST_STATUSES}


@dataclass(frozen=True)
class Due:
    """A bound on the due date: `op` against a day offset from today, or a fixed date."""

    op: str
    days: int | None = None
    date: str | None = None

    def bound(self, today: dt.date) -> str:
        if self.date is not None:
            return self.date
        return (today + dt.timedelta(days=self.days or 0)).isoformat()


@dataclass(frozen=True)
class Term:
    field: str | None  # None: free text
    values: tuple[str, ...]  # alternatives (OR)
    negate: bool = False
    due: tuple[Due, ...] = ()  # for field == "due", one per alternative


@dataclass(frozen=True)
class Filter:
    source: str = ""
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.terms

    def statuses(self) -> tuple[str, ...]:
        """The request statuses the filter admits, in lifecycle order (open ones by default)."""
        chosen: set[str] | None = None
        excluded: set[str] = set()
        for t in self.terms:
            if t.field != "status":
                continue
            names = {s for v in t.values for s in _STATUS_GROUPS.get(v, (v,))}
            if t.negate:
                excluded |= names
            else:
                chosen = names if chosen is None else chosen & names
        if chosen is None:
            chosen = set(OPEN_STATUSES)
        return tuple(s for s in REQUEST_STATUSES if s in chosen and s not in excluded)

    def of(self, name: str) -> list[Term]:
        return [t for t in self.terms if t.field == name]


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    buf: list[str] = []
    quoted = started = False
    for ch in text:
        if ch == '"':
            quoted, started = not quoted, True
        elif ch.isspace() and not quoted:
            if started:
                out.append("".join(buf))
            buf, started = [], False
        else:
            buf.append(ch)
            started = True
    if quoted:
        raise BadInput("filter: a double quote is not closed")
    if started:
        out.append("".join(buf))
    return out


def _due(value: str) -> Due:
    v = value.strip().lower()
    if v == "overdue":
        return Due("<", 0)
    if v == "soon":
        return Due("<=", DUE_SOON_DAYS)
    m = _DUE_RE.match(v)
    if not m:
        raise BadInput(f"filter: due:{value[:40]} — use e.g. due:<7d, due:>=30d, due:overdue or due:<2026-09-01")
    op = m.group(1) or "<="
    if m.group(3):
        try:
            dt.date.fromisoformat(m.group(3))
        except ValueError:
            raise BadInput(f"filter: due:{value} — {m.group(3)} is not a date") from None
        return Due(op, date=m.group(3))
    days = int(m.group(2))
    if abs(days) > MAX_DUE_DAYS:
        raise BadInput(f"filter: due:{value} — a day count of at most {MAX_DUE_DAYS} either way")
    return Due(op, days=days)


def _code_prefix(value: str) -> str:
    """`ai.c.1.A` -> `AI.C.1.a`: codes are AI.<CATEGORY>.<number>.<sub-paragraph>."""
    parts = value.split(".")
    if parts[0].lower() != "ai":
        return value
    parts[0] = "AI"
    if len(parts) > 1:
        parts[1] = parts[1].upper()
    if len(parts) > 3:
        parts[3] = parts[3].lower()
    return ".".join(parts)


def _term(token: str, context: str) -> Term:
    negate = token.startswith("!")
    body = token[1:] if negate else token
    if not body:
        raise BadInput("filter: `!` must come before a term, e.g. !status:referred")
    name, sep, value = body.partition(":")
    if not sep or name.lower() not in FIELDS:
        if sep and re.fullmatch(r"[a-z_]+", name.lower()):
            raise BadInput(f"filter: unknown field {name!r}; fields are {', '.join(FIELDS)}")
        return Term(None, (body.casefold(),), negate)
    name = name.lower()
    values = tuple(v.strip() for v in value.split(",") if v.strip())
    if not values:
        raise BadInput(f"filter: {name}: needs a value")
    if len(values) > MAX_ALTERNATIVES:
        raise BadInput(f"filter: {name}: more than {MAX_ALTERNATIVES} alternatives")
    if name == "status":
        values = tuple(v.lower() for v in values)
        for v in values:
            if context == "grants" and v in GRANT_STATUSES:
                continue
            if v not in REQUEST_STATUSES and v not in _STATUS_GROUPS:
                raise BadInput(
                    f"filter: unknown status {v!r}; use one of {', '.join(REQUEST_STATUSES)}, open, closed, all"
                )
    elif name == "kind":
        values = tuple(v.lower() for v in values)
        for v in values:
            if v not in REQUEST_KINDS:
                raise BadInput(f"filter: unknown kind {v!r}; use one of {', '.join(REQUEST_KINDS)}")
    elif name == "flag":
        values = tuple(v.lower().replace("-", "").replace("_", "") for v in values)
        for v in values:
            if v not in FLAG_NAMES:
                raise BadInput(f"filter: unknown flag {v!r}; use one of {', '.join(FLAG_NAMES)}")
    elif name == "cap":
        values = tuple(_code_prefix(v) for v in values)
    elif name == "due":
        return Term(name, values, negate, tuple(_due(v) for v in values))
    else:
        values = tuple(v.casefold() for v in values) if name == "customer" else values
    return Term(name, values, negate)


def parse(text: str, context: str = "requests") -> Filter:
    """Parse a filter line; raises BadInput with a one-line message naming the bad term.

    With context="grants", `status:` takes grant statuses (active, suspended, revoked, expired)."""
    if len(text) > MAX_FILTER_CHARS:
        raise BadInput(f"filter: longer than {MAX_FILTER_CHARS} characters")
    tokens = _tokens(text)
    if len(tokens) > MAX_TERMS:
        raise BadInput(f"filter: more than {MAX_TERMS} terms")
    return Filter(text.strip(), tuple(_term(t, context) for t in tokens))


def describe(f: Filter) -> str:
    """A short human statement of the filter, for the status line."""
    return f.source or "open requests"
