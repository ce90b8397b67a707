"""A hostile YAML file is refused quickly with a clear message: no hang, no memory blow-up."""

from __future__ import annotations

import time

import pytest
from support import table_dump

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
requests: [*g]
"""

CASES = {
    "alias bomb": (BOMB, ":2: not valid YAML/JSON: aliases (*name) are not accepted"),
    "python tag": (
        "requests:\n  - !!python/object/apply:os.system ['touch pwned']\n",
        ":2: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not accepted",
    ),
    "custom tag": ("requests:\n  - id: !evil x\n", ":2: tag '!evil' is not accepted"),
    "megabyte scalar": (
        "requests:\n  - id: R-1\n    end_use: " + "A" * 1_000_000 + "\n",
        ":3: value longer than 100000 characters",
    ),
    "deep nesting": ("requests:\n  - x: " + "[" * 100 + "]" * 100 + "\n", "nested deeper than 32 levels"),
    "not yaml": ("requests: [unclosed\n", "not valid YAML/JSON"),
    "binary": ("\x00\x01\x02", "not valid YAML/JSON"),
    "scalar document": ("just a string\n", "expected a list of requests"),
    "empty": ("", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_refused_fast(case, tmp_path, cli, db_path):
    text, expected = CASES[case]
    path = tmp_path / "evil.yaml"
    path.write_text(text)
    before = table_dump(db_path)
    start = time.process_time()  # CPU time, not wall time: a loaded machine does not inflate it
    r = cli("import", "requests", str(path), db=db_path)
    assert time.process_time() - start < 10, "no blow-up: a bomb would take minutes"
    assert r.returncode == 2, r.stderr
    assert str(path) in r.stderr and expected in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "pwned").exists()
    assert table_dump(db_path) == before


def test_not_utf8(tmp_path, cli, db_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("requests:\n  - id: caf\xe9\n".encode("latin-1"))
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 2 and "not UTF-8 text" in r.stderr
