"""Opening the console (or, for --demo, first building the demo database)."""

from __future__ import annotations

import argparse
import gc
import tempfile
from pathlib import Path

from permittui.cli.commands import officer_of
from permittui.paths import resolve_db


def demo_database(db_arg: str | None, officer_arg: str | None) -> Path:
    """Build the demo at --db if given (reusing one already there), else in a temporary folder."""
    from permittui.store.db import init_store
    from permittui.store.demo import load_demo

    if db_arg:
        path = Path(db_arg)
        if path.exists():
            return path
    else:
        path = Path(tempfile.mkdtemp(prefix="permittui-demo-")) / "demo.db"
    store = init_store(path, officer_of(officer_arg))
    try:
        for _ in load_demo(store):
            pass
    finally:
        store.close()
    return path


def run_console(args: argparse.Namespace) -> int:
    path = demo_database(args.db, args.officer) if args.demo else resolve_db(args.db)
    # No cyclic garbage collection until the first frame is on screen: start-up allocates
    # Textual's whole object graph, and the collections that triggered cost 25-40 ms of it.
    # The app turns it back on after the first frame (permittui.tui.app.resume_gc).
    gc.disable()
    from permittui.tui.app import run

    return run(path, officer=officer_of(args.officer), theme=args.theme, read_only=args.read_only)
