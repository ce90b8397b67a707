"""Hostile files at every import: a one-line refusal (FILE[:LINE]: [field:] why), exit 2, nothing
imported, no traceback, no raw control character on either stream, and fast (a bomb would take
minutes: CPU time, not wall time, so a loaded machine does not fail the test).

The payloads are drawn by class (encoding, structure, numbers, keys, the file itself) and fed to
each import that reads that kind of file: schedule, customers and requests as YAML and JSON,
the screening list as CSV and JSON."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from support import table_dump

from permittui.formats import records
from permittui.text import clean

RAW = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + list(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff"
)


def assert_clean_output(text: str) -> None:
    """Nothing the one sanitiser would change: no control, bidi or invisible character."""
    for line in text.split("\n"):
        assert clean(line, keep_newlines=False) == line, repr(line)
    for ch in RAW:
        assert ch not in text, repr(ch)


def refused(r, before, db_path: Path, *expected: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    lines = r.stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("permittui: ") and "nothing imported" in lines[-1], r.stderr
    assert len(lines) <= 7, r.stderr  # at most five problems, each one line, and the trailer
    assert_clean_output(r.stdout + r.stderr)
    for text in expected:
        assert text in r.stderr, (text, r.stderr)
    assert table_dump(db_path) == before


def run_import(cli, db_path, kind: str, path: Path, *more: str):
    start = time.process_time()
    r = cli("import", kind, str(path), *more, db=db_path, officer="alice")
    assert time.process_time() - start < 10, "no blow-up"
    return r


# ── valid records, to carry one hostile thing each ───────────────────────────────────────────

CUSTOMER = {"id": "C-NEW", "name": "New Co", "country": "GB", "vetting": "vetted"}
REQUEST = {
    "id": "R-NEW",
    "kind": "access",
    "customer": "C-ACME",
    "entries": ["AI.C.2.a"],
    "end_use": "Authorised testing.",
    "end_use_category": "authorised_penetration_testing",
    "submitted": "2026-11-10",
}
SCHEDULE_HEAD = {"id": "evil", "version": "9.9", "status": "draft"}
ENTRY = {
    "code": "AI.C.9.a",
    "category": "cyber",
    "title": "An entry",
    "trigger": "licence_required",
}
KINDS = {  # import kind -> (list key, a valid record, header)
    "customers": ("customers", CUSTOMER, {}),
    "requests": ("requests", REQUEST, {}),
    "schedule": ("entries", ENTRY, {"schedule": SCHEDULE_HEAD}),
}


def json_doc(kind: str, field_json: str) -> str:
    """A JSON file of `kind` whose one record has an extra field written as raw JSON text."""
    key, record, header = KINDS[kind]
    rec = json.dumps(record)[:-1] + f', "extra": {field_json}}}'
    head = "".join(f"{json.dumps(k)}: {json.dumps(v)}, " for k, v in header.items())
    return f'{{{head}"{key}": [{rec}]}}'


def yaml_doc(kind: str, field_yaml: str) -> str:
    """A YAML file of `kind` whose one record has an extra field written as raw YAML text."""
    key, record, header = KINDS[kind]
    head = "".join(f"{k}: {json.dumps(v)}\n" for k, v in header.items())
    fields = "".join(f"{'  - ' if i == 0 else '    '}{k}: {json.dumps(v)}\n" for i, (k, v) in enumerate(record.items()))
    return f"{head}{key}:\n{fields}    extra: {field_yaml}\n"


# ── the classes of hostile content ───────────────────────────────────────────────────────────

DEEP = 100_000
STRUCTURE_YAML = {
    "lone surrogate": ('"a\\ud800b"', "not valid YAML/JSON"),
    "deep flow": ("[" * DEEP + "]" * DEEP, "nested deeper than 32 levels"),
    "deep flow unclosed": ("[" * DEEP, "nested deeper than 32 levels"),
    "deep flow mapping": ("{a: " * 5_000 + "1" + "}" * 5_000, "nested deeper than 32 levels"),
    "5000-digit int": ("9" * 5_000, "a number written with more than 1000 characters"),
    "5000-digit float": ("1." + "9" * 5_000, "a number written with more than 1000 characters"),
    "alias": ("&a [1]\n    again: *a", "aliases (*name) are not accepted"),
    "python tag": ("!!python/object/apply:os.system ['touch pwned']", "is not accepted"),
    "custom tag": ("!evil x", "tag '!evil' is not accepted"),
    "non-text key": ("{1: x}", "a key must be text"),
    "null key": ("{~: x}", "a key must be text"),
    "list key": ("{[a]: x}", "a key must be text, not a list or mapping"),
    "binary tag": ("!!binary aGk=", "is not accepted"),
    "megabyte scalar": ("A" * 1_000_000, "value longer than 100000 characters"),
}
STRUCTURE_JSON = {
    "lone surrogate": ('"a\\ud800b"', "lone surrogate"),
    "lone low surrogate in a key": ('{"\\udc00": 1}', "lone surrogate"),
    "deep array": ("[" * DEEP + "]" * DEEP, "nested deeper than 32 levels"),
    "deep array unclosed": ("[" * DEEP, "nested deeper than 32 levels"),
    "deep object": ('{"a": ' * 5_000 + "1" + "}" * 5_000, "nested deeper than 32 levels"),
    "5000-digit int": ("9" * 5_000, "a number written with more than 1000 characters"),
    "5000-digit float": ("1." + "9" * 5_000, "a number written with more than 1000 characters"),
    "5000-digit exponent": ("1e" + "9" * 5_000, "a number written with more than 1000 characters"),
    "duplicate key": ('{"a": 1, "a": 2}', "key 'a' appears twice"),
    "NaN": ("NaN", "not valid JSON"),
    "control character in a string": ('"a\tb"', "not valid JSON"),
    "trailing comma": ("[1, ]", "not valid JSON"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", sorted(STRUCTURE_YAML))
def test_hostile_yaml_structure(kind, case, tmp_path, cli, db_path):
    text, expected = STRUCTURE_YAML[case]
    path = tmp_path / "evil.yaml"
    path.write_text(yaml_doc(kind, text), encoding="utf-8")
    before = table_dump(db_path)
    refused(run_import(cli, db_path, kind, path), before, db_path, str(path), expected)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", sorted(STRUCTURE_JSON))
def test_hostile_json_structure(kind, case, tmp_path, cli, db_path):
    text, expected = STRUCTURE_JSON[case]
    path = tmp_path / "evil.json"
    path.write_text(json_doc(kind, text), encoding="utf-8")
    before = table_dump(db_path)
    refused(run_import(cli, db_path, kind, path), before, db_path, str(path), expected)


def test_the_carriers_are_valid_without_the_hostile_field(tmp_path, cli, db_path):
    # So that each refusal above is the hostile field's doing: with a plain extra field instead,
    # a carrier is refused for that field being unknown and for nothing it was not refused for
    # without it (a carrier schedule lacks the core red lines a whole schedule needs).
    for kind in KINDS:
        for name, text in (("ok.yaml", yaml_doc(kind, "1")), ("ok.json", json_doc(kind, "1"))):
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            r = cli("import", kind, str(path), db=db_path, officer="alice")
            assert r.returncode == 2 and "extra: unknown field" in r.stderr, (kind, name, r.stderr)
            others = [line for line in r.stderr.split("\n") if line and "extra: unknown field" not in line]
            assert all("core red line" in line or line == "nothing imported" for line in others), r.stderr


# ── the file itself ──────────────────────────────────────────────────────────────────────────

FILE_CASES = {
    "empty": (b"", "the file is empty"),
    "only blanks": (b"  \n\n   \n", "the file is empty"),
    "latin-1": ("customers:\n  - id: caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
    "utf-8 encoded surrogate": (b"customers:\n  - id: a\xed\xa0\x80b\n", ":2: not UTF-8 text"),
    "NUL byte": (b"customers:\n  - id: a\x00b\n", ":2: not valid YAML/JSON: control character U+0000"),
    "ESC byte": (b"customers:\n  - id: a\x1b[2Jb\n", ":2: not valid YAML/JSON: control character U+001B"),
    "binary": (bytes(range(256)) * 4, "not"),
    "two documents": (b"customers: []\n---\ncustomers: []\n", "more than one YAML document"),
}
ALL_FILE_KINDS = [("customers", "yaml"), ("requests", "json"), ("schedule", "yaml"), ("screening", "csv")]


@pytest.mark.parametrize("kind,suffix", ALL_FILE_KINDS)
@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_hostile_file(kind, suffix, case, tmp_path, cli, db_path):
    data, expected = FILE_CASES[case]
    if case == "two documents" and kind != "customers":
        pytest.skip("the payload is a customers file")
    path = tmp_path / f"evil.{suffix}"
    path.write_bytes(data)
    before = table_dump(db_path)
    r = run_import(cli, db_path, kind, path)
    if kind == "screening" or suffix == "json":  # other readers word it their way; still refused
        expected = expected.split(":")[-1].strip() if "UTF-8" in expected else ""
    refused(r, before, db_path, str(path), expected)


@pytest.mark.parametrize("kind", ["customers", "requests", "schedule", "screening"])
def test_not_a_regular_file(kind, tmp_path, cli, db_path):
    before = table_dump(db_path)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    refused(run_import(cli, db_path, kind, folder), before, db_path, "is a folder, not a file")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    refused(run_import(cli, db_path, kind, fifo), before, db_path, "is not a regular file")
    refused(run_import(cli, db_path, kind, tmp_path / "missing.yaml"), before, db_path, "no such file")


@pytest.mark.parametrize("kind", ["customers", "requests", "schedule", "screening"])
def test_a_2_gb_file_is_refused_before_it_is_read(kind, tmp_path, cli, db_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:  # sparse: two gigabytes that take no disk
        f.truncate(2 * 1024**3)
    before = table_dump(db_path)
    refused(run_import(cli, db_path, kind, path), before, db_path, "bytes, over the", "limit")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file(tmp_path, cli, db_path):
    path = tmp_path / "secret.yaml"
    path.write_text("customers: []\n")
    path.chmod(0)
    before = table_dump(db_path)
    refused(run_import(cli, db_path, "customers", path), before, db_path, "cannot read")


def test_bom_and_crlf_are_read_as_text(tmp_path, cli, db_path):
    path = tmp_path / "windows.yaml"
    path.write_bytes(
        b"\xef\xbb\xbfcustomers:\r\n  - id: C-CRLF\r\n    name: Crlf Ltd\r\n    country: GB\r\n    vetting: vetted\r\n"
    )
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    js = tmp_path / "windows.json"
    js.write_bytes(
        b'\xef\xbb\xbf{"customers": [\r\n{"id": "C-JSON", "name": "J \\ud83d\\ude00", "country": "GB",\r\n'
        b' "vetting": "vetted"}]}\r\n'
    )
    r = cli("import", "customers", str(js), db=db_path, officer="alice")
    assert r.returncode == 0 and "1 added" in r.stdout, r.stderr  # a surrogate pair is a character


# ── requests: statuses that need a decision behind them ──────────────────────────────────────


@pytest.mark.parametrize(
    "status,ok",
    [("awaiting_countersign", False), ("referred", False), ("info_requested", True), ("pending", True)],
)
def test_request_status_needing_a_decision(status, ok, tmp_path, cli, db_path):
    path = tmp_path / "requests.yaml"
    fields = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in REQUEST.items() if k != "id")
    path.write_text(f"requests:\n  - id: R-NEW\n{fields}    status: {status}\n", encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "requests", str(path), db=db_path, officer="alice")
    if ok:
        assert r.returncode == 0 and "1 added" in r.stdout, r.stderr
    else:
        refused(r, before, db_path, f"{path}:9: status: {status} needs a decision behind it")


# ── the screening list ───────────────────────────────────────────────────────────────────────

CSV_HEADER = "_id,source,name,alt_names\n"


def csl_csv(tmp_path: Path, body: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    return path


def screening_rows(db_path: Path) -> int:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM screening_entries WHERE delisted IS NULL").fetchone()[0]


CSV_CASES = {
    "a quote left open": (
        '1,EL,"Open quote\n2,EL,Two\n3,EL,Three\n',
        ":2: a quoted cell opened on this line is never closed",
    ),
    "a quote closed rows later": ('1,EL,"Merged\n2,EL,Two",x\n', "name: spans lines 2-3"),
    "name too long": ("1,EL," + "N" * 100_000 + "\n", "name: longer than 1000 characters"),
    "too many aliases": ("1,EL,Name," + ";".join(f"alias {i}" for i in range(501)) + "\n", "more than 500 names"),
    "alias too long": ("1,EL,Name," + "A" * 1_001 + "\n", "a name longer than 1000 characters"),
    "id too long": ("I" * 201 + ",EL,Name\n", "_id: longer than 200 characters"),
    "field too long": ("1," + "S" * 20_001 + ",Name\n", "source: longer than 20000 characters"),
    "ragged row": ("1,EL,Name,,extra\n", "cells, header has"),
    "NUL": ("1,EL,Na\x00me\n", ":2: a NUL byte"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_hostile_screening_csv(case, tmp_path, cli, db_path):
    body, expected = CSV_CASES[case]
    path = csl_csv(tmp_path, body)
    before = table_dump(db_path)
    refused(run_import(cli, db_path, "screening", path), before, db_path, str(path), expected)


JSON_ROW = {"_id": "J-1", "source": "EL", "name": "Listed Co"}
JSON_CASES = {  # field -> a value of the wrong type (or size)
    "name a number": ("name", 5, "results[0].name: expected text, got a number"),
    "name an object": ("name", {"x": 1}, "results[0].name: expected text, got an object"),
    "name null": ("name", None, "results[0].name: missing"),
    "id an object": ("_id", {"a": 1}, "results[0]._id: expected text, got an object"),
    "id a number": ("_id", 7, "results[0]._id: expected text"),
    "source a list": ("source", ["EL"], "results[0].source: expected text"),
    "type a number": ("type", 3, "results[0].type: expected text"),
    "alt_names holding numbers": ("alt_names", [1, {"a": 2}, None], "results[0].alt_names: expected text or a list"),
    "alt_names an object": ("alt_names", {"a": 1}, "results[0].alt_names: expected text or a list"),
    "programs an object": ("programs", {"a": 1}, "results[0].programs: expected text or a list"),
    "citizenships a number": ("citizenships", 7, "results[0].citizenships: expected text or a list"),
    "addresses a number": ("addresses", 5, "results[0].addresses: expected a list of addresses"),
    "addresses holding numbers": ("addresses", [{"country": 5}], "results[0].addresses: expected a list"),
    "name too long": ("name", "N" * 100_000, "results[0].name: longer than 1000 characters"),
    "too many aliases": ("alt_names", [f"a {i}" for i in range(501)], "more than 500 names"),
    "a field too long": ("remarks", "R" * 20_001, "results[0].remarks: longer than 20000 characters"),
    "id spans lines": ("_id", "a\nb", "results[0]._id: must be one line"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_hostile_screening_json_types(case, tmp_path, cli, db_path):
    field, value, expected = JSON_CASES[case]
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"results": [{**JSON_ROW, field: value}]}), encoding="utf-8")
    before = table_dump(db_path)
    refused(run_import(cli, db_path, "screening", path), before, db_path, str(path), expected)


SCREENING_JSON_TEXT = {
    "deep": ('{"results": [' + "[" * DEEP + "]" * DEEP + "]}", "nested deeper than 32 levels"),
    "deep unclosed": ("[" * DEEP, "nested deeper than 32 levels"),
    "deep inside a row": (
        '{"results": [{"_id": "1", "source": "EL", "name": "N", "ids": ' + "[" * 5_000 + "]" * 5_000 + "}]}",
        "nested deeper than 32 levels",
    ),
    "5000-digit number": ('{"results": [{"_id": ' + "9" * 5_000 + ', "source": "EL", "name": "N"}]}', "more than 1000"),
    "lone surrogate": ('{"results": [{"_id": "1", "source": "EL", "name": "N\\udc00"}]}', "lone surrogate"),
    "duplicate key": ('{"results": [{"_id": "1", "_id": "2", "source": "EL", "name": "N"}]}', "appears twice"),
    "NaN": ('{"results": [{"_id": "1", "source": "EL", "name": "N", "score": NaN}]}', "not valid JSON"),
    "not a list": ('{"results": 5}', "expected the CSL JSON"),
    "rows not objects": ('{"results": [1, "x", null]}', "results[0]: expected an object"),
}


@pytest.mark.parametrize("case", sorted(SCREENING_JSON_TEXT))
def test_hostile_screening_json_text(case, tmp_path, cli, db_path):
    text, expected = SCREENING_JSON_TEXT[case]
    path = tmp_path / "list.json"
    path.write_text(text, encoding="utf-8")
    before = table_dump(db_path)
    refused(run_import(cli, db_path, "screening", path), before, db_path, str(path), expected)


def test_a_list_too_big_to_screen_against_is_refused(tmp_path, cli, db_path, monkeypatch):
    from permittui.domain import screening
    from permittui.formats import csl
    from permittui.store import imports

    before = table_dump(db_path)
    monkeypatch.setattr(csl, "MAX_LIST_NAMES", 50)
    path = csl_csv(tmp_path, "".join(f"S-{i},EL,Party {i},Alias {i}\n" for i in range(30)))
    refused(run_import(cli, db_path, "screening", path), before, db_path, "the list holds 60 names")
    monkeypatch.setattr(csl, "MAX_LIST_NAMES", 200_000)
    monkeypatch.setattr(screening, "MAX_INDEX_ENTRIES", 100)
    monkeypatch.setattr(imports, "MAX_INDEX_ENTRIES", 100)
    words = "".join(f"S-{i},EL,Word{i:05d}x Unique{i:05d}y\n" for i in range(30))  # 60 words of 10-11 letters
    refused(run_import(cli, db_path, "screening", csl_csv(tmp_path, words, "w.csv")), before, db_path, "index entries")
    assert screening.index_entries(["abcd efghi", "abcd", "abc"]) == 9  # distinct words of 4+ letters


def test_a_list_cannot_silently_empty_the_register(tmp_path, cli, db_path):
    rows = "".join(f"S-{i},EL,Listed Party {i}\n" for i in range(10))
    r = cli("import", "screening", str(csl_csv(tmp_path, rows, "full.csv")), db=db_path, officer="alice")
    assert r.returncode == 0 and screening_rows(db_path) == 10, r.stderr
    before = table_dump(db_path)
    for name, body, expected in (
        ("empty.csv", "", "the list has no rows: importing it would delist all 10 entries in force"),
        ("header-only.json", None, "the list has no rows"),
        ("truncated.csv", "".join(f"S-{i},EL,Listed Party {i}\n" for i in range(4)), "would delist 6 of the 10"),
    ):
        if body is None:
            path = tmp_path / name
            path.write_text('{"results": []}', encoding="utf-8")
        else:
            path = csl_csv(tmp_path, body, name)
        refused(cli("import", "screening", str(path), db=db_path, officer="alice"), before, db_path, expected)
        assert "--replace-all" in cli("import", "screening", str(path), db=db_path, officer="alice").stderr
    # Half is allowed; with --replace-all the list is taken as it is.
    half = csl_csv(tmp_path, "".join(f"S-{i},EL,Listed Party {i}\n" for i in range(5)), "half.csv")
    r = cli("import", "screening", str(half), db=db_path, officer="alice")
    assert r.returncode == 0 and screening_rows(db_path) == 5, r.stderr
    r = cli("import", "screening", str(tmp_path / "empty.csv"), "--replace-all", db=db_path, officer="alice")
    assert r.returncode == 0 and screening_rows(db_path) == 0, r.stderr


def test_replace_all_goes_with_screening_only(tmp_path, cli, db_path, files):
    r = cli("import", "customers", str(files["customers"]), "--replace-all", db=db_path, officer="alice")
    assert r.returncode == 2 and "--replace-all goes with `import screening`" in r.stderr


def test_a_100_000_character_name_is_refused_fast_and_screening_stays_bounded(tmp_path, cli, db_path):
    from permittui.domain.screening import ListedName, Screener

    path = csl_csv(tmp_path, "1,EL," + "Zenit " * 16_667 + "\n")
    before = table_dump(db_path)
    refused(run_import(cli, db_path, "screening", path), before, db_path, "name: longer than 1000 characters")
    # Whatever the length, a screen costs what a few short names do: a 1,000-character listed
    # name of one word and of many, against a 100,000-character party name of one word and of many.
    long_word, many_words = "z" * 1_000, " ".join(f"w{i:03d}" for i in range(200))
    screener = Screener(
        [ListedName("L-1", long_word, long_word, (), "EL"), ListedName("L-2", many_words, many_words, (), "EL")]
    )
    start = time.process_time()
    for party in ("z" * 100_000, " ".join(f"w{i:05d}" for i in range(16_000)), long_word[:-1] + "y"):
        screener.screen([party])
    assert time.process_time() - start < 10
    assert [m.entry_id for m in screener.screen([long_word])] == ["L-1"]  # a long name still matches itself


# ── the reader's limits hold in both parsers ─────────────────────────────────────────────────


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_parser(request, monkeypatch):
    if request.param == "pure-python":  # PyYAML built without libyaml
        import sys

        monkeypatch.setitem(sys.modules, "yaml.cyaml", None)
    return request.param


@pytest.mark.parametrize(
    "text,expected",
    [
        ("customers:\n" + "".join("  " * i + "- \n" for i in range(1, 3_000)), "nested deeper than 32 levels"),
        ("customers: " + "[" * DEEP, "nested deeper than 32 levels"),
        ("customers:\n  - {a: &x 1, b: *x}\n", "aliases"),
        ("customers:\n  - id: 1\n    id: 2\n", "key 'id' appears twice"),
        ('customers:\n  - id: "\\ud800"\n', "not valid"),
        ("customers:\n  - id: " + "9" * 5_000 + "\n", "more than 1000 characters"),
        ("customers:\n  - id: x\n    ? [a]\n    : y\n", "a key must be text"),
    ],
)
def test_reader_limits(yaml_parser, text, expected, tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(records.InvalidFile) as e:
        records.load_document(path, "customers")
    assert expected in str(e.value), str(e.value)
