"""Real SQLite files for the console tests (and test_filter): the shipped defaults plus a few customers and
requests written as YAML and imported through the ordinary import path."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
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
        {
            "id": "REQ-001",
            "kind": "access",
            "end_use_category": "other",
            "customer": "acme",
            "entries": ["AI.C.1.a"],
            "end_use": "Red-team our own networks [bold]now[/bold]",
            "submitted": _day(-40),
        },  # overdue
        {
            "id": "REQ-002",
            "kind": "access",
            "end_use_category": "other",
            "customer": "blue",
            "entries": ["AI.C.2.a"],
            "end_use": "Defensive research",
            "submitted": _day(-85),
        },  # due soon
        {
            "id": "REQ-003",
            "kind": "access",
            "end_use_category": "other",
            "customer": "cobalt",
            "entries": ["AI.S.1.a"],
            "end_use": "Traffic analysis for a city",
            "submitted": _day(-10),
        },
        {
            "id": "REQ-004",
            "kind": "access",
            "end_use_category": "other",
            "customer": "blue",
            "entries": ["AI.A.9.a"],
            "end_use": "Autonomous targeting",
            "submitted": _day(-5),
        },  # red line
        {
            "id": "REQ-005",
            "kind": "release",
            "customer": "cobalt",
            "entries": ["AI.W.1.b"],
            "end_use": "General assistant release",
            "model": "cobalt-7",
            "submitted": _day(-3),
        },
    ]


def _build(folder: Path, name: str, customers_text: str, requests_text: str) -> Path:
    path = folder / name
    store = init_store(path, OFFICER)
    try:
        for _ in load_defaults(store):
            pass
        cfile = folder / f"{name}.customers.yaml"
        cfile.write_text(customers_text)
        imports.import_customers(store, cfile)
        rfile = folder / f"{name}.requests.yaml"
        rfile.write_text(requests_text)
        imports.import_requests(store, rfile)
    finally:
        store.close()
    return path


# Databases already built this session, by what went into them: each build_db copies one (~5 ms)
# instead of building it again (~130 ms). The audit rows of a copy name the template's YAML files.
_templates: dict[tuple, Path] = {}
_template_root: Path | None = None


def _template(name: str, customers_text: str, requests_text: str) -> Path:
    global _template_root
    key = (name, customers_text, requests_text, TODAY)
    if key not in _templates:
        if _template_root is None:
            _template_root = Path(tempfile.mkdtemp(prefix="permittui-console-db-"))
            atexit.register(shutil.rmtree, _template_root, True)
        folder = _template_root / str(len(_templates))
        folder.mkdir()
        _templates[key] = _build(folder, name, customers_text, requests_text)
    return _templates[key]


def build_db(
    tmp_path: Path, requests: list[dict] | None = None, customers: list[dict] | None = None, name: str = "t.db"
) -> Path:
    """A real database file at tmp_path/name, with the YAML it was imported from beside it."""
    os.environ["PERMITTUI_TODAY"] = TODAY
    customers_text = yaml.safe_dump({"customers": customers or CUSTOMERS}, allow_unicode=True)
    items = requests if requests is not None else default_requests()
    # access requests declare an end-use category; a test that doesn't care gets "other"
    items = [{"end_use_category": "other", **r} if r.get("kind") == "access" else r for r in items]
    requests_text = yaml.safe_dump({"requests": items}, allow_unicode=True)
    path = tmp_path / name
    if path.exists():  # init_store refuses an existing database: let it say so
        return _build(tmp_path, name, customers_text, requests_text)
    template = _template(name, customers_text, requests_text)
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{template}{suffix}").exists(), "the template database was not closed cleanly"
    shutil.copyfile(template, path)
    for side in (f"{name}.customers.yaml", f"{name}.requests.yaml"):
        shutil.copyfile(template.parent / side, tmp_path / side)
    return path
