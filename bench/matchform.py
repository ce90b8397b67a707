"""Match-form bench: what the one normalisation for rules and identities costs.

    python bench/matchform.py [--runs N]

Prints, each a median:
  * importing permittui.domain.matchform (a fresh process each run; no table is loaded then), and
    an empty module beside it;
  * loading the Unicode tables at the first non-ASCII text (fresh process): the `regex` import,
    the confusables table, and the first match_form() in all;
  * match_form() per short ASCII text and per non-ASCII text, in µs (tables loaded);
  * words() + contains_phrase() against the schedule's red-line phrases, per end use;
  * inspect() per text: plain ASCII, plain text in other scripts, obfuscated text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ASCII_TEXTS = [
    "Customer support triage for a regional insurer",
    "Fraud detection on card transactions, batch nightly",
    "Research on protein folding with lab partners",
    "Translation of product manuals into 12 languages",
]
OTHER_TEXTS = [
    "Surveillánce des réseaux électriques à Montréal",
    "Москва — столица России; это большой город.",
    "東京タワーは２０２４年に改装された。ＡＩ技術",
    "Emoji ❤️ 👩🏽\u200d💻 and Zażółć gęślą jaźń",
]
OBFUSCATED = [
    "le\u200bthal аutonomous targeting",
    "ᴍass ｓｕｒｖｅｉｌｌａｎｃｅ of the population",
    "𝐥𝐞𝐭𝐡𝐚𝐥 a\u0334utonomous\U000e0041 drones",
    "1ethal aut0n0m0us |ethal \u202esuomonotua\u202c",
]


def _fresh(code: str, runs: int) -> float:
    """Median of what `code` prints (a duration in seconds), each run in a fresh interpreter."""
    # with bytecode caching as an installed permittui has it (PYTHONDONTWRITEBYTECODE would make every
    # import compile its source), after one run that writes the caches
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    values = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        values.append(float(out.stdout))
    return statistics.median(values)


def _per_call(fn: Callable[[str], object], texts: list[str], repeat: int = 2000) -> float:
    """Median µs per call over the texts."""
    for t in texts:
        fn(t)
    times = []
    for t in texts:
        start = time.perf_counter()
        for _ in range(repeat):
            fn(t)
        times.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(times)


def run(runs: int) -> dict[str, float]:
    from permittui.domain.matchform import contains_phrase, inspect, match_form, words

    empty = Path(tempfile.mkdtemp())
    (empty / "empty.py").write_text('"""An empty module."""\n')
    deps = "import sys, permittui.domain.models, permittui.text\n"
    timer = "import time; t = time.perf_counter()\n"
    done = "\nprint(time.perf_counter() - t)"
    figures = {
        # after what it imports (models, text), which every command has loaded already; beside an
        # empty module, which is what finding and loading any module costs here
        "import_ms": _fresh(deps + timer + "import permittui.domain.matchform" + done, runs) * 1e3,
        "import_empty_ms": _fresh(deps + f"sys.path.insert(0, {str(empty)!r})\n" + timer + "import empty" + done, runs)
        * 1e3,
        "regex_import_ms": _fresh("import re, unicodedata\n" + timer + "import regex" + done, runs) * 1e3,
        "table_build_ms": _fresh(
            "from permittui.domain import unicode_data as u\nu._regex()\n" + timer + "u.tables()" + done, runs
        )
        * 1e3,
        "first_non_ascii_ms": _fresh(
            "from permittui.domain.matchform import match_form\n" + timer + "match_form('é')" + done, runs
        )
        * 1e3,
    }
    schedule = yaml.safe_load((Path(__file__).parents[1] / "data" / "schedule.yaml").read_text())
    phrases = [p for e in schedule["entries"] for p in e.get("red_line_phrases") or []]

    def red_lines(text: str) -> int:
        w = words(text)
        return sum(contains_phrase(w, p) for p in phrases)

    figures |= {
        "match_form_ascii_us": _per_call(match_form, ASCII_TEXTS),
        "match_form_other_us": _per_call(match_form, OTHER_TEXTS),
        "match_form_obfuscated_us": _per_call(match_form, OBFUSCATED),
        "phrases": len(phrases),
        "red_lines_ascii_us": _per_call(red_lines, ASCII_TEXTS, 200),
        "red_lines_obfuscated_us": _per_call(red_lines, OBFUSCATED, 200),
        "inspect_ascii_us": _per_call(inspect, ASCII_TEXTS),
        "inspect_other_us": _per_call(inspect, OTHER_TEXTS, 200),
        "inspect_obfuscated_us": _per_call(inspect, OBFUSCATED, 200),
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh processes per start-up figure")
    args = ap.parse_args(argv)
    f = run(args.runs)
    print(f"import permittui.domain.matchform      {f['import_ms']:8.2f} ms  (fresh process, no table)")
    print(f"  an empty module, for comparison      {f['import_empty_ms']:8.2f} ms")
    print(f"first non-ASCII text, all loading      {f['first_non_ascii_ms']:8.1f} ms")
    print(f"  of which: import regex               {f['regex_import_ms']:8.1f} ms")
    print(f"  of which: build the tables           {f['table_build_ms']:8.1f} ms")
    print(f"match_form, short ASCII text           {f['match_form_ascii_us']:8.2f} µs")
    print(f"match_form, non-ASCII text             {f['match_form_other_us']:8.2f} µs")
    print(f"match_form, obfuscated text            {f['match_form_obfuscated_us']:8.2f} µs")
    print(f"words + {f['phrases']} red-line phrases, ASCII   {f['red_lines_ascii_us']:8.1f} µs")
    print(f"words + {f['phrases']} red-line phrases, obfusc. {f['red_lines_obfuscated_us']:8.1f} µs")
    print(f"inspect, plain ASCII text              {f['inspect_ascii_us']:8.2f} µs")
    print(f"inspect, plain text in other scripts   {f['inspect_other_us']:8.1f} µs")
    print(f"inspect, obfuscated text               {f['inspect_obfuscated_us']:8.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
