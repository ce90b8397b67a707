"""Obfuscated red-line text through every console path that approves: `a`, `c`, marks and the
palette. None of them records an approval; the detail pane shows the red line and the text made
visible (no invisible or bidi character reaches the screen); a legitimate text beside them is
approved as before."""

from __future__ import annotations

import re

import pytest
from console_db import build_db
from console_helpers import decisions, drive, screen_text, settle, status_of

# One of each class of trick (tests/test_matchform.py has the whole corpus, run through the store
# and the CLI by tests/test_red_line_corpus.py).
OBFUSCATED = [
    "Deploy le\u00adthal autonomous drones",  # soft hyphen
    "Deploy lethal\u200dautonomous drones",  # zero-width joiner for the space
    "Deploy le\ufe0fthal autonomous drones",  # variation selector
    "Deploy le\u3164thal autonomous drones",  # Hangul filler
    "Deploy le\U000e0074thal autonomous drones",  # tag character
    "Deploy lethal autonomou\u0455 drones",  # Cyrillic ѕ
    "Deploy ᏞᎬᎢᎻᎪᏞ autonomous drones",  # Cherokee
    "Deploy lethal aut\u0585nomous drones",  # Armenian օ
    "Deploy ʟethal autonomous drones",  # small capital
    "Deploy ｌｅｔｈａｌ autonomous drones",  # full width
    "Deploy \u202esuomonotua lahtel\u202c drones",  # right-to-left override
    "We want m\u0430ss surveill\u0430nce of citizens",  # another red line, Cyrillic а
]
LEGITIMATE = "Сетевая защита: defensive research on our own networks"  # Russian, then English: plain
UNSEEN = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe00-\ufe0f\u3164\U000e0000-\U000e007f]")


def _requests() -> list[dict]:
    out = [
        {
            "id": f"OB-{n:02}",
            "kind": "access",
            "customer": "blue",
            "entries": ["AI.C.2.a"],
            "end_use": text,
            "submitted": f"2026-06-{n + 1:02}",  # the queue shows them in this order
        }
        for n, text in enumerate(OBFUSCATED)
    ]
    out.append(
        {
            "id": "OK-01",
            "kind": "access",
            "customer": "blue",
            "entries": ["AI.C.2.a"],
            "end_use": LEGITIMATE,
            "submitted": "2026-06-28",
        }
    )
    return out


@pytest.fixture
def obdb(tmp_path):
    return build_db(tmp_path, _requests())


def _no_approvals(db) -> None:
    approvals = [r for r in decisions(db) if r[1].startswith("approve") and r[0].startswith("OB-")]
    assert approvals == []
    assert all(status_of(db, f"OB-{n:02}") == "pending" for n in range(len(OBFUSCATED)))


@pytest.mark.parametrize("key,toggles", [("a", []), ("c", ["1"])])
def test_a_and_c_refuse_every_obfuscated_red_line(obdb, key, toggles):
    async def script(app, pilot):
        seen = []
        for _ in OBFUSCATED:
            await settle(pilot)
            seen.append(screen_text(app))
            await pilot.press(key)
            await settle(pilot, 0.05)
            if app.screen.__class__.__name__ == "DecisionDialog":
                seen.append(screen_text(app))
                await pilot.press(*toggles, "enter")
                await settle(pilot)
            await pilot.press("escape")  # a dialog left open after a refusal
            await settle(pilot, 0.05)
            await pilot.press("j")
        return app.messages, seen

    messages, seen = drive(obdb, script, size=(120, 40))
    _no_approvals(obdb)
    assert sum("red line" in m for m in messages) >= len(OBFUSCATED)
    for text in seen:
        assert not UNSEEN.search(text), repr(UNSEEN.search(text).group())


def test_marks_refuse_every_obfuscated_red_line_and_approve_the_plain_one(obdb):
    async def script(app, pilot):
        await settle(pilot)
        for _ in range(len(OBFUSCATED) + 1):
            await pilot.press("space")  # marks and moves on
        await settle(pilot, 0.1)
        await pilot.press("a")
        await settle(pilot, 0.1)
        await pilot.press("enter")
        await settle(pilot)
        return app.messages

    messages = drive(obdb, script, size=(120, 40))
    _no_approvals(obdb)
    assert status_of(obdb, "OK-01") in ("approved", "awaiting_countersign")
    assert any("red line" in m for m in messages)


def test_palette_approve_refuses_an_obfuscated_red_line(obdb):
    async def script(app, pilot):
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot, 0.2)
        await pilot.press(*"decide.approve")
        await settle(pilot, 0.5)
        await pilot.press("enter")
        await settle(pilot, 0.1)
        if app.screen.__class__.__name__ == "DecisionDialog":
            await pilot.press("enter")
            await settle(pilot)
        return app.messages

    messages = drive(obdb, script, size=(120, 40))
    _no_approvals(obdb)
    assert any("red line" in m for m in messages)


def test_detail_pane_shows_the_red_line_and_the_hidden_character_made_visible(obdb):
    async def script(app, pilot):
        await settle(pilot)
        await pilot.press("enter")  # the detail of OB-00
        await settle(pilot)
        return screen_text(app)

    text = drive(obdb, script, size=(120, 40))
    assert "AI.A.9.a" in text and "red line" in text.lower()
    assert "U+00AD" in text and "\u00ad" not in text
