"""Console bench, headless: keystroke latency, filter latency, bytes written, memory.

    python bench/console.py --db BIG.db [--ref-db SMALL.db] [--runs 5] [--size 120x40] [--keys 60] [--no-floor]

How a keystroke is timed (and why this way). The app runs under `App.run_test()` but with a
recording driver in place of the headless one: it says it is not headless, so Textual renders
every frame to escape sequences exactly as it would for a terminal, and its `write()` records
(time, bytes) instead of discarding them. A key is delivered the way the real driver delivers
one — `app.post_message(events.Key(...))` — and its latency is the time from posting to the
first `write()` after it: key event -> bindings -> action -> refresh -> compositor -> the bytes
a terminal would receive. Pilot.press is not used for timing (it sleeps ~50 ms a key).
Each key waits for the previous frame and then for the app to be idle, so keys never overlap.
Bytes per key are all the bytes written for it until the app is quiet again, reported twice:
the frame that answers the key itself, and everything up to quiet (the detail pane following
the cursor after its debounce, its worker's findings).

Each session runs in a fresh interpreter with garbage collection as the real console has it:
off from the start (permittui.cli.console.run_console calls gc.disable() before importing the
TUI) and frozen and back on after the first frame (the app's permittui.tui.app.resume_gc).

The Textual floor. Most of a keystroke that repaints a pane is Textual's own: key dispatch, the
compositor, the escape sequences (with every rendered line of the list cached, a 47-line repaint
at 160x50 still cost ~11 ms of frame CPU). A Textual app's own cost is the lower bound of any such key, so
each run also times the same key sequence (`_keystrokes`, the same `_key`, the same recording
driver, size and TERM/COLORTERM, a fresh interpreter, gc handled alike) in a minimal Textual app
of the console's shape (bench/floor.py: a title line, a Line-API list of 1M rows whose lines are
cached strips, a key line, a second full pane switched by `display`, an Input for the filter).
The "floor" rows give each keystroke figure on --db with the floor's as its reference: the ratio
is the console's cost as a multiple of what any Textual app pays for that key. --no-floor skips it.

Filter: `/`, the text set at once, enter; time from the enter key to the first frame written
with the list showing rows of the new filter (the count may follow from a worker).

Memory is the process's peak RSS (VmHWM) after all of the above; the tmux figure for a real
terminal is in bench/terminal.py.

`run(args)` returns rows {section, measure, value, unit, reference, ratio} for bench/run.py;
the reference of a figure measured on --db is the same figure on --ref-db, measured in the same
run, alternating the two databases (and the floor) run by run; in the "floor" rows it is the
minimal Textual app's figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import pct

KEYS = {  # measure -> (key, character) as the terminal driver would post them
    "cursor move (j)": ("j", "j"),
    "page down": ("pagedown", None),
    "jump to end (G)": ("G", "G"),
    "jump to top (g)": ("g", "g"),
    "pane switch (2/1)": ("2", "2"),
    "filter: one character": ("x", "x"),
}


def _peak_rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Recorder:
    def __init__(self) -> None:
        self.frames: list[tuple[float, int]] = []
        self.first: float | None = None
        self.waiter: asyncio.Future[float] | None = None

    def wrote(self, data: str) -> None:
        t = time.perf_counter()
        self.frames.append((t, len(data.encode("utf-8"))))
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(t)


RECORDER = Recorder()


def _install_driver() -> None:
    """Swap Textual's headless driver for one that renders and records what it would write."""
    from textual.drivers import headless_driver

    base = getattr(headless_driver, "_PermittuiOriginal", headless_driver.HeadlessDriver)
    headless_driver._PermittuiOriginal = base  # type: ignore[attr-defined]

    class RecordingDriver(base):  # type: ignore[misc, valid-type]
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            RECORDER.wrote(data)

    headless_driver.HeadlessDriver = RecordingDriver  # type: ignore[misc]


