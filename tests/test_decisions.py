"""Issue 3: every decision outcome and its effects, every refusal path, and the append-only tables.

All on real SQLite files; the CLI tests run the installed `permittui` command. A refusal must
exit 1 (2 for bad usage), say why in one line on stderr, and leave every table exactly as it was.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from support import TODAY, q, table_dump

from permittui.domain.clock import add_days
from permittui.errors import BadInput, Refused
from permittui.store import decisions, imports

ACME_USE = "Authorised penetration testing of the customer's own OT network."


# ── helpers ────────────────────────────────────────────────────────────────────────────────


def q1(path: Path, sql: str, args: tuple = ()) -> sqlite3.Row | None:
    rows = q(path, sql, args)
    return rows[0] if rows else None


def request(path: Path, rid: str) -> sqlite3.Row:
    return q1(path, "SELECT * FROM requests WHERE id = ?", (rid,))


def decision_rows(path: Path, rid: str) -> list[sqlite3.Row]:
    return q(path, "SELECT * FROM decisions WHERE request_id = ? ORDER BY id", (rid,))


def audit_payload(path: Path, decision_id: int, action: str = "decision") -> dict:
    rows = [json.loads(r["payload"]) for r in q(path, "SELECT payload FROM audit WHERE action = ?", (action,))]
    found = [p for p in rows if p.get("id") == decision_id]
    assert len(found) == 1, f"expected one audit {action!r} row for decision {decision_id}, got {len(found)}"
    return found[0]


def validity(path: Path, code: str) -> int:
    return q1(path, "SELECT validity_days FROM schedule_entries WHERE code = ?", (code,))[0]


def add_requests(store, tmp_path: Path, text: str, name: str = "more.yaml") -> None:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    imports.import_requests(store, p)


def one_line_refusal(proc, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    err = proc.stderr.strip()
    assert err, "a refusal must say why on stderr"
    assert "\n" not in err, f"expected one line on stderr, got: {proc.stderr!r}"
    return err


def who(row: sqlite3.Row) -> str:
    return row["decided_at"][:19].replace("T", " ")


# ── outcomes and their effects (store API) ──────────────────────────────────────────────────


def test_approve_writes_decision_status_grant_and_audit(store_as, db_path):
    alice = store_as("alice")
    result = decisions.decide(alice, "R-1", "approve", reasons=["END-USE-VERIFIED"], note="fine")
    assert (result.status, result.grants, result.version) == ("approved", 1, 2)

    req = request(db_path, "R-1")
    assert (req["status"], req["version"]) == ("approved", 2)
    [d] = decision_rows(db_path, "R-1")
    assert d["id"] == result.decision_id
    assert (d["outcome"], d["officer"], d["os_account"]) == ("approve", "alice", "alice")
    assert (d["status_before"], d["status_after"], d["request_version"]) == ("pending", "approved", 1)
    assert json.loads(d["reasons"]) == ["END-USE-VERIFIED"] and d["note"] == "fine"
    assert d["schedule_version"] == q1(db_path, "SELECT value FROM meta WHERE key = 'schedule_version'")[0]
    assert d["schedule_version"]

    [g] = q(db_path, "SELECT * FROM grants")
    assert (g["customer_id"], g["code"], g["end_use"], g["status"]) == ("C-ACME", "AI.C.2.a", ACME_USE, "active")
    assert g["granted"] == TODAY
    assert g["expires"] == add_days(TODAY, validity(db_path, "AI.C.2.a"))
    assert g["decision_id"] == d["id"]

    payload = audit_payload(db_path, d["id"])
    assert payload["request_id"] == "R-1" and payload["outcome"] == "approve"
    assert [w["grant"] for w in payload["grants"]] == [g["id"]]
    events = q(db_path, "SELECT event FROM request_events WHERE request_id = 'R-1' ORDER BY id")
    assert [e[0] for e in events] == ["registered", "decision"]


def test_grant_expiry_follows_the_decision_day_and_the_entry_validity(store_as, db_path):
    alice = store_as("alice")
    day = "2027-03-01"
    decisions.decide(alice, "R-1", "approve", at=f"{day}T10:00:00.000000Z")
    [g] = q(db_path, "SELECT granted, expires FROM grants")
    assert g["granted"] == day
    assert g["expires"] == add_days(day, validity(db_path, "AI.C.2.a")) == "2029-02-28"


def test_approve_with_conditions_resolves_canned_codes_and_keeps_free_text(store_as, db_path):
    alice = store_as("alice")
    canned = q1(db_path, "SELECT text FROM conditions WHERE code = 'NO-ONWARD-TRANSFER'")[0]
    free = "Use only from the customer's Leeds SOC, 09:00-17:00."
    decisions.decide(alice, "R-1", "approve-with-conditions", conditions=["NO-ONWARD-TRANSFER", free, "  "])
    expected = [{"code": "NO-ONWARD-TRANSFER", "text": canned}, {"code": None, "text": free}]
    [d] = decision_rows(db_path, "R-1")
    assert d["status_after"] == "approved_with_conditions"
    assert json.loads(d["conditions"]) == expected
    [g] = q(db_path, "SELECT * FROM grants")
    assert json.loads(g["conditions"]) == expected and g["status"] == "active"
    assert request(db_path, "R-1")["status"] == "approved_with_conditions"


def test_deny_records_reason_codes_and_writes_no_grant(store_as, db_path):
    alice = store_as("alice")
    r = decisions.decide(alice, "R-2", "deny", reasons=["PARTY-UNVERIFIED", "EU-DIVERSION-RISK", "PARTY-UNVERIFIED"])
    assert r.status == "denied"
    [d] = decision_rows(db_path, "R-2")
    assert json.loads(d["reasons"]) == ["PARTY-UNVERIFIED", "EU-DIVERSION-RISK"]
    assert q(db_path, "SELECT * FROM grants") == []
    assert request(db_path, "R-2")["status"] == "denied"


def test_return_without_action(store_as, db_path):
    decisions.decide(store_as("alice"), "R-2", "return", reasons=["RWA-INCOMPLETE"])
    assert request(db_path, "R-2")["status"] == "returned"
    assert q(db_path, "SELECT * FROM grants") == []


def test_request_info_pauses_the_clock_and_a_later_decision_adds_the_paused_days(store_as, db_path):
    alice = store_as("alice")
    due_before = request(db_path, "R-1")["due"]
    decisions.decide(alice, "R-1", "request-info", reasons=["RWA-INCOMPLETE"], at="2026-11-22T09:00:00Z")
    req = request(db_path, "R-1")
    assert (req["status"], req["paused_since"], req["paused_days"]) == ("info_requested", "2026-11-22", 0)

    # Five days later it goes to an inspector (still open): the clock resumes with 5 days added.
    decisions.decide(alice, "R-1", "refer", inspector="Dr. Imre", at="2026-11-27T09:00:00Z")
    req = request(db_path, "R-1")
    assert (req["status"], req["paused_since"], req["paused_days"]) == ("referred", None, 5)
    assert req["due"] == add_days(due_before, 5)
    events = [
        json.loads(e[0])
        for e in q(
            db_path, "SELECT detail FROM request_events WHERE request_id = 'R-1' AND event = 'decision' ORDER BY id"
        )
    ]
    assert [e["status"] for e in events] == ["info_requested", "referred"]


def test_request_info_then_approve_counts_the_pause(store_as, db_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-2", "request-info", at="2026-11-22T09:00:00Z")
    decisions.decide(alice, "R-2", "approve", at="2026-12-04T09:00:00Z")
    req = request(db_path, "R-2")
    assert (req["status"], req["paused_since"], req["paused_days"]) == ("approved", None, 12)
    [g] = q(db_path, "SELECT granted FROM grants")
    assert g[0] == "2026-12-04"


def test_refer_needs_an_inspector_and_sets_a_referral_due_date(store_as, db_path):
    alice = store_as("alice")
    r = decisions.decide(alice, "R-1", "refer", inspector="Dr. Imre", reasons=["REFER-TECHNICAL"])
    assert r.status == "referred"
    [d] = decision_rows(db_path, "R-1")
    assert (d["inspector"], d["referral_due"]) == ("Dr. Imre", add_days(TODAY, 30))
    decisions.decide(alice, "R-2", "refer", inspector="Ms. Okafor", referral_days=10)
    assert decision_rows(db_path, "R-2")[0]["referral_due"] == add_days(TODAY, 10)
    # The inspector's advice is back: a referred request can be decided.
    decisions.decide(alice, "R-1", "approve")
    assert request(db_path, "R-1")["status"] == "approved"


def test_reverse_goes_back_revokes_grants_and_deletes_nothing(store_as, db_path):
    alice = store_as("alice")
    first = decisions.decide(alice, "R-1", "approve")
    before = table_dump(db_path)
    rev = decisions.decide(alice, "R-1", "reverse", note="wrong request")
    after = table_dump(db_path)

    for table in ("decisions", "audit", "request_events", "grant_changes"):
        assert set(before[table]) <= set(after[table]), f"a reversal removed rows from {table}"
    assert len(after["decisions"]) == len(before["decisions"]) + 1
    assert rev.status == "pending"
    original, reversal = decision_rows(db_path, "R-1")
    assert original["id"] == first.decision_id and original["outcome"] == "approve"
    assert (reversal["outcome"], reversal["acts_on"]) == ("reverse", first.decision_id)
    assert (reversal["status_before"], reversal["status_after"], reversal["note"]) == (
        "approved",
        "pending",
        "wrong request",
    )
    req = request(db_path, "R-1")
    assert (req["status"], req["version"]) == ("pending", 3)
    [g] = q(db_path, "SELECT * FROM grants")
    assert g["status"] == "revoked" and str(first.decision_id) in g["status_reason"]
    assert audit_payload(db_path, rev.decision_id, "reverse")["grants_restored"] == [g["id"]]

    # Decided again: the same grant row comes back to life, nothing duplicated.
    decisions.decide(alice, "R-1", "approve-with-conditions", conditions=["QUARTERLY-REPORTING"])
    [g2] = q(db_path, "SELECT * FROM grants")
    assert g2["id"] == g["id"] and g2["status"] == "active"


def test_reverse_of_refer_goes_back_to_info_requested_and_pauses_again(store_as, db_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-2", "request-info", at="2026-11-22T09:00:00Z")
    decisions.decide(alice, "R-2", "refer", inspector="Dr. Imre", at="2026-11-25T09:00:00Z")
    decisions.reverse(alice, "R-2", at="2026-11-25T10:00:00Z")
    req = request(db_path, "R-2")
    assert (req["status"], req["paused_since"]) == ("info_requested", "2026-11-25")
    # The reversal of a reversal is not a thing: the earlier request-info is not "mine to undo".
    with pytest.raises(Refused):
        decisions.reverse(alice, "R-2")


def test_reverse_before_countersign_withdraws_the_pending_decision(store_as, db_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    assert request(db_path, "R-3")["status"] == "awaiting_countersign"
    decisions.reverse(alice, "R-3")
    assert request(db_path, "R-3")["status"] == "pending"
    with pytest.raises(Refused, match="not awaiting countersign"):
        decisions.countersign(store_as("bob"), "R-3")


def test_reverse_refused_for_another_officer_and_after_countersign(store_as, db_path):
    alice, bob = store_as("alice"), store_as("bob")
    decisions.decide(alice, "R-1", "approve")
    with pytest.raises(Refused, match="only that officer"):
        decisions.reverse(bob, "R-1")
    decisions.decide(alice, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    decisions.countersign(bob, "R-3")
    with pytest.raises(Refused, match="countersign by bob"):
        decisions.reverse(alice, "R-3")
    with pytest.raises(Refused):
        decisions.reverse(bob, "R-3")
    assert request(db_path, "R-3")["status"] == "denied"


def test_renewal_extends_the_existing_grant_and_its_reversal_restores_it(store_as, db_path, tmp_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-1", "approve", at="2026-11-22T09:00:00Z")
    [g] = q(db_path, "SELECT * FROM grants")
    first_expiry = g["expires"]
    add_requests(
        alice,
        tmp_path,
        """\
        requests:
          - id: R-6
            kind: renewal
            customer: C-ACME
            entries: [AI.C.2.a]
            end_use: Renewal of our OT penetration-testing licence.
            submitted: 2026-11-20
        """,
    )
    r = decisions.decide(alice, "R-6", "approve", at="2026-12-01T09:00:00Z")
    assert r.grants == 1
    grants = q(db_path, "SELECT * FROM grants")
    assert len(grants) == 1, "a renewal extends the grant, it does not add one"
    [g2] = grants
    assert g2["id"] == g["id"] and g2["status"] == "active"
    # Extended from the old expiry, not from today: no days lost by renewing early.
    assert g2["expires"] == add_days(first_expiry, validity(db_path, "AI.C.2.a"))
    assert g2["decision_id"] == r.decision_id
    [change] = q(db_path, "SELECT * FROM grant_changes WHERE decision_id = ?", (r.decision_id,))
    assert json.loads(change["before"])["expires"] == first_expiry

    decisions.reverse(alice, "R-6")
    [g3] = q(db_path, "SELECT * FROM grants")
    assert (g3["expires"], g3["status"], g3["decision_id"]) == (first_expiry, "active", g["decision_id"])


def test_renewal_of_a_lapsed_grant_starts_from_the_decision_day(store_as, db_path, tmp_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-1", "approve", at="2026-11-22T09:00:00Z")
    decisions.reverse(alice, "R-1")  # grant revoked
    add_requests(
        alice,
        tmp_path,
        """\
        requests:
          - id: R-6
            kind: renewal
            customer: C-ACME
            entries: [AI.C.2.a]
            end_use: Renewal.
            submitted: 2026-11-20
        """,
    )
    decisions.decide(alice, "R-6", "approve", at="2026-11-23T09:00:00Z")
    [g] = q(db_path, "SELECT * FROM grants")
    assert (g["status"], g["expires"]) == ("active", add_days("2026-11-23", validity(db_path, "AI.C.2.a")))


# ── the command line: success ───────────────────────────────────────────────────────────────


def test_cli_decide_prints_the_result_and_records_the_officer(cli, db_path):
    p = cli(
        "decide", "R-1", "approve", "--expect-version", "1", "--reason", "END-USE-VERIFIED", db=db_path, officer="carol"
    )
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert "R-1: approve recorded" in p.stdout and "now approved" in p.stdout and "1 grant" in p.stdout
    [d] = decision_rows(db_path, "R-1")
    assert d["officer"] == "carol"
    p = cli("decide", "R-2", "refer", "--inspector", "Dr. Imre", "--referral-days", "14", db=db_path, officer="carol")
    assert p.returncode == 0, p.stderr
    assert decision_rows(db_path, "R-2")[0]["referral_due"] == add_days(TODAY, 14)
    p = cli("decide", "R-1", "reverse", "--note", "oops", db=db_path, officer="carol")
    assert p.returncode == 0, p.stderr
    assert "now pending" in p.stdout


# ── refusals: exit status, one line, nothing changed ─────────────────────────────────────────


def _set_cap(db_path: Path, code: str, cap: int) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE schedule_entries SET allow_list_cap = ? WHERE code = ?", (cap, code))
    conn.close()


def _setup_none(store_as, db_path):
    return None


def _setup_alice_approves_r1(store_as, db_path):
    decisions.decide(store_as("alice"), "R-1", "approve")
    return decision_rows(db_path, "R-1")[-1]


def _setup_alice_requests_info_r1(store_as, db_path):
    decisions.decide(store_as("alice"), "R-1", "request-info")
    return decision_rows(db_path, "R-1")[-1]


def _setup_alice_denies_release(store_as, db_path):
    decisions.decide(store_as("alice"), "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    return decision_rows(db_path, "R-3")[-1]


def _setup_cap_full(store_as, db_path):
    _set_cap(db_path, "AI.C.2.a", 1)
    decisions.decide(store_as("alice"), "R-1", "approve")


def _setup_countersigned(store_as, db_path):
    decisions.decide(store_as("alice"), "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    decisions.countersign(store_as("carol"), "R-3")
    return decision_rows(db_path, "R-3")[-1]


# (id, setup, command args after `permittui`, officer, exit code, fragments the message must contain;
#  "{who}" is replaced by the decided_at of the setup's decision, "{officer}" by its officer)
REFUSALS = [
    ("unknown-request", _setup_none, ["decide", "R-99", "approve"], "bob", 1, ["R-99"]),
    ("unknown-request-countersign", _setup_none, ["countersign", "R-99"], "bob", 1, ["R-99"]),
    ("unknown-request-reverse", _setup_none, ["decide", "R-99", "reverse"], "bob", 1, ["R-99"]),
    (
        "already-decided",
        _setup_alice_approves_r1,
        ["decide", "R-1", "deny", "--reason", "PARTY-UNVERIFIED"],
        "bob",
        1,
        ["already approved", "alice", "{who}"],
    ),
    (
        "already-decided-same-officer",
        _setup_alice_approves_r1,
        ["decide", "R-1", "approve"],
        "alice",
        1,
        ["already approved", "alice", "{who}"],
    ),
    (
        "awaiting-countersign-is-not-decidable",
        _setup_alice_denies_release,
        ["decide", "R-3", "return"],
        "bob",
        1,
        ["awaiting countersign", "alice", "{who}"],
    ),
    (
        "stale-expect-version",
        _setup_alice_requests_info_r1,
        ["decide", "R-1", "approve", "--expect-version", "1"],
        "bob",
        1,
        ["changed", "alice", "{who}"],
    ),
    (
        "expect-version-from-the-future",
        _setup_none,
        ["decide", "R-1", "approve", "--expect-version", "7"],
        "bob",
        1,
        ["version 7"],
    ),
    ("red-line-approve", _setup_none, ["decide", "R-4", "approve"], "bob", 1, ["red line", "AI.A.9.a"]),
    ("red-line-approve-override", _setup_none, ["decide", "R-4", "approve", "--override"], "bob", 1, ["red line"]),
    (
        "red-line-approve-with-conditions",
        _setup_none,
        ["decide", "R-4", "approve-with-conditions", "--condition", "NO-ONWARD-TRANSFER"],
        "bob",
        1,
        ["red line"],
    ),
    ("own-countersign", _setup_alice_denies_release, ["countersign", "R-3"], "alice", 1, ["different officer"]),
    (
        "own-send-back",
        _setup_alice_denies_release,
        ["countersign", "R-3", "--send-back", "--note", "x"],
        "alice",
        1,
        ["different officer"],
    ),
    ("countersign-not-awaiting", _setup_none, ["countersign", "R-1"], "bob", 1, ["not awaiting countersign"]),
    ("countersign-twice", _setup_countersigned, ["countersign", "R-3"], "bob", 1, ["not awaiting countersign"]),
    ("deny-without-reason", _setup_none, ["decide", "R-2", "deny"], "bob", 1, ["reason"]),
    (
        "conditions-without-condition",
        _setup_none,
        ["decide", "R-2", "approve-with-conditions"],
        "bob",
        1,
        ["condition"],
    ),
    (
        "cap-without-override",
        _setup_cap_full,
        ["decide", "R-2", "approve"],
        "bob",
        1,
        ["cap", "AI.C.2.a", "--override"],
    ),
    ("suspended-customer", _setup_none, ["decide", "R-5", "approve"], "bob", 1, ["suspended"]),
    (
        "reverse-someone-elses",
        _setup_alice_approves_r1,
        ["decide", "R-1", "reverse"],
        "bob",
        1,
        ["only that officer", "alice"],
    ),
    ("reverse-nothing", _setup_none, ["decide", "R-1", "reverse"], "bob", 1, ["no decision"]),
    ("reverse-after-countersign", _setup_countersigned, ["decide", "R-3", "reverse"], "alice", 1, ["carol"]),
    # bad usage: exit 2
    ("unknown-reason-code", _setup_none, ["decide", "R-2", "deny", "--reason", "NOT-A-CODE"], "bob", 2, ["NOT-A-CODE"]),
    ("refer-without-inspector", _setup_none, ["decide", "R-2", "refer"], "bob", 2, ["--inspector"]),
    ("refer-blank-inspector", _setup_none, ["decide", "R-2", "refer", "--inspector", "  "], "bob", 2, ["--inspector"]),
    (
        "refer-zero-days",
        _setup_none,
        ["decide", "R-2", "refer", "--inspector", "X", "--referral-days", "0"],
        "bob",
        2,
        ["--referral-days"],
    ),
    ("unknown-outcome", _setup_none, ["decide", "R-2", "bless"], "bob", 2, ["bless"]),
    (
        "send-back-without-note",
        _setup_alice_denies_release,
        ["countersign", "R-3", "--send-back"],
        "bob",
        2,
        ["--note"],
    ),
    (
        "expect-version-not-a-number",
        _setup_none,
        ["decide", "R-1", "approve", "--expect-version", "x"],
        "bob",
        2,
        ["--expect-version"],
    ),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_refusal_exits_with_one_line_and_changes_nothing(case, cli, store_as, db_path):
    _, setup, args, officer, code, fragments = case
    made = setup(store_as, db_path)
    before = table_dump(db_path)
    proc = cli(*args, db=db_path, officer=officer)
    err = one_line_refusal(proc, code)
    assert proc.stdout == ""
    for fragment in fragments:
        if made is not None:
            fragment = fragment.replace("{who}", who(made)).replace("{officer}", made["officer"])
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert table_dump(db_path) == before, "a refused command changed the database"


def test_refusals_through_the_store_api_roll_back(store_as, db_path):
    alice = store_as("alice")
    before = table_dump(db_path)
    for call, exc in [
        (lambda: decisions.decide(alice, "R-2", "deny"), Refused),
        (lambda: decisions.decide(alice, "R-2", "deny", reasons=["NOPE"]), BadInput),
        (lambda: decisions.decide(alice, "R-2", "refer", inspector="X", referral_days=0), BadInput),
        (lambda: decisions.decide(alice, "R-4", "approve", override=True), Refused),
        (lambda: decisions.decide(alice, "R-5", "approve"), Refused),
        (lambda: decisions.decide(alice, "R-2", "approve", expected_version=5), Refused),
        (lambda: decisions.decide(alice, "nope", "approve"), Refused),
    ]:
        with pytest.raises(exc):
            call()
        # The connection is usable afterwards: no transaction left open.
        assert alice.conn.in_transaction is False
    assert table_dump(db_path) == before


# ── append-only tables ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE decisions SET outcome = 'deny'",
        "UPDATE decisions SET officer = 'mallory' WHERE id = 1",
        "DELETE FROM decisions",
        "DELETE FROM decisions WHERE id = 1",
        "UPDATE audit SET payload = '{}' WHERE seq = 2",
        "UPDATE audit SET officer = 'mallory'",
        "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)",
        "DELETE FROM audit",
    ],
)
def test_decisions_and_audit_are_append_only_through_the_apps_connection(sql, store_as, db_path):
    alice = store_as("alice")
    decisions.decide(alice, "R-1", "approve")
    before = table_dump(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        alice.conn.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with alice.write() as conn:
            conn.execute(sql)
    assert table_dump(db_path) == before
    # INSERT OR REPLACE deletes the old row to make room: refused too.
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        alice.conn.execute(
            "INSERT OR REPLACE INTO decisions (id, request_id, outcome, officer, os_account,"
            " decided_at, request_version, status_before, status_after)"
            " VALUES (1, 'R-1', 'deny', 'mallory', 'mallory', 'x', 1, 'pending', 'denied')"
        )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        alice.conn.execute(
            "INSERT OR REPLACE INTO audit SELECT seq, at, 'mallory', os_account, action, subject,"
            " payload, prev_hash, hash FROM audit WHERE seq = 1"
        )
    assert table_dump(db_path) == before
