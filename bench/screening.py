"""Screening bench: a synthetic 30,000-row Consolidated Screening List, imported and screened.

    python bench/screening.py [--rows N] [--names N] [--seed N] [--keep DIR]

Builds a CSL CSV in the published 29-column layout (formats.csl.CSV_COLUMNS) with varied entity
and individual names, aliases (other legal forms, word orders, transliterations, abbreviations)
and addresses, then measures:

  * import of that file into a fresh database: the whole `permittui import screening` process,
    and `imports.import_screening` in-process;
  * loading the Screener (every listed name's precomputed key) from the database;
  * screening one name against the loaded Screener: median and p99 over a few hundred varied
    names (exact listed names, listed names disguised, and names that are not on the list).

`run()` returns the figures as a dict, for bench/run.py.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import pct, permittui_argv

from permittui.formats.csl import CSV_COLUMNS

# ── a synthetic list ───────────────────────────────────────────────────────────────────────

SOURCES = [
    ("Entity List (EL) - Bureau of Industry and Security", "EL"),
    ("Specially Designated Nationals (SDN) - Treasury Department", "SDN"),
    ("Military End User (MEU) List - Bureau of Industry and Security", "MEU"),
    ("Unverified List (UVL) - Bureau of Industry and Security", "UVL"),
    ("Denied Persons List (DPL) - Bureau of Industry and Security", "DPL"),
    ("Sectoral Sanctions Identifications List (SSI) - Treasury Department", "SSI"),
    ("Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department", "CMIC"),
]
COUNTRIES = [
    "RU",
    "CN",
    "IR",
    "KP",
    "SY",
    "BY",
    "AE",
    "HK",
    "TR",
    "PK",
    "VE",
    "MM",
    "CU",
    "LB",
    "IQ",
    "UA",
    "KZ",
    "AM",
    "GE",
    "RS",
    "SG",
    "MY",
    "TH",
    "IN",
    "DE",
    "CY",
    "LV",
    "EE",
    "UZ",
    "KG",
]
CITIES = {
    "RU": ["Moscow", "Saint Petersburg", "Novosibirsk", "Yekaterinburg", "Kazan"],
    "CN": ["Beijing", "Shanghai", "Shenzhen", "Chengdu", "Xi'an", "Wuhan"],
    "IR": ["Tehran", "Isfahan", "Shiraz", "Tabriz"],
    "AE": ["Dubai", "Sharjah", "Abu Dhabi"],
    "HK": ["Hong Kong", "Kowloon"],
    "TR": ["Istanbul", "Ankara", "Izmir"],
}

# Name parts, from several languages, so keys vary as a real list's do.
ROOTS = """
Almaz Altai Amur Angara Arktika Avangard Baikal Baltika Bereg Dalniy Delta Elektron Energiya Fakel Granit
Impuls Iskra Kaskad Kometa Kristall Kvant Lazer Luch Magistral Meridian Mir Molniya Neva Novator Okean
Orion Peleng Planeta Polyus Progress Radian Raduga Rubin Saturn Signal Sokol Spektr Sputnik Start Strela
Svet Taiga Tekhno Titan Tsiklon Ural Vektor Vega Volga Vostok Vympel Yenisei Zarya Zenit Zvezda
Huawei Zhongxing Hangtian Beidou Changcheng Dongfang Guangming Haiyang Hengtong Huaxin Jiangnan Jinhua
Kunlun Longxing Minghua Shenghua Tianhe Xinhua Yuanwang Zhenhua Zhongke Zijin Huaying Tongfang Jiangsu
Pars Aria Kavoshgaran Sepehr Farayand Nasr Shahid Behran Tavan Rayan Saman Pishgam Arman Sina Hamrah
Anatolia Bosphorus Karadeniz Marmara Efes Toros Ararat Yerevan Caspian Tigris Euphrates Levant Orient
Pacific Atlantic Global Trans Inter Euro Asia Sino Rus Gulf Emirates Falcon Eagle Phoenix Dragon Tiger
Lion Star Sun Moon Horizon Summit Apex Pinnacle Crown Royal Imperial Golden Silver Crystal Diamond Pearl
""".split()
ACTIVITY = """
Electronics Technology Technologies Engineering Machinery Aviation Aerospace Shipping Logistics Trading
Import Export Petroleum Chemical Chemicals Metallurgical Industrial Optics Photonics Semiconductor
Microelectronics Instruments Systems Software Telecom Communications Research Scientific Precision
Defense Energy Nuclear Marine Navigation Radio Radar Laser Composite Materials Automation Robotics
Computing Information Security Cyber Data Networks Satellite Space Rocket Motor Turbine Equipment
""".split()
KIND = """
Company Corporation Group Holding Enterprise Institute Bureau Center Centre Factory Plant Works Office
Laboratory Academy University Design-Bureau Association Consortium Agency Services Solutions Partners
""".split()
LEGAL = [
    "LLC",
    "Ltd",
    "Ltd.",
    "Co., Ltd.",
    "Company Limited",
    "GmbH",
    "OOO",
    "OAO",
    "JSC",
    "PJSC",
    "AO",
    "FZE",
    "FZCO",
    "S.A.",
    "Pvt. Ltd.",
    "Inc.",
    "Corp.",
    "LLP",
    "PLC",
    "Limited",
    "Sdn Bhd",
    "A.S.",
]
FIRST = """
Aleksandr Alexei Andrei Boris Dmitri Evgeny Igor Ivan Konstantin Mikhail Nikolai Oleg Pavel Sergei Vladimir
Yuri Anna Elena Irina Natalia Olga Svetlana Tatiana Wei Jun Li Ming Hua Jian Xiaoping Yong Mohammad Ali
Hassan Hossein Reza Mahmoud Ahmad Mehdi Abbas Fatemeh Zahra Maryam Omar Khalid Yusuf Ibrahim Mustafa Kim
Jong Chol Song Hyok Nam Ahmet Mehmet Murat Emre Kemal Vasile Andrii Taras Bohdan Arsen Gor Tigran
""".split()
LAST = """
Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov Solovyov
Vasiliev Zaitsev Pavlov Semenov Golubev Vinogradov Bogdanov Vorobyov Fedorov Mikhailov Belyaev Tarasov
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang
Hosseini Mohammadi Rezaei Ahmadi Karimi Moradi Hashemi Rahimi Jafari Kazemi Sadeghi Ghasemi Salehi
Yilmaz Kaya Demir Sahin Celik Yildiz Ozturk Aydin Arslan Dogan Kim Pak Ri Choe Jang Kang Hovhannisyan
""".split()
# Latin -> a plausible second transliteration, as aliases on a real list often differ.
TRANSLIT_VARIANTS = [
    ("iy", "y"),
    ("ei", "ey"),
    ("kh", "h"),
    ("ts", "tz"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("v", "w"),
    ("ou", "u"),
    ("j", "dj"),
    ("zh", "j"),
    ("x", "ks"),
    ("y", "i"),
]
CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "v": "в",
        "g": "г",
        "d": "д",
        "e": "е",
        "z": "з",
        "i": "и",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "f": "ф",
        "h": "х",
        "c": "ц",
        "y": "ы",
    }
)


def _variant(rng: random.Random, word: str) -> str:
    for a, b in rng.sample(TRANSLIT_VARIANTS, len(TRANSLIT_VARIANTS)):
        if a in word.lower():
            return word.replace(a, b).replace(a.capitalize(), b.capitalize())
    return word


def _entity(rng: random.Random) -> tuple[str, list[str]]:
    words = [rng.choice(ROOTS)]
    if rng.random() < 0.45:
        words.append(rng.choice(ROOTS))
    words += rng.sample(ACTIVITY, rng.choice((1, 1, 2)))
    if rng.random() < 0.6:
        words.append(rng.choice(KIND))
    if rng.random() < 0.15:
        words.insert(0, f"No. {rng.randint(1, 999)}")
    base = " ".join(words)
    name = f"{base} {rng.choice(LEGAL)}" if rng.random() < 0.75 else base
    aliases = []
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))):
        r = rng.random()
        if r < 0.25:
            aliases.append(f"{base} {rng.choice(LEGAL)}")
        elif r < 0.45:
            aliases.append(" ".join(_variant(rng, w) for w in base.split()))
        elif r < 0.6:
            ws = base.split()
            rng.shuffle(ws)
            aliases.append(" ".join(ws))
        elif r < 0.75:
            aliases.append("".join(w[0] for w in base.split() if w[0].isalpha()).upper() + " " + rng.choice(ACTIVITY))
        elif r < 0.85:
            aliases.append(base.lower().translate(CYRILLIC).title())
        else:
            aliases.append(f"{rng.choice(ROOTS)} {rng.choice(ACTIVITY)} {rng.choice(KIND)}")
    return name, aliases


def _individual(rng: random.Random) -> tuple[str, list[str]]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    middle = f" {rng.choice(FIRST)}ovich" if rng.random() < 0.3 else ""
    name = f"{last}, {first}{middle}" if rng.random() < 0.5 else f"{first}{middle} {last}"
    aliases = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        aliases.append(f"{_variant(rng, first)} {_variant(rng, last)}")
    return name, aliases


def _row(rng: random.Random, i: int) -> dict[str, str]:
    source, short = rng.choice(SOURCES)
    individual = rng.random() < 0.3
    name, aliases = _individual(rng) if individual else _entity(rng)
    countries = [rng.choice(COUNTRIES) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    addresses = "; ".join(
        f"{rng.randint(1, 250)} {rng.choice(ROOTS)} Street, "
        f"{rng.choice(CITIES.get(c, ['Capital City']))}, , {rng.randint(10000, 99999)}, {c}"
        for c in countries
    )
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        {
            "_id": f"{i:08x}{rng.getrandbits(96):024x}",
            "source": source,
            "entity_number": str(rng.randint(10000, 99999)) if short == "SDN" else "",
            "type": "Individual" if individual else "Entity",
            "programs": rng.choice(["RUSSIA-EO14024", "IRAN", "CMIC-EO13959", "NPWMD", "SYRIA", "DPRK3", ""]),
            "name": name,
            "addresses": addresses,
            "federal_register_notice": f"{rng.randint(80, 90)} FR {rng.randint(1000, 99999)}",
            "start_date": f"20{rng.randint(10, 26):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "license_requirement": "For all items subject to the EAR." if short == "EL" else "",
            "license_policy": "Presumption of denial." if short == "EL" else "",
            "remarks": rng.choice(
                [
                    "",
                    "",
                    "Additional Sanctions Information - Subject to Secondary Sanctions",
                    f"Linked To: {rng.choice(ROOTS).upper()} {rng.choice(ACTIVITY).upper()}",
                ]
            ),
            "source_list_url": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern",
            "alt_names": "; ".join(aliases),
            "citizenships": countries[0] if individual else "",
            "nationalities": countries[0] if individual and rng.random() < 0.5 else "",
            "dates_of_birth": f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if individual
            else "",
            "source_information_url": "https://www.trade.gov/consolidated-screening-list",
        }
    )
    return row


def write_list(path: Path, rows: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = [_row(rng, i) for i in range(rows)]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
        w.writeheader()
        w.writerows(out)
    return out


def probe_names(rows: list[dict[str, str]], n: int, seed: int = 2) -> list[tuple[str, str]]:
    """(name, country) pairs: a third listed names as published, a third disguised (case, legal
    form, word order, diacritics, a typo), a third not on the list at all."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    accents = str.maketrans({"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í"})
    while len(out) < n:
        k = len(out) % 3
        row = rng.choice(rows)
        country = row["addresses"].rsplit(",", 1)[-1].strip()
        if k == 0:
            out.append((row["name"], country))
        elif k == 1:
            words = row["name"].replace(",", "").split()
            rng.shuffle(words)
            name = " ".join(words).upper() if rng.random() < 0.3 else " ".join(words)
            if rng.random() < 0.5:
                name = name.translate(accents)
            if rng.random() < 0.5 and len(name) > 6:
                j = rng.randrange(1, len(name) - 1)
                name = name[:j] + name[j + 1 :]
            out.append((f"{name} {rng.choice(LEGAL)}", rng.choice([country, "GB", ""])))
        else:
            out.append(
                (
                    f"{rng.choice(['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Blue Yonder', 'Tailspin'])} "
                    f"{rng.choice(ACTIVITY)} {rng.choice(['Ltd', 'GmbH', 'Inc.', 'SAS', ''])}".strip(),
                    rng.choice(["GB", "US", "FR", "DE", "JP"]),
                )
            )
    return out


