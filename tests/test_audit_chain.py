"""Issue 3: any edit of the audit table is found by `permittui audit verify`, which names the row.

The tamperer here is someone with write access to the file: plain sqlite3, triggers dropped
first. Rows are updated, deleted, inserted, swapped and renumbered; the tail is truncated and the
chain rewritten, which only an exported checkpoint (`audit checkpoint`) can reveal.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from permittui.identity import Officer
from permittui.store import audit, decisions
from permittui.store.db import open_store


@pytest.fixture
def chain_db(db_path):
    """The fixture database (7 audit rows: init, five imports, the test officers) plus six decision
    rows: 13 in all."""
    alice, bob = open_store(db_path, Officer("alice", "alice")), open_store(db_path, Officer("bob", "bob"))
    try:
        decisions.decide(alice, "R-1", "approve")
        decisions.decide(alice, "R-2", "deny", reasons=["PARTY-UNVERIFIED"])
        decisions.decide(alice, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
        decisions.countersign(bob, "R-3")
        decisions.reverse(alice, "R-1", note="wrong one")
        decisions.decide(bob, "R-5", "return", reasons=["RWA-INCOMPLETE"])
    finally:
        alice.close()
        bob.close()
    assert head_seq(db_path) == 13
    return db_path


def head_seq(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
    finally:
        conn.close()


def tamper(path: Path, *statements: str, params: tuple = ()) -> None:
    """What someone with write access to the file can do: drop the guards, then edit."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for sql in statements:
            conn.execute(sql, params if "?" in sql else ())
        conn.commit()
    finally:
        conn.close()


def row(path: Path, seq: int) -> dict:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM audit WHERE seq = ?", (seq,)).fetchone())
    finally:
        conn.close()


def forge(prev_hash: str, seq: int, **fields) -> dict:
    r = {
        "seq": seq,
        "at": "2026-11-22T12:00:00.000000Z",
        "officer": "mallory",
        "os_account": "mallory",
        "action": "decision",
        "subject": "R-4",
        "payload": '{"outcome":"approve"}',
        **fields,
    }
    r["prev_hash"] = prev_hash
    r["hash"] = audit.row_hash(
        prev_hash, r["seq"], r["at"], r["officer"], r["os_account"], r["action"], r["subject"], r["payload"]
    )
    return r


def insert(path: Path, r: dict) -> None:
    cols = ", ".join(r)
    tamper(path, f"INSERT INTO audit ({cols}) VALUES ({', '.join('?' * len(r))})", params=tuple(r.values()))


def verify_fails_naming(cli, path: Path, seq: int, *more: str) -> str:
    p = cli("audit", "verify", db=path)
    assert p.returncode == 1, (p.stdout, p.stderr)
    err = p.stderr.strip()
    assert "\n" not in err and "Traceback" not in p.stderr, p.stderr
    assert "audit chain broken" in err and f"row {seq} " in err, err
    for m in more:
        assert m in err, err
    return err


def api_bad_seq(path: Path, checkpoint=None) -> int | None:
    conn = sqlite3.connect(path)
    try:
        result = audit.verify(conn, checkpoint)
        return None if result.ok else result.bad_seq
    finally:
        conn.close()


# ── intact ─────────────────────────────────────────────────────────────────────────────────


def test_an_untouched_chain_verifies(cli, chain_db):
    p = cli("audit", "verify", db=chain_db)
    assert p.returncode == 0, p.stderr
    h = row(chain_db, 13)["hash"]
    assert p.stdout.strip() == f"audit chain intact: 13 entries, head 13:{h}"
    assert api_bad_seq(chain_db) is None


def test_verify_is_read_only(cli, chain_db):
    from support import table_dump

    before = table_dump(chain_db)
    cli("audit", "verify", db=chain_db)
    cli("audit", "checkpoint", db=chain_db)
    assert table_dump(chain_db) == before


# ── edits, each named ──────────────────────────────────────────────────────────────────────


def _smart_update(path: Path, seq: int) -> None:
    """Change a row and recompute its own hash: the next row no longer follows."""
    r = row(path, seq)
    r["payload"] = r["payload"].replace("deny", "approve")
    new = forge(
        r["prev_hash"], seq, **{k: r[k] for k in ("at", "officer", "os_account", "action", "subject", "payload")}
    )
    tamper(path, "UPDATE audit SET payload = ?, hash = ? WHERE seq = ?", params=(new["payload"], new["hash"], seq))


def _swap(path: Path, a: int, b: int) -> None:
    cols = "at, officer, os_account, action, subject, payload, prev_hash, hash"
    tamper(
        path,
        f"CREATE TEMP TABLE t AS SELECT seq, {cols} FROM audit WHERE seq IN ({a}, {b})",
        *(f"UPDATE audit SET {c} = (SELECT {c} FROM t WHERE seq = {b}) WHERE seq = {a}" for c in cols.split(", ")),
        *(f"UPDATE audit SET {c} = (SELECT {c} FROM t WHERE seq = {a}) WHERE seq = {b}" for c in cols.split(", ")),
    )


