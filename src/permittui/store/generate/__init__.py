"""`permittui generate`: a synthetic database of N requests, as realistic as the demo, built fast.

What it holds: the shipped schedule, reason codes and conditions (loaded the normal way); about
max(60, N/200) customers with made-up names, countries, sectors and a vetting mix; the shipped
screening sample if there is one (imported the normal way, so hits are real hits) with some of
the hits dispositioned; an allow-list carried over from before the period; and N requests
(access ~55%, release ~30% with evaluation results around the thresholds, renewal ~15%)
submitted over the past two years. Most are decided: decision rows, clock events, grants for
approvals, countersigns where the rules ask for one, and an audit row per change on one valid
hash chain. The open queue (pending, info requested, referred, awaiting countersign) is some
5-10% of the rows, spread over due dates, some overdue.

How it stays fast and bounded in memory (two cores, two processes):
- this process plans: requests in submission order, each with the decisions it will get; those
  wait in per-day buckets and are numbered in time order when their day is over, so decision
  ids, event ids and audit sequence numbers follow time like a real office's. The allow-lists,
  caps and renewals are kept in memory (bounded by the customers x entries, not by N);
- a writer process (forked once the static tables are built) receives the rows in batches over
  a pipe, turns the day streams into decision, event and audit rows (hashing the chain exactly as
  audit.row_hash does, the canonical JSON assembled directly) and inserts them with executemany;
- the requests themselves go to a side file that this process writes and indexes while the
  writer indexes its tables; an INSERT ... SELECT * (SQLite's transfer, which copies the table
  and index b-trees as they are) joins them at the end;
- files are written with journal_mode=OFF / synchronous=OFF and built under a temporary name,
  renamed into place only when complete, then set back to WAL + synchronous FULL; secondary
  indexes are dropped for the load and built afterwards from their own schema SQL;
- due date and flags come from the rules' building blocks on precomputed tables (the tests check
  them against derive.refresh); the flags that depend on how the allow-lists end up (cap reached,
  grant lapsed) are set at the end; the cyclic GC is off during the run (nothing here forms cycles).

The rules are the real ones: every decision goes through lifecycle.rule (refusals, countersign),
approvals past a cap are overrides, prohibited entries are never approved.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from permittui.errors import BadInput, Refused
from permittui.identity import Officer, current_officer
from permittui.store.generate.planner import _Generator
from permittui.store.generate.progress import _Progress
from permittui.store.generate.vocab import WRITER_PROCESS_FROM
from permittui.store.generate.writer import _remove


@dataclass
class GenerateResult:
    path: Path
    requests: int
    open: int
    customers: int
    decisions: int
    grants: int
    audit: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"generated {self.path}: {self.requests:,} requests ({self.open:,} open), {self.customers:,}"
            f" customers, {self.decisions:,} decisions, {self.grants:,} grants, {self.audit:,} audit entries"
            f" in {self.seconds:.1f}s"
        )


def generate(
    path: Path | str,
    n: int,
    *,
    seed: int = 1,
    force: bool = False,
    officer: Officer | None = None,
    progress: bool | None = None,
    out: TextIO | None = None,
    writer_process: bool | None = None,
) -> GenerateResult:
    """Write a synthetic database of `n` requests at `path` and print a one-line summary.

    Refused if a file is there, unless force. The database is built under a temporary name beside
    `path` and renamed into place only when complete, so a failed or interrupted run leaves the
    old file (if any) as it was. writer_process: write rows from a second process (default: for
    runs of WRITER_PROCESS_FROM requests or more)."""
    path = Path(path)
    if n < 1:
        raise BadInput("--requests must be at least 1")
    if path.is_dir():
        raise BadInput(f"{path}: is a directory")
    if path.exists() and not force:
        raise Refused(f"{path}: a file already exists here; nothing changed (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    officer = officer or current_officer()
    err = sys.stderr
    if progress is None:
        progress = err.isatty()
    if writer_process is None:
        writer_process = n >= WRITER_PROCESS_FROM
    tmp = path.with_name(f".{path.name}.generating-{os.getpid()}")
    _remove(tmp)
    started = time.monotonic()
    gen = None
    # Millions of rows pass through lists and tuples that never form cycles: the cyclic collector
    # would only walk them over and over (it costs a third of the time at a million requests).
    collecting = gc.isenabled()
    gc.disable()
    try:
        gen = _Generator(tmp, path.name, n, seed, officer, _Progress(n, progress, err), writer_process)
        counts = gen.run()
        _remove(path)
        os.replace(tmp, path)
    except BaseException:
        if gen is not None:
            gen.abort()
        _remove(tmp)
        raise
    finally:
        if collecting:
            gc.enable()
    result = GenerateResult(
        path,
        n,
        counts["open"],
        counts["customers"],
        counts["decisions"],
        counts["grants"],
        counts["audit"],
        time.monotonic() - started,
    )
    print(result, file=out or sys.stdout)
    return result
