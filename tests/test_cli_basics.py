"""The command line's contract: database and officer resolution, exit codes, no tracebacks."""

from __future__ import annotations

import json
import sqlite3


def test_db_from_environment(cli, db_path):
    r = cli("show", "R-1", "--json", env={"PERMITTUI_DB": str(db_path)})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["request"]["id"] == "R-1"


def test_officer_from_environment_is_recorded_with_os_account(cli_proc, db_path):
    import os
    import pwd

    r = cli_proc("decide", "R-1", "approve", db=db_path, env={"PERMITTUI_OFFICER": "m.okafor"})
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(db_path)
    officer, account = conn.execute("SELECT officer, os_account FROM decisions").fetchone()
    assert officer == "m.okafor"
    assert account == pwd.getpwuid(os.getuid()).pw_name


def test_python_dash_m_works(db_path):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "permittui", "show", "R-2", "--db", str(db_path)], capture_output=True, text=True
    )
    assert r.returncode == 0 and "R-2" in r.stdout


def test_unknown_request_exit_1_one_line(cli_proc, db_path):
    r = cli_proc("show", "R-404", db=db_path)
    assert r.returncode == 1
    assert r.stderr.strip() == "permittui: no request 'R-404'"


def test_bad_usage_exit_2(cli_proc, db_path):
    r = cli_proc("decide", "R-1", "bless", db=db_path)
    assert r.returncode == 2 and r.stderr.count("\n") <= 2 and "Traceback" not in r.stderr


def test_init_refuses_existing_database(cli, db_path):
    r = cli("init", db=db_path)
    assert r.returncode == 1 and "already exists" in r.stderr


def test_database_newer_than_code_is_refused(cli, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    r = cli("show", "R-1", db=db_path)
    assert r.returncode == 2
    assert "schema version 99 is newer than this permittui understands" in r.stderr


def test_not_a_database(cli, tmp_path):
    p = tmp_path / "x.db"
    p.write_text("hello, I am not SQLite" * 100)
    r = cli("show", "R-1", db=p)
    assert r.returncode == 2 and "not a permittui database" in r.stderr and "Traceback" not in r.stderr


def test_database_is_wal_with_queue_index(db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM requests WHERE status = 'pending' AND (due, id) > ('2026-01-01', '')"
            " ORDER BY due, id LIMIT 50"
        )
    )
    assert "requests_queue" in plan and "TEMP B-TREE" not in plan


def test_show_human_output(cli, db_path):
    r = cli("show", "R-3", db=db_path)
    assert r.returncode == 0
    assert "AI.C.1.b" in r.stdout and "exploit_success_rate_professional_ctf = 0.62 >= 0.5" in r.stdout
    assert "Acme [Holdings] Ltd" in r.stdout