def _renumber_swap(path: Path, a: int, b: int) -> None:
    tamper(
        path,
        f"UPDATE audit SET seq = -1 WHERE seq = {a}",
        f"UPDATE audit SET seq = {a} WHERE seq = {b}",
        f"UPDATE audit SET seq = {b} WHERE seq = -1",
    )


def _delete_and_close_gap(path: Path, seq: int) -> None:
    tamper(
        path,
        f"DELETE FROM audit WHERE seq = {seq}",
        f"UPDATE audit SET seq = seq + 1000 WHERE seq > {seq}",
        "UPDATE audit SET seq = seq - 1001 WHERE seq > 1000",
    )


def _insert_in_the_middle(path: Path, seq: int) -> None:
    """Make room at `seq` and insert a row that follows its predecessor correctly."""
    prev = row(path, seq - 1)["hash"]
    tamper(
        path,
        f"UPDATE audit SET seq = seq + 1000 WHERE seq >= {seq}",
        "UPDATE audit SET seq = seq - 999 WHERE seq > 1000",
    )
    insert(path, forge(prev, seq))


def _insert_forged_at_the_end(path: Path, seq: int) -> None:
    r = forge(row(path, seq - 1)["hash"], seq)
    r["hash"] = "f" * 64  # whoever forged it could not make it follow
    insert(path, r)


TAMPERING = [
    # (id, how, the row verify must name, words in the message)
    (
        "update-payload",
        lambda p: tamper(p, "UPDATE audit SET payload = replace(payload, 'deny', 'approve') WHERE seq = 9"),
        9,
        ["altered"],
    ),
    ("update-officer", lambda p: tamper(p, "UPDATE audit SET officer = 'bob' WHERE seq = 8"), 8, ["altered"]),
    ("update-os-account", lambda p: tamper(p, "UPDATE audit SET os_account = 'root' WHERE seq = 10"), 10, ["altered"]),
    (
        "update-time",
        lambda p: tamper(p, "UPDATE audit SET at = '2026-01-01T00:00:00Z' WHERE seq = 11"),
        11,
        ["altered"],
    ),
    ("update-action", lambda p: tamper(p, "UPDATE audit SET action = 'noop' WHERE seq = 12"), 12, ["altered"]),
    ("update-subject", lambda p: tamper(p, "UPDATE audit SET subject = 'R-4' WHERE seq = 13"), 13, ["altered"]),
    ("update-first-row", lambda p: tamper(p, "UPDATE audit SET payload = '{}' WHERE seq = 1"), 1, ["altered"]),
    ("update-prev-hash", lambda p: tamper(p, "UPDATE audit SET prev_hash = hash WHERE seq = 5"), 5, ["follow"]),
    ("update-and-rehash", lambda p: _smart_update(p, 9), 10, ["does not follow row 9"]),
    ("delete-middle", lambda p: tamper(p, "DELETE FROM audit WHERE seq = 9"), 9, ["missing"]),
    ("delete-first", lambda p: tamper(p, "DELETE FROM audit WHERE seq = 1"), 1, ["missing"]),
    ("delete-and-renumber", lambda p: _delete_and_close_gap(p, 9), 9, ["does not follow row 8"]),
    ("insert-in-the-middle", lambda p: _insert_in_the_middle(p, 9), 10, ["does not follow row 9"]),
    ("insert-forged-at-end", lambda p: _insert_forged_at_the_end(p, 14), 14, ["altered"]),
    ("swap-contents", lambda p: _swap(p, 9, 10), 9, []),
    ("swap-sequence-numbers", lambda p: _renumber_swap(p, 11, 12), 11, []),
    ("swap-far-apart", lambda p: _renumber_swap(p, 3, 12), 3, []),
]


@pytest.mark.parametrize("how,seq,words", [c[1:] for c in TAMPERING], ids=[c[0] for c in TAMPERING])
def test_tampering_is_found_and_the_row_named(cli, chain_db, how, seq, words):
    how(chain_db)
    verify_fails_naming(cli, chain_db, seq, *words)
    assert api_bad_seq(chain_db) == seq


def test_tampering_with_the_sqlite3_shell(cli, chain_db):
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("no sqlite3 shell on PATH")
    sql = (
        "DROP TRIGGER audit_no_update; "
        'UPDATE audit SET payload = replace(payload, \'"outcome":"return"\', \'"outcome":"approve"\')'
        " WHERE seq = 13;"
    )
    subprocess.run([shell, str(chain_db), sql], check=True, capture_output=True)
    assert '"outcome":"approve"' in row(chain_db, 13)["payload"]
    verify_fails_naming(cli, chain_db, 13, "altered")


