"""Restricted-party screening: the CSL as published (CSV and JSON), normalised fuzzy matching with
country as corroboration, dispositions in the audit chain, re-flagging when the list changes, the
command line, and the speed of one screen against 30,000 entries."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from support import table_dump

from permittui.domain import flags
from permittui.domain.screening import HIT_SCORE, ListedName, Screener
from permittui.domain.screening_names import normalise, tokens
from permittui.errors import BadInput, InvalidFile, Refused
from permittui.formats import csl
from permittui.store import decisions, imports, screening
from permittui.store.findings import findings_for

# ── normalisation ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "a,b",
    [
        ("ACME HOLDINGS LIMITED", "Acme [Holdings] Ltd"),  # case, brackets, legal form
        ("Société Générale de Télécom S.A.", "societe generale de telecom"),  # diacritics, legal form
        ("Yitu Network Technology (Shanghai) Co., Ltd.", "Shanghai Yitu Network Technology Co Ltd"),  # word order
        ("Nordlicht Sicherheit GmbH", "NORDLICHT SICHERHEIT AG"),  # one legal form for another
        ("Garantex Europe OÜ", "GARANTEX EUROPE OU"),  # diacritics in the legal form
        ("Kestrel Red-Team, L.L.C.", "Kestrel Red Team LLC"),  # dots and hyphens
        ("O'Brien & Sons Ltd", "OBrien and Sons"),  # apostrophe, ampersand
        ("Straße Werke", "Strasse Werke"),  # ß
        ("Московский институт теплотехники", "Moskovskiy Institut Teplotekhniki"),  # Cyrillic
        ("İstanbul Teknoloji A.Ş.", "Istanbul Teknoloji"),
    ],
)
def test_names_that_normalise_to_the_same_key(a, b):
    assert normalise(a) == normalise(b) != ""


def test_a_name_made_only_of_legal_forms_keeps_them_and_no_letters_gives_nothing():
    assert tokens("The Company Ltd") == ["the", "company", "ltd"]
    assert normalise("— ... —") == ""
    assert normalise("上海航天技术研究院") == "上海航天技术研究院"  # other scripts stay, not dropped


# ── the matcher ────────────────────────────────────────────────────────────────────────────


def listed(entry_id: str, name: str, *aliases: str, countries: tuple[str, ...] = (), source: str = "EL"):
    return [ListedName(entry_id, n, normalise(n), countries, source) for n in (name, *aliases)]


def screener(*groups: list[ListedName]) -> Screener:
    return Screener([n for g in groups for n in g])


LIST = screener(
    listed("S-1", "Société Générale de Télécom S.A.", countries=("FR",)),
    listed("S-2", "Nordlicht Sicherheit AG", countries=("DE",)),
    listed("S-3", "Shanghai Yitu Network Technology Co., Ltd.", "Yitu Technology", countries=("CN",)),
    listed("S-4", "Московский институт теплотехники", "Moscow Institute of Thermal Technology", countries=("RU",)),
    listed("S-5", "Garantex Europe OÜ", "Garantex", countries=("EE",)),
    listed("S-6", "Hang Tian Electronics Import Export", countries=("CN",)),
    listed("S-7", "Zhukovsky Aviation Works", "Zhukovskiy Aviatsionnyy Zavod", countries=("RU",)),
    listed("S-8", "Zenit Optical Plant", countries=("RU",)),
)


def hits(names: list[str], country: str = "", s: Screener = LIST) -> dict[str, float]:
    return {m.entry_id: m.score for m in s.screen(names, country, limit=10_000)}


@pytest.mark.parametrize(
    "party,entry",
    [
        ("Societe Generale de Telecom", "S-1"),  # diacritics
        ("Nordlicht Sicherheit GmbH", "S-2"),  # legal form
        ("Yitu Network Technology (Shanghai) Co Ltd", "S-3"),  # word order
        ("Garantex Europe OU", "S-5"),
        ("Moskovskiy Institut Teplotekhniki", "S-4"),  # transliteration of the Cyrillic name
        ("Moskovsky Institut Teplotehniki", "S-4"),  # ... another transliteration
        ("Zhukovskii Aviatsionnyi Zavod", "S-7"),  # a transliterated alias, spelt otherwise
        ("Жуковский авиационный завод", "S-7"),  # the party's own name in Cyrillic
        ("HangTian Electronics Import Export", "S-6"),  # words joined
        ("Hang Tian Electroincs Import Export", "S-6"),  # a typo
    ],
)
def test_listed_names_found_through_their_variants(party, entry):
    found = hits([party])
    assert entry in found and found[entry] >= HIT_SCORE, (party, found)


def test_an_alias_is_matched_and_reported_as_the_listed_name():
    (m,) = LIST.screen(["Moscow Institute of Thermal Technology"])
    assert (m.entry_id, m.listed_name, m.score) == ("S-4", "Moscow Institute of Thermal Technology", 100.0)


def test_a_party_matches_through_any_of_its_own_names():
    assert set(hits(["Harmless Trading Ltd", "Garantex Europe"])) == {"S-5"}
    (m,) = LIST.screen(["Harmless Trading Ltd", "Garantex Europe"])
    assert m.party_name == "Garantex Europe"


def test_country_corroborates_or_counts_against():
    (same,) = LIST.screen(["Nordlicht Sicherheitt"], "DE")
    (none,) = LIST.screen(["Nordlicht Sicherheitt"], "")
    assert same.score > none.score and same.country_note == "country DE corroborates"
    other = LIST.screen(["Nordlicht Sicherheitt"], "FR")
    assert other == [] or (other[0].score < none.score and "listed in DE, not FR" in other[0].country_note)
    # an exact name still hits from another country: the country corroborates, it doesn't clear
    (exact,) = LIST.screen(["Nordlicht Sicherheit GmbH"], "FR")
    assert exact.score == 94.0 and "not FR" in exact.country_note


@pytest.mark.parametrize("party", ["Fabrikam Robotics", "Northwind Traders", "Zenith Bank", "Europe", "", "---"])
def test_unrelated_names_do_not_hit(party):
    assert hits([party]) == {}


def test_results_best_first_one_per_entry_and_limited():
    s = screener(*(listed(f"E-{i}", f"Kvant Elektronika {i}", "Kvant Elektronika") for i in range(15)))
    found = s.screen(["Kvant Elektronika"], limit=10)
    assert len(found) == 10 and len({m.entry_id for m in found}) == 10
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


WORDS = (
    "almaz angara baikal delta elektron granit impuls kaskad kvant lazer luch meridian neva novator okean "
    "orion polyus radian raduga rubin saturn signal sokol spektr strela titan vektor vega volga zenit zvezda "
    "huaxin jinhua kunlun tianhe zhongke sepehr farayand pishgam arman sina karadeniz marmara toros"
).split()
TRADES = (
    "electronics technology machinery aviation shipping trading import export chemical optics research "
    "systems telecom instruments precision energy marine radio radar laser materials"
).split()
FORMS = ("LLC", "Ltd", "Co., Ltd.", "GmbH", "OOO", "JSC", "FZE", "S.A.", "Inc.", "")


def synthetic(n: int, seed: int = 7) -> list[tuple[str, str, str, tuple[str, ...], str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        words = [w.capitalize() for w in rng.sample(WORDS, rng.choice((1, 2, 2, 3)))]
        words += [w.capitalize() for w in rng.sample(TRADES, rng.choice((1, 2)))]
        name = f"{' '.join(words)} {rng.choice(FORMS)}".strip()
        country = rng.choice(("RU", "CN", "IR", "AE", "TR", "BY"))
        for n_ in (name, *([" ".join(reversed(words))] if rng.random() < 0.4 else [])):
            rows.append((f"S{i:05d}", n_, normalise(n_), (country,), "EL"))
    return rows


def probes(rows, n: int, seed: int = 8) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        _, name, _, countries, _ = rng.choice(rows)
        if k % 3 == 0:
            out.append((name, countries[0]))
        elif k % 3 == 1:
            w = name.split()
            rng.shuffle(w)
            s = " ".join(w)
            j = rng.randrange(len(s))
            out.append((s[:j] + s[j + 1 :], rng.choice((countries[0], "GB", ""))))  # one character dropped
        else:
            out.append((f"{rng.choice(('Acme', 'Contoso', 'Fabrikam'))} {rng.choice(TRADES).title()}", "GB"))
    return out


def brute_force(s: Screener, party: str, country: str) -> dict[str, float]:
    """The same score, computed over every listed key: what the index must not lose."""
    from rapidfuzz import fuzz

    key, out = normalise(party), {}
    for (entry_id, _, countries, _), listed_key in zip(s._rows, s.keys, strict=False):
        if not key or not listed_key:
            continue
        score = min(fuzz.token_set_ratio(key, listed_key), fuzz.ratio(key, listed_key) + 25)
        if country and countries:
            score = min(100.0, score + 4) if country in countries else score - 6
        if score >= HIT_SCORE:
            out[entry_id] = max(out.get(entry_id, 0), round(score, 1))
    return out


def test_the_index_finds_what_a_full_scan_finds():
    rows = synthetic(3000)
    s = Screener.from_rows(rows)
    for party, country in probes(rows, 180):
        assert hits([party], country, s) == brute_force(s, party, country), party


def test_30000_entries_every_listed_name_is_found_as_published():
    # How fast this is belongs to bench/screening.py; here, only that the index answers at this size.
    rows = synthetic(30_000)
    s = Screener.from_rows(rows)
    names = probes(rows, 150)
    assert all(s.screen([n], c) for n, c in names[::3]), "every listed name as published must be found"


# ── the list as published ──────────────────────────────────────────────────────────────────


def csl_row(
    _id: str, name: str, alt_names: str = "", addresses: str = "", source: str = "Entity List (EL) - BIS", **more: str
) -> dict[str, str]:
    row = dict.fromkeys(csl.CSV_COLUMNS, "")
    row.update(_id=_id, source=source, name=name, alt_names=alt_names, addresses=addresses, type="Entity", **more)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(csl.CSV_COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


LIST_ROWS = [
    csl_row("S-1", "KESTREL RED-TEAM, L.L.C.", addresses="1 Main St, Arlington, VA, 22201, US"),
    csl_row(
        "S-2",
        "Sicherheit Nordlicht AG",
        alt_names="Nordlicht Security; and NL Sicherheit",
        addresses="Hauptstr. 1, Berlin, , 10115, DE",
    ),
    csl_row("S-3", "Grey Harbor Analytics Pte. Ltd.", addresses="1 Harbour Rd, Singapore, , 018989, SG"),
    csl_row("S-4", "Zenit Optical Plant", addresses="Lenina 1, Kazan, , 420000, RU"),
]


def test_csv_as_published(tmp_path):
    parties = csl.read_list(write_csv(tmp_path / "consolidated.csv", LIST_ROWS, bom=True))
    assert [p.id for p in parties] == ["S-1", "S-2", "S-3", "S-4"]
    p = parties[1]
    assert p.alt_names == ("Nordlicht Security", "NL Sicherheit") and p.countries == ("DE",)
    assert json.loads(p.raw)["name"] == "Sicherheit Nordlicht AG"


def test_csv_problems_are_located(tmp_path):
    rows = LIST_ROWS + [csl_row("S-1", "Duplicate"), csl_row("S-9", "")]
    with pytest.raises(InvalidFile) as e:
        csl.read_list(write_csv(tmp_path / "bad.csv", rows))
    text = str(e.value)
    assert "bad.csv:6: _id: duplicate id 'S-1' (first on line 2)" in text and "bad.csv:7: name: missing" in text
    p = tmp_path / "header.csv"
    p.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(InvalidFile) as e:
        csl.read_list(p)
    assert [pr.field for pr in e.value.problems] == ["_id", "source", "name"]


def test_json_as_published(tmp_path):
    data = {
        "total": 2,
        "results": [
            {
                "id": "J-1",
                "source": "Specially Designated Nationals (SDN) - Treasury Department",
                "name": "Garantex Europe OÜ",
                "alt_names": ["Garantex", "Grinex"],
                "addresses": [{"address": "Tallinn", "country": "EE"}],
                "programs": ["CYBER2", "RUSSIA-EO14024"],
                "type": "Entity",
            },
            {
                "_id": "J-2",
                "source": "Entity List (EL)",
                "name": "Zenit Optical Plant",
                "alt_names": None,
                "nationalities": ["RU"],
                "remarks": None,
            },
        ],
    }
    p = tmp_path / "consolidated.json"
    p.write_text("\ufeff" + json.dumps(data, ensure_ascii=False), encoding="utf-8")
    parties = csl.read_list(p)
    assert [(x.id, x.alt_names, x.countries, x.programs) for x in parties] == [
        ("J-1", ("Garantex", "Grinex"), ("EE",), "CYBER2; RUSSIA-EO14024"),
        ("J-2", (), ("RU",), ""),
    ]
    p.write_text(json.dumps([data["results"][0]]), encoding="utf-8")  # a bare list
    assert [x.id for x in csl.read_list(p)] == ["J-1"]
    p.write_text(json.dumps({"results": [{"id": "J-3", "source": "EL", "name": {"x": 1}}]}), encoding="utf-8")
    with pytest.raises(InvalidFile, match=r"results\[0\].name: expected text"):
        csl.read_list(p)
    p.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InvalidFile, match="not valid JSON"):
        csl.read_list(p)


# ── in the register: hits, dispositions, re-flagging ─────────────────────────────────────────


def open_hits(store, customer: str | None = None) -> list[dict]:
    return [h for h in screening.list_hits(store, customer) if h["disposition"] == "open"]


def audit_rows(store, action: str) -> list[tuple]:
    return store.conn.execute(
        "SELECT officer, at, subject, payload FROM audit WHERE action = ? ORDER BY seq", (action,)
    ).fetchall()


@pytest.fixture
def listed_db(store_as, tmp_path):
    store = store_as("alice")
    imports.import_screening(store, write_csv(tmp_path / "list.csv", LIST_ROWS))
    return store


def test_import_flags_customers_whose_names_match(listed_db):
    store = listed_db
    found = {(h["customer"], h["entry_id"]) for h in screening.list_hits(store)}
    # legal form and punctuation (C-KEST), word order and legal form (C-PROV), harbour/harbor (C-SUSP)
    assert found == {("C-KEST", "S-1"), ("C-PROV", "S-2"), ("C-SUSP", "S-3")}
    assert len(audit_rows(store, "screening.hit")) == 3
    f = findings_for(store, "R-2")  # C-KEST's request
    (s,) = f.screening
    assert {k: s[k] for k in ("party", "listed_name", "list", "disposition")} == {
        "party": "Kestrel Red Team LLC",
        "listed_name": "KESTREL RED-TEAM, L.L.C.",
        "list": "Entity List (EL) - BIS",
        "disposition": "open",
    }
    assert s["score"] == 100.0 and "screening hit" in f.flags()
    bits = dict(store.conn.execute("SELECT id, flags FROM requests").fetchall())
    assert bits["R-2"] & flags.SCREENING and not bits["R-1"] & flags.SCREENING


def test_clearing_needs_a_reason_and_is_recorded_with_officer_and_time(listed_db, store_as):
    store = listed_db
    hit = open_hits(store, "C-KEST")[0]["hit"]
    with pytest.raises(Refused, match="needs a reason"):
        screening.disposition(store, hit, "cleared", "  ")
    bob = store_as("bob")
    screening.disposition(bob, hit, "cleared", "different company: US red-team consultancy, not the listed one")
    h = screening.list_hits(bob, "C-KEST")[0]
    assert (h["disposition"], h["officer"]) == ("cleared", "bob") and h["at"].startswith("20")
    (officer, at, subject, payload) = audit_rows(bob, "screening.cleared")[0]
    assert (officer, subject, at) == ("bob", "C-KEST", h["at"])
    assert json.loads(payload)["reason"].startswith("different company")
    assert not bob.conn.execute("SELECT flags FROM requests WHERE id = 'R-2'").fetchone()[0] & flags.SCREENING
    assert "screening hit" not in findings_for(bob, "R-2").flags()


def test_confirmed_blocks_approval_escalated_needs_countersign(listed_db, store_as):
    store = listed_db
    kest = open_hits(store, "C-KEST")[0]["hit"]
    # an open hit blocks approval by any path, the override included, until someone dispositions it
    for override in (False, True):
        with pytest.raises(Refused, match="no officer has dispositioned"):
            decisions.decide(store, "R-2", "approve", override=override)
    screening.disposition(store, kest, "confirmed", "same address and officers")
    with pytest.raises(Refused, match="confirmed restricted-party match"):
        decisions.decide(store, "R-2", "approve")
    # moving a confirmed hit on is a senior's proposal, in effect once a second senior countersigns
    said = screening.disposition(store, kest, "escalated", "legal to review")
    assert "proposed" in said
    assert (
        store.conn.execute("SELECT disposition FROM screening_hits WHERE id = ?", (kest,)).fetchone()[0] == "confirmed"
    )
    with pytest.raises(Refused, match="a different senior officer must countersign"):
        screening.disposition(store, kest, None, "", countersign=True)
    screening.disposition(store_as("bob"), kest, None, "", countersign=True)
    result = decisions.decide(store, "R-2", "approve")
    assert result.status == "awaiting_countersign" and "screening hit escalated" in result.why_countersign
    with pytest.raises(BadInput):
        screening.disposition(store, kest, "maybe", "x")
    with pytest.raises(Refused, match="no screening hit 999"):
        screening.disposition(store, 999, "confirmed", "")


def test_a_cleared_hit_stays_cleared_but_a_new_matching_entry_reflags(listed_db, tmp_path):
    store = listed_db
    hit = open_hits(store, "C-KEST")[0]["hit"]
    screening.disposition(store, hit, "cleared", "not them")
    # the same list again: nothing changes
    before = table_dump(store.path)
    imports.import_screening(store, write_csv(tmp_path / "same.csv", LIST_ROWS))
    assert table_dump(store.path) == before
    # a NEW entry that matches the same customer re-flags it; the old clearance holds for its entry
    new = LIST_ROWS + [csl_row("S-5", "Kestrel RT Inc.", addresses="2 Elm St, Reno, NV, 89501, US")]
    imports.import_screening(store, write_csv(tmp_path / "new.csv", new))
    kest = {h["entry_id"]: h["disposition"] for h in screening.list_hits(store, "C-KEST")}
    assert kest == {"S-1": "cleared", "S-5": "open"}
    assert store.conn.execute("SELECT flags FROM requests WHERE id = 'R-2'").fetchone()[0] & flags.SCREENING
    assert json.loads(audit_rows(store, "screening.hit")[-1][3])["entry"] == "S-5"


def test_a_changed_entry_reopens_the_clearance(listed_db, tmp_path):
    store = listed_db
    hit = open_hits(store, "C-KEST")[0]["hit"]
    screening.disposition(store, hit, "cleared", "not them")
    changed = [dict(r) for r in LIST_ROWS]
    changed[0]["remarks"] = "Also operates as a front for a designated party."
    imports.import_screening(store, write_csv(tmp_path / "changed.csv", changed))
    (h,) = screening.list_hits(store, "C-KEST")
    assert h["disposition"] == "open" and h["officer"] is None
    assert (
        h["reason"].startswith("re-opened: the list entry changed after alice cleared it") and "not them" in h["reason"]
    )
    (_, _, subject, payload) = audit_rows(store, "screening.reflag")[0]
    assert subject == "C-KEST" and json.loads(payload)["cleared_reason"] == "not them"
    # a confirmed hit stays confirmed when its entry changes
    screening.disposition(store, h["hit"], "confirmed", "on reflection, them")
    changed[0]["remarks"] = "Changed again."
    imports.import_screening(store, write_csv(tmp_path / "changed2.csv", changed))
    assert screening.list_hits(store, "C-KEST")[0]["disposition"] == "confirmed"


def test_delisted_entries_no_longer_match(listed_db, tmp_path):
    store = listed_db
    imports.import_screening(store, write_csv(tmp_path / "shorter.csv", LIST_ROWS[1:]))
    assert {m.entry_id for m in screening.load_screener(store).screen(["Kestrel Red Team"])} == set()
    delisted = {h["entry_id"]: h["delisted"] for h in screening.list_hits(store)}
    assert delisted["S-1"] and not delisted["S-2"]


def test_json_list_imports_like_the_csv(store_as, tmp_path):
    store = store_as("alice")
    p = tmp_path / "list.json"
    p.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "id": "J-1",
                        "source": "SDN",
                        "name": "Nordlicht Sicherheit A.G.",
                        "addresses": [{"country": "DE"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    imports.import_screening(store, p)
    (h,) = screening.list_hits(store)
    assert (h["customer"], h["entry_id"], h["score"]) == ("C-PROV", "J-1", 100.0)


# ── the command line ───────────────────────────────────────────────────────────────────────

HOSTILE = "Evil\x1b[2J Trading\u202e \x1b]0;pwned\x07GmbH"


def test_screen_and_disposition_commands(cli, db_path, tmp_path):
    rows = LIST_ROWS + [csl_row("S-6", HOSTILE)]
    p = write_csv(tmp_path / "list.csv", rows)
    r = cli("import", "screening", str(p), db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr

    r = cli("screen", "Nordlicht Sicherheit GmbH", "--country", "de", "--json", db=db_path)
    (m,) = json.loads(r.stdout)
    assert (m["entry_id"], m["score"], m["country_note"]) == ("S-2", 100.0, "country DE corroborates")
    r = cli("screen", "Evil Trading Pwned", db=db_path)
    assert r.returncode == 0 and "S-6" in r.stdout
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\u202e" not in r.stdout
    assert "Evil^[[2J Trading⟨U+202E⟩ ^[]0;pwned^GGmbH" in r.stdout
    r = cli("screen", "Evil Trading Pwned", "--json", db=db_path)
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and json.loads(r.stdout)[0]["listed_name"] == HOSTILE
    r = cli("screen", "Nobody In Particular", db=db_path)
    assert r.returncode == 0 and "no match" in r.stdout

    r = cli("screen", "--hits", "--json", db=db_path)
    listing = json.loads(r.stdout)
    assert {h["customer"] for h in listing} == {"C-KEST", "C-PROV", "C-SUSP"}
    kest = next(h for h in listing if h["customer"] == "C-KEST")
    r = cli("screen", "--hits", "--customer", "C-KEST", db=db_path)
    assert r.returncode == 0 and f"#{kest['hit']}" in r.stdout and "open" in r.stdout and "C-PROV" not in r.stdout

    r = cli("disposition", str(kest["hit"]), "cleared", db=db_path, officer="bob")
    assert r.returncode == 2 and "--reason" in r.stderr
    r = cli("disposition", str(kest["hit"]), "cleared", "--reason", "different firm", db=db_path, officer="bob")
    assert r.returncode == 0, r.stderr
    r = cli("screen", "--hits", "--customer", "C-KEST", db=db_path)
    assert "cleared" in r.stdout and "by bob" in r.stdout and "different firm" in r.stdout
    r = cli("show", "R-2", "--json", db=db_path)
    (s,) = json.loads(r.stdout)["findings"]["screening"]
    assert (s["disposition"], s["officer"], s["reason"]) == ("cleared", "bob", "different firm")

    assert cli("disposition", "99999", "confirmed", db=db_path).returncode == 1
    assert cli("disposition", "1", "maybe", db=db_path).returncode == 2
    assert cli("disposition", "one", "confirmed", db=db_path).returncode == 2
    assert cli("screen", db=db_path).returncode == 2
    assert cli("screen", "x", "--hits", db=db_path).returncode == 2
    assert cli("screen", "x", "--customer", "C-KEST", db=db_path).returncode == 2
    r = cli("audit", "verify", db=db_path)
    assert r.returncode == 0, r.stderr
