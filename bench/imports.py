"""Big and hostile imports, each a whole `permittui` process: wall time and peak RSS.

    python bench/run.py import            (this runs after `init --demo`)

  * 500,000 customers, as YAML and as JSON, into a database with the shipped defaults and the
    demo screening list (so every customer is screened): streamed in batches, memory bounded;
  * re-importing the same 500,000 (every row compared, nothing written);
  * a screening list whose one row has a 100,000-character name: refused by the reader's cap;
  * a list whose distinct words would need more than the screener's index holds: refused;
  * a list at the caps: 399 rows (199,899 names, the most a list may hold), each a 1,000-character
    name and 500 aliases (a cell of 19,500 characters: the 20,000 of any field bounds the aliases'
    text as a whole), words from a shared vocabulary of 20,000;
  * `permittui screen` with a 100,000-character name against that list.

The files are written to bench/out/ once and kept (gitignored).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
DATA = BENCH.parent / "data"
CUSTOMERS = 500_000


def _customers(path: Path, n: int) -> Path:
    if path.exists():
        return path
    rng = random.Random(7)
    words = "Alpha Borealis Cobalt Delta Ember Fjord Granite Harbour Iris Juniper Kestrel Lumen".split()
    countries = ("GB", "US", "DE", "FR", "JP", "SG", "NL", "SE")
    rows = (
        (
            f"C-{i:07d}",
            f"{rng.choice(words)} {rng.choice(words)} {i} Ltd",
            f"{rng.choice(words)} {i}",
            rng.choice(countries),
            rng.choice(("vetted", "provisional")),
        )
        for i in range(n)
    )
    tmp = path.with_suffix(".partial")
    with tmp.open("w", encoding="utf-8") as f:
        if path.suffix == ".json":
            f.write('{"customers": [\n')
            for i, (cid, name, alias, country, vetting) in enumerate(rows):
                rec = {
                    "id": cid,
                    "name": name,
                    "aliases": [alias],
                    "country": country,
                    "sector": "bench",
                    "vetting": vetting,
                }
                f.write(("," if i else "") + json.dumps(rec) + "\n")
            f.write("]}\n")
        else:
            f.write("customers:\n")
            for cid, name, alias, country, vetting in rows:
                f.write(
                    f"  - id: {cid}\n    name: {name}\n    aliases: [{alias}]\n    country: {country}\n"
                    f"    sector: bench\n    vetting: {vetting}\n"
                )
    tmp.replace(path)
    return path


def _fig(r: dict[str, Any]) -> str:
    return f"{r['seconds']:.2f} s, {r['rss_mib']:.0f} MiB"


def _csl(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["_id", "source", "name", "alt_names"])
        for row in rows:
            w.writerow([row[0], "Entity List (EL) - Bureau of Industry and Security", row[1], row[2]])
    return path


def run(
    opts: Any,
    measure: Callable[..., dict[str, Any]],
    exe: str,
    rows_of: Callable[[str, str, list[dict[str, Any]]], list[dict[str, Any]]],
    say: Callable[[str], None],
) -> list[dict[str, Any]]:
    OUT.mkdir(parents=True, exist_ok=True)
    env = None
    rows: list[dict[str, Any]] = []

    def fresh_db(name: str, with_list: bool = True) -> Path:
        db = OUT / name
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        measure([exe, "init", "--db", str(db), "--officer", "bench"], env)
        if with_list:
            measure(
                [
                    exe,
                    "import",
                    "screening",
                    str(DATA / "demo" / "screening.csv"),
                    "--db",
                    str(db),
                    "--officer",
                    "bench",
                ]
            )
        return db

    for fmt in ("yaml", "json"):
        source = _customers(OUT / f"customers-{CUSTOMERS}.{fmt}", CUSTOMERS)
        size = source.stat().st_size / 2**20
        results, again = [], []
        for _ in range(opts.runs or 1):
            db = fresh_db(f"customers-{fmt}.db")
            cmd = [exe, "import", "customers", str(source), "--db", str(db), "--officer", "bench"]
            r = measure(cmd, env)
            results.append(r)
            say(f"  {CUSTOMERS:,} customers ({fmt}, {size:.0f} MiB): {_fig(r)}  ({r['stdout'].strip()})")
            r = measure(cmd, env)
            again.append(r)
            say(f"  again, unchanged: {_fig(r)}  ({r['stdout'].strip()})")
        rows += rows_of("import", f"{CUSTOMERS:,} customers, {fmt} ({size:.0f} MiB)", results)
        rows += rows_of("import", f"{CUSTOMERS:,} customers, {fmt}, re-imported unchanged", again)

    db = fresh_db("long-names.db", with_list=False)
    long_name = _csl(OUT / "csl-100k-name.csv", [("L-1", "Zenit " * 16_666 + "Plant", "")])
    results = []
    for _ in range(opts.runs or 3):
        r = measure([exe, "import", "screening", str(long_name), "--db", str(db), "--officer", "bench"], env, ok=(2,))
        results.append(r)
        say(f"  list with a 100,000-character name: {_fig(r)}  ({r['stderr'].splitlines()[0][-50:]})")
    rows += rows_of("import", "screening list, one 100,000-character name (refused)", results)

    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def word(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    vocabulary = [word(9) for _ in range(20_000)]  # words a list shares, as a real one does

    def name(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    at_caps = [(f"C-{i}", name(100)[:1000], ";".join(name(4)[:38] for _ in range(500))) for i in range(399)]
    too_many_words = [(f"W-{i}", word(12), ";".join(word(9) for _ in range(180))) for i in range(1_000)]
    refused = _csl(OUT / "csl-too-many-words.csv", too_many_words)
    results = []
    for _ in range(opts.runs or 3):
        r = measure([exe, "import", "screening", str(refused), "--db", str(db), "--officer", "bench"], env, ok=(2,))
        results.append(r)
        say(f"  list of 180,000 distinct words: {_fig(r)}  ({r['stderr'].splitlines()[0][-60:]})")
    rows += rows_of("import", "screening list, 180,000 distinct words (refused)", results)
    capped = _csl(OUT / "csl-at-caps.csv", at_caps)
    results = []
    for _ in range(opts.runs or 3):
        db = fresh_db("at-caps.db", with_list=False)
        r = measure([exe, "import", "screening", str(capped), "--db", str(db), "--officer", "bench"], env)
        results.append(r)
        say(f"  list at the caps (399 rows, 1,000-character names, 500 aliases each): {_fig(r)}")
    rows += rows_of("import", "screening list at the caps: 399 rows x 501 names", results)

    results = []
    for party in ("z" * 100_000, " ".join(word(5) for _ in range(16_000))):
        r = measure([exe, "screen", party[:100_000], "--db", str(db), "--officer", "bench"], env)
        results.append(r)
        say(f"  screen a 100,000-character name against it: {_fig(r)}")
    rows += rows_of("import", "screen a 100,000-character name (one word; 16,000 words)", results)
    return rows