# ── measuring ──────────────────────────────────────────────────────────────────────────────


def run(
    rows: int = 30_000, names: int = 300, seed: int = 1, keep: Path | None = None, quiet: bool = False
) -> dict[str, Any]:
    from permittui.identity import Officer
    from permittui.store import imports
    from permittui.store.db import init_store, open_store
    from permittui.store.screening import load_screener

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    work = Path(tempfile.mkdtemp(prefix="permittui-bench-screening-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"rows": rows}
    try:
        csv_path = work / "consolidated.csv"
        t = time.perf_counter()
        listed = write_list(csv_path, rows, seed)
        figures["generate_s"] = round(time.perf_counter() - t, 3)
        figures["listed_names"] = sum(1 + len([a for a in r["alt_names"].split(";") if a.strip()]) for r in listed)
        figures["csv_mb"] = round(csv_path.stat().st_size / 1e6, 2)
        say(
            f"list: {rows} rows, {figures['listed_names']} names and aliases, {figures['csv_mb']} MB"
            f" (generated in {figures['generate_s']} s)"
        )

        env = {**os.environ, "PERMITTUI_OFFICER": "bench"}
        # Whole process: `permittui import screening` into a fresh database with the defaults.
        db1 = work / "process.db"
        subprocess.run([*permittui_argv(), "init", "--db", str(db1)], check=True, capture_output=True, env=env)
        t = time.perf_counter()
        r = subprocess.run(
            [*permittui_argv(), "import", "screening", str(csv_path), "--db", str(db1)],
            capture_output=True,
            text=True,
            env=env,
        )
        figures["import_process_s"] = round(time.perf_counter() - t, 3)
        if r.returncode != 0:
            raise SystemExit(f"import failed: {r.stderr.strip()}")
        say(f"import, whole process:      {figures['import_process_s']:.2f} s   ({r.stdout.strip()})")

        # In-process, into another fresh database.
        db2 = work / "inproc.db"
        officer = Officer("bench", "bench")
        init_store(db2, officer).close()
        store = open_store(db2, officer)
        try:
            t = time.perf_counter()
            imports.import_screening(store, csv_path)
            figures["import_inprocess_s"] = round(time.perf_counter() - t, 3)
            say(f"import, in-process:         {figures['import_inprocess_s']:.2f} s")

            loads = []
            for _ in range(3):
                t = time.perf_counter()
                screener = load_screener(store)
                loads.append(time.perf_counter() - t)
            figures["screener_load_ms"] = round(min(loads) * 1000, 1)
            say(f"Screener load:              {figures['screener_load_ms']:.0f} ms  ({len(screener)} names)")

            probes = probe_names(listed, names, seed + 1)
            screener.screen(["warm up"], "")
            times, hits = [], 0
            for name, country in probes:
                t = time.perf_counter()
                found = screener.screen([name], country)
                times.append((time.perf_counter() - t) * 1000)
                hits += bool(found)
            # Listed names as published must all be found (a check, not just a timing).
            missed = [n for i, (n, c) in enumerate(probes) if i % 3 == 0 and not screener.screen([n], c)]
            figures.update(
                screen_median_ms=round(statistics.median(times), 3),
                screen_p99_ms=round(pct(times, 0.99), 3),
                screen_max_ms=round(max(times), 3),
                screen_names=len(probes),
                screen_with_hits=hits,
                listed_names_missed=len(missed),
            )
            say(
                f"screen one name ({len(probes)} names): median {figures['screen_median_ms']:.2f} ms,"
                f" p99 {figures['screen_p99_ms']:.2f} ms, max {figures['screen_max_ms']:.2f} ms;"
                f" {hits} with hits; listed names missed: {len(missed)}"
            )
        finally:
            store.close()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=30_000)
    ap.add_argument("--names", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="keep the list and databases in this directory")
    args = ap.parse_args(argv)
    run(args.rows, args.names, args.seed, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
