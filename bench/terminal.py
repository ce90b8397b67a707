"""First frame in a real terminal: tmux at 160x50, the console against a minimal Textual app.

    python bench/terminal.py --db BIG.db [--ref-db SMALL.db] [--runs 7] [--size 160x50]

Each run starts a command in a fresh tmux window and polls `tmux capture-pane -p` every ~5 ms
from just before the window is created until a pattern appears on screen:

  * minimal: a Textual app with one Static showing a fixed string (poll for that string) —
    the floor any Textual program pays (interpreter, imports, the first compositor frame);
  * the console on --db (and --ref-db): poll for a request id (REQ-…) in the queue.

Runs alternate minimal / db / ref-db so the machine's noise falls on all alike. The console's
peak RSS (VmHWM) is read from /proc after the first frame and a few keys (j, page down, G, g).
`run(args)` returns rows {section, measure, value, unit, reference, ratio} for bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

MINIMAL = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("MINIMAL-FIRST-FRAME-42")

Minimal().run()
"""
REQUEST_ID = re.compile(r"REQ-\d")


def _tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", "-L", "permittui-bench", *args], capture_output=True, text=True, check=check).stdout


def _permittui() -> str:
    exe = Path(sys.executable).parent / "permittui"
    return str(exe) if exe.exists() else f"{sys.executable} -m permittui"


def _first_frame(
    command: str,
    pattern: re.Pattern[str],
    size: tuple[int, int],
    env: dict[str, str],
    keys: list[str] | None = None,
    timeout: float = 60.0,
) -> tuple[float, float | None]:
    """Seconds from starting `command` in a new tmux session to `pattern` on screen, and the
    process's VmHWM in MiB after `keys` were sent (if any)."""
    session = f"pbench-{uuid.uuid4().hex[:8]}"
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    # `exec` keeps the measured program the pane's own process (its pid is the pane's pid).
    shell_cmd = f"exec env {exports} {command}"
    t0 = time.perf_counter()
    _tmux("new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]), shell_cmd)
    try:
        elapsed = None
        while time.perf_counter() - t0 < timeout:
            screen = _tmux("capture-pane", "-p", "-t", session, check=False)
            if pattern.search(screen):
                elapsed = time.perf_counter() - t0
                break
            time.sleep(0.005)
        if elapsed is None:
            raise RuntimeError(f"{pattern.pattern!r} never appeared for {command!r}; screen:\n{screen}")
        rss = None
        if keys is not None:
            pid = _tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
            for k in keys:
                _tmux("send-keys", "-t", session, k)
                time.sleep(0.4)
            time.sleep(1.0)
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rss = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
            except (OSError, AttributeError):
                rss = None
        return elapsed, rss
    finally:
        _tmux("kill-session", "-t", session, check=False)


def run(args: Any) -> list[dict[str, Any]]:
    if isinstance(args, (list, tuple)):
        args = parser().parse_args(list(args))
    if shutil.which("tmux") is None:
        raise RuntimeError("bench/terminal.py needs tmux")
    w, h = (int(x) for x in args.size.lower().split("x"))
    home = Path(tempfile.mkdtemp(prefix="pbench-home-"))
    env = {
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PATH": os.environ.get("PATH", ""),
        "TEXTUAL_ANIMATIONS": "none",
        "PERMITTUI_OFFICER": "bench",
    }
    minimal = home / "minimal.py"
    minimal.write_text(MINIMAL)
    keeper = f"pbench-keep-{uuid.uuid4().hex[:6]}"  # keeps the tmux server warm between runs
    _tmux("new-session", "-d", "-s", keeper, "sleep 100000")
    try:
        # One untimed start of each, so every timed run finds the files in the page cache.
        _first_frame(f"{sys.executable} {minimal}", re.compile("MINIMAL-FIRST-FRAME-42"), (w, h), env)
        dbs = [args.db] + ([args.ref_db] if args.ref_db else [])
        console = args.command or _permittui()
        for db in dbs:
            _first_frame(f"{console} --db {db}", REQUEST_ID, (w, h), env)
        times: dict[str, list[float]] = {"minimal": [], **{db: [] for db in dbs}}
        rss: dict[str, list[float]] = {db: [] for db in dbs}
        for _ in range(args.runs):
            times["minimal"].append(
                _first_frame(f"{sys.executable} {minimal}", re.compile("MINIMAL-FIRST-FRAME-42"), (w, h), env)[0]
            )
            for db in dbs:
                t, r = _first_frame(
                    f"{console} --db {db}",
                    REQUEST_ID,
                    (w, h),
                    env,
                    keys=["j", "j", "NPage", "G", "g", "2", "1"] if args.memory else None,
                )
                times[db].append(t)
                if r is not None:
                    rss[db].append(r)
    finally:
        _tmux("kill-session", "-t", keeper, check=False)
        shutil.rmtree(home, ignore_errors=True)

    def stat(v: list[float]) -> str:
        return f"[{min(v) * 1000:.0f}-{max(v) * 1000:.0f}]"

    rows: list[dict[str, Any]] = []
    m = statistics.median(times["minimal"])
    rows.append(
        {
            "section": "first frame",
            "measure": f"minimal Textual app {stat(times['minimal'])}",
            "value": round(m * 1000, 1),
            "unit": "ms",
            "reference": None,
            "ratio": None,
        }
    )
    for db in dbs:
        v = statistics.median(times[db])
        name = Path(db).name
        rows.append(
            {
                "section": "first frame",
                "measure": f"console {name} vs minimal {stat(times[db])}",
                "value": round(v * 1000, 1),
                "unit": "ms",
                "reference": round(m * 1000, 1),
                "ratio": round(v / m, 3),
            }
        )
    if args.ref_db:
        v, r = statistics.median(times[args.db]), statistics.median(times[args.ref_db])
        rows.append(
            {
                "section": "first frame",
                "measure": f"console {Path(args.db).name} vs {Path(args.ref_db).name}",
                "value": round(v * 1000, 1),
                "unit": "ms",
                "reference": round(r * 1000, 1),
                "ratio": round(v / r, 3),
            }
        )
    for db in dbs:
        if rss[db]:
            ref = (
                statistics.median(rss[args.ref_db]) if args.ref_db and rss[args.ref_db] and db != args.ref_db else None
            )
            v = statistics.median(rss[db])
            rows.append(
                {
                    "section": "memory",
                    "measure": f"console {Path(db).name} peak RSS (VmHWM, tmux)"
                    f" [{min(rss[db]):.0f}-{max(rss[db]):.0f}]",
                    "value": round(v, 1),
                    "unit": "MiB",
                    "reference": None if ref is None else round(ref, 1),
                    "ratio": None if ref is None else round(v / ref, 3),
                }
            )
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True)
    p.add_argument("--ref-db")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--size", default="160x50")
    p.add_argument("--command", help="the console command (default: the installed permittui)")
    p.add_argument("--no-memory", dest="memory", action="store_false", help="skip the keys and VmHWM")
    return p


def main(argv: list[str] | None = None) -> int:
    rows = run(parser().parse_args(argv))
    w = max(len(r["measure"]) for r in rows)
    for r in rows:
        ref = "" if r["reference"] is None else f"{r['reference']:.1f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.3f}"
        print(f"{r['section']:<12} {r['measure']:<{w}} {r['value']:>9.1f} {r['unit']:<4} {ref:>9} {ratio:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
