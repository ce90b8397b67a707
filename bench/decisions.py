"""Decision bench: commit latency of `decide` at synchronous=FULL, and a scripted bulk decision.

    python bench/decisions.py [--requests N] [--timed N] [--bulk N] [--cli N] [--seed N] [--keep DIR]

Builds a fresh database in a temporary directory (the shipped schedule, reasons and conditions,
40 customers and a few thousand pending requests), opens it the way the console does (one store,
WAL, synchronous=FULL, `open_store(..., background_checkpoint=True)`: WAL checkpoints on a thread,
not in a commit), then measures:

  * one `decisions.decide` call through the store API, each its own IMMEDIATE transaction
    committed with an fsync, back to back: median, p90, p99 and max over --timed calls, the
    outcomes cycling approve, approve-with-conditions, deny, return, request-info, refer;
  * the same with SQLite's default inline auto-checkpoint (what a `permittui` command does; the
    commit that takes the WAL past 1000 pages also checkpoints), as a reference: the two are
    measured in alternating blocks of BLOCK calls, so a noisy machine affects both alike;
  * the disk: writing 14 pages (what a decision adds to the WAL) and fdatasync, in the same
    directory, in blocks between the others: how much of the tail is the disk itself;
  * a scripted bulk decision: --bulk requests approved one after another in a loop through the
    store API (what marking many rows and pressing a decision key does): total time, console
    way and inline-checkpoint way;
  * optionally (--cli N), N installed `permittui decide` commands one after another: the cost of a
    shell script driving the command line, process start included.

Back to back is the worst case for the console: an officer's decisions are seconds apart, and
the checkpoint runs between them. The figures depend on the disk's fsync; the directory is
printed with them. `run()` returns the figures as a dict, with `rows` for bench/run.py.
"""

from __future__ import annotations

import argparse
import itertools
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

from common import pct, permittui_argv

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
        customers.write_text(
            "customers:\n"
            + "".join(
                f"  - id: C-{i:03d}\n    name: Bench Customer {i}\n    country: GB\n    sector: research\n"
                f"    vetting: vetted\n"
                for i in range(CUSTOMERS)
            ),
            encoding="utf-8",
        )
        imports.import_customers(store, customers)
        base = dt.date(2026, 9, 1)
        items = [
            Request(
                id=f"B-{i:05d}",
                kind="access",
                customer_id=f"C-{rng.randrange(CUSTOMERS):03d}",
                entries=(ENTRIES[i % len(ENTRIES)],),
                end_use=f"Bench end use {i}.",
                end_use_category="defensive_security_research",
                submitted=(base + dt.timedelta(days=rng.randrange(80))).isoformat(),
            )
            for i in range(requests)
        ]
        with store.write() as conn:
            imports.insert_requests(conn, items)
    finally:
        store.close()


BLOCK = 125  # calls per block when alternating the checkpoint modes (about two checkpoints)
PAGE = 4096 + 24  # a WAL frame


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 2),
        "p90": round(pct(values, 0.90), 2),
        "p99": round(pct(values, 0.99), 2),
        "max": round(max(values), 2),
    }


def _fsync_block(fd: int, n: int, start: int) -> list[float]:
    """n times: write 14 frames in place (a ~4 MiB file reused like a WAL) and fdatasync."""
    buf = os.urandom(PAGE * 14)
    out = []
    for i in range(start, start + n):
        t = time.perf_counter()
        os.pwrite(fd, buf, (i % 70) * len(buf))
        os.fdatasync(fd)
        out.append((time.perf_counter() - t) * 1000)
    return out


