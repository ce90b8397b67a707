"""Red lines: a prohibited entry touched, or a declared end use matching a red line's phrases (which
come from the schedule data, not the code). Such a request can only be denied or escalated."""

from __future__ import annotations

import pytest
from support import table_dump

from permittui.domain import flags
from permittui.domain.models import Request, ScheduleEntry, Threshold
from permittui.domain.rules.classify import classify, red_lines
from permittui.errors import Refused
from permittui.store import decisions
from permittui.store.findings import findings_for


def entry(
    code: str,
    trigger: str = "licence_required",
    phrases: tuple[str, ...] = (),
    window: int = 90,
    metric: str | None = None,
    red_line: str | None = None,
) -> ScheduleEntry:
    th = Threshold(metric, "in", ["x"], "enum") if metric else None
    return ScheduleEntry(
        code,
        "surveillance",
        code,
        "",
        th,
        trigger,
        window,
        None,
        trigger == "prohibited",
        red_line_phrases=phrases,
        red_line=red_line,
    )


SCHEDULE = {
    e.code: e
    for e in (
        entry("S.1"),
        entry(
            "S.9",
            "prohibited",
            ("mass surveillance", "population-scale monitoring", "social scoring"),
            0,
            metric="end_use_category",
            red_line="mass_domestic_surveillance",
        ),
        entry(
            "A.9",
            "prohibited",
            ("lethal autonomous", "without meaningful human control"),
            0,
            red_line="autonomous_weapons_targeting",
        ),
    )
}


def check(end_use: str, *codes: str, summary: str = "", schedule=SCHEDULE) -> list[str]:
    r = Request("R-1", "access", "C-1", codes, end_use, "2026-11-01", summary=summary)
    triggered, _ = classify(r, schedule)
    return [rl.code for rl in red_lines(r, schedule, triggered)]


def test_requesting_a_prohibited_entry_is_a_red_line():
    r = Request("R-1", "access", "C-1", ("A.9",), "Harmless words.", "2026-11-01")
    triggered, _ = classify(r, SCHEDULE)
    hits = red_lines(r, SCHEDULE, triggered)
    assert [(h.code, h.reason) for h in hits] == [("A.9", "prohibited entry requested")]


def test_an_end_use_matching_a_phrase_is_a_red_line_whatever_is_requested():
    assert check("Analytics for mass surveillance of a city.", "S.1") == ["S.9"]
    r = Request("R-1", "access", "C-1", ("S.1",), "Mass surveillance.", "2026-11-01")
    (hit,) = red_lines(r, SCHEDULE, classify(r, SCHEDULE)[0])
    assert hit.reason == "declared end use matches the red line phrase 'mass surveillance'"


@pytest.mark.parametrize(
    "text",
    [
        "MASS SURVEILLANCE of residents",
        "mass-surveillance of residents",
        "mass\nsurveillance",
        "mass   surveillance",
        "mass\u00a0surveillance",  # no-break space
        "mass sur\u00adveillance",  # soft hyphen inside the word
        "mass\u200bsurveillance",  # zero-width space standing for a space
        "mass surveil\u200blance",  # zero-width space hiding inside the word
        "mass surveillance.",
        "(mass surveillance)",
        "Mass Surveillánce",  # a diacritic
        "population scale monitoring",  # the phrase has a hyphen, the text doesn't
        "Population-Scale Monitoring",
    ],
)
def test_variants_of_a_phrase_still_match(text):
    assert check(f"Our programme: {text} for the ministry.") == ["S.9"]


@pytest.mark.parametrize(
    "text",
    [
        "massive surveillance-camera maintenance",  # words, not substrings
        "antisocial scoring",
        "surveillance mass",  # order matters for a phrase
        "lethal, non-autonomous",
        "Human-in-the-loop review of every engagement",
    ],
)
def test_no_match_on_mere_substrings_or_other_order(text):
    assert check(text) == []


def test_the_summary_counts_as_declared_too():
    assert check("Network monitoring.", summary="Includes social scoring of subscribers.") == ["S.9"]


def test_phrases_are_data_but_the_core_red_lines_hold_without_them():
    bare = {
        c: ScheduleEntry(
            e.code,
            e.category,
            e.title,
            e.description,
            e.threshold,
            e.trigger,
            e.review_window_days,
            e.allow_list_cap,
            e.countersign,
        )
        for c, e in SCHEDULE.items()
    }
    # A schedule that lost its phrases and marks still cannot pass the product's own red lines:
    # the hits are reported under the core line's own code.
    assert check("mass surveillance without meaningful human control", schedule=bare) == [
        "CORE:autonomous_weapons_targeting",
        "CORE:mass_domestic_surveillance",
    ]
    assert check("traffic analytics for a city", schedule=bare) == []
    custom = {
        "Q.9": ScheduleEntry(
            "Q.9", "autonomy", "custom", "", None, "prohibited", 0, red_line_phrases=("self-replicating agent",)
        )
    }
    assert check("a Self Replicating Agent for ops", schedule=custom) == ["Q.9"]


def test_several_red_lines_each_once():
    assert check("lethal autonomous drones for mass surveillance", "A.9") == ["A.9", "S.9"]


