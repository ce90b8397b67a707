"""Four-eyes in the console: a look-alike spelling of the officer who decided is that officer, and
cannot countersign; a different senior officer can."""

from __future__ import annotations

import pytest
from console_helpers import drive, settle, status_of, type_filter

from permittui.identity import Officer


async def _deny_release(app, pilot):
    await pilot.press("j", "j", "j")  # REQ-005: a release; denying one needs a countersign
    await pilot.press("d", "1", "enter")
    await settle(pilot)


async def _countersign(app, pilot):
    await type_filter(app, pilot, "status:awaiting_countersign")
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot, 0.1)
    await pilot.press("enter")
    await settle(pilot)
    return app.messages


@pytest.mark.parametrize("name", ["ALICE", "ａｌｉｃｅ", "\u0430lice", "al\u0456ce", "ⓐⓛⓘⓒⓔ", "alice\u0307"])
def test_a_look_alike_of_the_deciding_officer_cannot_countersign(db, name):
    drive(db, _deny_release)
    assert status_of(db, "REQ-005") == "awaiting_countersign"
    messages = drive(db, _countersign, officer=Officer(name, "alice"))
    assert status_of(db, "REQ-005") == "awaiting_countersign"
    assert any("you made this decision" in m for m in messages), messages
    drive(db, _countersign, officer=Officer("carol", "carol"))
    assert status_of(db, "REQ-005") == "denied"