async def _idle(app: Any, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _key(app: Any, pilot: Any, key: str, char: str | None, settle: float = 0.0) -> tuple[float, int, int]:
    """(latency ms, bytes of the answering frame, bytes until quiet) for one posted key."""
    from textual import events

    loop = asyncio.get_running_loop()
    RECORDER.waiter = loop.create_future()
    n = len(RECORDER.frames)
    t0 = time.perf_counter()
    app.post_message(events.Key(key, char))
    try:
        t1 = await asyncio.wait_for(RECORDER.waiter, 5.0)
    except asyncio.TimeoutError:
        t1 = float("nan")  # the key changed nothing on screen
    if settle:
        await asyncio.sleep(settle)
    await _idle(app, pilot)
    frames = RECORDER.frames[n:]
    first = frames[0][1] if frames else 0
    return (t1 - t0) * 1000, first, sum(b for _, b in frames)


async def _keystrokes(
    app: Any, pilot: Any, keys: int
) -> tuple[dict[str, list[float]], dict[str, list[int]], dict[str, list[int]]]:
    """The timed key sequence, the same for the console and the floor (bench/floor.py): per
    measure, (latencies ms, answering frame bytes, bytes until quiet). Leaves the filter open."""
    lat: dict[str, list[float]] = {m: [] for m in KEYS}
    first_b: dict[str, list[int]] = {m: [] for m in KEYS}
    all_b: dict[str, list[int]] = {m: [] for m in KEYS}

    def add(m: str, r: tuple[float, int, int]) -> None:
        lat[m].append(r[0])
        first_b[m].append(r[1])
        all_b[m].append(r[2])

    for i in range(keys):
        add("cursor move (j)", await _key(app, pilot, "j", "j", settle=0.2 if i % 10 == 0 else 0))
    for _ in range(max(3, keys // 6)):
        add("page down", await _key(app, pilot, "pagedown", None))
    for _ in range(max(3, keys // 10)):
        add("jump to end (G)", await _key(app, pilot, "G", "G"))
        add("jump to top (g)", await _key(app, pilot, "g", "g"))
    for _ in range(max(3, keys // 10)):
        add("pane switch (2/1)", await _key(app, pilot, "2", "2"))
        add("pane switch (2/1)", await _key(app, pilot, "1", "1"))
    await _key(app, pilot, "slash", "/")
    for ch in ("acmeholdings" * 4)[: max(6, keys // 3)]:
        add("filter: one character", await _key(app, pilot, ch, ch))
    return lat, first_b, all_b


async def _session(db: Path, size: tuple[int, int], keys: int, filters: list[str]) -> dict[str, Any]:
    from permittui.identity import current_officer
    from permittui.store.db import open_store
    from permittui.tui.app import PermitApp
    from permittui.tui.config import Config

    out: dict[str, Any] = {}
    RECORDER.frames.clear()
    store = open_store(db, current_officer(None))
    app = PermitApp(store, config=Config())
    t_start = time.perf_counter()
    try:
        async with app.run_test(size=size) as pilot:
            await _idle(app, pilot)
            await asyncio.sleep(0.3)
            await _idle(app, pilot)
            out["first screen bytes"] = sum(b for _, b in RECORDER.frames)
            big = [t for t, b in RECORDER.frames if b > 1000]
            out["first frame ms (headless)"] = (big[0] - t_start) * 1000 if big else 0
            out["keys"] = await _keystrokes(app, pilot, keys)
            await _key(app, pilot, "escape", None)
            await _key(app, pilot, "escape", None)

            ftimes: dict[str, float] = {}
            for text in filters:
                await _key(app, pilot, "slash", "/")
                app.query_one("#filter").value = text
                await _idle(app, pilot)
                vl = app.pane_widget("queue").vlist
                loop = asyncio.get_running_loop()
                from textual import events

                t0 = time.perf_counter()
                shown = None
                RECORDER.waiter = loop.create_future()
                app.post_message(events.Key("enter", "\r"))
                while shown is None and time.perf_counter() - t0 < 10:
                    await asyncio.wait_for(RECORDER.waiter, 10)
                    if vl.source is not None and vl.source.filter.source == text:
                        shown = RECORDER.frames[-1][0]
                    else:
                        RECORDER.waiter = loop.create_future()
                await _idle(app, pilot)
                ftimes[text] = ((shown or float("nan")) - t0) * 1000
                ftimes[text + " |rows"] = vl.total
                await _key(app, pilot, "escape", None)
            out["filters"] = ftimes
            out["peak rss MiB (headless)"] = _peak_rss_mib()
    finally:
        store.close()
    return out


def _one(db: str, size: str, keys: int, filters: list[str]) -> dict[str, Any]:
    """One session in a fresh interpreter state (called in a subprocess by run())."""
    # As the real console (permittui.cli.console.run_console): no cyclic garbage collection
    # until the app's first frame, where it calls permittui.tui.app.resume_gc (freeze + enable).
    # The subprocess has already turned it off before anything was imported; this is for callers
    # in a process of their own.
    gc.disable()
    w, h = (int(x) for x in size.lower().split("x"))
    _install_driver()
    return asyncio.run(_session(Path(db), (w, h), keys, filters))


def _subprocess(db: str, size: str, keys: int, filters: list[str], module: str = "console") -> dict[str, Any]:
    """A session of `module`'s `_one` (console: the console; floor: the minimal Textual app) in a
    fresh interpreter, garbage collection off from its start, as in the real console."""
    import json
    import subprocess

    code = (
        "import gc; gc.disable(); import json, sys; sys.path.insert(0, %r); import %s; "
        "print('@@' + json.dumps(%s._one(%r, %r, %d, %r)))"
    ) % (str(Path(__file__).parent), module, module, db, size, keys, filters)
    # Over SSH the terminal is usually 256 colours (ssh forwards TERM, not COLORTERM): --truecolor
    # measures a local truecolor terminal instead.
    env = {
        **os.environ,
        "TEXTUAL_ANIMATIONS": "none",
        "PYTHONPATH": os.environ.get("BENCH_PYTHONPATH", ""),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor" if TRUECOLOR else "",
    }
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("@@")), None)
    if line is None:
        raise RuntimeError(f"{module} bench session failed:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    return json.loads(line[2:])


TRUECOLOR = False


def default_filters(db: str) -> list[str]:
    """A customer with about 1% of the open requests, and an entry+kind filter."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (n_open,) = conn.execute(
            "SELECT COUNT(*) FROM requests WHERE status IN"
            " ('pending','info_requested','referred','awaiting_countersign')"
        ).fetchone()
        rows = conn.execute("SELECT customer_id, COUNT(*) FROM requests GROUP BY customer_id").fetchall()
    finally:
        conn.close()
    total = sum(c for _, c in rows) or 1
    cust = min(rows, key=lambda r: abs(r[1] / total - 0.01))[0]
    del n_open
    return [f'customer:"{cust}"', "cap:AI.C.1.a", "status:all cap:AI.C.1.a", "kind:release cap:AI.C"]


def _size_label(db: str) -> str:
    """'1M', '10k', ...: the requests in a database, for row names."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (n,) = conn.execute("SELECT COUNT(*) FROM requests").fetchone()
    finally:
        conn.close()
    for div, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return f"{n:,}"


def _summ(values: list[float]) -> tuple[float, float, float]:
    v = [x for x in values if x == x]
    return (statistics.median(v), min(v), max(v)) if v else (float("nan"),) * 3


def run(args: Any) -> list[dict[str, Any]]:
    global TRUECOLOR
    if isinstance(args, (list, tuple)):
        args = parser().parse_args(list(args))
    TRUECOLOR = args.truecolor
    dbs = [args.db] + ([args.ref_db] if args.ref_db else [])
    filters = args.filter or default_filters(args.db)
    sessions: dict[str, list[dict[str, Any]]] = {d: [] for d in dbs}
    floor: list[dict[str, Any]] = []
    for _ in range(args.runs):
        for d in dbs:  # alternate, so noise falls on all alike
            sessions[d].append(_subprocess(d, args.size, args.keys, filters))
        if not args.no_floor:
            floor.append(_subprocess(args.db, args.size, args.keys, [], module="floor"))
    rows: list[dict[str, Any]] = []

    def row(section: str, measure: str, value: float, unit: str, ref: float | None, extra: str = "") -> None:
        rows.append(
            {
                "section": section,
                "measure": measure + extra,
                "value": round(value, 3),
                "unit": unit,
                "reference": None if ref is None else round(ref, 3),
                "ratio": None if not ref or ref != ref else round(value / ref, 3),
            }
        )

    def keystat(d: str, m: str, which: int) -> list[float]:
        return [x for s in sessions[d] for x in s["keys"][which][m]]

    ref = args.ref_db
    for m in KEYS:
        for stat, fn in (("median", statistics.median), ("p99", lambda v: pct(v, 0.99))):
            val = fn([x for x in keystat(args.db, m, 0) if x == x])
            rv = fn([x for x in keystat(ref, m, 0) if x == x]) if ref else None
            row("keystroke", f"{m} {stat}", val, "ms", rv)
    if floor:  # the same figures against the Textual floor (bench/floor.py)
        label = _size_label(args.db)
        for m in KEYS:
            for stat, fn in (("median", statistics.median), ("p99", lambda v: pct(v, 0.99))):
                val = fn([x for x in keystat(args.db, m, 0) if x == x])
                fv = [x for s in floor for x in s["keys"][0][m] if x == x]
                row("floor", f"{m} {stat}: console {label} vs minimal Textual app", val, "ms", fn(fv) if fv else None)
    for m in KEYS:
        row(
            "bytes",
            f"{m}: answering frame (median)",
            statistics.median(keystat(args.db, m, 1)),
            "B",
            statistics.median(keystat(ref, m, 1)) if ref else None,
        )
        row(
            "bytes",
            f"{m}: until quiet (median)",
            statistics.median(keystat(args.db, m, 2)),
            "B",
            statistics.median(keystat(ref, m, 2)) if ref else None,
        )
    for name, unit in (
        ("first screen bytes", "B"),
        ("peak rss MiB (headless)", "MiB"),
        ("first frame ms (headless)", "ms"),
    ):
        med, lo, hi = _summ([s[name] for s in sessions[args.db]])
        rmed = _summ([s[name] for s in sessions[ref]])[0] if ref else None
        row(
            "bytes" if unit == "B" else ("memory" if unit == "MiB" else "first frame"),
            name,
            med,
            unit,
            rmed,
            f" [{lo:.0f}-{hi:.0f}]",
        )
    for text in filters:
        med, lo, hi = _summ([s["filters"][text] for s in sessions[args.db]])
        rmed = _summ([s["filters"][text] for s in sessions[ref]])[0] if ref else None
        n = sessions[args.db][0]["filters"][text + " |rows"]
        row("filter", f"{text} ({n} rows) first page", med, "ms", rmed, f" [{lo:.1f}-{hi:.1f}]")
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="the database measured (e.g. 1M requests)")
    p.add_argument("--ref-db", help="the reference database (e.g. 10k requests), measured in the same run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--keys", type=int, default=60, help="cursor moves per session (other keys scale with it)")
    p.add_argument("--size", default="120x40")
    p.add_argument("--truecolor", action="store_true", help="COLORTERM=truecolor (default: 256 colours)")
    p.add_argument(
        "--no-floor",
        action="store_true",
        help="skip the Textual floor (a minimal Textual app's keystrokes, bench/floor.py)",
    )
    p.add_argument("--filter", action="append", help="a filter to time (default: a 1%% customer, entry+kind)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    rows = run(args)
    w = max(len(r["measure"]) for r in rows)
    print(f"{'section':<12} {'measure':<{w}} {'value':>10} {'unit':<4} {'reference':>10} {'ratio':>6}")
    for r in rows:
        ref = "" if r["reference"] is None else f"{r['reference']:.2f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"{r['section']:<12} {r['measure']:<{w}} {r['value']:>10.2f} {r['unit']:<4} {ref:>10} {ratio:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
