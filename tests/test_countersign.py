"""Issue 3: four-eyes. A decision on a `countersign` entry, any override, and every denial of a
release wait in awaiting_countersign until a different officer confirms it or sends it back;
nobody countersigns their own decision, whether through the CLI or the store API."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from support import TODAY, q, table_dump

from permittui.domain.clock import add_days
from permittui.errors import Refused
from permittui.identity import Officer
from permittui.store import decisions, imports
from permittui.store.db import open_store

MORE = """\
requests:
  - id: R-7
    kind: access
    end_use_category: other
    customer: C-KEST
    entries: [AI.C.1.c]
    end_use: Defensive red-team range exercises for a grid operator.
    submitted: 2026-11-15
  - id: R-8
    kind: access
    end_use_category: other
    customer: C-ACME
    entries: [AI.C.1.c, AI.C.2.a]
    end_use: Incident response on the customer's own networks.
    submitted: 2026-11-16
  - id: R-9
    kind: release
    customer: C-KEST
    model: Osprey-2
    evaluations:
      exploit_success_rate_professional_ctf: 0.2
    end_use: Limited release to vetted red teams.
    submitted: 2026-11-18
"""


def status(path: Path, rid: str) -> str:
    return q(path, "SELECT status FROM requests WHERE id = ?", (rid,))[0][0]


def decisions_of(path: Path, rid: str) -> list[sqlite3.Row]:
    return q(path, "SELECT * FROM decisions WHERE request_id = ? ORDER BY id", (rid,))


def grants(path: Path, **where) -> list[sqlite3.Row]:
    sql = "SELECT * FROM grants"
    if where:
        sql += " WHERE " + " AND ".join(f"{k} = ?" for k in where)
    return q(path, sql + " ORDER BY id", tuple(where.values()))


def set_cap(path: Path, code: str, cap: int) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE schedule_entries SET allow_list_cap = ? WHERE code = ?", (cap, code))
    conn.close()


@pytest.fixture
def db(db_path, tmp_path):
    """The fixture database plus requests on a countersign entry (AI.C.1.c) and a second release."""
    p = tmp_path / "more.yaml"
    p.write_text(textwrap.dedent(MORE), encoding="utf-8")
    s = open_store(db_path, Officer("alice", "alice"))
    imports.import_requests(s, p)
    s.close()
    return db_path


def ok(proc) -> str:
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc.stdout


def refused(proc, code: int = 1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert err and "\n" not in err and "Traceback" not in proc.stderr, proc.stderr
    return err


# ── what waits for a second officer ──────────────────────────────────────────────────────────


def test_approval_on_a_countersign_entry_waits_then_a_second_officer_confirms(cli, db):
    out = ok(cli("decide", "R-7", "approve", "--reason", "END-USE-VERIFIED", db=db, officer="alice"))
    assert "awaiting_countersign" in out and "AI.C.1.c" in out
    assert status(db, "R-7") == "awaiting_countersign"
    assert grants(db) == [], "no grant before the countersign"
    [pending] = decisions_of(db, "R-7")
    assert (pending["outcome"], pending["status_after"]) == ("approve", "awaiting_countersign")

    out = ok(cli("countersign", "R-7", db=db, officer="bob"))
    assert "now approved" in out and "1 grant" in out
    assert status(db, "R-7") == "approved"
    _, confirm = decisions_of(db, "R-7")
    assert (confirm["outcome"], confirm["officer"], confirm["acts_on"]) == ("countersign", "bob", pending["id"])
    assert (confirm["status_before"], confirm["status_after"]) == ("awaiting_countersign", "approved")
    [g] = grants(db)
    validity = q(db, "SELECT validity_days FROM schedule_entries WHERE code = 'AI.C.1.c'")[0][0]
    assert (g["customer_id"], g["code"], g["status"]) == ("C-KEST", "AI.C.1.c", "active")
    assert g["decision_id"] == pending["id"], "the grant is made by the decision, confirmed by the countersign"
    assert g["expires"] == add_days(TODAY, validity)
    actions = [r[0] for r in q(db, "SELECT action FROM audit WHERE subject = 'R-7' ORDER BY seq")]
    assert actions == ["decision", "countersign"]
    payload = json.loads(q(db, "SELECT payload FROM audit WHERE action = 'countersign'")[0][0])
    assert payload["id"] == confirm["id"] and payload["acts_on"] == pending["id"]


def test_countersigned_conditions_reach_the_grant(store_as, db):
    alice, bob = store_as("alice"), store_as("bob")
    r = decisions.decide(alice, "R-8", "approve-with-conditions", conditions=["NAMED-USERS-ONLY", "Weekly logs."])
    assert r.status == "awaiting_countersign" and r.grants == 0
    c = decisions.countersign(bob, "R-8")
    assert (c.status, c.grants) == ("approved_with_conditions", 2)
    text = q(db, "SELECT text FROM conditions WHERE code = 'NAMED-USERS-ONLY'")[0][0]
    for g in grants(db):
        assert json.loads(g["conditions"]) == [
            {"code": "NAMED-USERS-ONLY", "text": text},
            {"code": None, "text": "Weekly logs."},
        ]
    assert {g["code"] for g in grants(db)} == {"AI.C.1.c", "AI.C.2.a"}


@pytest.mark.parametrize(
    "outcome,extra,final",
    [
        ("deny", {"reasons": ["SAFEGUARDS-INADEQUATE"]}, "denied"),
        ("return", {"reasons": ["RWA-INCOMPLETE"]}, "returned"),
    ],
)
def test_every_final_outcome_on_a_countersign_entry_waits(store_as, db, outcome, extra, final):
    r = decisions.decide(store_as("alice"), "R-7", outcome, **extra)
    assert r.status == "awaiting_countersign" and "AI.C.1.c" in " ".join(r.why_countersign)
    assert decisions.countersign(store_as("bob"), "R-7").status == final
    assert grants(db) == []


def test_interim_steps_on_a_countersign_entry_do_not_wait(store_as, db):
    alice = store_as("alice")
    assert decisions.decide(alice, "R-7", "request-info").status == "info_requested"
    assert decisions.decide(alice, "R-7", "refer", inspector="Dr. Imre").status == "referred"


def test_every_denial_of_a_release_waits_but_an_approval_need_not(store_as, db):
    alice, bob = store_as("alice"), store_as("bob")
    r = decisions.decide(alice, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    assert r.status == "awaiting_countersign" and "release" in " ".join(r.why_countersign)
    assert decisions.countersign(bob, "R-3").status == "denied"
    # Below every threshold, on no countersign entry: approving a release is one officer's call.
    assert decisions.decide(alice, "R-9", "approve").status == "approved"


def test_a_release_denied_after_requesting_information_waits_and_goes_back_paused(store_as, db):
    alice, bob = store_as("alice"), store_as("bob")
    decisions.decide(alice, "R-9", "request-info", at="2026-11-20T09:00:00Z")
    r = decisions.decide(alice, "R-9", "deny", reasons=["EVAL-INSUFFICIENT"], at="2026-11-22T09:00:00Z")
    assert r.status == "awaiting_countersign"
    decisions.countersign(bob, "R-9", send_back=True, note="ask them once more", at="2026-11-23T09:00:00Z")
    row = q(db, "SELECT status, paused_since, paused_days FROM requests WHERE id = 'R-9'")[0]
    assert tuple(row) == ("info_requested", "2026-11-23", 2)


def test_cap_override_waits_for_countersign(cli, db):
    set_cap(db, "AI.C.2.a", 1)
    ok(cli("decide", "R-1", "approve", db=db, officer="alice"))
    assert len(grants(db, code="AI.C.2.a", status="active")) == 1

    before = table_dump(db)
    err = refused(cli("decide", "R-2", "approve", db=db, officer="bob"))
    assert "cap" in err and "--override" in err
    assert table_dump(db) == before

    out = ok(cli("decide", "R-2", "approve", "--override", "--note", "national grid", db=db, officer="bob"))
    assert "awaiting_countersign" in out and "override" in out
    [d] = decisions_of(db, "R-2")
    assert d["override"] == 1 and d["status_after"] == "awaiting_countersign"
    assert len(grants(db, code="AI.C.2.a")) == 1, "no grant past the cap before the countersign"

    refused(cli("countersign", "R-2", db=db, officer="bob"))
    ok(cli("countersign", "R-2", db=db, officer="carol"))
    assert status(db, "R-2") == "approved"
    assert len(grants(db, code="AI.C.2.a", status="active")) == 2


def test_override_is_not_recorded_when_nothing_was_overridden(store_as, db):
    r = decisions.decide(store_as("alice"), "R-1", "approve", override=True)
    assert r.status == "approved"
    assert decisions_of(db, "R-1")[0]["override"] == 0


def test_suspended_customer_override_waits_for_countersign(store_as, db):
    alice, bob = store_as("alice"), store_as("bob")
    with pytest.raises(Refused, match="suspended"):
        decisions.decide(alice, "R-5", "approve")
    r = decisions.decide(alice, "R-5", "approve", override=True)
    assert r.status == "awaiting_countersign" and any("suspended" in w for w in r.why_countersign)
    assert decisions_of(db, "R-5")[0]["override"] == 1
    assert decisions.countersign(bob, "R-5").status == "approved"
    assert len(grants(db, customer_id="C-SUSP")) == 1


def test_escalating_a_red_line_by_referral_waits_for_countersign(store_as, db):
    r = decisions.decide(store_as("alice"), "R-4", "refer", inspector="Dr. Imre")
    assert r.status == "awaiting_countersign" and "AI.A.9.a" in " ".join(r.why_countersign)
    assert decisions.countersign(store_as("bob"), "R-4").status == "referred"


# ── send back ────────────────────────────────────────────────────────────────────────────────


def test_send_back_with_a_note_returns_the_request_to_its_officer(cli, db):
    ok(cli("decide", "R-7", "approve", db=db, officer="alice"))
    refused(cli("countersign", "R-7", "--send-back", db=db, officer="bob"), code=2)
    out = ok(cli("countersign", "R-7", "--send-back", "--note", "end use too broad", db=db, officer="bob"))
    assert "now pending" in out
    assert status(db, "R-7") == "pending"
    approve, back = decisions_of(db, "R-7")
    assert (back["outcome"], back["officer"], back["note"], back["acts_on"]) == (
        "send-back",
        "bob",
        "end use too broad",
        approve["id"],
    )
    assert grants(db) == []
    assert q(db, "SELECT version FROM requests WHERE id = 'R-7'")[0][0] == 3
    # It can be decided again, and countersigned by someone else this time.
    ok(cli("decide", "R-7", "deny", "--reason", "SAFEGUARDS-INADEQUATE", db=db, officer="alice"))
    refused(cli("countersign", "R-7", db=db, officer="alice"))
    ok(cli("countersign", "R-7", db=db, officer="carol"))
    assert status(db, "R-7") == "denied"


def test_send_back_needs_a_note_in_the_store_too(store_as, db):
    decisions.decide(store_as("alice"), "R-7", "approve")
    before = table_dump(db)
    with pytest.raises(Refused, match="note"):
        decisions.countersign(store_as("bob"), "R-7", send_back=True, note="   ")
    assert table_dump(db) == before


# ── never your own ───────────────────────────────────────────────────────────────────────────


def test_own_countersign_is_refused_by_the_store(store_as, db):
    alice = store_as("alice")
    decisions.decide(alice, "R-7", "approve")
    before = table_dump(db)
    with pytest.raises(Refused, match="different officer"):
        decisions.countersign(alice, "R-7")
    with pytest.raises(Refused, match="different officer"):
        decisions.countersign(alice, "R-7", send_back=True, note="never mind")
    # A second connection under the same name is the same officer.
    again = open_store(db, Officer("alice", "someone-else"))
    try:
        with pytest.raises(Refused, match="different officer"):
            decisions.countersign(again, "R-7")
    finally:
        again.close()
    assert table_dump(db) == before
    assert status(db, "R-7") == "awaiting_countersign"


@pytest.mark.parametrize("alias", ["Alice", "ALICE", " alice "])
def test_own_countersign_under_a_differently_written_name_is_refused(store_as, db, alias):
    decisions.decide(store_as("alice"), "R-7", "approve")
    before = table_dump(db)
    s = open_store(db, Officer(alias, "alice"))
    try:
        with pytest.raises(Refused, match="different officer"):
            decisions.countersign(s, "R-7")
    finally:
        s.close()
    assert table_dump(db) == before


def test_the_countersigner_of_a_sent_back_decision_can_decide_but_not_confirm_themself(store_as, db):
    alice, bob = store_as("alice"), store_as("bob")
    decisions.decide(alice, "R-7", "approve")
    decisions.countersign(bob, "R-7", send_back=True, note="I will take this one")
    decisions.decide(bob, "R-7", "deny", reasons=["SAFEGUARDS-INADEQUATE"])
    with pytest.raises(Refused, match="different officer"):
        decisions.countersign(bob, "R-7")
    assert decisions.countersign(alice, "R-7").status == "denied"


def test_countersign_is_refused_once_the_decision_is_reversed_or_confirmed(store_as, db):
    alice, bob, carol = store_as("alice"), store_as("bob"), store_as("carol")
    decisions.decide(alice, "R-7", "approve")
    decisions.reverse(alice, "R-7")
    with pytest.raises(Refused, match="not awaiting countersign"):
        decisions.countersign(bob, "R-7")
    decisions.decide(alice, "R-7", "approve")
    decisions.countersign(bob, "R-7")
    with pytest.raises(Refused, match="not awaiting countersign"):
        decisions.countersign(carol, "R-7")
    assert len(grants(db)) == 1


def test_a_cap_that_filled_while_an_approval_waited_is_not_overrun_silently(store_as, db):
    set_cap(db, "AI.C.1.c", 1)
    alice, bob = store_as("alice"), store_as("bob")
    assert decisions.decide(alice, "R-7", "approve").status == "awaiting_countersign"  # 0/1 when decided
    assert decisions.decide(alice, "R-8", "approve").status == "awaiting_countersign"  # 0/1 when decided
    decisions.countersign(bob, "R-7")  # now 1/1
    before = table_dump(db)
    with pytest.raises(Refused, match="can no longer be approved as decided: allow-list cap reached for AI.C.1.c"):
        decisions.countersign(bob, "R-8")
    assert table_dump(db) == before
    assert len(grants(db, code="AI.C.1.c", status="active")) == 1
    # The way on: send it back, and approve again as an explicit override.
    decisions.countersign(bob, "R-8", send_back=True, note="cap is full now")
    r = decisions.decide(alice, "R-8", "approve", override=True)
    assert r.status == "awaiting_countersign" and any("cap" in w for w in r.why_countersign)
    decisions.countersign(bob, "R-8")
    assert len(grants(db, code="AI.C.1.c", status="active")) == 2
    assert decisions_of(db, "R-8")[-2]["override"] == 1


def test_a_customer_suspended_while_an_approval_waited_blocks_the_countersign(store_as, db):
    import sqlite3

    alice, bob = store_as("alice"), store_as("bob")
    assert decisions.decide(alice, "R-7", "approve").status == "awaiting_countersign"
    conn = sqlite3.connect(db)
    customer = conn.execute("SELECT customer_id FROM requests WHERE id = 'R-7'").fetchone()[0]
    conn.execute("UPDATE customers SET vetting = 'suspended' WHERE id = ?", (customer,))
    conn.commit()
    conn.close()
    before = table_dump(db)
    with pytest.raises(Refused, match="customer is suspended"):
        decisions.countersign(bob, "R-7")
    assert table_dump(db) == before
