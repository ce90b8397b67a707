"""The core red lines are the product's: a schedule that drops, downgrades or weakens one is refused
at import; a schedule's metrics must be defined once and its thresholds fit them; the end-use
vocabulary keeps its red-line categories; an older database migrates forward to all of it."""

from __future__ import annotations

import json
import re

import pytest
from support import as_schema, q, table_dump

from permittui.identity import Officer
from permittui.paths import data_dir
from permittui.store.db import init_store, open_store
from permittui.store.demo import load_demo

SHIPPED = (data_dir() / "schedule.yaml").read_text(encoding="utf-8")


def entry_block(text: str, code: str) -> tuple[int, int]:
    start = text.index(f"  - code: {code}\n")
    nxt = text.find("\n  - code: ", start + 1)
    return start, (nxt + 1 if nxt != -1 else len(text))


def edited(code: str, edit) -> str:
    a, b = entry_block(SHIPPED, code)
    return SHIPPED[:a] + edit(SHIPPED[a:b]) + SHIPPED[b:]


def weaken_phrases(block: str) -> str:
    return re.sub(r"lethal autonomous, ", "", block)


LOOSENINGS = {
    "downgraded to a licence": (
        "AI.A.9.a",
        lambda b: b.replace("trigger: prohibited", "trigger: licence_required"),
        "must stay prohibited",
    ),
    "downgraded to review": (
        "AI.S.9.a",
        lambda b: b.replace("trigger: prohibited", "trigger: pre_release_review"),
        "must stay prohibited",
    ),
    "a core phrase dropped": ("AI.A.9.a", weaken_phrases, "must keep lethal autonomous"),
    "the red_line mark dropped": (
        "AI.B.2.b",
        lambda b: b.replace("    red_line: autonomous_biothreat_synthesis\n", ""),
        "no entry carries the core red line 'autonomous bio-threat synthesis'",
    ),
    "the entry removed": ("AI.S.9.a", lambda b: "", "no entry carries the core red line 'mass domestic surveillance'"),
    "marked with an unknown line": (
        "AI.A.9.a",
        lambda b: b.replace("red_line: autonomous_weapons_targeting", "red_line: lethal_weapons"),
        "is not a core red line",
    ),
}


@pytest.mark.parametrize("case", sorted(LOOSENINGS))
def test_a_schedule_that_drops_or_downgrades_a_core_red_line_is_refused(case, tmp_path, cli, db_path):
    code, edit, message = LOOSENINGS[case]
    path = tmp_path / "schedule.yaml"
    path.write_text(edited(code, edit).replace("version: 0.1.0-sample", "version: 0.2.0"), encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "schedule", str(path), db=db_path)
    assert r.returncode == 2 and message in r.stderr and str(path) in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert table_dump(db_path) == before


def test_a_respelt_core_phrase_is_still_the_phrase(tmp_path, cli, db_path):
    path = tmp_path / "schedule.yaml"
    path.write_text(
        edited("AI.A.9.a", lambda b: b.replace("lethal autonomous,", "Lethal-Autonomous,")), encoding="utf-8"
    )
    r = cli("import", "schedule", str(path), db=db_path)
    assert r.returncode == 0, r.stderr


SCHEDULE_PROBLEMS = {
    "metric not defined": (
        lambda s: s.replace(
            "- {name: persons_profiled, type: number, unit: persons, min: 0, max: 1.0e+10, integer: true}\n", ""
        ),
        "metric 'persons_profiled' is not defined under metrics:",
    ),
    "metric defined twice": (
        lambda s: s.replace(
            "- {name: persons_profiled,",
            "- {name: persons_profiled, type: number, unit: persons}\n- {name: persons_profiled,",
        ),
        "defined twice",
    ),
    "threshold in another unit": (
        lambda s: s.replace("value: 0.5, unit: fraction}", "value: 0.5, unit: percent}", 1),
        "differs from the metric's unit",
    ),
    "threshold out of the metric's range": (
        lambda s: s.replace(
            "operator: '>=', value: 0.5, unit: fraction}", "operator: '>=', value: 50, unit: fraction}", 1
        ),
        "outside the range",
    ),
    "a boolean compared by size": (
        lambda s: s.replace("operator: ==, value: true, unit: boolean}", "operator: '>', value: 0, unit: boolean}", 1),
        "a true/false metric takes == or !=",
    ),
    "a category not in the vocabulary": (
        lambda s: s.replace(
            "value: [bulk_domestic_population_surveillance, social_scoring]",
            "value: [bulk_domestic_population_surveillance, social_scorng]",
        ),
        "is not one of the categories of end_use_category",
    ),
    "an unknown metric type": (
        lambda s: s.replace(
            "{name: ara_task_suite_success_rate, type: number", "{name: ara_task_suite_success_rate, type: float"
        ),
        "'float' is not one of number, boolean, category",
    ),
}


