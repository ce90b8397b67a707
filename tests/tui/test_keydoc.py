"""docs/keys.md is what the action registry generates: keys, help and docs never drift apart."""

from pathlib import Path

from permittui.tui.actions import ACTIONS
from permittui.tui.keydoc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "keys.md"


def test_key_reference_is_generated_from_the_registry():
    assert DOC.read_text() == render(), "run: python -m permittui.tui.keydoc > docs/keys.md"


def test_every_action_is_in_the_reference():
    text = DOC.read_text()
    for action in ACTIONS:
        assert f"`{action.id}`" in text
