"""Keyset-paged reads for the console: the queue, decisions, the audit chain and grants.

Every page costs an index range of its own length, whatever the size of the database: the
queue walks requests_queue(status, due, id) once per admitted status and merges the streams
in (due, id) order, so no page ever sorts. Counts are whole-range index counts: the console
caches them and recounts only when the database changed. `at_offset` (a jump into the middle,
e.g. a dragged scrollbar) is the one read that grows with its offset; keyboard moves never
need it because a neighbouring page is always cached or the target is an end.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from permittui.domain.clock import today as _today
from permittui.domain.filter import Filter
from permittui.domain.flags import NAMES as FLAG_NAMES
from permittui.domain.models import GRANT_STATUSES
from permittui.store.db import Store
from permittui.store.lookups import codes_under as _codes
from permittui.store.lookups import customer_ids as _customer_ids

Key = tuple[Any, ...]
CUSTOMER_INDEX_MAX = 32


class PageSource(Protocol):
    """What the console's virtual list reads from."""

    def count(self) -> int: ...
    def after(self, key: Key | None, n: int) -> list[Any]: ...
    def before(self, key: Key | None, n: int) -> list[Any]: ...
    def at_offset(self, offset: int, n: int) -> list[Any]: ...
    def position(self, key: Key) -> int: ...


def change_marker(store: Store) -> int:
    """Changes whenever another connection commits (PRAGMA data_version): cheap to poll."""
    with store.lock:
        return store.conn.execute("PRAGMA data_version").fetchone()[0]


# ── the queue ───────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class QueueRow:
    id: str
    kind: str
    customer_id: str
    customer_name: str
    entries: tuple[str, ...]
    due: str
    flags: int
    status: str
    version: int
    priority: int

    @property
    def key(self) -> Key:
        return (self.due, self.id)


_QUEUE_COLUMNS = ("r.id, r.kind, r.customer_id, c.name, r.entries, r.due, r.flags, r.status, r.version,"
                  " r.priority")


def _queue_row(r: Sequence[Any]) -> QueueRow:
    return QueueRow(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6], r[7], r[8], r[9])


def _in(column: str, values: list[Any], params: list[Any]) -> str:
    if not values:
        return "0"
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def filter_sql(store: Store, f: Filter, today: dt.date, hints: dict[str, Any] | None = None
               ) -> tuple[str, list[Any]]:
    """The filter's conditions other than status, as SQL on `r` (requests). `hints` learns how
    many customers a positive customer: term admits (the queue then reads their index)."""
    parts: list[str] = []
    params: list[Any] = []
    for t in f.terms:
        alts: list[str] = []
        if t.field is None:
            needle = t.values[0].casefold()
            params.append(needle)
            alts.append("(instr(lower(r.id), ?) > 0 OR "
                        + _in("r.customer_id", _customer_ids(store, needle, False), params) + ")")
        elif t.field == "status":
            continue  # chosen per stream
        elif t.field == "kind":
            alts.append(_in("r.kind", list(t.values), params))
        elif t.field == "id":
            for v in t.values:
                alts.append("instr(lower(r.id), ?) > 0")
                params.append(v.casefold())
        elif t.field == "customer":
            ids = sorted({i for v in t.values for i in _customer_ids(store, v, True)})
            alts.append(_in("r.customer_id", ids, params))
            if hints is not None and not t.negate:
                hints["customers"] = min(len(ids), hints.get("customers", len(ids)))
        elif t.field == "cap":
            # Point look-ups in request_entries' primary key (code, request_id) for each code
            # the prefix names: tested on the queue index's id, before the table row is read.
            codes = _codes(store, t.values)
            alts.append("EXISTS (SELECT 1 FROM request_entries e WHERE e.request_id = r.id AND "
                        + _in("e.code", codes, params) + ")")
        elif t.field == "flag":
            bits = 0
            for v in t.values:
                bits |= FLAG_NAMES[v]
            alts.append("(r.flags & ?) != 0")
            params.append(bits)
        elif t.field == "due":
            for d in t.due:
                alts.append(f"r.due {d.op} ?")
                params.append(d.bound(today))
        if alts:
            clause = "(" + " OR ".join(alts) + ")"
            parts.append(f"NOT {clause}" if t.negate else clause)
    return (" AND ".join(parts), params)


