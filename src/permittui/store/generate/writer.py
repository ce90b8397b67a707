"""Writing the rows of `permittui generate`: directly, or from a second (forked) process; the
bulk-insert SQL and the removal of a half-built file."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from permittui.store.generate.planner import _Generator


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


class _Writer:
    """Its own connection to the new file, journal off, one transaction for the whole load. Besides
    plain rows it takes the day streams and the grant records, which `expander` (the generator, in
    the child a copy of it as it was when the load began) turns into rows."""

    def __init__(self, path: str, expander: _Generator | None) -> None:
        self.expander = expander
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",
            "cache_size = -65536",
            "temp_store = MEMORY",
            "threads = 2",
            "locking_mode = EXCLUSIVE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")

    def handle(self, message: list[tuple[str, Any, Any]]) -> None:
        db = self.db
        for op, a, b in message:
            if op == "many":
                db.executemany(a, b)
            elif op == "one":
                db.execute(a, b)
            elif op == "stream":
                events, decisions, audit_rows = self.expander._expand_stream(a)
                db.executemany(EVENT_SQL, events)
                db.executemany(DECISION_SQL, decisions)
                db.executemany(AUDIT_SQL, audit_rows)
            elif op == "grants":
                new, changed = self.expander._expand_grants(a)
                db.executemany(GRANT_SQL, new)
                db.executemany(GRANT_UPDATE_SQL, changed)

    def finish(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()

    def abort(self) -> None:
        self.db.close()


def _writer_process(path: str, conn: Any, expander: _Generator) -> None:
    """The child: a thread drains the pipe (so the parent never waits on SQLite) while the main
    thread expands and executes; the queue between them is bounded, and so is memory."""
    import pickle
    import queue
    import threading
    import traceback

    gc.disable()
    try:
        writer = _Writer(path, expander)
        inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=8)

        def pump() -> None:
            try:
                while True:
                    data = conn.recv_bytes()
                    inbox.put(data)
                    if not data:
                        return
            except (EOFError, OSError):
                inbox.put(None)

        threading.Thread(target=pump, daemon=True).start()
        while True:
            data = inbox.get()
            if data is None:
                raise RuntimeError("the generating process went away")
            if not data:
                break
            writer.handle(pickle.loads(data))
        writer.finish()
        conn.send(("ok", ""))
    except BaseException:
        try:
            conn.send(("error", traceback.format_exc()))
        except Exception:
            pass


class _Sink:
    """Rows and records buffered per kind and sent in batches to the writer: in a child process
    (forked when the load begins) for big runs, else directly."""

    FLUSH_ROWS = 20_000

    def __init__(self, path: Path, use_process: bool, expander: _Generator) -> None:
        self.tables: dict[str, tuple[str, list[tuple]]] = {}
        self.stream: list[tuple] = []  # the days' registrations and decisions, in time order
        self.grant_records: list[tuple] = expander.grant_ops  # grants made and extended, in order
        self.proc = None
        self.writer: _Writer | None = None
        if use_process:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=True)
            self.proc = ctx.Process(
                target=_writer_process, args=(str(path), child, expander), daemon=True, name="permittui-generate-writer"
            )
            self.proc.start()
            child.close()
        else:
            self.writer = _Writer(str(path), expander)

    def rows(self, table: str, sql: str) -> list[tuple]:
        """The buffer to append rows of `table` to (the same list for the whole run)."""
        if table not in self.tables:
            self.tables[table] = (sql, [])
        return self.tables[table][1]

    def pending(self) -> int:
        return sum(len(rows) for _, rows in self.tables.values()) + 3 * len(self.stream) + len(self.grant_records)

    def flush(self) -> None:
        message: list[tuple[str, Any, Any]] = [("many", sql, rows[:]) for sql, rows in self.tables.values() if rows]
        if self.stream:
            message.append(("stream", self.stream[:], None))
        if self.grant_records:
            message.append(("grants", self.grant_records[:], None))
        for _, rows in self.tables.values():
            rows.clear()
        self.stream.clear()
        self.grant_records.clear()
        if message:
            self._send(message)

    def execute(self, sql: str, args: tuple | list = ()) -> None:
        self.flush()
        self._send([("many" if isinstance(args, list) else "one", sql, args)])

    def _send(self, message: list[tuple[str, Any, Any]]) -> None:
        if self.writer is not None:
            self.writer.handle(message)
            return
        import pickle

        try:
            self.conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, EOFError, OSError):
            self._fail()

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.finish()
            self.writer = None
            return
        try:
            self.conn.send_bytes(b"")
            status, detail = self.conn.recv()
        except (BrokenPipeError, EOFError, OSError):
            self._fail()
        self.proc.join()
        self.proc = None
        if status != "ok":
            raise RuntimeError(f"the writer process failed:\n{detail}")

    def _fail(self) -> None:
        detail = ""
        try:
            if self.conn.poll(5):
                detail = self.conn.recv()[1]
        except Exception:
            pass
        raise RuntimeError(f"the writer process failed{':' + chr(10) + detail if detail else ''}")

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
            self.proc = None


REQ_SQL = (
    "INSERT INTO requests (id, kind, customer_id, entries, end_use, model, evaluations, summary, submitted,"
    " registered, status, assignee, priority, version, due, flags, paused_since, paused_days, updated_at,"
    " end_use_category) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
ENTRY_SQL = "INSERT OR IGNORE INTO request_entries (request_id, code) VALUES (?, ?)"
EVENT_SQL = "INSERT INTO request_events (request_id, at, event, detail) VALUES (?,?,?,?)"
DECISION_SQL = (
    "INSERT INTO decisions (id, request_id, outcome, reasons, conditions, note, officer, os_account,"
    " decided_at, schedule_version, request_version, status_before, status_after, acts_on, inspector,"
    " referral_due, override) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
AUDIT_SQL = (
    "INSERT INTO audit (seq, at, officer, os_account, action, subject, payload, prev_hash, hash)"
    " VALUES (?,?,?,?,?,?,?,?,?)"
)
CHANGE_SQL = "INSERT INTO grant_changes (decision_id, grant_id, before) VALUES (?,?,?)"
GRANT_SQL = (
    "INSERT INTO grants (id, customer_id, code, end_use, conditions, granted, expires, status, decision_id)"
    " VALUES (?,?,?,?,?,?,?, 'active', ?)"
)
GRANT_UPDATE_SQL = "UPDATE grants SET conditions = ?, expires = ?, decision_id = ? WHERE id = ?"
