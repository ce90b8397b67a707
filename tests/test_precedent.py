"""Precedent: the most similar earlier decided requests (same customer, or same entry with a similar
end use), and a warning when an essentially identical case was decided the other way."""

from __future__ import annotations

import json

from permittui.domain.rules.precedent import PastCase, contrary_warning, identical, precedents, similarity
from permittui.store import decisions, imports
from permittui.store.findings import findings_for

END_USE = (
    "Adversary-emulation engagements for regulated financial institutions under signed rules of "
    "engagement, inside client test environments only."
)
END_USE_2 = (
    "Adversary emulation engagements for regulated banks under signed rules of engagement, inside "
    "client test environments."
)


def case(rid: str, customer: str, entries: tuple[str, ...], end_use: str, outcome: str) -> PastCase:
    return PastCase(rid, customer, entries, end_use, outcome, f"2026-10-{int(rid[-1]) + 10:02d}T10:00:00Z")


def test_similarity_weighs_end_use_entries_and_customer():
    c = case("P-1", "C-1", ("AI.C.2.a",), END_USE, "approve")
    assert similarity("C-1", ("AI.C.2.a",), END_USE, c) == 1.0
    assert similarity("C-2", ("AI.C.2.a",), END_USE, c) == 0.9
    assert similarity("C-2", ("AI.C.2.a", "AI.C.1.c"), END_USE, c) == 0.75
    assert similarity("C-2", ("AI.C.2.a",), "Weather forecasting.", c) < 0.5


def test_essentially_identical_means_same_entries_and_alike_end_use_whoever_the_customer():
    c = case("P-1", "C-1", ("AI.C.2.a",), END_USE, "approve")
    assert identical(("AI.C.2.a",), END_USE_2, c)  # reworded, same case
    assert identical(("AI.C.2.a",), END_USE.upper(), c)
    assert not identical(("AI.C.2.a", "AI.C.1.c"), END_USE, c)  # more entries: another case
    assert not identical(("AI.C.2.a",), "Adversary emulation.", c)  # a vague subset is not identical
    assert not identical(("AI.C.2.a",), "Weather forecasting for farmers.", c)


def test_only_relevant_cases_ranked_most_similar_first_and_limited():
    cases = [
        case("P-1", "C-9", ("AI.C.2.a",), END_USE_2, "deny"),  # same entry, similar use
        case("P-2", "C-1", ("AI.S.1.a",), "Network monitoring.", "approve"),  # same customer
        case("P-3", "C-9", ("AI.C.2.a",), "Weather forecasting for farmers.", "approve"),  # same entry, other use
        case("P-4", "C-8", ("AI.W.4.a",), END_USE, "approve"),  # other entry
        case("P-5", "C-7", ("AI.C.2.a",), END_USE, "approve-with-conditions"),
    ]
    found, _ = precedents("C-1", ("AI.C.2.a",), END_USE, cases)
    assert [p.request_id for p in found] == ["P-5", "P-1", "P-2"]
    assert [p.identical for p in found] == [True, True, False]
    assert found[0].similarity == 0.9 and found[0].outcome == "approve-with-conditions"
    assert [p.request_id for p in precedents("C-1", ("AI.C.2.a",), END_USE, cases, limit=1)[0]] == ["P-5"]


def test_warning_when_identical_cases_went_both_ways():
    cases = [
        case("P-1", "C-9", ("AI.C.2.a",), END_USE_2, "deny"),
        case("P-2", "C-7", ("AI.C.2.a",), END_USE, "approve"),
    ]
    _, warning = precedents("C-1", ("AI.C.2.a",), END_USE, cases)
    assert warning and "decided both ways" in warning and "P-1 (deny)" in warning and "P-2 (approve)" in warning


