"""A virtual list on Textual's Line API: it holds a few pages of rows, never the whole table.

Rows come from a PageSource (store/queue.py) in keyset pages. Moving the cursor reads at most
one new page, from the neighbour page's edge key, so a keystroke costs the same at a hundred
rows as at a million. The row count is read once per (re)load and cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from rich.style import Style
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from permittui.store.queue import PageSource
from permittui.tui.actions import bindings
from permittui.tui.lines import Piece, line_strip

PAGE = 128
MAX_PAGES = 24
STRIP_CACHE = 400  # rendered lines kept: flipping between pages (g/G, page up/down) repaints from here

RowRenderer = Callable[[Any, int, "VirtualList"], list[Piece]]


class VirtualList(Widget, can_focus=True):
    """Rows of a PageSource, a cursor, and marks (kept by row id with the row as seen).

    A plain widget that keeps its own top row, not a ScrollView: a ScrollView's virtual size
    lays the screen out again whenever the row count changes (every filter, every count that
    arrives), and its scrolling machinery ran on every page."""

    BINDINGS = bindings("list")
    COMPONENT_CLASSES = {
        "vlist--cursor",
        "vlist--marked",
        "vlist--overdue",
        "vlist--soon",
        "vlist--dim",
        "vlist--alert",
        "vlist--thumb",
    }
    DEFAULT_CSS = """
    VirtualList { height: 1fr; }
    VirtualList > .vlist--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
                                   text-style: $block-cursor-text-style; }
    VirtualList:blur > .vlist--cursor { background: $block-cursor-blurred-background;
                                        color: $block-cursor-blurred-foreground;
                                        text-style: $block-cursor-blurred-text-style; }
    VirtualList > .vlist--marked { color: $accent; text-style: bold; }
    VirtualList > .vlist--overdue { color: $error; text-style: bold; }
    VirtualList > .vlist--soon { color: $warning; text-style: underline; }
    VirtualList > .vlist--dim { color: $foreground 60%; }
    VirtualList > .vlist--alert { color: $error; text-style: bold; }
    VirtualList > .vlist--thumb { color: $scrollbar; }
    """

    class Highlighted(Message):
        def __init__(self, vlist: VirtualList, row: Any) -> None:
            super().__init__()
            self.vlist, self.row = vlist, row

    class Counted(Message):
        def __init__(self, vlist: VirtualList) -> None:
            super().__init__()
            self.vlist = vlist

    class Opened(Message):
        def __init__(self, vlist: VirtualList, row: Any) -> None:
            super().__init__()
            self.vlist, self.row = vlist, row

    def __init__(
        self, render_row: RowRenderer, *, empty: str = "nothing here", id: str | None = None, markable: bool = False
    ) -> None:
        super().__init__(id=id)
        self.render_row = render_row
        self.empty_text = empty
        self.markable = markable
        self.source: PageSource | None = None
        self.cursor = 0
        self.top = 0  # the row in the first line
        self._prefetching = False
        self.total = 0
        self.counting = False
        self.marks: dict[str, Any] = {}
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._styles: dict[str, Style] | None = None
        self._frame: tuple[int, int, int, int] | None = None
        self._strips: dict[tuple[int, int, bool, bool, bool], Strip] = {}
        self.reads = 0  # pages read from the store (tests and bench watch this)

    # ── data ────────────────────────────────────────────────────────────────────────────────
    def set_source(self, source: PageSource, keep_key: Any = None) -> None:
        """Show a new source (a new filter) or reload the same one after a change.

        With keep_key, the cursor stays on that row if the source still has it. A source whose
        count walks the table (slow_count) shows its first page at once and is counted by a
        thread worker; until then `counting` is True and `total` is the rows known so far."""
        self.source = source
        self._pages.clear()
        self._strips.clear()
        self.counting = False
        if getattr(source, "slow_count", False) and keep_key is None:
            first = source.after(None, PAGE)
            self.total = len(first)
            if len(first) == PAGE:
                self.counting = True
                self._count_in_background(source)
            self._pages[0] = first
        else:
            self.total = source.count()
        if keep_key is not None:
            self.cursor = source.position(keep_key)
        self.cursor = max(0, min(self.cursor, self.total - 1))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _count_in_background(self, source: PageSource) -> None:
        def count() -> None:
            store = getattr(self.app, "detail_store", None)
            n = source.count(store()) if store is not None else source.count()  # type: ignore[call-arg]
            self.app.call_from_thread(self._counted, source, n)

        self.run_worker(count, thread=True, exclusive=True, group="count")

    def _counted(self, source: PageSource, n: int) -> None:
        if source is not self.source or not self.counting:
            return
        self.counting = False
        self.total = n
        self.refresh()  # the position bar's thumb shrinks to the true count
        self.post_message(self.Counted(self))

    def ensure_counted(self) -> None:
        """Count now (on the UI thread) when a key needs the true end of the list."""
        if self.counting and self.source is not None:
            self._counted(self.source, self.source.count())

    def reload(self) -> None:
        """Re-read after a change: the cursor stays on its row, or if that row left the source,
        on the row that took its place (after a decision: the next request)."""
        if self.source is None:
            return
        key = getattr(self.current, "key", None)
        self.set_source(self.source, keep_key=key)

    def row(self, index: int) -> Any:
        if self.source is None or not 0 <= index < self.total:
            return None
        page_no = index // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._load(page_no)
        else:
            self._pages.move_to_end(page_no)
        offset = index - page_no * PAGE
        return page[offset] if offset < len(page) else None

    def _load(self, page_no: int) -> list[Any]:
        assert self.source is not None
        last = (self.total - 1) // PAGE
        prev, nxt = self._pages.get(page_no - 1), self._pages.get(page_no + 1)
        if prev is not None and len(prev) == PAGE:
            rows = self.source.after(prev[-1].key, PAGE)
        elif nxt:
            rows = self.source.before(nxt[0].key, PAGE)
        elif page_no == 0:
            rows = self.source.after(None, PAGE)
        elif page_no == last:
            rows = self.source.before(None, self.total - page_no * PAGE)
        else:
            rows = self.source.at_offset(page_no * PAGE, PAGE)
        self.reads += 1
        self._pages[page_no] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    @property
    def current(self) -> Any:
        return self.row(self.cursor)

    def row_id(self, row: Any) -> str:
        return str(getattr(row, "id", getattr(row, "key", "")))

    # ── rendering ───────────────────────────────────────────────────────────────────────────
    def style(self, name: str) -> Style:
        """A component style (cursor, marked, overdue, soon, dim, alert) from the cache
        _line_styles keeps: looking one up walks the CSS (~0.1 ms), and renderers ask per row."""
        styles = self._line_styles()
        return styles[name] if name in styles else self._component_style(name)

    def _component_style(self, name: str) -> Style:
        return self.get_component_rich_style(f"vlist--{name}")

    def _line_styles(self) -> dict[str, Style]:
        """The styles lines use, worked out once per style change instead of once per line (the
        widget's own style walks its ancestors: it was a third of a page's render)."""
        if self._styles is None:
            base = self.rich_style
            self._styles = {
                "base": base,
                "thumb": base + self._component_style("thumb"),
                **{
                    name: self._component_style(name)
                    for name in ("cursor", "marked", "overdue", "soon", "dim", "alert")
                },
            }
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        before, self._styles = self._styles, None
        if before is None:
            return
        after = self._line_styles()
        if {k: v for k, v in before.items() if k != "cursor"} != {k: v for k, v in after.items() if k != "cursor"}:
            self._strips.clear()  # a new theme: every line again
        else:
            # Focus came or went (the cursor's style follows it), or the pane was shown again:
            # only the cursor's line is drawn anew.
            for key in [k for k in self._strips if k[4]]:
                del self._strips[key]

    def _thumb(self) -> tuple[int, int]:
        """Rows [start, end) of the position bar's thumb, drawn in each line's last cell: a
        separate scrollbar widget repainted 37 more lines on every page (about 4 ms a page)."""
        height = self.size.height
        if self.total <= height or height <= 0:
            return (0, 0)
        size = max(1, round(height * height / self.total))
        top = self.top
        start = round(top / max(1, self.total - height) * (height - size))
        return (start, start + size)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The geometry every line needs, looked up once a frame: `size` walks
        # the widget's regions each time (a tenth of a page's repaint when asked per line).
        self._frame = (self.size.width, self.top, *self._thumb())
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        width, top, start, end = self._frame or (self.size.width, self.top, *self._thumb())
        index = top + y
        bar = start <= y < end
        if self.total == 0 or index >= self.total:
            return self._plain_line(self.empty_text if y == 0 and self.total == 0 else "", width, bar)
        row = self.row(index)
        marked = row is not None and self.row_id(row) in self.marks
        key = (index, width, bar, marked, index == self.cursor)
        strip = self._strips.get(key)
        if strip is None:
            if row is None:
                pieces: list[Piece] = [("…", self.style("dim"))]
            else:
                pieces = self.render_row(row, width - 1, self)
                if marked:
                    mark = self.style("marked")
                    pieces = [(t, st + mark if st else mark) for t, st in pieces]
            strip = self._strips[key] = self._strip(pieces, width, bar, cursor=index == self.cursor)
            if len(self._strips) > STRIP_CACHE:
                del self._strips[next(iter(self._strips))]
        return strip

    def _plain_line(self, message: str, width: int, bar: bool) -> Strip:
        return self._strip([(message, self.style("dim"))], width, bar, cursor=False)

    def _strip(self, pieces: list[Piece], width: int, bar: bool, cursor: bool) -> Strip:
        styles = self._line_styles()
        return line_strip(
            pieces, width, styles["base"], styles["cursor"] if cursor else None, styles["thumb"] if bar else None
        )

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    # ── moving ──────────────────────────────────────────────────────────────────────────────
    def move_to(self, index: int) -> None:
        if self.total == 0:
            return
        index = max(0, min(index, self.total - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        if not self._scroll_cursor_into_view():
            self.refresh_row(old)
            self.refresh_row(index)
        elif not self._prefetching:
            self._prefetching = True
            self.call_after_refresh(self._prefetch)
        self.post_message(self.Highlighted(self, self.current))

    def _prefetch(self) -> None:
        """Read the pages a screen above and below the view once this frame is out, so the next
        page key finds its rows cached (a page read is a few ms at a million rows)."""
        self._prefetching = False
        height = max(1, self.size.height)
        for index in (self.top - height, self.top + 2 * height):
            if 0 <= index < self.total and index // PAGE not in self._pages:
                self.row(index)

    def refresh_row(self, index: int) -> None:
        """Repaint one row: its text only, not the scrollbar beside it (bytes over SSH)."""
        y = index - self.top
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, max(1, self.size.width - 1), 1))  # not the position bar

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor shows; True when the view moved (and so repaints)."""
        height = max(1, self.size.height)
        if self.cursor < self.top:
            return self._scroll_to(self.cursor)
        if self.cursor >= self.top + height:
            return self._scroll_to(self.cursor - height + 1)
        top = max(0, min(self.top, self.total - height))  # fewer rows than before: no gap below
        return top != self.top and self._scroll_to(top)

    def _scroll_to(self, top: int) -> bool:
        self.top = max(0, top)
        self.refresh()
        return True

    def on_mouse_scroll_down(self, event: Any) -> None:
        self._scroll_to(min(self.top + 3, max(0, self.total - self.size.height)))

    def on_mouse_scroll_up(self, event: Any) -> None:
        self._scroll_to(self.top - 3)

    def _page_height(self) -> int:
        return max(1, self.size.height - 1)

    def action_cursor_down(self) -> None:
        if self.cursor + 1 >= self.total:
            self.ensure_counted()
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_top(self) -> None:
        self.move_to(0)

    def action_cursor_bottom(self) -> None:
        self.ensure_counted()
        self.move_to(self.total - 1)

    def action_page_down(self) -> None:
        if self.cursor + 2 * self._page_height() >= self.total:
            self.ensure_counted()
        self.move_to(self.cursor + self._page_height())

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._page_height())

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))

    def action_mark(self) -> None:
        row = self.current
        if not self.markable or row is None:
            return
        rid = self.row_id(row)
        if rid in self.marks:
            del self.marks[rid]
        else:
            self.marks[rid] = row
        self.refresh_row(self.cursor)
        self.move_to(self.cursor + 1)
        self.post_message(self.Highlighted(self, self.current))

    def clear_marks(self) -> bool:
        had = bool(self.marks)
        self.marks.clear()
        self.refresh()
        return had

    def on_click(self, event: Any) -> None:
        y = event.y if hasattr(event, "y") else None
        if y is not None:
            self.move_to(self.top + y)
