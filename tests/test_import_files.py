"""Imports: every shipped file imports; bad files are refused whole with FILE:LINE: field."""

from __future__ import annotations

import re

import pytest
from support import table_dump

from permittui.paths import data_dir


def test_shipped_defaults_and_demo_import_cleanly(tmp_path, cli):
    db = tmp_path / "demo.db"
    r = cli("init", "--demo", db=db)
    assert r.returncode == 0, r.stderr
    assert "schedule: 2" in r.stdout and "requests:" in r.stdout
    assert cli("audit", "verify", db=db).returncode == 0


def test_reimport_changes_nothing(tmp_path, cli, db_path, files):
    before = table_dump(db_path)
    for what in ("customers", "requests"):
        r = cli("import", what, str(files[what]), db=db_path)
        assert r.returncode == 0, r.stderr
        assert " 0 added, 0 changed" in r.stdout
    r = cli("import", "schedule", str(data_dir() / "schedule.yaml"), db=db_path)
    assert r.returncode == 0 and " 0 added, 0 changed" in r.stdout
    assert table_dump(db_path) == before


BAD_REQUESTS = {
    "unknown capability code": (
        """\
requests:
  - id: R-9
    kind: access
    customer: C-ACME
    entries: [AI.Z.9.z]
    end_use: x
    submitted: 2026-11-01
    end_use_category: other
""",
        r":5: entries: unknown capability code 'AI.Z.9.z'",
    ),
    "unknown customer": (
        """\
requests:
  - id: R-9
    kind: access
    customer: NOBODY
    entries: [AI.C.2.a]
    end_use: x
    submitted: 2026-11-01
    end_use_category: other
""",
        r":4: customer: unknown customer 'NOBODY'",
    ),
    "duplicate id": (
        """\
requests:
  - {id: R-9, kind: access, end_use_category: other, customer: C-ACME, entries: [AI.C.2.a], end_use: x, submitted: 2026-11-01}
  - {id: R-9, kind: access, end_use_category: other, customer: C-ACME, entries: [AI.C.2.a], end_use: y, submitted: 2026-11-01}
""",
        r":3: id: duplicate id 'R-9' \(first on line 2\)",
    ),
    "wrong type": (
        """\
requests:
  - id: R-9
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: [not, text]
    submitted: 2026-11-01
    end_use_category: other
""",
        r":6: end_use: expected text, got a list",
    ),
    "missing field": (
        """\
requests:
  - id: R-9
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    submitted: 2026-11-01
    end_use_category: other
""",
        r":2: end_use: missing",
    ),
    "bad date": (
        """\
requests:
  - id: R-9
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: x
    submitted: 2026-13-45
    end_use_category: other
""",
        r":7: submitted: '2026-13-45' is not a date",
    ),
    "bad kind": (
        """\
requests:
  - id: R-9
    kind: export
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: x
    submitted: 2026-11-01
    end_use_category: other
""",
        r":3: kind: 'export' is not one of access, release, renewal",
    ),
    "unknown field": (
        """\
requests:
  - id: R-9
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: x
    submitted: 2026-11-01
    end_use_category: other
    colour: blue
""",
        r":9: colour: unknown field",
    ),
    "changed content of a registered request": (
        """\
requests:
  - id: R-1
    kind: access
    customer: C-ACME
    entries: [AI.C.2.a]
    end_use: Something else entirely.
    submitted: 2026-11-10
    end_use_category: other
""",
        r":2: id: request 'R-1' is already registered with different content",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_bad_request_file_names_file_line_field_and_imports_nothing(case, tmp_path, cli, db_path):
    text, expected = BAD_REQUESTS[case]
    # A good record before the bad one: all-or-nothing means it must not be imported either.
    good = "  - {id: R-GOOD, kind: access, end_use_category: other, customer: C-KEST, entries: [AI.C.2.a], end_use: ok, submitted: 2026-11-01}\n"
    lines = text.splitlines(keepends=True)
    path = tmp_path / "bad.yaml"
    path.write_text(lines[0] + good + "".join(lines[1:]))
    expected = re.sub(r":(\d+):", lambda m: f":{int(m.group(1)) + 1}:", expected, count=1)
    expected = expected.replace("first on line 2", "first on line 3")
    before = table_dump(db_path)
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 2
    assert re.search(re.escape(str(path)) + expected, r.stderr), r.stderr
    assert "Traceback" not in r.stderr
    assert "nothing imported" in r.stderr
    assert table_dump(db_path) == before


def test_bad_customer_and_schedule_files(tmp_path, cli, db_path):
    before = table_dump(db_path)
    c = tmp_path / "c.yaml"
    c.write_text("customers:\n  - id: C-9\n    name: X\n    country: Germany\n    vetting: trusted\n")
    r = cli("import", "customers", str(c), db=db_path)
    assert r.returncode == 2
    assert f"{c}:4: country: 'GERMANY' is not a two-letter country code" in r.stderr
    assert f"{c}:5: vetting: 'trusted' is not one of vetted, provisional, suspended" in r.stderr
    s = tmp_path / "s.yaml"
    s.write_text(
        "schedule: {id: x, version: '2'}\nentries:\n  - code: AI.C.1.a\n    category: cyber\n"
        "    title: t\n    trigger: banned\n    threshold: {metric: m, operator: '~', value: 1, unit: u}\n"
    )
    r = cli("import", "schedule", str(s), db=db_path)
    assert r.returncode == 2
    assert f"{s}:6: trigger: 'banned' is not one of" in r.stderr
    assert f"{s}:7: threshold: operator '~'" in r.stderr
    assert table_dump(db_path) == before


def test_json_files_are_accepted_with_line_numbers(tmp_path, cli, db_path):
    good = tmp_path / "r.json"
    good.write_text(
        '{"requests": [\n\t{"id": "R-J1", "kind": "access", "end_use_category": "other", "customer": "C-KEST",\n'
        '\t "entries": ["AI.C.2.a"], "end_use": "json", "submitted": "2026-11-02"}]}\n'
    )
    r = cli("import", "requests", str(good), db=db_path)
    assert r.returncode == 0, r.stderr
    bad = tmp_path / "b.json"
    bad.write_text(
        '[\n {"id": "R-J2", "kind": "access", "end_use_category": "other",\n  "customer": "C-KEST", "entries": ["AI.C.2.a"],\n'
        '  "end_use": 5.5e3, "submitted": "2026-11-02", "priority": "asap"}\n]\n'
    )
    r = cli("import", "requests", str(bad), db=db_path)
    assert r.returncode == 2
    assert f"{bad}:4: priority: 'asap' is not one of low, normal, high, urgent" in r.stderr


def test_screening_csv_with_wrong_header_or_ragged_row(tmp_path, cli, db_path):
    before = table_dump(db_path)
    p = tmp_path / "list.csv"
    p.write_text("id,name\n1,x\n")
    r = cli("import", "screening", str(p), db=db_path)
    assert r.returncode == 2 and f"{p}:1: _id: missing column" in r.stderr
    header = (data_dir() / "demo" / "screening.csv").read_text().splitlines()[0]
    p.write_text(header + "\n" + "S1,EL,,Entity,,Good Name" + "," * 23 + "\n" + "S2,EL,,Entity,,,\n")
    r = cli("import", "screening", str(p), db=db_path)
    assert r.returncode == 2 and f"{p}:3: name: missing" in r.stderr
    assert table_dump(db_path) == before


def test_missing_file_and_missing_database(tmp_path, cli, db_path):
    r = cli("import", "requests", str(tmp_path / "nope.yaml"), db=db_path)
    assert r.returncode == 2 and "no such file" in r.stderr
    r = cli("show", "R-1", db=tmp_path / "none.db")
    assert r.returncode == 2 and "no database here" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "none.db").exists()
