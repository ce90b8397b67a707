"""Typed metrics and declared categories: an evaluation value is read one way against the metric the
schedule defines, refused at import when it is not unambiguous, converted (and said so) when it is,
and a value already in the register that the rules cannot compare blocks approval. Nothing that a
rule cannot decide passes."""

from __future__ import annotations

import json
import textwrap

import pytest
from support import q, table_dump


def write(tmp_path, body: str, name: str = "r.yaml"):
    p = tmp_path / name
    p.write_text("requests:\n" + textwrap.indent(textwrap.dedent(body), "  "), encoding="utf-8")
    return p


def release(metric: str, value: str, rid: str = "R-T") -> str:
    return f"""\
    - id: {rid}
      kind: release
      customer: C-KEST
      model: Osprey-3
      evaluations:
        {metric}: {value}
      end_use: General availability.
      submitted: 2026-11-15
    """


# ── refused at import: FILE:LINE: field: why, and nothing imported ───────────────────────────────

REFUSED = {
    # a prohibited boolean metric given as anything but true/false
    "bool as text": ("autonomous_synthesis_cycle_completed_on_proxy", '"true"', "expected true or false"),
    "bool as yes": ("autonomous_synthesis_cycle_completed_on_proxy", "'yes'", "expected true or false"),
    "bool as 1": ("autonomous_synthesis_cycle_completed_on_proxy", "1", "expected true or false"),
    "bool as 0.0": ("specially_designed_for_intrusion_software", "0.0", "expected true or false"),
    "bool text in a mapping": (
        "autonomous_synthesis_cycle_completed_on_proxy",
        '{value: "true", unit: bool}',
        "expected true or false",
    ),
    "bool with a number unit": ("recipient_on_allow_list", "{value: false, unit: count}", "is true/false"),
    # thresholds a number must cross
    "1e309 (YAML text)": ("cumulative_training_compute", "1e309", "expected a number"),
    "1e26 (YAML text)": ("cumulative_training_compute", "1e26", "expected a number"),
    "infinity": ("cumulative_training_compute", ".inf", "not a finite measurement"),
    "minus infinity": ("exploit_success_rate_professional_ctf", "-.inf", "not a finite measurement"),
    "not a number": ("exploit_success_rate_professional_ctf", ".nan", "not a finite measurement"),
    "23-digit count": ("validated_novel_vulns_cvss7plus_in_reference_corpus", "12345678901234567890123", "outside"),
    "400-digit number": ("cumulative_training_compute", "1" + "0" * 400, "too large"),
    "percent as a bare number": ("exploit_success_rate_professional_ctf", "95", "outside the range"),
    "negative fraction": ("exploit_success_rate_professional_ctf", "-0.1", "outside the range"),
    "percentile over 100": ("virology_troubleshooting_percentile_vs_experts", "105", "outside the range"),
    "security level 7": ("weight_security_level", "7", "outside the range"),
    "fractional level": ("weight_security_level", "2.5", "not a whole number"),
    "number as text": ("exploit_success_rate_professional_ctf", '"0.62"', "expected a number"),
    "number with a percent sign": ("exploit_success_rate_professional_ctf", "95%", "expected a number"),
    "a list": ("exploit_success_rate_professional_ctf", "[0.5, 0.7]", "expected a number"),
    "unknown unit": ("exploit_success_rate_professional_ctf", "{value: 95, unit: points}", "can't be converted"),
    "ambiguous unit 'ratio'": ("exploit_success_rate_professional_ctf", "{value: 0.6, unit: ratio}", "can't be"),
    "time in weeks": ("task_time_horizon_at_50pct_success", "{value: 3, unit: weeks}", "can't be converted"),
    "percentile as a fraction": (
        "virology_troubleshooting_percentile_vs_experts",
        "{value: 0.6, unit: fraction}",
        "can't be converted",
    ),
    "bool unit on a number": (
        "exploit_success_rate_professional_ctf",
        "{value: true, unit: boolean}",
        "expected a number",
    ),
    "extra field in a mapping": ("exploit_success_rate_professional_ctf", "{value: 0.6, scale: 100}", "unknown field"),
    # a misspelt metric would dodge its threshold
    "misspelt metric": (
        "exploit_succes_rate_professional_ctf",
        "0.9",
        "no metric of that name in the schedule (did you mean exploit_success_rate_professional_ctf?)",
    ),
    "metric in another case": ("Exploit_Success_Rate_Professional_CTF", "0.9", "no metric of that name"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_value_that_is_not_unambiguous_is_refused_at_import(case, tmp_path, cli, db_path):
    metric, value, message = REFUSED[case]
    path = write(tmp_path, release(metric, value))
    before = table_dump(db_path)
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 2, r.stdout
    assert f"{path}:6: evaluations: {metric}: " in r.stderr and message in r.stderr, r.stderr
    assert "nothing imported" in r.stderr and "Traceback" not in r.stderr
    assert table_dump(db_path) == before


# ── accepted, converted where unambiguous, and the conversion shown ───────────────────────────────


@pytest.mark.parametrize(
    "metric, value, stored, code",
    [
        ("exploit_success_rate_professional_ctf", "{value: 95, unit: percent}", 0.95, "AI.C.1.b"),
        ("exploit_success_rate_professional_ctf", "{value: 62, unit: '%'}", 0.62, "AI.C.1.b"),
        ("task_time_horizon_at_50pct_success", "{value: 3000, unit: minutes}", 50.0, "AI.A.3.a"),
        ("task_time_horizon_at_50pct_success", "{value: 2, unit: days}", 48.0, "AI.A.3.a"),
    ],
)
def test_an_unambiguous_conversion_is_applied_and_shown(metric, value, stored, code, tmp_path, cli, db_path):
    r = cli("import", "requests", str(write(tmp_path, release(metric, value))), db=db_path)
    assert r.returncode == 0, r.stderr
    (ev,) = json.loads(q(db_path, "SELECT evaluations FROM requests WHERE id = 'R-T'")[0][0])
    assert ev["value"] == pytest.approx(stored) and ev["reported"]
    shown = json.loads(cli("show", "R-T", "--json", db=db_path).stdout)
    (t,) = [t for t in shown["findings"]["triggered"] if t["code"] == code]
    assert f"(reported as {ev['reported']})" in t["reason"]
    plain = cli("show", "R-T", db=db_path).stdout
    assert f"reported as {ev['reported']}" in plain


@pytest.mark.parametrize(
    "value",
    ["true", "{value: true, unit: bool}", "{value: true, unit: Boolean}", "{value: true}"],
)
def test_a_prohibited_boolean_given_plainly_is_a_red_line(value, tmp_path, cli, db_path):
    path = write(tmp_path, release("autonomous_synthesis_cycle_completed_on_proxy", value))
    assert cli("import", "requests", str(path), db=db_path).returncode == 0
    shown = json.loads(cli("show", "R-T", "--json", db=db_path).stdout)
    assert "AI.B.2.b" in [rl["code"] for rl in shown["findings"]["red_lines"]]
    r = cli("decide", "R-T", "approve", db=db_path, officer="alice")
    assert r.returncode == 1 and "red line" in r.stderr


def test_an_exact_big_integer_is_compared_not_dropped(tmp_path, cli, db_path):
    path = write(tmp_path, release("cumulative_training_compute", str(3 * 10**26)))
    assert cli("import", "requests", str(path), db=db_path).returncode == 0
    shown = json.loads(cli("show", "R-T", "--json", db=db_path).stdout)
    assert {"AI.W.1.a", "AI.W.1.b"} <= {t["code"] for t in shown["findings"]["triggered"]}


# ── already in the register: a value the rules cannot compare blocks approval ─────────────────────


@pytest.mark.parametrize(
    "evaluation",
    [
        {"metric": "autonomous_synthesis_cycle_completed_on_proxy", "value": "true", "unit": None},
        {"metric": "exploit_success_rate_professional_ctf", "value": "95%", "unit": None},
        {"metric": "exploit_success_rate_professional_ctf", "value": 95, "unit": "points"},
        {"metric": "cumulative_training_compute", "value": "1e309", "unit": None},
        {"metric": "exploit_succes_rate_professional_ctf", "value": 0.9, "unit": None},
    ],
)
def test_a_legacy_value_that_cannot_be_compared_blocks_approval_by_every_path(evaluation, cli, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)  # as a row imported before metrics were typed would hold it
    conn.execute("UPDATE requests SET evaluations = ? WHERE id = 'R-3'", (json.dumps([evaluation]),))
    conn.commit()
    conn.close()
    for args in (("approve",), ("approve", "--override"), ("approve-with-conditions", "--condition", "x")):
        r = cli("decide", "R-3", *args, db=db_path, officer="alice")
        assert r.returncode == 1 and "approval" in r.stderr and evaluation["metric"] in r.stderr, r.stderr
    shown = json.loads(cli("show", "R-3", "--json", db=db_path).stdout)
    assert any(n["blocking"] for n in shown["findings"]["metric_notes"])
    assert "blocked" in cli("show", "R-3", db=db_path).stdout
    # a denial is still open to the officer
    r = cli("decide", "R-3", "deny", "--reason", "EVAL-INSUFFICIENT", db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr


# ── declared end-use categories ───────────────────────────────────────────────────────────────────


def access(category: str | None, end_use: str = "Harmless analytics for a bakery chain.", rid: str = "R-C") -> str:
    line = f"  end_use_category: {category}\n" if category is not None else ""
    return (
        f"- id: {rid}\n  kind: access\n  customer: C-KEST\n  entries: [AI.C.2.a]\n"
        f"  end_use: {end_use}\n{line}  submitted: 2026-11-15\n"
    )


@pytest.mark.parametrize(
    "given",
    [
        "social_scoring",
        "Social_Scoring",
        "' social_scoring'",
        "'SOCIAL SCORING'",
        "social-scoring",
        "'Social Scoring '",
        "'ｓｏｃｉａｌ_ｓｃｏｒｉｎｇ'",
        "bulk_domestic_population_surveillance",
        "autonomous_target_selection_and_engagement",
        "Autonomous-Lethal-Force-Direction",
        "autonomous_pathogen_synthesis",
    ],
)
def test_a_red_line_category_is_prohibited_whatever_the_text_or_its_spelling(given, tmp_path, cli, db_path):
    path = tmp_path / "c.yaml"
    path.write_text("requests:\n" + access(given), encoding="utf-8")
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 0, r.stderr
    shown = json.loads(cli("show", "R-C", "--json", db=db_path).stdout)
    assert shown["findings"]["red_lines"], shown["findings"]
    for args in (("approve",), ("approve", "--override"), ("approve-with-conditions", "--condition", "x")):
        r = cli("decide", "R-C", *args, db=db_path, officer="alice")
        assert r.returncode == 1 and "red line" in r.stderr


@pytest.mark.parametrize(
    "given, message",
    [
        (None, "end_use_category: missing"),
        ("defensive_reserch", "not an end-use category (did you mean defensive_security_research?)"),
        ("weapons", "not an end-use category"),
        ("'   '", "expected a category name"),
        ("[social_scoring]", "expected a category name"),
        ("42", "expected a category name"),
    ],
)
def test_an_access_request_declares_a_known_category(given, message, tmp_path, cli, db_path):
    path = tmp_path / "c.yaml"
    path.write_text("requests:\n" + access(given), encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert table_dump(db_path) == before


def test_a_plain_category_with_plain_text_is_approvable(tmp_path, cli, db_path):
    path = tmp_path / "c.yaml"
    path.write_text("requests:\n" + access("'Authorised Penetration Testing'"), encoding="utf-8")
    assert cli("import", "requests", str(path), db=db_path).returncode == 0
    assert (
        q(db_path, "SELECT end_use_category FROM requests WHERE id = 'R-C'")[0][0] == "authorised_penetration_testing"
    )
    r = cli("decide", "R-C", "approve", db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr
