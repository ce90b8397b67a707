"""Opening the database: pragmas, migrations, the one write path and its audit rows."""

from __future__ import annotations

import contextlib
import grp
import os
import sqlite3
import threading
import time
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

# The background checkpointer (see Checkpointer). A decision writes ~14 WAL pages, so 64 commits
# keep the WAL near SQLite's own 1000-page auto-checkpoint; a quiet second flushes a trickle.
CHECKPOINT_EVERY = 64
CHECKPOINT_IDLE_S = 5.0
# Commits with no finished background checkpoint before the committing thread does one itself
# (the thread died or is starved): the WAL stays bounded, as with SQLite's default.
CHECKPOINT_INLINE_AFTER = 1000
# A run overtaken by more commits than this is followed by another (shorter) one before the
# writer is asked to finish: what the writer copies then is at most this many commits' pages.
FINISH_AT_MOST = 2


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
        self.checkpointer: Checkpointer | None = None

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
                if self.checkpointer is not None and self.checkpointer.committed():
                    self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # see Checkpointer.committed

    def start_checkpointer(
        self, every: int = CHECKPOINT_EVERY, idle_s: float = CHECKPOINT_IDLE_S
    ) -> Checkpointer | None:
        """Move WAL checkpoints off the commit path, for a long-lived store (the console).

        Without it, the commit that takes the WAL past 1000 pages also copies the WAL into the
        database file and fsyncs it (5-10 ms instead of ~1). With it, this connection never
        auto-checkpoints and a thread on its own connection runs PASSIVE checkpoints, which take
        no write lock, so commits don't wait for them. Durability is unchanged: a commit is
        fsynced to the WAL (synchronous=FULL) either way. A read-only store gets none (None).
        """
        with self.lock:
            if self.checkpointer is None and not self.read_only:
                self.checkpointer = Checkpointer(self.path, every, idle_s)
                self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        return self.checkpointer

    def stop_checkpointer(self) -> None:
        """Stop the thread (after a checkpoint under way) and go back to auto-checkpoints."""
        with self.lock:
            checkpointer, self.checkpointer = self.checkpointer, None
        if checkpointer is not None:
            checkpointer.stop()
            with self.lock:
                self.conn.execute("PRAGMA wal_autocheckpoint = 1000")

    def audit(self, action: str, subject: str, payload: dict[str, Any], at: str | None = None) -> int:
        """Append to the audit chain; call inside `write()`."""
        return audit.append(
            self.conn, at or now_iso(), self.officer.name, self.officer.os_account, action, subject, payload
        )

    def close(self) -> None:
        # The checkpointer's connection first, so this one is the last and checkpoints the WAL
        # into the database file as it closes (SQLite's default).
        self.stop_checkpointer()
        with self.lock:
            self.conn.close()


