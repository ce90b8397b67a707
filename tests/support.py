"""Shared test helpers, imported by name (conftest modules of sub-folders would shadow each other)."""

from __future__ import annotations

import contextlib
import io
import locale
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from permittui.identity import Officer
from permittui.store.db import Store, open_store

TODAY = "2026-11-22"

# The three entries every schedule must carry (domain.core_red_lines): a small test schedule
# appends these to its own entries.
CORE_RED_LINE_ENTRIES = """\
  - code: AI.A.9.a
    category: autonomy
    title: 'RED LINE: lethal autonomous weapons'
    threshold: {metric: end_use_category, operator: in, unit: enum,
                value: [autonomous_target_selection_and_engagement, autonomous_lethal_force_direction]}
    trigger: prohibited
    red_line: autonomous_weapons_targeting
    red_line_phrases: [autonomous target engagement, select and engage targets, lethal autonomous,
                       without meaningful human control, autonomous lethal force, kill chain automation]
  - code: AI.S.9.a
    category: surveillance
    title: 'RED LINE: mass domestic surveillance'
    threshold: {metric: end_use_category, operator: in, unit: enum,
                value: [bulk_domestic_population_surveillance, social_scoring]}
    trigger: prohibited
    red_line: mass_domestic_surveillance
    red_line_phrases: [population-scale monitoring, social scoring, mass surveillance, mass domestic surveillance,
                       bulk collection of citizens, monitor the entire population, citizen scoring]
  - code: AI.B.2.b
    category: bio_chem
    title: 'RED LINE: autonomous bio-threat synthesis'
    threshold: {metric: autonomous_synthesis_cycle_completed_on_proxy, operator: ==, value: true, unit: boolean}
    trigger: prohibited
    red_line: autonomous_biothreat_synthesis
    red_line_phrases: [pathogen synthesis without human, autonomous pathogen synthesis, closed-loop pathogen design,
                       threat-agent synthesis]
"""

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
    end_use_category: authorised_penetration_testing
    submitted: 2026-11-10
  - id: R-2
    kind: access
    customer: C-KEST
    entries: [AI.C.2.a]
    end_use: Red-team engagements for a national grid operator under contract.
    end_use_category: authorised_penetration_testing
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
    end_use_category: military_non_weapon
    submitted: 2026-11-12
  - id: R-5
    kind: access
    customer: C-SUSP
    entries: [AI.S.1.a]
    end_use: Network monitoring for a regional telecom.
    end_use_category: critical_infrastructure_protection
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


def copy_db(template: Path, dest: Path) -> Path:
    """A database file of the caller's own, copied from one built earlier and closed (so no WAL beside it)."""
    for suffix in ("-wal", "-shm"):
        side = Path(str(template) + suffix)
        assert not side.exists() or side.stat().st_size == 0, f"{side}: the template was not closed cleanly"
    shutil.copyfile(template, dest)
    return dest


# Without one of these the command opens the console: that only ever runs in a process of its own.
SUBCOMMANDS = {
    "init",
    "import",
    "export",
    "show",
    "decide",
    "countersign",
    "screen",
    "disposition",
    "audit",
    "generate",
    "-h",
    "--help",
    "--version",
}


def argv_of(args: tuple[str, ...], db: Path | None, officer: str | None) -> list[str]:
    argv = [*args]
    if db is not None:
        argv += ["--db", str(db)]
    if officer is not None:
        argv += ["--officer", officer]
    return argv


def run_process(argv: list[str], env: dict | None, input: str | None, cwd: Path) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}  # None: not set
    return subprocess.run(
        [permittui_exe(), *argv], capture_output=True, text=True, env=e, input=input, timeout=60, cwd=cwd
    )


def _decoded(data: bytes, encoding: str) -> str:
    # As subprocess.run(text=True) decodes a child's output: strict, universal newlines.
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def run_in_process(argv: list[str], env: dict | None, input: str | None, cwd: Path) -> subprocess.CompletedProcess:
    """permittui.cli.main(argv) here, with the process's view of the world set up as the installed command's
    would be: environment, working directory, standard streams as pipes (strict UTF-8 out, not a terminal),
    exit status from the return value or SystemExit, an uncaught exception a traceback and status 1."""
    from permittui.cli import main

    enc = locale.getpreferredencoding(False)
    out_b, err_b = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_b, encoding=enc, errors="strict", write_through=True)
    err = io.TextIOWrapper(err_b, encoding=enc, errors="backslashreplace", write_through=True)
    inp = io.TextIOWrapper(io.BytesIO((input or "").encode(enc)), encoding=enc)
    threads_before = set(threading.enumerate())
    with pytest.MonkeyPatch.context() as mp:
        for k, v in (env or {}).items():
            if v is None:
                mp.delenv(k, raising=False)
            else:
                mp.setenv(k, v)
        mp.chdir(cwd)
        mp.setattr(sys, "stdin", inp)
        mp.setattr(sys, "stdout", out)
        mp.setattr(sys, "stderr", err)
        try:
            code = main(argv)
        except SystemExit as e:
            if e.code is None or isinstance(e.code, int):
                code = e.code or 0
            else:
                print(e.code, file=err)
                code = 1
        except KeyboardInterrupt:
            raise
        except BaseException:
            traceback.print_exc(file=err)
            code = 1
        out.flush()
        err.flush()
    # A real process ends its threads with it; here a command must not leave one running (a store not closed).
    deadline = time.monotonic() + 2
    while (
        left := [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    ) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not left, f"permittui {argv} left threads running: {left}"
    return subprocess.CompletedProcess(
        ["permittui", *argv], code, _decoded(out_b.getvalue(), enc), _decoded(err_b.getvalue(), enc)
    )


@contextlib.contextmanager
def stores_on(path: Path) -> Iterator[Callable[..., Store]]:
    """Open a database as named officers (`open_as('bob')`), all closed at the end."""
    opened: list[Store] = []

    def open_as(name: str = "alice") -> Store:
        store = open_store(path, Officer(name, name))
        opened.append(store)
        return store

    try:
        yield open_as
    finally:
        for store in opened:
            store.close()


# What each migration added, undone, to make a database "as schema N left it" from a current one
# (tests of the forward migration). One entry per schema step above N.
_UNDO = {
    3: "DROP TRIGGER open_entries_insert; DROP TRIGGER open_entries_delete;"
    " DROP TRIGGER open_entries_update; DROP TABLE open_entries;",
    4: "ALTER TABLE schedules DROP COLUMN metrics; ALTER TABLE schedule_entries DROP COLUMN red_line;"
    " ALTER TABLE requests DROP COLUMN end_use_category; DROP TABLE end_uses;",
}


def as_schema(path: Path, version: int) -> None:
    """Turn the database at `path` back into what schema `version` made (the newest steps undone)."""
    conn = sqlite3.connect(path)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(current, version, -1):
            conn.executescript(_UNDO[step])
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    finally:
        conn.close()