class QueueSource:
    """Open requests (or those the filter admits), by due date then id."""

    def __init__(self, store: Store, f: Filter | None = None, today: dt.date | None = None) -> None:
        self.store = store
        self.filter = f or Filter()
        self.statuses = self.filter.statuses()
        hints: dict[str, Any] = {}
        self._where, self._params = filter_sql(store, self.filter, today or _today(), hints)
        # A few customers: their (customer, status, due, id) ranges, sorted (a few rows each);
        # otherwise walk the queue index in order and test each row.
        few = hints.get("customers", CUSTOMER_INDEX_MAX + 1) <= CUSTOMER_INDEX_MAX
        self._index = "requests_customer_queue" if few else "requests_queue"
        # Counting a filtered view walks every open request: the console does it off the UI thread.
        self.slow_count = bool(self._where) and not few

    def _select(self, status: str, extra: str, extra_params: list[Any], order: str, limit: int) -> list[QueueRow]:
        where = "r.status = ?" + (f" AND {extra}" if extra else "") + (f" AND {self._where}" if self._where else "")
        sql = (f"SELECT {_QUEUE_COLUMNS} FROM requests r INDEXED BY {self._index}"
               f" JOIN customers c ON c.id = r.customer_id WHERE {where} ORDER BY {order} LIMIT ?")
        with self.store.lock:
            rows = self.store.conn.execute(sql, [status, *extra_params, *self._params, limit]).fetchall()
        return [_queue_row(r) for r in rows]

    def after(self, key: Key | None, n: int) -> list[QueueRow]:
        extra, args = ("(r.due, r.id) > (?, ?)", list(key)) if key else ("", [])
        streams = [self._select(s, extra, args, "r.due, r.id", n) for s in self.statuses]
        return list(heapq.merge(*streams, key=lambda r: r.key))[:n]

    def before(self, key: Key | None, n: int) -> list[QueueRow]:
        extra, args = ("(r.due, r.id) < (?, ?)", list(key)) if key else ("", [])
        streams = [self._select(s, extra, args, "r.due DESC, r.id DESC", n) for s in self.statuses]
        rows = list(heapq.merge(*streams, key=lambda r: r.key, reverse=True))[:n]
        rows.reverse()
        return rows

    def at_offset(self, offset: int, n: int) -> list[QueueRow]:
        """A jump into the middle (a dragged scrollbar): walk the keys only, index-only, up to
        the offset, then read one page after it. Grows with the offset; keys never need it."""
        if offset <= 0:
            return self.after(None, n)
        where = "r.status = ?" + (f" AND {self._where}" if self._where else "")
        sql = (f"SELECT r.due, r.id FROM requests r INDEXED BY {self._index} WHERE {where}"
               " ORDER BY r.due, r.id LIMIT ?")
        with self.store.lock:
            streams = [self.store.conn.execute(sql, [s, *self._params, offset]).fetchall() for s in self.statuses]
        keys = list(heapq.merge(*streams))
        if len(keys) < offset:
            return []
        return self.after(tuple(keys[offset - 1]), n)

    def _count(self, extra: str, args: list[Any], store: Store | None = None) -> int:
        store = store or self.store
        total = 0
        with store.lock:
            for s in self.statuses:
                where = "r.status = ?" + (f" AND {extra}" if extra else "") + (
                    f" AND {self._where}" if self._where else "")
                total += store.conn.execute(
                    f"SELECT COUNT(*) FROM requests r INDEXED BY {self._index} WHERE {where}",
                    [s, *args, *self._params]).fetchone()[0]
        return total

    def count(self, store: Store | None = None) -> int:
        """The rows the filter admits; `store` may be another connection to the same file
        (the console counts a slow filter on its background connection)."""
        return self._count("", [], store)

    def position(self, key: Key) -> int:
        return self._count("(r.due, r.id) < (?, ?)", list(key))

    def key_of(self, request_id: str) -> Key | None:
        """The sort key of a request if the filter admits it, else None (one primary-key read)."""
        marks = ",".join("?" * len(self.statuses))
        where = f"r.id = ? AND r.status IN ({marks})" + (f" AND {self._where}" if self._where else "")
        with self.store.lock:
            row = self.store.conn.execute(
                f"SELECT r.due FROM requests r WHERE {where}",
                [request_id, *self.statuses, *self._params]).fetchone()
        return (row[0], request_id) if row else None


# ── history: decisions and the audit chain, newest first ────────────────────────────────────

@dataclass(frozen=True)
class DecisionRow:
    id: int
    request_id: str
    outcome: str
    officer: str
    decided_at: str
    status_after: str
    reasons: tuple[str, ...]
    note: str
    acts_on: int | None

    @property
    def key(self) -> Key:
        return (-self.id,)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    officer: str
    action: str
    subject: str
    payload: str

    @property
    def key(self) -> Key:
        return (-self.seq,)


class _NewestFirst:
    """Rows of an append-only table with a gapless integer key, newest first."""

    table = ""
    pk = ""
    columns = ""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _make(self, r: Sequence[Any]) -> Any:
        raise NotImplementedError

    def _rows(self, where: str, args: list[Any], order: str, n: int, offset: int = 0) -> list[Any]:
        sql = (f"SELECT {self.columns} FROM {self.table} {('WHERE ' + where) if where else ''}"
               f" ORDER BY {self.pk} {order} LIMIT ? OFFSET ?")
        with self.store.lock:
            return [self._make(r) for r in self.store.conn.execute(sql, [*args, n, offset]).fetchall()]

    def count(self) -> int:
        # Append-only with triggers refusing DELETE: the highest key is the row count.
        with self.store.lock:
            return self.store.conn.execute(f"SELECT COALESCE(MAX({self.pk}), 0) FROM {self.table}").fetchone()[0]

    def after(self, key: Key | None, n: int) -> list[Any]:
        return self._rows(f"{self.pk} < ?" if key else "", [-key[0]] if key else [], "DESC", n)

    def before(self, key: Key | None, n: int) -> list[Any]:
        rows = self._rows(f"{self.pk} > ?" if key else "", [-key[0]] if key else [], "ASC", n)
        rows.reverse()
        return rows

    def at_offset(self, offset: int, n: int) -> list[Any]:
        return self._rows(f"{self.pk} <= ?", [self.count() - offset], "DESC", n)

    def position(self, key: Key) -> int:
        return self.count() - (-key[0])


