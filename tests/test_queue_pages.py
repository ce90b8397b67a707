"""The console's queue pages (store/queue.py): keys merged from each status's index range, then
the rows that won. Walked forwards and backwards in small pages, they must give exactly what one
ORDER BY over the whole table gives, for the unfiltered queue and for filters."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from permittui.domain.filter import parse
from permittui.identity import Officer
from permittui.store.db import init_store
from permittui.store.demo import load_demo
from permittui.store.queue import QueueSource

from support import TODAY

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
        return [tuple(r) for r in conn.execute(
            f"SELECT due, id FROM requests WHERE status IN ({','.join('?' * len(OPEN))}) AND {where}"
            " ORDER BY due, id", (*OPEN, *args))]
    finally:
        conn.close()


@pytest.mark.parametrize("text, where, args", [
    ("", "1", ()),
    ("kind:release", "kind = ?", ("release",)),
    ("due:<7d", "due < ?", ((dt.date.fromisoformat(TODAY) + dt.timedelta(days=7)).isoformat(),)),
])
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
        name, entries = conn.execute("SELECT c.name, r.entries FROM requests r JOIN customers c ON c.id = r.customer_id"
                                     " WHERE r.id = ?", (row.id,)).fetchone()
    finally:
        conn.close()
    assert row.customer_name == name and list(row.entries) == json.loads(entries)
