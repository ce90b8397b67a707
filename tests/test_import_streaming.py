"""Customers import streamed in batches inside one transaction: more customers than SQLite takes
variables in one statement, duplicates found across batches, every problem counted though only
the first few are kept, and a file broken at its end still imports nothing. (Time and memory of
half a million: bench/run.py import.)"""

from __future__ import annotations

import json
import sqlite3

from support import table_dump

from permittui.store import imports

N = 33_000  # past SQLite's 32,766 variables in one statement


def _customers_yaml(n: int, extra: str = "") -> str:
    rows = "".join(
        f"  - id: C-{i:06d}\n    name: Customer {i} Ltd\n    country: GB\n    vetting: vetted\n" for i in range(n)
    )
    return "customers:\n" + rows + extra


def _count(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0]


def test_more_customers_than_sqlite_variables_with_a_list_and_requests(tmp_path, cli, db_path):
    listed = tmp_path / "list.csv"
    listed.write_text("_id,source,name\nL-1,EL,Customer 17 Ltd\nL-2,EL,Unrelated Party\n", encoding="utf-8")
    assert cli("import", "screening", str(listed), db=db_path, officer="alice").returncode == 0
    path = tmp_path / "many.yaml"
    path.write_text(_customers_yaml(N), encoding="utf-8")
    before = _count(db_path)
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr
    assert f"customers: {N} added" in r.stdout and _count(db_path) == before + N
    with sqlite3.connect(db_path) as conn:
        hits = conn.execute("SELECT customer_id, entry_id FROM screening_hits WHERE customer_id LIKE 'C-0%'").fetchall()
    assert ("C-000017", "L-1") in hits  # every batch was screened
    r = cli("import", "customers", str(path), db=db_path, officer="alice")  # idempotent, batch by batch
    assert r.returncode == 0 and f"0 added, 0 changed, {N} unchanged" in r.stdout, r.stderr


def test_json_customers_streamed_the_same(tmp_path, cli, db_path):
    path = tmp_path / "many.json"
    rows = [{"id": f"C-{i:05d}", "name": f"Customer {i}", "country": "GB", "vetting": "vetted"} for i in range(1_200)]
    path.write_text(json.dumps({"customers": rows}), encoding="utf-8")
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 0 and "1200 added" in r.stdout, r.stderr


def test_a_duplicate_in_a_later_batch_names_the_first_line(tmp_path, cli, db_path):
    batch = imports.CUSTOMER_BATCH
    dup = "  - id: C-000003\n    name: Again\n    country: GB\n    vetting: vetted\n"
    path = tmp_path / "dup.yaml"
    path.write_text(_customers_yaml(batch * 2) + dup, encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 2, r.stderr
    first = 2 + 3 * 4  # line of C-000003's id: the header, then four lines a record
    assert f"dup.yaml:{2 + 4 * batch * 2}: id: duplicate id 'C-000003' (first on line {first})" in r.stderr
    assert table_dump(db_path) == before


def test_every_problem_counted_few_kept_nothing_imported(tmp_path, cli, db_path):
    bad = "".join(f"  - id: bad id {i}\n    name: X\n    country: GB\n    vetting: vetted\n" for i in range(2_000))
    path = tmp_path / "bad.yaml"
    path.write_text(_customers_yaml(700) + bad, encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 2 and "... and 1995 more problems; nothing imported" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 6
    assert table_dump(db_path) == before


def test_a_file_broken_at_its_end_imports_nothing(tmp_path, cli, db_path):
    path = tmp_path / "broken.yaml"
    path.write_text(_customers_yaml(imports.CUSTOMER_BATCH * 3) + "  - id: [unclosed\n", encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 2 and "not valid YAML/JSON" in r.stderr, r.stderr
    assert table_dump(db_path) == before  # the batches written before it were rolled back
