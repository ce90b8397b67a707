"""Filling what a migration adds, for a database made by an older permittui (schema.MIGRATIONS)."""

from __future__ import annotations

import json
import sqlite3

from permittui.domain import core_red_lines, metrics
from permittui.domain.metrics import END_USE_METRIC
from permittui.domain.models import Threshold
from permittui.domain.schedule_file import phrase_key
from permittui.store.rows import dumps, metric_json


def fill_v4(conn: sqlite3.Connection) -> None:
    """Schema 4: the end-use vocabulary as shipped, each schedule's metrics as its thresholds
    imply them, the core red line each prohibited entry carries, and the category a request
    declared the old way (an end_use_category evaluation)."""
    if conn.execute("SELECT COUNT(*) FROM schedules").fetchone()[0] == 0:
        return  # a new database: the defaults bring all of it
    fill_vocabulary(conn)
    categories = tuple(r[0] for r in conn.execute("SELECT code FROM end_uses ORDER BY code"))
    implied: dict[str, object] = {}
    for code, metric, operator, value, unit, trigger, phrases in conn.execute(
        "SELECT code, metric, operator, value, unit, trigger, red_line_phrases FROM schedule_entries"
    ).fetchall():
        if metric is not None:
            t = Threshold(metric, operator, json.loads(value), unit)
            d = metrics.infer(t)
            if metric == END_USE_METRIC:
                d = type(d)(metric, "category", unit, values=categories)
            implied.setdefault(metric, d)
        if trigger == "prohibited":
            line = _carried(metric, json.loads(value) if value else None, json.loads(phrases))
            if line is not None:
                conn.execute("UPDATE schedule_entries SET red_line = ? WHERE code = ?", (line, code))
    conn.execute(
        "UPDATE schedules SET metrics = ?",
        (dumps([metric_json(d) for d in sorted(implied.values(), key=lambda d: d.name)]),),
    )
    for rid, evaluations in conn.execute(
        "SELECT id, evaluations FROM requests WHERE evaluations LIKE '%end_use_category%'"
    ).fetchall():
        items = json.loads(evaluations)
        declared = [e for e in items if e.get("metric") == END_USE_METRIC and isinstance(e.get("value"), str)]
        if declared:
            conn.execute(
                "UPDATE requests SET end_use_category = ?, evaluations = ? WHERE id = ?",
                (
                    metrics.category_key(declared[0]["value"]),
                    dumps([e for e in items if e.get("metric") != END_USE_METRIC]),
                    rid,
                ),
            )


def fill_vocabulary(conn: sqlite3.Connection) -> None:
    """The shipped end-use vocabulary, where the database lacks it."""
    from permittui.domain.schedule_file import end_uses
    from permittui.formats.records import load_document
    from permittui.paths import data_dir

    items, problems = end_uses(load_document(data_dir() / "end_uses.yaml", "end_uses"))
    if problems:
        raise RuntimeError(f"the shipped end-use vocabulary is not valid: {problems[0]}")
    conn.executemany(
        "INSERT OR IGNORE INTO end_uses (code, label, description, red_line) VALUES (?,?,?,?)",
        [(e.code, e.label, e.description, e.red_line) for e in items],
    )


def _carried(metric: str | None, value: object, phrases: list[str]) -> str | None:
    """The core red line a prohibited entry of an older schedule carries, if any."""
    keys = {phrase_key(p) for p in phrases}
    for line in core_red_lines.CORE_RED_LINES:
        if any(metric == m for m, _ in line.evidence):
            return line.id
        if metric == END_USE_METRIC and isinstance(value, list) and set(line.categories) & set(value):
            return line.id
        if {phrase_key(p) for p in line.phrases} <= keys:
            return line.id
    return None
