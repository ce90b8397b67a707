"""The planner of `permittui generate`: the run as a whole, and writing each day in time order."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import sqlite3
from collections.abc import Callable
from hashlib import sha256
from json.encoder import encode_basestring as _jstr  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any

from permittui.domain.clock import now_iso, today
from permittui.identity import Officer
from permittui.store import audit
from permittui.store.db import SCHEMA_VERSION, Store, open_store
from permittui.store.generate.decisions import _DecisionsMixin
from permittui.store.generate.helpers import _CS, _DEC, _INTAKE, _REG, _esc
from permittui.store.generate.progress import _Progress
from permittui.store.generate.requests import _RequestsMixin
from permittui.store.generate.setup import _SetupMixin
from permittui.store.generate.vocab import BULK_TABLES, OFFICERS, SPAN_DAYS
from permittui.store.generate.writer import _remove, _Sink, _Writer
from permittui.store.rows import dumps
from permittui.store.schema import OPEN_ENTRIES_FILL


class _Backdated(Store):
    """The normal import path, with its audit rows dated at the start of the generated history."""

    def __init__(self, store: Store, clock: Callable[[], str]) -> None:
        super().__init__(store.conn, store.path, store.officer, read_only=False)
        self.lock = store.lock
        self._clock = clock

    def audit(self, action: str, subject: str, payload: dict[str, Any], at: str | None = None) -> int:
        return super().audit(action, subject, payload, at or self._clock())


class _Generator(_SetupMixin, _RequestsMixin, _DecisionsMixin):
    """Plans the rows (setup, requests and decisions come from the mixins) and hands them to the writer."""

    def __init__(
        self, path: Path, name: str, n: int, seed: int, officer: Officer, progress: _Progress, writer_process: bool
    ) -> None:
        self.path, self.name, self.n, self.seed, self.officer = path, name, n, seed, officer
        self.progress, self.writer_process = progress, writer_process
        self.rng = random.Random(seed)
        self.today = today()
        self.today_ord = self.today.toordinal()
        self.last_day = self.today_ord - 1  # nothing is dated today: it is all history
        self.first_day = self.last_day - SPAN_DAYS + 1
        self.base_ord = self.first_day - 1200
        self._days = [dt.date.fromordinal(o).isoformat() for o in range(self.base_ord, self.today_ord + 1600)]
        self._times = [
            f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{(s * 7919) % 1000000:06d}Z" for s in range(86400)
        ]
        self.os_account = officer.os_account
        self.os_j = _jstr(self.os_account)
        self.counts = {"decisions": 0, "grants": 0, "audit": 0, "open": 0, "customers": 0}
        self.sink: _Sink | None = None
        self.side: _Writer | None = None
        self.side_path = path.with_name(path.name + ".requests")
        _remove(self.side_path)
        self.store: Store | None = open_store(path, officer, create=True)

    def day(self, ordinal: int) -> str:
        i = ordinal - self.base_ord
        if 0 <= i < len(self._days):
            return self._days[i]
        return dt.date.fromordinal(ordinal).isoformat()

    def stamp(self, ordinal: int, secs: int) -> str:
        return self.day(ordinal) + self._times[secs]

    def abort(self) -> None:
        if self.sink is not None:
            self.sink.abort()
        if self.side is not None:
            self.side.abort()
        if self.store is not None:
            self.store.close()
        _remove(self.side_path)

    # ── the whole run ──
    def run(self) -> dict[str, int]:
        store = self.store
        assert store is not None
        clock = self._setup_clock()
        self.backdated = _Backdated(store, clock)
        with self.backdated.write() as conn:  # what init_store writes, dated at the start
            conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_iso(),))
            conn.execute("INSERT INTO meta VALUES ('strict_identity', '0')")
            self.backdated.audit(
                "init", self.name, {"schema_version": SCHEMA_VERSION, "strict_identity": False, "group": None}
            )
        from permittui.store.demo import load_defaults

        for _ in load_defaults(self.backdated):
            pass
        self._load_rules()
        self._customers()
        self._screening()
        self._legacy_grants()
        self.seq, self.prev_hash = audit.head(store.conn)
        # Requests and their entries go to a side file that this process writes and indexes itself
        # (while the writer indexes the rest); a transfer (INSERT ... SELECT *, which copies table
        # and index b-trees as they are) brings them over at the end.
        side_tables = ("requests",)
        schema = store.conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        dropped = [
            (name, sql)
            for kind, name, table, sql in schema
            if kind == "index" and table in BULK_TABLES and table not in side_tables
        ]
        for name, _ in dropped:  # rebuilt after the load, from their own schema SQL
            store.conn.execute(f'DROP INDEX "{name}"')
        store.close()  # the writer has the file to itself until the load is done
        self.store = None
        self.sink = _Sink(self.path, self.writer_process, self)  # (forks before the side file opens)
        self.side = _Writer(str(self.side_path), None)
        for kind, _name, table, sql in schema:
            if kind == "table" and table in side_tables:
                self.side.db.execute(sql)
        side_indexes = [sql for kind, name, table, sql in schema if kind == "index" and table in side_tables]
        self._requests()
        self.progress.phase("building indexes ...")
        for _, sql in dropped:
            self.sink.execute(sql)
        self.sink.flush()
        self._fix_flags()  # on the side file, while the writer builds its indexes
        for sql in side_indexes:
            self.side.db.execute(sql)
        self.side.finish()
        self.side = None
        self.sink.close()
        self.sink = None
        self.progress.phase("joining the files ...")
        with contextlib.closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF"):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("ATTACH DATABASE ? AS side", (str(self.side_path),))
            conn.execute("BEGIN")
            # SQLite copies b-trees as they are only into a table without triggers: the triggers
            # that keep open_entries are dropped for the transfer, and the table filled at once.
            triggers = [(name, sql) for kind, name, table, sql in schema if kind == "trigger" and table in side_tables]
            for name, _ in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            for table in side_tables:
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
            conn.execute(OPEN_ENTRIES_FILL)
            for _, sql in triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE side")
        _remove(self.side_path)
        self.progress.done()

        # Back to the normal settings (WAL, synchronous FULL, foreign keys) for the last word.
        self.store = store = open_store(self.path, self.officer)
        with store.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('generated', ?)",
                (dumps({"requests": self.n, "seed": self.seed, "at": now_iso()}),),
            )
            store.audit(
                "generate",
                self.name,
                {
                    "requests": self.n,
                    "seed": self.seed,
                    "customers": self.counts["customers"],
                    "decisions": self.counts["decisions"],
                    "grants": self.counts["grants"],
                },
            )
        self.counts["audit"] = audit.head(store.conn)[0]
        store.close()
        self.store = None
        return self.counts

    def _setup_clock(self) -> Callable[[], str]:
        state = [8 * 3600]
        start = self.first_day - 1

        def clock() -> str:
            state[0] = min(state[0] + 7, 86399)
            return self.stamp(start, state[0])

        return clock

    # ── writing a day, in time order ──
    def _flush_day(self, day: int) -> None:
        """Number the day's decisions in time order and apply approvals to the allow-lists; the
        rows themselves are made by _expand_stream (in the writer)."""
        i = day - self.first_day
        bucket = self.buckets[i]
        if not bucket:
            return
        self.buckets[i] = None
        bucket.sort()  # by time of day, then the order planned (ties are unique)
        stream, changes = self.sink.stream, self.change_rows
        intake: list[str] = []
        for secs, _, item in bucket:
            if item[0] == _REG:
                stream.append((_REG, day, secs, item[1]))
                intake.append(item[1])
                continue
            if intake and secs >= 43199:  # the morning's intake, logged at noon
                stream.append((_INTAKE, day, len(intake), intake[:20]))
                intake = []
            kind, link, grant = item[0], item[15], item[14]
            did = self.next_decision
            self.next_decision += 1
            acts_on = link[0] if kind == _CS else None
            if kind == _DEC and link is not None:
                link[0] = did
            grants_j = (
                "[]" if grant is None else self._apply_grants(grant, acts_on if kind == _CS else did, day, changes)
            )
            stream.append((kind, day, secs, item[1:14], did, acts_on, grants_j))
        if intake:
            stream.append((_INTAKE, day, len(intake), intake[:20]))
        self.counts["decisions"] = self.next_decision - 1

    def _expand_stream(self, records: list[tuple]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The rows of a stretch of the days' stream: clock events, decisions as decisions.decide
        writes them, and their audit rows on the hash chain (as audit.append would)."""
        events: list[tuple] = []
        decisions: list[tuple] = []
        audit_rows: list[tuple] = []
        days, base, times = self._days, self.base_ord, self._times
        os_account, os_j, sv = self.os_account, self.os_j, self.schedule_version
        j, officer_j, mids, tails, escaped = self._j, self.officer_j, self._mid_cache, self._tail_cache, self._esc_cache
        seq, prev = self.seq, self.prev_hash
        registered_day, registered = -1, ""
        for rec in records:
            kind, day = rec[0], rec[1]
            day_s = days[day - base]
            if kind == _REG:
                if day != registered_day:
                    registered_day, registered = day, json.dumps({"registered": day_s, "status": "pending"})
                events.append((rec[3], day_s + times[rec[2]], "registered", registered))
                continue
            if kind == _INTAKE:
                at, officer, officer_js = f"{day_s}T11:59:59.000000Z", self.officer.name, _jstr(self.officer.name)
                action, subject = "import.requests", f"intake-{day_s}.yaml"
                payload = audit.canonical({"file": subject, "added": rec[2], "changed": 0, "ids": rec[3]})
                payload_j = _jstr(payload)
            else:
                _, _, secs, item, did, acts_on, grants_j = rec
                (
                    rid,
                    outcome,
                    reasons_j,
                    conds_j,
                    (note, note_j),
                    officer_i,
                    before,
                    after,
                    version,
                    inspector,
                    referral_due,
                    override,
                    why_j,
                ) = item
                at = day_s + times[secs]
                officer, officer_js, subject = OFFICERS[officer_i], officer_j[officer_i], rid
                decisions.append(
                    (
                        did,
                        rid,
                        outcome,
                        reasons_j,
                        conds_j,
                        note,
                        officer,
                        os_account,
                        at,
                        sv,
                        version,
                        before,
                        after,
                        acts_on,
                        inspector,
                        referral_due,
                        override,
                    )
                )
                # The decision record in audit.canonical's form (keys sorted, strings as json.dumps
                # writes them), its unchanging stretches kept from one decision to the next; and the
                # same text escaped as a JSON string, for the hash (no need to escape it again).
                mid = mids.get((inspector, note_j, officer_i, outcome, override, reasons_j))
                if mid is None:
                    text = (
                        f'"inspector":{"null" if inspector is None else j(inspector)},"note":{note_j},'
                        f'"officer":{officer_js},"os_account":{os_j},"outcome":"{outcome}",'
                        f'"override":{override},"reasons":{j(reasons_j)}'
                    )
                    mid = mids[(inspector, note_j, officer_i, outcome, override, reasons_j)] = (text, _esc(text))
                tail = tails.get((after, before, why_j, kind))
                if tail is None:
                    text = f'"schedule_version":{self.sv_j},"status_after":"{after}","status_before":"{before}"' + (
                        "}" if kind == _CS else f',"why_countersign":{why_j}}}'
                    )
                    tail = tails[(after, before, why_j, kind)] = (text, _esc(text))
                conds = escaped.get(conds_j)
                if conds is None:
                    conds = escaped[conds_j] = (j(conds_j), _esc(j(conds_j)))
                acts = "null" if acts_on is None else acts_on
                rd = "null" if referral_due is None else f'"{referral_due}"'
                payload = (
                    f'{{"acts_on":{acts},"conditions":{conds[0]},"decided_at":"{at}","grants":{grants_j},'
                    f'"id":{did},{mid[0]},"referral_due":{rd},"request_id":"{rid}",'
                    f'"request_version":{version},{tail[0]}'
                )
                payload_j = (
                    f'"{{\\"acts_on\\":{acts},\\"conditions\\":{conds[1]},\\"decided_at\\":\\"{at}\\",'
                    f'\\"grants\\":{grants_j if grants_j == "[]" else _esc(grants_j)},\\"id\\":{did},{mid[1]},'
                    f'\\"referral_due\\":{"null" if referral_due is None else _esc(rd)},'
                    f'\\"request_id\\":\\"{rid}\\",\\"request_version\\":{version},{tail[1]}"'
                )
                if kind == _CS:
                    action = "countersign"
                    events.append((rid, at, "countersign", f'{{"status":"{after}","day":"{day_s}","decision":{did}}}'))
                else:
                    action = "decision"
                    events.append(
                        (
                            rid,
                            at,
                            "decision",
                            f'{{"status":"{after}","day":"{day_s}","decision":{did},"outcome":"{outcome}"}}',
                        )
                    )
            # audit.row_hash, with the canonical body assembled directly (action, time and subject
            # need no escaping: they are ASCII letters, digits and punctuation).
            seq += 1
            body = (
                f'{{"action":"{action}","at":"{at}","officer":{officer_js},"os_account":{os_j},'
                f'"payload":{payload_j},"seq":{seq},"subject":"{subject}"}}'
            )
            digest = sha256(f"{prev}\n{body}".encode()).hexdigest()
            audit_rows.append((seq, at, officer, os_account, action, subject, payload, prev, digest))
            prev = digest
        self.seq, self.prev_hash = seq, prev
        return events, decisions, audit_rows

    def _expand_grants(self, records: list[tuple]) -> tuple[list[tuple], list[tuple]]:
        """Rows of grants made, and updates of grants extended (decisions._write_grants' UPDATE)."""
        day, ids, end_use = self.day, self.cust_ids, self._end_use
        new, changed = [], []
        for rec in records:
            if len(rec) == 8:
                gid, ci, code, tkey, granted, expires, conds, decision = rec
                new.append((gid, ids[ci], code, end_use(ci, tkey)[1], conds, day(granted), day(expires), decision))
            else:
                gid, expires, conds, decision = rec
                changed.append((conds, day(expires), decision, gid))
        return new, changed
