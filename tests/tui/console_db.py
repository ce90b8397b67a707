"""Real SQLite files for the console tests (and test_filter): the shipped defaults plus a few customers and
requests written as YAML and imported through the ordinary import path."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import yaml

from permittui.identity import Officer
from permittui.store import imports
from permittui.store.db import init_store
from permittui.store.demo import load_defaults

TODAY = "2026-06-15"
OFFICER = Officer("alice", "alice")

HOSTILE_NAME = "Acme [Holdings] Ltd [@click=app.quit]x[/] \x1b]52;c;ZXZpbA==\x07 \u202eevil[/x]"

CUSTOMERS = [
    {"id": "acme", "name": HOSTILE_NAME, "country": "GB", "sector": "research", "vetting": "vetted"},
    {"id": "blue", "name": "Blue River Labs", "country": "US", "sector": "lab", "vetting": "vetted"},
    {"id": "cobalt", "name": "Cobalt Security", "country": "DE", "sector": "security", "vetting": "provisional"},
]


def _day(offset: int) -> str:
    return (dt.date.fromisoformat(TODAY) + dt.timedelta(days=offset)).isoformat()


def default_requests() -> list[dict]:
    return [
        {"id": "REQ-001", "kind": "access", "customer": "acme", "entries": ["AI.C.1.a"],
         "end_use": "Red-team our own networks [bold]now[/bold]", "submitted": _day(-40)},   # overdue
        {"id": "REQ-002", "kind": "access", "customer": "blue", "entries": ["AI.C.2.a"],
         "end_use": "Defensive research", "submitted": _day(-85)},                           # due soon
        {"id": "REQ-003", "kind": "access", "customer": "cobalt", "entries": ["AI.S.1.a"],
         "end_use": "Traffic analysis for a city", "submitted": _day(-10)},
        {"id": "REQ-004", "kind": "access", "customer": "blue", "entries": ["AI.A.9.a"],
         "end_use": "Autonomous targeting", "submitted": _day(-5)},                            # red line
        {"id": "REQ-005", "kind": "release", "customer": "cobalt", "entries": ["AI.W.1.b"],
         "end_use": "General assistant release", "model": "cobalt-7", "submitted": _day(-3)},
    ]


def build_db(tmp_path: Path, requests: list[dict] | None = None, customers: list[dict] | None = None,
             name: str = "t.db") -> Path:
    os.environ["PERMITTUI_TODAY"] = TODAY
    path = tmp_path / name
    store = init_store(path, OFFICER)
    try:
        for _ in load_defaults(store):
            pass
        cfile = tmp_path / f"{name}.customers.yaml"
        cfile.write_text(yaml.safe_dump({"customers": customers or CUSTOMERS}, allow_unicode=True))
        imports.import_customers(store, cfile)
        rfile = tmp_path / f"{name}.requests.yaml"
        rfile.write_text(yaml.safe_dump({"requests": requests if requests is not None else default_requests()},
                                        allow_unicode=True))
        imports.import_requests(store, rfile)
    finally:
        store.close()
    return path