class DecisionSource(_NewestFirst):
    table, pk = "decisions", "id"
    columns = "id, request_id, outcome, officer, decided_at, status_after, reasons, note, acts_on"

    def _make(self, r: Sequence[Any]) -> DecisionRow:
        return DecisionRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), r[7], r[8])


class AuditSource(_NewestFirst):
    table, pk = "audit", "seq"
    columns = "seq, at, officer, action, subject, substr(payload, 1, 400)"

    def _make(self, r: Sequence[Any]) -> AuditRow:
        return AuditRow(*r)


# ── allow-lists ─────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class GrantRow:
    id: int
    customer_id: str
    customer_name: str
    code: str
    end_use: str
    granted: str
    expires: str
    status: str
    status_reason: str

    @property
    def key(self) -> Key:
        return (self.expires, self.id)

    def effective_status(self, today_iso: str) -> str:
        return "expired" if self.status == "active" and self.expires < today_iso else self.status


class GrantSource:
    """Grants, soonest expiry first; the filter's cap:, customer:, status: and free text apply."""

    columns = ("g.id, g.customer_id, c.name, g.code, g.end_use, g.granted, g.expires, g.status,"
               " g.status_reason")

    def __init__(self, store: Store, f: Filter | None = None, today: dt.date | None = None) -> None:
        self.store = store
        day = (today or _today()).isoformat()
        parts: list[str] = []
        self._params: list[Any] = []
        for t in (f or Filter()).terms:
            alts: list[str] = []
            if t.field == "cap":
                for v in t.values:
                    alts.append("(g.code >= ? AND g.code < ?)")
                    self._params += [v, v + "\uffff"]
            elif t.field == "customer":
                for v in t.values:
                    alts.append("(lower(g.customer_id) = ? OR instr(c.name_key, ?) > 0)")
                    self._params += [v, v]
            elif t.field == "status":
                for v in t.values:
                    if v == "expired":
                        alts.append("(g.status = 'active' AND g.expires < ?)")
                        self._params.append(day)
                    elif v == "active":
                        alts.append("(g.status = 'active' AND g.expires >= ?)")
                        self._params.append(day)
                    elif v in GRANT_STATUSES:
                        alts.append("g.status = ?")
                        self._params.append(v)
            elif t.field is None:
                alts.append("(instr(lower(g.customer_id), ?) > 0 OR instr(c.name_key, ?) > 0"
                            " OR instr(lower(g.end_use), ?) > 0)")
                self._params += [t.values[0]] * 3
            if alts:
                clause = "(" + " OR ".join(alts) + ")"
                parts.append(f"NOT {clause}" if t.negate else clause)
        self._where = " AND ".join(parts)

    def _rows(self, extra: str, args: list[Any], order: str, n: int, offset: int = 0) -> list[GrantRow]:
        conds = [c for c in (extra, self._where) if c]
        sql = (f"SELECT {self.columns} FROM grants g INDEXED BY grants_expires JOIN customers c ON c.id = g.customer_id"
               f" {('WHERE ' + ' AND '.join(conds)) if conds else ''} ORDER BY {order} LIMIT ? OFFSET ?")
        with self.store.lock:
            return [GrantRow(*r) for r in self.store.conn.execute(sql, [*args, *self._params, n, offset])]

    def after(self, key: Key | None, n: int) -> list[GrantRow]:
        return self._rows("(g.expires, g.id) > (?, ?)" if key else "", list(key or ()), "g.expires, g.id", n)

    def before(self, key: Key | None, n: int) -> list[GrantRow]:
        rows = self._rows("(g.expires, g.id) < (?, ?)" if key else "", list(key or ()),
                          "g.expires DESC, g.id DESC", n)
        rows.reverse()
        return rows

    def at_offset(self, offset: int, n: int) -> list[GrantRow]:
        return self._rows("", [], "g.expires, g.id", n, offset)

    def _count(self, extra: str, args: list[Any]) -> int:
        conds = [c for c in (extra, self._where) if c]
        sql = (f"SELECT COUNT(*) FROM grants g JOIN customers c ON c.id = g.customer_id"
               f" {('WHERE ' + ' AND '.join(conds)) if conds else ''}")
        with self.store.lock:
            return self.store.conn.execute(sql, [*args, *self._params]).fetchone()[0]

    def count(self) -> int:
        return self._count("", [])

    def position(self, key: Key) -> int:
        return self._count("(g.expires, g.id) < (?, ?)", list(key))
