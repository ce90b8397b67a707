"""Fixtures for the console tests: a fixed today, a private config dir, a small real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_db import TODAY, build_db


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("PERMITTUI_TODAY", TODAY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def db(tmp_path) -> Path:
    return build_db(tmp_path)