def test_a_well_formed_chain_appended_by_the_app_after_tampering_still_fails(cli, chain_db):
    """Tampering is not washed out by later honest entries."""
    tamper(chain_db, "UPDATE audit SET payload = '{}' WHERE seq = 8")
    s = open_store(chain_db, Officer("carol", "carol"))
    try:
        decisions.decide(s, "R-1", "approve")
    finally:
        s.close()
    assert head_seq(chain_db) == 14
    verify_fails_naming(cli, chain_db, 8, "altered")


# ── checkpoints: the tail and the whole chain ───────────────────────────────────────────────


def checkpoint(cli, path: Path) -> str:
    p = cli("audit", "checkpoint", db=path)
    assert p.returncode == 0, p.stderr
    text = p.stdout.strip()
    seq, _, digest = text.partition(":")
    assert int(seq) == head_seq(path) and digest == row(path, int(seq))["hash"]
    return text


def test_checkpoint_verifies_while_the_chain_grows(cli, chain_db):
    cp = checkpoint(cli, chain_db)
    p = cli("audit", "verify", "--checkpoint", cp, db=chain_db)
    assert p.returncode == 0, p.stderr
    s = open_store(chain_db, Officer("carol", "carol"))
    try:
        decisions.decide(s, "R-1", "approve")
    finally:
        s.close()
    p = cli("audit", "verify", "--checkpoint", cp, db=chain_db)
    assert p.returncode == 0, p.stderr
    assert "14 entries" in p.stdout


def test_a_truncated_tail_passes_plain_verify_but_not_the_checkpoint(cli, chain_db):
    cp = checkpoint(cli, chain_db)
    tamper(chain_db, "DELETE FROM audit WHERE seq > 11")
    # Without an outside record the shortened chain is internally consistent: say so by testing it.
    assert cli("audit", "verify", db=chain_db).returncode == 0
    p = cli("audit", "verify", "--checkpoint", cp, db=chain_db)
    assert p.returncode == 1
    err = p.stderr.strip()
    assert "\n" not in err and "row 11" in err and "checkpoint row 13" in err and "removed" in err, err
    assert api_bad_seq(chain_db, (13, cp.split(":")[1])) == 12


def test_a_truncated_tail_refilled_by_new_entries_is_found_by_the_checkpoint(cli, chain_db):
    cp = checkpoint(cli, chain_db)
    tamper(chain_db, "DELETE FROM audit WHERE seq > 11")
    s = open_store(chain_db, Officer("carol", "carol"))
    try:
        decisions.decide(s, "R-4", "deny", reasons=["REDLINE-AUTONOMOUS-WEAPONS"])
        decisions.decide(s, "R-4", "reverse")
        decisions.decide(s, "R-4", "deny", reasons=["REDLINE-AUTONOMOUS-WEAPONS"])
    finally:
        s.close()
    assert head_seq(chain_db) == 14
    assert cli("audit", "verify", db=chain_db).returncode == 0
    p = cli("audit", "verify", "--checkpoint", cp, db=chain_db)
    assert p.returncode == 1
    assert "row 13" in p.stderr and "checkpoint" in p.stderr, p.stderr


def test_a_rewritten_chain_passes_plain_verify_but_not_the_checkpoint(cli, chain_db):
    cp = checkpoint(cli, chain_db)
    # Rewrite from row 9 on, every hash recomputed: internally perfect.
    rows = [row(chain_db, s) for s in range(9, 14)]
    rows[0]["payload"] = rows[0]["payload"].replace("PARTY-UNVERIFIED", "EU-WMD")
    prev = row(chain_db, 8)["hash"]
    new_rows = []
    for r in rows:
        f = forge(prev, r["seq"], **{k: r[k] for k in ("at", "officer", "os_account", "action", "subject", "payload")})
        new_rows.append(f)
        prev = f["hash"]
    tamper(chain_db, "DELETE FROM audit WHERE seq >= 9")
    for f in new_rows:
        insert(chain_db, f)
    assert cli("audit", "verify", db=chain_db).returncode == 0
    p = cli("audit", "verify", "--checkpoint", cp, db=chain_db)
    assert p.returncode == 1
    err = p.stderr.strip()
    assert "\n" not in err and "row 13" in err and "rewritten" in err, err


@pytest.mark.parametrize("bad", ["12", "x:abc", "12:" + "a" * 63, ":" + "a" * 64, "-1:" + "a" * 64])
def test_a_malformed_checkpoint_is_bad_usage(cli, chain_db, bad):
    p = cli("audit", "verify", "--checkpoint", bad, db=chain_db)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--checkpoint" in p.stderr and "\n" not in p.stderr.strip() and "Traceback" not in p.stderr
