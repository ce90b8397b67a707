"""Opening the database: pragmas, migrations, the one write path and its audit rows."""

from __future__ import annotations

import contextlib
import grp
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from permittui.domain.clock import now_iso
from permittui.errors import BadInput, Refused
from permittui.identity import Officer, current_officer
from permittui.store import audit
from permittui.store.schema import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_MS = 15_000


class Store:
    """One connection to one database file, safe to share between threads behind its lock.

    The console's workers run on pool threads, so the connection is opened with
    check_same_thread=False and every use takes `lock`.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, officer: Officer, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.officer = officer
        self.read_only = read_only
        self.lock = threading.RLock()
        self._db: Any = None

    @property
    def db(self) -> Any:
        """The sqlite-utils view of the same connection (tables, insert_all, rows_where)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def strict_identity(self) -> bool:
        return self.meta("strict_identity") == "1"

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it commits, or none of it does."""
        if self.read_only:
            raise Refused("the database is open read-only")
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def audit(self, action: str, subject: str, payload: dict[str, Any], at: str | None = None) -> int:
        """Append to the audit chain; call inside `write()`."""
        return audit.append(self.conn, at or now_iso(), self.officer.name, self.officer.os_account,
                            action, subject, payload)

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = f"file:{path.resolve()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # Without this, INSERT OR REPLACE deletes a decision or audit row without firing the
    # append-only DELETE triggers (SQLite fires them on REPLACE only with recursive triggers).
    conn.execute("PRAGMA recursive_triggers = ON")
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a decision acknowledged to the officer survives power loss, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, read_only: bool) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise BadInput(f"{path}: database schema version {version} is newer than this permittui"
                       f" understands ({SCHEMA_VERSION}); upgrade permittui to open it")
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise BadInput(f"{path}: database needs upgrading from schema {version} to {SCHEMA_VERSION};"
                       " open it once without --read-only")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    # executescript() would COMMIT our transaction; split into complete statements instead.
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""


def open_store(path: Path, officer: Officer | None = None, *, create: bool = False,
               read_only: bool = False) -> Store:
    """Open (or with create=True, create) the database at `path`, migrating it forward."""
    path = Path(path)
    if not path.exists() and not create:
        raise BadInput(f"{path}: no database here; create one with `permittui init --db {path}`"
                       " (or `permittui init --demo`)")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = _connect(path, read_only)
        _migrate(conn, path, read_only)
    except sqlite3.DatabaseError as e:
        raise BadInput(f"{path}: not a permittui database ({e})") from None
    store = Store(conn, path, officer or current_officer(), read_only)
    if store.strict_identity and store.officer.name != store.officer.os_account:
        conn.close()
        raise Refused(f"this database requires officer names to be OS accounts: you are"
                      f" {store.officer.os_account!r}, not {store.officer.name!r}")
    return store


def init_store(path: Path, officer: Officer | None = None, *, strict_identity: bool = False,
               group: str | None = None) -> Store:
    """Create a new database; refuses to touch an existing file."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise Refused(f"{path}: a database already exists here; nothing changed")
    gid = None
    if group:
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            raise BadInput(f"--group: no such group {group!r}") from None
    store = open_store(path, officer, create=True)
    with store.write():
        store.conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_iso(),))
        store.conn.execute("INSERT INTO meta VALUES ('strict_identity', ?)", ("1" if strict_identity else "0",))
        store.audit("init", str(path.name), {"schema_version": SCHEMA_VERSION, "strict_identity": strict_identity,
                                             "group": group})
    if gid is not None:
        share_with_group(path, gid)
    return store


def share_with_group(path: Path, gid: int) -> None:
    """Make the database and its WAL/SHM files group-read-writable (mode 0660, setgid dir advice in README)."""
    for suffix in ("", "-wal", "-shm"):
        target = Path(str(path) + suffix)
        if target.exists():
            os.chown(target, -1, gid)
            os.chmod(target, 0o660)
