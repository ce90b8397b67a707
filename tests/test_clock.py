"""The clock: due = registration + the strictest review window of the triggered entries; days in
info_requested don't count; referrals carry their own due date; the finding explains the count."""

from __future__ import annotations

import json

from permittui.domain.rules.classify import Triggered
from permittui.domain.rules.clock import compute_clock
from permittui.domain.rules.due import DEFAULT_WINDOW_DAYS, due_date, strictest_window
from permittui.store import decisions
from permittui.store.findings import findings_for


def t(code: str, window: int, trigger: str = "licence_required") -> Triggered:
    return Triggered(code, trigger, "requested", window, False)


def ev(day: str, status: str | None, event: str = "decision") -> dict:
    return {"at": f"{day}T10:00:00Z", "event": event, "status": status, "day": day}


REG = [{"at": "2026-11-01T09:00:00Z", "event": "registered", "registered": "2026-11-01", "status": "pending"}]


# ── the window ─────────────────────────────────────────────────────────────────────────────


def test_the_strictest_window_of_the_triggered_entries():
    assert strictest_window([t("A", 90), t("B", 30), t("C", 60)]) == 30
    c = compute_clock("2026-11-01", [t("A", 90), t("B", 30)], REG, "2026-11-10", "pending")
    assert (c.window_days, c.due, c.days_left, c.paused_days) == (30, "2026-12-01", 21, 0)
    assert c.window_from == "strictest of B"


def test_prohibited_entries_do_not_shorten_the_clock_and_nothing_means_the_default():
    assert strictest_window([t("P", 0, "prohibited"), t("A", 90)]) == 90
    assert strictest_window([t("P", 0, "prohibited")]) == DEFAULT_WINDOW_DAYS
    c = compute_clock("2026-11-01", [], REG, "2026-11-01", "pending")
    assert (c.window_days, c.window_from, c.due) == (30, "default review window", "2026-12-01")


def test_due_date_adds_paused_days():
    assert due_date("2026-11-01", [t("A", 30)], 0) == "2026-12-01"
    assert due_date("2026-11-01", [t("A", 30)], 5) == "2026-12-06"


def test_overdue_and_due_today():
    c = compute_clock("2026-10-01", [t("A", 30)], REG, "2026-11-03", "pending")
    assert c.due == "2026-10-31" and c.days_left == -3 and "OVERDUE by 3 days" in c.explain()
    c = compute_clock("2026-10-01", [t("A", 30)], REG, "2026-10-31", "pending")
    assert c.days_left == 0 and "0 days left" in c.explain()


# ── pauses ─────────────────────────────────────────────────────────────────────────────────


def test_paused_twice_counts_both_pauses():
    events = REG + [
        ev("2026-11-03", "info_requested"),
        ev("2026-11-08", "pending", "answered"),
        ev("2026-11-12", "info_requested"),
        ev("2026-11-15", "referred"),
    ]
    c = compute_clock("2026-11-01", [t("A", 30)], events, "2026-11-20", "referred", referral_due="2026-12-15")
    assert c.pauses == [("2026-11-03", "2026-11-08"), ("2026-11-12", "2026-11-15")]
    assert (c.paused_days, c.due, c.days_left) == (8, "2026-12-09", 19)
    text = c.explain()
    for part in (
        "registered 2026-11-01",
        "30-day window (strictest of A)",
        "paused 2026-11-03 to 2026-11-08",
        "paused 2026-11-12 to 2026-11-15",
        "8 paused days not counted",
        "due 2026-12-09",
        "19 days left",
        "inspector's advice is due 2026-12-15",
    ):
        assert part in text, (part, text)


def test_an_open_pause_counts_up_to_today():
    events = REG + [ev("2026-11-05", "info_requested")]
    c = compute_clock("2026-11-01", [t("A", 30)], events, "2026-11-12", "info_requested")
    assert c.pauses == [("2026-11-05", None)] and c.paused_days == 7 and c.due == "2026-12-08"
    assert "paused since 2026-11-05" in c.explain()
    later = compute_clock("2026-11-01", [t("A", 30)], events, "2026-11-20", "info_requested")
    assert later.due == "2026-12-16" and later.days_left == c.days_left  # the clock does not run


def test_a_second_info_request_while_paused_does_not_restart_the_pause():
    events = REG + [ev("2026-11-05", "info_requested"), ev("2026-11-07", "info_requested"), ev("2026-11-09", "pending")]
    c = compute_clock("2026-11-01", [t("A", 30)], events, "2026-11-20", "pending")
    assert c.pauses == [("2026-11-05", "2026-11-09")] and c.paused_days == 4


def test_a_request_registered_while_awaiting_information_starts_paused():
    events = [
        {"at": "2026-11-01T09:00:00Z", "event": "registered", "registered": "2026-11-01", "status": "info_requested"}
    ]
    c = compute_clock("2026-11-01", [t("A", 30)], events, "2026-11-04", "info_requested")
    assert c.paused_days == 3


