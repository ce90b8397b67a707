"""Issue 3: two officers deciding one request — exactly one wins, the other is told who and when.

Eight real processes race over the same 50 pending requests through the store API (each its own
connection, released together from a start line), and eight installed `permittui decide`
commands race over single requests.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import permittui_exe, register_officers

from permittui.identity import Officer
from permittui.store import imports
from permittui.store.db import open_store

N_REQUESTS = 50
OFFICERS = ["ada", "bert", "chloe", "dmitri", "esme", "farid", "greta", "hiro"]

WORKER = r"""
import json, os, random, sys, time
from pathlib import Path
from permittui.errors import Refused
from permittui.identity import Officer
from permittui.store import decisions
from permittui.store.db import open_store

db, officer, go, index, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ids = [f"RACE-{i:02d}" for i in range(n)]
if index % 2:                       # half in file order (collide on every one), half shuffled
    random.Random(index).shuffle(ids)
plan = [("approve", {}), ("return", {"reasons": ["RWA-INCOMPLETE"]}),
        ("deny", {"reasons": ["PARTY-UNVERIFIED"]}), ("approve-with-conditions", {"conditions": ["NO-ONWARD-TRANSFER"]})]
outcome, kwargs = plan[index % len(plan)]
if index % 3 == 0:
    kwargs = {**kwargs, "expected_version": 1}     # the console's way: refuse if it changed since seen
store = open_store(Path(db), Officer(officer, officer))
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.0005)
results = []
t0 = time.time()
for rid in ids:
    try:
        r = decisions.decide(store, rid, outcome, **kwargs)
        results.append({"id": rid, "won": True, "decision": r.decision_id})
    except Refused as e:
        results.append({"id": rid, "won": False, "message": str(e)})
