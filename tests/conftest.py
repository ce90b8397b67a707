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

TODAY = "2026-11-22"

CUSTOMERS_YAML = """\
customers:
  - id: C-ACME
    name: Acme [Holdings] Ltd
    country: GB
    sector: cybersecurity vendor
    vetting: vetted
  - id: C-KEST
    name: Kestrel Red Team LLC
    aliases: [Kestrel RT]
    country: US
    sector: red-team consultancy
    vetting: vetted
  - id: C-PROV
    name: Nordlicht Sicherheit GmbH
    country: DE
    sector: national CERT
    vetting: provisional
  - id: C-SUSP
    name: Grey Harbour Analytics
    country: SG
    sector: telecom
    vetting: suspended
"""

REQUESTS_YAML = """\
requests:
  - id: R-1
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: Authorised penetration testing of the customer's own OT network.
    submitted: 2026-11-10
  - id: R-2
    kind: access
    customer: C-KEST
    entries: [AI.C.2.a]
    end_use: Red-team engagements for a national grid operator under contract.
    submitted: 2026-11-01
  - id: R-3
    kind: release
    customer: C-ACME
    model: Halcyon-4
    evaluations:
      exploit_success_rate_professional_ctf: 0.62
      task_time_horizon_at_50pct_success: {value: 12, unit: hours}
    end_use: General availability release of a frontier model.
    submitted: 2026-11-05
  - id: R-4
    kind: access
    customer: C-PROV
    entries: [AI.A.9.a]
    end_use: Autonomous target engagement for border defence.
    submitted: 2026-11-12
  - id: R-5
    kind: access
    customer: C-SUSP
    entries: [AI.S.1.a]
    end_use: Network monitoring for a regional telecom.
    submitted: 2026-10-20
"""


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


def permittui_exe() -> str:
    exe = Path(sys.executable).parent / "permittui"
    return str(exe) if exe.exists() else (shutil.which("permittui") or "permittui")


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


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to check that a refused action changed nothing."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    finally:
        conn.close()
