"""Keyset-paged reads for the console's queue (the other lists: store/sources.py).

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
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from permittui.domain.clock import today as _today
from permittui.domain.filter import Filter
from permittui.domain.flags import NAMES as FLAG_NAMES
from permittui.domain.models import OPEN_STATUSES
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


_QUEUE_COLUMNS = "r.id, r.kind, r.customer_id, c.name, r.entries, r.due, r.flags, r.status, r.version, r.priority"


def _queue_row(r: Sequence[Any]) -> QueueRow:
    return QueueRow(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6], r[7], r[8], r[9])


def _in(column: str, values: list[Any], params: list[Any]) -> str:
    if not values:
        return "0"
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def filter_sql(store: Store, f: Filter, today: dt.date, hints: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The filter's conditions other than status, as SQL on `r` (requests). `hints` learns how
    many customers a positive customer: term admits (the queue then reads their index)."""
    parts: list[str] = []
    params: list[Any] = []
    for t in f.terms:
        alts: list[str] = []
        if t.field is None:
            needle = t.values[0].casefold()
            params.append(needle)
            alts.append(
                "(instr(lower(r.id), ?) > 0 OR "
                + _in("r.customer_id", _customer_ids(store, needle, False), params)
                + ")"
            )
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
            alts.append(
                "EXISTS (SELECT 1 FROM request_entries e WHERE e.request_id = r.id AND "
                + _in("e.code", codes, params)
                + ")"
            )
            if hints is not None and not t.negate and "cap_codes" not in hints:
                hints["cap_codes"] = codes
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
        # An entry (cap:) among open requests: open_entries' (code, status, due, id) ranges.
        opened = set(self.statuses) <= set(OPEN_STATUSES)
        self._codes = hints.get("cap_codes") if opened and not few else None
        # Counting a filtered view walks every open request: the console does it off the UI thread
        # (a few customers', or an entry's alone, are index ranges: counted at once).
        entry_alone = self._codes is not None and sum(t.field != "status" for t in self.filter.terms) == 1
        self.slow_count = bool(self._where) and not few and not entry_alone

    def _keys(self, status: str, code: str | None, key: Key | None, backwards: bool, limit: int) -> list[Key]:
        """One stream: the first `limit` keys after (before) `key` of one status, or of one
        status and entry."""
        due, rid = ("o.due", "o.request_id") if code is not None else ("r.due", "r.id")
        where = "o.code = ? AND o.status = ?" if code is not None else "r.status = ?"
        if key is not None:
            where += f" AND ({due}, {rid}) {'<' if backwards else '>'} (?, ?)"
        if self._where:
            where += f" AND {self._where}"
        source = (
            "open_entries o JOIN requests r ON r.id = o.request_id"
            if code is not None
            else f"requests r INDEXED BY {self._index}"
        )
        order = f"{due} DESC, {rid} DESC" if backwards else f"{due}, {rid}"
        args = [*([code] if code is not None else []), status, *(key or ()), *self._params, limit]
        return self.store.conn.execute(
            f"SELECT {due}, {rid} FROM {source} WHERE {where} ORDER BY {order} LIMIT ?", args
        ).fetchall()

    def _page(self, key: Key | None, n: int, backwards: bool) -> list[QueueRow]:
        """n rows in (due, id) order: each stream's n first keys from its index range (the
        unfiltered queue reads the index alone), merged, then only the n rows that won. A
        request naming two of the entries is in two streams: the merge meets it twice in a row."""
        with self.store.lock:
            # One read transaction: a commit between the two reads cannot change what they see.
            own = not self.store.conn.in_transaction
            if own:
                self.store.conn.execute("BEGIN")
            try:
                streams = [self._keys(s, c, key, backwards, n) for s in self.statuses for c in (self._codes or [None])]
                keys = [k for k, _ in itertools.groupby(heapq.merge(*streams, reverse=backwards))][:n]
                ids = [k[1] for k in keys]
                found = (
                    self.store.conn.execute(
                        f"SELECT {_QUEUE_COLUMNS} FROM requests r JOIN customers c ON c.id = r.customer_id"
                        f" WHERE r.id IN ({','.join('?' * len(ids))})",
                        ids,
                    ).fetchall()
                    if ids
                    else []
                )
            finally:
                if own:
                    self.store.conn.execute("COMMIT")
        by_id = {r[0]: r for r in found}
        rows = [_queue_row(by_id[i]) for i in ids if i in by_id]
        if backwards:
            rows.reverse()
        return rows

    def after(self, key: Key | None, n: int) -> list[QueueRow]:
        return self._page(key, n, backwards=False)

    def before(self, key: Key | None, n: int) -> list[QueueRow]:
        return self._page(key, n, backwards=True)

    def at_offset(self, offset: int, n: int) -> list[QueueRow]:
        """A jump into the middle (a dragged scrollbar): walk the keys only, index-only, up to
        the offset, then read one page after it. Grows with the offset; keys never need it."""
        if offset <= 0:
            return self.after(None, n)
        where = "r.status = ?" + (f" AND {self._where}" if self._where else "")
        sql = f"SELECT r.due, r.id FROM requests r INDEXED BY {self._index} WHERE {where} ORDER BY r.due, r.id LIMIT ?"
        with self.store.lock:
            streams = [self.store.conn.execute(sql, [s, *self._params, offset]).fetchall() for s in self.statuses]
        keys = list(heapq.merge(*streams))
        if len(keys) < offset:
            return []
        return self.after(tuple(keys[offset - 1]), n)

    def _count(self, before: Key | None, store: Store | None = None) -> int:
        """How many rows the filter admits (before `before`, if given): an index range per
        status, or for an entry (cap:) its open requests, each once."""
        store = store or self.store
        entries = self._codes is not None
        due, rid = ("o.due", "o.request_id") if entries else ("r.due", "r.id")
        where = f" AND ({due}, {rid}) < (?, ?)" if before is not None else ""
        where += f" AND {self._where}" if self._where else ""
        args = [*(before or ()), *self._params]
        with store.lock:
            if entries:
                codes = self._codes or []
                return store.conn.execute(
                    f"SELECT COUNT(DISTINCT o.request_id) FROM open_entries o JOIN requests r ON r.id = o.request_id"
                    f" WHERE o.code IN ({','.join('?' * len(codes))})"
                    f" AND o.status IN ({','.join('?' * len(self.statuses))}){where}",
                    [*codes, *self.statuses, *args],
                ).fetchone()[0]
            return sum(
                store.conn.execute(
                    f"SELECT COUNT(*) FROM requests r INDEXED BY {self._index} WHERE r.status = ?{where}", [s, *args]
                ).fetchone()[0]
                for s in self.statuses
            )

    def count(self, store: Store | None = None) -> int:
        """The rows the filter admits; `store` may be another connection to the same file
        (the console counts a slow filter on its background connection)."""
        return self._count(None, store)

    def position(self, key: Key) -> int:
        return self._count(key)

    def key_of(self, request_id: str) -> Key | None:
        """The sort key of a request if the filter admits it, else None (one primary-key read)."""
        marks = ",".join("?" * len(self.statuses))
        where = f"r.id = ? AND r.status IN ({marks})" + (f" AND {self._where}" if self._where else "")
        with self.store.lock:
            row = self.store.conn.execute(
                f"SELECT r.due FROM requests r WHERE {where}", [request_id, *self.statuses, *self._params]
            ).fetchone()
        return (row[0], request_id) if row else None
