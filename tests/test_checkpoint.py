"""Issue 6: WAL checkpoints on a thread (`open_store(..., background_checkpoint=True)`), not in a commit.

Real database files: after many decisions the WAL has been checkpointed and restarted (it does
not grow), a reader holding an old snapshot on another connection is not disturbed, closing the
store stops the thread and leaves a database `audit verify` accepts, the committing thread
checkpoints itself when the thread is not there, and decisions acknowledged before a SIGKILL
survive it.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
import traceback
from pathlib import Path

import pytest
from test_crash import POOL, audit_verify, check_consistent, crash_db  # noqa: F401 - crash_db is a fixture

from permittui.domain.lifecycle import DECIDABLE_FROM
from permittui.identity import Officer
from permittui.store import db as store_db
from permittui.store import decisions
from permittui.store.db import open_store

IDS = [f"K-{i:03d}" for i in range(POOL)]
OUTCOMES = [
    ("approve", {}),
    ("deny", {"reasons": ["PARTY-UNVERIFIED"]}),
    ("return", {"reasons": ["RWA-INCOMPLETE"]}),
    ("request-info", {}),
    ("refer", {"inspector": "Dr. Imre"}),
]


def _decide_many(store, n: int, start: int = 0) -> list[int]:
    done = []
    for i, rid in enumerate(IDS[start : start + n]):
        outcome, kwargs = OUTCOMES[i % len(OUTCOMES)]
        done.append(decisions.decide(store, rid, outcome, **kwargs).decision_id)
    return done


def _wal_state(db: Path) -> tuple[int, int]:
    """(frames in the WAL, frames of it already in the database file), from a fresh connection."""
    conn = sqlite3.connect(db)
    try:
        _, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames, done
    finally:
        conn.close()


def _frames_per_decision(tmp_path: Path, db: Path) -> float:
    """Without any checkpoint: how many WAL frames a decision adds here (on a copy)."""
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    s = open_store(copy, Officer("alice", "alice"))
    s.conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        _decide_many(s, 20)
        frames = s.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]  # reports, then copies
    finally:
        s.close()
    return frames / 20


def test_thread_checkpoints_and_the_wal_restarts(crash_db, tmp_path):
    per_decision = _frames_per_decision(tmp_path, crash_db)
    store = open_store(crash_db, Officer("alice", "alice"))
    cp = store.start_checkpointer(every=8, idle_s=0.05)
    try:
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        _decide_many(store, 120)
        assert cp.caught_up(), cp.error
        assert cp.runs > 0, "the thread never checkpointed"  # how often depends on the CPU it got
        assert cp.error is None
        frames, done = _wal_state(crash_db)
        assert done == frames  # everything committed is in the database file
        # All of it checkpointed, the next commit writes the WAL from its start again, so it
        # holds that one decision, not 121. (Not the file's size: that is the most it ever
        # held, which depends on how much CPU the nice-19 thread got on a busy machine.)
        _decide_many(store, 1, start=120)
        frames, _ = _wal_state(crash_db)
        assert frames <= 2 * per_decision, (frames, per_decision)
    finally:
        store.close()


def test_close_stops_the_thread_and_leaves_a_verified_database(crash_db, cli):
    store = open_store(crash_db, Officer("alice", "alice"), background_checkpoint=True)
    cp = store.checkpointer
    assert cp is not None and cp.alive
    ids = _decide_many(store, 40)
    store.close()
    assert not cp.alive
    assert store.checkpointer is None
    # The last connection checkpointed the WAL into the file and removed it, as SQLite does.
    assert not Path(str(crash_db) + "-wal").exists()
    conn = sqlite3.connect(crash_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {r[0] for r in conn.execute("SELECT id FROM decisions")} >= set(ids)
    finally:
        conn.close()
    audit_verify(cli, crash_db)


def test_a_reader_with_an_old_snapshot_is_not_disturbed(crash_db):
    store = open_store(crash_db, Officer("alice", "alice"))
    cp = store.start_checkpointer(every=4, idle_s=0.02)
    reader = open_store(crash_db, Officer("bob", "bob"), read_only=True)
    try:
        reader.conn.execute("BEGIN")
        before = reader.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
        ids = _decide_many(store, 40)  # commits go on; checkpoints skip what the reader needs
        time.sleep(0.1)
        assert reader.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == before
        assert reader.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reader.conn.execute("COMMIT")
        assert reader.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == before + len(ids)
        assert cp.error is None and cp.runs > 0
        assert cp.caught_up()
        frames, done = _wal_state(crash_db)
        assert done == frames
    finally:
        reader.close()
        store.close()


def test_read_only_store_gets_no_checkpointer(crash_db):
    store = open_store(crash_db, Officer("alice", "alice"), read_only=True, background_checkpoint=True)
    try:
        assert store.checkpointer is None
    finally:
        store.close()


def test_the_committing_thread_checkpoints_when_the_thread_does_not(crash_db, monkeypatch):
    monkeypatch.setattr(store_db, "CHECKPOINT_INLINE_AFTER", 10)
    store = open_store(crash_db, Officer("alice", "alice"))
    cp = store.start_checkpointer(every=10**9, idle_s=3600)  # a thread that never gets to run
    try:
        _decide_many(store, 10)
        frames, done = _wal_state(crash_db)
        assert frames > 0 and done == frames  # the tenth commit checkpointed inline
        assert cp.runs == 0
        _decide_many(store, 3, start=10)
        frames_after, _ = _wal_state(crash_db)
        assert frames_after < frames  # and the next one restarted the WAL
    finally:
        store.close()


# ── SIGKILL with the thread running ─────────────────────────────────────────────────────────


def _writer(db: Path, seed: int, fd: int) -> None:
    code = 0
    try:
        store = open_store(db, Officer("crash", "crash"))
        store.start_checkpointer(every=3, idle_s=0.005)  # checkpoints all the time, to be killed in one
        os.write(fd, b"ready\n")
        rng = random.Random(seed)
        while True:
            rid = rng.choice(IDS)
            with store.lock:
                status = store.conn.execute("SELECT status FROM requests WHERE id = ?", (rid,)).fetchone()[0]
            if status in DECIDABLE_FROM:
                outcome, kwargs = rng.choice(OUTCOMES)
                result = decisions.decide(store, rid, outcome, **kwargs)
            elif status != "awaiting_countersign":
                result = decisions.reverse(store, rid, note="crash loop")
            else:
                continue
            os.write(fd, f"{result.decision_id}\n".encode())
    except BaseException:
        os.write(fd, ("E " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
        code = 3
    finally:
        os._exit(code)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_sigkill_while_checkpointing_loses_nothing_acknowledged(crash_db, cli):
    rng = random.Random(6)
    acked: set[int] = set()
    for i in range(40):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _writer(crash_db, i, w)
        os.close(w)
        with os.fdopen(r, "rb") as pipe:
            lines = [pipe.readline().decode().strip()]
            while lines[-1] and not lines[-1].startswith("E ") and len(lines) <= 4 + rng.randrange(8):
                lines.append(pipe.readline().decode().strip())
            time.sleep(rng.uniform(0.0, 0.02))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            lines += pipe.read().decode().splitlines()
        errors = [ln for ln in lines if ln.startswith("E ")]
        assert not errors, errors[0].replace(" | ", "\n")
        acked.update(int(ln) for ln in lines[1:] if ln)
    assert acked
    check_consistent(crash_db, acked)
    audit_verify(cli, crash_db)
