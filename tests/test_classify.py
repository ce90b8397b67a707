"""Classification on small hand-made schedules: thresholds crossed, entries requested, and what
can't be compared reported as notes, never as an exception."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from permittui.domain import schedule_file
from permittui.domain.models import Evaluation, Request, ScheduleEntry, Threshold
from permittui.domain.rules.classify import classify, compare
from permittui.formats.records import load_document
from permittui.paths import data_dir


def entry(
    code: str,
    metric: str | None = None,
    operator: str = ">=",
    value=1,
    unit: str = "count",
    *,
    trigger: str = "pre_release_review",
    window: int = 30,
    countersign: bool = False,
    cap: int | None = None,
    phrases: tuple[str, ...] = (),
) -> ScheduleEntry:
    threshold = Threshold(metric, operator, value, unit) if metric else None
    return ScheduleEntry(
        code, "cyber", f"title {code}", "", threshold, trigger, window, cap, countersign, red_line_phrases=phrases
    )


def schedule(*entries: ScheduleEntry) -> dict[str, ScheduleEntry]:
    return {e.code: e for e in entries}


def release(*evals: Evaluation, entries: tuple[str, ...] = ()) -> Request:
    return Request("R-1", "release", "C-1", entries, "General availability.", "2026-11-01", evaluations=evals)


def access(*codes: str, end_use: str = "Penetration testing.") -> Request:
    return Request("R-2", "access", "C-1", codes, end_use, "2026-11-01")


# ── thresholds ─────────────────────────────────────────────────────────────────────────────

# value exactly AT the threshold, for each operator: only the inclusive ones (and ==) trigger.
AT = {">": False, ">=": True, "<": False, "<=": True, "==": True, "!=": False}


@pytest.mark.parametrize("operator,crosses", sorted(AT.items()))
def test_exactly_at_the_threshold_for_each_operator(operator, crosses):
    s = schedule(entry("E.1", "score", operator, 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("score", 0.5, "fraction")), s)
    assert [t.code for t in triggered] == (["E.1"] if crosses else [])
    assert notes == []


@pytest.mark.parametrize(
    "operator,below,above",
    [
        (">", False, True),
        (">=", False, True),
        ("<", True, False),
        ("<=", True, False),
        ("==", False, False),
        ("!=", True, True),
    ],
)
def test_just_below_and_just_above(operator, below, above):
    s = schedule(entry("E.1", "score", operator, 10, "count"))
    for value, expected in ((9.999, below), (10.001, above)):
        triggered, _ = classify(release(Evaluation("score", value)), s)
        assert bool(triggered) is expected, (operator, value)


def test_integer_and_float_compare_as_numbers():
    s = schedule(entry("W.1", "compute", ">", 1.0e26, "FLOP"))
    assert classify(release(Evaluation("compute", 10**26 + 1)), s)[0] == []  # float(10**26+1) == 1e26
    triggered, _ = classify(release(Evaluation("compute", 1.4e26, "FLOP")), s)
    assert [t.reason for t in triggered] == ["compute = 1.4e+26 > 1e+26 FLOP"]


def test_boolean_and_membership_thresholds():
    s = schedule(
        entry("C.2", "designed_for_intrusion", "==", True, "boolean"),
        entry("W.3", "on_allow_list", "==", False, "boolean"),
        entry("X.9", "category", "in", ["a", "b"], "enum", trigger="prohibited", window=0),
    )
    triggered, notes = classify(
        release(
            Evaluation("designed_for_intrusion", True), Evaluation("on_allow_list", True), Evaluation("category", "b")
        ),
        s,
    )
    assert [t.code for t in triggered] == ["C.2", "X.9"] and notes == []
    # 1 is not True: a number where a boolean is expected is not compared
    triggered, notes = classify(release(Evaluation("designed_for_intrusion", 1)), s)
    assert triggered == [] and [n.code for n in notes if n.code] == ["C.2"]


def test_a_declared_prohibited_end_use_category_triggers_the_red_line_entry():
    s = schedule(
        entry(
            "A.9", "end_use_category", "in", ["lethal_force"], "enum", trigger="prohibited", window=0, countersign=True
        )
    )
    triggered, notes = classify(access(), s)
    assert triggered == [] and notes == []  # not declared: not "missing" either
    r = Request("R-3", "access", "C-1", (), "x", "2026-11-01", end_use_category="lethal_force")
    triggered, _ = classify(r, s)
    assert [(t.code, t.trigger, t.countersign) for t in triggered] == [("A.9", "prohibited", True)]


# ── what can't be compared ─────────────────────────────────────────────────────────────────


def test_an_unambiguous_unit_is_converted_and_the_conversion_shown():
    s = schedule(entry("C.1", "exploit_rate", ">=", 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("exploit_rate", 62, "percent")), s)
    assert [(t.code, t.reason) for t in triggered] == [
        ("C.1", "exploit_rate = 0.62 >= 0.5 fraction (reported as 62 percent)")
    ]
    assert notes == []


@pytest.mark.parametrize("unit", ["points", "ratio", "%%", "hours"])
def test_a_unit_that_cannot_be_converted_blocks_approval_never_passes(unit):
    s = schedule(entry("C.1", "exploit_rate", ">=", 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("exploit_rate", 0.9, unit)), s)
    assert triggered == []
    assert [(n.code, n.metric, n.blocking) for n in notes] == [("C.1", "exploit_rate", True)]
    assert repr(unit) in notes[0].problem and "'fraction'" in notes[0].problem and "blocked" in notes[0].problem


def test_unit_spellings_that_mean_the_same_unit_compare():
    s = schedule(entry("A.3", "horizon", ">=", 40, "hours"), entry("W.1", "compute", ">", 1e25, "FLOP"))
    triggered, notes = classify(release(Evaluation("horizon", 40, "h"), Evaluation("compute", 2e25, "flops")), s)
    assert [t.code for t in triggered] == ["A.3", "W.1"] and notes == []


def test_a_result_without_a_unit_is_taken_in_the_threshold_unit():
    s = schedule(entry("A.3", "horizon", ">=", 40, "hours"))
    assert [t.code for t in classify(release(Evaluation("horizon", 41)), s)[0]] == ["A.3"]


@pytest.mark.parametrize("value", ["high", "0.9", None, [1, 2], {"v": 1}, math.nan, math.inf, True, 10**400, 1.5])
def test_values_that_cannot_be_compared_block_approval(value):
    s = schedule(entry("C.1", "score", ">=", 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("score", value)), s)
    assert triggered == [] and [(n.code, n.blocking) for n in notes] == [("C.1", True)]
    assert "blocked" in notes[0].problem


def test_missing_metric_for_a_requested_entry_is_a_finding():
    s = schedule(entry("A.3", "horizon", ">=", 40, "hours"), entry("C.1", "score", ">=", 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("score", 0.7), entries=("A.3",)), s)
    # the requested entry stays triggered (it was asked for) and its missing result is noted
    assert [(t.code, t.reason) for t in triggered] == [("A.3", "requested"), ("C.1", "score = 0.7 >= 0.5 fraction")]
    assert [(n.code, n.metric, n.problem, n.blocking) for n in notes] == [
        ("A.3", "horizon", "no evaluation result for this metric", False)
    ]


def test_thresholds_with_no_result_are_listed_for_a_release():
    s = schedule(
        entry("A.3", "horizon", ">=", 40, "hours"),
        entry("B.1", "uplift", ">=", 2, "x"),
        entry("C.1", "score", ">=", 0.5, "fraction"),
    )
    _, notes = classify(release(Evaluation("score", 0.1)), s)
    assert len(notes) == 1 and notes[0].code == ""
    assert "2 other entries: A.3, B.1" in notes[0].problem


def test_a_release_with_no_results_at_all_says_so():
    s = schedule(entry("A.3", "horizon", ">=", 40, "hours"))
    triggered, notes = classify(release(entries=("A.3",)), s)
    assert [t.code for t in triggered] == ["A.3"]
    assert {n.problem for n in notes} == {
        "no evaluation result for this metric",
        "a release request with no evaluation results: no threshold compared",
    }


def test_an_evaluation_no_entry_measures_is_a_note():
    s = schedule(entry("C.1", "exploit_success_rate", ">=", 0.5, "fraction"))
    triggered, notes = classify(release(Evaluation("exploit_sucess_rate", 0.9)), s)  # a typo in the metric
    assert triggered == []
    assert ("", "exploit_sucess_rate") in [(n.code, n.metric) for n in notes]
    assert any("no schedule entry measures" in n.problem for n in notes)


def test_an_access_request_reports_nothing_missing():
    s = schedule(entry("A.3", "horizon", ">=", 40, "hours"))
    assert classify(access(), s) == ([], [])


# ── access: the entries requested ──────────────────────────────────────────────────────────


def test_access_triggers_the_requested_entries_with_trigger_window_and_countersign():
    s = schedule(
        entry("C.1", trigger="licence_required", window=90, countersign=True, cap=25),
        entry("C.2", trigger="pre_release_review", window=30),
        entry("C.3"),
    )
    triggered, notes = classify(access("C.2", "C.1"), s)
    assert [(t.code, t.trigger, t.review_window_days, t.countersign, t.reason) for t in triggered] == [
        ("C.1", "licence_required", 90, True, "requested"),
        ("C.2", "pre_release_review", 30, False, "requested"),
    ]
    assert notes == []


def test_a_requested_code_not_on_the_schedule_is_a_note():
    triggered, notes = classify(access("Z.9"), schedule(entry("C.1")))
    assert triggered == [] and [(n.code, n.problem) for n in notes] == [
        ("Z.9", "requested entry is not on the schedule in force")
    ]


def test_threshold_crossed_on_a_requested_entry_gives_the_measured_reason():
    s = schedule(entry("C.1", "score", ">=", 0.5, "fraction"))
    triggered, _ = classify(release(Evaluation("score", 0.9), entries=("C.1",)), s)
    assert triggered[0].reason == "score = 0.9 >= 0.5 fraction"


def test_compare_never_raises():
    for v in (None, "x", 1, 1.5, True, [1], {"a": 1}, math.inf, math.nan):
        for op in (">", ">=", "<", "<=", "==", "!=", "in", "~"):
            for t in (None, "x", 1, True, [1, "x"], 2.5):
                compare(v, op, t)


# ── the shipped schedule ───────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def shipped() -> dict[str, ScheduleEntry]:
    doc = load_document(Path(data_dir()) / "schedule.yaml", "entries")
    sched, problems = schedule_file.schedule(doc, load_document(Path(data_dir()) / "schedule.yaml", "metrics"))
    assert not problems and sched is not None
    return {e.code: e for e in sched.entries}


def test_shipped_schedule_release_crossing_two_thresholds(shipped):
    r = release(
        Evaluation("exploit_success_rate_professional_ctf", 0.62),
        Evaluation("task_time_horizon_at_50pct_success", 12, "hours"),
        Evaluation("cumulative_training_compute", 3e25, "FLOP"),
    )
    triggered, notes = classify(r, shipped)
    assert [t.code for t in triggered] == ["AI.C.1.b", "AI.W.1.b"]  # 12 h < 40 h; 3e25 < 1e26
    assert all(t.trigger == "pre_release_review" and t.review_window_days == 30 for t in triggered)
    assert len(notes) == 1 and "other entries" in notes[0].problem


def test_shipped_schedule_at_the_compute_line(shipped):
    at = classify(release(Evaluation("cumulative_training_compute", 1e26, "FLOP")), shipped)[0]
    assert [t.code for t in at] == ["AI.W.1.b"]  # > 1e26 is strict: AI.W.1.a not yet
    over = classify(release(Evaluation("cumulative_training_compute", 1.01e26, "FLOP")), shipped)[0]
    assert [(t.code, t.countersign) for t in over] == [("AI.W.1.a", True), ("AI.W.1.b", False)]
