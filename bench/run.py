"""permittui benchmarks: one entry point, one table of medians with min-max.

    python bench/run.py [section ...] [--runs N] [--sizes 10000,100000,1000000] [--fresh] [--keep-going]

Sections (all of them when none is named, in this order):

  generate   `permittui generate --requests N` for 10k, 100k and 1M requests (fewer runs for 1M),
             each in a subprocess: wall time, peak RSS of the largest process (getrusage of the
             child, which counts its writer process too) and of all of them together (sampled
             from /proc every 50 ms). The last database of each size is kept in bench/out/
             (gitignored) as gen-<N>.db, for the sections that need a big database.
  import     `permittui init --demo` on the shipped demo data: wall time and peak RSS; then
             bench/imports.py: 500k customers (YAML and JSON), a screening list with a
             100,000-character name (refused), one at the caps, screening a 100,000-character name.
  decisions  bench/decisions.py: decide latency at synchronous=FULL, a scripted bulk decision.
  screening  bench/screening.py: importing a 30k-row screening list, screening one name.
  cli        bench/cli.py: `show` and `decide` whole process against `python -c "import permittui.store"`.
  console    bench/console.py on bench/out/gen-1000000.db against gen-10000.db (headless).
  terminal   bench/terminal.py, the same two databases in tmux (needs tmux).

A section is a function in SECTIONS taking the parsed options and returning rows
{section, measure, value, unit, lo, hi, runs, reference, ratio}; add one there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
SIZES = (10_000, 100_000, 1_000_000)
RUNS = {10_000: 5, 100_000: 3, 1_000_000: 2}  # fewer runs where a run takes a minute or more

Row = dict[str, Any]


def permittui() -> str:
    exe = Path(sys.executable).parent / "permittui"
    return str(exe) if exe.exists() else (shutil.which("permittui") or "permittui")


# ── measuring a command ──────────────────────────────────────────────────────────────────


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc (0 once it has gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> dict[str, float]:
    """Run a command to the end: seconds, peak RSS of its largest process (MiB, getrusage: the
    child and the descendants it waited for) and peak RSS of the whole tree (MiB, sampled).
    An exit code outside `ok` is a failure (a refusal being measured passes ok=(2,))."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here, for its rusage
    seconds = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    done.set()
    sampler.join()
    if code not in ok:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {chunks['err'].decode(errors='replace').strip()[-500:]}")
    return {
        "seconds": seconds,
        "rss_mib": usage.ru_maxrss / 1024,
        "tree_rss_mib": peak[0] / 1024,
        "stdout": chunks["out"].decode(errors="replace"),
        "stderr": chunks["err"].decode(errors="replace"),
    }


def _rows(section: str, name: str, results: list[dict[str, float]]) -> list[Row]:
    rows = []
    for key, measure_name, unit in (
        ("seconds", "time", "s"),
        ("rss_mib", "peak RSS, largest process", "MiB"),
        ("tree_rss_mib", "peak RSS, all processes", "MiB"),
    ):
        values = [r[key] for r in results if r[key] == r[key]]
        if values:
            rows.append(
                {
                    "section": section,
                    "measure": f"{name}: {measure_name}",
                    "value": statistics.median(values),
                    "unit": unit,
                    "lo": min(values),
                    "hi": max(values),
                    "runs": len(values),
                }
            )
    return rows


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# ── sections ─────────────────────────────────────────────────────────────────────────────


def generated(n: int, fresh: bool = False) -> Path:
    """bench/out/gen-<n>.db, generated if missing (or if fresh)."""
    path = OUT / f"gen-{n}.db"
    if fresh or not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        measure([permittui(), "generate", "--requests", str(n), "--db", str(path), "--force"])
    return path


def bench_generate(opts: argparse.Namespace) -> list[Row]:
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for n in opts.sizes:
        path = OUT / f"gen-{n}.db"
        results = []
        for _ in range(opts.runs or RUNS.get(n, 3)):
            r = measure([permittui(), "generate", "--requests", str(n), "--db", str(path), "--force"])
            results.append(r)
            _say(
                f"  generate {n:>9,}: {r['seconds']:6.1f} s, largest process {r['rss_mib']:.0f} MiB,"
                f" all {r['tree_rss_mib']:.0f} MiB   ({r['stdout'].strip()})"
            )
        rows += _rows("generate", f"{n:,} requests", results)
        rows.append(
            {
                "section": "generate",
                "measure": f"{n:,} requests: database size",
                "value": path.stat().st_size / 2**20,
                "unit": "MiB",
                "runs": 1,
            }
        )
    return rows


