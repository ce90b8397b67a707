"""The queue list keeps the lines it drew (a page flipped back, a pane shown again) and draws
again exactly what changed: the cursor's line when focus comes or goes, every line for a theme."""

from __future__ import annotations

from console_helpers import drive, settle


def _line(app, y: int):
    return app.pane_widget("queue").vlist.render_line(y)


def test_theme_change_redraws_every_line_and_focus_only_the_cursor(db):
    async def script(app, pilot):
        await settle(pilot)
        vl = app.pane_widget("queue").vlist
        first, second = _line(app, 0), _line(app, 1)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        kept = _line(app, 1) is second  # not the cursor's line: the same strip, kept
        app.theme = "permittui-light"
        await settle(pilot)
        after = _line(app, 1)
        return (
            kept,
            first.text == _line(app, 0).text,
            vl.cursor,
            second.text == after.text,
            [s.style.bgcolor for s in second if s.text.strip()][:1]
            != [s.style.bgcolor for s in after if s.text.strip()][:1],
        )

    kept, cursor_text_same, cursor, text_same, colours_changed = drive(db, script)
    assert kept and cursor == 0 and cursor_text_same and text_same
    assert colours_changed, "a new theme must draw the lines again in its colours"


def test_the_mouse_wheel_scrolls_the_list_and_a_key_shows_the_cursor_again(db):
    from textual import events

    async def script(app, pilot):
        await settle(pilot)
        vl = app.pane_widget("queue").vlist
        vl.post_message(events.MouseScrollDown(vl, 1, 1, 0, 1, 0, False, False, False))
        await settle(pilot)
        scrolled = vl.top
        await pilot.press("j", "j")
        await settle(pilot)
        return scrolled, vl.top, vl.cursor, vl.size.height, vl.total

    scrolled, top, cursor, height, total = drive(db, script, size=(80, 10))
    assert total > height and scrolled == min(3, total - height) > 0
    assert cursor == 2 and top <= cursor < top + height


def test_the_cursor_line_has_a_background_of_its_own_in_every_colour_theme(db):
    # Under the widget's style, the cursor's background was hidden: only its bold showed.
    async def script(app, pilot):
        out = {}
        for theme in ("permittui-dark", "permittui-light", "permittui-ansi"):
            app.theme = theme
            await settle(pilot)
            vl = app.pane_widget("queue").vlist
            cursor, other = vl.render_line(vl.cursor - vl.top), vl.render_line(vl.cursor - vl.top + 1)
            out[theme] = (
                {s.style.bgcolor for s in cursor if s.text.strip()},
                {s.style.bgcolor for s in other if s.text.strip()},
            )
        return out

    for theme, (cursor, other) in drive(db, script, size=(100, 20)).items():
        assert len(cursor) == 1 and cursor.isdisjoint(other), theme


def _many_requests(n: int) -> list[dict]:
    from console_db import _day

    return [
        {
            "id": f"REQ-{i:04d}",
            "kind": "access",
            "end_use_category": "other",
            "customer": ("acme", "blue", "cobalt")[i % 3],
            "entries": ["AI.C.2.a"],
            "end_use": f"Research {i}",
            "submitted": _day(-(i % 80)),
        }
        for i in range(n)
    ]


def test_paging_through_reads_each_page_once_and_before_it_is_needed(tmp_path):
    # After a frame that moved the view, the next pages are read (off the key's path): a page key
    # then finds its rows cached, and walking the list reads each page of rows once.
    from console_db import build_db

    db = build_db(tmp_path, requests=_many_requests(700))

    async def script(app, pilot):
        await settle(pilot)
        vl = app.pane_widget("queue").vlist
        misses = 0
        for _ in range(20):
            before = vl.reads
            vl.action_page_down()  # the key's own work, timed by nothing: did it read?
            misses += vl.reads > before
            await settle(pilot)
        return vl.total, vl.cursor, vl.reads, misses

    total, cursor, reads, misses = drive(db, script, size=(160, 50))
    assert total == 700 and cursor == total - 1
    assert misses == 0, "a page key had to read rows: the prefetch did not run ahead of it"
    assert reads <= -(-total // 128) + 1


def test_the_filter_line_opens_over_the_key_line_without_resizing_the_panes(db):
    async def script(app, pilot):
        await settle(pilot)
        vl = app.pane_widget("queue").vlist
        before = (vl.size, vl.region)
        await pilot.press("slash")
        await settle(pilot)
        box = app.query_one("#filter")
        return before, (vl.size, vl.region), box.region, app.query_one("#keys").region

    before, after, box, keys = drive(db, script)
    assert before == after  # no layout of the panes: only the bottom line changes
    assert box == keys  # the filter line lies exactly over the key line