def test_warning_against_the_requests_own_decision():
    cases = [case("P-1", "C-9", ("AI.C.2.a",), END_USE_2, "deny")]
    _, warning = precedents("C-1", ("AI.C.2.a",), END_USE, cases, outcome="approve")
    assert warning and warning.startswith("an essentially identical case was decided the other way: P-1 (deny")
    assert precedents("C-1", ("AI.C.2.a",), END_USE, cases, outcome="deny")[1] is None
    # approve and approve-with-conditions are the same side
    cases = [case("P-2", "C-9", ("AI.C.2.a",), END_USE_2, "approve-with-conditions")]
    assert precedents("C-1", ("AI.C.2.a",), END_USE, cases, outcome="approve")[1] is None


def test_no_warning_for_similar_but_not_identical_or_for_a_return():
    cases = [
        case("P-1", "C-1", ("AI.C.2.a", "AI.C.1.c"), END_USE, "deny"),  # other entry set
        case("P-2", "C-9", ("AI.C.2.a",), END_USE, "return"),  # not a ruling on the merits
        case("P-3", "C-9", ("AI.C.2.a",), END_USE, "approve"),
    ]
    assert precedents("C-1", ("AI.C.2.a",), END_USE, cases)[1] is None
    assert precedents("C-1", ("AI.C.2.a",), END_USE, cases, outcome="deny")[1] is not None  # P-3 approved
    found, _ = precedents("C-1", ("AI.C.2.a",), END_USE, cases)
    assert contrary_warning(found, "refer") is None and contrary_warning(found, "return") is None


def test_no_cases_no_precedent():
    assert precedents("C-1", ("AI.C.2.a",), END_USE, []) == ([], None)


# ── in the register ────────────────────────────────────────────────────────────────────────

MORE = f"""\
requests:
  - id: R-6
    kind: access
    end_use_category: other
    customer: C-PROV
    entries: [AI.C.2.a]
    end_use: "{END_USE_2}"
    submitted: 2026-11-12
  - id: R-7
    kind: access
    end_use_category: other
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: "{END_USE}"
    submitted: 2026-11-13
  - id: R-8
    kind: access
    end_use_category: other
    customer: C-SUSP
    entries: [AI.C.2.a]
    end_use: "{END_USE}"
    submitted: 2026-11-14
"""


def test_precedents_and_warnings_from_real_decisions(store_as, tmp_path, cli, db_path):
    store = store_as("alice")
    p = tmp_path / "more.yaml"
    p.write_text(MORE, encoding="utf-8")
    imports.import_requests(store, p)
    decisions.decide(store, "R-7", "approve", note="rules of engagement seen")
    decisions.decide(store, "R-6", "deny", reasons=["SAFEGUARDS-INADEQUATE"], note="production environments")

    f6 = findings_for(store, "R-6")  # decided: compared with its own outcome
    assert [(p.request_id, p.outcome, p.identical) for p in f6.precedents][:1] == [("R-7", "approve", True)]
    assert f6.precedent_warning and "decided the other way: R-7 (approve" in f6.precedent_warning

    f8 = findings_for(store, "R-8")  # pending: the two identical cases disagree
    assert {p.request_id for p in f8.precedents} >= {"R-6", "R-7"}
    assert f8.precedent_warning and "decided both ways" in f8.precedent_warning

    f1 = findings_for(store, "R-1")  # same customer as R-7, different end use
    assert [(p.request_id, p.identical) for p in f1.precedents] == [("R-7", False)]
    assert f1.precedent_warning is None

    r = cli("show", "R-8", "--json", db=db_path)
    data = json.loads(r.stdout)["findings"]
    assert {"request_id", "outcome", "similarity"} <= set(data["precedents"][0])
    assert data["precedent_warning"] == f8.precedent_warning
    r = cli("show", "R-6", db=db_path)
    assert "WARNING" in r.stdout and "essentially identical" in r.stdout


def test_undecided_and_reversed_requests_are_not_precedents(store_as, tmp_path):
    store = store_as("alice")
    p = tmp_path / "more.yaml"
    p.write_text(MORE, encoding="utf-8")
    imports.import_requests(store, p)
    decisions.decide(store, "R-7", "approve")
    decisions.reverse(store, "R-7")
    decisions.decide(store, "R-6", "request-info")
    assert findings_for(store, "R-8").precedents == []
