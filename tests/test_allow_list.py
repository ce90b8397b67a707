"""Allow-lists: the grant a customer already holds and its expiry, cap usage (148/150), approving past
a cap only as a countersigned override, expired grants, renewals that extend, suspended customers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support import CORE_RED_LINE_ENTRIES, stores_on

from permittui.cli.show import show
from permittui.domain import flags
from permittui.errors import Refused
from permittui.formats.records import load_document
from permittui.identity import Officer
from permittui.paths import data_dir
from permittui.store import decisions, imports, seed
from permittui.store.db import Store, init_store
from permittui.store.findings import findings_for

SCHEDULE = (
    """\
schedule: {id: test-schedule, version: t1, status: draft}
entries:
  - code: AI.T.1.a
    category: cyber
    title: Capped tool (cap 3)
    threshold: {metric: organisations_in_tranche, operator: '>', value: 0, unit: count}
    trigger: licence_required
    review_window_days: 90
    allow_list_cap: 3
    validity_days: 365
  - code: AI.T.2.a
    category: cyber
    title: Capped tool (cap 150)
    trigger: licence_required
    review_window_days: 90
    allow_list_cap: 150
  - code: AI.T.3.a
    category: cyber
    title: Uncapped, countersigned
    trigger: pre_release_review
    review_window_days: 30
    countersign: true
"""
    + CORE_RED_LINE_ENTRIES
)


def customers_yaml(extra: int) -> str:
    lines = ["customers:"]
    rows = [
        ("C1", "Alpha Defence Ltd", "vetted"),
        ("C2", "Beta Security", "vetted"),
        ("C3", "Gamma Labs", "vetted"),
        ("C4", "Delta Cyber", "vetted"),
        ("C5", "Epsilon Research", "vetted"),
        ("CS", "Sigma Analytics", "suspended"),
    ]
    rows += [(f"X{i:03d}", f"Filler Org {i}", "vetted") for i in range(extra)]
    for cid, name, vetting in rows:
        lines.append(f"  - {{id: {cid}, name: {name}, country: GB, vetting: {vetting}}}")
    return "\n".join(lines) + "\n"


GRANTS = """\
grants:
  - {customer: C1, code: AI.T.1.a, end_use: Red teaming, granted: 2026-03-01, expires: 2027-03-01}
  - {customer: C2, code: AI.T.1.a, end_use: Red teaming, granted: 2026-04-01, expires: 2027-04-01}
  - {customer: C3, code: AI.T.1.a, end_use: Red teaming, granted: 2026-05-01, expires: 2026-11-22}
  - {customer: C4, code: AI.T.1.a, end_use: Old work, granted: 2025-01-01, expires: 2026-01-01, status: revoked}
  - {customer: C5, code: AI.T.1.a, end_use: Red teaming, granted: 2025-10-01, expires: 2026-10-01}
"""

REQUESTS = """\
requests:
  - {id: R-NEW, kind: access, end_use_category: other, customer: C4, entries: [AI.T.1.a], end_use: Red teaming for a utility., submitted: 2026-11-10}
  - {id: R-HOLD, kind: renewal, customer: C1, entries: [AI.T.1.a], end_use: Red teaming, submitted: 2026-11-11}
  - {id: R-LAPSED, kind: renewal, customer: C5, entries: [AI.T.1.a], end_use: Red teaming, submitted: 2026-11-12}
  - {id: R-SUSP, kind: access, end_use_category: other, customer: CS, entries: [AI.T.3.a], end_use: Analytics., submitted: 2026-11-13}
  - {id: R-BIG, kind: access, end_use_category: other, customer: C2, entries: [AI.T.2.a], end_use: Scanning., submitted: 2026-11-14}
