"""Shared fixtures: real SQLite files in a temp dir, the shipped defaults, a few customers and
requests written as YAML, and runners for the `permittui` command: `cli` (in this process, through
`permittui.cli.main`) and `cli_proc` (the installed command in a process of its own)."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from support import (
    CUSTOMERS_YAML,
    REQUESTS_YAML,
    SUBCOMMANDS,
    TODAY,
    argv_of,
    copy_db,
    permittui_exe,  # noqa: F401
    register_officers,
    run_in_process,
    run_process,
    stores_on,
)

from permittui.identity import Officer
from permittui.store import imports
from permittui.store.db import init_store
from permittui.store.demo import load_defaults

# One clock for the whole suite, set when pytest loads this file: before any fixture of any scope
# builds data, and inherited by every process a test starts. The real date never reaches a test
# (the suite passes under `faketime '+1 year'`); a test that needs another day sets its own.
os.environ["PERMITTUI_TODAY"] = TODAY


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setenv("PERMITTUI_TODAY", TODAY)
    monkeypatch.delenv("PERMITTUI_DB", raising=False)
    monkeypatch.delenv("PERMITTUI_OFFICER", raising=False)


def _write_files(folder: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("customers", CUSTOMERS_YAML), ("requests", REQUESTS_YAML)):
        p = folder / f"{name}.yaml"
        p.write_text(textwrap.dedent(text), encoding="utf-8")
        out[name] = p
    return out


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return _write_files(tmp_path)


@pytest.fixture(scope="session")
def _db_template(tmp_path_factory) -> Path:
    """The fixture database, built once a session (by the same calls as ever) and copied for each test."""
    folder = tmp_path_factory.mktemp("db-template")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERMITTUI_TODAY", TODAY)
        mp.delenv("PERMITTUI_DB", raising=False)
        mp.delenv("PERMITTUI_OFFICER", raising=False)
        f = _write_files(folder)
        path = folder / "permit.db"
        store = init_store(path, Officer("alice", "alice"))
        for _ in load_defaults(store):
            pass
        imports.import_customers(store, f["customers"])
        imports.import_requests(store, f["requests"])
        register_officers(store)
        store.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, files, _db_template) -> Path:
    """A database with the shipped schedule, reasons and conditions, 4 customers, 5 requests: a file of
    this test's own, a copy of one built once a session (the audit rows name the template's YAML files)."""
    return copy_db(_db_template, tmp_path / "permit.db")


@pytest.fixture
def store_as(db_path):
    """Open the fixture database as a named officer: store_as('bob')."""
    with stores_on(db_path) as open_as:
        yield open_as


# ── running the command ────────────────────────────────────────────────────────────────────────

Runner = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli_proc(tmp_path) -> Runner:
    """Run the installed command in a process of its own: cli_proc('show', 'R-1', db=path) -> CompletedProcess.
    For what only a real process shows: the entry point, its exit status, identity from the OS."""

    def run(
        *args: str,
        db: Path | None = None,
        officer: str | None = None,
        env: dict | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess:
        return run_process(argv_of(args, db, officer), env, input, tmp_path)

    return run


@pytest.fixture
def cli(tmp_path) -> Runner:
    """Run the command in this process through permittui.cli.main (a process of its own costs ~0.2 s):
    cli('show', 'R-1', db=path) -> CompletedProcess. The console (no subcommand) still gets a real process."""

    def run(
        *args: str,
        db: Path | None = None,
        officer: str | None = None,
        env: dict | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess:
        argv = argv_of(args, db, officer)
        if not SUBCOMMANDS.intersection(args):
            return run_process(argv, env, input, tmp_path)
        return run_in_process(argv, env, input, tmp_path)

    return run
