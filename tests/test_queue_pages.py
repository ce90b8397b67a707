"""The console's queue pages (store/queue.py): keys merged from each status's index range, then
the rows that won. Walked forwards and backwards in small pages, they must give exactly what one
ORDER BY over the whole table gives, for the unfiltered queue and for filters."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from support import TODAY, as_schema

from permittui.domain.filter import parse
from permittui.identity import Officer
from permittui.store.db import init_store
from permittui.store.demo import load_demo
from permittui.store.queue import QueueSource

OPEN = ("pending", "info_requested", "referred", "awaiting_countersign")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "demo.db"
    store = init_store(path, Officer("alice", "alice"))
    for _ in load_demo(store):
        pass
    yield store
    store.close()


def expected(store, where: str = "1", args: tuple = ()) -> list[tuple[str, str]]:
    conn = sqlite3.connect(store.path)
    try:
        return [
            tuple(r)
            for r in conn.execute(
                f"SELECT due, id FROM requests WHERE status IN ({','.join('?' * len(OPEN))}) AND {where}"
                " ORDER BY due, id",
                (*OPEN, *args),
            )
        ]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "text, where, args",
    [
        ("", "1", ()),
        ("kind:release", "kind = ?", ("release",)),
        ("due:<7d", "due < ?", ((dt.date.fromisoformat(TODAY) + dt.timedelta(days=7)).isoformat(),)),
        # cap: reads open_entries' ranges, one stream per entry and status (a request naming two
        # of the entries is in two streams and must come out once)
        ("cap:AI.C", "id IN (SELECT request_id FROM request_entries WHERE code LIKE 'AI.C.%')", ()),
        (
            "cap:AI.C kind:access",
            "kind = 'access' AND id IN (SELECT request_id FROM request_entries WHERE code LIKE 'AI.C.%')",
            (),
        ),
    ],
)
def test_pages_forwards_and_backwards_equal_one_sorted_read(demo, text, where, args):
    source = QueueSource(demo, parse(text))
    want = expected(demo, where, args)
    assert len(want) > 20
    seen, key = [], None
    while page := source.after(key, 7):
        seen += [r.key for r in page]
        key = page[-1].key
    assert seen == want
    back, key = [], None
    while page := source.before(key, 7):
        back = [r.key for r in page] + back
        key = page[0].key
    assert back == want
    assert source.count() == len(want)
    middle = want[len(want) // 2]
    assert source.position(middle) == len(want) // 2
    assert [r.key for r in source.at_offset(5, 3)] == want[5:8]


def test_a_page_row_carries_its_customer_and_entries(demo):
    row = QueueSource(demo).after(None, 1)[0]
    conn = sqlite3.connect(demo.path)
    try:
        name, entries = conn.execute(
            "SELECT c.name, r.entries FROM requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?",
            (row.id,),
        ).fetchone()
    finally:
        conn.close()
    assert row.customer_name == name and list(row.entries) == json.loads(entries)


def _open_entries(path) -> tuple[set, set]:
    """(what open_entries holds, what it must hold by its definition)."""
    conn = sqlite3.connect(path)
    try:
        have = set(conn.execute("SELECT code, status, due, request_id FROM open_entries"))
        want = set(
            conn.execute(
                "SELECT j.value, r.status, r.due, r.id FROM requests r, json_each(r.entries) j WHERE r.status IN"
                f" ({','.join('?' * len(OPEN))})",
                OPEN,
            )
        )
        return have, want
    finally:
        conn.close()


def test_open_entries_follow_every_kind_of_decision(tmp_path):
    from permittui.store import decisions

    path = tmp_path / "d.db"
    store = init_store(path, Officer("alice", "alice"))
    try:
        for _ in load_demo(store):
            pass
        pending = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM requests WHERE status = 'pending' AND entries NOT LIKE '%.9.%' ORDER BY id LIMIT 6"
            )
        ]
        decisions.decide(store, pending[0], "deny", reasons=["PARTY-UNVERIFIED"])
        decisions.decide(store, pending[1], "request-info")
        decisions.decide(store, pending[2], "refer", inspector="Dr. Imre")
        decisions.decide(store, pending[3], "return", reasons=["RWA-INCOMPLETE"])
        decisions.reverse(store, pending[3], note="recorded in error")
        have, want = _open_entries(path)
        assert have == want and len(want) > 100
    finally:
        store.close()


def test_an_older_database_gets_open_entries_filled_when_opened(tmp_path):
    from permittui.store.db import open_store

    store = init_store(tmp_path / "demo.db", Officer("alice", "alice"))
    for _ in load_demo(store):
        pass
    store.close()
    as_schema(tmp_path / "demo.db", 2)  # no table, no triggers
    open_store(tmp_path / "demo.db", Officer("alice", "alice")).close()
    have, want = _open_entries(tmp_path / "demo.db")
    assert have == want and len(want) > 100
