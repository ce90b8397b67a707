"""Command-line bench: whole-process time of `show` and `decide` against `import permittui.store`.

    python bench/cli.py [--runs 20] [--big bench/out/gen-1000000.db] [--decide-db bench/out/gen-100000.db]

The target (issue 6) is relative: a command that opens the database and prints one request
should cost little more than starting Python and importing the store. So every figure is a
whole process (start-up, imports, opening the file, the work, exit), and its reference is
`python -c "import permittui.store"` measured in the same run: each run executes every command
once, in an order rotated run by run, so the machine's noise falls on all of them alike.

Databases: the demo database (built fresh into bench/out/cli-demo.db), and the generated ones
when bench/out/ has them: `show` on gen-1000000.db (read-only, so nothing is written to it), and
`decide` on copies of the demo database and of gen-100000.db (bench/out/cli-decide-*.db, made
afresh each bench run and removed after it).
`decide` approves a different pending request each run; a run the rules refuse (a red line, a
cap) is not the measure, so it is discarded and the next pending request is decided instead.

`run(args)` returns rows {section, measure, value, unit, lo, hi, runs, reference, ratio} for
bench/run.py; value, lo and hi are the median, min and max in ms; ratio is median / reference.
Each figure comes twice: wall time (the target's measure) and, marked [CPU], the process's user +
system time, which leaves out waiting for a core and so varies less on a busy machine.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import importlib.util
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
CLOSED = "('approved', 'approved_with_conditions', 'denied', 'returned')"


def permittui() -> str:
    exe = Path(sys.executable).parent / "permittui"
    return str(exe) if exe.exists() else (shutil.which("permittui") or "permittui")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _ids(db: Path, sql: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return [r[0] for r in conn.execute(sql)]


def _copy(src: Path, dst: Path) -> Path:
    """A consistent copy (SQLite's backup), even with a WAL beside the source."""
    _remove(dst)
    with (
        contextlib.closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as a,
        contextlib.closing(sqlite3.connect(dst)) as b,
    ):
        a.backup(b)
    return dst


def _show_id(db: Path) -> str:
    """A decided request whose `show` lists precedents (the most work show does), else the first."""
    ids = _ids(db, f"SELECT id FROM requests WHERE status IN {CLOSED} ORDER BY id LIMIT 20")
    for rid in ids:  # untimed: also warms the page cache for the timed runs
        out = subprocess.run([permittui(), "show", "--db", str(db), rid], capture_output=True, text=True)
        if out.returncode == 0 and "\nprecedents\n" in out.stdout:
            return rid
    return ids[0]


class Decider:
    """`decide <id> approve` on the next pending request each call; refused ones are skipped."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.pending: Iterator[str] = iter(_ids(db, "SELECT id FROM requests WHERE status = 'pending' ORDER BY id"))

    def __call__(self) -> tuple[float, float]:
        for rid in self.pending:
            wall, cpu, code = _time(
                [permittui(), "decide", "--db", str(self.db), rid, "approve", "--note", "bench: cli"], ok=(0, 1)
            )
            if code == 0:
                return wall, cpu
        raise RuntimeError(f"{self.db}: no pending request left to decide")


def _time(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the child, from getrusage) and the exit code.
    CPU time leaves out waiting for a core, which on a busy machine is most of the noise."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def _command(cmd: list[str]) -> Any:
    return lambda: _time(cmd)[:2]


def _compile_package() -> None:
    """Byte-compile permittui, as an installed copy would be: with PYTHONDONTWRITEBYTECODE set (or
    after an edit) every run would otherwise compile the changed modules from source again."""
    spec = importlib.util.find_spec("permittui")
    assert spec is not None and spec.submodule_search_locations
    for where in spec.submodule_search_locations:
        compileall.compile_dir(where, quiet=1)


def plan(args: argparse.Namespace) -> dict[str, Any]:
    """measure name -> a callable that runs it once and returns (wall, CPU) seconds; the reference first."""
    OUT.mkdir(parents=True, exist_ok=True)
    _compile_package()
    demo = OUT / "cli-demo.db"
    _remove(demo)
    subprocess.run([permittui(), "init", "--demo", "--db", str(demo)], check=True, capture_output=True)
    exe = permittui()
    rid = _show_id(demo)
    todo: dict[str, Any] = {
        "reference: python -c 'import permittui.store'": _command([sys.executable, "-c", "import permittui.store"]),
        "permittui --help": _command([exe, "--help"]),
        f"demo: show {rid}": _command([exe, "show", "--db", str(demo), rid]),
        f"demo: show {rid} --json": _command([exe, "show", "--db", str(demo), rid, "--json"]),
        # On a copy: the decisions would otherwise become precedents that the show runs score.
        "demo: decide <next pending> approve": Decider(_copy(demo, OUT / "cli-decide-demo.db")),
    }
    big = Path(args.big)
    if big.exists():
        rid = _show_id(big)
        n = big.stem.rpartition("-")[2]
        todo[f"{n}: show {rid}"] = _command([exe, "show", "--db", str(big), rid])
        todo[f"{n}: show {rid} --json"] = _command([exe, "show", "--db", str(big), rid, "--json"])
    src = Path(args.decide_db)
    if src.exists():
        n = src.stem.rpartition("-")[2]
        todo[f"{n}: decide <next pending> approve"] = Decider(_copy(src, OUT / f"cli-decide-{n}.db"))
    return todo


def run(args: Any = None) -> list[dict[str, Any]]:
    if args is None or isinstance(args, (list, tuple)):
        args = parser().parse_args(list(args or []))
    defaults = parser().parse_args([])  # bench/run.py passes its own options: fill in ours
    for key, value in vars(defaults).items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    todo = plan(args)
    names = list(todo)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for i in range(args.runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:  # rotated, so no command always follows the same one
            w, c = todo[name]()
            wall[name].append(w)
            cpu[name].append(c)
        print(
            f"  run {i + 1}/{args.runs}: " + ", ".join(f"{wall[n][-1] * 1000:.0f}" for n in names) + " ms",
            file=sys.stderr,
            flush=True,
        )
    for copy in OUT.glob("cli-decide-*.db"):  # the big copy (hundreds of MiB) is made afresh each run
        _remove(copy)
    rows = []
    for label, times in (("", wall), (" [CPU]", cpu)):
        ref = statistics.median(times[names[0]])
        for name in names:
            v = times[name]
            med = statistics.median(v)
            rows.append(
                {
                    "section": "cli",
                    "measure": name + label,
                    "value": med * 1000,
                    "unit": "ms",
                    "lo": min(v) * 1000,
                    "hi": max(v) * 1000,
                    "runs": len(v),
                    "reference": ref * 1000,
                    "ratio": round(med / ref, 2),
                }
            )
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--big", default=str(OUT / "gen-1000000.db"), help="show on this database too, if it exists")
    p.add_argument(
        "--decide-db", default=str(OUT / "gen-100000.db"), help="decide on a copy of this database too, if it exists"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    rows = run(parser().parse_args(argv))
    w = max(len(r["measure"]) for r in rows)
    print(f"{'measure':<{w}}  {'median':>7}  {'min-max':>13}  {'ratio':>5}")
    for r in rows:
        print(f"{r['measure']:<{w}}  {r['value']:7.1f}  {r['lo']:6.1f}-{r['hi']:6.1f}  {r['ratio']:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
