"""The Queue pane: the virtual list of open requests and the detail of the one under the cursor."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from permittui.domain.clock import today
from permittui.domain.filter import DUE_SOON_DAYS, Filter
from permittui.domain.flags import (
    CAP,
    COUNTERSIGN,
    EXPIRED_GRANT,
    RED_LINE,
    SCREENING,
    SUSPENDED_CUSTOMER,
    UNREADABLE,
)
from permittui.errors import PermitError
from permittui.store.findings import findings_for
from permittui.store.queue import QueueRow, QueueSource
from permittui.text import one_line
from permittui.tui.actions import bindings
from permittui.tui.deciding import Deciding
from permittui.tui.detail import findings_text
from permittui.tui.lines import BOLD, Piece
from permittui.tui.safe import fit
from permittui.tui.vlist import VirtualList

STATUS_SHORT = {
    "pending": "new",
    "info_requested": "info",
    "referred": "refd",
    "awaiting_countersign": "2nd",
    "approved": "appr",
    "approved_with_conditions": "cond",
    "denied": "deny",
    "returned": "retd",
}
NARROW = 120
DETAIL_DELAY = 0.12
READING_DELAY = 0.25


def flag_letters(row: QueueRow) -> str:
    bits = row.flags
    return "".join(
        ch if on else "·"
        for ch, on in (
            ("R", bits & RED_LINE),
            ("S", bits & SCREENING),
            ("C", bits & CAP),
            ("2", bits & COUNTERSIGN),
            ("W", row.status == "awaiting_countersign"),
            ("X", bits & SUSPENDED_CUSTOMER),
            ("E", bits & EXPIRED_GRANT),
            ("?", bits & UNREADABLE),
        )
    )


def columns(width: int) -> tuple[int, int, int, int]:
    """Widths of id, customer, entries, kind for a given list width."""
    fixed = 2 + 1 + 6 + 1 + 8 + 1 + 4  # mark, days, flags, status (+ gaps)
    idw = 16 if width >= 100 else 14
    kindw = 8 if width >= 70 else 0
    entriesw = 16 if width >= 90 else (10 if width >= 70 else 0)
    custw = max(8, width - fixed - idw - kindw - entriesw - 4)
    return idw, custw, entriesw, kindw


def header_text(width: int) -> Text:
    idw, custw, entriesw, kindw = columns(width)
    s = "  " + fit("id", idw) + " " + (fit("kind", kindw) + " " if kindw else "") + fit("customer", custw) + " "
    s += (fit("entries", entriesw) + " " if entriesw else "") + fit("flags", 8) + " stat " + fit("days", 6)
    return Text(s, style="bold", no_wrap=True, end="")


def render_queue_row(row: QueueRow, width: int, vlist: VirtualList, day: dt.date | None = None) -> list[Piece]:
    """One row. The coloured cells (days, a red line's flags) come last and the rest is one
    plain run: each change of style costs an escape sequence, and a cursor move repaints two
    rows (design §5: ≤ 300 bytes a move over SSH)."""
    day = day or today()
    idw, custw, entriesw, kindw = columns(width)
    left = (dt.date.fromisoformat(row.due) - day).days
    plain = fit(row.id, idw) + " "
    if kindw:
        plain += fit(row.kind, kindw) + " "
    plain += fit(row.customer_name, custw) + " "
    if entriesw:
        plain += fit(",".join(row.entries), entriesw) + " "
    pieces: list[Piece] = [
        ("* ", BOLD) if row.id in vlist.marks else ("  ", None),
        (plain, None),
        (fit(flag_letters(row), 8), vlist.style("alert") if row.flags & RED_LINE else None),
        (" " + fit(STATUS_SHORT.get(row.status, row.status[:4]), 4) + " ", None),
    ]
    if left < 0:
        pieces.append((fit(f"{left}d", 6), vlist.style("overdue")))  # overdue: negative days left, said in text too
    elif left <= DUE_SOON_DAYS:
        pieces.append((fit(f"{left}d~", 6), vlist.style("soon")))
    else:
        pieces.append((fit(f"{left}d", 6), None))
    return pieces


class QueuePane(Deciding, Container):
    BINDINGS = bindings("queue")
    # A grid, not rows of containers: every widget under a repainted line is drawn and cut again
    # by Textual's compositor, so one container fewer is a little off every keystroke.
    DEFAULT_CSS = """
    QueuePane { layout: grid; grid-size: 2 2; grid-columns: 3fr 2fr; grid-rows: 1 1fr; }
    QueuePane #queue-head { column-span: 2; height: 1; background: $panel; }
    QueuePane #queue-list { height: 1fr; }
    QueuePane #detail { height: 1fr; border-left: solid $primary; padding: 0 1;
                        scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    QueuePane.narrow { grid-size: 1 3; grid-columns: 1fr; grid-rows: 1 1fr 1fr; }
    QueuePane.narrow #queue-head { column-span: 1; }
    QueuePane.narrow #detail { border-left: none; border-top: solid $primary; }
    """

    def __init__(self, store, **kw) -> None:
        super().__init__(**kw)
        self.store = store
        self.filter = Filter()
        self.day = today()
        self._detail_timer: Timer | None = None
        self.detail_id: str | None = None
        self._head_width = 0
        self._reading_timer: Timer | None = None
        self._shown_id: str | None = None

    def compose(self) -> ComposeResult:
        # Laid out before the first frame from the terminal's width, so that frame is final.
        width = self.app.size.width
        self.set_class(width < NARROW, "narrow")
        self._head_width = (width if width < NARROW else width * 3 // 5) - 1  # the list's rows, less the bar
        yield Static(header_text(self._head_width), id="queue-head")
        yield VirtualList(
            lambda row, w, vl: render_queue_row(row, w, vl, self.day),
            id="queue-list",
            empty="No requests here (the filter may hide them: escape clears it).",
            markable=True,
        )
        with VerticalScroll(id="detail"):
            yield Static(Text("Move to a request to see its findings."), id="detail-text")

    @property
    def vlist(self) -> VirtualList:
        return self.query_one("#queue-list", VirtualList)

    def activate(self) -> None:
        self.load()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")
        self.call_after_refresh(self._head)

    def load(self, f: Filter | None = None) -> None:
        if f is not None:
            self.filter = f
            self.vlist.cursor = 0
        self.day = today()
        self.vlist.set_source(QueueSource(self.store, self.filter, self.day))
        self._head()

    def refresh_data(self) -> None:
        self.day = today()
        self.vlist.reload()
        self._head()
        self.show_detail(force=True)

    def _head(self) -> None:
        vl = self.vlist
        width = vl.size.width - 1  # the list's last cell is its position bar
        if vl.size.width and width != self._head_width:  # (a hidden pane has no width)
            # A Static's update lays the screen out again: only when the columns changed.
            self._head_width = width
            self.query_one("#queue-head", Static).update(header_text(width))
        self.app.sub_title = self.status_line()  # the title line redraws only when this changes

    def status_line(self) -> str:
        vl = self.vlist
        marks = f" · {len(vl.marks)} marked" if vl.marks else ""
        what = f"filter: {self.filter.source}" if self.filter.source else "open requests"
        total = f"≥{vl.total}" if vl.counting else str(vl.total)  # a slow filter is counted off the UI thread
        return f"{total} {what}{marks}"

    # ── detail ──────────────────────────────────────────────────────────────────────────────
    def on_virtual_list_highlighted(self, event: VirtualList.Highlighted) -> None:
        if event.vlist is not self.vlist:
            return
        self._head()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self.show_detail)

    def on_virtual_list_counted(self, event: VirtualList.Counted) -> None:
        self._head()

    def on_virtual_list_opened(self, event: VirtualList.Opened) -> None:
        self.show_detail(force=True)
        self.query_one("#detail", VerticalScroll).focus()

    def show_detail(self, force: bool = False) -> None:
        row = self.vlist.current
        target = self.query_one("#detail-text", Static)
        if row is None:
            self.detail_id = None
            target.update(Text("No request selected."))
            return
        if row.id == self.detail_id and not force:
            return
        self.show_request(row.id)

    def show_request(self, request_id: str) -> None:
        self.detail_id = request_id
        # "reading…" only if the findings are slow: one repaint of the detail per move, not two.
        if self._reading_timer is not None:
            self._reading_timer.stop()
        self._reading_timer = self.set_timer(READING_DELAY, lambda: self._reading(request_id))
        self._load_detail(request_id)

    def _reading(self, request_id: str) -> None:
        target = self.query("#detail-text")
        if request_id == self.detail_id and self._shown_id != request_id and target:
            target.first(Static).update(Text(f"{one_line(request_id)}: reading its findings…"))

    @work(thread=True, exclusive=True, group="detail")
    def _load_detail(self, request_id: str) -> None:
        # Findings read precedents and caps: on a second read-only connection, off the UI thread,
        # so a slow one never blocks moving in the queue or the lock the list pages through.
        if request_id != self.detail_id:
            return  # the officer has moved on while this waited for the connection
        try:
            text = findings_text(findings_for(self.app.detail_store(), request_id))
        except PermitError as e:
            text = Text(one_line(str(e)))
        except Exception as e:  # noqa: BLE001 - a database hiccup is a message in the pane
            text = Text(one_line(f"could not read the findings: {e}"))
        self.app.call_from_thread(self._detail_ready, request_id, text)

    def _detail_ready(self, request_id: str, text: Text) -> None:
        target = self.query("#detail-text")
        if request_id != self.detail_id or not target:  # moved on, or the console is closing
            return
        self._shown_id = request_id
        if self._reading_timer is not None:
            self._reading_timer.stop()
        target.first(Static).update(text)

    def jump_to(self, request_id: str) -> bool:
        """Put the cursor on a request if the filter shows it; the detail shows it either way."""
        key = self.vlist.source.key_of(request_id) if self.vlist.source else None
        if key is not None:
            self.vlist.move_to(self.vlist.source.position(key))
        self.show_request(request_id)
        return key is not None
