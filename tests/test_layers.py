"""domain and store are the headless core: importing them must not pull in Textual."""

import subprocess
import sys

CORE = ["permittui.domain.models", "permittui.domain.validate", "permittui.domain.rules.classify",
        "permittui.domain.rules.clock", "permittui.domain.lifecycle", "permittui.domain.screening",
        "permittui.store", "permittui.store.imports", "permittui.store.decisions", "permittui.store.findings",
        "permittui.store.export", "permittui.store.demo", "permittui.cli", "permittui.cli.commands"]


def test_core_imports_without_textual():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE) +
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_textual_import_statements_in_core():
    from pathlib import Path

    import permittui

    root = Path(permittui.__file__).parent
    for layer in ("domain", "store"):
        for py in (root / layer).rglob("*.py"):
            text = py.read_text()
            assert "import textual" not in text and "from textual" not in text, py


def _modules_after(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command line in a fresh interpreter; its exit code and the heavy modules it loaded."""
    code = ("import sys\nfrom permittui.cli import main\n"
            f"code = main({argv!r})\n"
            "heavy = ('textual', 'rapidfuzz', 'rich', 'yaml', 'sqlite_utils')\n"
            "print(code, ','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, _, loaded = out.stdout.strip().splitlines()[-1].partition(" ")
    return int(status), [m for m in loaded.split(",") if m]


def test_show_and_decide_load_neither_textual_nor_rapidfuzz(db_path):
    # Start-up time of the everyday commands (issue 6): the console's Textual and the screener's
    # rapidfuzz are for those who need them. Show scores R-1 against R-2, decided
    # first, as a precedent (the same entry).
    db = ["--db", str(db_path)]
    for argv in (["decide", "R-2", "return", "--note", "withdrawn", *db], ["show", "R-1", *db],
                 ["show", "R-1", "--json", *db], ["decide", "R-1", "request-info", "--note", "which OT?", *db]):
        status, loaded = _modules_after(argv)
        assert status == 0 and loaded == [], (argv, loaded)


def test_precedent_scores_in_python_equal_rapidfuzz():
    # A show with few past cases scores them in Python rather than import rapidfuzz; the figures
    # must be rapidfuzz's to the last bit, or precedents would rank differently at scale.
    import random

    from rapidfuzz import fuzz

    from permittui.domain.rules import _scores

    rnd = random.Random(6)
    words = ["adversary", "emulation", "engagements", "for", "regulated", "banks", "under", "signed", "rules",
             "of", "engagement", "inside", "client", "test", "environments", "a", "ab", "ba", "é", "ц", ""]
    texts = ["", " ", "a", "a a", "b a", "x\u3000y\tz"]
    texts += [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 25))) for _ in range(400)]
    texts += ["".join(rnd.choice("ab cd\u00e9") for _ in range(rnd.randint(0, 40))) for _ in range(100)]
    for _ in range(20_000):
        a, b = rnd.choice(texts), rnd.choice(texts)
        assert _scores.token_set_ratio(a, b) == fuzz.token_set_ratio(a, b, processor=None), (a, b)
        assert _scores.ratio(a, b) == fuzz.ratio(a, b, processor=None), (a, b)
