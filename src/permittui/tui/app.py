"""The officer's console: four panes over one Store, keys from the action registry."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.reactive import Reactive

from permittui.domain.filter import parse
from permittui.errors import PermitError
from permittui.identity import Officer
from permittui.store.db import Store, open_store
from permittui.store.queue import change_marker
from permittui.text import one_line
from permittui.tui.actions import BY_ID, bindings, effective_keys
from permittui.tui.bars import KeyBar, TitleBar
from permittui.tui.commands import PermitCommands
from permittui.tui.config import Config, load_config
from permittui.tui.queue_pane import QueuePane
from permittui.tui.themes import DEFAULT_THEME, choose_theme, load_theme, load_themes

PANES = ("queue", "schedule", "allowlists", "history")
POLL_SECONDS = 1.0


class PermitApp(App[int]):
    TITLE = "permittui"
    # The title bar follows these through its own watchers; as App reactives they also repainted
    # the whole screen at every change (a new status line cost a full frame over SSH).
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    COMMANDS = App.COMMANDS | {PermitCommands}
    AUTO_FOCUS = "#queue-list"  # focused as the screen is built: no restyle after the first frame
    BINDINGS = bindings("app")
    # The filter line lies over the footer on a layer of its own: opening or closing it moves
    # nothing else, so the screen does not lay out again (that repaint was ~100 ms of a filter).
    CSS = """
    Screen { layout: vertical; layers: default filter; }
    .pane { height: 1fr; }
    #filter { layer: filter; dock: bottom; display: none; height: 1; border: none; padding: 0 1; }
    #filter.open { display: block; }
    """

    def __init__(self, store: Store, *, theme: str | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.store = store
        self.animation_level = "none"
        self.config = config if config is not None else load_config()
        self.keys = effective_keys(self.config.keymap)
        self.requested_theme = theme
        self.problems: list[str] = list(self.config.problems)
        self.current_pane = "queue"
        self._marker = -1
        self._panes_mounted = False
        self._stale: set[str] = set()
        self._active: set[str] = set()
        self._detail_store: Store | None = None
        self._detail_lock = threading.Lock()
        # Before the first frame: only the chosen theme (one small YAML file), so the screen is
        # painted once in its final colours; the other themes are read after the first frame.
        name = choose_theme(theme, self.config.theme)
        chosen = load_theme(name)
        if chosen is None:
            self.problems.append(f"no theme {name!r}; using permittui-dark")
            chosen = load_theme(DEFAULT_THEME)
        if chosen is not None:
            self.register_theme(chosen)
            self._set_initial_theme(chosen)
        ro = " · READ-ONLY" if store.read_only else ""
        self.title = one_line(f"permittui — {store.officer.name}{ro} — {store.path.name}")

    def _set_initial_theme(self, theme: Any) -> None:
        """What setting `self.theme` does, without its CSS refresh: before the app runs there is
        nothing to refresh, and that refresh repainted the whole first screen a second time."""
        self.set_reactive(App.theme, theme.name)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self.set_class(True, f"-theme-{theme.name}", update=False)
        refresh_filter = getattr(self, "_refresh_truecolor_filter", None)
        if refresh_filter is not None:
            refresh_filter(self.ansi_theme)

    # ── building ────────────────────────────────────────────────────────────────────────────
    def compose(self) -> ComposeResult:
        # The panes are the screen's own children, one displayed at a time (a switcher container
        # around them was one more widget under every repainted line). The other panes are
        # mounted when first shown.
        yield TitleBar(id="title")
        yield QueuePane(self.store, id="queue", classes="pane")
        yield KeyBar(self.keys, id="keys")

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        self._marker = change_marker(self.store)
        self.set_interval(POLL_SECONDS, self.poll_changes)
        self.show_pane("queue")
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """What the first queue rows do not need: the other themes, notices. (The other panes
        are mounted when first shown: mounting them hidden still repainted the screen.)"""
        resume_gc()
        themes, problems = load_themes()
        for t in themes:
            if t.name not in self.available_themes:
                self.register_theme(t)
        for p in self.problems + problems:
            self.notify(one_line(p), severity="warning", markup=False, timeout=10)

    async def _mount_panes(self) -> None:
        if self._panes_mounted:
            return
        self._panes_mounted = True
        from permittui.tui.panes import AllowListsPane, HistoryPane, SchedulePane

        panes = [
            SchedulePane(self.store, id="schedule", classes="pane"),
            AllowListsPane(self.store, id="allowlists", classes="pane"),
            HistoryPane(self.store, id="history", classes="pane"),
        ]
        for pane in panes:
            pane.display = False
        await self.mount_all(panes, after=self.query_one("#queue"))

    def detail_store(self) -> Store:
        """A second, read-only connection for the detail worker (opened on first use)."""
        with self._detail_lock:  # workers on two pool threads may ask at once
            if self._detail_store is None:
                self._detail_store = open_store(self.store.path, self.store.officer, read_only=True)
            return self._detail_store

    def on_unmount(self) -> None:
        if self._detail_store is not None:
            self._detail_store.close()

    # ── panes ───────────────────────────────────────────────────────────────────────────────
    def pane_widget(self, name: str | None = None) -> Any:
        return self.query_one(f"#{name or self.current_pane}")

    async def action_pane(self, name: str) -> None:
        if name != "queue":
            await self._mount_panes()
        self.show_pane(name)

    def show_pane(self, name: str) -> None:
        self.current_pane = name
        for pane in self.query(".pane"):
            pane.display = pane.id == name
        self.query_one("#keys", KeyBar).show_scope(name)
        pane = self.pane_widget()
        if name not in self._active:  # panes read the store only once first shown
            self._active.add(name)
            self._stale.discard(name)
            pane.activate()
        elif name in self._stale:
            self._stale.discard(name)
            pane.refresh_data()
        target = pane.query("VirtualList").first()
        if self.screen.focused is not target:
            # At once, not at the next idle as widget.focus() does: before the first frame, so
            # the :focus restyle lands in that frame instead of repainting the screen after it.
            self.screen.set_focus(target)
        if hasattr(pane, "_head"):
            pane._head()

    def poll_changes(self) -> None:
        """Another console (or the CLI) committed: reload what is on screen, later the rest."""
        marker = change_marker(self.store)
        if marker == self._marker:
            return
        self._marker = marker
        self.refresh_all()

    def refresh_all(self) -> None:
        self._stale = self._active - {self.current_pane}
        self.pane_widget().refresh_data()

    # ── filter ──────────────────────────────────────────────────────────────────────────────
    async def action_filter(self) -> None:
        if self.current_pane not in ("queue", "allowlists"):
            self.notify("The filter works in the Queue (1) and Allow-lists (3).", markup=False)
            return
        box = self._filter_box()
        if box is None:  # mounted at its first use: Textual's Input is not on the way to the first frame
            from textual.widgets import Input

            box = Input(placeholder="filter: status: kind: customer: cap: due:<7d flag:redline !… text", id="filter")
            await self.mount(box)
        box.add_class("open")
        box.value = self.pane_widget().filter.source
        box.focus()

    def _filter_box(self) -> Any:
        found = self.query("#filter")
        return found.first() if found else None

    def on_input_submitted(self, event: Any) -> None:
        if event.input.id != "filter":
            return
        event.stop()
        if self.apply_filter(event.value):
            # Keys typed ahead go to the list at once; the box closes after the new rows are on
            # screen (closing it lays the screen out again: a frame of its own).
            self._focus_list()
            self.call_after_refresh(self._close_filter)

    def apply_filter(self, text: str, pane: str | None = None) -> bool:
        pane = pane or self.current_pane
        try:
            f = parse(text, "grants" if pane == "allowlists" else "requests")
        except PermitError as e:
            self.notify(one_line(str(e)), severity="error", markup=False)
            return False
        self.pane_widget(pane).load(f)
        return True

    def _focus_list(self) -> None:
        self.screen.set_focus(self.pane_widget().query("VirtualList").first())

    def _close_filter(self) -> None:
        box = self._filter_box()
        if box is None:
            return
        box.remove_class("open")
        if self.screen.focused is box:
            self._focus_list()

    def action_clear(self) -> None:
        box = self._filter_box()
        pane = self.pane_widget()
        if box is not None and box.has_class("open"):
            box.value = ""
            self._close_filter()
        vl = pane.query("VirtualList").first() if pane.query("VirtualList") else None
        if vl is not None and vl.clear_marks():
            pane._head()
            return
        if getattr(pane, "filter", None) is not None and pane.filter.source:
            pane.load(parse(""))
        elif vl is not None:
            vl.focus()

    def show_queue_filter(self, text: str) -> None:
        self.show_pane("queue")
        self.apply_filter(text, "queue")

    # ── palette and help ────────────────────────────────────────────────────────────────────
    async def run_registry_action(self, action_id: str) -> None:
        a = BY_ID[action_id]
        if a.scope in ("queue", "allowlists", "history") and self.current_pane != a.scope:
            await self.action_pane(a.scope)
        node: Any = self
        if a.scope in ("queue", "allowlists", "history"):
            node = self.pane_widget(a.scope)
        elif a.scope == "list":
            node = self.pane_widget().query("VirtualList").first()
        await self.run_action(a.action, node)

    def goto_request(self, request_id: str) -> None:
        self.show_pane("queue")
        if not self.pane_widget("queue").jump_to(request_id):
            self.notify(f"{one_line(request_id)} is not in this view of the queue; its detail is shown.", markup=False)

    def goto_customer(self, customer_id: str) -> None:
        self.show_queue_filter(f'customer:"{customer_id}"')

    def action_help(self) -> None:
        from permittui.tui.dialogs import HelpScreen

        self.push_screen(HelpScreen(self.keys))


def resume_gc() -> None:
    """Turn garbage collection back on if start-up turned it off (cli/console.py). What start-up
    built lives as long as the app, so it is frozen first: later collections need not walk it."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run(path: Path, officer: Officer, theme: str | None = None, read_only: bool = False) -> int:
    """Open the store and the console; a missing or bad database is one line on stderr."""
    try:
        # The WAL is checkpointed on a thread: a checkpoint inside a decision's commit took 5-10 ms.
        store = open_store(Path(path), officer, read_only=read_only, background_checkpoint=True)
    except PermitError as e:
        for i, text in enumerate(e.lines()):  # sanitised: the message quotes the path
            print(("permittui: " if i == 0 else "") + text, file=sys.stderr)
        return e.exit_code
    try:
        app = PermitApp(store, theme=theme)
        app.run()
    finally:
        store.close()
    return app.return_code or 0  # a crash inside the app is not reported as success
