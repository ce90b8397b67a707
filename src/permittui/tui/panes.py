"""The Schedule, Allow-lists and History panes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Static

from permittui.domain.clock import today
from permittui.domain.filter import Filter, parse
from permittui.errors import PermitError
from permittui.store import audit, grants
from permittui.store.lookups import reader, schedule_overview
from permittui.store.sources import AuditSource, DecisionSource, GrantRow, GrantSource
from permittui.text import one_line
from permittui.tui.actions import bindings
from permittui.tui.dialogs import DecisionDialog, DialogResult
from permittui.tui.lines import BOLD, Piece
from permittui.tui.safe import fit
from permittui.tui.vlist import VirtualList

PANE_CSS = """
.pane-head { height: 1; background: $panel; }
"""


class ListSource:
    """Rows held in memory (the schedule's thirty-odd entries), each with a unique `key`, as a
    page source for VirtualList."""

    slow_count = False

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows
        self._at = {r.key: i for i, r in enumerate(rows)}

    def count(self) -> int:
        return len(self.rows)

    def after(self, key: Any, n: int) -> list[Any]:
        start = 0 if key is None else self._at[key] + 1
        return self.rows[start : start + n]

    def before(self, key: Any, n: int) -> list[Any]:
        end = len(self.rows) if key is None else self._at[key]
        return self.rows[max(0, end - n) : end]

    def at_offset(self, offset: int, n: int) -> list[Any]:
        return self.rows[offset : offset + n]

    def position(self, key: Any) -> int:
        return self._at.get(key, 0)


FIXED = (("code", 10), ("category", 14), ("trigger", 17), ("window", 7), ("open", 6), ("grants/cap", 11), ("2nd", 4))


def _col(value: object, width: int) -> str:
    return fit(value, width - 1) + " "


def entry_columns(width: int) -> tuple[int, int]:
    """Widths of the threshold and title columns; the others are fixed (FIXED)."""
    rest = max(20, width - sum(w for _, w in FIXED))
    return rest * 2 // 5, rest - rest * 2 // 5


def schedule_header(width: int) -> Text:
    thr, title = entry_columns(width)
    cells = [*FIXED, ("threshold", thr), ("title", title)]
    return Text("".join(_col(name, w) for name, w in cells), style="bold", no_wrap=True, end="")


def render_entry(e: Any, width: int, vlist: VirtualList) -> list[Piece]:
    thr, title = entry_columns(width)
    cap = f"{e.used}/{e.cap}" if e.cap is not None else str(e.grants)
    full = e.cap is not None and e.used >= e.cap
    alert = vlist.style("alert")
    return [
        (_col(e.code, 10), BOLD),
        (_col(e.category, 14), None),
        (_col(e.trigger.replace("_", " "), 17), alert if e.trigger == "prohibited" else None),
        (_col(f"{e.review_window_days}d", 7) + _col(e.open_requests, 6), None),
        (_col(cap, 11), alert if full else None),
        (_col("yes" if e.countersign else "", 4) + _col(e.threshold, thr) + _col(e.title, title), None),
    ]


class SchedulePane(Container):
    """Entries by category, with their open requests and grants; enter shows the queue filtered
    to one. A VirtualList like the others (a DataTable rendered every cell again at every
    showing: ~40 ms a pane switch)."""

    DEFAULT_CSS = PANE_CSS

    def __init__(self, store: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.store = store

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Schedule entries by category — enter shows the open requests naming one. Sample schedule: not law."),
            classes="pane-head",
        )
        yield Static(schedule_header(self.app.size.width - 1), classes="pane-head", id="schedule-head")
        yield VirtualList(render_entry, id="schedule-table", empty="Reading the schedule…")

    def on_resize(self) -> None:
        self.query_one("#schedule-head", Static).update(schedule_header(self.size.width - 1))

    def activate(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self._read_overview()

    @work(thread=True, exclusive=True, group="schedule")
    def _read_overview(self) -> None:
        # Counting open requests per entry walks request_entries: seconds at a million rows, so
        # on the detail worker's read-only connection, off the UI thread.
        try:
            overview = schedule_overview(self.app.detail_store())
        except Exception as e:  # noqa: BLE001 - shown, not raised
            self.app.call_from_thread(self.app.notify, one_line(f"schedule: {e}"), severity="error", markup=False)
            return
        self.app.call_from_thread(self._fill, overview)

    def _fill(self, overview: list[Any]) -> None:
        vl = self.query_one(VirtualList)
        vl.set_source(ListSource(overview), keep_key=getattr(vl.current, "key", None))

    def on_virtual_list_opened(self, event: VirtualList.Opened) -> None:
        self.app.show_queue_filter(f"cap:{event.row.code}")


def render_grant(row: GrantRow, width: int, vlist: VirtualList) -> list[Piece]:
    day = today().isoformat()
    status = row.effective_status(day)
    rest = max(10, width - 33)
    return [
        (fit(row.expires, 11) + fit(status, 10), vlist.style("overdue") if status != "active" else None),
        (fit(row.code, 10) + " " + fit(row.customer_name, rest // 2) + " ", None),
        (
            fit(row.end_use + (f" — {row.status_reason}" if row.status_reason else ""), rest - rest // 2),
            vlist.style("dim"),
        ),
    ]


class AllowListsPane(Container):
    """Grants, soonest expiry first; `/` filters (cap:, customer:, status:), b/n narrow to the
    customer or the entry under the cursor; p suspend, x revoke, e reinstate, each with a reason."""

    BINDINGS = bindings("allowlists")
    DEFAULT_CSS = PANE_CSS

    def __init__(self, store: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.store = store
        self.filter = Filter()

    def compose(self) -> ComposeResult:
        yield Static(classes="pane-head", id="grants-head")
        yield VirtualList(render_grant, id="grants-list", empty="No grants (the filter may hide them).")

    @property
    def vlist(self) -> VirtualList:
        return self.query_one("#grants-list", VirtualList)

    def activate(self) -> None:
        self.load()

    def load(self, f: Filter | None = None) -> None:
        if f is not None:
            self.filter = f
            self.vlist.cursor = 0
        self.vlist.set_source(GrantSource(self.store, self.filter))
        self._head()

    def refresh_data(self) -> None:
        self.vlist.reload()
        self._head()

    def _head(self) -> None:
        what = f"filter: {self.filter.source}" if self.filter.source else "all grants"
        self.query_one("#grants-head", Static).update(
            Text(
                one_line(f"Allow-lists — {self.vlist.total} ({what}), soonest expiry first · cap usage: 2 Schedule"),
                no_wrap=True,
            )
        )
        self.app.sub_title = one_line(f"{self.vlist.total} grants ({what})")

    def action_by_customer(self) -> None:
        row = self.vlist.current
        if row is not None:
            self.load(parse(f'customer:"{row.customer_id}"', "grants"))

    def action_by_entry(self) -> None:
        row = self.vlist.current
        if row is not None:
            self.load(parse(f"cap:{row.code}", "grants"))

    def action_grant(self, action: str) -> None:
        if self.store.read_only:
            self.app.notify("Read-only: this console can't change the database.", severity="warning", markup=False)
            return
        row = self.vlist.current
        if row is None:
            return
        title = Text(end="")
        title.append(action.capitalize(), style="bold")
        title.append(f" grant {row.id}: {one_line(row.code)} for {one_line(row.customer_name, 60)}")
        self.app.push_screen(
            DecisionDialog(title, [], note_label="reason (required)", focus_note=True),
            lambda result: self._grant(row.id, action, result),
        )

    def _grant(self, grant_id: int, action: str, result: DialogResult | None) -> None:
        if result is None:
            return
        try:
            change = grants.change_grant(self.store, grant_id, action, result.note)
        except PermitError as e:
            self.app.notify(one_line(str(e)), severity="error", markup=False, timeout=8)
            return
        self.app.notify(str(change), markup=False)
        self.refresh_data()


def render_decision(row: Any, width: int, vlist: VirtualList) -> list[Piece]:
    return [
        (fit(f"#{row.id}", 8) + fit(row.decided_at[:16].replace("T", " "), 17), vlist.style("dim")),
        (fit(row.request_id, 16) + " " + fit(row.officer, 12) + " ", None),
        (fit(row.outcome, 16), BOLD),
        (fit(f" → {row.status_after} {','.join(row.reasons)} {row.note}", max(0, width - 71)), None),
    ]


def render_audit(row: Any, width: int, vlist: VirtualList) -> list[Piece]:
    return [
        (fit(f"{row.seq}", 7) + fit(row.at[:19].replace("T", " "), 20), vlist.style("dim")),
        (fit(row.officer, 12) + " ", None),
        (fit(row.action, 16), BOLD),
        (fit(f"{row.subject} {row.payload}", max(0, width - 55)), None),
    ]


class HistoryPane(Container):
    """Decisions or the audit chain, newest first, with the chain's verify status."""

    BINDINGS = bindings("history")
    DEFAULT_CSS = PANE_CSS

    def __init__(self, store: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.store = store
        self.mode = "decisions"
        self.verify_status = "audit verify: checking…"

    def compose(self) -> ComposeResult:
        yield Static(classes="pane-head", id="history-head")
        yield VirtualList(render_decision, id="history-list", empty="No decisions yet.")

    @property
    def vlist(self) -> VirtualList:
        return self.query_one("#history-list", VirtualList)

    def activate(self) -> None:
        self.load()
        self.action_verify()

    def load(self) -> None:
        vl = self.vlist
        vl.render_row = render_decision if self.mode == "decisions" else render_audit
        vl.cursor = 0
        vl.set_source(DecisionSource(self.store) if self.mode == "decisions" else AuditSource(self.store))
        self._head()

    def refresh_data(self) -> None:
        self.vlist.reload()
        self._head()
        self.action_verify()

    def _head(self) -> None:
        label = "Decisions" if self.mode == "decisions" else "Audit chain"
        self.query_one("#history-head", Static).update(
            Text(f"{label} — {self.vlist.total}, newest first · {self.verify_status} · t switches", no_wrap=True)
        )

    def action_toggle(self) -> None:
        self.mode = "audit" if self.mode == "decisions" else "decisions"
        self.load()

    @work(thread=True, exclusive=True, group="verify")
    def action_verify(self) -> None:
        # Its own read-only connection: a long walk must not hold the console's lock.
        try:
            conn = reader(self.store)
            try:
                result = audit.verify(conn)
            finally:
                conn.close()
            status = (
                f"audit verify: OK, {result.count} entries, head {result.head_hash[:12]}"
                if result.ok
                else f"audit verify: FAILED at row {result.bad_seq}: {result.problem}"
            )
        except Exception as e:  # noqa: BLE001 - shown, not raised
            status = f"audit verify: could not run ({e})"
        self.app.call_from_thread(self._verified, status)

    def _verified(self, status: str) -> None:
        self.verify_status = one_line(status, 120)
        self._head()
