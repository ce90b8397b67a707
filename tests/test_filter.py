"""The console's filter language (design §3): parsing, and what it selects in a real database."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from permittui.domain.filter import Due, parse
from permittui.domain.models import OPEN_STATUSES
from permittui.errors import BadInput


def test_fields_negation_alternatives_and_free_text():
    f = parse(
        'status:pending,referred kind:release customer:"Acme Holdings" cap:ai.c.1 due:<7d flag:red-line !flag:cap acme'
    )
    fields = [(t.field, t.values, t.negate) for t in f.terms]
    assert fields == [
        ("status", ("pending", "referred"), False),
        ("kind", ("release",), False),
        ("customer", ("acme holdings",), False),
        ("cap", ("AI.C.1",), False),
        ("due", ("<7d",), False),
        ("flag", ("redline",), False),
        ("flag", ("cap",), True),
        (None, ("acme",), False),
    ]
    assert f.of("due")[0].due == (Due("<", 7),)
    assert f.statuses() == ("pending", "referred")


def test_code_prefix_keeps_the_sub_paragraph_lower_case():
    assert parse("cap:ai.c.1.A").terms[0].values == ("AI.C.1.a",)


@pytest.mark.parametrize(
    "text,statuses",
    [
        ("", OPEN_STATUSES),
        ("!status:referred", tuple(s for s in OPEN_STATUSES if s != "referred")),
        ("status:closed", ("approved", "approved_with_conditions", "denied", "returned")),
        (
            "status:all !status:denied",
            (
                "pending",
                "info_requested",
                "referred",
                "awaiting_countersign",
                "approved",
                "approved_with_conditions",
                "returned",
            ),
        ),
    ],
)
def test_statuses(text, statuses):
    assert parse(text).statuses() == statuses


@pytest.mark.parametrize(
    "text,bound",
    [
        ("due:<7d", ("<", "2026-06-22")),
        ("due:overdue", ("<", "2026-06-15")),
        ("due:soon", ("<=", "2026-06-22")),
        ("due:>=2026-09-01", (">=", "2026-09-01")),
        ("due:30d", ("<=", "2026-07-15")),
    ],
)
def test_due_bounds(text, bound):
    d = parse(text).terms[0].due[0]
    assert (d.op, d.bound(dt.date(2026, 6, 15))) == bound


@pytest.mark.parametrize(
    "text,message",
    [
        ("status:nonsense", "unknown status"),
        ("kind:weird", "unknown kind"),
        ("flag:shiny", "unknown flag"),
        ("due:soonish", "due:"),
        ("due:<2026-13-01", "not a date"),
        ("colour:red", "unknown field"),
        ('customer:"open', "not closed"),
        ("!", "must come before"),
        ("kind:", "needs a value"),
    ],
)
def test_bad_filters_say_what_is_wrong_in_one_line(text, message):
    with pytest.raises(BadInput) as e:
        parse(text)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_grant_context_accepts_grant_statuses():
    assert parse("status:revoked", "grants").terms[0].values == ("revoked",)
    with pytest.raises(BadInput):
        parse("status:revoked")


def test_hostile_text_is_only_ever_a_value():
    f = parse("[@click=app.quit] customer:'; DROP TABLE requests; --")
    assert [t.field for t in f.terms] == [None, "customer", None, None, None, None]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMITTUI_TODAY", "2026-06-15")
    sys.path.insert(0, str(Path(__file__).parent / "tui"))
    from console_db import OFFICER, build_db  # the console tests' small real database

    from permittui.store.db import open_store

    s = open_store(build_db(tmp_path), OFFICER)
    yield s
    s.close()


@pytest.mark.parametrize(
    "text,ids",
    [
        ("", ["REQ-001", "REQ-002", "REQ-004", "REQ-005", "REQ-003"]),
        ("customer:blue", ["REQ-002", "REQ-004"]),
        ("customer:cobalt kind:release", ["REQ-005"]),
        ("cap:AI.C", ["REQ-001", "REQ-002"]),
        ("!cap:AI.C", ["REQ-004", "REQ-005", "REQ-003"]),
        ("flag:redline", ["REQ-004"]),
        ("due:overdue", ["REQ-001"]),
        ("due:<7d !flag:redline", ["REQ-001", "REQ-002"]),
        ("river", ["REQ-002", "REQ-004"]),
        ("req-00 !blue", ["REQ-001", "REQ-005", "REQ-003"]),
        ("[holdings]", ["REQ-001"]),
        ("status:closed", []),
    ],
)
def test_queue_source_selects(store, text, ids):
    from permittui.store.queue import QueueSource

    src = QueueSource(store, parse(text))
    assert [r.id for r in src.after(None, 50)] == ids
    assert src.count() == len(ids)
