"""Keyset-paged reads for the console's other lists: decisions and the audit chain (newest
first) and grants (soonest expiry first). Same contract as the queue's (store/queue.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from permittui.domain.clock import today as _today
from permittui.domain.filter import Filter
from permittui.domain.models import GRANT_STATUSES
from permittui.store.db import Store
from permittui.store.queue import Key

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
        sql = (
            f"SELECT {self.columns} FROM {self.table} {('WHERE ' + where) if where else ''}"
            f" ORDER BY {self.pk} {order} LIMIT ? OFFSET ?"
        )
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

    columns = "g.id, g.customer_id, c.name, g.code, g.end_use, g.granted, g.expires, g.status, g.status_reason"

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
                alts.append(
                    "(instr(lower(g.customer_id), ?) > 0 OR instr(c.name_key, ?) > 0 OR instr(lower(g.end_use), ?) > 0)"
                )
                self._params += [t.values[0]] * 3
            if alts:
                clause = "(" + " OR ".join(alts) + ")"
                parts.append(f"NOT {clause}" if t.negate else clause)
        self._where = " AND ".join(parts)

    def _rows(self, extra: str, args: list[Any], order: str, n: int, offset: int = 0) -> list[GrantRow]:
        conds = [c for c in (extra, self._where) if c]
        sql = (
            f"SELECT {self.columns} FROM grants g INDEXED BY grants_expires JOIN customers c ON c.id = g.customer_id"
            f" {('WHERE ' + ' AND '.join(conds)) if conds else ''} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        with self.store.lock:
            return [GrantRow(*r) for r in self.store.conn.execute(sql, [*args, *self._params, n, offset])]

    def after(self, key: Key | None, n: int) -> list[GrantRow]:
        return self._rows("(g.expires, g.id) > (?, ?)" if key else "", list(key or ()), "g.expires, g.id", n)

    def before(self, key: Key | None, n: int) -> list[GrantRow]:
        rows = self._rows("(g.expires, g.id) < (?, ?)" if key else "", list(key or ()), "g.expires DESC, g.id DESC", n)
        rows.reverse()
        return rows

    def at_offset(self, offset: int, n: int) -> list[GrantRow]:
        return self._rows("", [], "g.expires, g.id", n, offset)

    def _count(self, extra: str, args: list[Any]) -> int:
        conds = [c for c in (extra, self._where) if c]
        sql = (
            f"SELECT COUNT(*) FROM grants g JOIN customers c ON c.id = g.customer_id"
            f" {('WHERE ' + ' AND '.join(conds)) if conds else ''}"
        )
        with self.store.lock:
            return self.store.conn.execute(sql, [*args, *self._params]).fetchone()[0]

    def count(self) -> int:
        return self._count("", [])

    def position(self, key: Key) -> int:
        return self._count("(g.expires, g.id) < (?, ?)", list(key))
