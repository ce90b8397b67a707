"""Driving the console headless: an app that records its notices, and the screen as text."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from console_db import OFFICER
from textual.worker import WorkerState

from permittui.identity import Officer
from permittui.store.db import open_store
from permittui.tui.app import PermitApp
from permittui.tui.config import Config


class RecordingApp(PermitApp):
    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.messages: list[str] = []
        self.fired: list[str] = []

    def notify(self, message: str, **kw: Any) -> None:  # type: ignore[override]
        self.messages.append(str(message))
        super().notify(message, **kw)

    def action_bell(self) -> None:  # a hostile [@click=app.bell] would land here
        self.fired.append("bell")


def screen_text(app: PermitApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def drive(
    db: Path,
    script: Callable[[RecordingApp, Any], Awaitable[Any]],
    *,
    size: tuple[int, int] = (80, 24),
    officer: Officer = OFFICER,
    read_only: bool = False,
    config: Config | None = None,
    theme: str | None = None,
) -> Any:
    """Open the console on `db`, run the async script with (app, pilot), close everything."""

    async def main() -> Any:
        store = open_store(db, officer, read_only=read_only)
        app = RecordingApp(store, theme=theme, config=config or Config())
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                return await script(app, pilot)
        finally:
            store.close()

    return asyncio.run(main())


def decisions(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT request_id, outcome, reasons, conditions, note, officer, request_version,"
            " inspector FROM decisions ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def status_of(db: Path, request_id: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT status FROM requests WHERE id = ?", (request_id,)).fetchone()[0]
    finally:
        conn.close()


async def settle(pilot: Any, seconds: float | None = None) -> None:
    """Let messages, timers and workers run (the detail pane follows the cursor after 0.12 s,
    its findings are read by a thread worker), until the console is quiet.

    Pilot's pause() takes "this process used little CPU for 20 ms" for idle, which is also what a
    busy machine looks like while it runs other processes: so go on until, twice running, no worker
    is pending or running, no message is queued or being handled and no short timer is due."""
    await pilot.pause(seconds)
    app = pilot.app
    deadline = time.monotonic() + QUIET_TIMEOUT
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = 0 if _busy(app) else quiet + 1


QUIET_TIMEOUT = 10.0
SHORT_TIMER = 0.5  # a one-shot timer up to this long is work still to come (not a notice's timeout)


def _busy(app: PermitApp) -> bool:
    if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        return True
    for pump in (app, *app._registry):
        queue = pump._message_queue
        if getattr(queue, "_unfinished_tasks", queue.qsize()) or pump._next_callbacks:
            return True
        for timer in list(pump._timers):
            task = timer._task
            if timer._repeat == 0 and timer._interval <= SHORT_TIMER and task is not None and not task.done():
                return True
    return False


async def type_filter(app: PermitApp, pilot: Any, text: str) -> None:
    """`/`, the filter text (set at once: Pilot costs ~50 ms a key), enter."""
    await pilot.press("slash")
    app.query_one("#filter").value = text
    await pilot.press("enter")
    await pilot.pause()
