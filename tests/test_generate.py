"""`permittui generate`: a synthetic database that the rest of permittui takes for a real one.

Real SQLite files in a temp dir; the day is fixed by conftest (PERMITTUI_TODAY). One database of
2,000 requests is generated per module and only read by the tests that share it.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from support import TODAY

from permittui.domain import flags as F
from permittui.identity import Officer
from permittui.store import audit, derive
from permittui.store.db import open_store
from permittui.store.findings import findings_for
from permittui.store.generate import generate
from permittui.store.rows import dumps

N = 2000
OPEN = ("pending", "info_requested", "referred", "awaiting_countersign")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, object]:
    mp = pytest.MonkeyPatch()
    mp.setenv("PERMITTUI_TODAY", TODAY)
    try:
        path = tmp_path_factory.mktemp("gen") / "synthetic.db"
        out = io.StringIO()
        result = generate(path, N, seed=7, officer=Officer("gen.officer", "gen"), progress=False, out=out)
        assert out.getvalue().startswith(f"generated {path}: 2,000 requests")
        return path, result
    finally:
        mp.undo()


def _conn(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _count(conn: sqlite3.Connection, sql: str, *args) -> int:
    return conn.execute(sql, args).fetchone()[0]


def test_counts_match_the_summary_and_the_mix_looks_like_an_office(generated):
    path, result = generated
    conn = _conn(path)
    assert _count(conn, "SELECT COUNT(*) FROM requests") == N == result.requests
    assert _count(conn, "SELECT COUNT(*) FROM customers") == 60 == result.customers
    assert _count(conn, "SELECT COUNT(*) FROM decisions") == result.decisions
    assert _count(conn, "SELECT COUNT(*) FROM grants") == result.grants
    assert _count(conn, "SELECT COUNT(*) FROM audit") == result.audit
    assert _count(conn, f"SELECT COUNT(*) FROM requests WHERE status IN {OPEN}") == result.open
    # Every request is registered, with its entries.
    assert _count(conn, "SELECT COUNT(DISTINCT request_id) FROM request_events WHERE event = 'registered'") == N
    assert _count(conn, "SELECT COUNT(*) FROM request_entries") == _count(
        conn, "SELECT COALESCE(SUM(json_array_length(entries)), 0) FROM requests"
    )
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM requests GROUP BY kind").fetchall())
    assert 0.45 < kinds["access"] / N < 0.7 and 0.25 < kinds["release"] / N < 0.35 and 0.05 < kinds["renewal"] / N < 0.2
    # The open queue is a small part, spread over due dates, some of it overdue; the rest decided.
    assert 0.03 < result.open / N < 0.12
    statuses = dict(conn.execute("SELECT status, COUNT(*) FROM requests GROUP BY status").fetchall())
    assert {"pending", "info_requested", "approved", "approved_with_conditions", "denied", "returned"} <= set(statuses)
    overdue = _count(conn, f"SELECT COUNT(*) FROM requests WHERE status IN {OPEN} AND due < ?", TODAY)
    assert 0 < overdue < result.open
    assert _count(conn, f"SELECT COUNT(DISTINCT due) FROM requests WHERE status IN {OPEN}") > 30
    # Decided requests have their decisions; approvals their grants; releases carry evaluations.
    assert (
        _count(
            conn,
            f"SELECT COUNT(*) FROM requests r WHERE status NOT IN {OPEN} AND NOT EXISTS"
            " (SELECT 1 FROM decisions d WHERE d.request_id = r.id)",
        )
        == 0
    )
    assert (
        _count(
            conn,
            "SELECT COUNT(*) FROM requests r WHERE status LIKE 'approved%' AND json_array_length(entries)"
            " > 0 AND NOT EXISTS (SELECT 1 FROM grants g JOIN decisions d ON d.id = g.decision_id"
            " WHERE d.request_id = r.id) AND NOT EXISTS (SELECT 1 FROM grant_changes c JOIN decisions d"
            " ON d.id = c.decision_id WHERE d.request_id = r.id)",
        )
        == 0
    )
    assert _count(conn, "SELECT COUNT(*) FROM requests WHERE kind = 'release' AND evaluations = '[]'") == 0
    assert _count(conn, "SELECT COUNT(*) FROM requests WHERE submitted < date(?, '-740 days')", TODAY) == 0


def test_the_audit_chain_is_valid_and_as_long_as_the_history(generated):
    path, result = generated
    conn = _conn(path)
    checked = audit.verify(conn)
    assert checked.ok, checked.problem
    assert checked.count == result.audit >= result.decisions
    # Payloads are audit.canonical JSON, as audit.append writes them; times follow the sequence.
    for (payload,) in conn.execute("SELECT payload FROM audit ORDER BY seq LIMIT 3000"):
        assert audit.canonical(json.loads(payload)) == payload
    times = [r[0] for r in conn.execute("SELECT at FROM audit ORDER BY seq")]
    assert times[:-1] == sorted(times[:-1])
    # Every decision has its audit row, with the decision as decisions.decide records it.
    row = conn.execute("SELECT * FROM decisions WHERE outcome = 'approve-with-conditions' LIMIT 1").fetchone()
    cols = [d[0] for d in conn.execute("SELECT * FROM decisions LIMIT 0").description]
    decision = dict(zip(cols, row, strict=False))
    payloads = [
        json.loads(p)
        for (p,) in conn.execute(
            "SELECT payload FROM audit WHERE action = 'decision' AND subject = ?", (decision["request_id"],)
        )
    ]
    mine = next(p for p in payloads if p["id"] == decision["id"])
    assert {k: mine[k] for k in decision} == decision


def test_due_and_flags_are_what_derive_refresh_computes(generated):
    path, _ = generated
    conn = sqlite3.connect(path, isolation_level=None)
    ids = [r[0] for r in conn.execute("SELECT id FROM requests")]
    before = conn.execute("SELECT id, due, flags FROM requests ORDER BY id").fetchall()
    conn.execute("BEGIN")
    try:
        changed = derive.refresh(conn, ids)
        after = conn.execute("SELECT id, due, flags FROM requests ORDER BY id").fetchall()
    finally:
        conn.execute("ROLLBACK")
    assert changed == 0, [(b, a) for b, a in zip(before, after, strict=False) if b != a][:5]
    # Every flag occurs (cap, expired grant and screening depend on the final allow-lists and hits).
    seen = 0
    for (bits,) in conn.execute("SELECT DISTINCT flags FROM requests"):
        seen |= bits
    assert (
        seen & (F.RED_LINE | F.COUNTERSIGN | F.SUSPENDED_CUSTOMER | F.EXPIRED_GRANT)
        == F.RED_LINE | F.COUNTERSIGN | F.SUSPENDED_CUSTOMER | F.EXPIRED_GRANT
    )


def test_the_clock_from_the_event_log_agrees_with_the_stored_due_date(generated):
    path, _ = generated
    store = open_store(path, Officer("reader", "reader"), read_only=True)
    try:
        ids = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM requests WHERE paused_days > 0 OR status = 'info_requested' ORDER BY id LIMIT 20"
            )
        ]
        ids += [r[0] for r in store.conn.execute("SELECT id FROM requests ORDER BY id LIMIT 20")]
        assert len(ids) > 25
        for rid in ids:
            due = store.conn.execute("SELECT due FROM requests WHERE id = ?", (rid,)).fetchone()[0]
            assert findings_for(store, rid).clock.due == due, rid
    finally:
        store.close()


def test_every_reference_resolves(generated):
    path, _ = generated
    conn = _conn(path)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = {
        "entry code": "SELECT COUNT(*) FROM request_entries WHERE code NOT IN (SELECT code FROM schedule_entries)",
        "requested code": "SELECT COUNT(*) FROM requests r, json_each(r.entries) j"
        " WHERE j.value NOT IN (SELECT code FROM schedule_entries)",
        "grant code": "SELECT COUNT(*) FROM grants WHERE code NOT IN (SELECT code FROM schedule_entries)",
        "acts_on": "SELECT COUNT(*) FROM decisions WHERE acts_on IS NOT NULL AND acts_on NOT IN"
        " (SELECT id FROM decisions)",
        "grant decision": "SELECT COUNT(*) FROM grants WHERE decision_id IS NOT NULL AND decision_id NOT IN"
        " (SELECT id FROM decisions)",
        "audit subject": "SELECT COUNT(*) FROM audit WHERE action IN ('decision', 'countersign') AND subject NOT IN"
        " (SELECT id FROM requests)",
        "reason": "SELECT COUNT(*) FROM decisions d, json_each(d.reasons) j WHERE j.value NOT IN"
        " (SELECT code FROM reasons)",
        "condition": "SELECT COUNT(*) FROM decisions d, json_each(d.conditions) j WHERE"
        " json_extract(j.value, '$.code') NOT IN (SELECT code FROM conditions)",
    }
    assert {k: _count(conn, sql) for k, sql in orphans.items()} == dict.fromkeys(orphans, 0)
    # A grant is unique on customer x entry x end use, and a request's entries are not repeated.
    assert (
        _count(
            conn, "SELECT COUNT(*) FROM (SELECT 1 FROM grants GROUP BY customer_id, code, end_use HAVING COUNT(*) > 1)"
        )
        == 0
    )


def test_the_history_obeys_the_rules(generated):
    path, _ = generated
    conn = _conn(path)
    # The request's version counts its decisions; its status is where the last one left it.
    assert (
        _count(
            conn,
            "SELECT COUNT(*) FROM requests r WHERE version != 1 + (SELECT COUNT(*) FROM decisions d"
            " WHERE d.request_id = r.id)",
        )
        == 0
    )
    assert (
        _count(
            conn,
            "SELECT COUNT(*) FROM requests r JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions"
            " WHERE request_id = r.id) WHERE d.status_after != r.status",
        )
        == 0
    )
    # Nothing that touches a red line is approved; denials give reasons; countersigns are a second officer.
    assert _count(conn, f"SELECT COUNT(*) FROM requests WHERE flags & {F.RED_LINE} AND status LIKE 'approved%'") == 0
    assert _count(conn, "SELECT COUNT(*) FROM decisions WHERE outcome = 'deny' AND reasons = '[]'") == 0
    assert (
        _count(
            conn,
            "SELECT COUNT(*) FROM decisions c JOIN decisions d ON d.id = c.acts_on"
            " WHERE c.outcome = 'countersign' AND c.officer = d.officer",
        )
        == 0
    )
    assert _count(conn, "SELECT COUNT(*) FROM decisions WHERE outcome = 'countersign'") > 0
    # Decisions are numbered in time order, after their request was registered.
    times = [r[0] for r in conn.execute("SELECT decided_at FROM decisions ORDER BY id")]
    assert times == sorted(times)
    assert (
        _count(
            conn,
            "SELECT COUNT(*) FROM decisions d JOIN requests r ON r.id = d.request_id"
            " WHERE substr(d.decided_at, 1, 10) < r.registered OR d.decided_at >= ?",
            TODAY,
        )
        == 0
    )
    # A grant extended by a later approval keeps the row as it was, as decisions._write_grants does.
    columns = [d[0] for d in conn.execute("SELECT * FROM grants LIMIT 0").description]
    befores = [b for (b,) in conn.execute("SELECT before FROM grant_changes WHERE before IS NOT NULL LIMIT 200")]
    assert befores
    for before in befores:
        row = json.loads(before)
        assert list(row) == columns and dumps(row) == before and row["status"] == "active"


def test_the_settings_are_back_to_normal(generated):
    path, _ = generated
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for table in ("requests", "request_events", "decisions", "grants"):  # indexes rebuilt after the load
        assert _count(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", table) > 0
    assert json.loads(conn.execute("SELECT value FROM meta WHERE key = 'generated'").fetchone()[0])["seed"] == 7


def test_show_and_audit_verify_work_on_the_installed_command(generated, cli_proc):
    cli = cli_proc
    path, _ = generated
    conn = _conn(path)
    rid = conn.execute("SELECT id FROM requests WHERE kind = 'release' AND status = 'approved' LIMIT 1").fetchone()[0]
    shown = cli("show", rid, db=path)
    assert shown.returncode == 0, shown.stderr
    assert rid in shown.stdout and "triggered" in shown.stdout
    as_json = cli("show", rid, "--json", db=path)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["request"]["id"] == rid and data["decisions"]
    verified = cli("audit", "verify", db=path)
    assert verified.returncode == 0 and "audit chain intact" in verified.stdout


def test_the_command_refuses_an_existing_file_unless_forced(tmp_path, cli):
    path = tmp_path / "there.db"
    path.write_bytes(b"not mine to overwrite")
    refused = cli("generate", "--requests", "50", db=path)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    assert path.read_bytes() == b"not mine to overwrite"
    forced = cli("generate", "--requests", "50", "--force", "--seed", "3", db=path)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"generated {path}: 50 requests") and forced.stdout.count("\n") == 1
    assert forced.stderr == ""  # no progress bar when stderr is not a terminal
    assert _count(_conn(path), "SELECT COUNT(*) FROM requests") == 50
    assert not [p.name for p in tmp_path.iterdir() if "generating" in p.name]
    bad = cli("generate", "--requests", "0", db=tmp_path / "none.db")
    assert bad.returncode == 2 and not (tmp_path / "none.db").exists()


def _content(path: Path) -> dict[str, list[tuple]]:
    conn = _conn(path)
    return {
        t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
        for t in (
            "customers",
            "requests",
            "request_entries",
            "request_events",
            "decisions",
            "grants",
            "grant_changes",
            "screening_hits",
        )
    } | {
        "audit": conn.execute(
            "SELECT seq, at, officer, action, payload, hash FROM audit"
            " WHERE action NOT IN ('init', 'generate') AND seq > 1 ORDER BY seq"
        ).fetchall()
    }


def test_the_same_seed_gives_the_same_database_also_from_the_writer_process(tmp_path):
    paths = [tmp_path / "a" / "x.db", tmp_path / "b" / "x.db", tmp_path / "c" / "x.db"]
    for path, seed, process in zip(paths, (11, 11, 12), (False, True, False), strict=False):
        generate(
            path, 1500, seed=seed, officer=Officer("o", "o"), progress=False, out=io.StringIO(), writer_process=process
        )
    first, second, other = (_content(p) for p in paths)
    assert first == second
    assert first["requests"] != other["requests"]
    assert audit.verify(_conn(paths[1])).ok


@pytest.mark.parametrize("process", [False, True])
def test_a_failed_run_leaves_the_old_file_and_no_debris(tmp_path, monkeypatch, process):
    import permittui.store.generate as gen

    path = tmp_path / "keep.db"
    path.write_bytes(b"the old database")

    def boom(self):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(gen._Generator, "_fix_flags", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(
            path, 300, force=True, officer=Officer("o", "o"), progress=False, out=io.StringIO(), writer_process=process
        )
    assert path.read_bytes() == b"the old database"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.db"]


def test_progress_goes_to_a_terminal_only(tmp_path, capsys):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    import permittui.store.generate as gen

    real, gen.sys.stderr = gen.sys.stderr, err
    try:
        generate(tmp_path / "p.db", 300, officer=Officer("o", "o"))
    finally:
        gen.sys.stderr = real
    assert "\r" in err.getvalue() and "%" in err.getvalue() and "requests" in err.getvalue()
    out = capsys.readouterr()
    assert out.out.startswith("generated") and out.err == ""
