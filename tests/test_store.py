"""The store on real files: schema version, migrations, one-transaction writes, read-only."""

from __future__ import annotations

import sqlite3

import pytest

from permittui.errors import Refused
from permittui.identity import Officer
from permittui.store import SCHEMA_VERSION, open_store
from permittui.store.db import init_store


def test_new_database_is_at_current_schema(tmp_path):
    s = init_store(tmp_path / "a.db", Officer("a", "a"))
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    s.close()


def test_empty_file_is_migrated_forward(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file at schema 0
    s = open_store(path, Officer("a", "a"))
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert s.conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 0
    s.close()


def test_failed_write_leaves_nothing(tmp_path):
    s = init_store(tmp_path / "a.db", Officer("a", "a"))
    before = s.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    with pytest.raises(RuntimeError):
        with s.write():
            s.audit("test", "x", {})
            raise RuntimeError("crash mid-transaction")
    assert s.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == before
    s.close()


def test_read_only_store_refuses_writes(db_path):
    s = open_store(db_path, Officer("a", "a"), read_only=True)
    with pytest.raises(Refused, match="read-only"):
        with s.write():
            pass
    with pytest.raises(sqlite3.OperationalError):
        s.conn.execute("UPDATE requests SET status = 'denied'")
    s.close()


def test_store_usable_from_another_thread(db_path):
    import threading

    s = open_store(db_path, Officer("a", "a"))
    out = []
    t = threading.Thread(target=lambda: out.append(s.conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0]))
    t.start()
    t.join()
    assert out == [5]
    s.close()


def test_parsed_schedule_cache_sees_changes_made_by_hand(db_path):
    from permittui.store.derive import load_entries

    s = open_store(db_path, Officer("a", "a"))
    assert load_entries(s.conn)["AI.C.2.a"].allow_list_cap != 3
    other = sqlite3.connect(db_path)
    other.execute("UPDATE schedule_entries SET allow_list_cap = 3 WHERE code = 'AI.C.2.a'")
    other.commit()
    other.close()
    assert load_entries(s.conn)["AI.C.2.a"].allow_list_cap == 3
    s.close()
