"""Exports: CSV and JSON of every table kind, formula cells neutralised, atomic -o files."""

from __future__ import annotations

import csv
import io
import json


def test_export_each_kind_csv_and_json(cli, db_path, tmp_path):
    assert cli("decide", "R-1", "approve", db=db_path, officer="alice").returncode == 0
    for what in ("requests", "decisions", "grants", "audit"):
        r = cli("export", what, "--format", "csv", db=db_path)
        assert r.returncode == 0, r.stderr
        rows = list(csv.reader(io.StringIO(r.stdout)))
        assert len(rows) >= 2, what
        out = tmp_path / f"{what}.json"
        r = cli("export", what, "--format", "json", "-o", str(out), db=db_path)
        assert r.returncode == 0, r.stderr
        data = json.loads(out.read_text())
        assert isinstance(data, list) and data
        assert not (tmp_path / f"{what}.json.partial").exists()
    requests = json.loads((tmp_path / "requests.json").read_text())
    assert {r["id"] for r in requests} == {"R-1", "R-2", "R-3", "R-4", "R-5"}
    assert isinstance(requests[0]["entries"], list)
    grants = json.loads((tmp_path / "grants.json").read_text())
    assert grants[0]["customer_id"] == "C-ACME" and grants[0]["code"] == "AI.C.2.a"


def test_csv_cells_that_look_like_formulas_are_neutralised(cli, db_path, tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(
        "requests:\n  - id: R-F\n    kind: access\n    end_use_category: other\n    customer: C-KEST\n    entries: [AI.C.2.a]\n"
        "    end_use: '=HYPERLINK(\"http://x\",\"click\")'\n    summary: '@SUM(A1)'\n"
        "    submitted: 2026-11-01\n"
    )
    assert cli("import", "requests", str(p), db=db_path).returncode == 0
    r = cli("export", "requests", db=db_path)
    row = next(row for row in csv.DictReader(io.StringIO(r.stdout)) if row["id"] == "R-F")
    assert row["end_use"].startswith("'=HYPERLINK")
    assert row["summary"] == "'@SUM(A1)"
    # JSON is data for programs, not spreadsheets: kept exactly.
    r = cli("export", "requests", "--format", "json", db=db_path)
    assert any(x["end_use"].startswith("=HYPERLINK") for x in json.loads(r.stdout))


def test_export_bad_format_is_usage_error(cli, db_path):
    r = cli("export", "requests", "--format", "xml", db=db_path)
    assert r.returncode == 2 and "invalid choice" in r.stderr
