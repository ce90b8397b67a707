"""Shared test helpers, imported by name (conftest modules of sub-folders would shadow each other)."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

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


def permittui_exe() -> str:
    exe = Path(sys.executable).parent / "permittui"
    return str(exe) if exe.exists() else (shutil.which("permittui") or "permittui")


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to check that a refused action changed nothing."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    finally:
        conn.close()


def q(path: Path, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    """Rows of a query on a database file, through a connection of its own."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