t1 = time.time()
store.close()
print(json.dumps({"t0": t0, "t1": t1, "results": results}), flush=True)
"""


def _requests_yaml(n: int) -> str:
    lines = ["requests:"]
    for i in range(n):
        customer = ("C-ACME", "C-KEST", "C-PROV")[i % 3]
        entry = ("AI.C.2.a", "AI.S.1.a", "AI.W.4.a")[i % 3]
        lines += [
            f"  - id: RACE-{i:02d}",
            "    kind: access",
            "    end_use_category: other",
            f"    customer: {customer}",
            f"    entries: [{entry}]",
            f"    end_use: Contested use number {i}.",
            "    submitted: 2026-11-01",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def race_db(db_path, tmp_path):
    p = tmp_path / "race.yaml"
    p.write_text(_requests_yaml(N_REQUESTS), encoding="utf-8")
    s = open_store(db_path, Officer("setup", "setup"))
    imports.import_requests(s, p)
    # the racers, as senior officers: any of them may decide or countersign
    register_officers(s, tuple((n, ("officer", "senior")) for n in [*OFFICERS, "ivo"]))
    s.close()
    return db_path


def _rows(path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_eight_processes_fifty_requests_exactly_one_decision_each(race_db, tmp_path, cli):
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(race_db), name, str(go), str(i), str(N_REQUESTS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, name in enumerate(OFFICERS)
    ]
    try:
        for p in procs:  # every connection open before anyone starts
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        started = time.perf_counter()
        go.touch()
        outputs = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert "Traceback" not in err, err
            outputs.append(json.loads(out))
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()

    decided = _rows(race_db, "SELECT request_id, officer, id, decided_at FROM decisions WHERE request_id LIKE 'RACE-%'")
    assert len(decided) == N_REQUESTS, "exactly one decision per request"
    winner = {rid: (officer, did, at) for rid, officer, did, at in decided}
    assert len(winner) == N_REQUESTS

    wins = losses = 0
    for name, output in zip(OFFICERS, outputs, strict=False):
        results = output["results"]
        assert len(results) == N_REQUESTS
        for r in results:
            w_officer, w_id, w_at = winner[r["id"]]
            if r["won"]:
                wins += 1
                assert (w_officer, w_id) == (name, r["decision"]), "a process was told it won but did not"
            else:
                losses += 1
                assert w_officer != name
                msg = r["message"]
                assert f"by {w_officer} at" in msg, f"loser not told who won: {msg!r}"
                assert w_at[:16].replace("T", " ") in msg, f"loser not told when: {msg!r}"
                assert "nothing recorded" in msg
    assert (wins, losses) == (N_REQUESTS, N_REQUESTS * (len(OFFICERS) - 1))
    winners = {w[0] for w in winner.values()}
    print(
        f"\nrace: {len(OFFICERS)} processes x {N_REQUESTS} requests in {elapsed:.2f}s;"
        f" {wins} won, {losses} refused; wins by officer:",
        {o: sum(1 for w in winner.values() if w[0] == o) for o in sorted(winners)},
    )
    # A race was run: every process was still deciding when the last one started.
    assert max(o["t0"] for o in outputs) < min(o["t1"] for o in outputs), "the processes did not overlap"

    # Each request changed exactly once, with its one event and one audit row, and the chain holds.
    assert _rows(race_db, "SELECT COUNT(*) FROM requests WHERE id LIKE 'RACE-%' AND version != 2") == [(0,)]
    assert _rows(
        race_db, "SELECT COUNT(*) FROM request_events WHERE request_id LIKE 'RACE-%' AND event = 'decision'"
    ) == [(N_REQUESTS,)]
    audited = [json.loads(p)["id"] for (p,) in _rows(race_db, "SELECT payload FROM audit WHERE action = 'decision'")]
    assert sorted(audited) == sorted(w[1] for w in winner.values())
    grants = _rows(race_db, "SELECT COUNT(*) FROM grants")[0][0]
    approvals = _rows(race_db, "SELECT COUNT(*) FROM decisions WHERE outcome LIKE 'approve%'")[0][0]
    assert grants == approvals
    v = cli("audit", "verify", db=race_db)
    assert v.returncode == 0, v.stderr


def test_installed_commands_racing_on_one_request(race_db, tmp_path):
    exe = permittui_exe()
    for rid in ("RACE-00", "RACE-01", "RACE-02"):
        procs = [
            subprocess.Popen(
                [exe, "decide", rid, "approve", "--db", str(race_db), "--officer", name],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(os.environ),
            )
            for name in OFFICERS
        ]
        results = [(name, *p.communicate(timeout=60), p.returncode) for name, p in zip(OFFICERS, procs, strict=False)]
        [(w_officer, w_at)] = _rows(race_db, "SELECT officer, decided_at FROM decisions WHERE request_id = ?", (rid,))
        winners = [r for r in results if r[3] == 0]
        assert len(winners) == 1, results
        assert winners[0][0] == w_officer and f"{rid}: approve recorded" in winners[0][1]
        for name, out, err, code in results:
            if name == w_officer:
                continue
            assert code == 1, (name, out, err)
            assert out == "" and "Traceback" not in err
            line = err.strip()
            assert "\n" not in line, err
            assert f"already approved: approve by {w_officer} at {w_at[:19].replace('T', ' ')}" in line, line


def _spawn_all(argvs: list[list[str]]) -> list[tuple[int, str, str]]:
    procs = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for a in argvs]
    out = []
    for p in procs:
        o, e = p.communicate(timeout=60)
        out.append((p.returncode, o, e))
    return out


def test_racing_countersigns_confirm_once(race_db):
    s = open_store(race_db, Officer("ada", "ada"))
    try:
        from permittui.store import decisions

        decisions.decide(s, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])  # a release denial: waits
    finally:
        s.close()
    exe = permittui_exe()
    names = OFFICERS[1:] + ["ivo"]
    results = _spawn_all([[exe, "countersign", "R-3", "--db", str(race_db), "--officer", n] for n in names])
    assert sorted(code for code, _, _ in results) == [0] + [1] * 7, results
    rows = _rows(race_db, "SELECT officer, outcome FROM decisions WHERE request_id = 'R-3' ORDER BY id")
    assert len(rows) == 2 and rows[1][1] == "countersign"
    for code, _out, err in results:
        if code == 1:
            assert err.count("\n") == 1 and "not awaiting countersign" in err and "Traceback" not in err, err
    assert _rows(race_db, "SELECT status FROM requests WHERE id = 'R-3'") == [("denied",)]


def test_racing_approvals_never_overrun_a_cap(race_db, tmp_path):
    conn = sqlite3.connect(race_db)
    with conn:
        conn.execute("UPDATE schedule_entries SET allow_list_cap = 2 WHERE code = 'AI.W.4.a'")
    conn.close()
    p = tmp_path / "cap.yaml"
    p.write_text(
        "requests:\n"
        + "".join(
            f"  - id: CAP-{c}\n    kind: access\n    end_use_category: other\n    customer: {c}\n    entries: [AI.W.4.a]\n"
            f"    end_use: Training cluster {c}.\n    submitted: 2026-11-01\n"
            for c in ("C-ACME", "C-KEST", "C-PROV")
        ),
        encoding="utf-8",
    )
    s = open_store(race_db, Officer("setup", "setup"))
    imports.import_requests(s, p)
    s.close()
    exe = permittui_exe()
    ids = ["CAP-C-ACME", "CAP-C-KEST", "CAP-C-PROV"]
    argvs = [
        [exe, "decide", ids[i % 3], "approve", "--db", str(race_db), "--officer", n] for i, n in enumerate(OFFICERS)
    ]
    results = _spawn_all(argvs)
    assert "Traceback" not in "".join(e for _, _, e in results)
    active = _rows(
        race_db, "SELECT COUNT(DISTINCT customer_id) FROM grants WHERE code = 'AI.W.4.a' AND status = 'active'"
    )[0][0]
    approved = _rows(race_db, "SELECT COUNT(*) FROM requests WHERE id LIKE 'CAP-%' AND status = 'approved'")[0][0]
    assert active == approved == 2, results
    refusals = [e for code, _, e in results if code == 1]
    assert len(refusals) == len(OFFICERS) - 2
    assert any("cap reached for AI.W.4.a" in e for e in refusals), refusals
