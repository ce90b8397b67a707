"""domain and store are the headless core: importing them must not pull in Textual."""

import subprocess
import sys

CORE = [
    "permittui.domain.models",
    "permittui.domain.validate",
    "permittui.domain.rules.classify",
    "permittui.domain.rules.clock",
    "permittui.domain.lifecycle",
    "permittui.domain.screening",
    "permittui.store",
    "permittui.store.imports",
    "permittui.store.decisions",
    "permittui.store.findings",
    "permittui.store.export",
    "permittui.store.demo",
    "permittui.cli",
    "permittui.cli.commands",
]


def test_core_imports_without_textual():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))"
    )
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
    code = (
        "import sys\nfrom permittui.cli import main\n"
        f"code = main({argv!r})\n"
        "heavy = ('textual', 'rapidfuzz', 'rich', 'yaml', 'sqlite_utils')\n"
        "print(code, ','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, _, loaded = out.stdout.strip().splitlines()[-1].partition(" ")
    return int(status), [m for m in loaded.split(",") if m]


def test_show_and_decide_load_neither_textual_nor_rapidfuzz(db_path):
    # Start-up time of the everyday commands (issue 6): the console's Textual and the screener's
    # rapidfuzz are for those who need them. Show scores R-1 against R-2, decided
    # first, as a precedent (the same entry).
    db = ["--db", str(db_path)]
    for argv in (
        ["decide", "R-2", "return", "--note", "withdrawn", *db],
        ["show", "R-1", *db],
        ["show", "R-1", "--json", *db],
        ["decide", "R-1", "request-info", "--note", "which OT?", *db],
    ):
        status, loaded = _modules_after(argv)
        assert status == 0 and loaded == [], (argv, loaded)


def test_precedent_scores_in_python_equal_rapidfuzz():
    # A show with few past cases scores them in Python rather than import rapidfuzz; the figures
    # must be rapidfuzz's to the last bit, or precedents would rank differently at scale.
    import random

    from rapidfuzz import fuzz

    from permittui.domain.rules import precedent as _scores

    rnd = random.Random(6)
    words = [
        "adversary",
        "emulation",
        "engagements",
        "for",
        "regulated",
        "banks",
        "under",
        "signed",
        "rules",
        "of",
        "engagement",
        "inside",
        "client",
        "test",
        "environments",
        "a",
        "ab",
        "ba",
        "é",
        "ц",
        "",
    ]
    texts = ["", " ", "a", "a a", "b a", "x\u3000y\tz"]
    texts += [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 25))) for _ in range(400)]
    texts += ["".join(rnd.choice("ab cd\u00e9") for _ in range(rnd.randint(0, 40))) for _ in range(100)]
    for _ in range(20_000):
        a, b = rnd.choice(texts), rnd.choice(texts)
        assert _scores.token_set_ratio(a, b) == fuzz.token_set_ratio(a, b, processor=None), (a, b)
        assert _scores.ratio(a, b) == fuzz.ratio(a, b, processor=None), (a, b)


def test_fast_parsing_of_the_console_show_and_decide_is_argparse_s():
    # cli.fast parses plain console/show/decide arguments without argparse (start-up time); whatever it
    # accepts must come out exactly as argparse would have it, and what it doesn't, argparse gets.
    import contextlib
    import io
    import random

    from permittui.cli import build_parser, fast

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    for command, (_positionals, options, _) in fast.COMMANDS.items():
        known = {o for a in sub[command]._actions for o in a.option_strings} - {"-h", "--help"}
        assert known == set(options) | set(fast.COMMON), command
    top = {o for a in parser._actions for o in a.option_strings} - {"-h", "--help", "--version"}
    assert top == set(fast.TOP) | set(fast.COMMON)

    values = ["R-1", "approve", "deny", "refer", "bogus", "7", "-5", "+7", "", "a b", "show", "--json", "-x"]
    options = [
        "--json",
        "--db",
        "--officer",
        "--reason",
        "--condition",
        "--note",
        "--inspector",
        "--referral-days",
        "--expect-version",
        "--override",
        "--help",
        "--js",
        "--db=y",
        "--",
        "--theme",
        "--demo",
    ]
    rnd = random.Random(6)
    cases = [["show", "R-1"], ["decide", "R-1", "approve", "--note", "ok"], ["--db", "a", "show", "R", "--db", "b"]]
    for _ in range(4000):
        argv = rnd.choice([[], ["--db", "x.db"], ["--officer", "bob"], ["--db", "x", "--officer", "show"]])
        argv.append(rnd.choice(["show", "decide"]))
        args = [rnd.choice(values) for _ in range(rnd.choice([1, 2, 2, 3]))]
        for _ in range(rnd.randint(0, 4)):
            option = rnd.choice(options)
            args.insert(rnd.randint(0, len(args)), option)
            if option not in ("--json", "--override") and rnd.random() < 0.9:
                args.insert(args.index(option) + 1, rnd.choice(values))
        cases.append(argv + args)
    for _ in range(1000):  # the console: top-level options only
        argv = []
        for _ in range(rnd.randint(0, 4)):
            option = rnd.choice(["--db", "--officer", "--theme", "--read-only", "--demo", "--th", "--db=x", "-x"])
            argv.append(option)
            if option in ("--db", "--officer", "--theme") and rnd.random() < 0.9:
                argv.append(rnd.choice(values))
        cases.append(argv)
    fast_count = 0
    for argv in cases:
        got = fast.parse(argv)
        if got is None:
            continue
        fast_count += 1
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            expected = vars(build_parser(argv).parse_args(argv))  # SystemExit here: fast took a bad one
        assert vars(got) == expected, argv
    assert fast.parse(cases[0]) and fast.parse(cases[1]) and fast_count > 100


def test_sanitisers_skip_their_patterns_only_for_text_they_would_not_change():
    # text.clean and show's JSON compile their patterns only for text that
    # could match (start-up time); that rests on what the patterns' characters are.
    import re

    from permittui import text
    from permittui.cli import show

    every = [chr(c) for c in range(0x110000)]
    for ch in filter(re.compile(text.UNSAFE_CLASS).match, every):
        assert ch != "\n" and text.has_unsafe(f"a{ch}b") and text.has_unsafe(f"é{ch}\n"), hex(ord(ch))
    assert show._UNSAFE_IN_JSON == text.UNSAFE_CLASS
    assert text.clean("a\u202eb\nc\x1b") == "a⟨U+202E⟩b\nc^[" and text.clean("plain\ntext") == "plain\ntext"
