"""Issue 3: a decision killed at any instant is all there or not there.

A writer process decides, reverses and countersigns requests in a loop and is killed with SIGKILL
after a random few milliseconds, well over a hundred times (forked from here, so each start costs
a millisecond, not an interpreter start). A smaller loop does the same to freshly started Python
writers. Afterwards `permittui audit verify` passes, every decision row has its audit row and
every audit row its decision, requests agree with their decision log, and every decision the
writer acknowledged (written to a pipe after the commit returned) is there.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest

from permittui.domain.lifecycle import DECIDABLE_FROM
from permittui.errors import Refused
from permittui.identity import Officer
from permittui.store import decisions, imports
from permittui.store.db import open_store

KILLS = 120
EXEC_KILLS = 10
POOL = 160
ACTION_OF = {"reverse": "reverse", "countersign": "countersign", "send-back": "send-back"}  # else "decision"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def _requests_yaml(n: int) -> str:
    lines = ["requests:"]
    for i in range(n):
        customer = ("C-ACME", "C-KEST", "C-PROV")[i % 3]
        lines += [
            f"  - id: K-{i:03d}",
            f"    customer: {customer}",
            "    submitted: 2026-11-01",
            f"    end_use: Crash-test use number {i}.",
        ]
        if i % 8 == 7:  # a release: its denial waits for a countersign
            lines += [
                "    kind: release",
                "    model: Tern-1",
                "    evaluations: {exploit_success_rate_professional_ctf: 0.7}",
            ]
        else:  # AI.C.1.c is a countersign entry; the others are not
            entry = ("AI.C.2.a", "AI.S.1.a", "AI.C.1.c", "AI.W.4.a")[i % 4]
            lines += ["    kind: access", "    end_use_category: other", f"    entries: [{entry}]"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def crash_db(db_path, tmp_path):
    p = tmp_path / "pool.yaml"
    p.write_text(_requests_yaml(POOL), encoding="utf-8")
    s = open_store(db_path, Officer("setup", "setup"))
    imports.import_requests(s, p)
    s.close()
    return db_path


# ── the writer ─────────────────────────────────────────────────────────────────────────────


def write_forever(db: Path, seed: int, ack, ready=lambda: None) -> None:
    """Decide, reverse, countersign or send back at random; `ack(decision_id)` after each commit."""
    me = open_store(db, Officer("crash", "crash"))
    other = open_store(db, Officer("second", "second"))
    ready()
    rng = random.Random(seed)
    ids = [f"K-{i:03d}" for i in range(POOL)]
    outcomes = [
        ("approve", {}),
        ("approve-with-conditions", {"conditions": ["NO-ONWARD-TRANSFER", "free text"]}),
        ("deny", {"reasons": ["PARTY-UNVERIFIED"]}),
        ("return", {"reasons": ["RWA-INCOMPLETE"]}),
        ("request-info", {}),
        ("refer", {"inspector": "Dr. Imre"}),
    ]
    while True:
        rid = rng.choice(ids)
        with me.lock:
            status = me.conn.execute("SELECT status FROM requests WHERE id = ?", (rid,)).fetchone()[0]
        try:
            if status in DECIDABLE_FROM:
                outcome, kwargs = rng.choice(outcomes)
                result = decisions.decide(me, rid, outcome, **kwargs)
            elif status == "awaiting_countersign" and rng.random() < 0.3:
                send_back = rng.random() < 0.5
                result = decisions.countersign(other, rid, send_back=send_back, note="back" if send_back else "")
            else:
                result = decisions.reverse(me, rid, note="crash loop")
        except Refused:
            continue  # e.g. reversing what `second` countersigned: fine, pick another
        ack(result.decision_id)


def _forked_writer(db: Path, seed: int, fd: int) -> None:
    code = 0
    try:
        write_forever(db, seed, lambda did: os.write(fd, f"{did}\n".encode()), lambda: os.write(fd, b"ready\n"))
    except BaseException:
        os.write(fd, ("E " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
        code = 3
    finally:
        os._exit(code)


EXEC_WRITER = r"""
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_crash import write_forever

def ack(did):
    sys.stdout.write(f"{did}\n")
    sys.stdout.flush()

