"""Imports: each file is validated whole, then written in one transaction, or not at all.

Re-importing the same file changes nothing (no rows, no audit entry).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from permittui.domain import schedule_file, validate
from permittui.domain.clock import now_iso
from permittui.domain.models import EndUse, Request
from permittui.domain.screening import MAX_INDEX_ENTRIES, index_entries
from permittui.domain.screening_names import normalise
from permittui.errors import InvalidFile, Problem
from permittui.formats import csl
from permittui.formats.records import Document, Record, load_document, stream_records
from permittui.store import derive
from permittui.store.db import Store
from permittui.store.rows import PRIORITY_RANK, customer_row, dumps, entry_row, metric_json, request_content


@dataclass
class ImportResult:
    kind: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.kind}: {self.added} added, {self.changed} changed, {self.unchanged} unchanged"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:  # in pieces: a 64 MB import file is not held twice
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _upsert(
    conn: sqlite3.Connection,
    table: str,
    rows: list[dict[str, Any]],
    result: ImportResult,
    existing: dict[str, dict[str, Any]],
    key: str,
) -> list[str]:
    """Insert new rows and update changed ones; returns the keys written."""
    written = []
    for row in rows:
        old = existing.get(row[key])
        if old is None:
            cols = ", ".join(row)
            conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
            result.added += 1
        elif any(old.get(k) != v for k, v in row.items()):
            sets = ", ".join(f"{k} = ?" for k in row if k != key)
            conn.execute(
                f"UPDATE {table} SET {sets} WHERE {key} = ?", [v for k, v in row.items() if k != key] + [row[key]]
            )
            result.changed += 1
        else:
            result.unchanged += 1
            continue
        written.append(row[key])
    return written


def _audit_import(
    store: Store, kind: str, path: Path, result: ImportResult, extra: dict[str, Any] | None = None
) -> None:
    if result.added or result.changed:
        store.audit(
            f"import.{kind}",
            path.name,
            {
                "file": str(path),
                "sha256": _sha256(path),
                "added": result.added,
                "changed": result.changed,
                **(extra or {}),
            },
        )


# ── schedule, reasons, conditions ────────────────────────────────────────────────────────


def import_schedule(store: Store, path: Path) -> ImportResult:
    doc = load_document(path, "entries")
    metrics_doc = load_document(path, "metrics") if "metrics" in doc.header else None
    with store.lock:
        categories = tuple(r[0] for r in store.conn.execute("SELECT code FROM end_uses ORDER BY code"))
    schedule, problems = schedule_file.schedule(doc, metrics_doc, categories)
    if problems or schedule is None:
        raise InvalidFile(problems)
    result = ImportResult("schedule")
    metrics_text = dumps([metric_json(d) for d in schedule.metrics])
    with store.write() as conn:
        conn.execute(
            "INSERT INTO schedules (version, id, status, effective_from, notes, imported_at, metrics)"
            " VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT(version) DO UPDATE SET status = excluded.status, effective_from = excluded.effective_from,"
            " notes = excluded.notes, metrics = excluded.metrics WHERE status != excluded.status"
            " OR notes != excluded.notes OR effective_from IS NOT excluded.effective_from"
            " OR metrics != excluded.metrics",
            (
                schedule.version,
                schedule.id,
                schedule.status,
                schedule.effective_from,
                dumps(list(schedule.notes)),
                now_iso(),
                metrics_text,
            ),
        )
        metrics_changed = conn.execute("SELECT changes()").fetchone()[0] > 0
        columns = list(entry_row(schedule.entries[0], schedule.version))
        existing = {
            r[0]: dict(zip(columns, r, strict=True))
            for r in conn.execute(f"SELECT {', '.join(columns)} FROM schedule_entries")
        }
        rows = [entry_row(e, schedule.version) for e in schedule.entries]
        _upsert(conn, "schedule_entries", rows, result, existing, "code")
        dropped = sorted(set(existing) - {e.code for e in schedule.entries})
        if dropped:
            used = [
                c
                for c in dropped
                if conn.execute("SELECT 1 FROM request_entries WHERE code = ? LIMIT 1", (c,)).fetchone()
            ]
            if used:
                raise InvalidFile(
                    [
                        Problem(
                            str(path),
                            None,
                            "entries",
                            f"entries {', '.join(used)} are missing but requests name them;"
                            " keep them (a schedule may change their trigger, not drop them)",
                        )
                    ]
                )
            conn.executemany("DELETE FROM schedule_entries WHERE code = ?", [(c,) for c in dropped])
            result.changed += len(dropped)
        if result.added or result.changed or metrics_changed:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schedule_version', ?)", (schedule.version,))
            if not (result.added or result.changed):
                result.changed = 1  # the metric definitions alone changed
            _audit_import(
                store,
                "schedule",
                path,
                result,
                {"version": schedule.version, "removed": dropped, "metrics": json.loads(metrics_text)},
            )
            # the metric definitions are part of the parsed schedule too (derive.load_entries)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schedule_revision', lower(hex(randomblob(8))))")
            derive.refresh(conn)
    return result


def import_end_uses(store: Store, path: Path) -> ImportResult:
    """The end-use vocabulary; a code may be added or relabelled, never removed while requests declare it."""
    doc = load_document(path, "end_uses")
    items, problems = schedule_file.end_uses(doc)
    if problems:
        raise InvalidFile(problems)
    result = ImportResult("end_uses")
    columns = ["code", "label", "description", "red_line"]
    with store.write() as conn:
        existing = {
            r[0]: dict(zip(columns, r, strict=True)) for r in conn.execute(f"SELECT {', '.join(columns)} FROM end_uses")
        }
        _upsert(conn, "end_uses", [{c: getattr(i, c) for c in columns} for i in items], result, existing, "code")
        dropped = sorted(set(existing) - {i.code for i in items})
        used = [
            c
            for c in dropped
            if conn.execute("SELECT 1 FROM requests WHERE end_use_category = ? LIMIT 1", (c,)).fetchone()
        ]
        if used:
            raise InvalidFile(
                [Problem(str(path), None, "end_uses", f"{', '.join(used)} missing but requests declare them")]
            )
        conn.executemany("DELETE FROM end_uses WHERE code = ?", [(c,) for c in dropped])
        result.changed += len(dropped)
        _audit_import(store, "end_uses", path, result, {"removed": dropped})
    return result


def _simple_table(store: Store, path: Path, kind: str, columns: list[str], parse) -> ImportResult:
    doc = load_document(path, kind)
    items, problems = parse(doc)
    if problems:
        raise InvalidFile(problems)
    result = ImportResult(kind)
    with store.write() as conn:
        existing = {
            r[0]: dict(zip(columns, r, strict=False)) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {kind}")
        }
        rows = []
        for item in items:
            row = {c: getattr(item, c) for c in columns}
            rows.append({k: dumps(list(v)) if isinstance(v, tuple) else v for k, v in row.items()})
        _upsert(conn, kind, rows, result, existing, "code")
        _audit_import(store, kind, path, result)
    return result


def import_reasons(store: Store, path: Path) -> ImportResult:
    return _simple_table(store, path, "reasons", ["code", "label", "applies_to"], validate.reasons)


def import_conditions(store: Store, path: Path) -> ImportResult:
    return _simple_table(store, path, "conditions", ["code", "text"], validate.conditions)


# ── customers ────────────────────────────────────────────────────────────────────────────


CUSTOMER_BATCH = 500  # records validated and written at a time; also the most ids in one IN (...)
MAX_PROBLEMS = 100  # problems kept to report; the rest are counted


def import_customers(store: Store, path: Path, doc: Document | None = None) -> ImportResult:
    """Streamed: records are read, validated and written a batch at a time inside one
    transaction, rolled back if any record has a problem, so half a million customers import
    in bounded memory and a bad file still imports nothing."""
    records: Iterable[Record] = doc.records if doc is not None else stream_records(path, "customers")
    name = doc.path if doc is not None else str(path)
    result = ImportResult("customers")
    columns = ["id", "name", "aliases", "country", "sector", "vetting", "name_key"]
    kept: list[Problem] = []
    total = 0
    first_line: dict[str, int] = {}  # every id so far: duplicates across batches
    written: list[str] = []
    with store.write() as conn:
        for batch in _batches(records, CUSTOMER_BATCH):
            items, problems = validate.customers(Document(name, {}, {}, batch))
            for c, rec in zip(items, batch, strict=True):
                if c.id in first_line and not any(p.line == rec.line_of("id") for p in problems):
                    problems.append(
                        Problem(
                            name, rec.line_of("id"), "id", f"duplicate id {c.id!r} (first on line {first_line[c.id]})"
                        )
                    )
            for c, rec in zip(items, batch, strict=True):
                first_line.setdefault(c.id, rec.line_of("id"))
            total += len(problems)
            kept += problems[: MAX_PROBLEMS - len(kept)]
            if total:
                continue  # read on, to report every problem of the file; nothing is written
            ids = [c.id for c in items]
            existing = {
                r[0]: dict(zip(columns, r, strict=True))
                for r in conn.execute(
                    f"SELECT {', '.join(columns)} FROM customers WHERE id IN ({','.join('?' * len(ids))})", ids
                )
            }
            written += _upsert(conn, "customers", [customer_row(c) for c in items], result, existing, "id")
        if total:
            raise InvalidFile(kept, total)
        if written:
            _audit_import(store, "customers", path, result)
            from permittui.store import screening  # rescreen only the parties that changed

            screening.rescreen_customers(store, written)
            request_ids: list[str] = []
            for chunk in _batches(written, CUSTOMER_BATCH):
                request_ids += [
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM requests WHERE customer_id IN ({','.join('?' * len(chunk))})", chunk
                    )
                ]
            derive.refresh(conn, request_ids)
    return result


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ── requests ─────────────────────────────────────────────────────────────────────────────


def import_requests(store: Store, path: Path, doc: Document | None = None) -> ImportResult:
    doc = doc or load_document(path, "requests")
    conn = store.conn
    with store.lock:
        codes = {r[0] for r in conn.execute("SELECT code FROM schedule_entries")}
        customers = {r[0] for r in conn.execute("SELECT id FROM customers")}
        defined = derive.load_metrics(conn)
        vocabulary = {r[0]: EndUse(*r) for r in conn.execute("SELECT code, label, description, red_line FROM end_uses")}
    items, problems = validate.requests(doc, codes, customers, defined, vocabulary)
    if problems:
        raise InvalidFile(problems)
    result = ImportResult("requests")
    new: list[Request] = []
    with store.write() as conn:
        columns = list(request_content(items[0])) if items else []
        for item, rec in zip(items, doc.records, strict=False):
            row = conn.execute(f"SELECT {', '.join(columns)} FROM requests WHERE id = ?", (item.id,)).fetchone()
            if row is None:
                new.append(item)
            elif dict(zip(columns, row, strict=False)) == request_content(item):
                result.unchanged += 1
            else:
                problems.append(
                    Problem(
                        doc.path,
                        rec.line_of("id"),
                        "id",
                        f"request {item.id!r} is already registered with different content;"
                        " a changed application is a new request",
                    )
                )
        if problems:
            raise InvalidFile(problems)
        insert_requests(conn, new)
        result.added = len(new)
        _audit_import(store, "requests", path, result, {"ids": [r.id for r in new][:1000]})
    return result


def insert_requests(conn: sqlite3.Connection, items: list[Request], at: str | None = None) -> None:
    """Register new requests with their clock event and derived queue state."""
    at = at or now_iso()
    for r in items:
        row = request_content(r)
        row.update(
            status=r.status,
            assignee=r.assignee,
            priority=PRIORITY_RANK[r.priority],
            version=1,
            due=r.registered_on,
            flags=0,
            paused_since=r.registered_on if r.status == "info_requested" else None,
            paused_days=0,
            updated_at=at,
        )
        conn.execute(
            f"INSERT INTO requests ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )
        conn.executemany(
            "INSERT OR IGNORE INTO request_entries (request_id, code) VALUES (?, ?)", [(r.id, c) for c in r.entries]
        )
        conn.execute(
            "INSERT INTO request_events (request_id, at, event, detail) VALUES (?, ?, 'registered', ?)",
            (r.id, at, json.dumps({"registered": r.registered_on, "status": r.status})),
        )
    derive.refresh(conn, [r.id for r in items])


# ── screening list ───────────────────────────────────────────────────────────────────────


def import_screening(store: Store, path: Path, *, replace_all: bool = False) -> ImportResult:
    """A full list replaces the last one. A list with no rows, or one that would delist more
    than half of the entries in force, is refused unless replace_all: a truncated download or
    the wrong file must not silently empty the register."""
    parties = csl.read_list(path)
    names = {p.id: [(n, normalise(n)) for n in dict.fromkeys((p.name, *p.alt_names))] for p in parties}
    entries = index_entries(norm for listed in names.values() for _, norm in listed)
    if entries > MAX_INDEX_ENTRIES:
        raise InvalidFile(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"the list's names hold too many distinct words to screen against ({entries} index entries,"
                    f" at most {MAX_INDEX_ENTRIES})",
                )
            ]
        )
    result = ImportResult("screening")
    at = now_iso()
    with store.write() as conn:
        in_force = {r[0] for r in conn.execute("SELECT id FROM screening_entries WHERE delisted IS NULL")}
        newly_gone = sorted(in_force - {p.id for p in parties})
        if not replace_all:
            why = None
            if not parties:
                why = f"the list has no rows: importing it would delist all {len(in_force)} entries in force"
            elif len(newly_gone) * 2 > len(in_force):
                why = (
                    f"the list would delist {len(newly_gone)} of the {len(in_force)} entries in force, more than"
                    " half (a truncated or wrong file?)"
                )
            if why:
                raise InvalidFile([Problem(str(path), None, "", f"{why}; give --replace-all if that is meant")])
        existing = {r[0]: r[1] for r in conn.execute("SELECT id, content_hash FROM screening_entries")}
        for p in parties:
            digest = p.content_hash
            old = existing.get(p.id)
            if old == digest:
                result.unchanged += 1
                conn.execute(
                    "UPDATE screening_entries SET delisted = NULL WHERE id = ? AND delisted IS NOT NULL", (p.id,)
                )
                continue
            values = (
                p.source,
                p.entity_number,
                p.type,
                p.programs,
                p.name,
                dumps(list(p.alt_names)),
                dumps(list(p.countries)),
                p.license_policy,
                p.remarks,
                p.raw,
                digest,
            )
            if old is None:
                conn.execute(
                    "INSERT INTO screening_entries (id, source, entity_number, type, programs, name,"
                    " alt_names, countries, license_policy, remarks, raw, content_hash, first_seen, last_seen)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (p.id, *values, at, at),
                )
                result.added += 1
            else:
                conn.execute(
                    "UPDATE screening_entries SET source=?, entity_number=?, type=?, programs=?, name=?,"
                    " alt_names=?, countries=?, license_policy=?, remarks=?, raw=?, content_hash=?,"
                    " last_seen=?, delisted=NULL WHERE id = ?",
                    (*values, at, p.id),
                )
                conn.execute("DELETE FROM screening_names WHERE entry_id = ?", (p.id,))
                result.changed += 1
            conn.executemany(
                "INSERT INTO screening_names (entry_id, name, norm) VALUES (?, ?, ?)",
                [(p.id, n, norm) for n, norm in names[p.id]],
            )
        # The list has no deltas: an entry missing from a new full list has been delisted.
        conn.executemany("UPDATE screening_entries SET delisted = ? WHERE id = ?", [(at, g) for g in newly_gone])
        result.changed += len(newly_gone)
        if result.added or result.changed:
            _audit_import(store, "screening", path, result, {"delisted": newly_gone[:1000]})
            from permittui.store import screening

            screening.rescreen_all(store)
            derive.refresh(conn)
    return result