def bench_import(opts: argparse.Namespace) -> list[Row]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "demo.db"
    results = []
    for _ in range(opts.runs or 5):
        _remove(path)
        r = measure([permittui(), "init", "--demo", "--db", str(path)])
        results.append(r)
        _say(f"  init --demo: {r['seconds']:.2f} s, {r['rss_mib']:.0f} MiB")
    counts = _counts(path)
    rows = _rows("import", f"init --demo ({counts})", results)
    return rows + _module("imports").run(opts, measure, permittui(), _rows, _say)


def _counts(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        n = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("requests", "customers", "decisions")}
    return f"{n['requests']} requests, {n['customers']} customers, {n['decisions']} decisions"


def _module(name: str) -> Any:
    sys.path.insert(0, str(BENCH))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(BENCH))


def bench_decisions(opts: argparse.Namespace) -> list[Row]:
    # Rows with their references (SQLite's inline checkpoint, the bare disk's write+fdatasync).
    return _module("decisions").run(quiet=True)["rows"]


def bench_screening(opts: argparse.Namespace) -> list[Row]:
    f = _module("screening").run(quiet=True)
    return [
        {"section": "screening", "measure": measure_name, "value": f[key], "unit": unit}
        for key, measure_name, unit in (
            ("import_process_s", f"import a {f['rows']:,}-row list, whole process", "s"),
            ("screener_load_ms", "load the screener", "ms"),
            ("screen_median_ms", "screen one name, median", "ms"),
            ("screen_p99_ms", "screen one name, p99", "ms"),
        )
    ]


def _console_like(module: str, opts: argparse.Namespace) -> list[Row]:
    big, ref = generated(1_000_000, opts.fresh), generated(10_000, opts.fresh)
    return _module(module).run(["--db", str(big), "--ref-db", str(ref)])


SECTIONS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "generate": bench_generate,
    "import": bench_import,
    "decisions": bench_decisions,
    "screening": bench_screening,
    "cli": lambda opts: _module("cli").run(opts),
    "console": lambda opts: _console_like("console", opts),
    "terminal": lambda opts: _console_like("terminal", opts),
}


# ── the table ────────────────────────────────────────────────────────────────────────────


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) >= 1 else f"{v:.3f}"
    return str(v)


def table(rows: list[Row]) -> str:
    head = ("section", "measure", "median", "min-max", "unit", "runs", "reference", "ratio")
    body = []
    for r in rows:
        spread = f"{_fmt(r['lo'])}-{_fmt(r['hi'])}" if r.get("lo") is not None else ""
        body.append(
            (
                r["section"],
                r["measure"],
                _fmt(r.get("value")),
                spread,
                r.get("unit", ""),
                _fmt(r.get("runs")),
                _fmt(r.get("reference")),
                _fmt(r.get("ratio")),
            )
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    right = {2, 3, 5, 6, 7}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        )

    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, body)])


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sections", nargs="*", metavar="section", help=f"any of: {', '.join(SECTIONS)} (default: all)")
    ap.add_argument("--runs", type=int, help="runs per figure (default: 5 for small, 3 for 100k, 2 for 1M)")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="generate: request counts (comma-separated)")
    ap.add_argument("--fresh", action="store_true", help="regenerate the cached databases in bench/out/")
    ap.add_argument("--keep-going", action="store_true", help="report a failing section and go on")
    opts = ap.parse_args(argv)
    unknown = [s for s in opts.sections if s not in SECTIONS]
    if unknown:
        ap.error(f"unknown section {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    opts.sizes = [int(x.replace("_", "")) for x in opts.sizes.split(",") if x.strip()]
    # As an installed copy would be: otherwise, with PYTHONDONTWRITEBYTECODE set or after an edit,
    # every process the sections start compiles permittui from source again.
    _module("cli")._compile_package()
    rows: list[Row] = []
    for name in opts.sections or list(SECTIONS):
        _say(f"[{name}]")
        started = time.perf_counter()
        try:
            rows += SECTIONS[name](opts)
        except Exception as e:
            if not opts.keep_going:
                raise
            _say("".join(traceback.format_exception_only(type(e), e)).strip())
            rows.append(
                {"section": name, "measure": f"FAILED: {str(e).splitlines()[0][:100]}", "value": None, "unit": ""}
            )
        _say(f"[{name}] {time.perf_counter() - started:.0f} s")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
