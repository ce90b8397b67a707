"""Between table rows and domain models."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from permittui.domain import models as m

PRIORITY_RANK = {p: i for i, p in enumerate(m.PRIORITIES)}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def entry_row(e: m.ScheduleEntry, version: str) -> dict[str, Any]:
    t = e.threshold
    return {
        "code": e.code,
        "schedule_version": version,
        "category": e.category,
        "title": e.title,
        "description": e.description,
        "metric": t.metric if t else None,
        "operator": t.operator if t else None,
        "value": dumps(t.value) if t else None,
        "unit": t.unit if t else None,
        "trigger": e.trigger,
        "review_window_days": e.review_window_days,
        "allow_list_cap": e.allow_list_cap,
        "countersign": int(e.countersign),
        "validity_days": e.validity_days,
        "red_line_phrases": dumps(list(e.red_line_phrases)),
        "source": e.source,
        "red_line": e.red_line,
    }


def metric_json(d: m.Metric) -> dict[str, Any]:
    return {
        "name": d.name,
        "type": d.type,
        "unit": d.unit,
        "min": d.minimum,
        "max": d.maximum,
        "integer": d.integer,
        "values": list(d.values),
    }


def metric_from_json(d: dict[str, Any]) -> m.Metric:
    return m.Metric(
        d["name"],
        d["type"],
        d["unit"],
        d.get("min"),
        d.get("max"),
        bool(d.get("integer")),
        tuple(d.get("values") or ()),
    )


def entry_from_row(r: sqlite3.Row | dict[str, Any], metrics: dict[str, m.Metric] | None = None) -> m.ScheduleEntry:
    """An entry from its row; `metrics` (the schedule's definitions) are attached to its threshold."""
    threshold = None
    if r["metric"] is not None:
        definition = (metrics or {}).get(r["metric"])
        threshold = m.Threshold(r["metric"], r["operator"], json.loads(r["value"]), r["unit"], definition)
    return m.ScheduleEntry(
        code=r["code"],
        category=r["category"],
        title=r["title"],
        description=r["description"],
        threshold=threshold,
        trigger=r["trigger"],
        review_window_days=r["review_window_days"],
        allow_list_cap=r["allow_list_cap"],
        countersign=bool(r["countersign"]),
        validity_days=r["validity_days"],
        red_line_phrases=tuple(json.loads(r["red_line_phrases"])),
        source=r["source"],
        red_line=r["red_line"],
    )


def customer_row(c: m.Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "aliases": dumps(list(c.aliases)),
        "country": c.country,
        "sector": c.sector,
        "vetting": c.vetting,
        "name_key": c.name.casefold(),
    }


def customer_from_row(r: sqlite3.Row | dict[str, Any]) -> m.Customer:
    return m.Customer(r["id"], r["name"], tuple(json.loads(r["aliases"])), r["country"], r["sector"], r["vetting"])


def evaluations_json(evals: tuple[m.Evaluation, ...]) -> str:
    return dumps(
        [
            {"metric": e.metric, "value": e.value, "unit": e.unit, **({"reported": e.reported} if e.reported else {})}
            for e in evals
        ]
    )


def request_content(r: m.Request) -> dict[str, Any]:
    """The applicant's own fields: what an identical re-import must match."""
    return {
        "id": r.id,
        "kind": r.kind,
        "customer_id": r.customer_id,
        "entries": dumps(list(r.entries)),
        "end_use": r.end_use,
        "model": r.model,
        "evaluations": evaluations_json(r.evaluations),
        "summary": r.summary,
        "submitted": r.submitted,
        "registered": r.registered_on,
        "end_use_category": r.end_use_category,
    }


def request_from_row(r: sqlite3.Row | dict[str, Any]) -> m.Request:
    evals = tuple(
        m.Evaluation(e["metric"], e["value"], e.get("unit"), e.get("reported")) for e in json.loads(r["evaluations"])
    )
    return m.Request(
        id=r["id"],
        kind=r["kind"],
        customer_id=r["customer_id"],
        entries=tuple(json.loads(r["entries"])),
        end_use=r["end_use"],
        submitted=r["submitted"],
        summary=r["summary"],
        model=r["model"],
        evaluations=evals,
        status=r["status"],
        assignee=r["assignee"],
        priority=m.PRIORITIES[r["priority"]],
        registered=r["registered"],
        end_use_category=r["end_use_category"],
    )
