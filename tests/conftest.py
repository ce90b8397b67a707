"""Shared fixtures: real SQLite files in a temp dir, the shipped defaults, a few customers and
requests written as YAML, and a runner for the installed `permittui` command."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from permittui.identity import Officer
from permittui.store import imports
from permittui.store.db import Store, init_store, open_store
from permittui.store.demo import load_defaults

from support import CUSTOMERS_YAML, REQUESTS_YAML, TODAY, permittui_exe, table_dump  # noqa: F401


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setenv("PERMITTUI_TODAY", TODAY)
    monkeypatch.delenv("PERMITTUI_DB", raising=False)
    monkeypatch.delenv("PERMITTUI_OFFICER", raising=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("customers", CUSTOMERS_YAML), ("requests", REQUESTS_YAML)):
        p = tmp_path / f"{name}.yaml"
        p.write_text(textwrap.dedent(text), encoding="utf-8")
        out[name] = p
    return out


@pytest.fixture
def db_path(tmp_path: Path, files) -> Path:
    """A database with the shipped schedule, reasons and conditions, 4 customers, 5 requests."""
    path = tmp_path / "permit.db"
    store = init_store(path, Officer("alice", "alice"))
    for _ in load_defaults(store):
        pass
    imports.import_customers(store, files["customers"])
    imports.import_requests(store, files["requests"])
    store.close()
    return path


@pytest.fixture
def store_as(db_path):
    """Open the fixture database as a named officer: store_as('bob')."""
    opened: list[Store] = []

    def _open(name: str = "alice") -> Store:
        s = open_store(db_path, Officer(name, name))
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()


@pytest.fixture
def cli(tmp_path):
    """Run the installed command: cli('show', 'R-1', db=path) -> CompletedProcess."""

    def run(*args: str, db: Path | None = None, officer: str | None = None, env: dict | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
        e = dict(os.environ)
        e.update(env or {})
        cmd = [permittui_exe(), *args]
        if db is not None:
            cmd += ["--db", str(db)]
        if officer is not None:
            cmd += ["--officer", officer]
        return subprocess.run(cmd, capture_output=True, text=True, env=e, input=input, timeout=60, cwd=tmp_path)

    return run