"""


@pytest.fixture
def adb(tmp_path: Path) -> Path:
    """148 active grants on AI.T.2.a (cap 150); AI.T.1.a (cap 3) full with C1, C2, C3 (C3's last day is
    today); C4's grant revoked, C5's lapsed."""
    root = Path(data_dir())
    path = tmp_path / "allow.db"
    store = init_store(path, Officer("alice", "alice"))
    try:
        files = {"schedule": SCHEDULE, "customers": customers_yaml(148), "requests": REQUESTS}
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        imports.import_schedule(store, tmp_path / "schedule.yaml")
        imports.import_reasons(store, root / "reasons.yaml")
        imports.import_conditions(store, root / "conditions.yaml")
        imports.import_customers(store, tmp_path / "customers.yaml")
        imports.import_requests(store, tmp_path / "requests.yaml")
        big = "".join(
            f"  - {{customer: X{i:03d}, code: AI.T.2.a, end_use: Scanning, granted: 2026-01-01, expires: 2027-01-01}}\n"
            for i in range(148)
        )
        g = tmp_path / "grants.yaml"
        g.write_text(GRANTS + big, encoding="utf-8")
        seed.seed_grants(store, g, load_document(g, "grants"))
    finally:
        store.close()
    return path


@pytest.fixture
def as_(adb):
    with stores_on(adb) as open_as:
        yield open_as


def allow(store: Store, rid: str, code: str = "AI.T.1.a") -> dict:
    return next(a for a in findings_for(store, rid).allow_list if a["code"] == code)


def request_flags(store: Store, rid: str) -> int:
    return store.conn.execute("SELECT flags FROM requests WHERE id = ?", (rid,)).fetchone()[0]


def test_a_customer_holding_an_active_grant_sees_it_with_its_expiry(as_):
    a = allow(as_(), "R-HOLD")
    assert a == {
        "code": "AI.T.1.a",
        "granted": True,
        "grant_status": "active",
        "granted_on": "2026-03-01",
        "expires": "2027-03-01",
        "cap": 3,
        "used": 3,
        "cap_reached": False,
    }


def test_cap_usage_counts_active_unexpired_grants_only(as_):
    # C1, C2 and C3 (whose grant runs to today inclusive); not C4 (revoked) nor C5 (lapsed)
    a = allow(as_(), "R-NEW")
    assert (a["cap"], a["used"], a["granted"], a["grant_status"], a["cap_reached"]) == (3, 3, False, "revoked", True)


def test_148_of_150(as_):
    store = as_()
    a = allow(store, "R-BIG", "AI.T.2.a")
    assert (a["used"], a["cap"], a["cap_reached"]) == (148, 150, False)
    out = io.StringIO()
    show(store, "R-BIG", as_json=False, out=out)
    assert "cap 148/150" in out.getvalue() and "CAP REACHED" not in out.getvalue()


def test_a_full_cap_is_flagged_and_shown(as_):
    store = as_()
    f = findings_for(store, "R-NEW")
    assert "allow-list cap reached" in f.flags()
    assert request_flags(store, "R-NEW") & flags.CAP
    out = io.StringIO()
    show(store, "R-NEW", as_json=False, out=out)
    assert "cap 3/3" in out.getvalue() and "CAP REACHED" in out.getvalue()


def test_approving_past_the_cap_is_refused_unless_a_countersigned_override(as_):
    alice, bob = as_("alice"), as_("bob")
    with pytest.raises(Refused, match="cap reached for AI.T.1.a.*override"):
        decisions.decide(alice, "R-NEW", "approve")
    result = decisions.decide(alice, "R-NEW", "approve", override=True)
    assert result.status == "awaiting_countersign" and result.grants == 0
    assert "override of the cap on AI.T.1.a" in result.why_countersign
    with pytest.raises(Refused, match="different officer"):
        decisions.countersign(alice, "R-NEW")
    assert allow(alice, "R-NEW")["used"] == 3  # nothing granted while it waits
    done = decisions.countersign(bob, "R-NEW")
    assert done.status == "approved" and done.grants == 1
    a = allow(bob, "R-NEW")
    assert (a["granted"], a["used"], a["cap"], a["expires"]) == (True, 4, 3, "2027-11-22")
    row = bob.conn.execute(
        "SELECT override FROM decisions WHERE request_id = 'R-NEW' AND outcome = 'approve'"
    ).fetchone()
    assert row == (1,)


def test_a_holder_renewing_within_a_full_cap_is_not_blocked(as_):
    store = as_()
    assert allow(store, "R-HOLD")["cap_reached"] is False
    result = decisions.decide(store, "R-HOLD", "approve")
    assert result.status == "approved"
    # a renewal of a live grant extends it from its current expiry, not from today
    a = allow(store, "R-HOLD")
    assert (a["granted"], a["expires"], a["used"]) == (True, "2028-02-29", 3)  # + 365 days; 2028 is leap


def test_a_grant_past_expiry_reads_expired_and_a_renewal_revives_it(as_):
    store = as_()
    a = allow(store, "R-LAPSED")
    assert (a["granted"], a["grant_status"], a["expires"]) == (False, "expired", "2026-10-01")
    f = findings_for(store, "R-LAPSED")
    assert "grant expired" in f.flags()
    assert request_flags(store, "R-LAPSED") & flags.EXPIRED_GRANT
    # the cap is full and C5 holds no live place: renewing a lapsed grant is subject to the cap too
    with pytest.raises(Refused, match="cap reached"):
        decisions.decide(store, "R-LAPSED", "approve")
    store.conn.execute("UPDATE grants SET status = 'revoked' WHERE customer_id = 'C2'")  # free a place
    result = decisions.decide(store, "R-LAPSED", "approve")
    assert result.status == "approved" and result.grants == 1
    a = allow(store, "R-LAPSED")
    # lapsed: the new term runs from the day of the decision; the same grant row, extended
    assert (a["granted"], a["grant_status"], a["expires"]) == (True, "active", "2027-11-22")
    assert store.conn.execute("SELECT COUNT(*) FROM grants WHERE customer_id = 'C5'").fetchone() == (1,)


def test_the_last_day_of_a_grant_is_still_active(as_, monkeypatch):
    store = as_()
    assert allow(store, "R-NEW")["used"] == 3  # C3 expires today: still counted
    monkeypatch.setenv("PERMITTUI_TODAY", "2026-11-23")
    assert allow(store, "R-NEW")["used"] == 2


def test_a_suspended_customer_is_flagged_and_approval_is_an_override(as_):
    alice, bob = as_("alice"), as_("bob")
    f = findings_for(alice, "R-SUSP")
    assert f.customer.vetting == "suspended" and "customer suspended" in f.flags()
    assert f.as_dict()["customer"]["suspended"] is True
    assert request_flags(alice, "R-SUSP") & flags.SUSPENDED_CUSTOMER
    out = io.StringIO()
    show(alice, "R-SUSP", as_json=False, out=out)
    assert "SUSPENDED" in out.getvalue() and "customer suspended" in out.getvalue()
    with pytest.raises(Refused, match="suspended"):
        decisions.decide(alice, "R-SUSP", "approve")
    result = decisions.decide(alice, "R-SUSP", "approve", override=True)
    assert result.status == "awaiting_countersign"
    assert "override: customer suspended" in result.why_countersign
    assert decisions.countersign(bob, "R-SUSP").status == "approved"


def test_cli_cap_refusal_exit_1_and_override(adb, cli):
    r = cli("decide", "R-NEW", "approve", db=adb, officer="alice")
    assert r.returncode == 1 and "cap reached" in r.stderr
    r = cli("decide", "R-NEW", "approve", "--override", db=adb, officer="alice")
    assert r.returncode == 0 and "awaiting countersign" in r.stdout.replace("_", " ")
    r = cli("show", "R-NEW", "--json", db=adb)
    import json

    a = json.loads(r.stdout)["findings"]["allow_list"][0]
    assert {k: a[k] for k in ("code", "granted", "expires", "cap", "used")} == {
        "code": "AI.T.1.a",
        "granted": False,
        "expires": "2026-01-01",
        "cap": 3,
        "used": 3,
    }