def test_referral_due_only_while_referred_and_overdue_advice_is_said():
    events = REG + [ev("2026-11-02", "referred")]
    c = compute_clock("2026-11-01", [t("A", 90)], events, "2026-11-20", "referred", referral_due="2026-11-16")
    assert c.referral_due == "2026-11-16" and c.referral_days_left == -4
    assert "inspector's advice is due 2026-11-16, OVERDUE by 4" in c.explain()
    back = compute_clock(
        "2026-11-01",
        [t("A", 90)],
        events + [ev("2026-11-18", "pending")],
        "2026-11-20",
        "pending",
        referral_due="2026-11-16",
    )
    assert back.referral_due is None and "inspector" not in back.explain()


def test_a_decided_request_stops_the_clock_on_the_decision_day():
    events = REG + [ev("2026-11-05", "info_requested"), ev("2026-11-10", "approved")]
    c = compute_clock("2026-11-01", [t("A", 30)], events, "2027-06-01", "approved")
    assert c.stopped and c.stopped_on == "2026-11-10" and c.paused_days == 5 and c.due == "2026-12-06"
    assert c.days_left == 26 and "decided on 2026-11-10 in time" in c.explain()
    late = compute_clock("2026-10-01", [t("A", 30)], REG + [ev("2026-11-03", "denied")], "2027-01-01", "denied")
    assert late.days_left == -3 and "3 days late" in late.explain()


def test_as_dict_carries_the_explanation():
    c = compute_clock("2026-11-01", [t("A", 30)], REG, "2026-11-10", "pending")
    d = c.as_dict()
    assert {k: d[k] for k in ("registered", "due", "days_left", "paused_days")} == {
        "registered": "2026-11-01",
        "due": "2026-12-01",
        "days_left": 21,
        "paused_days": 0,
    }
    assert d["explanation"] == c.explain()


# ── in the register ────────────────────────────────────────────────────────────────────────


def test_clock_paused_twice_through_real_decisions(store_as):
    """R-2: AI.C.2.a (90 days), registered 2026-11-01. Information requested on the 3rd, referred on the
    8th (the pause ends: 5 days), information requested again on the 12th, referred again on the 15th
    (3 more days)."""
    store = store_as("alice")
    at = lambda day: f"{day}T10:00:00.000000Z"  # noqa: E731
    decisions.decide(store, "R-2", "request-info", note="need the contract", at=at("2026-11-03"))
    decisions.decide(store, "R-2", "refer", inspector="insp.kovacs", referral_days=10, at=at("2026-11-08"))
    decisions.decide(store, "R-2", "request-info", note="need the scope", at=at("2026-11-12"))
    decisions.decide(store, "R-2", "refer", inspector="insp.kovacs", referral_days=20, at=at("2026-11-15"))
    c = findings_for(store, "R-2").clock
    assert c.pauses == [("2026-11-03", "2026-11-08"), ("2026-11-12", "2026-11-15")]
    assert (c.window_days, c.paused_days, c.due) == (90, 8, "2027-02-07")
    assert c.days_left == 77  # from today, 2026-11-22
    assert c.referral_due == "2026-12-05"  # the latest referral's own due date
    assert "8 paused days not counted" in c.explain()
    # the queue's stored due date agrees with the finding
    assert store.conn.execute("SELECT due, paused_days FROM requests WHERE id = 'R-2'").fetchone() == ("2027-02-07", 8)


def test_an_open_pause_in_the_register_moves_the_due_date_with_today(cli, db_path):
    r = cli(
        "decide",
        "R-1",
        "request-info",
        "--note",
        "end-user statement?",
        db=db_path,
        officer="alice",
        env={"PERMITTUI_TODAY": "2026-11-15"},
    )
    assert r.returncode == 0, r.stderr
    for today, paused, due in (
        ("2026-11-15", 0, "2027-02-08"),
        ("2026-11-22", 7, "2027-02-15"),
        ("2026-11-25", 10, "2027-02-18"),
    ):
        r = cli("show", "R-1", "--json", db=db_path, env={"PERMITTUI_TODAY": today})
        clock = json.loads(r.stdout)["findings"]["clock"]
        assert (clock["paused_days"], clock["due"], clock["registered"]) == (paused, due, "2026-11-10"), today
        assert clock["pauses"] == [{"from": "2026-11-15", "to": None}]
    # answering (here: deciding) ends the pause for good
    r = cli("decide", "R-1", "approve", db=db_path, officer="alice", env={"PERMITTUI_TODAY": "2026-11-25"})
    assert r.returncode == 0, r.stderr
    r = cli("show", "R-1", "--json", db=db_path, env={"PERMITTUI_TODAY": "2027-05-01"})
    clock = json.loads(r.stdout)["findings"]["clock"]
    assert (clock["paused_days"], clock["due"], clock["days_left"], clock["stopped_on"]) == (
        10,
        "2027-02-18",
        85,
        "2026-11-25",
    )


def test_plain_show_explains_the_clock(cli, db_path):
    r = cli("show", "R-3", db=db_path)
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("clock"))
    # R-3 is a release crossing AI.C.1.b (30 days), registered 2026-11-05
    assert "registered 2026-11-05" in line and "30-day window (strictest of AI.C.1.b)" in line
    assert "due 2026-12-05" in line and "13 days left" in line
