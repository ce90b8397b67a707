"""`permittui show REQUEST_ID [--json]`: the request and its findings, for a person or a program;
hostile strings come out visible, never as terminal control; every request of the shipped demo."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from support import TODAY

from permittui.cli import main
from permittui.cli.show import show
from permittui.identity import Officer
from permittui.paths import data_dir
from permittui.store import imports
from permittui.store.db import init_store, open_store
from permittui.store.demo import load_demo

REQUIRED = {
    "triggered": {"code", "trigger", "reason"},
    "red_lines": {"code", "reason"},
    "allow_list": {"code", "granted", "expires", "cap", "used"},
    "screening": {"party", "listed_name", "list", "score", "disposition"},
    "precedents": {"request_id", "outcome", "similarity"},
}
CLOCK = {"registered", "due", "days_left", "paused_days"}


def check_shape(data: dict) -> None:
    assert set(data) >= {"request", "findings"}
    r, f = data["request"], data["findings"]
    assert {"id", "kind", "customer", "entries", "end_use", "status", "registered"} <= set(r)
    for key, fields in REQUIRED.items():
        assert isinstance(f[key], list), key
        for item in f[key]:
            assert fields <= set(item), (key, item)
    assert CLOCK <= set(f["clock"])
    assert isinstance(f["clock"]["days_left"], int) and isinstance(f["clock"]["paused_days"], int)


def show_json(store, rid: str) -> dict:
    out = io.StringIO()
    show(store, rid, as_json=True, out=out)
    return json.loads(out.getvalue())


def show_text(store, rid: str) -> str:
    out = io.StringIO()
    show(store, rid, as_json=False, out=out)
    return out.getvalue()


@pytest.mark.parametrize("rid", ["R-1", "R-2", "R-3", "R-4", "R-5"])
def test_json_shape_for_every_fixture_request(store_as, rid):
    data = show_json(store_as(), rid)
    check_shape(data)
    assert data["request"]["id"] == rid


def test_json_findings_of_the_fixture(store_as):
    store = store_as()
    r3 = show_json(store, "R-3")["findings"]  # release: 0.62 >= 0.5, 12 h < 40 h
    assert [(t["code"], t["trigger"], t["reason"]) for t in r3["triggered"]] == [
        ("AI.C.1.b", "pre_release_review", "exploit_success_rate_professional_ctf = 0.62 >= 0.5 fraction")
    ]
    assert {k: r3["clock"][k] for k in CLOCK} == {
        "registered": "2026-11-05",
        "due": "2026-12-05",
        "days_left": 13,
        "paused_days": 0,
    }
    r4 = show_json(store, "R-4")["findings"]
    assert [rl["code"] for rl in r4["red_lines"]] == ["AI.A.9.a"] and "red line" in r4["flags"]
    r5 = show_json(store, "R-5")["findings"]
    assert r5["customer"]["suspended"] is True and "customer suspended" in r5["flags"]
    r1 = show_json(store, "R-1")["findings"]
    assert r1["allow_list"] == [
        {
            "code": "AI.C.2.a",
            "granted": False,
            "grant_status": None,
            "granted_on": None,
            "expires": None,
            "cap": 60,
            "used": 0,
            "cap_reached": False,
        }
    ]


def test_plain_show_prints_the_same_for_a_person(store_as):
    text = show_text(store_as(), "R-4")
    for part in (
        "R-4  access  pending",
        "Nordlicht Sicherheit GmbH [C-PROV]",
        "entries    AI.A.9.a",
        "triggered",
        "AI.A.9.a   prohibited",
        "RED LINES",
        "allow-list",
        "screening",
        "no hits",
        "clock      registered",
        "flags      red line",
    ):
        assert part in text, part
    text = show_text(store_as(), "R-3")
    assert "eval     exploit_success_rate_professional_ctf = 0.62" in text
    assert "AI.C.1.b   pre_release_review   exploit_success_rate_professional_ctf = 0.62 >= 0.5 fraction" in text


def test_unknown_request_exits_1_with_one_line(cli, db_path):
    r = cli("show", "R-404", db=db_path)
    assert r.returncode == 1 and r.stderr.strip() == "permittui: no request 'R-404'" and r.stdout == ""


# ── hostile strings ────────────────────────────────────────────────────────────────────────

EVIL_NAME = "Evil\x1b]0;pwned\x07 Corp\x1b[2J\u202eLtd"
EVIL_END_USE = "Line1\x1b[31mRED\x1b[0m\r\nLine2 \u202eevil\u200b \x9b2J and \x00nul"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\x00", "\r")


@pytest.fixture
def evil_db(db_path, tmp_path):
    store = open_store(db_path, Officer("alice", "alice"))
    try:
        c = tmp_path / "evil-customers.json"
        c.write_text(
            json.dumps(
                {
                    "customers": [
                        {
                            "id": "C-EVIL",
                            "name": EVIL_NAME,
                            "aliases": ["A\x9b31m"],
                            "country": "GB",
                            "vetting": "vetted",
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        imports.import_customers(store, c)
        r = tmp_path / "evil-requests.json"
        r.write_text(
            json.dumps(
                {
                    "requests": [
                        {
                            "id": "R-EVIL",
                            "kind": "release",
                            "customer": "C-EVIL",
                            "entries": ["AI.C.2.a"],
                            "end_use": EVIL_END_USE,
                            "summary": "sum\x1bPmary\x1b\\",
                            "model": "M\x1b[5m",
                            "evaluations": {"cumulative_training_compute": 10**24},
                            "submitted": "2026-11-01",
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        imports.import_requests(store, r)
        # An evaluation no import would take (made before metrics were typed, or by hand): what the
        # database holds is shown safely all the same.
        with store.write() as conn:
            conn.execute(
                "UPDATE requests SET evaluations = ? WHERE id = 'R-EVIL'",
                (json.dumps([{"metric": "metric\x1b[1m", "value": "v\x1b[7m", "unit": "u\x1b"}]),),
            )
    finally:
        store.close()
    return db_path


def test_plain_show_makes_control_characters_visible(cli, evil_db):
    r = cli("show", "R-EVIL", db=evil_db)
    assert r.returncode == 0, r.stderr
    for ch in RAW:
        assert ch not in r.stdout, repr(ch)
    assert "Evil^[]0;pwned^G Corp^[[2J⟨U+202E⟩Ltd" in r.stdout
    assert "Line1^[[31mRED^[[0m^M" in r.stdout and "⟨U+009B⟩2J" in r.stdout and "^@nul" in r.stdout
    assert "model      M^[[5m" in r.stdout and "metric^[[1m = v^[[7m u^[" in r.stdout


def test_json_show_escapes_control_characters_and_round_trips(cli, evil_db):
    r = cli("show", "R-EVIL", "--json", db=evil_db)
    assert r.returncode == 0, r.stderr
    for ch in RAW:
        assert ch not in r.stdout, repr(ch)
    data = json.loads(r.stdout)
    check_shape(data)
    assert data["request"]["customer_name"] == EVIL_NAME and data["request"]["end_use"] == EVIL_END_USE
    assert data["request"]["evaluations"] == [{"metric": "metric\x1b[1m", "value": "v\x1b[7m", "unit": "u\x1b"}]


def test_hostile_screening_hit_in_show(evil_db, tmp_path, cli):
    from permittui.formats.csl import CSV_COLUMNS

    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(_id="S-EVIL", source="EL\x1b[8m", name="Evil\x1b[2J Corp Ltd")
    import csv

    p = tmp_path / "list.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
        w.writeheader()
        w.writerow(row)
    assert cli("import", "screening", str(p), db=evil_db).returncode == 0
    r = cli("show", "R-EVIL", db=evil_db)
    assert "\x1b" not in r.stdout and "Evil^[[2J Corp Ltd (EL^[[8m)" in r.stdout
    (s,) = json.loads(cli("show", "R-EVIL", "--json", db=evil_db).stdout)["findings"]["screening"]
    assert s["listed_name"] == "Evil\x1b[2J Corp Ltd" and s["disposition"] == "open"


# ── the shipped demo ───────────────────────────────────────────────────────────────────────

DEMO = Path(data_dir()) / "demo"
needs_demo = pytest.mark.skipif(
    not (DEMO / "requests.yaml").exists() or not (DEMO / "screening.csv").exists(),
    reason="the demo data is not shipped yet",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERMITTUI_TODAY", TODAY)
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        store = init_store(path, Officer("tester", "tester"))
        try:
            for _ in load_demo(store):
                pass
        finally:
            store.close()
        yield path


@pytest.fixture(scope="module")
def demo_shows(demo_db):
    """`show --json` of every request in the demo, through the command's own entry point."""
    ids = [r[0] for r in sqlite3.connect(demo_db).execute("SELECT id FROM requests ORDER BY id")]
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERMITTUI_TODAY", TODAY)
        for rid in ids:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                assert main(["show", rid, "--json", "--db", str(demo_db)]) == 0, rid
            out[rid] = json.loads(buf.getvalue())
    return out


