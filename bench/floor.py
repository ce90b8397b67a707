"""The Textual floor for bench/console.py: the console's keystrokes in a minimal Textual app.

Whatever a keystroke that repaints a pane costs in a Textual app with nothing of ours in it is the
lower bound of that keystroke in the console: key dispatch, bindings, the compositor, the
escape sequences written. This app has the console's shape at the same terminal size and does
no work of its own per line beyond a dict lookup:

  * a one-line header and a one-line footer (the console's title line and key line);
  * a Line-API ScrollView list, height 1fr, of 1,000,000 virtual rows; render_line returns a
    Strip built once per (row, cursor) and cached. No scrollbar, as in the console (whose list
    draws its position bar in each line's last cell). Keys as the console's list: `j` moves a
    highlighted cursor (two lines refreshed), `pagedown` moves it a page, `G`/`g` to the end /
    top, each scrolling so the cursor shows;
  * a second screen-filling widget (a Static of 40 lines); `2` / `1` switch between it and the
    list by toggling `display` (the console's pane switch);
  * an Input docked at the bottom on a layer of its own, height 1, opened by `/` (the console's
    filter box), for "one character typed into the filter".

Garbage collection as in the console: off before Textual is imported (by the session's
subprocess, bench/console.py), frozen and back on after the first frame.
Only run in a subprocess of bench/console.py, which times it with the console's own key sequence.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import console
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

ROWS = 1_000_000
CURSOR = Style(color="black", bgcolor="bright_cyan")


class Rows(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    Rows { height: 1fr; overflow-x: hidden; overflow-y: scroll; scrollbar-size-vertical: 0; }
    """
    BINDINGS = [
        Binding("j", "cursor_down", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("G", "cursor_bottom", show=False),
        Binding("g", "cursor_top", show=False),
    ]

    def __init__(self, n: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.n = n
        self.cursor = 0
        self._strips: dict[tuple[int, bool], Strip] = {}

    def on_mount(self) -> None:
        self.virtual_size = Size(0, self.n)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= self.n:
            return Strip.blank(width)
        key = (index, index == self.cursor)
        strip = self._strips.get(key)
        if strip is None:
            text = f"REQ-{index:07d}  " + "x" * max(0, width - 14)
            strip = self._strips[key] = Strip([Segment(text, CURSOR if key[1] else None)], len(text))
        return strip

    def move_to(self, index: int) -> None:
        index = max(0, min(index, self.n - 1))
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
            self.refresh()
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
            self.refresh()
        else:
            self.refresh_line(old)
            self.refresh_line(index)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_cursor_bottom(self) -> None:
        self.move_to(self.n - 1)

    def action_cursor_top(self) -> None:
        self.move_to(0)


class Floor(App[None]):
    CSS = """
    Screen { layout: vertical; layers: default filter; }
    #head, #foot { height: 1; }
    #other { height: 1fr; display: none; }
    #filter { layer: filter; dock: bottom; display: none; height: 1; border: none; padding: 0 1; }
    """
    BINDINGS = [
        Binding("1", "pane(1)", show=False),
        Binding("2", "pane(2)", show=False),
        Binding("slash", "filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Static("Minimal Textual app — the floor of the console bench", id="head")
        yield Rows(ROWS, id="rows")
        yield Static("\n".join(f"line {i:02d} of the other pane " + "y" * 60 for i in range(40)), id="other")
        yield Static("j down  pgdn page  G end  g top  1/2 panes  / filter", id="foot")
        yield Input(id="filter")

    def on_mount(self) -> None:
        self.query_one(Rows).focus()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if not gc.isenabled():  # as permittui.tui.app.resume_gc
            gc.freeze()
            gc.enable()

    def action_pane(self, n: int) -> None:
        rows, other = self.query_one(Rows), self.query_one("#other")
        rows.display, other.display = n == 1, n == 2
        if n == 1:
            self.screen.set_focus(rows)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()


async def _session(size: tuple[int, int], keys: int) -> dict[str, Any]:
    rec = console.RECORDER
    rec.frames.clear()
    app = Floor()
    t_start = time.perf_counter()
    out: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        await console._idle(app, pilot)
        await asyncio.sleep(0.3)
        await console._idle(app, pilot)
        out["first screen bytes"] = sum(b for _, b in rec.frames)
        big = [t for t, b in rec.frames if b > 1000]
        out["first frame ms (headless)"] = (big[0] - t_start) * 1000 if big else 0
        out["keys"] = await console._keystrokes(app, pilot, keys)
        out["peak rss MiB (headless)"] = console._peak_rss_mib()
    return out


def _one(db: str, size: str, keys: int, filters: list[str]) -> dict[str, Any]:
    """One floor session (in a subprocess of bench/console.py; db and filters are not used)."""
    del db, filters
    gc.disable()  # no-op when the subprocess did it before importing Textual, as it does
    w, h = (int(x) for x in size.lower().split("x"))
    console._install_driver()
    return asyncio.run(_session((w, h), keys))


if __name__ == "__main__":  # a look at it: python bench/floor.py
    Floor().run()