def run(
    requests: int = 3600,
    timed: int = 1000,
    bulk: int = 500,
    cli: int = 0,
    seed: int = 1,
    keep: Path | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    from permittui.identity import Officer
    from permittui.store import decisions
    from permittui.store.db import open_store

    if 2 * timed + 2 * bulk + cli + 10 > requests:
        raise SystemExit(f"--requests {requests} is too few for 2x{timed} timed + 2x{bulk} bulk + {cli} cli decisions")
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

        ids = iter(random.Random(seed).sample([f"B-{i:05d}" for i in range(requests)], requests))
        store = open_store(db, Officer("bench", "bench"), background_checkpoint=True)
        probe = os.open(work / "fsync-probe", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            sync = store.conn.execute("PRAGMA synchronous").fetchone()[0]
            journal = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
            figures.update(
                synchronous={0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, sync), journal_mode=journal
            )
            for rid in itertools.islice(ids, 10):  # warm up: caches, the WAL file
                decisions.decide(store, rid, "return", reasons=["RWA-INCOMPLETE"])

            times: dict[str, list[float]] = {"console": [], "inline": [], "disk": []}
            by_outcome: dict[str, list[float]] = {}
            runs = 0
            for block in range(-(-timed // BLOCK)):
                n = min(BLOCK, timed - block * BLOCK)
                for mode in ("console", "inline") if block % 2 == 0 else ("inline", "console"):
                    if mode == "console":
                        store.start_checkpointer()
                    else:
                        store.stop_checkpointer()  # back to SQLite's auto-checkpoint
                    for i, rid in enumerate(itertools.islice(ids, n)):
                        outcome, kwargs = OUTCOMES[(block * BLOCK + i) % len(OUTCOMES)]
                        t = time.perf_counter()
                        decisions.decide(store, rid, outcome, **kwargs)
                        times[mode].append((time.perf_counter() - t) * 1000)
                        if mode == "console":
                            by_outcome.setdefault(outcome, []).append(times[mode][-1])
                    if mode == "console":
                        runs += store.checkpointer.runs
                times["disk"] += _fsync_block(probe, n, block * BLOCK)
            store.start_checkpointer()
            figures["decide_p50_ms_by_outcome"] = {o: round(statistics.median(v), 2) for o, v in by_outcome.items()}
            console, inline, disk = (_stats(times[k]) for k in ("console", "inline", "disk"))
            figures.update(
                {f"decide_{k}_ms": v for k, v in console.items() if k != "n"},
                decide_n=console["n"],
                inline=inline,
                disk=disk,
                checkpoints=runs,
            )

            t = time.perf_counter()
            for rid in itertools.islice(ids, bulk):
                decisions.decide(store, rid, "approve", reasons=["END-USE-VERIFIED"])
            figures["bulk_n"] = bulk
            figures["bulk_s"] = round(time.perf_counter() - t, 3)
            store.stop_checkpointer()
            t = time.perf_counter()
            for rid in itertools.islice(ids, bulk):
                decisions.decide(store, rid, "approve", reasons=["END-USE-VERIFIED"])
            figures["bulk_inline_s"] = round(time.perf_counter() - t, 3)
        finally:
            os.close(probe)
            store.close()

        if cli:
            env = {**os.environ, "PERMITTUI_OFFICER": "bench"}
            t = time.perf_counter()
            for rid in itertools.islice(ids, cli):
                r = subprocess.run(
                    [*permittui_argv(), "decide", rid, "approve", "--db", str(db)],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                if r.returncode != 0:
                    raise SystemExit(f"permittui decide failed: {r.stderr.strip()}")
            figures["cli_n"] = cli
            figures["cli_s"] = round(time.perf_counter() - t, 2)

        v = subprocess.run([*permittui_argv(), "audit", "verify", "--db", str(db)], capture_output=True, text=True)
        figures["audit_verify"] = "ok" if v.returncode == 0 else v.stderr.strip()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    figures["rows"] = _rows(figures)

    say(
        f"decisions bench: {requests} pending requests, journal {figures['journal_mode']},"
        f" synchronous={figures['synchronous']}, in {figures['dir']}{'' if keep else ' (removed)'}"
        f" (built in {figures['build_s']} s)"
    )
    say(f"  {'measure':<52} {'console':>9} {'inline ckpt':>12} {'disk':>9}")
    for q in ("p50", "p90", "p99", "max"):
        say(
            f"  {'decide, one call, back to back, ' + q:<52} {figures['decide_' + q + '_ms']:>6.2f} ms"
            f" {figures['inline'][q]:>9.2f} ms {figures['disk'][q]:>6.2f} ms"
        )
    say(
        f"  {'  (n, checkpoints run by the thread)':<52} {figures['decide_n']:>9} {figures['inline']['n']:>12}"
        f"   ({figures['checkpoints']} checkpoints)"
    )
    for outcome, ms in figures["decide_p50_ms_by_outcome"].items():
        say(f"  {'  p50 of ' + outcome:<52} {ms:>6.2f} ms")
    say(
        f"  {'bulk: ' + str(bulk) + ' approvals, store API, total':<52} {figures['bulk_s']:>7.2f} s"
        f" {figures['bulk_inline_s']:>10.2f} s   ({figures['bulk_s'] * 1000 / max(bulk, 1):.2f} ms each)"
    )
    if cli:
        say(
            f"  {'script: ' + str(cli) + ' `permittui decide` commands, total':<52} {figures['cli_s']:>7.2f} s"
            f"   ({figures['cli_s'] * 1000 / cli:.0f} ms each)"
        )
    say(f"  {'audit verify afterwards':<52} {figures['audit_verify']:>9}")
    return figures


def _rows(f: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures as bench/run.py rows: the console's way, with the inline checkpoint and the
    bare disk as references."""
    what = f"({f['decide_n']} calls, {f['journal_mode']}, synchronous={f['synchronous']}, checkpoint on a thread)"
    rows = []
    for q in ("p50", "p90", "p99"):
        ours, ref = f[f"decide_{q}_ms"], f["inline"][q]
        rows.append(
            {
                "section": "decisions",
                "measure": f"decide one call {what} {q}; reference: inline checkpoint",
                "value": ours,
                "unit": "ms",
                "reference": ref,
                "ratio": round(ours / ref, 2) if ref else None,
            }
        )
    for q in ("p50", "p99"):
        rows.append(
            {
                "section": "decisions",
                "measure": f"disk: write 14 pages + fdatasync, {q}",
                "value": f["disk"][q],
                "unit": "ms",
            }
        )
    rows.append(
        {
            "section": "decisions",
            "measure": f"bulk: {f['bulk_n']} approvals, total; reference: inline checkpoint",
            "value": f["bulk_s"],
            "unit": "s",
            "reference": f["bulk_inline_s"],
            "ratio": round(f["bulk_s"] / f["bulk_inline_s"], 2) if f["bulk_inline_s"] else None,
        }
    )
    rows.append(
        {"section": "decisions", "measure": f"audit verify afterwards: {f['audit_verify']}", "value": None, "unit": ""}
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=3600, help="pending requests in the database")
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