class Checkpointer:
    """A thread that checkpoints the WAL for one writing Store, on a connection of its own.

    Woken by `committed()`, once `every` commits are waiting or the writer has been quiet for
    `idle_s` seconds, it runs `PRAGMA wal_checkpoint(PASSIVE)`: that copies the WAL into the
    database file while the writer goes on committing (PASSIVE takes no lock a writer needs and
    never waits for readers, here or in other processes). Then it fdatasyncs the database file,
    because SQLite syncs it only when the checkpoint reached the end of the WAL, which a commit
    made meanwhile prevents.

    If the writer did commit meanwhile, the WAL is not all in the database file, and SQLite would
    not restart the WAL from its start but append, growing the file (a commit that grows the file
    also makes its fsync write the file size: ~0.3 ms more, measured). So the thread runs again
    until at most FINISH_AT_MOST commits overtook it, and the writer's next commit is told
    (`committed()` returns True) to checkpoint those few frames itself, about one fsync more,
    once per batch; its next transaction then restarts the WAL.
    The thread runs at the lowest CPU priority: on a busy 2-core machine its copying otherwise
    takes the committing thread's core (commits that overlapped a checkpoint took ~5 ms, measured).
    """

    def __init__(self, path: Path, every: int = CHECKPOINT_EVERY, idle_s: float = CHECKPOINT_IDLE_S) -> None:
        # A short busy timeout: only opening the WAL can wait (on another process's recovery).
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=1.0)
        self._conn.execute("PRAGMA synchronous = FULL")
        self._db_fd = _sync_fd(path)
        self.every, self.idle_s = every, idle_s
        self._cond = threading.Condition()
        self._waiting = 0  # commits since the thread last took a batch
        self._behind = 0  # commits since the WAL was last all checkpointed
        self._finish = False  # the writer should checkpoint the frames it added during a run
        self._chase = False  # run again at once: commits overtook the last run
        self._last_commit = 0.0
        self._stopping = False
        self.runs = 0  # checkpoints run, and the last one's (busy, WAL frames, frames in the db)
        self.last: tuple[int, int, int] | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="permittui-checkpointer", daemon=True)
        self._thread.start()

    def committed(self) -> bool:
        """Note a commit (cheap: no I/O). True when the caller should now run a PASSIVE checkpoint
        itself: to finish one the thread ran while it committed, or as the fallback when the
        thread has fallen CHECKPOINT_INLINE_AFTER commits behind (it died or is starved)."""
        with self._cond:
            self._waiting += 1
            self._behind += 1
            self._last_commit = time.monotonic()
            if self._waiting >= self.every or self._waiting == 1:
                self._cond.notify()  # a full batch, or start the idle timer
            if self._finish or self._behind >= CHECKPOINT_INLINE_AFTER:
                self._finish, self._behind, self._waiting = False, 0, 0
                return True
        return False

    def _loop(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            # Lowest CPU priority for this thread only (on Linux a thread id is a process id here).
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        chases = 0
        try:
            while self._next_batch():
                try:
                    busy, frames, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    os.fdatasync(self._db_fd)
                except (sqlite3.OperationalError, OSError) as e:  # e.g. the disk is full: next time
                    self.error = e
                    continue
                with self._cond:
                    self.runs += 1
                    self.last = (busy, frames, copied)
                    if self._waiting > FINISH_AT_MOST and chases < 8:
                        chases += 1  # overtaken by several: again, a shorter run
                        self._chase = True
                    elif self._waiting:  # overtaken by one or two: the writer finishes
                        self._finish, chases = True, 0
                    elif not busy and copied == frames:
                        chases = 0
                        self._behind, self._finish = 0, False
                    else:  # a reader kept frames back: again when quiet
                        self._waiting, self._last_commit = 1, time.monotonic()
        except BaseException as e:  # noqa: BLE001 - kept for the caller; committed() then falls back inline
            self.error = e
        finally:
            self._conn.close()

    def _next_batch(self) -> bool:
        """Wait until a checkpoint is due, and take the batch; False when stopping."""
        with self._cond:
            while not self._stopping:
                if self._waiting >= self.every or self._chase:
                    break
                if self._waiting:
                    quiet = time.monotonic() - self._last_commit
                    if quiet >= self.idle_s:
                        break
                    self._cond.wait(self.idle_s - quiet)
                else:
                    self._cond.wait()
            self._waiting, self._chase = 0, False
            return not self._stopping

    def caught_up(self, timeout: float = 10.0) -> bool:
        """Wait until the WAL has been all checkpointed since the last commit (tests, the bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                if self._behind == 0:
                    return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        """Stop the thread, after a checkpoint under way."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


_sync_fds: dict[tuple[int, int], int] = {}
_sync_fds_lock = threading.Lock()


def _sync_fd(path: Path) -> int:
    """A descriptor of the database file for fdatasync, one per file, never closed: closing any
    descriptor of a file drops all of this process's POSIX locks on it, SQLite's included."""
    st = os.stat(path)
    with _sync_fds_lock:
        fd = _sync_fds.get((st.st_dev, st.st_ino))
        if fd is None:
            fd = _sync_fds[(st.st_dev, st.st_ino)] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        return fd


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = f"file:{path.resolve()}?mode=ro"
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
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
        raise BadInput(
            f"{path}: database schema version {version} is newer than this permittui"
            f" understands ({SCHEMA_VERSION}); upgrade permittui to open it"
        )
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise BadInput(
            f"{path}: database needs upgrading from schema {version} to {SCHEMA_VERSION};"
            " open it once without --read-only"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            sql, fill = (MIGRATIONS[step], None) if isinstance(MIGRATIONS[step], str) else MIGRATIONS[step]
            for statement in _statements(sql):
                conn.execute(statement)
            if fill is not None:
                fill(conn)
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


def open_store(
    path: Path,
    officer: Officer | None = None,
    *,
    create: bool = False,
    read_only: bool = False,
    background_checkpoint: bool = False,
) -> Store:
    """Open (or with create=True, create) the database at `path`, migrating it forward.

    background_checkpoint=True: checkpoint the WAL on a thread (Store.start_checkpointer), for a
    long-lived process such as the console; ignored when read_only. Short-lived commands keep
    SQLite's default: an auto-checkpoint in a commit now and then, and one as the last
    connection closes."""
    path = Path(path)
    if not path.exists() and not create:
        raise BadInput(
            f"{path}: no database here; create one with `permittui init --db {path}` (or `permittui init --demo`)"
        )
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
        raise Refused(
            f"this database requires officer names to be OS accounts: you are"
            f" {store.officer.os_account!r}, not {store.officer.name!r}"
        )
    if background_checkpoint:
        store.start_checkpointer()
    return store


def init_store(
    path: Path, officer: Officer | None = None, *, strict_identity: bool = False, group: str | None = None
) -> Store:
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
    from permittui.store.upgrade import fill_vocabulary

    with store.write():
        store.conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_iso(),))
        # The end-use vocabulary comes with the product (it holds the core red-line categories),
        # so every database has it from the start: requests are checked against it.
        fill_vocabulary(store.conn)
        store.conn.execute("INSERT INTO meta VALUES ('strict_identity', ?)", ("1" if strict_identity else "0",))
        store.audit(
            "init",
            str(path.name),
            {"schema_version": SCHEMA_VERSION, "strict_identity": strict_identity, "group": group},
        )

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
