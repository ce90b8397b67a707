"""The shipped defaults (schedule, reason codes, conditions) and the demo dataset.

Demo dates are written relative to an anchor day (data/demo/demo.yaml); loading shifts them so
the demo always looks current: the same share of requests overdue, due soon, or comfortable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from permittui.domain.clock import today
from permittui.formats.records import Document, load_document
from permittui.paths import data_dir
from permittui.store import imports
from permittui.store.db import Store


def load_defaults(store: Store, root: Path | None = None) -> Iterator[str]:
    root = root or data_dir()
    yield str(imports.import_end_uses(store, root / "end_uses.yaml"))  # before the schedule, which names them
    yield str(imports.import_schedule(store, root / "schedule.yaml"))
    yield str(imports.import_reasons(store, root / "reasons.yaml"))
    yield str(imports.import_conditions(store, root / "conditions.yaml"))


def _shift(doc: Document, days: int, fields: tuple[str, ...]) -> Document:
    for rec in doc.records:
        for f in fields:
            value = rec.data.get(f)
            if isinstance(value, str) and len(value) >= 10:
                try:
                    rec.data[f] = (dt.date.fromisoformat(value[:10]) + dt.timedelta(days=days)).isoformat()
                except ValueError:
                    pass  # left for the validator to report with its line
    return doc


def load_demo(store: Store, root: Path | None = None) -> Iterator[str]:
    root = root or data_dir()
    demo = root / "demo"
    yield from load_defaults(store, root)
    header = _anchor_doc(demo / "demo.yaml")
    anchor = dt.date.fromisoformat(str(header["anchor"]))
    shift = (today() - anchor).days
    from permittui.store.officers import import_officers

    yield import_officers(store, demo / "officers.yaml")  # before the history, which they decided
    yield str(imports.import_customers(store, demo / "customers.yaml"))
    yield str(imports.import_screening(store, demo / "screening.csv"))
    requests_doc = _shift(load_document(demo / "requests.yaml", "requests"), shift, ("submitted", "registered"))
    yield str(imports.import_requests(store, demo / "requests.yaml", requests_doc))
    grants_doc = _shift(load_document(demo / "grants.yaml", "grants"), shift, ("granted", "expires"))
    from permittui.store import seed

    yield seed.seed_grants(store, demo / "grants.yaml", grants_doc)
    history_doc = _shift(load_document(demo / "history.yaml", "decisions"), shift, ("date",))
    yield seed.seed_history(store, demo / "history.yaml", history_doc)


def _anchor_doc(path: Path) -> dict[str, Any]:
    import yaml

    from permittui.formats.records import read_text

    data = yaml.safe_load(read_text(path))
    return data if isinstance(data, dict) else {}