write_forever(Path(sys.argv[1]), int(sys.argv[2]), ack, lambda: print("ready", flush=True))
"""


# ── the checks ─────────────────────────────────────────────────────────────────────────────


def check_consistent(db: Path, acked: set[int]) -> dict[str, int]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        decided = {r["id"]: r for r in conn.execute("SELECT * FROM decisions")}
        audited: dict[int, tuple[str, dict]] = {}
        for r in conn.execute(
            "SELECT action, payload FROM audit WHERE action IN ('decision','reverse','countersign','send-back')"
        ):
            payload = json.loads(r["payload"])
            assert payload["id"] not in audited, f"two audit rows for decision {payload['id']}"
            audited[payload["id"]] = (r["action"], payload)
        assert set(decided) == set(audited), (
            f"decisions without audit: {sorted(set(decided) - set(audited))[:5]};"
            f" audit without decision: {sorted(set(audited) - set(decided))[:5]}"
        )
        for did, d in decided.items():
            action, payload = audited[did]
            assert action == ACTION_OF.get(d["outcome"], "decision")
            for k in ("request_id", "outcome", "officer", "status_before", "status_after", "request_version"):
                assert payload[k] == d[k], (did, k)
        lost = acked - set(decided)
        assert not lost, f"acknowledged decisions missing after a kill: {sorted(lost)[:10]}"

        per_request: dict[str, list[sqlite3.Row]] = {}
        for d in sorted(decided.values(), key=lambda d: d["id"]):
            per_request.setdefault(d["request_id"], []).append(d)
        events = dict(conn.execute("SELECT request_id, COUNT(*) FROM request_events GROUP BY request_id").fetchall())
        for r in conn.execute("SELECT id, status, version FROM requests"):
            log = per_request.get(r["id"], [])
            assert r["version"] == 1 + len(log), (r["id"], r["version"], len(log))
            assert r["status"] == (log[-1]["status_after"] if log else "pending"), r["id"]
            assert events[r["id"]] == 1 + len(log), r["id"]
            for before, after in zip(log, log[1:], strict=False):
                assert after["request_version"] == before["request_version"] + 1
                assert after["status_before"] == before["status_after"]
        seqs = [s for (s,) in conn.execute("SELECT seq FROM audit ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        for g in conn.execute("SELECT * FROM grants"):
            assert g["decision_id"] in decided
        return {"decisions": len(decided), "grants": conn.execute("SELECT COUNT(*) FROM grants").fetchone()[0]}
    finally:
        conn.close()


def audit_verify(cli, db: Path) -> None:
    v = cli("audit", "verify", db=db)
    assert v.returncode == 0, v.stderr
    assert "audit chain intact" in v.stdout


# ── the loops ──────────────────────────────────────────────────────────────────────────────


def test_sigkill_at_random_moments_loses_nothing_acknowledged(crash_db, cli):
    rng = random.Random(20261122)
    acked: set[int] = set()
    per_kill: list[int] = []
    baseline = check_consistent(crash_db, acked)["decisions"]
    started = time.perf_counter()
    waited_for = 0
    for i in range(KILLS):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: never returns
            os.close(r)
            _forked_writer(crash_db, i, w)
        os.close(w)
        # Let it commit 0-4 decisions first (so a loaded machine still gets kills mid-stream), then
        # kill it at a random moment in the next few milliseconds: before, inside or after a commit.
        after = rng.randrange(5)
        waited_for += after
        with os.fdopen(r, "rb") as pipe:
            lines = [pipe.readline().decode().strip()]  # "ready": the writer has its connections open
            while lines[-1] and not lines[-1].startswith("E ") and len(lines) <= after:
                lines.append(pipe.readline().decode().strip())
            if not lines[-1].startswith("E "):
                time.sleep(rng.uniform(0.0, 0.012))
            os.kill(pid, signal.SIGKILL)
            _, wstatus = os.waitpid(pid, 0)
            lines += pipe.read().decode().splitlines()
        errors = [ln for ln in lines if ln.startswith("E ")]
        assert not errors, errors[0].replace(" | ", "\n")
        assert lines[0] == "ready", lines[0]
        assert os.WIFSIGNALED(wstatus) and os.WTERMSIG(wstatus) == signal.SIGKILL, "the writer stopped by itself"
        acks = [int(ln) for ln in lines[1:] if ln]
        acked.update(acks)
        per_kill.append(len(acks))
        if i % 40 == 39:  # check as we go, not only at the end
            check_consistent(crash_db, acked)
    elapsed = time.perf_counter() - started
    stats = check_consistent(crash_db, acked)
    audit_verify(cli, crash_db)
    unacked = stats["decisions"] - len(acked) - baseline
    print(
        f"\ncrash loop: {KILLS} SIGKILLs in {elapsed:.1f}s; {len(acked)} acknowledged decisions,"
        f" {stats['decisions'] - baseline} written ({unacked} committed but killed before the ack),"
        f" {stats['grants']} grants; acks per kill min/max {min(per_kill)}/{max(per_kill)}"
    )
    assert len(acked) >= waited_for
    assert stats["decisions"] >= len(acked)


def test_sigkill_of_freshly_started_writers(crash_db, cli, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(EXEC_WRITER, encoding="utf-8")
    rng = random.Random(7)
    acked: set[int] = set()
    for i in range(EXEC_KILLS):
        p = subprocess.Popen(
            [sys.executable, str(script), str(crash_db), str(1000 + i), str(Path(__file__).parent)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
            early = [p.stdout.readline() for _ in range(rng.randrange(3))]
            time.sleep(rng.uniform(0.0, 0.030))
            p.send_signal(signal.SIGKILL)
            out, err = p.communicate(timeout=30)
            out = "".join(early) + out
        finally:
            if p.poll() is None:
                p.kill()
        assert p.returncode == -signal.SIGKILL, err
        assert "Traceback" not in err, err
        acked.update(int(x) for x in out.split())
        # Each run starts on what the previous killed one left behind (WAL recovery included).
    check_consistent(crash_db, acked)
    audit_verify(cli, crash_db)
    assert acked, "the writers never got to write"