@needs_demo
def test_show_json_works_for_every_demo_request(demo_shows):
    assert len(demo_shows) >= 100
    for rid, data in demo_shows.items():
        check_shape(data)
        assert data["request"]["id"] == rid


@needs_demo
def test_show_plain_works_for_every_demo_request(demo_db):
    store = open_store(demo_db, Officer("tester", "tester"), read_only=True)
    try:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM requests")]
        for rid in ids:
            text = show_text(store, rid)
            assert text.startswith(rid) and "clock      registered" in text
    finally:
        store.close()


@needs_demo
def test_demo_cli_show_in_a_real_process(demo_db, cli_proc):
    rid = sqlite3.connect(demo_db).execute("SELECT id FROM requests ORDER BY id LIMIT 1").fetchone()[0]
    r = cli_proc("show", rid, "--json", db=demo_db)
    assert r.returncode == 0, r.stderr
    check_shape(json.loads(r.stdout))


def _find(demo_shows, **want):
    for data in demo_shows.values():
        r = data["request"]
        if all(str(v).lower() in str(r.get(k, "")).lower() for k, v in want.items()):
            yield data


@needs_demo
def test_demo_spot_checks(demo_shows):
    every = list(demo_shows.values())
    # screening: a designed look-alike (legal form: Co. LLC / Company) shows on its customer's request
    data = next(_find(demo_shows, customer_name="Gulf Modern"))
    assert [(s["listed_name"], s["score"]) for s in data["findings"]["screening"]] == [
        ("Gulf Modern Solutions Engineering Company", 100.0)
    ]
    # the precedent pair went both ways; the pending third case resembling both is warned
    third = next(d for d in _find(demo_shows, end_use="adversary-emulation") if d["request"]["status"] == "pending")
    assert third["findings"]["precedent_warning"] and "both ways" in third["findings"]["precedent_warning"]
    decided = [d for d in _find(demo_shows, end_use="adversary-emulation") if d["request"]["status"] != "pending"]
    assert {d["request"]["status"] for d in decided} >= {"denied", "approved_with_conditions"}
    assert all("other way" in (d["findings"]["precedent_warning"] or "") for d in decided)
    # red lines: a red-line phrase in a declared end use, and prohibited entries
    assert any(
        rl["code"] == "AI.S.9.a" and "mass surveillance" in rl["reason"]
        for d in _find(demo_shows, end_use="mass surveillance")
        for rl in d["findings"]["red_lines"]
    )
    assert sum(bool(d["findings"]["red_lines"]) for d in every) >= 3
    # the open-weight release above 10^26 FLOP triggers the licence entry, with countersign
    over = [
        t for d in every for t in d["findings"]["triggered"] if t["code"] == "AI.W.1.a" and "1.4e+26" in t["reason"]
    ]
    assert over and all(t["countersign"] for t in over)
    # AI.C.4.a: 28 of 30 places taken
    caps = {(a["used"], a["cap"]) for d in every for a in d["findings"]["allow_list"] if a["code"] == "AI.C.4.a"}
    assert caps == {(28, 30)}
    # suspended customers and lapsed grants are flagged
    assert any("customer suspended" in d["findings"]["flags"] for d in every)
    assert any(a["grant_status"] == "expired" for d in every for a in d["findings"]["allow_list"])
    # values reported in another unit are converted where that is unambiguous, and say so
    assert any(e.get("reported") for d in every for e in d["request"]["evaluations"])


@needs_demo
def test_demo_screening_hits_are_the_designed_look_alikes(demo_db):
    from permittui.store import screening

    store = open_store(demo_db, Officer("tester", "tester"), read_only=True)
    try:
        found = {h["listed_name"].lower(): h["customer_name"] for h in screening.list_hits(store)}
    finally:
        store.close()
    # legal form, case and GmbH, word order and punctuation, diacritics (OÜ), and a near miss to clear
    for listed in (
        "gulf modern solutions engineering company",
        "adt analog and digital technik",
        "shanghai yitu network technology co., ltd.",
        "garantex europe ou",
        "integrity technology group, incorporated",
    ):
        assert listed in found, (listed, found)
