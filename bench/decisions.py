"""Decision bench: commit latency of `decide` at synchronous=FULL, and a scripted bulk decision.

    python bench/decisions.py [--requests N] [--timed N] [--bulk N] [--cli N] [--seed N] [--keep DIR]

Builds a fresh database in a temporary directory (the shipped schedule, reasons and conditions,
40 customers and a few thousand pending requests), then measures:

  * one `decisions.decide` call through the store API, each its own IMMEDIATE transaction
    committed with an fsync (WAL, synchronous=FULL): median, p90, p99 and max over --timed calls,
    the outcomes cycling approve, approve-with-conditions, deny, return, request-info, refer;
  * a scripted bulk decision: --bulk requests approved one after another in a loop through the
    store API (what marking many rows and pressing a decision key does): total time;
  * optionally (--cli N), N installed `permittui decide` commands one after another: the cost of a
    shell script driving the command line, process start included.

The figures depend on the disk's fsync; the directory is printed with them. `run()` returns the
figures as a dict, for bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CUSTOMERS = 40
ENTRIES = ("AI.C.2.a", "AI.S.1.a", "AI.W.4.a", "AI.W.3.a", "AI.S.2.a")
OUTCOMES = [
    ("approve", {"reasons": ["END-USE-VERIFIED"]}),
    ("approve-with-conditions", {"conditions": ["NO-ONWARD-TRANSFER", "Logs kept for three years."]}),
    ("deny", {"reasons": ["PARTY-UNVERIFIED"]}),
    ("return", {"reasons": ["RWA-INCOMPLETE"]}),
    ("request-info", {}),
    ("refer", {"inspector": "Dr. Imre"}),
]


def _permittui() -> list[str]:
    exe = Path(sys.executable).parent / "permittui"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "permittui"]


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def build(path: Path, requests: int, seed: int = 1) -> None:
    """A fresh database: defaults, CUSTOMERS vetted customers, `requests` pending access requests."""
    import datetime as dt

    from permittui.domain.models import Request
    from permittui.identity import Officer
    from permittui.store import imports
    from permittui.store.db import init_store
    from permittui.store.demo import load_defaults

    rng = random.Random(seed)
    store = init_store(path, Officer("bench", "bench"))
    try:
        for _ in load_defaults(store):
            pass
        customers = path.with_suffix(".customers.yaml")
        customers.write_text("customers:\n" + "".join(
            f"  - id: C-{i:03d}\n    name: Bench Customer {i}\n    country: GB\n    sector: research\n"
            f"    vetting: vetted\n" for i in range(CUSTOMERS)), encoding="utf-8")
        imports.import_customers(store, customers)
        base = dt.date(2026, 9, 1)
        items = [Request(id=f"B-{i:05d}", kind="access", customer_id=f"C-{rng.randrange(CUSTOMERS):03d}",
                         entries=(ENTRIES[i % len(ENTRIES)],), end_use=f"Bench end use {i}.",
                         submitted=(base + dt.timedelta(days=rng.randrange(80))).isoformat())
                 for i in range(requests)]
        with store.write() as conn:
            imports.insert_requests(conn, items)
    finally:
        store.close()


def run(requests: int = 3000, timed: int = 1000, bulk: int = 500, cli: int = 0, seed: int = 1,
        keep: Path | None = None, quiet: bool = False) -> dict[str, Any]:
    from permittui.identity import Officer
    from permittui.store import decisions
    from permittui.store.db import open_store

    if timed + bulk + cli + 10 > requests:
        raise SystemExit(f"--requests {requests} is too few for {timed} timed + {bulk} bulk + {cli} cli decisions")
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    work = Path(tempfile.mkdtemp(prefix="permittui-bench-decisions-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"requests": requests, "dir": str(work)}
    try:
        db = work / "decisions.db"
        if db.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
        t = time.perf_counter()
        build(db, requests, seed)
        figures["build_s"] = round(time.perf_counter() - t, 2)

        ids = [f"B-{i:05d}" for i in range(requests)]
        random.Random(seed).shuffle(ids)
        store = open_store(db, Officer("bench", "bench"))
        try:
            sync = store.conn.execute("PRAGMA synchronous").fetchone()[0]
            journal = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
            figures.update(synchronous={0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, sync),
                           journal_mode=journal)
            for rid in ids[:10]:                                   # warm up: caches, the WAL file
                decisions.decide(store, rid, "return", reasons=["RWA-INCOMPLETE"])
            pos = 10

            times: list[float] = []
            by_outcome: dict[str, list[float]] = {}
            for i, rid in enumerate(ids[pos:pos + timed]):
                outcome, kwargs = OUTCOMES[i % len(OUTCOMES)]
                t = time.perf_counter()
                decisions.decide(store, rid, outcome, **kwargs)
                times.append((time.perf_counter() - t) * 1000)
                by_outcome.setdefault(outcome, []).append(times[-1])
            pos += timed
            figures["decide_p50_ms_by_outcome"] = {o: round(statistics.median(v), 2) for o, v in by_outcome.items()}
            figures.update(decide_n=len(times), decide_p50_ms=round(statistics.median(times), 2),
                           decide_p90_ms=round(_pct(times, 0.90), 2), decide_p99_ms=round(_pct(times, 0.99), 2),
                           decide_max_ms=round(max(times), 2))

            t = time.perf_counter()
            for rid in ids[pos:pos + bulk]:
                decisions.decide(store, rid, "approve", reasons=["END-USE-VERIFIED"])
            figures["bulk_n"] = bulk
            figures["bulk_s"] = round(time.perf_counter() - t, 3)
            pos += bulk
        finally:
            store.close()

        if cli:
            env = {**os.environ, "PERMITTUI_OFFICER": "bench"}
            t = time.perf_counter()
            for rid in ids[pos:pos + cli]:
                r = subprocess.run([*_permittui(), "decide", rid, "approve", "--db", str(db)],
                                   capture_output=True, text=True, env=env)
                if r.returncode != 0:
                    raise SystemExit(f"permittui decide failed: {r.stderr.strip()}")
            figures["cli_n"] = cli
            figures["cli_s"] = round(time.perf_counter() - t, 2)

        v = subprocess.run([*_permittui(), "audit", "verify", "--db", str(db)], capture_output=True, text=True)
        figures["audit_verify"] = "ok" if v.returncode == 0 else v.stderr.strip()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)

    say(f"decisions bench: {requests} pending requests, journal {figures['journal_mode']},"
        f" synchronous={figures['synchronous']}, in {figures['dir']}{'' if keep else ' (removed)'}"
        f" (built in {figures['build_s']} s)")
    say(f"  {'measure':<44} {'value':>12}")
    say(f"  {'decide, one call (n=' + str(figures['decide_n']) + ') p50':<44} {figures['decide_p50_ms']:>9.2f} ms")
    say(f"  {'decide, one call p90':<44} {figures['decide_p90_ms']:>9.2f} ms")
    say(f"  {'decide, one call p99':<44} {figures['decide_p99_ms']:>9.2f} ms")
    say(f"  {'decide, one call max':<44} {figures['decide_max_ms']:>9.2f} ms")
    for outcome, ms in figures["decide_p50_ms_by_outcome"].items():
        say(f"  {'  p50 of ' + outcome:<44} {ms:>9.2f} ms")
    say(f"  {'bulk: ' + str(bulk) + ' approvals, store API, total':<44} {figures['bulk_s']:>10.2f} s"
        f"   ({figures['bulk_s'] * 1000 / max(bulk, 1):.2f} ms each)")
    if cli:
        say(f"  {'script: ' + str(cli) + ' `permittui decide` commands, total':<44} {figures['cli_s']:>10.2f} s"
            f"   ({figures['cli_s'] * 1000 / cli:.0f} ms each)")
    say(f"  {'audit verify afterwards':<44} {figures['audit_verify']:>12}")
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=3000, help="pending requests in the database")
    ap.add_argument("--timed", type=int, default=1000, help="decide calls timed one by one")
    ap.add_argument("--bulk", type=int, default=500, help="requests in the scripted bulk decision")
    ap.add_argument("--cli", type=int, default=0, help="also time N `permittui decide` commands")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="build the database in this directory and keep it")
    args = ap.parse_args(argv)
    run(args.requests, args.timed, args.bulk, args.cli, args.seed, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