def test_a_schedule_changed_in_place_is_read_afresh():
    # red_lines keeps each schedule's phrase keys; an entry replaced in the same dict is a new schedule
    r = Request("R-1", "access", "C-1", ("S.1",), "Covert tracking of journalists.", "2026-11-01")
    entries = {"S.1": entry("S.1")}
    assert red_lines(r, entries, []) == []
    entries["S.1"] = entry("S.1", phrases=("covert tracking",))
    assert [x.code for x in red_lines(r, entries, [])] == ["S.1"]
    entries["S.1"] = entry("S.1")
    assert red_lines(r, entries, []) == []


def test_a_declared_category_on_a_prohibited_threshold_is_a_red_line():
    r = Request("R-1", "access", "C-1", (), "Analytics.", "2026-11-01", end_use_category="x")
    triggered, _ = classify(r, SCHEDULE)
    assert [h.code for h in red_lines(r, SCHEDULE, triggered)] == ["S.9"]


@pytest.mark.parametrize(
    "category, code",
    [
        ("social_scoring", "S.9"),
        ("bulk_domestic_population_surveillance", "S.9"),
        ("autonomous_target_selection_and_engagement", "A.9"),
        ("autonomous_lethal_force_direction", "A.9"),
        ("autonomous_pathogen_synthesis", "CORE:autonomous_biothreat_synthesis"),
    ],
)
def test_a_core_red_line_category_is_prohibited_whatever_the_free_text_says(category, code):
    # the schedule's category list need not name it: the product holds its own red lines
    r = Request(
        "R-1", "access", "C-1", ("S.1",), "Harmless analytics for a bakery.", "2026-11-01", end_use_category=category
    )
    triggered, _ = classify(r, SCHEDULE)
    assert code in [h.code for h in red_lines(r, SCHEDULE, triggered)]


# ── in the register: only a denial or an escalation ──────────────────────────────────────────


def test_red_line_request_is_flagged_and_can_only_be_denied_or_escalated(store_as, db_path):
    store = store_as("alice")
    f = findings_for(store, "R-4")  # AI.A.9.a, "Autonomous target engagement ..."
    assert [r.code for r in f.red_lines] == ["AI.A.9.a"]
    assert "red line" in f.flags()
    bits = store.conn.execute("SELECT flags FROM requests WHERE id = 'R-4'").fetchone()[0]
    assert bits & flags.RED_LINE
    before = table_dump(db_path)
    for outcome, kw in (
        ("approve", {}),
        ("approve-with-conditions", {"conditions": ["NAMED-USERS-ONLY"]}),
        ("approve", {"override": True}),
    ):
        with pytest.raises(Refused, match="red line AI.A.9.a"):
            decisions.decide(store, "R-4", outcome, **kw)
    assert table_dump(db_path) == before  # a refusal changes nothing
    result = decisions.decide(store, "R-4", "refer", inspector="insp.kovacs", note="escalation")
    assert result.status == "awaiting_countersign"
    assert any("escalation of the red line AI.A.9.a" in w for w in result.why_countersign)
    decisions.reverse(store, "R-4")
    assert decisions.decide(store, "R-4", "deny", reasons=["REDLINE-AUTONOMOUS-WEAPONS"]).status == "denied"


def test_end_use_phrase_alone_blocks_approval(store_as, tmp_path):
    store = store_as("alice")
    from permittui.store import imports

    p = tmp_path / "more.yaml"
    p.write_text(
        "requests:\n  - id: R-9\n    kind: access\n    end_use_category: public_sector_services\n    customer: C-ACME\n    entries: [AI.S.1.a]\n"
        '    end_use: "Subscriber analytics; includes Social-Scoring of citizens."\n'
        "    submitted: 2026-11-15\n",
        encoding="utf-8",
    )
    imports.import_requests(store, p)
    f = findings_for(store, "R-9")
    assert [(r.code, "social scoring" in r.reason) for r in f.red_lines] == [("AI.S.9.a", True)]
    with pytest.raises(Refused, match="AI.S.9.a"):
        decisions.decide(store, "R-9", "approve")


def test_cli_refuses_approval_of_a_red_line_with_exit_1(cli, db_path):
    r = cli("decide", "R-4", "approve", db=db_path, officer="alice")
    assert r.returncode == 1 and "red line" in r.stderr and "Traceback" not in r.stderr
    r = cli("show", "R-4", db=db_path)
    assert r.returncode == 0 and "RED LINES" in r.stdout and "AI.A.9.a" in r.stdout


@pytest.mark.parametrize("outcome", ["return", "request-info"])
def test_red_line_request_cannot_be_returned_or_parked(outcome, cli, db_path):
    """Only a denial or an escalation (refer, countersigned) may act on a red line (issue 4)."""
    from support import table_dump

    before = table_dump(db_path)
    r = cli("decide", "R-4", outcome, "--reason", "RWA-INCOMPLETE", db=db_path, officer="alice")
    assert r.returncode == 1, r.stderr
    assert "red line AI.A.9.a" in r.stderr and "only be denied" in r.stderr
    assert table_dump(db_path) == before
