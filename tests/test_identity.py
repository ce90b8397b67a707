"""Issue 3: who is acting. The OS account (from the password database, not $USER) is recorded
beside the officer name; `init --strict-identity` refuses officer names that are not the OS
account; `init --group` shares the database and its WAL files with a group (mode 0660)."""

from __future__ import annotations

import grp
import json
import os
import pwd
import sqlite3
import stat
import textwrap
from pathlib import Path

import pytest
from support import CUSTOMERS_YAML, REQUESTS_YAML, TODAY, argv_of, copy_db, run_process, table_dump

from permittui.errors import Refused
from permittui.identity import Officer, current_officer
from permittui.store import decisions
from permittui.store.db import open_store

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name
OTHER = "not-" + ME


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def ok(proc):
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return proc.stdout


def refused_one_line(proc, code: int = 1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert err and "\n" not in err and "Traceback" not in proc.stderr, proc.stderr
    return err


@pytest.fixture
def cli(cli_proc):
    """Identity comes from the OS: every command here runs the installed command in a process of its own."""
    return cli_proc


@pytest.fixture(scope="module")
def _strict_template(tmp_path_factory):
    """Made once by the installed command, copied for each test."""
    folder = tmp_path_factory.mktemp("strict")
    path = folder / "strict.db"
    files = {name: folder / f"{name}.yaml" for name in ("customers", "requests")}
    files["customers"].write_text(textwrap.dedent(CUSTOMERS_YAML), encoding="utf-8")
    files["requests"].write_text(textwrap.dedent(REQUESTS_YAML), encoding="utf-8")
    env = {"PERMITTUI_TODAY": TODAY, "PERMITTUI_DB": None, "PERMITTUI_OFFICER": None}
    ok(run_process(argv_of(("init", "--strict-identity"), path, None), env, None, folder))
    ok(run_process(argv_of(("import", "customers", str(files["customers"])), path, None), env, None, folder))
    ok(run_process(argv_of(("import", "requests", str(files["requests"])), path, None), env, None, folder))
    return path


@pytest.fixture
def strict_db(_strict_template, files, tmp_path):
    return copy_db(_strict_template, tmp_path / "strict.db")


# ── the OS account ───────────────────────────────────────────────────────────────────────────


def test_the_os_account_comes_from_the_password_database_not_the_environment(monkeypatch):
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    assert current_officer().os_account == ME
    assert current_officer().name == ME
    assert current_officer("bob") == Officer("bob", ME)
    monkeypatch.setenv("PERMITTUI_OFFICER", "carol")
    assert current_officer() == Officer("carol", ME)
    assert current_officer("  dave ").name == "dave"


def test_decisions_and_audit_record_the_os_account_beside_the_name(cli, db_path):
    ok(cli("decide", "R-1", "approve", db=db_path, officer="bob", env={"USER": "mallory", "LOGNAME": "mallory"}))
    assert rows(db_path, "SELECT officer, os_account FROM decisions") == [("bob", ME)]
    [(officer, account, payload)] = rows(
        db_path, "SELECT officer, os_account, payload FROM audit WHERE action = 'decision'"
    )
    assert (officer, account) == ("bob", ME)
    assert json.loads(payload)["os_account"] == ME


# ── strict identity ──────────────────────────────────────────────────────────────────────────


def test_init_strict_identity_is_recorded(strict_db):
    assert rows(strict_db, "SELECT value FROM meta WHERE key = 'strict_identity'") == [("1",)]
    [(payload,)] = rows(strict_db, "SELECT payload FROM audit WHERE action = 'init'")
    assert json.loads(payload)["strict_identity"] is True


@pytest.mark.parametrize(
    "args,env",
    [
        (["decide", "R-1", "approve", "--officer", OTHER], {}),
        (["decide", "R-1", "approve"], {"PERMITTUI_OFFICER": OTHER}),
        (["decide", "R-2", "deny", "--reason", "PARTY-UNVERIFIED", "--officer", ME.upper() + "x"], {}),
        (["countersign", "R-3", "--officer", OTHER], {}),
    ],
)
def test_strict_identity_refuses_a_name_that_is_not_the_os_account(cli, strict_db, args, env):
    before = table_dump(strict_db)
    err = refused_one_line(cli(*args, db=strict_db, env=env))
    assert ME in err
    assert table_dump(strict_db) == before


def test_strict_identity_accepts_the_os_account_whatever_user_says(cli, strict_db):
    ok(cli("decide", "R-1", "approve", db=strict_db, env={"USER": "mallory", "LOGNAME": "mallory"}))
    ok(cli("decide", "R-2", "return", "--officer", ME, db=strict_db))
    assert rows(strict_db, "SELECT officer, os_account FROM decisions") == [(ME, ME), (ME, ME)]


def test_strict_identity_one_account_cannot_complete_four_eyes_alone(cli, strict_db):
    ok(cli("decide", "R-3", "deny", "--reason", "EVAL-THRESHOLD-CROSSED", db=strict_db))
    before = table_dump(strict_db)
    refused_one_line(cli("countersign", "R-3", db=strict_db))  # own decision
    refused_one_line(cli("countersign", "R-3", "--officer", "colleague", db=strict_db))  # a name, not an account
    assert table_dump(strict_db) == before
    assert rows(strict_db, "SELECT status FROM requests WHERE id = 'R-3'") == [("awaiting_countersign",)]


def test_strict_identity_is_enforced_by_the_store(strict_db):
    with pytest.raises(Refused, match="OS account"):
        open_store(strict_db, Officer("bob", ME))
    s = open_store(strict_db, Officer(ME, ME))
    try:
        decisions.decide(s, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
        with pytest.raises(Refused, match="different officer"):
            decisions.countersign(s, "R-3")
    finally:
        s.close()


def test_without_strict_identity_any_name_is_taken(cli, db_path):
    ok(cli("decide", "R-3", "deny", "--reason", "EVAL-THRESHOLD-CROSSED", db=db_path, officer="alice"))
    ok(cli("countersign", "R-3", db=db_path, officer="bob"))
    assert rows(db_path, "SELECT officer, os_account FROM decisions ORDER BY id") == [("alice", ME), ("bob", ME)]


# ── sharing with a group ─────────────────────────────────────────────────────────────────────


def _mode_and_group(path: Path) -> tuple[int, int]:
    st = path.stat()
    return stat.S_IMODE(st.st_mode), st.st_gid


def test_init_group_makes_the_database_and_its_wal_files_0660_for_the_group(cli, tmp_path):
    path = tmp_path / "shared.db"
    gid = grp.getgrnam(MY_GROUP).gr_gid
    old = os.umask(0o077)  # a strict umask must not defeat the sharing
    try:
        ok(cli("init", "--group", MY_GROUP, db=path))
        assert _mode_and_group(path) == (0o660, gid)
        for suffix in ("-wal", "-shm"):
            side = Path(str(path) + suffix)
            if side.exists():
                assert _mode_and_group(side) == (0o660, gid), suffix
        # The WAL and shared-memory files a later writer creates follow the database file.
        s = open_store(path, Officer("alice", "alice"))
        try:
            with s.write() as conn:
                conn.execute("INSERT INTO meta VALUES ('probe', '1')")
            for suffix in ("-wal", "-shm"):
                side = Path(str(path) + suffix)
                assert side.exists(), suffix
                assert _mode_and_group(side) == (0o660, gid), suffix
        finally:
            s.close()
        assert _mode_and_group(path) == (0o660, gid)
    finally:
        os.umask(old)


def test_init_with_an_unknown_group_is_bad_usage_and_creates_nothing(cli, tmp_path):
    path = tmp_path / "never.db"
    refused_one_line(cli("init", "--group", "no-such-group-permittui", db=path), code=2)
    assert not path.exists()
    assert not Path(str(path) + "-wal").exists()


def test_init_refuses_an_existing_database(cli, db_path):
    before = table_dump(db_path)
    err = refused_one_line(cli("init", "--strict-identity", "--group", MY_GROUP, db=db_path))
    assert "already exists" in err
    assert table_dump(db_path) == before