@pytest.mark.parametrize("case", sorted(SCHEDULE_PROBLEMS))
def test_schedule_metrics_are_defined_once_and_thresholds_fit_them(case, tmp_path, cli, db_path):
    edit, message = SCHEDULE_PROBLEMS[case]
    text = edit(SHIPPED)
    assert text != SHIPPED
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "schedule", str(path), db=db_path)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert re.search(re.escape(str(path)) + r":\d+: ", r.stderr), r.stderr
    assert table_dump(db_path) == before


def test_a_schedule_without_a_metrics_list_has_them_implied_by_its_thresholds(tmp_path, cli, db_path):
    a, b = SHIPPED.index("metrics:\n"), SHIPPED.index("\nentries:\n")
    path = tmp_path / "schedule.yaml"
    path.write_text(SHIPPED[:a] + SHIPPED[b + 1 :], encoding="utf-8")
    assert cli("import", "schedule", str(path), db=db_path).returncode == 0
    defined = {d["name"]: d for d in json.loads(q(db_path, "SELECT metrics FROM schedules")[0][0])}
    assert defined["exploit_success_rate_professional_ctf"]["max"] == 1.0  # a fraction's own range
    assert defined["recipient_on_allow_list"]["type"] == "boolean"
    assert (
        defined["end_use_category"]["type"] == "category" and "social_scoring" in defined["end_use_category"]["values"]
    )


def test_two_thresholds_implying_different_metrics_of_one_name_are_refused(tmp_path, cli, db_path):
    a, b = SHIPPED.index("metrics:\n"), SHIPPED.index("\nentries:\n")
    text = SHIPPED[:a] + SHIPPED[b + 1 :]
    text = text.replace("value: 1.0e+25, unit: FLOP}", "value: 1.0e+25, unit: x}", 1)
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    r = cli("import", "schedule", str(path), db=db_path)
    assert r.returncode == 2 and "define it once under metrics:" in r.stderr, r.stderr


# ── the vocabulary ────────────────────────────────────────────────────────────────────────────────


def test_the_vocabulary_keeps_its_red_line_categories(tmp_path, db_path):
    from permittui.errors import InvalidFile
    from permittui.store import imports

    text = (data_dir() / "end_uses.yaml").read_text(encoding="utf-8")
    cases = {
        "dropped": text.replace(
            "  - code: social_scoring\n    label: Social scoring of citizens\n    red_line: mass_domestic_surveillance\n",
            "",
        ),
        "unmarked": text.replace("    red_line: autonomous_weapons_targeting\n", "", 1),
    }
    store = open_store(db_path, Officer("alice", "alice"))
    try:
        for name, changed in cases.items():
            assert changed != text, name
            path = tmp_path / f"{name}.yaml"
            path.write_text(changed, encoding="utf-8")
            with pytest.raises(InvalidFile, match="core red"):
                imports.import_end_uses(store, path)
    finally:
        store.close()


# ── an older database migrates forward ─────────────────────────────────────────────────────────────


def test_a_schema_3_database_migrates_to_typed_metrics_categories_and_core_lines(tmp_path, cli):
    path = tmp_path / "old.db"
    store = init_store(path, Officer("alice", "alice"))
    for _ in load_demo(store):
        pass
    store.close()
    as_schema(path, 3)
    import sqlite3

    conn = sqlite3.connect(path)  # a request that declared its category the old way, as an evaluation
    conn.execute(
        "UPDATE requests SET evaluations = ? WHERE id = 'REQ-2026-00002'",
        (json.dumps([{"metric": "end_use_category", "value": "Social Scoring", "unit": None}]),),
    )
    conn.commit()
    conn.close()
    open_store(path, Officer("alice", "alice")).close()
    assert q(path, "PRAGMA user_version")[0][0] == 4
    marks = dict(q(path, "SELECT code, red_line FROM schedule_entries WHERE red_line IS NOT NULL"))
    assert marks == {
        "AI.A.9.a": "autonomous_weapons_targeting",
        "AI.B.2.b": "autonomous_biothreat_synthesis",
        "AI.S.9.a": "mass_domestic_surveillance",
    }
    assert q(path, "SELECT COUNT(*) FROM end_uses WHERE red_line IS NOT NULL")[0][0] == 5
    defined = {d["name"] for d in json.loads(q(path, "SELECT metrics FROM schedules")[0][0])}
    assert "cumulative_training_compute" in defined and "end_use_category" in defined
    (row,) = q(path, "SELECT end_use_category, evaluations FROM requests WHERE id = 'REQ-2026-00002'")
    assert row[0] == "social_scoring" and json.loads(row[1]) == []
    shown = json.loads(cli("show", "REQ-2026-00002", "--json", db=path).stdout)
    assert "AI.S.9.a" in [rl["code"] for rl in shown["findings"]["red_lines"]]
    # an access request that declared no category (imported before they existed) waits for a second officer
    pending = q(
        path,
        "SELECT id FROM requests WHERE kind = 'access' AND status = 'pending' AND end_use_category IS NULL"
        " AND flags = 0 LIMIT 1",
    )
    if pending:
        r = cli("decide", pending[0][0], "approve", db=path, officer="alice")
        assert r.returncode == 0 and "no end-use category declared" in r.stdout, r.stdout + r.stderr
    assert cli("audit", "verify", db=path).returncode == 0
