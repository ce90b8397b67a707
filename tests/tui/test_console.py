"""The console by Pilot, at 80×24 and 160×50, on real SQLite files."""

from __future__ import annotations

import json

import pytest
from console_helpers import decisions, drive, screen_text, settle, status_of, type_filter

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_queue_lists_open_requests_by_due_date_with_overdue_and_soon_marked(db, size):
    async def script(app, pilot):
        await settle(pilot)
        return screen_text(app)

    text = drive(db, script, size=size)
    order = [text.index(r) for r in ("REQ-001", "REQ-002", "REQ-004", "REQ-005", "REQ-003")]
    assert order == sorted(order)
    assert "-10d" in text  # REQ-001 overdue by 10 days, said in text (not colour only)
    assert "5d~" in text  # REQ-002 due soon
    assert "R··2" in text  # REQ-004: red line, needs countersign
    assert "5 open requests" in text
    assert "OVERDUE by 10 days" in text  # the detail pane explains the clock


@pytest.mark.parametrize("size", SIZES)
def test_each_pane_is_reached_by_its_number(db, size):
    async def script(app, pilot):
        seen = {}
        for key, name in (("2", "schedule"), ("3", "allowlists"), ("4", "history"), ("1", "queue")):
            await pilot.press(key)
            await settle(pilot)
            seen[name] = screen_text(app)
        return seen

    seen = drive(db, script, size=size)
    assert "AI.C.1.a" in seen["schedule"] and "prohibited" in seen["schedule"]
    assert "Allow-lists" in seen["allowlists"]
    assert "Decisions" in seen["history"] and "newest first" in seen["history"]
    assert "REQ-001" in seen["queue"]


def test_history_shows_audit_chain_and_verify_status(db):
    async def script(app, pilot):
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        return screen_text(app)

    text = drive(db, script, size=(160, 50))
    assert "audit verify: OK" in text
    assert "import.requests" in text


@pytest.mark.parametrize(
    "key,outcome,toggles,extra",
    [
        ("a", "approve", [], []),
        ("c", "approve-with-conditions", ["1"], []),
        ("d", "deny", ["1", "2"], []),
        ("i", "request-info", ["3"], []),
        ("w", "return", [], []),
        ("r", "refer", ["1"], ["n", "tab", *"insp.kim"]),
    ],
)
def test_each_decision_key_records_through_its_dialog(db, key, outcome, toggles, extra):
    async def script(app, pilot):
        await pilot.press("j")  # REQ-002, which the rules let any outcome through
        await pilot.press(key)
        await settle(pilot, 0.1)
        assert app.screen.__class__.__name__ == "DecisionDialog"
        await pilot.press(*toggles, *extra, "enter")
        await settle(pilot)
        return app.pane_widget("queue").vlist.current

    current = drive(db, script)
    rows = decisions(db)
    assert [(r[0], r[1]) for r in rows] == [("REQ-002", outcome)]
    assert rows[0][6] == 1  # expected_version: the version the officer saw
    if outcome == "deny":
        assert json.loads(rows[0][2]) == ["SCHED-THRESHOLD", "EVAL-THRESHOLD-CROSSED"]
        assert "SCHED-THRESHOLD" in rows[0][4]  # note template follows the toggles
    if outcome == "approve-with-conditions":
        assert json.loads(rows[0][3])[0]["code"] == "NO-ONWARD-TRANSFER"
    if outcome == "refer":
        assert rows[0][7] == "insp.kim"
    assert current is not None and current.id != "REQ-002"  # the cursor went on to the next request


def test_escape_cancels_the_dialog_and_records_nothing(db):
    async def script(app, pilot):
        await pilot.press("d", "1", "escape")
        await settle(pilot)

    drive(db, script)
    assert decisions(db) == []


def test_refused_decision_is_one_clear_message_and_changes_nothing(db):
    async def script(app, pilot):
        await pilot.press("j", "j")  # REQ-004 touches a red line
        await pilot.press("a", "enter")
        await settle(pilot)
        return app.messages

    messages = drive(db, script)
    assert any("red line" in m for m in messages)
    assert decisions(db) == [] and status_of(db, "REQ-004") == "pending"


def test_stale_version_is_refused(db):
    from permittui.identity import Officer
    from permittui.store import decisions as dec
    from permittui.store.db import open_store

    async def script(app, pilot):
        other = open_store(db, Officer("bob", "bob"))
        dec.decide(other, "REQ-001", "request-info", reasons=["EVAL-INSUFFICIENT"])
        other.close()
        await pilot.press("w", "enter")  # alice still sees version 1
        await settle(pilot)
        return app.messages

    messages = drive(db, script)
    assert any("changed since you saw it" in m for m in messages)
    assert [r[1] for r in decisions(db)] == ["request-info"]


def test_marks_then_one_decision_key_applies_to_all_marked_after_one_confirmation(db):
    async def script(app, pilot):
        await pilot.press("space", "space")  # marks REQ-001 and REQ-002 (the cursor advances)
        await settle(pilot, 0.1)
        assert "2 marked" in app.sub_title
        await pilot.press("w")
        await settle(pilot, 0.1)
        assert "2 marked requests" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        return app.pane_widget("queue").vlist.marks

    marks = drive(db, script)
    assert sorted((r[0], r[1]) for r in decisions(db)) == [("REQ-001", "return"), ("REQ-002", "return")]
    assert marks == {}


def test_countersign_by_a_second_officer_and_undo(db):
    from permittui.identity import Officer

    async def alice(app, pilot):
        await pilot.press("j", "j", "j")  # REQ-005: a release; denying one needs a countersign
        await pilot.press("d", "1", "enter")
        await settle(pilot)

    drive(db, alice)
    assert status_of(db, "REQ-005") == "awaiting_countersign"

    async def bob(app, pilot):
        await type_filter(app, pilot, "status:awaiting_countersign")
        await settle(pilot)
        assert app.pane_widget("queue").vlist.total == 1
        await pilot.press("s", "enter")
        await settle(pilot)

    drive(db, bob, officer=Officer("bob", "bob"))
    assert status_of(db, "REQ-005") == "denied"

    async def alice_undo_own(app, pilot):
        await pilot.press("w", "enter")  # return REQ-001, then undo it
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot, 0.1)
        assert "Undo" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)

    drive(db, alice_undo_own)
    assert [r[1] for r in decisions(db)][-2:] == ["return", "reverse"]
    assert status_of(db, "REQ-001") == "pending"


def test_filter_narrows_and_escape_clears(db):
    async def script(app, pilot):
        q = app.pane_widget("queue")
        await pilot.press("/", *"customer:blue", "enter")  # typed key by key once
        await settle(pilot)
        blue = q.vlist.total
        await type_filter(app, pilot, "!flag:redline due:<7d")
        combined = q.vlist.total
        await type_filter(app, pilot, "status:nonsense")
        bad = list(app.messages)
        await pilot.press("escape", "escape")
        await settle(pilot)
        return blue, combined, bad, q.vlist.total

    blue, combined, bad, cleared = drive(db, script)
    assert blue == 2 and combined == 2 and cleared == 5
    assert any("unknown status" in m for m in bad)


def test_help_is_generated_from_the_live_keymap(db):
    from permittui.tui.config import Config

    async def script(app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        return screen_text(app)

    text = drive(db, script, size=(160, 50), config=Config(keymap={"decide.deny": "x"}))
    assert "decide.deny" in text and "Deny" in text
    line = next(ln for ln in text.splitlines() if "(decide.deny)" in ln)
    assert " x " in line


def test_keymap_override_rebinds_by_id_and_conflicts_are_reported(db, tmp_path):
    from permittui.tui.config import load_config

    cfg_file = tmp_path / "config.yaml"
    cfg_file.write_text("keymap:\n  decide.deny: x\n  decide.approve: x\n  no.such: y\n")
    cfg = load_config(cfg_file)
    assert any("unknown action id 'no.such'" in p for p in cfg.problems)
    assert any("bound to both" in p for p in cfg.problems)

    cfg_file.write_text("keymap:\n  decide.deny: x\n")
    good = load_config(cfg_file)

    async def script(app, pilot):
        await pilot.press("d")  # no longer deny
        await settle(pilot, 0.1)
        first = app.screen.__class__.__name__
        await pilot.press("x")
        await settle(pilot, 0.1)
        return first, app.screen.__class__.__name__

    assert drive(db, script, config=good) == ("Screen", "DecisionDialog")

    async def warned(app, pilot):
        await settle(pilot)
        return app.messages

    assert any("bound to both" in m for m in drive(db, warned, config=cfg))


def test_palette_jumps_to_a_request(db):
    async def script(app, pilot):
        await pilot.press("ctrl+p")
        await settle(pilot, 0.2)
        await pilot.press(*"REQ-003")
        await settle(pilot, 0.5)
        await pilot.press("enter")
        await settle(pilot)
        q = app.pane_widget("queue")
        return q.vlist.current.id, q.detail_id

    assert drive(db, script) == ("REQ-003", "REQ-003")


def test_read_only_refuses_every_change(db):
    async def script(app, pilot):
        for key in ("a", "d", "u", "s"):
            await pilot.press(key)
            await settle(pilot, 0.05)
            assert app.screen.__class__.__name__ != "DecisionDialog"
        await pilot.press("3", "x")
        await settle(pilot, 0.1)
        return app.messages, screen_text(app)

    messages, text = drive(db, script, read_only=True)
    assert sum("Read-only" in m for m in messages) >= 4
    assert "READ-ONLY" in text
    assert decisions(db) == []
