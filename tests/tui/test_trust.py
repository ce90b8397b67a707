"""Hostile strings stay text; other consoles' decisions show up; themes; the entry point."""

from __future__ import annotations

import asyncio

import pytest
from console_db import HOSTILE_NAME, OFFICER, build_db, default_requests
from console_helpers import RecordingApp, drive, screen_text, settle

from permittui.identity import Officer
from permittui.store import decisions as dec
from permittui.store.db import open_store
from permittui.text import one_line


def test_hostile_names_and_notes_render_literally_and_never_act(tmp_path):
    requests = default_requests()
    requests[0]["end_use"] = "[@click=app.bell]press[/] \x1b[2J\x1b]0;owned\x07 [/x] [bold]b[/bold]"
    db = build_db(tmp_path, requests)
    store = open_store(db, OFFICER)
    dec.decide(
        store,
        "REQ-001",
        "request-info",
        reasons=["EVAL-INSUFFICIENT"],
        note="see [@click=app.quit]here[/] \u202edesrever\u202c [/x]",
    )
    store.close()

    async def script(app, pilot):
        await settle(pilot, 0.3)
        queue = screen_text(app)
        await pilot.click("#detail-text", offset=(2, 4))  # clicking hostile text must not run anything
        await pilot.press("4")
        await settle(pilot)
        history = screen_text(app)
        return queue, history, app.is_running, app.fired

    queue, history, running, fired = drive(db, script, size=(160, 50))
    assert running and fired == []
    assert one_line(HOSTILE_NAME)[:40] in queue  # name cell, literal, brackets and all
    # The detail pane wraps long lines, so check each hostile piece whole.
    for piece in (
        "Acme [Holdings] Ltd [@click=app.quit]x[/]",
        "^[]52;c;ZXZpbA==^G ⟨U+202E⟩evil[/x]",
        "[@click=app.bell]press[/] ^[[2J^[]0;owned^G [/x]",
        "[bold]b[/bold]",
        "[@click=app.quit]here[/]",
        "⟨U+202E⟩desrever⟨U+202C⟩ [/x]",
    ):
        assert piece in queue, piece
    assert "[@click=app.quit]here[/]" in history
    for text in (queue, history):
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text


def test_palette_shows_hostile_customer_names_whole():
    from textual.content import Content

    from permittui.tui.commands import PermitCommands

    async def main(db):
        store = open_store(db, OFFICER)
        app = RecordingApp(store)
        try:
            async with app.run_test() as pilot:
                provider = PermitCommands(app.screen)
                hits = [h async for h in provider.search("acme")]
                await pilot.pause()
                return hits
        finally:
            store.close()

    import tempfile
    from pathlib import Path

    db = build_db(Path(tempfile.mkdtemp()))
    hits = asyncio.run(main(db))
    prompts = [h.prompt for h in hits]
    assert all(isinstance(p, Content) for p in prompts)
    texts = [p.plain for p in prompts]
    assert any("Acme [Holdings] Ltd [@click=app.quit]x[/]" in t for t in texts)


def test_another_consoles_decision_appears_within_two_seconds(db):
    async def script(app, pilot):
        before = app.pane_widget("queue").vlist.total
        other = open_store(db, Officer("bob", "bob"))
        dec.decide(other, "REQ-001", "return", note="elsewhere")
        other.close()
        await pilot.pause(1.6)
        return before, app.pane_widget("queue").vlist.total, screen_text(app)

    before, after, text = drive(db, script)
    assert (before, after) == (5, 4)
    assert "REQ-001" not in text.split("─")[0]


def test_no_color_uses_the_monochrome_theme(db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def script(app, pilot):
        return app.theme

    assert drive(db, script) == "permittui-mono"


@pytest.mark.parametrize("name", ["permittui-light", "permittui-ansi", "permittui-dark"])
def test_theme_by_name(db, name):
    async def script(app, pilot):
        return app.theme, app.current_theme.ansi

    theme, ansi = drive(db, script, theme=name)
    assert theme == name and ansi == (name == "permittui-ansi")


def test_unknown_theme_is_a_notice_not_a_crash(db):
    async def script(app, pilot):
        return app.theme, app.messages

    theme, messages = drive(db, script, theme="nope")
    assert theme == "permittui-dark" and any("no theme 'nope'" in m for m in messages)


def test_user_theme_from_config_dir(db, tmp_path):
    themes = tmp_path / "config" / "permittui" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.yaml").write_text("name: mine\ndark: false\ncolours: {primary: '#ff0000'}\n")

    async def script(app, pilot):
        return app.theme

    assert drive(db, script, theme="mine") == "mine"


def test_run_with_a_missing_database_is_one_line_and_exit_2(tmp_path, capsys):
    from permittui.tui.app import run

    code = run(tmp_path / "missing.db", officer=OFFICER)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no database here" in err and "Traceback" not in err


def test_allow_list_suspend_and_revoke_with_reason(tmp_path):
    db = build_db(tmp_path)
    store = open_store(db, OFFICER)
    dec.decide(store, "REQ-002", "approve")  # writes a grant for blue on AI.C.2.a
    store.close()

    async def script(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        assert "AI.C.2.a" in screen_text(app)
        await pilot.press("p", *"audit", "enter")
        await settle(pilot)
        suspended = screen_text(app)
        await pilot.press("x", "enter")  # no reason: refused
        await settle(pilot)
        return suspended, app.messages

    suspended, messages = drive(db, script, size=(160, 50))
    assert "suspended" in suspended and "audit" in suspended
    assert any("say why" in m for m in messages)
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, status_reason FROM grants").fetchone() == ("suspended", "audit")
    assert conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone() == ("grant.suspend",)


def test_schedule_enter_filters_the_queue_by_entry(db):
    async def script(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        entries = app.query_one("#schedule-table")
        codes = [entries.row(i).code for i in range(entries.total)]
        entries.move_to(codes.index("AI.C.1.a"))
        await pilot.press("enter")
        await settle(pilot)
        return app.current_pane, app.pane_widget("queue").filter.source, app.pane_widget("queue").vlist.total

    assert drive(db, script) == ("queue", "cap:AI.C.1.a", 1)
